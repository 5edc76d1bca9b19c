"""Evidence kept by hand (verify/manual.py): a fact-checker's rating -> stance, and how the
engine weighs a fact-check (independent unless the fact-checker is on the claimant's side)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from verify_factories import FakeAffiliations, assertion, day, make_claim

from claimledger.verify.engine import assess
from claimledger.verify.manual import (
    RATING_RULE_IDS,
    RATING_RULES,
    ManualEvidence,
    manual_to_evidence,
    rating_stance,
)
from claimledger.verify.policy import Policy
from claimledger.verify.views import claim_json, explain_text


@pytest.mark.parametrize(
    ("rating", "stance", "rule"),
    [
        ("False", "refutes", "FC_FALSE"),
        ("Pants-on-Fire!", "refutes", "FC_FALSE"),
        ("MISLEADING", "refutes", "FC_FALSE"),
        ("Not true", "refutes", "FC_FALSE"),  # holds "true": false words go first
        ("Incorrect", "refutes", "FC_FALSE"),  # whole words: no "correct" inside
        ("Mostly false", "refutes", "FC_FALSE"),
        ("True", "supports", "FC_TRUE"),
        ("Mostly True", "supports", "FC_TRUE"),
        ("correct", "supports", "FC_TRUE"),
        ("Half-true", "questions", "FC_MIXED"),  # holds "true": mixed words go first
        ("Partly false", "questions", "FC_MIXED"),
        ("Mixture", "questions", "FC_MIXED"),
        ("Unproven", "questions", "FC_MIXED"),
        ("Satire", "discusses", "FC_SATIRE"),
        ("Four Pinocchios", "refutes", "FC_FALSE"),
        ("Zebra", "discusses", "FC_UNKNOWN"),
        (None, "discusses", "FC_UNKNOWN"),
    ],
)
def test_rating_words_give_the_stance(rating: str | None, stance: str, rule: str) -> None:
    assert rating_stance(rating) == (stance, rule)


@pytest.mark.parametrize(
    ("value", "best", "worst", "stance", "rule"),
    [
        (1, None, None, "refutes", "FC_SCALE_LOW"),  # schema.org default scale 1..5
        (2, None, None, "refutes", "FC_SCALE_LOW"),  # the worst quarter, its bound included
        (3.5, None, None, "questions", "FC_SCALE_MIDDLE"),
        (3, 5, 1, "questions", "FC_SCALE_MIDDLE"),
        (5, 5, 1, "supports", "FC_SCALE_HIGH"),
        (9, 10, 0, "supports", "FC_SCALE_HIGH"),
        (0, 10, 0, "refutes", "FC_SCALE_LOW"),
        (3, 3, 3, "discusses", "FC_UNKNOWN"),  # no scale to place it on
    ],
)
def test_without_known_words_the_numeric_scale_decides(
    value: float, best: float | None, worst: float | None, stance: str, rule: str
) -> None:
    assert rating_stance("", value=value, best=best, worst=worst) == (stance, rule)
    # Words the rules know win over the number.
    assert rating_stance("True", value=value, best=best, worst=worst)[0] == "supports"


def test_rule_ids_are_unique_and_listed() -> None:
    ids = [r.id for r in RATING_RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) <= RATING_RULE_IDS


def _factcheck(stance: str = "refutes", **kw: object) -> ManualEvidence:
    values: dict[str, object] = {
        "id": "me-1",
        "claim_id": "c1",
        "kind": "factcheck",
        "date": day(5),
        "stance": stance,
        "url": "https://checks.example/plant",
        "source_name": "Lakeside Checks",
        "source_actor_id": "lakeside",
        "rating": "False",
    }
    values.update(kw)
    return ManualEvidence(**values)  # type: ignore[arg-type]


def test_a_factcheck_refutation_is_independent_and_refutes(aff: FakeAffiliations) -> None:
    claim = make_claim()
    items = [assertion(), manual_to_evidence(_factcheck())]
    result = assess(claim, items, policy=Policy(), affiliations=aff, as_of=day(20))
    assert result.status == "refuted"
    assert result.reasons[0] == "INDEPENDENT_REFUTATION(1)"
    assert result.decision("me-1").independent  # type: ignore[union-attr]
    # An article-level switch does not drop a fact-check (it has no statement either).
    strict = Policy(count_article_links=False)
    assert assess(claim, items, policy=strict, affiliations=aff, as_of=day(20)).status == "refuted"
    # Before its date it does not count.
    assert assess(claim, items, policy=Policy(), affiliations=aff, as_of=day(4)).status == (
        "unverified"
    )


def test_a_factchecker_on_the_claimant_side_is_not_independent(aff: FakeAffiliations) -> None:
    claim = make_claim()
    # A fact-checking unit of the claimant's state (the sides table says so).
    aff.parents["ru-factcheck"] = ("ru", None, None)
    item = manual_to_evidence(_factcheck(stance="supports", source_actor_id="ru-factcheck"))
    result = assess(claim, [assertion(), item], policy=Policy(), affiliations=aff, as_of=day(20))
    decision = result.decision("me-1")
    assert decision is not None and not decision.independent
    assert decision.reason.startswith("SPEAKER_AFFILIATED")
    assert result.status == "unverified"


def test_views_show_a_factcheck_with_its_rating_and_url(aff: FakeAffiliations) -> None:
    claim = make_claim()
    items = [assertion(), manual_to_evidence(_factcheck(note="No shelling that day"))]
    result = assess(claim, items, policy=Policy(), affiliations=aff, as_of=day(20))
    view = claim_json(claim, result, items)
    row = next(r for r in view["evidence"] if r.get("kind") == "factcheck")  # type: ignore[union-attr]
    assert row["url"] == "https://checks.example/plant" and row["rating"] == "False"  # type: ignore[index]
    assert view["reports"] == 1  # the fact-check is no article
    text = explain_text(claim, result, items, [])
    line = next(x for x in text.splitlines() if "fact-check" in x)
    assert 'fact-check by Lakeside Checks [lakeside] rated "False": refutes; independent' in line
    assert "https://checks.example/plant" in text and "No shelling that day" in text


def test_an_analyst_note_from_the_claimant_side_can_retract(aff: FakeAffiliations) -> None:
    claim = make_claim()
    note = ManualEvidence(
        id="me-2",
        claim_id="c1",
        kind="analyst",
        date=datetime(2024, 3, 6, tzinfo=UTC),
        stance="discusses",
        note="The ministry withdrew its statement about the plant",
        source_name="Russian Defence Ministry",
        source_actor_id="ru-mod",
    )
    items = [assertion(), manual_to_evidence(note)]
    result = assess(claim, items, policy=Policy(), affiliations=aff, as_of=day(20))
    assert result.status == "retracted"
