"""Tests of the actor table: resolution, sides, user files."""

from __future__ import annotations

import pickle
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from claimledger.errors import Code, ConfigError
from claimledger.extract.actors import (
    CREATED_PREFIX,
    UNKNOWN_ID,
    ActorTable,
    default_actor_table,
    looks_like_person,
    normalise,
)

DAY = date(2022, 2, 16)


@pytest.fixture()
def table() -> ActorTable:
    # a fresh table per test: resolution may add derived actors
    return ActorTable.load()


def _id(table: ActorTable, name: str, on: date | None = DAY) -> str | None:
    actor = table.resolve(name, on=on)
    return actor.id if actor else None


# ----------------------------------------------------------------------------- built-in data


def test_builtin_table_has_newsworthy_states(table: ActorTable) -> None:
    states = {a.id for a in table.actors() if a.type == "state"}
    assert len(states) >= 60
    for state in (
        "russia",
        "ukraine",
        "usa",
        "uk",
        "france",
        "germany",
        "china",
        "belarus",
        "poland",
        "lithuania",
        "latvia",
        "estonia",
        "turkey",
        "iran",
        "israel",
    ):
        assert state in states


def test_builtin_aliases_do_not_collide() -> None:
    # Regression guard for the data file: one normalised name, one actor.
    table = ActorTable.load()
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in table.actors():
        for alias in (actor.name, *actor.aliases):
            owners[normalise(alias)].add(actor.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_default_table_is_loaded_once() -> None:
    assert default_actor_table() is default_actor_table()


# ----------------------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Moscow", "russia"),
        ("the Kremlin", "russia"),
        ("Kremlin", "russia"),
        ("Kyiv", "ukraine"),
        ("Kiev", "ukraine"),
        ("Washington", "usa"),
        ("the White House", "usa"),
        ("U.S.", "usa"),
        ("Downing Street", "uk"),
        ("the Elysee", "france"),
        ("Élysée", "france"),
        ("Russians", "russia"),
        ("the State Department", "usa/foreign-ministry"),
        ("the Pentagon", "usa/defence-ministry"),
        ("NATO", "nato"),
        ("the United Nations", "un"),
        ("the OSCE", "osce"),
    ],
)
def test_capitals_seats_and_names(table: ActorTable, name: str, expected: str) -> None:
    assert _id(table, name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Russia's defence ministry",
        "Russia’s Defense Ministry",
        "the Russian Defense Ministry",
        "the Russian Ministry of Defence",
        "Ministry of Defense of Russia",
        "Russian MoD",
    ],
)
def test_ministry_spellings_resolve_to_one_actor(table: ActorTable, name: str) -> None:
    assert _id(table, name) == "russia/defence-ministry"
    assert table.affiliated("russia/defence-ministry", "russia")


def test_unlisted_office_of_a_listed_state_is_derived(table: ActorTable) -> None:
    actor = table.resolve("Latvia's defence ministry")
    assert actor is not None and actor.id == "latvia/defence-ministry"
    assert actor.name == "Latvian Defence Ministry"
    assert "latvia" in table.side(actor.id)
    assert actor in list(table.created())


def test_pentagon_is_on_the_us_side(table: ActorTable) -> None:
    pentagon = table.resolve("the Pentagon")
    assert pentagon is not None
    assert "usa" in table.side(pentagon.id)
    assert table.affiliated(pentagon.id, "usa/foreign-ministry")
    assert not table.affiliated(pentagon.id, "russia")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a Russian official", "russia"),
        ("Russian officials", "russia"),
        ("Ukrainian officials", "ukraine"),
        ("a senior Ukrainian official", "ukraine"),
        ("Russian officials familiar with the matter", "russia"),
        ("US officials in Moscow", "usa"),  # a place is not a side
        ("US intelligence officials", "usa/intelligence"),
        ("Russian state media", "russia/state-media"),
    ],
)
def test_demonym_and_role(table: ActorTable, name: str, expected: str) -> None:
    actor_id = _id(table, name)
    assert actor_id == expected


@pytest.mark.parametrize("name", ["Ukrainian residents", "a Russian journalist", "officials"])
def test_people_who_do_not_speak_for_a_state(table: ActorTable, name: str) -> None:
    assert table.resolve(name) is None


