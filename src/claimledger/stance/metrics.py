"""FNC-1 scoring: the official weighted score and F1 over the four FNC classes."""

from __future__ import annotations

from collections.abc import Sequence

from claimledger.stance.data import FNC_LABELS, RELATED_LABELS


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """Return (score, max score) with the official FNC-1 weighting.

    +0.25 for a correct related/unrelated decision, +0.75 more for the exact label of a
    related pair (so a related pair is worth 1.0, an unrelated one 0.25).
    """
    score = 0.0
    best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.5
        if g in RELATED_LABELS and p in RELATED_LABELS:
            score += 0.25
    return score, best


def per_class_f1(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Return F1 of each FNC class (0.0 for a class with no gold and no predicted pair)."""
    out: dict[str, float] = {}
    for label in FNC_LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        n_pred = sum(p == label for p in pred)
        n_gold = sum(g == label for g in gold)
        out[label] = 0.0 if n_pred + n_gold == 0 else 2.0 * tp / (n_pred + n_gold)
    return out


def stance_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, object]:
    """Return FNC score (fraction of max), macro-F1, per-class F1, accuracy and counts."""
    score, best = fnc_score(gold, pred)
    f1 = per_class_f1(gold, pred)
    n = len(gold)
    return {
        "n": n,
        "fnc_score": score / best if best else 0.0,
        "fnc_raw": score,
        "fnc_max": best,
        "macro_f1": sum(f1.values()) / len(f1),
        "per_class_f1": f1,
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0,
        "related_f1": _related_f1(gold, pred),
        "gold_counts": {label: sum(g == label for g in gold) for label in FNC_LABELS},
    }


def _related_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    g = [x != "unrelated" for x in gold]
    p = [x != "unrelated" for x in pred]
    tp = sum(a and b for a, b in zip(g, p, strict=True))
    denom = sum(g) + sum(p)
    return 2.0 * tp / denom if denom else 0.0
