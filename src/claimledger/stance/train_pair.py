"""Train the pair model (``stance/pair.py``) on FNC-1 and ARC short pairs, RumourEval replies
and the real-news gold's development pairs; measure it on the gold's test pairs.

Usage::

    python -m claimledger.stance.train_pair --fnc ../shared/datasets/fnc-1 \
        --arc ../shared/datasets/arc --rumoureval ../shared/datasets/rumoureval2019 \
        --articles ../shared/datasets/ukraine-news/articles --out src/claimledger/models/stance/pair

The gold's pairs are each claim's first assertion with each of its reactions (their gold
stance), and the claim's assertion with reactions to claims of other stories and with other
sentences of its own article (``unrelated``). Only ``dev`` claims train; ``test`` claims are
measured (``acceptable``: a refutation read as a doubt and a doubt read as a refutation count,
as ``eval ledger`` counts them), and so is how well a side tells a test claim's reactions from
the rest of its article (``side_precision``). About 15 minutes on two idle cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimledger.eval.ledger import ACCEPTABLE as LEDGER_ACCEPTABLE
from claimledger.eval.ledger import Split
from claimledger.stance.pair import (
    PAIR_LABELS,
    PAIR_MODEL_DIR,
    PairModel,
    base_pair_model,
    save_pair_model,
)
from claimledger.stance.predict import FNC_TO_STANCE

logger = logging.getLogger(__name__)

Row = tuple[str, str, str]  # claim, statement, stance
# What ``eval ledger`` accepts for each gold stance; an unrelated pair may also be read as
# mere discussion.
ACCEPTABLE: dict[str, frozenset[str]] = {
    **LEDGER_ACCEPTABLE,
    "unrelated": frozenset({"unrelated", "discusses"}),
}


def _norm(text: str) -> str:
    return " ".join(text.split())


def _overlaps(sentence: str, spans: Sequence[str]) -> bool:
    """Whether a split sentence is (part of) one of the gold sentences ``spans``."""
    head = sentence[:40]
    return any(head in t or t[:40] in sentence or t[-40:] in sentence for t in spans)


class _GoldText:
    """The gold's spans and the articles' sentences, read once."""

    def __init__(self, articles: Path) -> None:
        self.articles = articles
        self._texts: dict[str, str] = {}

    def article(self, file: str) -> str:
        if file not in self._texts:
            self._texts[file] = (self.articles / file).read_text(encoding="utf-8")
        return self._texts[file]

    def span(self, span: Any) -> str:
        return self.article(span.file)[span.start : span.end].strip()

    def others(self, claim: Any) -> list[str]:
        """The sentences of the article of ``claim``'s assertion that are neither the
        assertion nor one of its reactions."""
        from claimledger.stance.text import split_sentences

        own = [_norm(self.span(claim.asserted))] + [
            _norm(self.span(r.span)) for r in claim.reactions if r.span.file == claim.asserted.file
        ]
        return [
            s
            for s in split_sentences(self.article(claim.asserted.file), max_sentences=400)
            if len(s) > 30 and not _overlaps(s, own)
        ]


def gold_pairs(
    gold_path: Path,
    articles: Path,
    split: Split,
    *,
    negatives: int = 3,
    same_article: int = 0,
) -> list[Row]:
    """The gold's (assertion, reaction, stance) pairs of ``split``; ``negatives`` reactions to
    other stories' claims per claim as ``unrelated``; and up to ``same_article`` other
    sentences of the assertion's article as ``unrelated`` (what the claim's story says
    besides the claim and the reactions to it)."""
    from claimledger.eval.ledger import load_gold

    gold = load_gold(gold_path).for_split(split)
    read = _GoldText(articles)
    rnd = random.Random(0)
    reactions = [(c.story, read.span(r.span)) for c in gold.claims for r in c.reactions]
    rows: list[Row] = []
    for claim in gold.claims:
        said = read.span(claim.asserted)
        rows += [(said, read.span(r.span), r.stance) for r in claim.reactions]
        others = [t for story, t in reactions if story != claim.story]
        rows += [(said, t, "unrelated") for t in rnd.sample(others, min(negatives, len(others)))]
        if same_article:
            near = read.others(claim)
            rows += [(said, t, "unrelated") for t in rnd.sample(near, min(same_article, len(near)))]
    return rows


def same_article_pairs(gold_path: Path, articles: Path, split: Split) -> list[tuple[Row, bool]]:
    """Each claim's assertion with every other sentence of its article: whether the sentence
    is one of the claim's gold reactions there."""
    from claimledger.eval.ledger import load_gold

    gold = load_gold(gold_path).for_split(split)
    read = _GoldText(articles)
    out: list[tuple[Row, bool]] = []
    for claim in gold.claims:
        said = read.span(claim.asserted)
        mine = [
            _norm(read.span(r.span)) for r in claim.reactions if r.span.file == claim.asserted.file
        ]
        out += [((said, t, "?"), True) for t in mine]
        out += [((said, t, "unrelated"), False) for t in read.others(claim)]
    return out


def side_precision(model: PairModel, pairs: Sequence[tuple[Row, bool]]) -> dict[str, Any]:
    """Precision and recall of "takes a side" (P(supports or refutes or questions) >= 0.5)
    for a claim's reactions among its article's sentences, and the base rate."""
    probs = model.probabilities([(r[0], r[1]) for r, _ in pairs])
    sided = [float(p[:3].sum()) >= 0.5 for p in probs]
    hits = sum(1 for s, (_, gold) in zip(sided, pairs, strict=True) if s and gold)
    positives = sum(1 for _, gold in pairs if gold)
    return {
        "pairs": len(pairs),
        "base_rate": round(positives / max(1, len(pairs)), 3),
        "precision": round(hits / max(1, sum(sided)), 3),
        "recall": round(hits / max(1, positives), 3),
    }


