"""The verdict engine with the real actor table (claimledger.extract.actors.ActorTable)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from verify_factories import ev

from claimledger.extract.actors import ActorTable, default_actor_table
from claimledger.records import Claim
from claimledger.verify.engine import Assessment, assess, replay
from claimledger.verify.evidence import Evidence
from claimledger.verify.independence import Affiliations
from claimledger.verify.parties import claim_parties
from claimledger.verify.policy import Policy

NOW = datetime(2024, 3, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def table() -> ActorTable:
    return default_actor_table()


def claim() -> Claim:
    return Claim(
        id="c1",
        text="Ukrainian forces shelled the Zaporizhzhia nuclear power plant",
        first_seen=datetime(2024, 3, 1, 9, tzinfo=UTC),
        claimant_name="Russian Defence Ministry",
        claimant_actor_id="russia/defence-ministry",
    )


def evidence(table: ActorTable) -> list[Evidence]:
    def actor(name: str) -> str:
        found = table.resolve(name)
        assert found is not None, name
        return found.id

    mod = actor("Russian Defence Ministry")
    return [
        ev("assert", origin="o1", outlet="TASS", outlet_actor=actor("TASS"), speaker="MoD",
           speaker_actor=mod, role="assertion", when=datetime(2024, 3, 1, 9, tzinfo=UTC)),
        ev("spox", origin="o2", outlet="Reuters", speaker="Igor Konashenkov",
           speaker_actor=actor("Igor Konashenkov")),
        ev("zvezda", origin="o3", outlet="Zvezda", outlet_actor=actor("Zvezda")),
        ev("peskov", origin="o4", outlet="AP", outlet_actor="ap", speaker="Dmitry Peskov",
           speaker_actor=actor("the Kremlin spokesman Dmitry Peskov")),
        ev("zelensky", origin="o5", stance="refutes", outlet="AFP", outlet_actor="afp",
           speaker="Volodymyr Zelensky", speaker_actor=actor("Volodymyr Zelensky")),
        ev("iaea", origin="o6", stance="questions", outlet="AFP", outlet_actor="afp",
           speaker="Rafael Grossi", speaker_actor=actor("IAEA chief Rafael Grossi")),
    ]  # fmt: skip


def test_actor_table_is_an_affiliations(table: ActorTable) -> None:
    assert isinstance(table, Affiliations)


def test_claimant_side_by_the_real_table(table: ActorTable) -> None:
    parties = claim_parties(claim(), resolver=table, affiliations=table)
    assert parties == frozenset({"ukraine"})
    result: Assessment = assess(
        claim(), evidence(table), policy=Policy(), affiliations=table, as_of=NOW, parties=parties
    )
    reasons = {d.evidence_id: d.reason for d in result.decisions}
    assert reasons["assert"] == "ASSERTION"
    assert reasons["spox"].startswith("SPEAKER_AFFILIATED(")
    assert reasons["zvezda"] == "OUTLET_AFFILIATED(zvezda~russia/defence-ministry)"
    assert reasons["peskov"].startswith("SPEAKER_AFFILIATED(")
    assert reasons["zelensky"] == "SPEAKER_IS_PARTY(volodymyr-zelensky~ukraine)"
    assert result.status == "unverified"
    assert result.reasons[0] == "ONLY_CLAIMANT_SOURCES"
    assert "QUESTIONED_BY(rafael-grossi)" in result.reasons


def test_independent_monitors_settle_it_with_the_real_table(table: ActorTable) -> None:
    parties = claim_parties(claim(), resolver=table, affiliations=table)
    items = [
        *evidence(table),
        ev("pentagon", origin="o7", outlet="Reuters", speaker="Pentagon",
           speaker_actor="usa/defence-ministry", when=datetime(2024, 3, 5, tzinfo=UTC)),
        ev("uk", origin="o8", outlet="BBC", outlet_actor=None, speaker="UK MoD",
           speaker_actor="uk/defence-ministry", when=datetime(2024, 3, 6, tzinfo=UTC)),
    ]  # fmt: skip
    result = assess(claim(), items, policy=Policy(), affiliations=table, as_of=NOW, parties=parties)
    # Two governments of one alliance are still two independent sources.
    assert (result.status, result.support) == ("corroborated", 2)
    history = replay(claim(), items, policy=Policy(), affiliations=table, now=NOW, parties=parties)
    assert [(e.at.day, e.new, e.reasons[0]) for e in history] == [
        (1, "unverified", "ONLY_CLAIMANT_SOURCES"),
        (2, "unverified", "ONLY_CLAIMANT_SOURCES"),  # now QUESTIONED_BY(rafael-grossi) too
        (5, "unverified", "INDEPENDENT_SUPPORT(1)"),
        (6, "corroborated", "INDEPENDENT_SUPPORT(2)"),
    ]
    assert history == replay(
        claim(), items[::-1], policy=Policy(), affiliations=table, now=NOW, parties=parties
    )


def test_the_headline_adds_the_states_it_names_to_the_parties(table: ActorTable) -> None:
    unnamed = Claim(
        id="c2",
        text="The drone crossed the border at night and was destroyed by a missile",
        first_seen=datetime(2024, 3, 1, 9, tzinfo=UTC),
        claimant_name="Russian Defence Ministry",
        claimant_actor_id="russia/defence-ministry",
    )
    assert claim_parties(unnamed, resolver=table, affiliations=table) == frozenset()
    parties = claim_parties(
        unnamed,
        resolver=table,
        affiliations=table,
        headline="Air defences down Ukrainian drone, IAEA told",
    )
    # Ukraine is a side; the IAEA named in the same headline is not; Russia is the claimant's.
    assert parties == {"ukraine"}


def test_a_claim_that_names_a_party_is_not_read_with_its_headline(table: ActorTable) -> None:
    # Russia's denial sat under a headline about the US: the US is no party to it.
    claim = Claim(
        id="c4",
        text="Russia does not plan to enter Ukraine",
        first_seen=datetime(2022, 1, 25, 20, tzinfo=UTC),
        claimant_name="Russia",
        claimant_actor_id="russia",
    )
    headline = "US President Joe Biden says he would consider personal sanctions on Putin"
    assert claim_parties(claim, resolver=table, affiliations=table, headline=headline) == {
        "ukraine"
    }


def test_a_title_case_headline_is_read_name_by_name_and_creates_no_one() -> None:
    table = ActorTable.load()  # a private table: resolution could add actors to it
    before = len(table)
    claim = Claim(
        id="c3",
        text="The drone crossed the border at night",
        first_seen=datetime(2024, 3, 1, 9, tzinfo=UTC),
        claimant_name="Russian Defence Ministry",
        claimant_actor_id="russia/defence-ministry",
    )
    for headline in ("Ukraine Says Russia Lied", "Ukrainian Defence Minister Warns Of Attack"):
        parties = claim_parties(claim, resolver=table, affiliations=table, headline=headline)
        assert parties == {"ukraine"} or parties == {"ukraine/defence-ministry"}, headline
    assert len(table) == before  # no person called "Warns" or "Says"