def test_kuleba_speaks_for_ukraine_while_in_office(table: ActorTable) -> None:
    for name in (
        "Foreign Minister Dmytro Kuleba",
        "Kuleba",
        "Ukraine's foreign minister, Dmytro Kuleba",
        "Dmytro Kuleba, Ukraine's foreign minister",
    ):
        assert _id(table, name) == "dmytro-kuleba", name
    assert table.affiliated("dmytro-kuleba", "ukraine", on=DAY)
    assert table.affiliated("dmytro-kuleba", "ukrinform", on=DAY)  # state media of his state
    assert not table.affiliated("dmytro-kuleba", "ukraine", on=date(2025, 1, 1))
    assert not table.affiliated("dmytro-kuleba", "russia", on=DAY)


def test_title_naming_a_state_office_affiliates_the_person(table: ActorTable) -> None:
    lavrov = table.resolve("Russian Foreign Minister Sergei Lavrov")
    assert lavrov is not None and lavrov.id == "sergei-lavrov" and lavrov.type == "person"
    assert table.affiliated(lavrov.id, "russia", on=DAY)

    new = table.resolve("Latvian Foreign Minister Edgars Rinkevics")
    assert new is not None
    assert (new.name, new.type) == ("Edgars Rinkevics", "person")
    assert new.id.startswith(CREATED_PREFIX)
    assert [(a.parent, a.role) for a in new.affiliations] == [("latvia", "foreign minister")]
    assert table.affiliated(new.id, "latvia/defence-ministry")
    # the same person later without the title is the same actor
    assert table.resolve("Edgars Rinkevics") == new


def test_spokesperson_for_an_organisation(table: ActorTable) -> None:
    actor = table.resolve("Jane Example, a spokeswoman for the OSCE")
    assert actor is not None and actor.type == "person"
    assert table.affiliated(actor.id, "osce/smm")
    peskov = table.resolve("Kremlin spokesman Dmitry Peskov")
    assert peskov is not None and peskov.id == "dmitry-peskov"
    kirby = table.resolve("Pentagon press secretary John Kirby")
    assert kirby is not None and "usa" in table.side(kirby.id)


def test_definite_office_resolves_to_its_holder_on_the_date(table: ActorTable) -> None:
    assert _id(table, "the Russian foreign minister") == "sergei-lavrov"
    assert _id(table, "the US secretary of state") == "antony-blinken"
    assert _id(table, "the US secretary of state", on=date(2019, 6, 1)) == "usa"
    assert _id(table, "the US secretary of state", on=None) == "usa"
    # an indefinite article never picks a person
    assert _id(table, "a Russian foreign ministry spokesman") == "russia/foreign-ministry"


def test_descriptor_before_a_known_name(table: ActorTable) -> None:
    assert _id(table, "Russian news agency Interfax") == "interfax"
    assert _id(table, "the Russian state news agency TASS") == "tass"


def test_bare_unknown_names_do_not_resolve(table: ActorTable) -> None:
    assert table.resolve("Gazprom") is None
    assert table.resolve("Jordan Peterson") is None  # not the state of Jordan
    assert table.resolve("") is None


# ----------------------------------------------------------------------------- state media, outlets


@pytest.mark.parametrize(
    ("outlet", "expected"),
    [
        ("RT", "rt"),
        ("Russia Today", "rt"),
        ("TASS", "tass"),
        ("tass.com", "tass"),
        ("https://www.rt.com/news/12345-ukraine/", "rt"),
        ("RIA Novosti", "ria-novosti"),
        ("Xinhua", "xinhua"),
        ("Ukrinform", "ukrinform"),
        ("Reuters", "reuters"),
        ("https://www.reuters.com/world/europe/", "reuters"),
        ("news.sky.com", "sky-news"),
    ],
)
def test_outlet_actor(table: ActorTable, outlet: str, expected: str) -> None:
    actor = table.outlet_actor(outlet)
    assert actor is not None and actor.id == expected and actor.type == "media"


def test_outlet_actor_ignores_non_media(table: ActorTable) -> None:
    assert table.outlet_actor("the Kremlin") is None
    assert table.outlet_actor("Some Local Gazette") is None
    assert table.outlet_actor("") is None


def test_state_media_is_on_its_state_side(table: ActorTable) -> None:
    assert table.affiliated("rt", "russia")
    assert table.affiliated("tass", "russia/defence-ministry")
    assert table.affiliated("xinhua", "china")
    assert not table.affiliated("rt", "ukraine")
    assert not table.affiliated("reuters", "russia")
    assert not table.affiliated("reuters", "ap")
    assert not table.affiliated("uk", "usa")  # alliance membership is not affiliation


