"""Property-based invariants of the verdict engine over random evidence sets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from verify_factories import FakeAffiliations, day, default_affiliations, make_claim

from claimledger.records import STANCES, Claim
from claimledger.verify.engine import assess, count_sources, replay
from claimledger.verify.evidence import Evidence
from claimledger.verify.independence import source_key
from claimledger.verify.policy import Policy

AFF = default_affiliations()
POLICY = Policy()
NOW = day(28, 0)

OUTLETS = [("Reuters", "reuters"), ("BBC", "bbc"), ("TASS", "tass"), ("RT", "rt"), ("Paper", None)]
SPEAKERS = [
    (None, None),
    ("Russian Defence Ministry", "ru-mod"),
    ("Igor Konashenkov", "ru-mod-spox"),
    ("Kremlin", "ru"),
    ("Ukraine MFA", "ua-mfa"),
    ("Pentagon", "us-dod"),
    ("State Department", "us-state"),
    ("A witness", None),
]
CLAIMANT_SIDE = [("Russian Defence Ministry", "ru-mod"), ("Igor Konashenkov", "ru-mod-spox")]
ORIGINS = ["o-assert", "o1", "o2", "o3", "o4", "o5"]


@st.composite
def evidence_item(draw: st.DrawFn, index: int) -> Evidence:
    outlet, outlet_actor = draw(st.sampled_from(OUTLETS))
    speaker, speaker_actor = draw(st.sampled_from(SPEAKERS))
    return Evidence(
        link_id=f"e{index:03d}",
        claim_id="c1",
        statement_id=draw(st.sampled_from([f"s{index}", None])),
        article_id=f"a{index}",
        origin_id=draw(st.sampled_from(ORIGINS)),
        outlet=outlet,
        outlet_actor_id=outlet_actor,
        speaker=speaker,
        speaker_actor_id=speaker_actor,
        stance=draw(st.sampled_from(STANCES)),
        confidence=draw(st.sampled_from([0.2, 0.5, 0.9])),
        date=day(draw(st.integers(1, 20)), draw(st.integers(0, 23))),
        retracts=draw(st.sampled_from([False, False, False, False, True])),
        role=draw(st.sampled_from(["report", "report", "evidence", "assertion"])),
    )


@st.composite
def evidence_sets(draw: st.DrawFn, max_size: int = 12) -> list[Evidence]:
    size = draw(st.integers(0, max_size))
    return [draw(evidence_item(i)) for i in range(size)]


claims = st.sampled_from(
    [
        make_claim(),
        make_claim(resolution_date=date(2024, 3, 10)),
        make_claim(claimant_actor_id=None),
    ]
)
policies = st.sampled_from(
    [
        POLICY,
        Policy(min_independent_support=1),
        Policy(collapse_same_source=False, same_origin_attributed_counts=True),
        Policy(min_independent_refutation=2, min_support_to_contest=2, count_article_links=False),
    ]
)


def status_of(claim: Claim, items: list[Evidence], policy: Policy) -> tuple[str, tuple[str, ...]]:
    result = assess(claim, items, policy=policy, affiliations=AFF, as_of=NOW)
    return result.status, result.reasons


@settings(max_examples=150, deadline=None)
@given(evidence_sets(), claims, policies, st.randoms(use_true_random=False))
def test_order_of_input_never_matters(
    items: list[Evidence], claim: Claim, policy: Policy, rnd: object
) -> None:
    shuffled = items[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert assess(claim, items, policy=policy, affiliations=AFF, as_of=NOW) == assess(
        claim, shuffled, policy=policy, affiliations=AFF, as_of=NOW
    )


@settings(max_examples=150, deadline=None)
@given(
    evidence_sets(),
    claims,
    policies,
    st.sampled_from(CLAIMANT_SIDE),
    st.sampled_from(ORIGINS),
    st.sampled_from(STANCES),
    st.integers(1, 20),
)
def test_adding_a_claimant_side_report_never_changes_status(
    items: list[Evidence],
    claim: Claim,
    policy: Policy,
    speaker: tuple[str, str],
    origin: str,
    stance: str,
    when: int,
) -> None:
    if claim.claimant_actor_id is None:
        claim = replace(claim, claimant_actor_id="ru-mod")
    extra = Evidence(
        link_id="zz-claimant",
        claim_id="c1",
        statement_id="s-zz",
        article_id="a-zz",
        origin_id=origin,
        outlet="Reuters",
        outlet_actor_id="reuters",
        speaker=speaker[0],
        speaker_actor_id=speaker[1],
        stance=stance,  # type: ignore[arg-type]
        confidence=0.99,
        date=day(when),
    )
    before = assess(claim, items, policy=policy, affiliations=AFF, as_of=NOW)
    after = assess(claim, [*items, extra], policy=policy, affiliations=AFF, as_of=NOW)
    assert after.status == before.status
    assert (after.support, after.refutation) == (before.support, before.refutation)


@settings(max_examples=150, deadline=None)
@given(evidence_sets(), claims, policies, st.data())
def test_duplicating_an_item_within_its_origin_never_changes_anything(
    items: list[Evidence], claim: Claim, policy: Policy, data: st.DataObject
) -> None:
    if not items:
        return
    original = data.draw(st.sampled_from(items))
    copy = replace(
        original,
        link_id=original.link_id + "-copy",
        article_id=original.article_id + "-copy",
        statement_id=None if original.statement_id is None else original.statement_id + "-copy",
        date=day(data.draw(st.integers(1, 20))),
    )
    # Compare once both are visible, so the copy's later date plays no part.
    assert status_of(claim, [*items, copy], policy) == status_of(claim, items, policy)


@settings(max_examples=150, deadline=None)
@given(evidence_sets(), claims, policies)
def test_status_agrees_with_its_counts(items: list[Evidence], claim: Claim, policy: Policy) -> None:
    result = assess(claim, items, policy=policy, affiliations=AFF, as_of=NOW)
    stands = result.refutation >= policy.min_independent_refutation
    retracted = "RETRACTED_BY_CLAIMANT" in result.reasons
    assert (result.status == "retracted") == retracted
    if result.status == "corroborated":
        assert result.support >= policy.min_independent_support and not stands
    if result.status == "contested":
        assert stands and result.support >= policy.min_support_to_contest
    if result.status == "refuted":
        assert stands and result.support < policy.min_support_to_contest
    if result.status == "unverified":
        assert not stands and result.support < policy.min_independent_support
    assert result.support <= len({e.origin_id for e in items})
    assert not result.flagged or result.status == "unverified"
    assert result.flagged == any(r.startswith("AWAITING_RESOLUTION(") for r in result.reasons)
    assert len(set(result.reasons)) == len(result.reasons)
    assert set(result.evidence_ids) <= {e.link_id for e in items}


@settings(max_examples=100, deadline=None)
@given(evidence_sets(), claims, st.sampled_from(ORIGINS[1:]), st.integers(1, 20))
def test_more_independent_support_never_lowers_the_count(
    items: list[Evidence], claim: Claim, origin: str, when: int
) -> None:
    extra = Evidence(
        link_id="zz-support",
        claim_id="c1",
        statement_id="s-zz",
        article_id="a-zz",
        origin_id=origin,
        outlet="Kyiv Independent",
        outlet_actor_id=None,
        speaker=None,
        speaker_actor_id=None,
        stance="supports",
        confidence=0.99,
        date=day(when),
    )
    before = assess(claim, items, policy=POLICY, affiliations=AFF, as_of=NOW)
    after = assess(claim, [*items, extra], policy=POLICY, affiliations=AFF, as_of=NOW)
    assert after.refutation == before.refutation
    assert after.support >= before.support
    if before.status == "corroborated":
        assert after.status == "corroborated"


@settings(max_examples=100, deadline=None)
@given(evidence_sets(), claims, policies, st.randoms(use_true_random=False))
def test_replay_is_reproducible_and_ends_at_the_current_assessment(
    items: list[Evidence], claim: Claim, policy: Policy, rnd: object
) -> None:
    history = replay(claim, items, policy=policy, affiliations=AFF, now=NOW)
    shuffled = items[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert replay(claim, shuffled, policy=policy, affiliations=AFF, now=NOW) == history
    assert history, "a claim with first_seen always has a first event"
    assert history[0].old is None and history[0].at == claim.first_seen
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert len({e.at for e in history}) == len(history)
    for prev, event in zip(history, history[1:], strict=False):
        assert event.old == prev.new
        assert (event.new, event.reasons) != (prev.new, prev.reasons)
    current = assess(claim, items, policy=policy, affiliations=AFF, as_of=NOW)
    assert (history[-1].new, history[-1].reasons) == (current.status, current.reasons)


def _brute_matching(pairs: set[tuple[str, str]]) -> int:
    origins = sorted({o for o, _ in pairs})

    def best(i: int, used: frozenset[str]) -> int:
        if i == len(origins):
            return 0
        options = [best(i + 1, used)]
        for o, g in pairs:
            if o == origins[i] and g not in used:
                options.append(1 + best(i + 1, used | {g}))
        return max(options)

    return best(0, frozenset())


@settings(max_examples=200, deadline=None)
@given(evidence_sets(max_size=9))
def test_source_count_is_a_maximum_matching(items: list[Evidence]) -> None:
    flat = FakeAffiliations()  # no affiliations: groups are the source keys
    pairs = {(e.origin_id, source_key(e)) for e in items}
    assert count_sources(items, affiliations=flat, collapse_same_source=True) == _brute_matching(
        pairs
    )
    assert count_sources(items, affiliations=flat, collapse_same_source=False) == len(
        {e.origin_id for e in items}
    )
