"""``eval ledger``: gold reading and span checks, the matcher on hand-built ledgers, and one
end-to-end run over three real articles of the packaged gold."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.errors import ConfigError
from claimledger.eval.ledger import (
    DEFAULT_GOLD,
    Gold,
    GoldClaim,
    GoldReaction,
    GoldSpan,
    LedgerView,
    LinkView,
    NotClaim,
    StatementSpan,
    format_ledger_report,
    iter_spans,
    load_gold,
    overlaps,
    score,
    span_sha1,
    verify_gold,
)

D1, D2 = date(2022, 2, 1), date(2022, 2, 9)


def _span(file: str, start: int, end: int) -> GoldSpan:
    return GoldSpan(file=file, start=start, end=end, sha1="-")


def _claim(
    cid: str, span: GoldSpan, *reactions: GoldReaction, status: tuple[tuple[date, str], ...] = ()
) -> GoldClaim:
    return GoldClaim(
        id=cid,
        split="dev",
        story=cid,
        kind="denial",
        gist="-",
        claimant="-",
        side="-",
        asserted=span,
        reactions=tuple(reactions),
        status=status,
    )


def _reaction(span: GoldSpan, stance: str) -> GoldReaction:
    return GoldReaction(span=span, stance=stance, speaker="-", side="-", independent=True)  # type: ignore[arg-type]


def _view(
    *statements: tuple[str, str, int, int],
    claims: dict[str, str],
    links: Sequence[tuple[str, str, str]] = (),
    status: dict[str, str] | None = None,
    articles: int = 3,
    role: str = "report",
) -> LedgerView:
    return LedgerView(
        statements=[StatementSpan(id=s, file=f, start=a, end=b) for s, f, a, b in statements],
        first_statement=dict(claims),
        links=[LinkView(claim_id=c, statement_id=s, stance=st, role=role) for c, s, st in links],
        status=dict(status or {}),
        articles=articles,
    )


def test_overlap_is_half_of_the_shorter_range() -> None:
    assert overlaps((0, 10), (5, 100))  # 5 of the shorter 10
    assert not overlaps((0, 10), (6, 100))
    assert overlaps((62, 70), (60, 100))  # a short statement inside a sentence
    assert not overlaps((0, 10), (10, 20))


def test_found_merged_missing_reactions_statuses_and_not_claims() -> None:
    g1 = _claim(
        "g1",
        _span("a", 0, 50),
        _reaction(_span("b", 0, 40), "supports"),
        _reaction(_span("b", 50, 90), "refutes"),
        _reaction(_span("b", 100, 140), "questions"),
        status=((D1, "unverified"), (D2, "refuted")),
    )
    g2 = _claim("g2", _span("a", 60, 100))
    g3 = _claim("g3", _span("c", 0, 30))  # its statement opened nothing: missing
    g4 = _claim("g4", _span("c", 40, 80))  # one claim holds g4 and g5: both merged
    g5 = _claim("g5", _span("c", 90, 120))
    nc_opened = NotClaim(span=_span("a", 110, 130), split="dev", reason="caption")
    nc_quiet = NotClaim(span=_span("a", 140, 160), split="dev", reason="byline")
    gold = Gold(
        path="g.yaml",
        articles=(),
        claims=(g1, g2, g3, g4, g5),
        not_claims=(nc_opened, nc_quiet),
    )
    statements = (
        ("s1", "a", 5, 45),
        ("s2", "a", 62, 70),
        ("s3", "c", 0, 30),
        ("s4", "c", 40, 80),
        ("s5", "c", 90, 120),
        ("s6", "a", 110, 130),
        ("s7", "a", 140, 160),
        ("r1", "b", 0, 40),
        ("r2", "b", 50, 90),
        ("r3", "b", 100, 140),
    )
    claims = {"c1": "s1", "c2": "s2", "c3": "s4", "c4": "s6"}
    links = [
        ("c1", "s1", "supports"),
        ("c3", "s4", "supports"),
        ("c3", "s5", "supports"),
        ("c1", "r1", "supports"),
        ("c1", "r2", "questions"),  # accepted for a refutation
        ("c2", "r3", "questions"),  # the right stance on the wrong claim
    ]
    final = _view(*statements, claims=claims, links=links)
    at = {
        D1: _view(*statements, claims=claims, links=links, status={"c1": "unverified"}),
        D2: _view(*statements, claims=claims, links=links, status={"c1": "contested"}),
    }
    report = score(gold, final, at=at, split="dev")
    outcomes = {r.id: r.outcome for r in report.results}
    assert outcomes == {
        "g1": "found",
        "g2": "found",
        "g3": "missing",
        "g4": "merged",
        "g5": "merged",
    }
    by_id = {r.id: r for r in report.results}
    assert by_id["g4"].merged_with == ["g5"] and by_id["g5"].merged_with == ["g4"]
    assert by_id["g5"].claim_ids == ["c3"]  # held as a report only
    assert (report.reactions_linked, report.reactions) == (2, 3)
    assert report.by_stance == {"supports": [1, 1], "refutes": [1, 1], "questions": [0, 1]}
    assert (report.statuses_right, report.statuses) == (1, 2)
    assert [s["ledger"] for s in by_id["g1"].statuses] == ["unverified", "contested"]
    assert (report.not_claims_opened, report.not_claims) == (1, 2)
    assert report.opened_not_claims[0]["claims"] == ["c4"]
    figures = report.figures()
    assert figures["found"] == pytest.approx(0.4) and figures["merged"] == pytest.approx(0.4)
    assert figures["claims_per_article"] == pytest.approx(1.333)
    text = format_ledger_report(report)
    assert "gold claims found as claims of their own" in text and "g4" in text


def test_a_report_of_another_gold_claim_makes_both_merged() -> None:
    g1 = _claim("g1", _span("a", 0, 50))
    g2 = _claim("g2", _span("b", 0, 50))
    gold = Gold(path="g", articles=(), claims=(g1, g2), not_claims=())
    final = _view(
        ("s1", "a", 0, 50),
        ("s2", "b", 0, 50),
        claims={"c1": "s1"},
        links=[("c1", "s2", "supports")],
    )
    report = score(gold, final)
    assert [r.outcome for r in report.results] == ["merged", "merged"]
    assert report.statuses == 0


def test_evidence_about_a_claim_is_not_membership() -> None:
    """A gold claim's assertion may be evidence about another claim and still its own claim."""
    g1 = _claim("g1", _span("a", 0, 50), _reaction(_span("b", 0, 50), "refutes"))
    g2 = _claim("g2", _span("b", 0, 50))
    gold = Gold(path="g", articles=(), claims=(g1, g2), not_claims=())
    final = _view(
        ("s1", "a", 0, 50),
        ("s2", "b", 0, 50),
        claims={"c1": "s1", "c2": "s2"},
        links=[("c1", "s2", "refutes")],
        role="evidence",
    )
    report = score(gold, final)
    assert [r.outcome for r in report.results] == ["found", "found"]
    assert report.reactions_linked == 1