def test_side_of_unknown_ids(table: ActorTable) -> None:
    assert table.side("auto:nobody") == frozenset({"auto:nobody"})
    # a hierarchical id reaches its parent even when this process never derived it
    assert "estonia" in table.side("estonia/interior-ministry")


# ----------------------------------------------------------------------------- resolve_or_create


def test_unknown_speaker_becomes_a_stable_actor(table: ActorTable) -> None:
    org = table.resolve_or_create("Gazprom")
    assert org.type == "organisation" and org.id.startswith(CREATED_PREFIX)
    person = table.resolve_or_create("Olena Example")
    assert person.type == "person"
    assert table.resolve_or_create("olena  example") == person
    assert ActorTable.load().resolve_or_create("Olena Example").id == person.id  # across processes
    assert table.get(person.id) == person
    assert {org.id, person.id} <= {a.id for a in table.created()}


def test_resolve_or_create_returns_table_actors(table: ActorTable) -> None:
    assert table.resolve_or_create("the Kremlin").id == "russia"
    assert not any(a.id == "russia" for a in table.created())


def test_context_title_adds_affiliation(table: ActorTable) -> None:
    context = "Latvian Defence Minister Artis Example said on Tuesday that troops were ready."
    actor = table.resolve_or_create("Artis Example", context=context)
    assert actor.type == "person"
    assert table.affiliated(actor.id, "latvia")

    context = "Olga Sample, Ukraine's deputy prime minister, told reporters the talks failed."
    actor = table.resolve_or_create("Olga Sample", context=context)
    assert "ukraine" in table.side(actor.id)

    # a single surname is a person when the context gives a title
    actor = table.resolve_or_create("Novak", context="Foreign Minister Novak said")
    assert actor.type == "person"


@pytest.mark.parametrize("name", ["", "   ", "!!!", "\n", "x" * 5000, "’s", "the", "a"])
def test_resolve_or_create_never_fails(table: ActorTable, name: str) -> None:
    actor = table.resolve_or_create(name, context=name)
    assert actor.id


def test_looks_like_person() -> None:
    assert looks_like_person("Dmytro Kuleba")
    assert looks_like_person("Ursula von der Leyen")
    assert not looks_like_person("Kuleba")
    assert looks_like_person("Kuleba", allow_single=True)
    assert not looks_like_person("Defence Ministry")
    assert not looks_like_person("NATO Allies")
    assert not looks_like_person("senior officials")


def test_table_pickles(table: ActorTable) -> None:
    table.resolve_or_create("Olena Example")
    copy = pickle.loads(pickle.dumps(table))
    assert copy.resolve("Olena Example") == table.resolve("Olena Example")
    assert copy.side("rt") == table.side("rt")


# ----------------------------------------------------------------------------- user file


def test_user_file_extends_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(
        """
actors:
  - id: rt
    name: RT
    type: media
    aliases: [Russia Today]
  - id: acme-monitor
    name: Acme Conflict Monitor
    type: organisation
    aliases: [ACM]
    affiliations: [{parent: ukraine, role: contractor, start: 2022-01-01, end: 2022-12-31}]
  - id: moldova
    name: Republic of Moldova
    type: state
    aliases: [Chisinau, Kishinev]
    demonyms: [Moldovan]
""",
        encoding="utf-8",
    )
    table = ActorTable.load(path)
    assert not table.affiliated("rt", "russia")  # overridden: no affiliation any more
    assert _id(table, "ACM") == "acme-monitor"
    assert table.affiliated("acme-monitor", "ukraine", on=DAY)
    assert not table.affiliated("acme-monitor", "ukraine", on=date(2023, 6, 1))
    assert _id(table, "Kishinev") == "moldova"
    assert _id(table, "Moldovan officials") == "moldova"
    # the rest of the built-in table is still there
    assert _id(table, "the Kremlin") == "russia"


