"""Stance evaluation on FNC-format folders, and the JSON-lines contract of ``claimledger stance``.

``evaluate_stance`` reads ``*_bodies.csv`` + ``*_stances*.csv``, predicts every pair with
:func:`claimledger.stance.predict.predict_stance` and scores the predictions with the FNC-1
weighting; ``questions`` counts as ``discuss`` (``supports`` -> agree, ``refutes`` ->
disagree, ``discusses`` -> discuss).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from claimledger.errors import Code, IngestError
from claimledger.link.embeddings import Embedder
from claimledger.stance.data import (
    FNC_LABELS,
    StancePair,
    dev_subset,
    read_fnc_dir,
    split_by_body,
)
from claimledger.stance.metrics import stance_metrics
from claimledger.stance.model import StanceModel
from claimledger.stance.predict import STANCE_TO_FNC, predict_stance
from claimledger.stance.rumoureval import RUMOUR_STANCES, RumourPost, read_rumoureval
from claimledger.stance.short import headline_pairs, sentence_pairs

Split = Literal["all", "dev", "train"]


def evaluate_stance(
    fnc_dir: Path,
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
    limit: int | None = None,
    split: Split = "all",
) -> dict[str, Any]:
    """Score the stance model on an FNC-format folder.

    Args:
        fnc_dir: Folder with ``*_bodies.csv`` and ``*_stances*.csv``.
        model: A loaded stance model; the packaged one by default.
        embedder: A MiniLM embedder; the process-wide one by default.
        limit: Score a deterministic, label-stratified subset of at most this many pairs.
        split: ``"dev"`` or ``"train"`` keeps only that part of the by-body split used in
            training (meaningful for FNC-1/ARC themselves); ``"all"`` keeps every pair.

    Returns:
        ``fnc_score`` (fraction of max), ``macro_f1`` (4 FNC classes), ``per_class_f1``,
        ``accuracy``, ``related_f1``, ``n``, ``gold_counts``, ``predicted`` (ledger stance
        counts), ``seconds``, ``pairs_per_second``.
    """
    pairs = read_fnc_dir(fnc_dir)
    if split != "all":
        train, dev = split_by_body(pairs)
        pairs = dev if split == "dev" else train
    if limit is not None:
        pairs = dev_subset(pairs, limit=limit)
    result = evaluate_pairs(pairs, model=model, embedder=embedder)
    result.update(folder=str(fnc_dir), split=split)
    return result


def evaluate_pairs(
    pairs: Sequence[StancePair],
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
    short_model: StanceModel | None = None,
    use_short_model: bool = True,
) -> dict[str, Any]:
    """Score :func:`predict_stance` on labelled pairs (see :func:`evaluate_stance`)."""
    start = time.perf_counter()
    stances = predict_stance(
        [(p.headline, p.body) for p in pairs],
        model=model,
        embedder=embedder,
        short_model=short_model,
        use_short_model=use_short_model,
    )
    seconds = time.perf_counter() - start
    pred = [STANCE_TO_FNC[s] for s, _ in stances]
    result: dict[str, Any] = stance_metrics([p.label for p in pairs], pred)
    counts: dict[str, int] = {}
    for s, _ in stances:
        counts[s] = counts.get(s, 0) + 1
    result.update(
        predicted=counts,
        seconds=round(seconds, 2),
        pairs_per_second=round(len(pairs) / seconds, 2) if seconds > 0 else 0.0,
    )
    return result


ShortKind = Literal["headlines", "sentences"]


def short_dev_pairs(
    fnc_dir: Path,
    *,
    kind: ShortKind,
    tfidf: Any = None,
    source: str | None = None,
    limit: int | None = None,
) -> list[StancePair]:
    """Short (claim, one statement) pairs of the held-out dev bodies of an FNC-format folder.

    Args:
        fnc_dir: FNC-1 or ARC folder.
        kind: ``"headlines"`` (headline vs headline of the same body, FNC-1) or
            ``"sentences"`` (headline vs its best-matching body sentence), see
            :mod:`claimledger.stance.short`.
        tfidf: The TF-IDF that picks the best sentence; the packaged short model's by default.
        source: Dataset tag of the by-body split (default: the folder name).
        limit: A deterministic, label-stratified subset of at most this many pairs.
    """
    from claimledger.stance.predict import load_short_stance_model

    _, dev = split_by_body(read_fnc_dir(fnc_dir, source=source))
    if kind == "headlines":
        pairs = headline_pairs(dev)
    else:
        pairs = sentence_pairs(dev, tfidf if tfidf is not None else load_short_stance_model().tfidf)
    return dev_subset(pairs, limit=limit) if limit is not None else pairs


def ledger_stance_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Per-class F1 and macro-F1 over the four RumourEval stances (``RUMOUR_STANCES``).

    ``unrelated`` predictions count as ``discusses`` (RumourEval has no unrelated post: a
    reply that only comments is ``comment``).
    """
    pred = ["discusses" if p == "unrelated" else p for p in pred]
    f1: dict[str, float] = {}
    precision: dict[str, float] = {}
    recall: dict[str, float] = {}
    for label in RUMOUR_STANCES:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        n_pred = sum(p == label for p in pred)
        n_gold = sum(g == label for g in gold)
        f1[label] = 0.0 if n_pred + n_gold == 0 else 2.0 * tp / (n_pred + n_gold)
        precision[label] = tp / n_pred if n_pred else 0.0
        recall[label] = tp / n_gold if n_gold else 0.0
    n = len(gold)
    return {
        "n": n,
        "macro_f1": sum(f1.values()) / len(f1),
        "per_class_f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0,
        "gold_counts": {label: sum(g == label for g in gold) for label in RUMOUR_STANCES},
    }


