"""The JSON claim view and the explain text."""

from __future__ import annotations

import json
from datetime import date

from verify_factories import FakeAffiliations, assertion, day, ev, make_claim

from claimledger.verify.engine import assess, replay
from claimledger.verify.evidence import Evidence
from claimledger.verify.policy import Policy
from claimledger.verify.views import claim_json, claim_view_evidence, explain_text

POLICY = Policy()


def items() -> list[Evidence]:
    return [
        ev(
            "ua",
            origin="o4",
            stance="refutes",
            speaker="Ukraine MFA",
            speaker_actor="ua-mfa",
            when=day(4),
        ),
        assertion(),
        ev("r1", origin="o2", article="a-wire", when=day(2), text="Craters were visible"),
        ev("r2", origin="o2", article="a-wire", speaker="Witness", when=day(2)),
        ev("bbc", origin="o3", outlet="BBC", outlet_actor="bbc", statement=None, when=day(3)),
    ]


def test_claim_json_has_the_stable_shape(aff: FakeAffiliations) -> None:
    claim = make_claim()
    result = assess(claim, items(), policy=POLICY, affiliations=aff, as_of=day(20))
    view = claim_json(claim, result, items())
    assert list(view) == [
        "id",
        "text",
        "claimant",
        "first_seen",
        "status",
        "reasons",
        "evidence",
        "reports",
        "problem",
    ]
    assert view["claimant"] == {"name": "Russian Defence Ministry", "actor": "ru-mod"}
    assert view["first_seen"] == "2024-03-01T09:00:00+00:00"
    assert view["status"] == "contested"
    assert view["reasons"] == ["INDEPENDENT_SUPPORT(2)", "INDEPENDENT_REFUTATION(1)"]
    assert view["reports"] == 4  # r1 and r2 are two statements of one article
    evidence = claim_view_evidence(result, items())
    assert view["evidence"] == evidence
    assert [row["statement"] for row in evidence] == [
        "s-l-assert",
        "s-r1",
        "s-r2",
        None,
        "s-ua",
    ]
    assert evidence[0] == {
        "statement": "s-l-assert",
        "outlet": "TASS",
        "origin": "o-assert",
        "actor": "ru-mod",
        "stance": "supports",
        "independent": False,
        "date": "2024-03-01T09:00:00+00:00",
        "date_estimated": False,
        "role": "assertion",
    }
    assert [row["role"] for row in evidence][1] == "report"
    assert evidence[1]["actor"] == "reuters"  # the outlet's own reporting
    assert evidence[2]["actor"] is None  # unresolved speaker
    assert [row["independent"] for row in evidence] == [False, True, True, True, True]
    assert json.loads(json.dumps(view)) == view


def test_claim_view_evidence_marks_items_after_as_of_dependent(aff: FakeAffiliations) -> None:
    claim = make_claim()
    early = assess(claim, items(), policy=POLICY, affiliations=aff, as_of=day(2, 13))
    rows = claim_view_evidence(early, items())
    assert [row["independent"] for row in rows] == [False, True, True, False, False]


def test_explain_text_tells_status_reasons_chain_and_history(aff: FakeAffiliations) -> None:
    claim = make_claim(resolution_date=date(2024, 3, 10))
    evidence = items()
    result = assess(claim, evidence, policy=POLICY, affiliations=aff, as_of=day(20))
    history = replay(claim, evidence, policy=POLICY, affiliations=aff, now=day(20))
    text = explain_text(claim, result, evidence, history)
    lines = text.splitlines()
    assert lines[0] == "Claim c1: Ukrainian forces shelled the Zaporizhzhia plant"
    assert "Claimant: Russian Defence Ministry [ru-mod]" in lines[1]
    assert "Resolves on: 2024-03-10" in lines
    assert any(line.startswith("Status: contested (policy see-then-believe/1") for line in lines)
    assert "Reasons: INDEPENDENT_SUPPORT(2), INDEPENDENT_REFUTATION(1)" in lines
    assert any(
        "2024-03-01 TASS [tass] (origin o-assert) assertion: Russian Defence Ministry [ru-mod]"
        " supports (0.90); not independent: ASSERTION" in line
        for line in lines
    )
    assert any("Ukraine MFA [ua-mfa] refutes" in line and "independent" in line for line in lines)
    assert any("(outlet's own reporting)" in line for line in lines)
    assert '      "Craters were visible"' in lines
    history_lines = lines[lines.index("History:") + 1 :]
    assert len(history_lines) == len(history)
    assert history_lines[0].endswith("- -> unverified: ONLY_CLAIMANT_SOURCES [see-then-believe/1]")
    assert "corroborated -> contested" in history_lines[-1]


def test_explain_text_without_evidence(aff: FakeAffiliations) -> None:
    claim = make_claim(claimant_name=None, claimant_actor_id=None, first_seen=None)
    result = assess(claim, [], policy=POLICY, affiliations=aff, as_of=day(20))
    text = explain_text(claim, result, [], [])
    assert "Claimant: unknown claimant; first seen unknown" in text
    assert "Reasons: INSUFFICIENT_COVERAGE" in text
    assert text.count("(none)") == 2