def test_affiliation_cycle_in_user_file_terminates(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(
        "actors:\n"
        "  - {id: a, name: Alpha Org, type: organisation, affiliations: [{parent: b}]}\n"
        "  - {id: b, name: Beta Org, type: organisation, affiliations: [{parent: a}]}\n",
        encoding="utf-8",
    )
    table = ActorTable.load(path)
    assert table.side("a") == frozenset({"a", "b"})


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("actors: [ {id: x, name: X", "YAML syntax error"),
        ("- just a list", "expected a mapping"),
        ("actors: {id: x}", "'actors' must be a list"),
        ("actors:\n  - {id: x, name: X, type: planet}", "'type' must be one of"),
        ("actors:\n  - {id: x, name: X, type: state, colour: red}", "unknown keys colour"),
        ("actors:\n  - {name: X, type: state}", "'id' must be"),
        ("actors:\n  - {id: x, name: X, type: state, aliases: Y}", "list of non-empty strings"),
        (
            "actors:\n  - {id: x, name: X, type: person, affiliations: [{parent: nowhere}]}",
            "'nowhere' is not an actor",
        ),
        (
            "actors:\n  - {id: x, name: X, type: person, affiliations: [{parent: russia, start: soon}]}",
            "expected a date",
        ),
        (
            "actors:\n  - {id: x, name: X, type: person, affiliations: "
            "[{parent: russia, start: 2022-05-01, end: 2022-01-01}]}",
            "is after end",
        ),
        (
            "actors:\n  - {id: x, name: X, type: state}\n  - {id: x, name: Y, type: state}",
            "duplicate id",
        ),
        ("version: 7\nactors: []", "unsupported version"),
    ],
)
def test_malformed_user_file(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        ActorTable.load(path)
    assert info.value.code is Code.E401
    assert str(path) in str(info.value)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_user_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        ActorTable.load(path)
    assert info.value.code is Code.E401 and str(path) in str(info.value)


def test_empty_user_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("", encoding="utf-8")
    assert len(ActorTable.load(path)) == len(ActorTable.load())


# ----------------------------------------------------------------------------- real-speaker regressions


@pytest.mark.parametrize("name", ["he", "She", "I", "which", "who", "a spokesman", "the president"])
def test_speakers_naming_nobody_share_the_unknown_actor(table: ActorTable, name: str) -> None:
    assert table.resolve_or_create(name).id == UNKNOWN_ID


def test_lowercase_words_do_not_match_acronyms(table: ActorTable) -> None:
    # regression: the pronoun "who" resolved to the World Health Organization
    assert table.resolve("who") is None
    assert table.resolve("us") is None
    assert _id(table, "WHO") == "who"
    assert _id(table, "US") == "usa"


def test_surname_alias_never_captures_another_person(table: ActorTable) -> None:
    # regression: "Ivanka Trump" resolved to Donald Trump through the alias "Trump"
    actor = table.resolve_or_create("Ivanka Trump")
    assert actor.id != "donald-trump" and actor.type == "person"


def test_created_names_do_not_capture_longer_names(table: ActorTable) -> None:
    # regression: after "The campaign" was created, "The Trump campaign" resolved to it
    generic = table.resolve_or_create("The campaign")
    specific = table.resolve_or_create("The Trump campaign")
    assert generic.id != specific.id


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Sen. Ted Cruz (R-Tex)", "Ted Cruz"),
        ("Kenneth Baer, a former official who runs a consultancy", "Kenneth Baer"),
        ("Democratic candidate Hillary Clinton", "Hillary Clinton"),
        ("NYPD Commissioner James O’Neill", "James O’Neill"),
        ("Mr. King", "King"),
        ("Dr. Connie Mariano", "Connie Mariano"),
        ("Quina Jones, 25,", "Quina Jones"),
    ],
)
def test_personal_name_is_taken_out_of_descriptions(
    table: ActorTable, name: str, person: str
) -> None:
    actor = table.resolve_or_create(name)
    assert (actor.name, actor.type) == (person, "person")


def test_single_surname_is_a_person_when_context_shows_a_first_name(table: ActorTable) -> None:
    context = "Pollster Pat Caddell warned voters. Caddell said the race was close."
    assert table.resolve_or_create("Caddell", context=context).type == "person"
    for context in ("Gazprom said prices rose.", "But Gazprom said prices rose."):
        assert table.resolve_or_create("Gazprom", context=context).type == "organisation"


def test_a_bare_office_is_that_office_of_the_given_state(table: ActorTable) -> None:
    assert table.office_of("the Defence Ministry", "russia") == "russia/defence-ministry"
    assert table.office_of("Foreign Ministry", "ukraine") == "ukraine/foreign-ministry"
    # Not a bare office: a named one, or no office at all.
    assert table.office_of("Varnia's Defence Ministry", "russia") is None
    assert table.office_of("the spokesman", "russia") is None