@pytest.mark.parametrize(
    ("gold_stance", "ledger_stance", "linked"),
    [
        ("supports", "supports", True),
        ("supports", "refutes", False),
        ("supports", "discusses", False),
        ("refutes", "refutes", True),
        ("refutes", "questions", True),
        ("questions", "refutes", True),
        ("questions", "supports", False),
        ("refutes", "unrelated", False),
    ],
)
def test_acceptable_stances(gold_stance: str, ledger_stance: str, linked: bool) -> None:
    g1 = _claim("g1", _span("a", 0, 50), _reaction(_span("b", 0, 50), gold_stance))
    gold = Gold(path="g", articles=(), claims=(g1,), not_claims=())
    final = _view(
        ("s1", "a", 0, 50),
        ("r1", "b", 10, 40),
        claims={"c1": "s1"},
        links=[("c1", "r1", ledger_stance)],
    )
    assert score(gold, final).reactions_linked == int(linked)


TEXT = "Alpha said the bridge fell. Beta denied it.\nA caption.\n"


def _gold_file(
    tmp_path: Path,
    *,
    asserted: tuple[int, int] = (0, 27),
    meant: tuple[int, int] | None = None,
    reaction: tuple[int, int] = (28, 43),
) -> Path:
    """A one-claim gold over one small article; ``meant`` is the sentence the sha1 is of."""
    (tmp_path / "arts").mkdir(exist_ok=True)
    (tmp_path / "arts" / "x.txt").write_text(TEXT, encoding="utf-8")
    m0, m1 = meant or asserted
    r0, r1 = reaction
    a0, a1 = asserted
    data = {
        "version": 1,
        "articles": [{"file": "x.txt", "published": "2022-02-01T10:00:00Z", "splits": ["dev"]}],
        "claims": [
            {
                "id": "c1",
                "split": "dev",
                "kind": "observation",
                "gist": "a bridge fell",
                "claimant": "Alpha",
                "side": "alpha",
                "asserted": {"file": "x.txt", "span": [a0, a1], "sha1": span_sha1(TEXT[m0:m1])},
                "reactions": [
                    {
                        "file": "x.txt",
                        "span": [r0, r1],
                        "sha1": span_sha1(TEXT[r0:r1]),
                        "stance": "refutes",
                        "speaker": "Beta",
                        "side": "beta",
                        "independent": True,
                        "restates": r0 < a0,
                    }
                ],
                "status": [{"date": "2022-02-01", "status": "refuted"}],
            }
        ],
        "not_claims": [
            {
                "file": "x.txt",
                "span": [44, 54],
                "sha1": span_sha1(TEXT[44:54]),
                "split": "dev",
                "reason": "caption",
            }
        ],
    }
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_gold_loads_and_its_spans_verify(tmp_path: Path) -> None:
    gold = load_gold(_gold_file(tmp_path))
    assert verify_gold(gold, tmp_path / "arts") == 3
    assert gold.claims[0].status == ((date(2022, 2, 1), "refuted"),)
    assert gold.for_split("test").claims == ()


