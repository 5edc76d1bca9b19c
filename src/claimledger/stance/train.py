"""Train the stance model on FNC-1 + ARC, measuring on a development split held out by body.

Usage::

    python -m claimledger.stance.train --fnc ../shared/datasets/fnc-1 \
        --arc ../shared/datasets/arc --out src/claimledger/models/stance

Bodies are assigned to the development split by a stable hash of ``source:body_id`` (one in
five); training never sees a dev body. Sentence embeddings are cached in ``.cache/embeddings``
(gitignored), so a re-run costs minutes instead of ~20 CPU-minutes of MiniLM.
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

from claimledger.link.embeddings import get_embedder
from claimledger.stance.cache import DEFAULT_CACHE, EmbeddingCache
from claimledger.stance.data import StancePair, read_fnc_dir, split_by_body
from claimledger.stance.metrics import stance_metrics
from claimledger.stance.model import STAGE2_LABELS, PairMatrix, StanceModel
from claimledger.stance.predict import combine_labels, save_stance_model

logger = logging.getLogger(__name__)

SEED = 7
ARC_WEIGHT = 0.5
TFIDF_MAX_FEATURES = 40_000
STAGE1_PARAMS: dict[str, Any] = {"max_iter": 300, "learning_rate": 0.08, "max_leaf_nodes": 31}
STAGE2_PARAMS: dict[str, Any] = {"max_iter": 400, "learning_rate": 0.05, "max_leaf_nodes": 31}
FOLDS = 5


def fit_tfidf(pairs: Sequence[StancePair]) -> Any:
    """Fit the similarity TF-IDF on training headlines and bodies."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = list(dict.fromkeys([p.headline for p in pairs] + [p.body for p in pairs]))
    vec = TfidfVectorizer(
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        stop_words="english",
        max_features=TFIDF_MAX_FEATURES,
        dtype=np.float32,
    )
    vec.fit(docs)
    return vec


def featurize(model: StanceModel, pairs: Sequence[StancePair], cache: EmbeddingCache) -> PairMatrix:
    """Features of ``pairs``, embedding through the on-disk cache."""
    embedder = get_embedder()

    def embed(texts: Sequence[str]) -> np.ndarray:
        return cache.encode(texts, embedder)

    return model.featurize([p.headline for p in pairs], [p.body for p in pairs], embed)


def _subset(m: PairMatrix, idx: list[int]) -> PairMatrix:
    return PairMatrix(
        m.scalars[idx], m.dense[idx], [m.claims[i] for i in idx], [m.tops[i] for i in idx]
    )


def _dense_lr() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=2000, random_state=SEED)


def _text_lr() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4.0, max_iter=3000, random_state=SEED)


def _gbdt(params: dict[str, Any]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        **params, l2_regularization=1.0, early_stopping=False, random_state=SEED
    )


def fit_model(
    model: StanceModel, pairs: Sequence[StancePair], feats: PairMatrix, weights: np.ndarray
) -> None:
    """Fit stage 1 on all pairs and the stacked stage 2 on related pairs, in place."""
    from sklearn.model_selection import GroupKFold

    rel_gold = np.array([p.label != "unrelated" for p in pairs])
    model.stage1 = _gbdt(STAGE1_PARAMS).fit(feats.scalars, rel_gold, sample_weight=weights)
    logger.info("stage 1 fitted")

    idx = [int(i) for i in np.flatnonzero(rel_gold)]
    sub = _subset(feats, idx)
    y = np.array([STAGE2_LABELS.index(pairs[i].label) for i in idx])
    groups = np.array([f"{pairs[i].source}:{pairs[i].body_id}" for i in idx])
    w = weights[idx]
    text_x = model.text_matrix(sub)
    oof_dense = np.zeros((len(idx), 3))
    oof_text = np.zeros((len(idx), 3))
    for tr, te in GroupKFold(n_splits=FOLDS).split(sub.dense, y, groups):
        oof_dense[te] = (
            _dense_lr().fit(sub.dense[tr], y[tr], sample_weight=w[tr]).predict_proba(sub.dense[te])
        )
        oof_text[te] = (
            _text_lr().fit(text_x[tr], y[tr], sample_weight=w[tr]).predict_proba(text_x[te])
        )
    logger.info("stacked out-of-fold probabilities done")
    model.dense_lr = _dense_lr().fit(sub.dense, y, sample_weight=w)
    model.text_lr = _text_lr().fit(text_x, y, sample_weight=w)
    stacked = np.hstack([sub.scalars, oof_dense, oof_text])
    model.stage2 = _gbdt(STAGE2_PARAMS).fit(stacked, y, sample_weight=w)


def evaluate(model: StanceModel, pairs: Sequence[StancePair], feats: PairMatrix) -> dict[str, Any]:
    """Measure ``model`` on featurised pairs."""
    p_rel, p_st = model.predict_proba(feats)
    pred = [label for label, _ in combine_labels(p_rel, p_st)]
    return stance_metrics([p.label for p in pairs], pred)


def train(
    fnc: Path, arc: Path | None, out: Path, *, cache_dir: Path = DEFAULT_CACHE
) -> dict[str, Any]:
    """Train on the train splits, report dev metrics, save the model to ``out``."""
    start = time.time()
    fnc_train, fnc_dev = split_by_body(read_fnc_dir(fnc, source="fnc-1"))
    arc_train: list[StancePair] = []
    arc_dev: list[StancePair] = []
    if arc is not None:
        arc_train, arc_dev = split_by_body(read_fnc_dir(arc, source="arc"))
    train_pairs = fnc_train + arc_train
    logger.info(
        "train %d pairs (fnc %d, arc %d); dev fnc %d, arc %d",
        len(train_pairs), len(fnc_train), len(arc_train), len(fnc_dev), len(arc_dev),
    )  # fmt: skip
    model = StanceModel(tfidf=fit_tfidf(train_pairs))
    cache = EmbeddingCache(cache_dir)
    feats = featurize(model, train_pairs, cache)
    logger.info("featurised %d training pairs", len(train_pairs))
    weights = np.array([1.0 if p.source == "fnc-1" else ARC_WEIGHT for p in train_pairs])
    fit_model(model, train_pairs, feats, weights)
    metrics: dict[str, Any] = {
        "fnc_dev": evaluate(model, fnc_dev, featurize(model, fnc_dev, cache))
    }
    if arc_dev:
        metrics["arc_dev"] = evaluate(model, arc_dev, featurize(model, arc_dev, cache))
    metrics["train_seconds"] = round(time.time() - start, 1)
    metrics["n_train"] = {"fnc-1": len(fnc_train), "arc": len(arc_train)}
    model.meta = {
        "metrics": metrics,
        "arc_weight": ARC_WEIGHT,
        "stage1": STAGE1_PARAMS,
        "stage2": STAGE2_PARAMS,
        "tfidf_max_features": TFIDF_MAX_FEATURES,
        "top_k": model.top_k,
    }
    save_stance_model(model, out)
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train the claimledger stance model.")
    parser.add_argument("--fnc", type=Path, required=True, help="FNC-1 folder")
    parser.add_argument("--arc", type=Path, default=None, help="ARC folder (FNC format)")
    parser.add_argument("--out", type=Path, required=True, help="output model folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    metrics = train(args.fnc, args.arc, args.out, cache_dir=args.cache)
    sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