def test_home_state_and_place_state(table: ActorTable) -> None:
    assert table.home_state("russia/defence-ministry") == "russia"
    assert table.home_state("russia") == "russia"
    assert table.place_state("MOSCOW") == "russia"
    assert table.place_state("KYIV") == "ukraine"
    assert table.place_state("Nowhere-on-Sea") is None


def test_appositive_with_a_role_read_as_a_name_finds_the_known_person(
    table: ActorTable,
) -> None:
    person = next(a for a in table.actors() if a.type == "person" and len(a.name.split()) == 2)
    assert _id(table, f"ministry's spokesman, {person.name}") == person.id


# ----------------------------------------------------------------------------- sides in real conflicts


def test_union_state_is_one_side(table: ActorTable) -> None:
    # Russia and Belarus in the Union State (in force 26 Jan 2000): one side, with their
    # officials and state media
    assert table.affiliated("belarus", "russia", on=DAY)
    assert table.affiliated("belta", "tass", on=DAY)
    assert table.affiliated("alexander-lukashenko", "russia/defence-ministry", on=DAY)
    assert not table.affiliated("belarus", "russia", on=date(1999, 12, 1))
    assert _id(table, "the Union State") == "union-state"


def test_dnr_lnr_speak_on_russias_side_before_and_after_annexation(table: ActorTable) -> None:
    for entity in ("dpr", "lpr"):
        assert table.affiliated(entity, "russia", on=date(2022, 2, 1))  # backed by
        assert table.affiliated(entity, "russia", on=date(2023, 1, 1))  # annexed
        assert not table.affiliated(entity, "russia", on=date(2013, 1, 1))  # not yet
        assert not table.affiliated(entity, "ukraine", on=DAY)
    assert _id(table, "DPR leader Denis Pushilin") == "denis-pushilin"
    assert table.affiliated("denis-pushilin", "russia", on=DAY)
    assert table.affiliated("leonid-pasechnik", "ria-novosti", on=DAY)


def test_nato_members_are_not_one_side(table: ActorTable) -> None:
    assert not table.affiliated("usa", "uk", on=DAY)
    assert not table.affiliated("poland", "germany", on=DAY)
    assert not table.affiliated("antony-blinken", "liz-truss", on=DAY)


def test_nato_speaks_for_each_member_but_not_for_ukraine(table: ActorTable) -> None:
    # the decision of docs/actors.md: an alliance's word is not independent of its members'
    assert _id(table, "NATO Secretary General Jens Stoltenberg") == "jens-stoltenberg"
    assert table.affiliated("jens-stoltenberg", "usa", on=DAY)
    assert table.affiliated("jens-stoltenberg", "uk/defence-ministry", on=DAY)
    assert not table.affiliated("jens-stoltenberg", "ukraine", on=DAY)
    assert not table.affiliated("jens-stoltenberg", "russia", on=DAY)
    assert table.home_state("nato") is None  # a bloc has no home state


def test_bloc_membership_is_dated(table: ActorTable) -> None:
    assert not table.affiliated("nato", "finland", on=date(2023, 4, 3))
    assert table.affiliated("nato", "finland", on=date(2023, 4, 4))
    assert table.affiliated("eu", "uk", on=date(2019, 1, 1))
    assert not table.affiliated("eu", "uk", on=date(2021, 1, 1))


@pytest.mark.parametrize(
    ("agency", "state"),
    [
        ("belta", "belarus"),
        ("tass", "russia"),
        ("ria-novosti", "russia"),
        ("rt", "russia"),
        ("ukrinform", "ukraine"),
        ("tanjug", "serbia"),
        ("zvezda", "russia"),
    ],
)
def test_state_agency_is_its_state(table: ActorTable, agency: str, state: str) -> None:
    assert table.affiliated(agency, state, on=DAY)
    assert table.home_state(agency) == state