def test_a_span_off_its_sentence_is_e402(tmp_path: Path) -> None:
    gold = load_gold(_gold_file(tmp_path, asserted=(1, 28), meant=(0, 27)))
    with pytest.raises(
        ConfigError, match=r"E402 claim c1 assertion x.txt\[1:28\]: .*does not fall"
    ):
        verify_gold(gold, tmp_path / "arts")


def test_a_restatement_before_the_assertion_is_e402(tmp_path: Path) -> None:
    gold = load_gold(_gold_file(tmp_path, asserted=(28, 43), reaction=(0, 27)))
    with pytest.raises(ConfigError, match="E402 claim c1 reaction 0: .*before the assertion"):
        verify_gold(gold, tmp_path / "arts")


def test_a_reaction_published_before_the_assertion_is_e402(tmp_path: Path) -> None:
    path = _gold_file(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (tmp_path / "arts" / "y.txt").write_text(TEXT, encoding="utf-8")
    data["articles"].append(
        {"file": "y.txt", "published": "2022-01-31T10:00:00Z", "splits": ["dev"]}
    )
    data["claims"][0]["reactions"][0]["file"] = "y.txt"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="E402 claim c1 reaction 0: .*published before"):
        verify_gold(load_gold(path), tmp_path / "arts")
    # The same reaction in an article of the assertion's day, later, is a reaction.
    data["articles"][1]["published"] = "2022-02-01T11:00:00Z"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert verify_gold(load_gold(path), tmp_path / "arts") == 3


def test_malformed_gold_is_e402(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("claims:\n  - id: c1\n    split: later\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="E402 g.yaml: claim c1: .*split 'later'"):
        load_gold(path)


# -- on the real articles ---------------------------------------------------------------------------


def test_packaged_gold_verifies_and_has_its_shape(datasets: Path) -> None:
    gold = load_gold(DEFAULT_GOLD)
    articles = datasets / "ukraine-news" / "articles"
    assert verify_gold(gold, articles) == len(list(iter_spans(gold)))
    test = gold.for_split("test")
    assert len(gold.claims) >= 25 and len(gold.not_claims) >= 40
    assert 0.25 <= len(test.claims) / len(gold.claims) <= 0.4
    # Whole stories go to one split.
    stories = {(c.story, c.split) for c in gold.claims}
    assert len({s for s, _ in stories}) == len(stories)
    assert all(c.status for c in gold.claims)
    # Held-out days never appear.
    assert not any("20220210" <= a.file[:8] <= "20220228" for a in gold.articles)


# Three articles, four claims (three Lukashenko ones, one Lavrov one), reactions across them.
FILES = (
    "20220128T094500Z_PL_en_283eee190d.txt",
    "20220128T100000Z_PL_en_d803b0ccf0.txt",
    "20220128T104500Z_PL_en_cd3780d43b.txt",
)


@pytest.mark.slow
def test_eval_ledger_end_to_end_on_three_articles(datasets: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_GOLD.read_text("utf-8"))

    def inside(item: dict[str, Any]) -> bool:
        spans = [item.get("asserted") or item, *item.get("reactions", [])]
        return all(s["file"] in FILES for s in spans)

    data["articles"] = [dict(a, splits=["dev"]) for a in data["articles"] if a["file"] in FILES]
    data["claims"] = [dict(c, split="dev") for c in data["claims"] if inside(c)]
    data["not_claims"] = [dict(n, split="dev") for n in data["not_claims"] if inside(n)]
    assert len(data["claims"]) >= 3
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    articles = datasets / "ukraine-news" / "articles"
    result = CliRunner().invoke(
        app,
        ["eval", "ledger", "--gold", str(path), "--articles", str(articles), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    counts = out["counts"]
    assert counts["articles"] == 3
    assert counts["claims"] == len(data["claims"])
    assert counts["found"] + counts["merged"] + counts["missing"] == counts["claims"]
    assert counts["reactions"] == sum(len(c["reactions"]) for c in data["claims"])
    assert counts["statuses"] == sum(len(c["status"]) for c in data["claims"])
    assert counts["not_claims"] == len(data["not_claims"])
    assert counts["ledger_claims"] > 0
    assert set(out["figures"]) == {
        "found",
        "merged",
        "reactions_linked",
        "statuses_right",
        "not_claims_opened",
        "claims_per_article",
    }
    for claim in out["claims"]:
        assert claim["outcome"] in ("found", "merged", "missing")
        assert all(
            s["gold"] in ("unverified", "refuted", "corroborated") for s in claim["statuses"]
        )
        # A claim the ledger holds has a status at each gold date after its article.
        if claim["outcome"] != "missing":
            assert all(s["ledger"] is not None for s in claim["statuses"])


def test_cli_refuses_an_unknown_split(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "ledger", "--articles", str(tmp_path), "--split", "train"]
    )
    assert result.exit_code != 0
    assert "E402" in str(result.exception) or "E402" in result.output
