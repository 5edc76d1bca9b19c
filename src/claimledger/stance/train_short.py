"""Train the short-pair stance model (claim vs one statement) on pairs derived from FNC-1 + ARC.

Usage::

    python -m claimledger.stance.train_short --fnc ../shared/datasets/fnc-1 \
        --arc ../shared/datasets/arc --out src/claimledger/models/stance/short

Same two-stage architecture as :mod:`claimledger.stance.train` (same TF-IDF fit, same
by-body split, same embedding cache) plus the contrast features of
:func:`claimledger.stance.features.contrast_features`, trained on the short pairs of
:mod:`claimledger.stance.short`. Reports dev metrics of this model and of the whole-body
model on the same short dev pairs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.stance.cache import DEFAULT_CACHE, EmbeddingCache
from claimledger.stance.data import StancePair, read_fnc_dir, split_by_body
from claimledger.stance.model import StanceModel
from claimledger.stance.predict import MODEL_DIR, read_stance_model, save_stance_model
from claimledger.stance.short import headline_pairs, sentence_pairs
from claimledger.stance.train import evaluate, featurize, fit_model, fit_tfidf

logger = logging.getLogger(__name__)

# Training weight of each derived source: headline pairs are the cleanest short pairs.
SOURCE_WEIGHTS: dict[str, float] = {
    "fnc-1/headlines": 1.0,
    "fnc-1/sentences": 0.5,
    "arc/sentences": 0.5,
}


def short_splits(
    fnc: Path, arc: Path | None, tfidf: Any | None = None
) -> tuple[list[StancePair], dict[str, list[StancePair]], Any]:
    """Return (train pairs, dev pairs by source, fitted TF-IDF) of the short-pair data."""
    fnc_train, fnc_dev = split_by_body(read_fnc_dir(fnc, source="fnc-1"))
    arc_train: list[StancePair] = []
    arc_dev: list[StancePair] = []
    if arc is not None:
        arc_train, arc_dev = split_by_body(read_fnc_dir(arc, source="arc"))
    if tfidf is None:
        tfidf = fit_tfidf(fnc_train + arc_train)
    dev: dict[str, list[StancePair]] = {
        "fnc-1/headlines": headline_pairs(fnc_dev),
        "fnc-1/sentences": sentence_pairs(fnc_dev, tfidf),
    }
    if arc_dev:
        dev["arc/sentences"] = sentence_pairs(arc_dev, tfidf)
    dev_heads = {(p.headline, p.body) for p in dev["fnc-1/headlines"]}
    train = [p for p in headline_pairs(fnc_train) if (p.headline, p.body) not in dev_heads]
    train += sentence_pairs(fnc_train + arc_train, tfidf)
    return train, dev, tfidf


def train_short(
    fnc: Path, arc: Path | None, out: Path, *, cache_dir: Path = DEFAULT_CACHE
) -> dict[str, Any]:
    """Train on the short train pairs, report dev metrics, save the model to ``out``."""
    start = time.time()
    train, dev, tfidf = short_splits(fnc, arc)
    counts = {s: sum(p.source == s for p in train) for s in SOURCE_WEIGHTS}
    logger.info("short train pairs %s; dev %s", counts, {k: len(v) for k, v in dev.items()})
    model = StanceModel(tfidf=tfidf, contrast=True)
    cache = EmbeddingCache(cache_dir)
    feats = featurize(model, train, cache)
    logger.info("featurised %d training pairs", len(train))
    weights = np.array([SOURCE_WEIGHTS[p.source] for p in train])
    fit_model(model, train, feats, weights)
    whole = read_stance_model(MODEL_DIR)
    metrics: dict[str, Any] = {"short_model": {}, "whole_body_model": {}}
    for name, pairs in dev.items():
        metrics["short_model"][name] = evaluate(model, pairs, featurize(model, pairs, cache))
        metrics["whole_body_model"][name] = evaluate(whole, pairs, featurize(whole, pairs, cache))
    metrics["train_seconds"] = round(time.time() - start, 1)
    metrics["n_train"] = counts
    model.meta = {"metrics": metrics, "source_weights": SOURCE_WEIGHTS, "contrast": True}
    save_stance_model(model, out)
    return metrics


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model_name in ("whole_body_model", "short_model"):
        for name, m in metrics[model_name].items():
            out[f"{model_name}:{name}"] = {
                "fnc_score": round(m["fnc_score"], 4),
                "macro_f1": round(m["macro_f1"], 4),
                "per_class_f1": {k: round(v, 3) for k, v in m["per_class_f1"].items()},
            }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train the short-pair stance model.")
    parser.add_argument("--fnc", type=Path, required=True, help="FNC-1 folder")
    parser.add_argument("--arc", type=Path, default=None, help="ARC folder (FNC format)")
    parser.add_argument("--out", type=Path, required=True, help="output model folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    metrics = train_short(args.fnc, args.arc, args.out, cache_dir=args.cache)
    sys.stdout.write(json.dumps(_summary(metrics), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
