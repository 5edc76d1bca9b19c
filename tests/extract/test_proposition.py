"""What a statement asserts, read off a real spaCy parse (extract/proposition.py)."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.claimhood import assess
from claimledger.extract.proposition import Proposition, bare_content, denied_verb, is_denial


def _read(nlp: Any, text: str, speaker: str | None = None) -> Proposition:
    [(prop, _)] = assess([text], [speaker], nlp=nlp)
    return prop


@pytest.mark.parametrize(
    ("content", "speaker", "expected"),
    [
        # The pronoun subject of reported speech is the speaker.
        (
            "it is pulling back some of its troops from the border",
            "Russia",
            "Russia is pulling back some of its troops from the border",
        ),
        # A content that starts at its verb has the speaker as its subject.
        (
            "Is pulling back some of its troops from the border",
            "Russia",
            "Russia is pulling back some of its troops from the border",
        ),
        # First person takes a singular verb with a speaker's name.
        ('"We have no plans to attack anyone,"', "Lavrov", "Lavrov has no plans to attack anyone"),
        ("we condemn the sanctions", "The ministry", "The ministry condemns the sanctions"),
        # A plural speaker keeps the verb.
        ("they are not withdrawing", "Russian officials", "Russian officials are not withdrawing"),
        # A dummy "it" is nobody's.
        (
            "it is no secret that Moscow wants a new government in Kyiv",
            "Kuleba",
            "It is no secret that Moscow wants a new government in Kyiv",
        ),
        # A subject of its own stays.
        ("7,000 more troops have arrived", "the official", "7,000 more troops have arrived"),
    ],
)
def test_subject_resolved_from_the_speaker(
    nlp: Any, content: str, speaker: str, expected: str
) -> None:
    assert _read(nlp, content, speaker).text == expected


def test_negation_numbers_and_years(nlp: Any) -> None:
    prop = _read(nlp, "there are no signs of de-escalation on the ground")
    assert prop.negated and prop.finite
    assert not _read(nlp, "Russia is pulling back its troops").negated
    assert _read(nlp, "Russia will not invade Ukraine", None).negated
    prop = _read(nlp, "7,000 more troops have arrived since 2014")
    assert prop.numbers == frozenset({"7000", "2014"})
    assert prop.years == frozenset({2014})


def test_not_only_is_no_negation(nlp: Any) -> None:
    added = _read(nlp, "The Kremlin has not only amassed 100,000 troops but sent more to Belarus")
    assert not added.negated
    assert _read(nlp, "Russia has not withdrawn its troops").negated


def test_fragment_and_question(nlp: Any) -> None:
    assert not _read(nlp, "the head of Russian diplomacy Sergei Lavrov").finite
    assert _read(nlp, "But are NATO allies in agreement on the crisis?").question


@pytest.mark.parametrize(
    ("content", "clause"),
    [
        # A noun phrase whose finite verb hangs off it in an adverbial clause is the object
        # of its cue ("promised"), no clause (PR_NOMINAL).
        ("the largest aid package yet as he warned that the war would spread", False),
        ("new sanctions if Moscow attacks", False),
        ("the concessions which Varnia would have to make", False),
        # A noun of thinking with its clause says something: "optimism that ... would pass".
        ('"cautious optimism" that the senators would pass the aid bill', True),
        ("a real possibility the army could cross the river in March", True),
        ("the talks failed and the troops stayed", True),
        ("Russia is pulling back some of its troops", True),
        ("there will be no war", True),
    ],
)
def test_a_noun_phrase_is_no_clause(nlp: Any, content: str, clause: bool) -> None:
    prop = _read(nlp, content, "the minister")
    # A noun phrase is told with its source and cue; it still counts as finite for what
    # may open a claim.
    assert prop.nominal is not clause
    assert prop.finite


def test_an_outlets_noun_phrase_is_not_nominal(nlp: Any) -> None:
    # No cue or source can tell an outlet's sentence as a proposition: PR_NOMINAL is for
    # what was said.
    prop = _read(nlp, "the largest aid package yet as he warned that the war would spread")
    assert prop.finite and not prop.nominal


def test_nominal_rule_off_reads_any_finite_verb(nlp: Any) -> None:
    [(prop, _)] = assess(
        ["the largest aid package yet as he warned that the war would spread"],
        ["the minister"],
        nlp=nlp,
        rules_off=("PR_NOMINAL",),
    )
    assert prop.finite and not prop.nominal


def test_subject_names_are_the_subjects_own(nlp: Any) -> None:
    assert _read(nlp, "Russian troops massed near the border").subject_names == ("Russian",)
    # A modifier's names are not who the subject is.
    prop = _read(nlp, "A fuel depot supplying Varnian army units was destroyed overnight")
    assert prop.subject_names == ()


def test_bare_content_strips_quotes_and_trailing_comma() -> None:
    assert (
        bare_content(' "We will see, then we will believe," ')
        == "We will see, then we will believe"
    )


@pytest.mark.parametrize(
    ("content", "speaker", "expected"),
    [
        ("it plans to invade Ukraine", "Russia", "Russia does not plan to invade Ukraine"),
        ("it was preparing for an invasion", "The US", "The US was not preparing for an invasion"),
        ("we are preparing an attack", "Moscow", "Moscow is not preparing an attack"),
        ("Is pulling back troops", "Russia", "Russia is not pulling back troops"),
        ("Russian troops will attack Kyiv", "Peskov", "Russian troops will not attack Kyiv"),
    ],
)
def test_a_denial_claims_the_negation_of_its_content(
    nlp: Any, content: str, speaker: str, expected: str
) -> None:
    [(prop, _)] = assess([content], [speaker], nlp=nlp, denials=[True])
    assert prop.text == expected
    assert prop.negated


def test_a_denial_without_a_verb_stays_as_it_is(nlp: Any) -> None:
    [(prop, _)] = assess(["any intention to invade"], ["Kremlin"], nlp=nlp, denials=[True])
    assert prop.text == "Any intention to invade" and not prop.negated


@pytest.mark.parametrize(
    ("cue", "denies"),
    [("denied", True), ("has repeatedly denied", True), ("rejected", True), ("said", False)],
)
def test_is_denial(cue: str, denies: bool) -> None:
    assert is_denial(cue) is denies


@pytest.mark.parametrize(
    ("cue", "content", "verb"),
    [
        ("denies planning", "to enter Ukraine", "plans"),
        ("has denied having", "to leave the talks", "has"),
        ("rejected trying", "to topple the government", "tries"),
        # Not a denial, no gerund, or no infinitive content: nothing taken back.
        ("said planning", "to enter Ukraine", None),
        ("denied", "to enter Ukraine", None),
        ("denies planning", "an invasion", None),
    ],
)
def test_the_verb_a_denial_cue_took_from_its_content(
    nlp: Any, cue: str, content: str, verb: str | None
) -> None:
    assert denied_verb(cue, content, nlp=nlp) == verb


def test_a_denied_gerund_content_reads_as_the_negated_plan(nlp: Any) -> None:
    verb = denied_verb("denies planning", "to enter Ukraine", nlp=nlp)
    [(prop, _)] = assess([f"Russia {verb} to enter Ukraine"], ["Russia"], nlp=nlp, denials=[True])
    assert prop.text == "Russia does not plan to enter Ukraine"
    assert prop.negated and prop.finite


@pytest.mark.parametrize(
    ("content", "speaker", "person", "expected"),
    [
        # "it" is no person: Nebenzya slammed the West, "claiming it is trying ...".
        (
            "it is trying to will a war into existence",
            "Vasily Nebenzya",
            True,
            "It is trying to will a war into existence",
        ),
        ("he will travel to Moscow", "The Kremlin", False, "He will travel to Moscow"),
        # Agreeing pronouns still stand for the speaker.
        ("it is pulling back its troops", "Russia", False, "Russia is pulling back its troops"),
        ("he will travel to Moscow", "Macron", True, "Macron will travel to Moscow"),
        # Unknown speakers keep the old reading.
        ("it is trying to provoke a war", "Nebenzya", None, "Nebenzya is trying to provoke a war"),
    ],
)
def test_a_pronoun_stands_for_the_speaker_only_if_they_agree(
    nlp: Any, content: str, speaker: str, person: bool | None, expected: str
) -> None:
    [(prop, _)] = assess([content], [speaker], nlp=nlp, persons=[person])
    assert prop.text == expected
    assert (prop.subject == speaker) == (expected.startswith(speaker))


@pytest.mark.parametrize(
    ("content", "mood"),
    [
        ("The House approved the bill on Saturday", "done"),
        ("Russia has withdrawn some of its troops", "done"),
        ("A TV tower was destroyed by Russian missiles", "done"),
        ("Russia did not attack", "done"),
        ("Congress might vote on the aid package next week", "open"),
        ("Russia will not invade Ukraine", "open"),
        ("Russia is going to invade", "open"),
        ("He urged Congress to pass the aid bill", "open"),
        ("The president plans to call his counterpart on Friday", "open"),
        # The present tells neither: it agrees with a plan and a deed alike.
        ("Russia is pulling back some of its troops", None),
        ("there are no signs of de-escalation on the ground", None),
    ],
)
def test_mood_tells_a_deed_done_from_one_still_open(nlp: Any, content: str, mood: str) -> None:
    assert _read(nlp, content).mood == mood


@pytest.mark.parametrize(
    ("content", "speaker", "expected"),
    [
        # A conjunction or a linking adverb and its comma tie the content to what came before.
        (
            "But the Russians are taking their time",
            "a US official",
            "The Russians are taking their time",
        ),
        (
            "However, Moscow has deployed 100,000 soldiers near the border",
            None,
            "Moscow has deployed 100,000 soldiers near the border",
        ),
        (
            "And on Saturday missiles were fired from Belarus",
            None,
            "On Saturday missiles were fired from Belarus",
        ),
        # "That" as the mark of the clause goes, and the pronoun after it is the speaker's.
        (
            "that he sees no chance of a peace agreement",
            "Scholz",
            "Scholz sees no chance of a peace agreement",
        ),
        (
            "That, as of now, the operation continues",
            "Peskov",
            "As of now, the operation continues",
        ),
        # A list's dash goes with it.
        (
            "- Sanctions against Russia have expanded",
            "Duda",
            "Sanctions against Russia have expanded",
        ),
        # Not a link: "that" as the subject, "so far", an adverb without its comma.
        ("That is not true", "Peskov", "That is not true"),
        ("So far the talks have failed", "Kuleba", "So far the talks have failed"),
        ("Still the talks go on", None, "Still the talks go on"),
    ],
)
def test_leading_link_is_cut(nlp: Any, content: str, speaker: str | None, expected: str) -> None:
    assert _read(nlp, content, speaker).text == expected


def test_leading_link_switched_off(nlp: Any) -> None:
    [(prop, _)] = assess(
        ["But the Russians are taking their time"], [None], nlp=nlp, rules_off=("PR_LEADING_LINK",)
    )
    assert prop.text == "But the Russians are taking their time"


def test_split_quote_is_read_as_one(nlp: Any) -> None:
    content = '"Russia has a lot of equipment at the border," "(This) reduces the time it needs."'
    assert _read(nlp, content, "Janes").text == (
        "Russia has a lot of equipment at the border, (This) reduces the time it needs."
    )
    # A seam before a word that goes on the sentence lower-cases it.
    content = '"Any country is free to join NATO," "That it is a decision for that country."'
    assert _read(nlp, content, "he").text == (
        "Any country is free to join NATO, that it is a decision for that country."
    )
    [(prop, _)] = assess([content], ["he"], nlp=nlp, rules_off=("PR_SPLIT_QUOTE",))
    assert '," "' in prop.text
