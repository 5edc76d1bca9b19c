"""Sentence splitting, the questions lexicon and FNC scoring."""

from __future__ import annotations

import pytest

from claimledger.stance.features import question_cues
from claimledger.stance.metrics import fnc_score, per_class_f1, stance_metrics
from claimledger.stance.text import split_sentences, tokens


def test_split_sentences_keeps_abbreviations_and_paragraphs() -> None:
    text = "Mr. Lavrov met Dr. Kerry in the U.S. capital. They talked.\n\nA new paragraph! Why?"
    assert split_sentences(text) == [
        "Mr. Lavrov met Dr. Kerry in the U.S. capital.",
        "They talked.",
        "A new paragraph!",
        "Why?",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\x00", "."])
def test_split_sentences_odd_text(text: str) -> None:
    assert split_sentences(text) == []


def test_split_sentences_caps_count() -> None:
    assert len(split_sentences("Yes. " * 500, max_sentences=10)) == 10


def test_tokens_lowercase_with_contractions() -> None:
    assert tokens("Russia DIDN'T send 40,000 troops") == [
        "russia",
        "didn't",
        "send",
        "40",
        "000",
        "troops",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "We will see, then we will believe.",
        "Show us the evidence, the minister said.",
        "There are no signs of a withdrawal so far.",
        "It remains to be seen whether the troops will leave.",
        "The claim could not be independently verified.",
        "Officials cast doubt on the report.",
        "We'll believe it when we see it.",
    ],
)
def test_question_cues_match_doubt_and_demands_for_evidence(text: str) -> None:
    assert question_cues(text) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "There is no doubt that the troops have left.",
        "The ministry confirmed the troops had returned to their bases.",
        "Russia denied sending troops.",
        "",
    ],
)
def test_question_cues_ignore_assertions_and_denials(text: str) -> None:
    assert question_cues(text) == 0


def test_fnc_score_weighting() -> None:
    gold = ["agree", "disagree", "unrelated", "discuss"]
    # exact related (1.0), related-but-wrong (0.25), unrelated right (0.25), missed (0)
    pred = ["agree", "discuss", "unrelated", "unrelated"]
    score, best = fnc_score(gold, pred)
    assert best == pytest.approx(3.25)
    assert score == pytest.approx(1.5)


def test_per_class_f1_and_macro() -> None:
    gold = ["agree", "agree", "unrelated", "disagree"]
    pred = ["agree", "unrelated", "unrelated", "disagree"]
    f1 = per_class_f1(gold, pred)
    assert f1["agree"] == pytest.approx(2 / 3)
    assert f1["unrelated"] == pytest.approx(2 / 3)
    assert f1["disagree"] == 1.0 and f1["discuss"] == 0.0
    m = stance_metrics(gold, pred)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1.0 + 0.0) / 4)
    assert m["fnc_score"] == pytest.approx(2.25 / 3.25)
