"""Stance predictions on hand-written pairs from the Ukraine story, and edge cases."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.records import STANCES
from claimledger.stance.predict import load_stance_model, predict_stance

pytestmark = pytest.mark.slow

CLAIM = "Russian troops have crossed the border into eastern Ukraine."
WITHDRAW = "Russia will pull its troops back from the Ukrainian border."


def test_denial_is_refutes(embedder: Any) -> None:
    text = (
        "Moscow denied that any Russian troops had crossed into eastern Ukraine. "
        "The Kremlin spokesman called the reports of Russian troops crossing the border "
        "false and a provocation, and said no Russian soldiers were in Ukraine."
    )
    ((stance, conf),) = predict_stance([(CLAIM, text)], embedder=embedder)
    assert stance == "refutes"
    assert 0.0 <= conf <= 1.0


def test_we_will_see_then_we_will_believe_is_questions(embedder: Any) -> None:
    text = (
        "NATO said it had seen no sign that Russia was pulling its troops back from the "
        'Ukrainian border. "We will see, then we will believe," the alliance\'s chief said '
        "of Moscow's promise to withdraw its troops."
    )
    ((stance, conf),) = predict_stance([(WITHDRAW, text)], embedder=embedder)
    assert stance == "questions"
    assert 0.0 < conf <= 1.0


def test_confirmation_is_supports(embedder: Any) -> None:
    text = (
        "Ukraine's defence ministry confirmed that a column of Russian troops and tanks "
        "crossed the border into eastern Ukraine overnight, and NATO published satellite "
        "images showing Russian troops inside Ukraine."
    )
    ((stance, _),) = predict_stance([(CLAIM, text)], embedder=embedder)
    assert stance == "supports"


def test_unrelated_text(embedder: Any) -> None:
    text = "The European Central Bank left its interest rates unchanged on Thursday."
    ((stance, conf),) = predict_stance([(CLAIM, text)], embedder=embedder)
    assert stance == "unrelated"
    assert conf > 0.8


def test_batch_order_labels_and_empty_inputs(embedder: Any) -> None:
    pairs = [
        (CLAIM, ""),
        ("", "Some text."),
        (CLAIM, "Russian troops crossed the border into eastern Ukraine, Kiev says."),
        (CLAIM, "\x00\x01 ??? ..."),
        (CLAIM, "The ECB left rates unchanged."),
    ]
    out = predict_stance(pairs, embedder=embedder)
    assert len(out) == len(pairs)
    assert out[0] == ("unrelated", 1.0) and out[1] == ("unrelated", 1.0)
    assert all(s in STANCES and 0.0 <= c <= 1.0 for s, c in out)
    assert out[2][0] != "unrelated"
    # predicting a pair alone or in a batch gives the same answer
    assert predict_stance([pairs[2]], embedder=embedder) == [out[2]]


def test_empty_batch_and_cached_loader() -> None:
    assert predict_stance([]) == []
    assert load_stance_model() is load_stance_model()


@pytest.mark.parametrize(
    "text",
    [
        "NATO says there are no signs of a Russian pullback from the Ukrainian border.",
        "Show us the evidence that the troops are leaving the border, a Pentagon spokesman said.",
        "Kiev says Russia will pull troops back from the border; it remains to be seen.",
    ],
)
def test_short_doubt_and_evidence_demands_are_questions(text: str, embedder: Any) -> None:
    ((stance, conf),) = predict_stance([(WITHDRAW, text)], embedder=embedder)
    assert stance == "questions"
    assert 0.0 < conf <= 1.0


def test_claim_that_is_itself_a_denial_is_supported_by_the_denial(embedder: Any) -> None:
    claim = "The Kremlin denied that Russian troops crossed into Ukraine."
    text = "The Kremlin denied on Monday that Russian troops had crossed into Ukraine."
    ((stance, _),) = predict_stance([(claim, text)], embedder=embedder)
    assert stance == "supports"


WITHDRAWING = "Russian troops are withdrawing from the area around Kyiv."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Refutations without a denial word: evidence of absence, the opposite movement.
        (
            "OSCE monitors said they had seen no withdrawal of Russian troops from the Kyiv area.",
            "refutes",
        ),
        (
            "Russian forces remain deployed around Kyiv in the same numbers, satellite images show.",
            "refutes",
        ),
        ("The Kremlin denied that its troops were withdrawing from Kyiv.", "refutes"),
        (
            "Russian columns were seen leaving the Kyiv area on Tuesday, Ukrainian officials said.",
            "supports",
        ),
    ],
)
def test_short_statements_towards_a_claim(text: str, expected: str, embedder: Any) -> None:
    """One-sentence statements go through the short-text path (blend + refinements)."""
    ((stance, conf),) = predict_stance([(WITHDRAWING, text)], embedder=embedder)
    assert stance == expected
    assert conf >= 0.5  # enough for the verdict policy to count it