def evaluate_rumoureval(
    path: Path,
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
    limit: int | None = None,
    use_doubt_model: bool = True,
) -> dict[str, Any]:
    """Score :func:`predict_stance` on a RumourEval 2019 JSON-lines file (rumour, post).

    Args:
        path: ``dev.jsonl`` (or any file in its format, see :mod:`claimledger.stance.rumoureval`).
        model: A loaded whole-body stance model; the packaged one by default.
        embedder: A MiniLM embedder; the process-wide one by default.
        limit: Score a deterministic, label-stratified subset of at most this many posts.
        use_doubt_model: ``False`` measures the stance model without the learned
            ``questions`` classifier (lexical refinements only).

    Returns:
        :func:`ledger_stance_metrics` plus ``predicted`` (ledger stance counts), ``file``.
    """
    posts = read_rumoureval(path)
    if limit is not None:
        posts = rumour_subset(posts, limit=limit)
    stances = predict_stance(
        [(p.claim, p.text) for p in posts],
        model=model,
        embedder=embedder,
        use_doubt_model=use_doubt_model,
    )
    result = ledger_stance_metrics([p.stance for p in posts], [s for s, _ in stances])
    counts: dict[str, int] = {}
    for s, _ in stances:
        counts[s] = counts.get(s, 0) + 1
    result.update(predicted=counts, file=str(path))
    return result


def evaluate_news_stance(
    datasets: Path,
    *,
    gold: Path | None = None,
    split: str | None = "dev",
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
    use_doubt_model: bool = True,
) -> dict[str, Any]:
    """Score :func:`predict_stance` on the labelled news sentences (claim, sentence).

    Args:
        datasets: The shared datasets folder the gold references point into.
        gold: The gold file; ``models/stance/doubt/news_stance.jsonl`` by default.
        split: ``"dev"`` or ``"train"`` part of the gold, ``None`` for all of it.
        model: A loaded whole-body stance model; the packaged one by default.
        embedder: A MiniLM embedder; the process-wide one by default.
        use_doubt_model: ``False`` leaves ``questions`` to the lexical rules alone.

    Returns:
        :func:`ledger_stance_metrics` plus ``predicted`` and ``split``.
    """
    from claimledger.stance.news_gold import NEWS_GOLD, read_news_gold

    items = read_news_gold(datasets, gold or NEWS_GOLD)
    if split is not None:
        items = [i for i in items if i.split == split]
    stances = predict_stance(
        [(i.claim, i.text) for i in items],
        model=model,
        embedder=embedder,
        use_doubt_model=use_doubt_model,
    )
    result = ledger_stance_metrics([i.stance for i in items], [s for s, _ in stances])
    counts: dict[str, int] = {}
    for s, _ in stances:
        counts[s] = counts.get(s, 0) + 1
    result.update(predicted=counts, split=split or "all", file=str(gold or NEWS_GOLD))
    return result


def rumour_subset(posts: Sequence[RumourPost], *, limit: int) -> list[RumourPost]:
    """A deterministic, label-stratified subset of at most ``limit`` posts (by id hash)."""
    if limit >= len(posts):
        return list(posts)
    keyed = sorted(posts, key=_post_key)
    share = limit / len(posts)
    out: list[RumourPost] = []
    for label in RUMOUR_STANCES:
        group = [p for p in keyed if p.stance == label]
        out.extend(group[: max(1, round(share * len(group)))])
    return sorted(out[:limit], key=_post_key)


def _post_key(post: RumourPost) -> bytes:
    import hashlib

    return hashlib.sha1(f"0:{post.id}".encode()).digest()


