"""The lexical refinements on top of the model: questions and short-text denials."""

from __future__ import annotations

import numpy as np
import pytest

from claimledger.stance.predict import RULE_CONFIDENCE, combine_labels, refine_stance

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


ABSENCE = "Monitors on the bank recorded no incoming fire near the village that night."
CLAIM_SHELLED = "Artillery fire hit the village during the night."
CLAIM_PULLBACK = "Units have begun pulling back from the border."
STAYING = "Forces remain deployed near the border in greater numbers."


@pytest.mark.parametrize(
    ("label", "short", "p_rel", "expected"),
    [
        ("discuss", True, 0.6, "refutes"),
        ("agree", True, 0.6, "refutes"),
        ("unrelated", True, 0.3, "refutes"),
        ("unrelated", True, 0.1, "unrelated"),  # not about the claim
        ("discuss", False, 0.9, "discusses"),  # bodies are never changed
    ],
)
def test_observed_absence_in_a_short_text_refutes(
    label: str, short: bool, p_rel: float, expected: str
) -> None:
    stance, conf = refine_stance(label, 0.5, p_rel, P, ABSENCE, short=short, claim=CLAIM_SHELLED)
    assert stance == expected
    if expected == "refutes":
        assert conf == pytest.approx(p_rel * RULE_CONFIDENCE)


def test_observed_absence_must_name_what_the_claim_is_about() -> None:
    other = "Monitors on the bank recorded no flooding near Lerin."
    stance, _ = refine_stance("discuss", 0.5, 0.8, P, other, short=True, claim=CLAIM_SHELLED)
    assert stance == "discusses"
    # Not seeing troops move away is consistent with a claim that they massed.
    massed = "Troops have massed near the border."
    away = "Guards had not recorded any movement of troops away from the border."
    assert refine_stance("discuss", 0.5, 0.8, P, away, short=True, claim=massed)[0] == "discusses"


def test_observed_absence_takes_precedence_over_doubt_but_not_in_the_claim() -> None:
    text = "The Mission found no evidence that the village was shelled."
    shelled = "Artillery shelled the village."
    got = refine_stance("discuss", 0.5, 0.7, P, text, short=True, claim=shelled)
    assert got[0] == "refutes"
    claim = "Monitors found no shelling in the village."
    assert refine_stance("agree", 0.5, 0.7, P, text, short=True, claim=claim)[0] != "refutes"
    demand = "Varnia has shown no evidence; we will believe it when we see it."
    got = refine_stance("discuss", 0.5, 0.7, P, demand, short=True, claim=shelled)
    assert got[0] == "questions"


def test_opposite_direction_in_a_short_text_refutes() -> None:
    for label in ("agree", "discuss"):
        got = refine_stance(label, 0.5, 0.8, P, STAYING, short=True, claim=CLAIM_PULLBACK)
        assert got == ("refutes", pytest.approx(0.8 * RULE_CONFIDENCE))
    same = "The troops are leaving the border area."
    assert refine_stance("agree", 0.5, 0.8, P, same, short=True, claim=CLAIM_PULLBACK) == (
        "supports",
        0.5,
    )
    assert refine_stance("agree", 0.5, 0.8, P, STAYING, short=False, claim=CLAIM_PULLBACK)[0] == (
        "supports"
    )
    assert refine_stance("agree", 0.5, 0.8, P, STAYING, short=True)[0] == "supports"  # no claim
    # Opposite directions about different things: families leaving, troops massing.
    families = "Families have left the villages, a local official said."
    massed = "Varnia has massed troops near the Rell River."
    assert refine_stance("agree", 0.5, 0.8, P, families, short=True, claim=massed)[0] == (
        "supports"
    )
    despite = "An attack could come soon, despite the announcement that troops were leaving."
    claim = "Troops have massed near the border."
    assert refine_stance("discuss", 0.5, 0.8, P, despite, short=True, claim=claim) == (
        "discusses",
        0.5,
    )


def test_a_movement_demanded_or_of_something_else_refutes_nothing() -> None:
    claim = "Moscow has massed about 90,000 soldiers close to the border."
    # A demand names a withdrawal that has not happened.
    demand = "Talks can begin only on condition that the soldiers withdraw from the border."
    assert refine_stance("agree", 0.5, 0.9, P, demand, short=True, claim=claim)[0] == "supports"
    # A change of something the claim does not name.
    other = "Soldiers near the border say morale is good while their pay has been reduced."
    assert refine_stance("agree", 0.5, 0.9, P, other, short=True, claim=claim)[0] == "supports"
    # Reported, and of the claim's soldiers: a refutation.
    reported = "The soldiers are withdrawing from the border, officials said."
    assert refine_stance("agree", 0.5, 0.9, P, reported, short=True, claim=claim)[0] == "refutes"


def test_is_irrealis_and_direction_near_claim() -> None:
    from claimledger.stance.features import direction_near_claim, is_irrealis

    assert is_irrealis("Russia must pull back its troops.")
    assert is_irrealis("if they withdraw, talks can go on")
    assert not is_irrealis("Russia is pulling back its troops.")
    # Only the words just before the first movement count: a later "could" is another clause.
    assert not is_irrealis("Ukraine sees no escalation, and the build-up could be pressure.")
    claim = "Russian troops are pulling back from the border."
    assert direction_near_claim(claim, "Forces remain deployed near the border.")
    assert not direction_near_claim(claim, "Ticket prices have increased this winter.")


SHELLED = "Varnian artillery shelled the border village of Lerin during the night"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not a single shell was fired from Varnian positions last night.", "refutes"),
        ("Varnian artillery didn't shell Lerin during the night.", "refutes"),
        # Doubting is not denying: the questions rule, or nothing.
        ("The Mission could not confirm the shelling of Lerin during the night.", "questions"),
        ("Varnian artillery shelled Lerin during the night.", "supports"),
        # What is negated is a movement, not the claim's event.
        ("Varnian units did not leave the village of Lerin last night.", "supports"),
    ],
)
def test_short_text_negating_the_claims_event_refutes(text: str, expected: str) -> None:
    stance, conf = refine_stance("agree", 0.7, 0.9, P, text, short=True, claim=SHELLED)
    assert stance == expected, text
    if expected == "refutes":
        assert conf == pytest.approx(0.9 * RULE_CONFIDENCE)


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        ("Varnian artillery did not shell Lerin", "Varnian artillery did not shell Lerin."),
        ("Varnian artillery didn't shell Lerin", "Varnian artillery did not shell Lerin."),
        (SHELLED, "Varnian artillery not only shelled Lerin during the night, it hit Hollin."),
    ],
)
def test_agreeing_negations_are_not_refutations(claim: str, text: str) -> None:
    assert refine_stance("agree", 0.7, 0.9, P, text, short=True, claim=claim)[0] == "supports"
