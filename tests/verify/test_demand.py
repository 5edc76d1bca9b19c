"""Demands for evidence: the rule table and the EVIDENCE_REQUESTED reason of the engine."""

from __future__ import annotations

from dataclasses import replace

import pytest
from verify_factories import FakeAffiliations, assertion, day, ev, make_claim

from claimledger.errors import ConfigError
from claimledger.records import Article, Link, Statement
from claimledger.verify.demand import DEMAND_RULES, RULE_IDS, demand_rules
from claimledger.verify.engine import assess, replay
from claimledger.verify.evidence import Evidence, evidence_from_records
from claimledger.verify.policy import Policy, load_policy
from claimledger.verify.views import claim_json, explain_text

POLICY = Policy()
NOW = day(28, 0)

# One sentence per rule that it must read as a demand, and one it must not.
RULE_CASES: dict[str, tuple[str, str]] = {
    "DEM_ASK_EVIDENCE": (
        "The foreign ministry asked to see evidence that the battalions had really left.",
        "The evidence asked about was published on Tuesday.",
    ),
    "DEM_CALL_TO_SHOW": (
        "The alliance called on Moscow to show that it is pulling its troops back.",
        "The alliance called on Moscow to show restraint.",
    ),
    "DEM_SHOW_US": (
        '"Show us the evidence," the minister told reporters.',
        "The satellite images show the evidence of a build-up.",
    ),
    "DEM_SEE_THEN_BELIEVE": (
        '"We will see, then we will believe," the foreign minister said.',
        "We will see what the talks bring.",
    ),
    "DEM_SOURCE_QUESTION": ("source?? this looks made up", "The source said troops had left."),
}


def test_every_rule_has_a_case() -> None:
    assert set(RULE_CASES) == set(RULE_IDS)
    assert all(r.purpose for r in DEMAND_RULES)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_reads_its_demand_and_not_its_near_miss(rule_id: str) -> None:
    demand, other = RULE_CASES[rule_id]
    assert rule_id in demand_rules(demand)
    assert rule_id not in demand_rules(other)
    assert rule_id not in demand_rules(demand, off=[rule_id])


def test_a_negated_demand_is_none() -> None:
    assert demand_rules("Ukraine did not ask for evidence of the pullback.") == ()
    assert demand_rules("") == ()


def _demand(link_id: str, text: str, **kw: object) -> Evidence:
    item = ev(link_id, text=text, **kw)  # type: ignore[arg-type]
    return replace(item, demands=demand_rules(text))


KYIV = "The ministry in Kyiv asked to see proof that the units had gone back to base."


def test_an_unanswered_demand_gives_the_requester_and_date(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        _demand(
            "ask",
            KYIV,
            origin="o2",
            stance="questions",
            speaker="Ukraine MFA",
            speaker_actor="ua-mfa",
            when=day(3),
        ),
    ]
    result = assess(make_claim(), items, policy=POLICY, affiliations=aff, as_of=NOW)
    assert result.status == "unverified"
    assert "QUESTIONED_BY(ua-mfa)" in result.reasons
    assert "EVIDENCE_REQUESTED(ua-mfa, 2024-03-03)" in result.reasons
    # Before the demand was made, the ledger had no reason to say so.
    early = assess(make_claim(), items, policy=POLICY, affiliations=aff, as_of=day(2))
    assert not any(r.startswith("EVIDENCE_REQUESTED") for r in early.reasons)
    # The history carries the moment the demand was made.
    events = replay(make_claim(), items, policy=POLICY, affiliations=aff, now=NOW)
    assert events[-1].at == day(3)
    assert "EVIDENCE_REQUESTED(ua-mfa, 2024-03-03)" in events[-1].reasons


def test_a_demand_answered_by_later_independent_support_is_gone(aff: FakeAffiliations) -> None:
    demand = _demand(
        "ask", KYIV, origin="o2", stance="questions", speaker_actor="ua-mfa", when=day(3)
    )
    before = ev("wire-before", origin="o3", outlet="AP", outlet_actor="ap", when=day(2))
    after = ev("wire-after", origin="o4", outlet="AP", outlet_actor="ap", when=day(5))
    claimant_again = ev(
        "again",
        origin="o5",
        speaker_actor="ru-mod",
        speaker="Russian Defence Ministry",
        when=day(6),
    )
    still_open = assess(
        make_claim(),
        [assertion(), before, demand, claimant_again],
        policy=POLICY,
        affiliations=aff,
        as_of=NOW,
    )
    # Support dated before the demand, or the claimant repeating itself, answers nothing.
    assert any(r.startswith("EVIDENCE_REQUESTED(ua-mfa,") for r in still_open.reasons)
    answered = assess(
        make_claim(), [assertion(), demand, after], policy=POLICY, affiliations=aff, as_of=NOW
    )
    assert not any(r.startswith("EVIDENCE_REQUESTED") for r in answered.reasons)
    # As of the day before the answer, the demand was still open.
    assert any(
        r.startswith("EVIDENCE_REQUESTED")
        for r in assess(
            make_claim(),
            [assertion(), demand, after],
            policy=POLICY,
            affiliations=aff,
            as_of=day(4),
        ).reasons
    )


