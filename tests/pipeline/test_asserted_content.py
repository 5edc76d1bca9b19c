"""What an attributed statement asserts, read from its cue and content with a real parse:
the content rules of ``extract/proposition.py`` (``PR_CUE_CASE``, ``PR_DENIED_NOUN``,
``PR_ACCUSED``)."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.claimhood import assess
from claimledger.extract.proposition import denied_noun, is_denial
from claimledger.pipeline.statements import asserted_content
from claimledger.records import Statement


def _statement(speaker: str, cue: str, content: str) -> Statement:
    return Statement(
        id="s1",
        article_id="a1",
        content=(0, len(content)),
        content_text=content,
        kind="indirect",
        source_text=speaker,
        cue_text=cue,
        speaker=speaker,
    )


def _proposition(nlp: Any, st: Statement, *, rules_off: tuple[str, ...] = ()) -> str:
    text = asserted_content(st, rules_off=rules_off)
    [(prop, _)] = assess([text], [st.speaker], nlp=nlp, denials=[is_denial(st.cue_text)])
    return prop.text


@pytest.mark.parametrize(
    ("speaker", "cue", "content", "expected"),
    [
        # A denied intention is the speaker's intention, negated.
        ("Kremlin", "denies", "any intention to invade", "Kremlin does not intend to invade"),
        ("Moscow", "has repeatedly denied", "plans to attack Ukraine", None),
        ("Russia", "rejected", "the plan to annex the region", None),
    ],
)
def test_a_denied_intention_reads_as_the_speakers_negated_intent(
    nlp: Any, speaker: str, cue: str, content: str, expected: str | None
) -> None:
    got = _proposition(nlp, _statement(speaker, cue, content))
    if expected is not None:
        assert got == expected
    assert got.startswith(speaker) and " not " in got


def test_a_content_after_its_cue_is_parsed_in_its_own_case(nlp: Any) -> None:
    # "Plans to invade" reads as a noun with no subject to give; "plans to invade" as the
    # speaker's verb, which the denial negates.
    st = _statement("Russia", "denies", "plans to invade")
    assert _proposition(nlp, st, rules_off=("PR_DENIED_NOUN",)) == "Russia does not plan to invade"
    assert _proposition(nlp, st, rules_off=("PR_DENIED_NOUN", "PR_CUE_CASE")) == "Plans to invade"


def test_the_rules_leave_what_they_are_not_for(nlp: Any) -> None:
    # Not a denial: the intention is asserted as written.
    assert denied_noun("said", "any intention to invade") is None
    # Not a noun of intent.
    assert denied_noun("denied", "any involvement in the attack") is None
    # A capitalised name at the start stays as written.
    st = _statement("NATO", "said", "Russia is massing troops")
    assert asserted_content(st) == "Russia is massing troops"
    # An outlet's own sentence is not read through a cue.
    own = Statement(
        id="s2",
        article_id="a1",
        content=(0, 15),
        content_text="plans to invade",
        kind="indirect",
        attributed=False,
    )
    assert asserted_content(own) == "Plans to invade"


def test_a_fragment_is_told_with_its_source_and_cue() -> None:
    from claimledger.pipeline.statements import claim_body

    text = (
        'The minister has promised the largest "ever" aid package as he warned that '
        "the war would spread."
    )
    content = text[len("The minister has promised ") :].rstrip(".")
    c0 = text.index(content)
    st = Statement(
        id="s1",
        article_id="a1",
        content=(c0, c0 + len(content)),
        content_text=content,
        kind="indirect",
        source=(0, len("The minister")),
        source_text="The minister",
        cue=(len("The minister "), len("The minister has promised")),
        cue_text="has promised",
        speaker="The minister",
    )
    # "promised" takes a clause too, and the content quotes a word: as a proposition
    # (finite) the content stands as written.
    assert claim_body(text, st) == content
    # A noun phrase (PR_NOMINAL) is no proposition: the source and cue make it one.
    assert claim_body(text, st, fragment=True) == text.rstrip(".")


@pytest.mark.parametrize(
    ("speaker", "cue", "content", "expected"),
    [
        (
            "Russia's defence ministry",
            "has accused",
            'the UK of "provoking" Ukraine into attacking Russian territory',
            'The UK has been "provoking" Ukraine into attacking Russian territory',
        ),
        (
            "Russia",
            "accused",
            "Ukraine of attacking targets within its territory",
            "Ukraine has been attacking targets within its territory",
        ),
        (
            "Lavrov",
            "accused",
            "the US and its allies of fighting a proxy war in Ukraine",
            "The US and its allies have been fighting a proxy war in Ukraine",
        ),
        (
            "Kyiv",
            "accuses",
            "Russian troops of deliberately shelling civilians",
            "Russian troops have been deliberately shelling civilians",
        ),
        (
            "the mayor",
            "blamed",
            "Moscow for shelling the town",
            "Moscow has been shelling the town",
        ),
        # A pronoun would be read as the speaker: left as it is.
        ("the mayor", "blamed", "them for shelling the town", None),
        # No gerund: what the accused did is not said as a deed; left as it is.
        ("Kyiv", "accused", "Russia of war crimes", "Russia of war crimes"),
        # Not an accusation: "of" belongs to the content.
        ("Kyiv", "said", "the head of mining operations was arrested", None),
    ],
)
def test_an_accusation_says_the_accused_did_it(
    nlp: Any, speaker: str, cue: str, content: str, expected: str | None
) -> None:
    st = _statement(speaker, cue, content)
    got = _proposition(nlp, st)
    if expected is not None:
        assert got == expected
    else:
        assert "been" not in got
    # Switched off, the content is read as written.
    assert "been" not in _proposition(nlp, st, rules_off=("PR_ACCUSED",))
