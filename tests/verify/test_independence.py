"""Independence decisions, one rule at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from verify_factories import FakeAffiliations, assertion, ev

from claimledger.extract.actors import ActorTable
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


# ----------------------------------------------------------------------------- the built-in table
# The same rules over the real actor table: who speaks for whom in the Russia-Ukraine war.

WHEN = datetime(2022, 2, 16, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def actors() -> ActorTable:
    return ActorTable.load()


def real(claimant: str, speaker: str, actors: ActorTable, *, when: datetime = WHEN) -> Independence:
    item = ev("r", origin="o2", speaker=speaker, speaker_actor=speaker, when=when)
    return independent(
        item, claimant_actor_id=claimant, claimant_origin_ids=ORIGINS, affiliations=actors
    )


def test_union_state_partner_is_not_independent(actors: ActorTable) -> None:
    # a Belarusian claim (exercises end, troops go home) confirmed by Moscow is one side's word
    assert real("belarus/defence-ministry", "russia/defence-ministry", actors).reason == (
        "SPEAKER_AFFILIATED(russia/defence-ministry~belarus/defence-ministry)"
    )
    assert not real("alexander-lukashenko", "dmitry-peskov", actors).independent
    own = ev("t", origin="o2", outlet="TASS", outlet_actor="tass", when=WHEN)
    result = independent(
        own, claimant_actor_id="belarus", claimant_origin_ids=ORIGINS, affiliations=actors
    )
    assert result.reason == "OUTLET_AFFILIATED(tass~belarus)"


def test_dnr_lnr_confirming_russia_is_not_independent(actors: ActorTable) -> None:
    assert not real("russia/defence-ministry", "denis-pushilin", actors).independent
    assert not real("russia", "lpr", actors, when=datetime(2023, 3, 1, tzinfo=UTC)).independent


def test_nato_members_confirm_each_other_independently(actors: ActorTable) -> None:
    assert real("usa", "uk/defence-ministry", actors).independent
    assert real("antony-blinken", "liz-truss", actors).independent


def test_nato_chief_is_not_independent_of_members_but_is_of_ukraine(actors: ActorTable) -> None:
    assert not real("usa", "jens-stoltenberg", actors).independent
    assert real("ukraine/defence-ministry", "jens-stoltenberg", actors).independent
    assert real("russia", "jens-stoltenberg", actors).independent


def test_state_agency_reporting_is_its_states_word(actors: ActorTable) -> None:
    own = ev("b", origin="o2", outlet="BelTA", outlet_actor="belta", when=WHEN)
    result = independent(
        own,
        claimant_actor_id="alexander-lukashenko",
        claimant_origin_ids=ORIGINS,
        affiliations=actors,
    )
    assert result.reason == "OUTLET_AFFILIATED(belta~alexander-lukashenko)"
    ukrinform = ev("u", origin="o2", outlet="Ukrinform", outlet_actor="ukrinform", when=WHEN)
    assert independent(
        ukrinform, claimant_actor_id="russia", claimant_origin_ids=ORIGINS, affiliations=actors
    ).independent


def test_dated_affiliation_decides_independence(actors: ActorTable) -> None:
    # Wagner before and after its June 2023 mutiny; a UK defence secretary in and out of office
    assert not real("russia/defence-ministry", "wagner", actors).independent
    after = datetime(2023, 7, 1, tzinfo=UTC)
    assert real("russia/defence-ministry", "wagner", actors, when=after).independent
    assert not real("uk", "ben-wallace", actors).independent
    assert real("uk", "ben-wallace", actors, when=datetime(2024, 5, 1, tzinfo=UTC)).independent


# The development split of the real-news gold: every reaction whose speaker is named stands on
# the side the gold gives it (a state; an organisation such as the EU, NATO or the UN, which the
# speaker's side must reach; or no state for outlets, analysts and media).
_GOLD = Path(__file__).resolve().parents[2] / "src/claimledger/eval/gold/ukraine_news.yaml"


def _gold_reactions() -> list[tuple[str, str, str, date]]:
    gold = yaml.safe_load(_GOLD.read_text(encoding="utf-8"))
    published = {a["file"]: date.fromisoformat(a["published"][:10]) for a in gold["articles"]}
    return [
        (claim["id"], reaction["speaker"], reaction["side"], published[reaction["file"]])
        for claim in gold["claims"]
        if claim["split"] == "dev"
        for reaction in claim.get("reactions", [])
        if not reaction["speaker"].startswith("outlet")
    ]


@pytest.mark.parametrize(("claim", "speaker", "side", "on"), _gold_reactions())
def test_dev_gold_speakers_stand_on_their_side(
    actors: ActorTable, claim: str, speaker: str, side: str, on: date
) -> None:
    actor = actors.resolve_or_create(speaker, on=on)
    sides = actors.side(actor.id, on=on)
    states = {a for a in sides if (found := actors.get(a)) is not None and found.type == "state"}
    known = actors.get(side)
    if known is not None and known.type == "state":
        assert side in states, (claim, speaker, actor.id)
    elif known is not None:
        assert side in sides, (claim, speaker, actor.id)
    else:
        assert not states, (claim, speaker, actor.id)


def test_someones_word_without_a_speaker_is_not_independent(aff: FakeAffiliations) -> None:
    from dataclasses import replace

    # "He emphasised that the attack would be a disaster", "he" unresolved: no side can be
    # told, and it is not the outlet's own reporting.
    unknown = replace(ev("l-he", origin="o-other"), speaker_unknown=True)
    got = decide(unknown, aff)
    assert (got.independent, got.reason) == (False, "SPEAKER_UNKNOWN")
    # The outlet's own sentence, the same words unattributed, stands for the outlet.
    own = decide(ev("l-own", origin="o-other"), aff)
    assert (own.independent, own.reason) == (True, "INDEPENDENT")
    # A named speaker is judged by its side as before.
    named = ev("l-kb", origin="o-other", speaker="Kuleba", speaker_actor="ua-mfa")
    assert decide(named, aff).independent
    # The policy switch lets the unknown speaker count.
    let = independent(
        unknown,
        claimant_actor_id="ru-mod",
        claimant_origin_ids=ORIGINS,
        affiliations=aff,
        unknown_speaker_counts=True,
    )
    assert let.independent
