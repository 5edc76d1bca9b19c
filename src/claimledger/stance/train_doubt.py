"""Train the ``questions`` classifier (:mod:`claimledger.stance.doubt`).

Usage::

    python -m claimledger.stance.train_doubt --rumoureval ../shared/datasets/rumoureval2019 \
        --datasets ../shared/datasets --out src/claimledger/models/stance/doubt

Training data: RumourEval 2019 ``train.jsonl`` (the rumour is the claim, the post the text;
``query`` is positive, support / deny / comment negative) and the ``train`` part of the
labelled news sentences (:mod:`claimledger.stance.news_gold`; ``questions`` positive),
weighted ``NEWS_WEIGHT``. The decision threshold is the F1-optimal cut of out-of-fold
probabilities (grouped by RumourEval event and by article), so neither dev set tunes it.
Reports the classifier's ``questions`` F1 on RumourEval ``dev.jsonl`` and on the news dev
part. Embeddings are cached in ``.cache/doubt-embeddings`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.stance.cache import EmbeddingCache
from claimledger.stance.doubt import (
    DoubtModel,
    clean_text,
    doubt_matrix,
    save_doubt_model,
)

logger = logging.getLogger(__name__)

SEED = 7
C = 0.003
NEWS_WEIGHT = 1.0
FOLDS = 5
DOUBT_CACHE = Path(".cache") / "doubt-embeddings"


@dataclass(frozen=True, slots=True)
class DoubtExample:
    """One (claim, text) pair with whether the text doubts the claim."""

    claim: str
    text: str
    positive: bool
    group: str  # RumourEval event or news article: folds never split one
    weight: float


def rumour_examples(path: Path) -> list[DoubtExample]:
    """RumourEval posts as examples (``query`` positive)."""
    from claimledger.stance.rumoureval import read_rumoureval

    return [
        DoubtExample(p.claim, p.text, p.stance == "questions", f"re:{p.event}", 1.0)
        for p in read_rumoureval(path)
    ]


def news_examples(datasets: Path, gold: Path | None, split: str) -> list[DoubtExample]:
    """The labelled news sentences of one split as examples (``questions`` positive)."""
    from claimledger.stance.news_gold import NEWS_GOLD, read_news_gold

    items = read_news_gold(datasets, gold or NEWS_GOLD)
    return [
        DoubtExample(i.claim, i.text, i.stance == "questions", i.article, NEWS_WEIGHT)
        for i in items
        if i.split == split
    ]


class _Embed:
    """Embed cleaned texts through the on-disk cache (MiniLM loaded on first need)."""

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache
        self.embedder: Any = None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        from claimledger.link.embeddings import get_embedder

        if self.embedder is None:
            self.embedder = get_embedder()
        return self.cache.encode(list(texts), self.embedder)


def features(examples: Sequence[DoubtExample], embed: _Embed) -> np.ndarray:
    """The classifier's input rows of ``examples``."""
    claims = embed([clean_text(e.claim) for e in examples])
    texts = embed([clean_text(e.text) for e in examples])
    return doubt_matrix(claims, texts, [e.text for e in examples])


def _classifier(c: float = C) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(),
        LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED),
    )


def binary_f1(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(pred), sum(gold)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n": len(gold), "gold": n_gold}


def best_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    """The cut in [0.3, 0.95] (step 0.01) with the best F1 of ``prob >= cut``."""
    cuts = np.round(np.arange(0.30, 0.951, 0.01), 2)
    scores = [binary_f1(list(y), list(prob >= c))["f1"] for c in cuts]
    return float(cuts[int(np.argmax(scores))])


def fit_doubt(
    train: Sequence[DoubtExample], x: np.ndarray, *, folds: int = FOLDS, c: float = C
) -> tuple[Any, float]:
    """Fit the classifier on ``train``; the threshold from grouped out-of-fold probabilities."""
    from sklearn.model_selection import GroupKFold

    y = np.array([e.positive for e in train])
    w = np.array([e.weight for e in train])
    groups = np.array([e.group for e in train])
    oof = np.zeros(len(train))
    n_splits = min(folds, len(set(groups)))
    for tr, te in GroupKFold(n_splits=n_splits).split(x, y, groups):
        clf = _classifier(c).fit(x[tr], y[tr], logisticregression__sample_weight=w[tr])
        oof[te] = clf.predict_proba(x[te])[:, 1]
    threshold = best_threshold(y, oof)
    clf = _classifier(c).fit(x, y, logisticregression__sample_weight=w)
    return clf, threshold


def train(
    rumoureval: Path,
    out: Path,
    *,
    datasets: Path | None = None,
    gold: Path | None = None,
    cache_dir: Path = DOUBT_CACHE,
    folds: int = FOLDS,
) -> dict[str, Any]:
    """Train on RumourEval train (+ news train), report dev figures, save to ``out``.

    Args:
        rumoureval: Folder with ``train.jsonl`` (and ``dev.jsonl``, for the report).
        out: Output model folder.
        datasets: The shared datasets folder, to resolve the news gold; ``None`` trains
            on RumourEval alone.
        gold: The news gold file (``models/stance/doubt/news_stance.jsonl`` by default).
        cache_dir: Embedding cache.
        folds: Grouped folds for the threshold.
    """
    start = time.time()
    embed = _Embed(EmbeddingCache(cache_dir))
    train_ex = rumour_examples(rumoureval / "train.jsonl")
    n_rumour = len(train_ex)
    news_dev: list[DoubtExample] = []
    if datasets is not None:
        train_ex += news_examples(datasets, gold, "train")
        news_dev = news_examples(datasets, gold, "dev")
    logger.info("training on %d examples (%d RumourEval)", len(train_ex), n_rumour)
    clf, threshold = fit_doubt(train_ex, features(train_ex, embed), folds=folds)
    model = DoubtModel(classifier=clf, threshold=threshold)
    metrics: dict[str, Any] = {}
    dev_path = rumoureval / "dev.jsonl"
    evals = [("rumoureval_dev", rumour_examples(dev_path) if dev_path.is_file() else [])]
    evals.append(("news_dev", news_dev))
    for name, ex in evals:
        if ex:
            claims = embed([clean_text(e.claim) for e in ex])
            texts = embed([clean_text(e.text) for e in ex])
            prob = model.predict_proba(claims, texts, [e.text for e in ex])
            metrics[name] = binary_f1([e.positive for e in ex], list(prob >= threshold))
    metrics["n_train"] = {"rumoureval": n_rumour, "news": len(train_ex) - n_rumour}
    metrics["train_seconds"] = round(time.time() - start, 1)
    model.meta = {"metrics": metrics, "C": C, "news_weight": NEWS_WEIGHT, "seed": SEED}
    save_doubt_model(model, out)
    return dict(metrics, threshold=threshold)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Train the claimledger questions classifier.")
    parser.add_argument("--rumoureval", type=Path, required=True, help="RumourEval 2019 folder")
    parser.add_argument("--datasets", type=Path, default=None, help="datasets (news gold)")
    parser.add_argument("--gold", type=Path, default=None, help="news gold JSON lines")
    parser.add_argument("--out", type=Path, required=True, help="output model folder")
    parser.add_argument("--cache", type=Path, default=DOUBT_CACHE, help="embedding cache")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    metrics = train(
        args.rumoureval, args.out, datasets=args.datasets, gold=args.gold, cache_dir=args.cache
    )
    sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
