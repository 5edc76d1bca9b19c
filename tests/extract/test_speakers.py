"""Speaker resolution with the real spaCy model."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.speakers import SpeakerResolver, resolve_speakers

pytestmark = pytest.mark.slow

TEXT = (
    "NATO Secretary General Jens Stoltenberg spoke in Brussels on Tuesday. "
    '"Everything is now in place for a new attack," Stoltenberg said. '
    "He urged Moscow to stop preparing for war. "
    "The alliance's chief added that talks must continue. "
    "Russia's defense ministry said units are beginning to return to base. "
    "The ministry also said drills were over. It said more would follow."
)


def _span(doc: Any, phrase: str, nth: int = 0) -> Any:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    span = doc.char_span(start, start + len(phrase))
    assert span is not None
    return span


@pytest.fixture(scope="module")
def resolver(nlp: Any) -> SpeakerResolver:
    return SpeakerResolver(nlp(TEXT))


def test_surname_merges_with_full_name(resolver: SpeakerResolver) -> None:
    assert resolver.resolve(_span(resolver.doc, "Stoltenberg", 1)) == "Jens Stoltenberg"


def test_pronoun_takes_nearest_person(resolver: SpeakerResolver) -> None:
    assert resolver.resolve(_span(resolver.doc, "He")) == "Jens Stoltenberg"


def test_role_description_takes_nearest_person(resolver: SpeakerResolver) -> None:
    assert resolver.resolve(_span(resolver.doc, "The alliance's chief")) == "Jens Stoltenberg"


def test_owned_organisation_keeps_its_owner(resolver: SpeakerResolver) -> None:
    name = resolver.resolve(_span(resolver.doc, "Russia's defense ministry"))
    assert name == "Russia's defense ministry"


def test_group_description_and_it_take_nearest_organisation(resolver: SpeakerResolver) -> None:
    assert resolver.resolve(_span(resolver.doc, "The ministry")) == "Russia's defense ministry"
    assert resolver.resolve(_span(resolver.doc, "It")) == "Russia's defense ministry"


def test_titles_are_dropped_from_people(nlp: Any) -> None:
    doc = nlp("President Vladimir Putin spoke. Putin said the drills were over.")
    assert resolve_speakers(doc, [_span(doc, "Putin", 1)]) == ["Vladimir Putin"]


def test_nothing_compatible_gives_none(nlp: Any) -> None:
    doc = nlp("He said the plan would work. Officials disagreed.")
    assert resolve_speakers(doc, [_span(doc, "He"), _span(doc, "Officials"), None]) == [
        None,
        None,
        None,
    ]


def test_different_people_with_same_surname_stay_apart(nlp: Any) -> None:
    doc = nlp("Hillary Clinton spoke first. Then Bill Clinton arrived. Hillary Clinton said no.")
    first = SpeakerResolver(doc).resolve(_span(doc, "Hillary Clinton", 1))
    second = SpeakerResolver(doc).resolve(_span(doc, "Bill Clinton"))
    assert first == "Hillary Clinton"
    assert second == "Bill Clinton"


def test_a_name_used_as_an_adjective_is_not_a_person(nlp: Any) -> None:
    text = (
        '"We hear only predictions," Foreign Minister Lidia Serrat said in Tarsk. '
        "She said the warning was intended to frighten the Ostrelan public. "
        "The minister repeated that units were returning to their garrisons."
    )
    doc = nlp(text)
    [who] = resolve_speakers(doc, [_span(doc, "The minister")])
    assert who == "Lidia Serrat"


def test_a_new_group_or_an_indefinite_person_is_nobody_named_before(nlp: Any) -> None:
    text = (
        "A neighbour, Stefan Rusu, showed our reporters a fragment of metal. "
        "Two weapons experts who reviewed our photographs told the Observer that the craters "
        "were consistent with artillery fire. An official said the road was closed. "
        "The minister said it would reopen."
    )
    doc = nlp(text)
    experts, official = resolve_speakers(
        doc,
        [_span(doc, "Two weapons experts who reviewed our photographs"), _span(doc, "An official")],
    )
    assert experts is None and official is None  # not Stefan Rusu
    # a definite description still takes the nearest person
    [minister] = resolve_speakers(doc, [_span(doc, "The minister")])
    assert minister == "Stefan Rusu"


def test_the_ministry_is_the_nearest_name_with_ministry_not_the_nearest_place(nlp: Any) -> None:
    doc = nlp(
        "The Varnian Defence Ministry withdrew its statement on Saturday. "
        "Debris found in the forest near Drovny was a weather balloon, the ministry said. "
        "Strong winds had carried it across the area, it said."
    )
    [ministry] = [s for s in resolve_speakers(doc, [_span(doc, "the ministry")])]
    assert ministry is not None and "Defence Ministry" in ministry
    resolver = SpeakerResolver(doc)
    first = resolver.resolve(_span(doc, "the ministry"))
    # "it said" right after the ministry spoke is the ministry, not the last place named.
    assert resolver.resolve(_span(doc, "it", 2)) == first


def test_a_group_named_by_its_adjective_is_itself(nlp: Any) -> None:
    doc = nlp(
        "Reporters for The Cardon Observer reached Lerin on Sunday, hours after the Ostrelan "
        "government said Varnian artillery had shelled the village."
    )
    # Not the newspaper named before it: "Ostrelan" says whose government.
    assert resolve_speakers(doc, [_span(doc, "the Ostrelan government")]) == ["Ostrelan government"]


def test_a_group_noun_matches_whole_name_words_only(nlp: Any) -> None:
    doc = nlp(
        "The United Nations met in Geneva on Monday. Ukraine asked for more aid. "
        "Shortages were growing, the nation said."
    )
    # "nation" is not a word of "United Nations": the nearest group, Ukraine, is meant.
    assert resolve_speakers(doc, [_span(doc, "the nation")]) == ["Ukraine"]


def test_a_surname_the_entity_model_missed_is_the_person_named_before(nlp: Any) -> None:
    # Far enough that "he" finds no tagged mention of the person within six sentences.
    filler = " ".join(f"Column {n} moved on." for n in range(8))
    text = (
        "The historian David Satter spoke on Monday. "
        + filler
        + " Russia objected, Satter said. "
        + '"It is a decision for that country," he said.'
    )
    doc = nlp(text)
    # The untagged surname is David Satter, and stands as his mention for the pronoun.
    assert resolve_speakers(doc, [_span(doc, "Satter", 1), _span(doc, "he said")[:1]]) == [
        "David Satter",
        "David Satter",
    ]


def test_a_double_surname_tagged_as_an_organisation_joins_the_person(nlp: Any) -> None:
    text = (
        "Sam Cranny-Evans, an analyst at the institute, said the force was large. "
        "Russia could strike bridges, Cranny-Evans said."
    )
    doc = nlp(text)
    [name] = resolve_speakers(doc, [_span(doc, "Cranny-Evans", 1)])
    assert name == "Sam Cranny Evans"


QUOTED_LAST = (
    "The view is shared by the Ostrelan leader, Marek Tomasz Halden, who on Monday demanded "
    "that the Varnian president, Ivan Petrov, stop calling an attack imminent. "
    "Such talk was hurting his country and spreading panic, he said."
)


def test_a_relative_who_is_the_person_it_hangs_from(nlp: Any) -> None:
    doc = nlp(QUOTED_LAST)
    [name] = resolve_speakers(doc, [_span(doc, "who")])
    assert name is not None and name.endswith("Halden")


@pytest.mark.parametrize(("last_speaker", "expected"), [(True, "Halden"), (False, "Petrov")])
def test_he_in_a_sentence_naming_nobody_is_the_person_quoted_last(
    nlp: Any, last_speaker: bool, expected: str
) -> None:
    # SP_LAST_SPEAKER: the president is named last, but the leader is the one quoted.
    doc = nlp(QUOTED_LAST)
    resolver = SpeakerResolver(doc, last_speaker=last_speaker)
    who, he = resolver.resolve(_span(doc, "who")), resolver.resolve(_span(doc, "he said")[:1])
    assert who is not None and who.endswith("Halden")
    assert he is not None and he.endswith(expected)


def test_a_person_named_in_the_pronouns_sentence_still_wins(nlp: Any) -> None:
    text = (
        "Vladimir Putin said the talks had failed. "
        "Joe Biden, who spoke later, insisted there was still time for diplomacy, he said."
    )
    doc = nlp(text)
    assert resolve_speakers(doc, [doc[0:2], _span(doc, "he said")[:1]])[1] == "Joe Biden"
