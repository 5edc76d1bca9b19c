"""Independence decisions, one rule at a time."""

from __future__ import annotations

from verify_factories import FakeAffiliations, assertion, ev

from claimledger.verify.evidence import Evidence
from claimledger.verify.independence import (
    Affiliations,
    Independence,
    claimant_origins,
    independent,
    source_key,
    source_label,
)

ORIGINS = frozenset({"o-assert"})


def decide(
    item: Evidence, aff: FakeAffiliations, *, same_origin_attributed_counts: bool = False
) -> Independence:
    return independent(
        item,
        claimant_actor_id="ru-mod",
        claimant_origin_ids=ORIGINS,
        affiliations=aff,
        claimant_name="Russian Defence Ministry",
        same_origin_attributed_counts=same_origin_attributed_counts,
    )


def test_fake_table_satisfies_the_protocol(aff: FakeAffiliations) -> None:
    assert isinstance(aff, Affiliations)


def test_assertion_is_never_evidence(aff: FakeAffiliations) -> None:
    result = decide(assertion(), aff)
    assert (result.independent, result.claimant_side, result.reason) == (False, True, "ASSERTION")


def test_outlets_own_reporting_in_another_origin_is_independent(aff: FakeAffiliations) -> None:
    result = decide(ev("r", origin="o2", text="Satellite images show craters"), aff)
    assert result == Independence("r", True, False, "INDEPENDENT")


def test_relay_of_the_claimant_by_an_independent_outlet_is_a_report(aff: FakeAffiliations) -> None:
    relay = ev("r", origin="o2", speaker="Russian Defence Ministry", speaker_actor="ru-mod")
    assert decide(relay, aff) == Independence("r", False, True, "SPEAKER_IS_CLAIMANT")


def test_parent_state_speaking_is_claimant_side(aff: FakeAffiliations) -> None:
    kremlin = ev("k", origin="o2", speaker="Kremlin", speaker_actor="ru")
    result = decide(kremlin, aff)
    assert not result.independent
    assert result.claimant_side
    assert result.reason == "SPEAKER_AFFILIATED(ru~ru-mod)"


def test_state_media_own_reporting_is_claimant_side(aff: FakeAffiliations) -> None:
    result = decide(ev("t", origin="o2", outlet="TASS", outlet_actor="tass"), aff)
    assert (result.independent, result.claimant_side) == (False, True)
    assert result.reason == "OUTLET_AFFILIATED(tass~ru-mod)"


def test_independent_speaker_in_state_media_is_not_independent(aff: FakeAffiliations) -> None:
    quoted = ev(
        "t", origin="o2", outlet="RT", outlet_actor="rt", speaker="IAEA", speaker_actor="iaea"
    )
    result = decide(quoted, aff)
    assert result.reason == "OUTLET_AFFILIATED(rt~ru-mod)"
    assert not result.claimant_side  # the speaker is not the claimant: questions stay visible


def test_independent_copy_of_a_state_media_story_is_not_independent(aff: FakeAffiliations) -> None:
    copy = ev("c", origin="o-rt", outlet="Yahoo", outlet_actor=None, origin_outlet_actor="rt")
    assert decide(copy, aff).reason == "ORIGIN_OUTLET_AFFILIATED(rt~ru-mod)"


def test_same_origin_as_assertion(aff: FakeAffiliations) -> None:
    own = ev("s", origin="o-assert")
    assert decide(own, aff).reason == "SAME_ORIGIN_AS_ASSERTION(o-assert)"
    # Even when allowed, only a quoted non-claimant speaker escapes the origin rule.
    assert not decide(own, aff, same_origin_attributed_counts=True).independent
    quoted = ev("q", origin="o-assert", speaker="Ukraine", speaker_actor="ua")
    assert decide(quoted, aff, same_origin_attributed_counts=True).independent


def test_party_outlets_and_speakers(aff: FakeAffiliations) -> None:
    parties = frozenset({"ua"})
    own = ev("u", origin="o2", outlet="Ukrinform", outlet_actor="ua-media")
    aff.parents["ua-media"] = ("ua", None, None)
    result = independent(
        own,
        claimant_actor_id="ru-mod",
        claimant_origin_ids=ORIGINS,
        affiliations=aff,
        parties=parties,
    )
    assert result.reason == "OUTLET_IS_PARTY(ua-media~ua)"
    # The claimant rules come first: a claimant-side speaker stays a relay.
    relay = ev("r", origin="o2", outlet_actor="ua-media", speaker="MoD", speaker_actor="ru-mod")
    assert decide(relay, aff).reason == "SPEAKER_IS_CLAIMANT"


def test_unknown_claimant_only_excludes_assertion_origins(aff: FakeAffiliations) -> None:
    relay = ev("r", origin="o2", speaker="Kremlin", speaker_actor="ru")
    result = independent(
        relay, claimant_actor_id=None, claimant_origin_ids=ORIGINS, affiliations=aff
    )
    assert result.independent


def test_source_keys_and_labels() -> None:
    assert source_key(ev("a", origin="o", speaker="Ann  Lee")) == "speaker:ann lee"
    assert source_key(ev("a", origin="o", speaker="A", speaker_actor="x")) == "actor:x"
    assert source_key(ev("a", origin="o")) == "actor:reuters"
    assert (
        source_key(ev("a", origin="o", outlet="Kyiv Post", outlet_actor=None)) == "outlet:kyiv post"
    )
    assert source_label(ev("a", origin="o", speaker="Ann Lee")) == "Ann Lee"
    assert source_label(ev("a", origin="o", outlet="Kyiv Post", outlet_actor=None)) == "Kyiv Post"


def test_claimant_origins_come_from_assertions() -> None:
    items = [assertion(), assertion("l2", origin="o-b"), ev("r", origin="o-c")]
    assert claimant_origins(items) == frozenset({"o-assert", "o-b"})
