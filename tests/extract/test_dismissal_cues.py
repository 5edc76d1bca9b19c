"""Dismissals as refutations of a claim: "ridiculed such claims as scaremongering", "mocked
the claim that ...", "dismissed the reports as hysteria" (cues ``deny`` and ``disinformation``
of ``extract/nested_patterns.py``), on sentences written for these tests, parsed by the real
spaCy model."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.nested import find_nested


@pytest.mark.parametrize(
    ("text", "rule", "speaker", "cue"),
    [
        (
            "The Kremlin spokesman ridiculed these claims as scaremongering by the West.",
            "anaphor",
            "The Kremlin spokesman",
            "deny",
        ),
        (
            "Russia mocked the claim that it was preparing an invasion.",
            "claim_unattributed_that",
            "Russia",
            "deny",
        ),
        (
            "Russia's claim that it is withdrawing troops was mocked by NATO officials.",
            "claim_possessive_that",
            "NATO officials",
            "deny",
        ),
        ("The minister scoffed at the allegation.", "anaphor", "The minister", "deny"),
    ],
)
def test_a_dismissal_refutes_the_claim(
    nlp: Any, text: str, rule: str, speaker: str, cue: str
) -> None:
    [nc] = find_nested(nlp(text), earlier=[(0, 1)] if rule == "anaphor" else ())
    assert (nc.rule, nc.stance, nc.speaker, nc.cue) == (rule, "refutes", speaker, cue)


def test_a_dismissal_as_scaremongering_after_a_claim(nlp: Any) -> None:
    text = (
        "The prime minister said a Russian victory could lead to a third world war. "
        "But Kremlin officials have dismissed such warnings as hysteria."
    )
    [nc] = find_nested(nlp(text))
    assert (nc.rule, nc.stance, nc.speaker) == ("says_then_but", "refutes", "Kremlin officials")
    assert nc.claimant == "The prime minister"
    assert nc.cue in ("deny", "disinformation")


def test_hysteria_that_judges_no_claim_is_no_nested_claim(nlp: Any) -> None:
    assert find_nested(nlp("Officials warned of mass hysteria in the capital.")) == []
    assert find_nested(nlp("The comedian mocked the president on Sunday.")) == []
