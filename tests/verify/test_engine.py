"""The verdict engine: statuses, reasons, predictions and replay on hand-built evidence."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from verify_factories import FakeAffiliations, assertion, day, ev, make_claim

from claimledger.errors import ConfigError
from claimledger.records import Claim
from claimledger.verify.engine import Assessment, assess, replay
from claimledger.verify.evidence import Evidence
from claimledger.verify.independence import Independence
from claimledger.verify.policy import Policy

POLICY = Policy()
NOW = day(28, 0)


def run(
    evidence: list[Evidence],
    aff: FakeAffiliations,
    *,
    claim: Claim | None = None,
    policy: Policy = POLICY,
    as_of: datetime = NOW,
) -> Assessment:
    return assess(claim or make_claim(), evidence, policy=policy, affiliations=aff, as_of=as_of)


def decision(result: Assessment, evidence_id: str) -> Independence:
    found = result.decision(evidence_id)
    assert found is not None
    return found


def test_ten_syndicated_copies_of_the_assertion_stay_unverified(aff: FakeAffiliations) -> None:
    copies = [
        ev(
            f"copy{i}",
            origin="o-assert",
            outlet=f"Paper {i}",
            outlet_actor=None,
            speaker="Russian Defence Ministry",
            speaker_actor="ru-mod",
        )
        for i in range(10)
    ]
    result = run([assertion(), *copies], aff)
    assert result.status == "unverified"
    assert result.reasons == ("ONLY_CLAIMANT_SOURCES",)
    assert result.support == 0


def test_ten_copies_of_one_independent_wire_story_count_once(aff: FakeAffiliations) -> None:
    copies = [
        ev(f"wire{i}", origin="o-wire", outlet=f"Paper {i}", outlet_actor=None) for i in range(10)
    ]
    result = run([assertion(), *copies], aff)
    assert result.support == 1
    assert result.status == "unverified"
    assert result.reasons == ("INDEPENDENT_SUPPORT(1)", "INSUFFICIENT_COVERAGE")
    # All ten pages are what the (single) source rests on, but they count once.
    assert set(result.evidence_ids) == {f"wire{i}" for i in range(10)}


def test_claimant_spokesperson_never_corroborates(aff: FakeAffiliations) -> None:
    spox = [
        ev(
            f"spox{i}",
            origin=f"o{i}",
            outlet=name,
            outlet_actor=actor,
            speaker="Igor Konashenkov",
            speaker_actor="ru-mod-spox",
        )
        for i, (name, actor) in enumerate([("Reuters", "reuters"), ("AP", "ap"), ("BBC", "bbc")])
    ]
    result = run([assertion(), *spox], aff)
    assert result.status == "unverified"
    assert result.support == 0
    reasons = {d.evidence_id: d.reason for d in result.decisions}
    assert reasons["spox0"] == "SPEAKER_AFFILIATED(ru-mod-spox~ru-mod)"
    assert all(not d.independent for d in result.decisions)


def test_claimant_quoted_by_name_only_is_a_relay(aff: FakeAffiliations) -> None:
    relay = ev("relay", origin="o9", speaker="Russian Defence Ministry", speaker_actor=None)
    result = run([relay], aff)
    assert decision(result, "relay").reason == "SPEAKER_IS_CLAIMANT"
    assert result.status == "unverified"


def test_state_media_of_the_claimant_state_never_corroborates(aff: FakeAffiliations) -> None:
    own = [
        ev("rt1", origin="o-rt", outlet="RT", outlet_actor="rt", text="Satellite images show ..."),
        ev("tass1", origin="o-tass", outlet="TASS", outlet_actor="tass"),
    ]
    result = run([assertion(), *own], aff)
    assert result.status == "unverified"
    assert decision(result, "rt1").reason == "OUTLET_AFFILIATED(rt~ru-mod)"
    assert "ONLY_CLAIMANT_SOURCES" in result.reasons


def test_independent_support_and_refutation_is_contested(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        ev("reuters", origin="o2", outlet="Reuters", outlet_actor="reuters"),
        ev("ap", origin="o3", outlet="AP", outlet_actor="ap"),
        ev("ua", origin="o4", stance="refutes", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
    ]
    result = run(items, aff)
    assert result.status == "contested"
    assert result.reasons == ("INDEPENDENT_SUPPORT(2)", "INDEPENDENT_REFUTATION(1)")
    assert result.evidence_ids == ("ap", "reuters", "ua")


def test_one_support_against_a_refutation_is_contested(aff: FakeAffiliations) -> None:
    items = [
        ev("reuters", origin="o2"),
        ev("ua", origin="o4", stance="refutes", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
    ]
    assert run(items, aff).status == "contested"
    strict = Policy(min_support_to_contest=2)
    assert run(items, aff, policy=strict).status == "refuted"


def test_independent_refutation_only_is_refuted(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        ev("ua", origin="o4", stance="refutes", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
    ]
    result = run(items, aff)
    assert result.status == "refuted"
    assert result.reasons == ("INDEPENDENT_REFUTATION(1)",)


def test_claimant_side_refutation_does_not_refute(aff: FakeAffiliations) -> None:
    items = [ev("tass", origin="o4", stance="refutes", outlet="TASS", outlet_actor="tass")]
    assert run(items, aff).status == "unverified"


def test_n_independent_origins_corroborate(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        ev("reuters", origin="o2", outlet="Reuters", outlet_actor="reuters"),
        ev("bbc", origin="o3", outlet="BBC", outlet_actor="bbc"),
    ]
    result = run(items, aff)
    assert result.status == "corroborated"
    assert result.reasons == ("INDEPENDENT_SUPPORT(2)",)
    three = Policy(min_independent_support=3)
    assert run(items, aff, policy=three).status == "unverified"


def test_same_source_in_two_origins_counts_once(aff: FakeAffiliations) -> None:
    pentagon = [
        ev("p1", origin="o2", outlet="Reuters", speaker="Pentagon", speaker_actor="us-dod"),
        ev(
            "p2",
            origin="o3",
            outlet="AP",
            outlet_actor="ap",
            speaker="Pentagon",
            speaker_actor="us-dod",
        ),
        # The State Department is the same side as the Pentagon.
        ev(
            "p3",
            origin="o5",
            outlet="BBC",
            outlet_actor="bbc",
            speaker="State",
            speaker_actor="us-state",
        ),
    ]
    assert run(pentagon, aff).support == 1
    assert run(pentagon, aff).status == "unverified"
    loose = Policy(collapse_same_source=False)
    assert run(pentagon, aff, policy=loose).support == 3
    assert run(pentagon, aff, policy=loose).status == "corroborated"


def test_a_source_quoted_in_an_origin_with_its_own_reporting_still_counts_twice(
    aff: FakeAffiliations,
) -> None:
    # o2 carries Reuters' own reporting, o3 the Pentagon; the Pentagon quoted in o2 too
    # must not merge the two origins into one source.
    items = [
        ev("own", origin="o2"),
        ev(
            "p1",
            origin="o3",
            outlet="AP",
            outlet_actor="ap",
            speaker="Pentagon",
            speaker_actor="us-dod",
        ),
        ev("p2", origin="o2", speaker="Pentagon", speaker_actor="us-dod"),
    ]
    assert run(items, aff).support == 2
    assert run(items, aff).status == "corroborated"


def test_syndicated_copy_speaks_for_the_origin_author(aff: FakeAffiliations) -> None:
    # A BBC copy of a Reuters story and another Reuters story: one source (Reuters).
    items = [
        ev("copy", origin="o2", outlet="BBC", outlet_actor="bbc", origin_outlet_actor="reuters"),
        ev("r2", origin="o3"),
    ]
    assert run(items, aff).support == 1


def test_retraction_by_claimant_overrides(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        ev("reuters", origin="o2"),
        ev("bbc", origin="o3", outlet="BBC", outlet_actor="bbc"),
        ev(
            "withdraw",
            origin="o6",
            stance="refutes",
            speaker="Russian Defence Ministry",
            speaker_actor="ru-mod",
            retracts=True,
            when=day(5),
        ),
    ]
    result = run(items, aff)
    assert result.status == "retracted"
    assert result.reasons[0] == "RETRACTED_BY_CLAIMANT"
    assert "withdraw" in result.evidence_ids
    assert run(items, aff, as_of=day(4)).status == "corroborated"


def test_retraction_cue_from_someone_else_is_not_a_retraction(aff: FakeAffiliations) -> None:
    other = ev("ua", origin="o6", speaker="Ukraine MFA", speaker_actor="ua-mfa", retracts=True)
    assert run([assertion(), other], aff).status == "unverified"


def test_a_correction_claim_is_not_withdrawn_by_repeating_it(aff: FakeAffiliations) -> None:
    def withdraw(stance: str) -> Evidence:
        return ev(
            "w",
            origin="o6",
            stance=stance,
            speaker="Russian Defence Ministry",
            speaker_actor="ru-mod",
            retracts=True,
        )

    # A withdrawal restates what it withdraws and may read as agreeing: still withdrawn.
    for stance in ("supports", "discusses", "refutes"):
        assert run([assertion(), withdraw(stance)], aff).status == "retracted", stance
    # An apology that agrees with the claim ("the report was based on preliminary data and
    # the ministry regretted the error", of a claim that the data was preliminary) is no
    # withdrawal of it; the same apology against the claim is.
    sorry = "the report had been based on preliminary data and the ministry regretted the error"
    apology = ev("a", origin="o6", speaker="Russian Defence Ministry", speaker_actor="ru-mod",
                 retracts=True, text=sorry)  # fmt: skip
    assert run([assertion(), apology], aff).status == "unverified"
    refuting = ev("a", origin="o6", speaker="Russian Defence Ministry", speaker_actor="ru-mod",
                  retracts=True, text=sorry, stance="refutes")  # fmt: skip
    assert run([assertion(), refuting], aff).status == "retracted"
    # A claim that is itself the correction is not withdrawn by the correction repeated.
    correction = make_claim(text="The ministry withdrew its statement of 6 March")
    result = run([assertion(), withdraw("supports")], aff, claim=correction)
    assert result.status == "unverified"
    assert "RETRACTED_BY_CLAIMANT" not in result.reasons


def test_outlet_reporting_the_claimant_withdrew_is_a_retraction(aff: FakeAffiliations) -> None:
    text = "The Russian Defence Ministry withdrew its statement on Tuesday"
    own = ev("bbc", origin="o6", outlet="BBC", stance="discusses", retracts=True, text=text)
    assert run([assertion(), own], aff).status == "retracted"
    unnamed = ev("bbc", origin="o6", outlet="BBC", retracts=True, text="A statement was withdrawn")
    assert run([assertion(), unnamed], aff).status != "retracted"


def test_questions_are_shown_not_counted(aff: FakeAffiliations) -> None:
    items = [
        assertion(),
        ev("ua", origin="o4", stance="questions", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
        ev("iaea", origin="o5", stance="questions", speaker="Rafael Grossi"),
        ev("low", origin="o7", stance="questions", speaker="Someone", confidence=0.2),
        ev("rt", origin="o8", stance="questions", outlet="RT", outlet_actor="rt"),
    ]
    result = run(items, aff)
    assert result.status == "unverified"
    assert (result.support, result.refutation) == (0, 0)
    assert result.reasons == (
        "ONLY_CLAIMANT_SOURCES",
        "QUESTIONED_BY(Rafael Grossi)",
        "QUESTIONED_BY(ua-mfa)",
    )
    assert result.evidence_ids == ()


def test_low_confidence_stances_do_not_count(aff: FakeAffiliations) -> None:
    items = [
        ev("r", origin="o2", confidence=0.4),
        ev("b", origin="o3", outlet="BBC", outlet_actor="bbc", confidence=0.45),
    ]
    assert run(items, aff).status == "unverified"
    assert run(items, aff, policy=Policy(min_confidence=0.3)).status == "corroborated"


def test_discusses_and_unrelated_never_count(aff: FakeAffiliations) -> None:
    items = [
        ev("r", origin="o2", stance="discusses"),
        ev("b", origin="o3", outlet="BBC", stance="unrelated"),
    ]
    result = run(items, aff)
    assert result.status == "unverified"
    assert result.reasons == ("INSUFFICIENT_COVERAGE",)


def test_article_level_links_follow_the_policy(aff: FakeAffiliations) -> None:
    items = [
        ev("r", origin="o2", statement=None),
        ev("b", origin="o3", outlet="BBC", outlet_actor="bbc", statement=None),
    ]
    assert run(items, aff).status == "corroborated"
    assert run(items, aff, policy=Policy(count_article_links=False)).status == "unverified"


def test_quote_inside_the_assertion_origin_counts_only_when_allowed(aff: FakeAffiliations) -> None:
    denial = ev("ua", origin="o-assert", stance="refutes", speaker="Ukraine", speaker_actor="ua")
    result = run([assertion(), denial], aff)
    assert decision(result, "ua").reason == "SAME_ORIGIN_AS_ASSERTION(o-assert)"
    assert result.status == "unverified"
    allowed = Policy(same_origin_attributed_counts=True)
    assert run([assertion(), denial], aff, policy=allowed).status == "refuted"


def test_parties_to_the_claim_are_shown_not_counted(aff: FakeAffiliations) -> None:
    # "Ukrainian forces shelled the plant": Ukraine is a party, its denial settles nothing.
    items = [
        assertion(),
        ev("deny", origin="o4", stance="refutes", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
        ev("ask", origin="o5", stance="questions", speaker="Ukraine MFA", speaker_actor="ua-mfa"),
        ev("iaea", origin="o6", stance="refutes", speaker="IAEA", speaker_actor="iaea"),
    ]
    without = run(items, aff)
    assert without.refutation == 2
    result = assess(
        make_claim(), items, policy=POLICY, affiliations=aff, as_of=NOW, parties=frozenset({"ua"})
    )
    assert decision(result, "deny").reason == "SPEAKER_IS_PARTY(ua-mfa~ua)"
    assert not decision(result, "deny").claimant_side
    assert result.refutation == 1  # the IAEA only
    assert result.reasons == ("INDEPENDENT_REFUTATION(1)", "QUESTIONED_BY(ua-mfa)")
    lenient = Policy(exclude_parties=False)
    assert (
        assess(
            make_claim(),
            items,
            policy=lenient,
            affiliations=aff,
            as_of=NOW,
            parties=frozenset({"ua"}),
        ).refutation
        == 2
    )


def test_former_spokesperson_counts_after_leaving(aff: FakeAffiliations) -> None:
    before = ev(
        "x",
        origin="o2",
        speaker="Ex",
        speaker_actor="ex-spox",
        when=datetime(2023, 5, 2, tzinfo=UTC),
    )
    assert not decision(run([before], aff), "x").independent
    after = ev("x", origin="o2", speaker="Ex", speaker_actor="ex-spox", when=day(2))
    assert decision(run([after], aff), "x").independent


def test_evidence_after_as_of_is_ignored(aff: FakeAffiliations) -> None:
    items = [
        ev("r", origin="o2", when=day(2)),
        ev("b", origin="o3", outlet="BBC", outlet_actor="bbc", when=day(10)),
    ]
    assert run(items, aff, as_of=day(5)).status == "unverified"
    assert run(items, aff, as_of=day(5)).decision("b") is None
    assert run(items, aff, as_of=day(10)).status == "corroborated"


def test_no_evidence_is_insufficient_coverage(aff: FakeAffiliations) -> None:
    result = run([], aff)
    assert (result.status, result.reasons) == ("unverified", ("INSUFFICIENT_COVERAGE",))


def test_evidence_of_another_claim_is_refused(aff: FakeAffiliations) -> None:
    with pytest.raises(ConfigError, match="E402 stray"):
        run([ev("stray", origin="o2", claim_id="c2")], aff)


# Predictions ---------------------------------------------------------------------------


def prediction() -> Claim:
    return make_claim(
        id="c1",
        text="Units will return to base by 5 March",
        resolution_date=date(2024, 3, 5),
    )


def test_prediction_past_its_date_awaits_resolution(aff: FakeAffiliations) -> None:
    claim = prediction()
    on_the_day = run([assertion()], aff, claim=claim, as_of=day(5, 23))
    assert on_the_day.reasons == ("ONLY_CLAIMANT_SOURCES",)
    assert not on_the_day.flagged
    after = run([assertion()], aff, claim=claim, as_of=day(6, 0))
    assert after.flagged
    # Past its date, what the prediction awaits replaces the coverage reason.
    assert after.reasons == ("AWAITING_RESOLUTION(2024-03-05)",)
    doubted = [
        assertion(),
        ev("ua", origin="o4", stance="questions", speaker="Ukraine", speaker_actor="ua"),
    ]
    assert run(doubted, aff, claim=claim, as_of=day(7)).reasons == (
        "AWAITING_RESOLUTION(2024-03-05)",
        "QUESTIONED_BY(ua)",
    )


def test_prediction_settled_by_evidence_is_no_longer_flagged(aff: FakeAffiliations) -> None:
    claim = prediction()
    items = [
        assertion(),
        ev(
            "nato", origin="o2", stance="refutes", speaker="NATO", speaker_actor="nato", when=day(8)
        ),
    ]
    settled = run(items, aff, claim=claim, as_of=day(9))
    assert settled.status == "refuted"
    assert not settled.flagged
    assert not any(r.startswith("AWAITING") for r in settled.reasons)

    history = replay(claim, items, policy=POLICY, affiliations=aff, now=day(9))
    assert [(e.at, e.old, e.new) for e in history] == [
        (day(1, 9), None, "unverified"),
        (day(6, 0), "unverified", "unverified"),
        (day(8), "unverified", "refuted"),
    ]
    assert history[1].reasons[-1] == "AWAITING_RESOLUTION(2024-03-05)"


# Replay --------------------------------------------------------------------------------


def history_items() -> list[Evidence]:
    return [
        assertion(),
        *[ev(f"copy{i}", origin="o-wire", outlet=f"P{i}", when=day(2, i)) for i in range(5)],
        ev("bbc", origin="o3", outlet="BBC", outlet_actor="bbc", when=day(3)),
        ev("ua", origin="o4", stance="refutes", speaker="Ukraine", speaker_actor="ua", when=day(4)),
        ev(
            "ua2", origin="o5", stance="refutes", speaker="Ukraine", speaker_actor="ua", when=day(4)
        ),
        ev("q", origin="o6", stance="questions", speaker="IAEA", speaker_actor="iaea", when=day(6)),
        ev(
            "w",
            origin="o7",
            stance="discusses",
            speaker="Russian Defence Ministry",
            speaker_actor="ru-mod",
            retracts=True,
            when=day(9),
        ),
    ]


def test_replay_walks_statuses_in_evidence_time(aff: FakeAffiliations) -> None:
    history = replay(make_claim(), history_items(), policy=POLICY, affiliations=aff, now=NOW)
    assert [(e.at, e.old, e.new, e.reasons) for e in history] == [
        (day(1, 9), None, "unverified", ("ONLY_CLAIMANT_SOURCES",)),
        (
            day(2, 0),
            "unverified",
            "unverified",
            ("INDEPENDENT_SUPPORT(1)", "INSUFFICIENT_COVERAGE"),
        ),
        (day(3), "unverified", "corroborated", ("INDEPENDENT_SUPPORT(2)",)),
        (
            day(4),
            "corroborated",
            "contested",
            ("INDEPENDENT_SUPPORT(2)", "INDEPENDENT_REFUTATION(1)"),
        ),
        (
            day(6),
            "contested",
            "contested",
            ("INDEPENDENT_SUPPORT(2)", "INDEPENDENT_REFUTATION(1)", "QUESTIONED_BY(iaea)"),
        ),
        (
            day(9),
            "contested",
            "retracted",
            (
                "RETRACTED_BY_CLAIMANT",
                "INDEPENDENT_SUPPORT(2)",
                "INDEPENDENT_REFUTATION(1)",
                "QUESTIONED_BY(iaea)",
            ),
        ),
    ]
    assert all(e.policy_version == "see-then-believe/1" for e in history)
    assert len({e.id for e in history}) == len(history)
    assert history[2].evidence_ids == ("copy0", "copy1", "copy2", "copy3", "copy4", "bbc")


def test_replay_is_deterministic_and_order_free(aff: FakeAffiliations) -> None:
    items = history_items()
    first = replay(make_claim(), items, policy=POLICY, affiliations=aff, now=NOW)
    again = replay(make_claim(), list(items), policy=POLICY, affiliations=aff, now=NOW)
    assert first == again
    rng = random.Random(7)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert replay(make_claim(), shuffled, policy=POLICY, affiliations=aff, now=NOW) == first
    # Duplicated input items (same link id) change nothing either.
    assert replay(make_claim(), items + items, policy=POLICY, affiliations=aff, now=NOW) == first
    # Two different items under one id: the same one is kept whatever the order.
    clash = [ev("x", origin="o9", outlet="BBC", outlet_actor="bbc"), ev("x", origin="o8")]
    one = replay(make_claim(), items + clash, policy=POLICY, affiliations=aff, now=NOW)
    two = replay(make_claim(), clash[::-1] + items, policy=POLICY, affiliations=aff, now=NOW)
    assert one == two


def test_replay_stops_at_now_and_ids_depend_on_policy(aff: FakeAffiliations) -> None:
    partial = replay(make_claim(), history_items(), policy=POLICY, affiliations=aff, now=day(3, 13))
    assert [e.new for e in partial] == ["unverified", "unverified", "corroborated"]
    full = replay(make_claim(), history_items(), policy=POLICY, affiliations=aff, now=NOW)
    assert [e.id for e in full[:3]] == [e.id for e in partial]
    other = Policy(version="see-then-believe/2")
    renamed = replay(make_claim(), history_items(), policy=other, affiliations=aff, now=NOW)
    assert {e.id for e in renamed}.isdisjoint({e.id for e in full})


def test_replay_without_first_seen_starts_at_first_evidence(aff: FakeAffiliations) -> None:
    claim = make_claim(first_seen=None)
    history = replay(claim, history_items()[1:3], policy=POLICY, affiliations=aff, now=NOW)
    assert history[0].at == day(2, 0)
    assert replay(claim, [], policy=POLICY, affiliations=aff, now=NOW) == []
