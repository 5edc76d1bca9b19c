"""Check-worthiness evaluation on a ClaimBuster-format CSV (columns ``Text``, ``Verdict``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np

from claimledger.extract.checkworthy import CheckworthyModel, load_checkworthy
from claimledger.extract.train_checkworthy import read_claimbuster, split_by_debate

Split = Literal["all", "dev", "train"]


def evaluate_checkworthy(
    csv_path: Path,
    *,
    model: CheckworthyModel | None = None,
    threshold: float | None = None,
    split: Split = "all",
    limit: int | None = None,
) -> dict[str, Any]:
    """Score the check-worthiness model on ``csv_path``.

    Args:
        csv_path: ClaimBuster-format CSV (``Verdict`` 1 = check-worthy).
        model: A loaded model; the packaged one by default.
        threshold: Decision threshold; the model's recommended one by default.
        split: ``"dev"``/``"train"`` keeps that part of the by-debate training split.
        limit: Keep every k-th row so that at most ``limit`` rows are scored.

    Returns:
        ``precision``, ``recall``, ``f1`` of the check-worthy class, ``average_precision``,
        ``threshold``, ``n``, ``positives``.

    Raises:
        IngestError: E202 naming the file and row for a malformed CSV.
    """
    from sklearn.metrics import average_precision_score

    rows = read_claimbuster(csv_path)
    if split != "all":
        train_idx, dev_idx = split_by_debate(rows)
        rows = [rows[i] for i in (dev_idx if split == "dev" else train_idx)]
    if limit is not None and 0 < limit < len(rows):
        step = -(-len(rows) // limit)
        rows = rows[::step]
    model = model or load_checkworthy()
    cut = model.threshold if threshold is None else threshold
    scores = model.score([r.text for r in rows])
    y = np.array([r.label for r in rows], dtype=bool)
    pred = scores >= cut
    tp = int(np.sum(pred & y))
    n_pred = int(pred.sum())
    n_pos = int(y.sum())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ap = float(average_precision_score(y, scores)) if 0 < n_pos < len(rows) else 0.0
    return {
        "file": str(csv_path),
        "split": split,
        "n": len(rows),
        "positives": n_pos,
        "threshold": cut,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "average_precision": ap,
    }


def format_checkworthy_report(result: dict[str, Any]) -> str:
    """Render :func:`evaluate_checkworthy`'s result as a short text report."""
    return "\n".join(
        [
            f"check-worthiness on {result['file']} ({result['n']} sentences, "
            f"{result['positives']} check-worthy, split {result['split']})",
            f"threshold          {result['threshold']:.2f}",
            f"precision          {result['precision']:.4f}",
            f"recall             {result['recall']:.4f}",
            f"F1                 {result['f1']:.4f}",
            f"average precision  {result['average_precision']:.4f}",
        ]
    )