def format_rumour_report(result: dict[str, Any]) -> str:
    """Render :func:`evaluate_rumoureval`'s result as a short text report."""
    lines = [
        f"stance on {result.get('file', '?')} ({result['n']} posts)",
        f"macro-F1      {result['macro_f1']:.4f}",
        f"accuracy      {result['accuracy']:.4f}",
    ]
    for label in RUMOUR_STANCES:
        gold = result["gold_counts"].get(label, 0)
        lines.append(
            f"  F1 {label:<10} {result['per_class_f1'][label]:.4f}  "
            f"(P {result['precision'][label]:.3f} R {result['recall'][label]:.3f}, gold {gold})"
        )
    pred = ", ".join(f"{k} {v}" for k, v in sorted(result.get("predicted", {}).items()))
    lines.append(f"predicted     {pred}")
    return "\n".join(lines)


def format_stance_report(result: dict[str, Any]) -> str:
    """Render :func:`evaluate_stance`'s result as a short text report."""
    lines = [
        f"stance on {result.get('folder', '?')} ({result['n']} pairs, split {result.get('split')})",
        f"FNC-1 score   {result['fnc_score']:.4f}  ({result['fnc_raw']:.2f} / {result['fnc_max']:.2f})",
        f"macro-F1      {result['macro_f1']:.4f}",
        f"related F1    {result['related_f1']:.4f}",
        f"accuracy      {result['accuracy']:.4f}",
    ]
    for label in FNC_LABELS:
        gold = result["gold_counts"].get(label, 0)
        lines.append(f"  F1 {label:<10} {result['per_class_f1'][label]:.4f}  (gold {gold})")
    pred = ", ".join(f"{k} {v}" for k, v in sorted(result.get("predicted", {}).items()))
    lines.append(f"predicted     {pred}")
    if "pairs_per_second" in result:
        lines.append(f"speed         {result['pairs_per_second']:.1f} pairs/s")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class StanceRequest:
    """One input line of ``claimledger stance``."""

    id: Any
    claim: str
    text: str


def parse_stance_pairs(lines: Iterable[str], *, source: str = "<input>") -> list[StanceRequest]:
    """Parse JSON lines ``{"id": ..., "claim": "...", "text": "..."}``; blank lines are skipped.

    Raises:
        IngestError: E104 naming the source and line number of a malformed line.
    """
    out: list[StanceRequest] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise IngestError(Code.E104, source, line=n, reason=exc.msg) from exc
        if not isinstance(obj, dict):
            raise IngestError(Code.E104, source, line=n, reason="not a JSON object")
        missing = [k for k in ("id", "claim", "text") if k not in obj]
        if missing:
            raise IngestError(Code.E104, source, line=n, reason=f"missing {', '.join(missing)}")
        if not isinstance(obj["claim"], str) or not isinstance(obj["text"], str):
            raise IngestError(Code.E104, source, line=n, reason="claim and text must be strings")
        if not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
            raise IngestError(Code.E104, source, line=n, reason="id must be a string or integer")
        out.append(StanceRequest(obj["id"], obj["claim"], obj["text"]))
    return out


def read_stance_pairs_jsonl(path: Path) -> list[StanceRequest]:
    """Read a JSON-lines file of stance pairs (see :func:`parse_stance_pairs`).

    Raises:
        IngestError: E101 when the file cannot be read, E104 for a malformed line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(Code.E101, str(path), reason=str(exc)) from exc
    return parse_stance_pairs(text.splitlines(), source=str(path))


def stance_lines(
    requests: Sequence[StanceRequest],
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
) -> list[dict[str, Any]]:
    """Predict each request; return ``{"id", "stance", "confidence"}`` dicts in input order."""
    stances = predict_stance([(r.claim, r.text) for r in requests], model=model, embedder=embedder)
    return [
        {"id": r.id, "stance": s, "confidence": round(c, 4)}
        for r, (s, c) in zip(requests, stances, strict=True)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the ``questions`` figures: RumourEval dev and the news dev sentences.

    Usage: ``python -m claimledger.eval.stance --rumoureval ../shared/datasets/rumoureval2019/dev.jsonl
    --datasets ../shared/datasets`` (either option alone works).
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Measure the questions stance on dev sets.")
    parser.add_argument("--rumoureval", type=Path, default=None, help="RumourEval JSON lines")
    parser.add_argument("--datasets", type=Path, default=None, help="datasets (news gold)")
    parser.add_argument("--limit", type=int, default=None, help="posts (stratified subset)")
    args = parser.parse_args(argv)
    reports = []
    if args.rumoureval is not None:
        reports.append(format_rumour_report(evaluate_rumoureval(args.rumoureval, limit=args.limit)))
    if args.datasets is not None:
        reports.append(format_rumour_report(evaluate_news_stance(args.datasets, split="dev")))
    sys.stdout.write("\n\n".join(reports) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
