"""The lexical refinements on top of the model: questions and short-text denials."""

from __future__ import annotations

import numpy as np
import pytest

from claimledger.stance.predict import combine_labels, refine_stance

P = np.array([0.6, 0.1, 0.3])  # agree, disagree, discuss
DOUBT = "We will see, then we will believe."
DENIAL = "The ministry said the reports were false."
PLAIN = "The ministry said the troops had left."


@pytest.mark.parametrize(
    ("label", "short", "p_rel", "text", "expected"),
    [
        ("discuss", False, 0.9, DOUBT, "questions"),
        ("discuss", False, 0.9, PLAIN, "discusses"),
        ("disagree", True, 0.9, DOUBT, "questions"),
        ("disagree", False, 0.9, DOUBT, "refutes"),
        ("agree", True, 0.9, DOUBT, "questions"),
        ("agree", False, 0.9, DOUBT, "supports"),
        ("unrelated", True, 0.3, DOUBT, "questions"),
        ("unrelated", True, 0.1, DOUBT, "unrelated"),
        ("agree", True, 0.9, DENIAL, "refutes"),
        ("agree", False, 0.9, DENIAL, "supports"),
        ("discuss", True, 0.9, DENIAL, "discusses"),
        ("agree", True, 0.9, PLAIN, "supports"),
    ],
)
def test_refine_stance_rules(
    label: str, short: bool, p_rel: float, text: str, expected: str
) -> None:
    stance, conf = refine_stance(label, 0.7, p_rel, P, text, short=short)
    assert stance == expected
    assert 0.0 <= conf <= 1.0


def test_denial_claim_is_not_flipped() -> None:
    stance, _ = refine_stance("agree", 0.8, 0.9, P, DENIAL, short=True, claim_denies=True)
    assert stance == "supports"


def test_unchanged_label_keeps_model_confidence() -> None:
    assert refine_stance("discuss", 0.42, 0.9, P, PLAIN) == ("discusses", 0.42)


def test_combine_labels_threshold_and_confidence() -> None:
    p_rel = np.array([0.2, 0.8])
    p_st = np.array([[0.1, 0.2, 0.7], [0.1, 0.2, 0.7]])
    (l1, c1), (l2, c2) = combine_labels(p_rel, p_st)
    assert (l1, l2) == ("unrelated", "discuss")
    assert c1 == pytest.approx(0.8) and c2 == pytest.approx(0.56)
