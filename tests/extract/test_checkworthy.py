"""Check-worthiness scores: range, ordering on clear cases, lazy loading, missing model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimledger.errors import ExtractError
from claimledger.extract.checkworthy import (
    is_no_comment,
    load_checkworthy,
    read_checkworthy,
    score_checkworthy,
)


def test_scores_are_probabilities_one_per_text() -> None:
    texts = ["Unemployment rose to 10 percent in 2009.", "Thank you.", "", "   ", "x" * 5000]
    scores = score_checkworthy(texts)
    assert scores.shape == (5,)
    assert np.all((scores >= 0.0) & (scores <= 1.0))
    assert scores[2] == 0.0 and scores[3] == 0.0


def test_empty_batch() -> None:
    assert score_checkworthy([]).shape == (0,)


def test_factual_claims_outrank_pleasantries_and_opinions() -> None:
    factual = [
        "We have lost 800,000 manufacturing jobs in the last four years.",
        "The deficit has tripled since 2001, to more than $400 billion.",
        "Russia moved 40,000 troops to the Ukrainian border in March.",
    ]
    other = [
        "Thank you very much, Jim.",
        "I want to thank the people of Ohio.",
        "I think we can do better as a country.",
    ]
    f = score_checkworthy(factual)
    o = score_checkworthy(other)
    model = load_checkworthy()
    assert f.min() > o.max()
    assert np.all(f >= model.threshold)
    assert np.all(o < model.threshold)


def test_loader_is_lazy_and_cached() -> None:
    assert load_checkworthy() is load_checkworthy()


def test_missing_model_is_e201(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="E201"):
        read_checkworthy(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "There was no immediate reaction from the Ostrelan government in Belmora.",
        "The Varnian foreign ministry did not immediately respond to a request for comment.",
        "A spokesman declined to comment on the report.",
        "Officials could not be reached on Sunday.",
    ],
)
def test_reports_of_silence_are_no_comment(text: str) -> None:
    assert is_no_comment(text)


@pytest.mark.parametrize(
    "text",
    [
        "Varnian artillery shelled the village of Lerin on Sunday night.",
        "The ministry said it would respond to the attack within days.",
        "Nobody commented on the bridge, but the mayor said it was destroyed.",
        "Troops did not return to their bases after the exercises.",
        "The army did not respond to the shelling.",
    ],
)
def test_statements_of_fact_are_not_no_comment(text: str) -> None:
    assert not is_no_comment(text)