def test_dated_affiliations_follow_office(table: ActorTable) -> None:
    # a minister who left office no longer speaks for the state
    assert table.affiliated("sergei-shoigu", "russia/defence-ministry", on=DAY)
    assert not table.affiliated("ben-wallace", "uk", on=date(2024, 5, 1))
    assert table.affiliated("ben-wallace", "uk", on=DAY)
    # one holder of an office after another
    assert _id(table, "the Russian defence minister", on=date(2024, 6, 1)) == "andrei-belousov"
    assert _id(table, "the Russian defence minister", on=DAY) == "sergei-shoigu"
    # Wagner fought for Russia until its mutiny against the defence ministry in June 2023
    assert table.affiliated("wagner", "russia", on=date(2022, 10, 1))
    assert not table.affiliated("wagner", "russia", on=date(2023, 6, 24))


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Moscow", "russia"),
        ("the Kremlin", "russia"),
        ("Kyiv", "ukraine"),
        ("Minsk", "belarus"),
        ("Washington", "usa"),
        ("Warsaw", "poland"),
        ("Russian officials", "russia"),
        ("a senior Ukrainian military official", "ukraine"),
        ("Ukrainian military", "ukraine"),
        ("a senior White House official", "usa"),
        ("two senior administration officials", "usa"),
        ("U.S. intelligence", "usa"),
        ("Belarusian Defence Ministry", "belarus"),
        ("pro-Russian separatists", "russia"),
        ("separatist leaders in eastern Ukraine", "russia"),
        ("Pieskow", "russia"),
        ("Aleksander Lukashenko", "belarus"),
    ],
)
def test_unknown_speakers_by_rule_reach_their_state(
    table: ActorTable, name: str, state: str
) -> None:
    actor = table.resolve(name, on=DAY)
    assert actor is not None and state in table.side(actor.id, on=DAY)


def test_rule_sponsored_group(table: ActorTable) -> None:
    made = table.resolve("the Kremlin-backed administration in Kherson", on=DAY)
    assert made is not None and made.id.startswith(CREATED_PREFIX)
    assert table.affiliated(made.id, "russia", on=DAY)
    assert _id(table, "Moscow-installed authorities") == "russia/occupation-authorities"
    armed = table.resolve("pro-Russian militants in Transnistria", on=DAY)
    assert armed is not None and table.affiliated(armed.id, "russia", on=DAY)
    # sympathisers are not a side; an unknown sponsor gives nothing
    assert table.resolve("pro-Russian bloggers", on=DAY) is None
    assert table.resolve("Acme-backed fighters", on=DAY) is None


def test_rule_source_document(table: ActorTable) -> None:
    assert _id(table, "a publicly disclosed report by British intelligence") == "uk/intelligence"
    assert _id(table, "a U.S. spy report") == "usa/intelligence"
    assert _id(table, "The Kremlin summary of the call") == "russia"
    assert _id(table, "the report") is None


def test_rule_state_body(table: ActorTable) -> None:
    treasury = table.resolve("the U.S. Treasury", on=DAY)
    assert treasury is not None and treasury.id == "usa/treasury"
    assert _id(table, "Ukraine's eastern military command") == "ukraine/eastern-military-command"
    assert _id(table, "the Russian Embassy in Washington") == "russia/embassy"
    # a listed outlet or a title is not a body of the state
    assert _id(table, "Russia's Interfax news agency") == "interfax"
    assert _id(table, "Russian Defence Minister Sergei Shoigu") == "sergei-shoigu"
    assert table.resolve("the Russian Orthodox Church", on=DAY) is None


def test_rule_outlet_descriptor(table: ActorTable) -> None:
    assert _id(table, "the Reuters agency") == "reuters"
    assert _id(table, "the Tanjug agency") == "tanjug"


def test_rule_coordination(table: ActorTable) -> None:
    assert _id(table, "Russian and Belarusian troops") == "union-state"
    assert _id(table, "US President Joe Biden and State Department officials") == "usa"
    assert _id(table, "the US and its allies") == "usa"
    assert _id(table, "NATO and the United States") == "nato"  # NATO speaks for the US
    # different sides name nobody; NATO's tie to the US does not make its chief American
    assert _id(table, "Kyiv and its Western allies") is None
    assert _id(table, "Stoltenberg and Biden") is None


def test_rule_bloc_office(table: ActorTable) -> None:
    assert _id(table, "Western intelligence") == "west/intelligence"
    for member in ("usa", "uk", "poland"):
        assert table.affiliated("west/intelligence", member, on=DAY)
    assert not table.affiliated("west/intelligence", "ukraine", on=DAY)
    assert _id(table, "Western officials") == "west"


def test_trailing_circumstance_is_not_part_of_the_name(table: ActorTable) -> None:
    name = "Russian Foreign Ministry spokeswoman Maria Zakharova in a statement"
    assert _id(table, name) == "maria-zakharova"
    assert _id(table, "US officials familiar with the matter") == "usa"
    # a phrase that only mentions a state is not the state speaking
    assert _id(table, "nothing in our prior attempts to influence Russia") is None