def fnc_rows(fnc: Path, arc: Path | None, *, per_class: int) -> tuple[list[Row], list[Row]]:
    """Up to ``per_class`` FNC-1/ARC training short pairs of each stance, and the FNC-1 dev
    sentence pairs (``stance/train_short.short_splits``)."""
    from claimledger.stance.train_short import short_splits

    train, dev, _ = short_splits(fnc, arc)
    rnd = random.Random(0)
    rnd.shuffle(train)
    taken: dict[str, int] = {}
    rows: list[Row] = []
    for p in train:
        stance = FNC_TO_STANCE[p.label]
        if taken.get(stance, 0) < per_class:
            rows.append((p.headline, p.body, stance))
            taken[stance] = taken.get(stance, 0) + 1
    dev_rows: list[Row] = [
        (p.headline, p.body, FNC_TO_STANCE[p.label]) for p in dev["fnc-1/sentences"]
    ]
    return rows, dev_rows


def rumour_rows(path: Path) -> list[Row]:
    """RumourEval replies (not the source posts) with their ledger stances."""
    from claimledger.stance.rumoureval import read_rumoureval

    return [(p.claim, p.text, p.stance) for p in read_rumoureval(path) if not p.is_source]


def train(model: PairModel, rows: Sequence[Row], *, epochs: int = 1, lr: float = 5e-5) -> None:
    """Fit the model's top layers and head; classes weighted by the inverse square root of
    their frequency."""
    import numpy as np
    import torch

    torch.manual_seed(0)
    freq = np.array([max(1, sum(1 for r in rows if r[2] == s)) for s in PAIR_LABELS], float)
    weight = torch.tensor((freq.sum() / freq) ** 0.5, dtype=torch.float)
    weight = weight / weight.mean()
    opt = torch.optim.AdamW(model.trained_parameters(), lr=lr)
    model.encoder.train()
    order = list(rows)
    for epoch in range(epochs):
        random.Random(epoch).shuffle(order)
        for i in range(0, len(order), 16):
            batch = order[i : i + 16]
            logits = model.head(model.pooled([r[0] for r in batch], [r[1] for r in batch]))
            y = torch.tensor([PAIR_LABELS.index(r[2]) for r in batch])
            loss = torch.nn.functional.cross_entropy(logits, y, weight=weight)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            opt.zero_grad()
            if (i // 16) % 100 == 0:
                logger.info("epoch %d step %d loss %.3f", epoch, i // 16, loss.item())
    model.encoder.eval()


def acceptable(model: PairModel, rows: Sequence[Row]) -> dict[str, str]:
    """Per gold stance: pairs read acceptably, of all (``ACCEPTABLE``)."""
    got = model.predict([(r[0], r[1]) for r in rows])
    out: dict[str, list[bool]] = {}
    for (_, _, gold), (stance, _) in zip(rows, got, strict=True):
        out.setdefault(gold, []).append(stance in ACCEPTABLE[gold])
    return {k: f"{sum(v)}/{len(v)}" for k, v in sorted(out.items())}


def f1s(model: PairModel, rows: Sequence[Row], labels: Sequence[str]) -> dict[str, float]:
    """Per-class F1 of the model on ``rows``."""
    from sklearn.metrics import f1_score

    got = [s for s, _ in model.predict([(r[0], r[1]) for r in rows])]
    gold = [r[2] for r in rows]
    return {s: round(float(f1_score(gold, got, labels=[s], average="macro")), 3) for s in labels}


def main(argv: Sequence[str] | None = None) -> int:
    from claimledger.eval.ledger import DEFAULT_GOLD

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fnc", type=Path, required=True)
    ap.add_argument("--arc", type=Path)
    ap.add_argument("--rumoureval", type=Path, required=True, help="folder of train/dev.jsonl")
    ap.add_argument("--articles", type=Path, required=True, help="ukraine-news articles")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--out", type=Path, default=PAIR_MODEL_DIR)
    ap.add_argument("--per-class", type=int, default=2500)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--gold-repeats", type=int, default=3)
    ap.add_argument("--same-article", type=int, default=6, help="negatives per gold claim")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import torch

    torch.set_num_threads(2)
    started = time.time()
    rows, fnc_dev = fnc_rows(args.fnc, args.arc, per_class=args.per_class)
    rumours = rumour_rows(args.rumoureval / "train.jsonl")
    comments = [r for r in rumours if r[2] == "discusses"][:800]
    rows += [r for r in rumours if r[2] == "questions"] * 2
    rows += [r for r in rumours if r[2] in ("supports", "refutes")] + comments
    rows += (
        gold_pairs(args.gold, args.articles, "dev", same_article=args.same_article)
        * args.gold_repeats
    )
    model = base_pair_model(layers=args.layers)
    train(model, rows, epochs=args.epochs)
    metrics = {
        "train_pairs": len(rows),
        "gold_test_acceptable": acceptable(model, gold_pairs(args.gold, args.articles, "test")),
        "gold_dev_acceptable (trained on)": acceptable(
            model, gold_pairs(args.gold, args.articles, "dev")
        ),
        "gold_test_same_article": side_precision(
            model, same_article_pairs(args.gold, args.articles, "test")
        ),
        "rumoureval_dev_f1": f1s(
            model,
            rumour_rows(args.rumoureval / "dev.jsonl"),
            ("questions", "refutes", "supports", "discusses"),
        ),
        "fnc1_dev_sentences_f1": f1s(
            model, fnc_dev, ("supports", "refutes", "discusses", "unrelated")
        ),
        "seconds": round(time.time() - started),
    }
    save_pair_model(model, args.out, meta={"metrics": metrics, "args": sys.argv[1:]})
    sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
