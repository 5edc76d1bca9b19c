"""What the verdict engine makes of revisions: removed evidence and correction notes.

Records written for these tests: an outlet asserts a claim of its own or reports a
ministry's claim, then a revision removes the statement and adds a correction note.
"""

from __future__ import annotations

from datetime import UTC, datetime

from verify_factories import default_affiliations

from claimledger.records import Article, Claim, Link, Outlet, Statement
from claimledger.verify.engine import assess, replay
from claimledger.verify.evidence import evidence_from_records, is_retraction
from claimledger.verify.policy import load_policy

T1 = datetime(2025, 5, 1, 9, tzinfo=UTC)
T2 = datetime(2025, 5, 1, 18, tzinfo=UTC)
OUTLET = Outlet(id="o1", name="Harbour Times", actor_id="harbour-times")
NOTE = (
    "Correction: An earlier version of this article incorrectly said that the port had "
    "closed. Only one quay closed."
)


def _evidence(claim: Claim, *, speaker: str | None, actor: str | None) -> list:  # type: ignore[type-arg]
    first = Article(id="a1", text="x" * 200, outlet="Harbour Times", published=T1, origin_id="g1")
    edit = Article(id="a2", text=NOTE, outlet="Harbour Times", published=T2, origin_id="g1")
    said = Statement(
        id="s1",
        article_id="a1",
        content=(0, 20),
        content_text="the port had closed",
        kind="indirect",
        speaker=speaker,
        actor_id=actor,
        attributed=speaker is not None,
    )
    note = Statement(
        id="s2",
        article_id="a2",
        content=(0, len(NOTE)),
        content_text=NOTE,
        kind="direct",
        attributed=False,
    )
    assertion = Link(
        id="l1",
        claim_id=claim.id,
        article_id="a1",
        stance="supports",
        confidence=1.0,
        similarity=1.0,
        statement_id="s1",
        role="assertion",
        removed_in="a2",
        removed_at=T2,
    )
    correction = Link(
        id="l2",
        claim_id=claim.id,
        article_id="a2",
        stance="refutes",
        confidence=0.85,
        similarity=0.6,
        statement_id="s2",
        role="evidence",
    )
    return [
        evidence_from_records(assertion, article=first, statement=said, outlet=OUTLET),
        evidence_from_records(correction, article=edit, statement=note, outlet=OUTLET),
    ]


def test_a_correction_note_reads_as_a_withdrawal() -> None:
    assert is_retraction(NOTE)
    assert not is_retraction("The earlier version of the plan was wrong.")


def test_removed_evidence_counts_until_the_revision() -> None:
    policy = load_policy({})
    aff = default_affiliations()
    claim = Claim(
        id="c1",
        text="The port had closed",
        first_seen=T1,
        claimant_name="Port ministry",
        claimant_actor_id="port-ministry",
    )
    items = _evidence(claim, speaker="Port ministry", actor="port-ministry")
    assert items[0].removed_at == T2 and items[0].removed_in == "a2"
    before = assess(claim, items, policy=policy, affiliations=aff, as_of=T1)
    assert before.decision("l1") is not None
    after = assess(claim, items, policy=policy, affiliations=aff, as_of=T2)
    assert after.decision("l1") is None  # removed: no longer evidence
    # The outlet's correction of another speaker's claim is the outlet's refutation.
    assert after.status == "refuted" and after.refutation == 1
    events = replay(claim, items, policy=policy, affiliations=aff, now=T2)
    assert [(e.at, e.new) for e in events] == [(T1, "unverified"), (T2, "refuted")]


def test_a_correction_of_the_outlets_own_claim_is_a_retraction() -> None:
    claim = Claim(
        id="c2",
        text="The port had closed",
        first_seen=T1,
        claimant_name="Harbour Times",
        claimant_actor_id="harbour-times",
    )
    items = _evidence(claim, speaker=None, actor=None)
    got = assess(
        claim, items, policy=load_policy({}), affiliations=default_affiliations(), as_of=T2
    )
    assert got.status == "retracted"
