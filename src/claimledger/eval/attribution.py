"""Scoring of attribution extraction against a PolNeAR-layout split.

Definitions (also in ``docs/extraction.md``):

* Words are ``\\w+`` runs, so scores do not depend on a tokenizer.
* A predicted content *matches* a gold content when their word-set Jaccard is
  at least 0.5; pairs are matched one-to-one, best Jaccard first.
* *Exact* content match: identical boundaries after trimming surrounding
  whitespace and punctuation (quotation marks, commas, full stops); *strict*
  is identical raw offsets, reported alongside.
* Source accuracy, over Jaccard-matched pairs: both sources absent, or both
  present with word Jaccard >= 0.5.
* Full triple: content matched, source correct, and cue both absent or with
  word Jaccard >= 0.5.
* Kind (direct/indirect/mixed) is derived for gold and predicted spans by the
  same quotation-mark rule (``features.span_kind``); per-kind precision uses
  predicted kinds, recall gold kinds.
* Articles with several annotators: the medoid annotator's file
  (``brat.read_split``).
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from claimledger.eval.brat import BratDoc, GoldAttribution, read_split, token_jaccard
from claimledger.extract.attribution import AttributionModel, extract_doc, load_model, load_nlp
from claimledger.extract.attribution_cache import parse_cached
from claimledger.records import KINDS, Attribution, Span

logger = logging.getLogger(__name__)

MATCH_JACCARD = 0.5


def _trim_span(text: str, span: Span) -> Span:
    start, end = span
    while start < end and (
        text[start].isspace() or unicodedata.category(text[start]).startswith("P")
    ):
        start += 1
    while end > start and (
        text[end - 1].isspace() or unicodedata.category(text[end - 1]).startswith("P")
    ):
        end -= 1
    return start, end


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _match(
    text: str, preds: Sequence[Attribution], golds: Sequence[GoldAttribution]
) -> list[tuple[int, int]]:
    scored: list[tuple[float, int, int]] = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if p.content[1] <= g.content[0] or g.content[1] <= p.content[0]:
                continue
            jac = token_jaccard(text, p.content, g.content)
            if jac >= MATCH_JACCARD:
                scored.append((jac, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in scored:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _span_ok(text: str, pred: Span | None, gold: Span | None) -> bool:
    if pred is None or gold is None:
        return pred is None and gold is None
    return token_jaccard(text, pred, gold) >= MATCH_JACCARD


def score_documents(
    docs: Sequence[BratDoc], predictions: Sequence[Sequence[Attribution]]
) -> dict[str, Any]:
    """Score predictions against gold documents (same order)."""
    n_pred = n_gold = 0
    matched = exact_p = strict_p = 0
    source_ok = triple_ok = kind_ok = 0
    kind_pred = dict.fromkeys(KINDS, 0)
    kind_gold = dict.fromkeys(KINDS, 0)
    kind_tp_p = dict.fromkeys(KINDS, 0)
    kind_tp_g = dict.fromkeys(KINDS, 0)
    for doc, preds in zip(docs, predictions, strict=True):
        text, golds = doc.text, doc.attributions
        n_pred += len(preds)
        n_gold += len(golds)
        for p in preds:
            kind_pred[p.kind] += 1
        for g in golds:
            kind_gold[g.kind] += 1
        pairs = _match(text, preds, golds)
        matched += len(pairs)
        for i, j in pairs:
            p, g = preds[i], golds[j]
            kind_tp_p[p.kind] += 1
            kind_tp_g[g.kind] += 1
            kind_ok += p.kind == g.kind
            s_ok = _span_ok(text, p.source, g.source)
            source_ok += s_ok
            triple_ok += s_ok and _span_ok(text, p.cue, g.cue)
        gold_exact = {_trim_span(text, g.content) for g in golds}
        gold_strict = {g.content for g in golds}
        exact_p += sum(1 for p in {_trim_span(text, p.content) for p in preds} if p in gold_exact)
        strict_p += sum(1 for p in {p.content for p in preds} if p in gold_strict)
    return {
        "documents": len(docs),
        "gold": n_gold,
        "predicted": n_pred,
        "content_jaccard": _prf(matched, n_pred, matched, n_gold),
        "content_exact": _prf(exact_p, n_pred, exact_p, n_gold),
        "content_strict": _prf(strict_p, n_pred, strict_p, n_gold),
        "source_accuracy": round(source_ok / matched, 4) if matched else 0.0,
        "kind_accuracy": round(kind_ok / matched, 4) if matched else 0.0,
        "triple": _prf(triple_ok, n_pred, triple_ok, n_gold),
        "per_kind": {
            k: {
                **_prf(kind_tp_p[k], kind_pred[k], kind_tp_g[k], kind_gold[k]),
                "gold": kind_gold[k],
                "predicted": kind_pred[k],
            }
            for k in KINDS
        },
    }


def evaluate_attribution(
    data_dir: Path,
    *,
    limit: int | None = None,
    model: AttributionModel | None = None,
    nlp: Language | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Extract attributions from a PolNeAR-layout split and score them.

    Args:
        data_dir: Folder with ``text/`` and ``attributions/``.
        limit: Score only the first ``limit`` articles by name.
        model: Trained model; the packaged one when omitted.
        nlp: spaCy pipeline; ``load_nlp()`` when omitted.
        cache_dir: Optional parse cache folder (parses are reused across runs).

    Raises:
        ExtractError: E202 for a malformed split, E201 for a missing model.
    """
    docs = read_split(data_dir, limit=limit)
    nlp = nlp or load_nlp()
    model = model or load_model()
    t0 = time.perf_counter()
    parsed = parse_cached([d.text for d in docs], nlp=nlp, cache_dir=cache_dir)
    t1 = time.perf_counter()
    predictions = [extract_doc(doc, model=model) for doc in parsed]
    t2 = time.perf_counter()
    metrics = score_documents(docs, predictions)
    metrics["data"] = str(data_dir)
    metrics["seconds"] = {"parse": round(t1 - t0, 2), "extract": round(t2 - t1, 2)}
    return metrics


def format_attribution_report(metrics: dict[str, Any]) -> str:
    """Render ``evaluate_attribution`` metrics as a short plain-text table."""
    lines = [
        f"attribution eval on {metrics.get('data', '?')}: {metrics['documents']} documents, "
        f"{metrics['gold']} gold, {metrics['predicted']} predicted",
        f"{'':<24}{'P':>8}{'R':>8}{'F1':>8}",
    ]
    for key, label in (
        ("content_jaccard", "content (Jaccard>=0.5)"),
        ("content_exact", "content exact"),
        ("content_strict", "content strict offsets"),
        ("triple", "source+cue+content"),
    ):
        m = metrics[key]
        lines.append(f"{label:<24}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}")
    lines.append(f"source accuracy on matched contents: {metrics['source_accuracy']:.3f}")
    lines.append(f"kind accuracy on matched contents:   {metrics['kind_accuracy']:.3f}")
    lines.append("per kind (Jaccard>=0.5):")
    for kind, m in metrics["per_kind"].items():
        lines.append(
            f"  {kind:<22}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}"
            f"   gold {m['gold']}, predicted {m['predicted']}"
        )
    return "\n".join(lines)
