"""Train the pair model (``stance/pair.py``) on FNC-1 and ARC short pairs, RumourEval replies
and the real-news gold's development pairs; measure it on the gold's test pairs.

Usage::

    python -m claimledger.stance.train_pair --fnc ../shared/datasets/fnc-1 \
        --arc ../shared/datasets/arc --rumoureval ../shared/datasets/rumoureval2019 \
        --articles ../shared/datasets/ukraine-news/articles --out src/claimledger/models/stance/pair

The gold's pairs are each claim's first assertion with each of its reactions (their gold
stance), and the claim's assertion with reactions to claims of other stories (``unrelated``).
Only ``dev`` claims train; ``test`` claims are measured (``acceptable``: a refutation read as
a doubt and a doubt read as a refutation count, as ``eval ledger`` counts them). About seven
minutes on two cores.
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


def gold_pairs(gold_path: Path, articles: Path, split: Split, *, negatives: int = 3) -> list[Row]:
    """The gold's (assertion, reaction, stance) pairs of ``split``, and ``negatives``
    reactions to other stories' claims per claim as ``unrelated``."""
    from claimledger.eval.ledger import load_gold

    gold = load_gold(gold_path).for_split(split)
    texts: dict[str, str] = {}

    def text(span: Any) -> str:
        if span.file not in texts:
            texts[span.file] = (articles / span.file).read_text(encoding="utf-8")
        return texts[span.file][span.start : span.end].strip()

    rnd = random.Random(0)
    reactions = [(c.story, text(r.span)) for c in gold.claims for r in c.reactions]
    rows: list[Row] = []
    for claim in gold.claims:
        said = text(claim.asserted)
        rows += [(said, text(r.span), r.stance) for r in claim.reactions]
        others = [t for story, t in reactions if story != claim.story]
        rows += [(said, t, "unrelated") for t in rnd.sample(others, min(negatives, len(others)))]
    return rows


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
    rows += gold_pairs(args.gold, args.articles, "dev") * args.gold_repeats
    model = base_pair_model(layers=args.layers)
    train(model, rows, epochs=args.epochs)
    metrics = {
        "train_pairs": len(rows),
        "gold_test_acceptable": acceptable(model, gold_pairs(args.gold, args.articles, "test")),
        "gold_dev_acceptable (trained on)": acceptable(
            model, gold_pairs(args.gold, args.articles, "dev")
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