def test_claimant_side_and_supporting_demands_do_not_count(aff: FakeAffiliations) -> None:
    own = _demand(
        "own",
        "The ministry called on Kyiv to show evidence of its own claims.",
        origin="o2",
        stance="questions",
        speaker_actor="ru-mod-spox",
        when=day(3),
    )
    agreeing = _demand(
        "agree", KYIV, origin="o3", stance="supports", speaker_actor="ua-mfa", when=day(3)
    )
    unsure = _demand(
        "unsure",
        KYIV,
        origin="o4",
        stance="questions",
        speaker_actor="ua-mfa",
        when=day(3),
        confidence=0.2,
    )
    result = assess(
        make_claim(),
        [assertion(), own, agreeing, unsure],
        policy=POLICY,
        affiliations=aff,
        as_of=NOW,
    )
    assert not any(r.startswith("EVIDENCE_REQUESTED") for r in result.reasons), result.reasons


def test_earliest_open_demand_per_requester_and_rules_switch_off(aff: FakeAffiliations) -> None:
    first = _demand(
        "a1", KYIV, origin="o2", stance="questions", speaker_actor="ua-mfa", when=day(3)
    )
    again = _demand(
        "a2", KYIV, origin="o3", stance="discusses", speaker_actor="ua-mfa", when=day(7)
    )
    nato = _demand(
        "n1",
        "NATO called on Moscow to show that the troops are leaving.",
        origin="o4",
        stance="questions",
        speaker="Jens Stoltenberg",
        when=day(4),
    )
    items = [assertion(), again, nato, first]
    result = assess(make_claim(), items, policy=POLICY, affiliations=aff, as_of=NOW)
    requested = [r for r in result.reasons if r.startswith("EVIDENCE_REQUESTED")]
    assert requested == [
        "EVIDENCE_REQUESTED(Jens Stoltenberg, 2024-03-04)",
        "EVIDENCE_REQUESTED(ua-mfa, 2024-03-03)",
    ]
    off = Policy(demand_rules_off=("DEM_CALL_TO_SHOW",))
    result = assess(make_claim(), items, policy=off, affiliations=aff, as_of=NOW)
    assert [r for r in result.reasons if r.startswith("EVIDENCE_REQUESTED")] == [
        "EVIDENCE_REQUESTED(ua-mfa, 2024-03-03)"
    ]


def test_policy_refuses_an_unknown_demand_rule() -> None:
    with pytest.raises(ConfigError) as err:
        load_policy({"demand_rules_off": ["DEM_NOPE"]})
    assert "E401" in str(err.value) and "DEM_NOPE" in str(err.value)


def test_evidence_from_records_reads_the_demand_and_views_show_it(aff: FakeAffiliations) -> None:
    art = Article(
        id="a1",
        url="https://example.org/a1",
        title="Kyiv wants proof",
        text=KYIV,
        outlet="Kyiv Post",
        published=day(3),
    )
    st = Statement(
        id="s1",
        article_id="a1",
        content=(0, len(KYIV)),
        content_text=KYIV,
        kind="indirect",
        speaker="Kyiv",
        actor_id="ua",
        attributed=True,
    )
    link = Link(
        id="l1",
        claim_id="c1",
        article_id="a1",
        stance="questions",
        confidence=0.8,
        similarity=0.7,
        statement_id="s1",
        role="evidence",
    )
    item = evidence_from_records(link, article=art, statement=st)
    assert item.demands == ("DEM_ASK_EVIDENCE",)
    claim = make_claim()
    result = assess(claim, [assertion(), item], policy=POLICY, affiliations=aff, as_of=NOW)
    assert "EVIDENCE_REQUESTED(ua, 2024-03-03)" in result.reasons
    view = claim_json(claim, result, [assertion(), item])
    assert "EVIDENCE_REQUESTED(ua, 2024-03-03)" in view["reasons"]  # type: ignore[operator]
    text = explain_text(claim, result, [assertion(), item], [])
    assert "EVIDENCE_REQUESTED(ua, 2024-03-03)" in text
    assert any("demand for evidence" in line and "questions" in line for line in text.splitlines())
