"""Train the check-worthiness model on ClaimBuster's crowdsourced sentences.

Usage::

    python -m claimledger.extract.train_checkworthy \
        --data ../shared/datasets/claimbuster/crowdsourced.csv \
        --out src/claimledger/models/checkworthy

Debates (``File_id``) are split into train and a held-out development part (every fifth
debate in date order, starting with the third) so the dev figures measure generalisation
to unseen debates. The final model is refit on the training debates only.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.errors import Code, IngestError
from claimledger.extract.checkworthy import CheckworthyModel, save_checkworthy

logger = logging.getLogger(__name__)

SEED = 13
C = 2.0
MAX_FEATURES = 50_000


@dataclass(frozen=True, slots=True)
class CheckworthyRow:
    """One ClaimBuster sentence."""

    text: str
    label: int  # 1 check-worthy, 0 not
    group: str  # debate file id


def read_claimbuster(path: Path) -> list[CheckworthyRow]:
    """Read ClaimBuster's ``crowdsourced.csv`` (columns ``Text``, ``Verdict``, ``File_id``).

    Raises:
        IngestError: E101 when the file cannot be read, E202 naming the row when malformed.
    """
    rows: list[CheckworthyRow] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"Text", "Verdict"} - set(reader.fieldnames or ())
            if missing:
                raise IngestError(
                    Code.E202, str(path), reason=f"missing columns {', '.join(sorted(missing))}"
                )
            for n, rec in enumerate(reader, start=2):
                verdict = (rec.get("Verdict") or "").strip()
                if verdict not in {"-1", "0", "1"} or rec.get("Text") is None:
                    raise IngestError(
                        Code.E202, f"{path}:{n}", reason=f"row {n}: bad Verdict {verdict!r}"
                    )
                rows.append(
                    CheckworthyRow(rec["Text"], int(verdict == "1"), rec.get("File_id") or "")
                )
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(Code.E101, str(path), reason=str(exc)) from exc
    return rows


def split_by_debate(rows: Sequence[CheckworthyRow]) -> tuple[list[int], list[int]]:
    """Return (train, dev) row indices; dev = every fifth debate from the third, date order."""
    groups = sorted({r.group for r in rows})
    dev = set(groups[2::5])
    train_idx = [i for i, r in enumerate(rows) if r.group not in dev]
    dev_idx = [i for i, r in enumerate(rows) if r.group in dev]
    return train_idx, dev_idx


def build_vectorizer() -> Any:
    """Return the unfitted word + character TF-IDF feature union."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=MAX_FEATURES
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=3,
                    sublinear_tf=True,
                    max_features=MAX_FEATURES,
                ),
            ),
        ]
    )


def fit(texts: Sequence[str], labels: np.ndarray) -> tuple[Any, Any]:
    """Fit vectoriser and logistic regression on ``texts``."""
    from sklearn.linear_model import LogisticRegression

    vec = build_vectorizer()
    x = vec.fit_transform(list(texts))
    clf = LogisticRegression(C=C, max_iter=3000, random_state=SEED).fit(x, labels)
    return vec, clf


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """Return the F1-optimal threshold on a 0.05 grid."""
    from sklearn.metrics import f1_score

    grid = np.round(np.arange(0.15, 0.85, 0.05), 2)
    f1s = [f1_score(labels, scores >= t, zero_division=0) for t in grid]
    return float(grid[int(np.argmax(f1s))])


def train(data: Path, out: Path) -> dict[str, Any]:
    """Train, pick the threshold by grouped CV on train, measure on dev, save to ``out``."""
    from sklearn.metrics import average_precision_score, precision_recall_fscore_support
    from sklearn.model_selection import GroupKFold

    start = time.time()
    rows = read_claimbuster(data)
    train_idx, dev_idx = split_by_debate(rows)
    texts = [r.text for r in rows]
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    tr_texts = [texts[i] for i in train_idx]
    y_tr = y[train_idx]

    oof = np.zeros(len(train_idx))
    for fold_tr, fold_te in GroupKFold(n_splits=4).split(tr_texts, y_tr, groups[train_idx]):
        vec, clf = fit([tr_texts[i] for i in fold_tr], y_tr[fold_tr])
        oof[fold_te] = clf.predict_proba(vec.transform([tr_texts[i] for i in fold_te]))[:, 1]
    threshold = best_threshold(y_tr, oof)

    vec, clf = fit(tr_texts, y_tr)
    model = CheckworthyModel(vec, clf, threshold)
    dev_scores = model.score([texts[i] for i in dev_idx])
    y_dev = y[dev_idx]
    p, r, f, _ = precision_recall_fscore_support(
        y_dev, dev_scores >= threshold, average="binary", zero_division=0
    )
    metrics = {
        "dev_precision": round(float(p), 4),
        "dev_recall": round(float(r), 4),
        "dev_f1": round(float(f), 4),
        "dev_average_precision": round(float(average_precision_score(y_dev, dev_scores)), 4),
        "threshold": threshold,
        "n_train": len(train_idx),
        "n_dev": len(dev_idx),
        "dev_debates": sorted({rows[i].group for i in dev_idx}),
        "train_seconds": round(time.time() - start, 1),
    }
    model.meta = {"metrics": metrics, "C": C, "max_features": MAX_FEATURES, "data": data.name}
    save_checkworthy(model, out)
    logger.info("check-worthiness dev: %s", metrics)
    return metrics


def export_dev(data: Path, out: Path) -> int:
    """Write the held-out dev debates of ``data`` to ``out`` (same columns); return rows."""
    with data.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        records = list(reader)
    rows = read_claimbuster(data)
    _, dev_idx = split_by_debate(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records[i] for i in dev_idx)
    return len(dev_idx)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="ClaimBuster crowdsourced.csv")
    parser.add_argument("--out", type=Path, default=None, help="output model folder")
    parser.add_argument(
        "--export-dev", type=Path, default=None, help="only write the dev debates to this CSV"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.export_dev is not None:
        export_dev(args.data, args.export_dev)
        return 0
    if args.out is None:
        parser.error("--out is required")
    metrics = train(args.data, args.out)
    sys.stdout.write(json_dumps(metrics) + "\n")
    return 0


def json_dumps(obj: object) -> str:
    """Render ``obj`` as indented JSON."""
    import json

    return json.dumps(obj, indent=2)


if __name__ == "__main__":
    raise SystemExit(main())
