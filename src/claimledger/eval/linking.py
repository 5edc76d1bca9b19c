"""Evaluation of claim linking: are two texts about the same claim?

Pairs come from two places:

* **FNC-1-derived pairs** (``build_fnc_pairs``), read from the data set folder
  (never copied into the repository). FNC-1 was built from the Emergent
  project: every headline and body belongs to one Emergent claim, and the
  "unrelated" pairs were made by pairing a headline with a body of *another*
  claim. So a headline related (agree/disagree/discuss) to a body is about that
  body's claim. We join headlines and bodies through their related pairs into
  connected components (one per claim, 191 of them) and take
  - positives: two different headlines related to the same body (``same:agree``
    when both agree, ``same:opposed`` when one agrees and the other disagrees,
    ``same:discuss`` when either only discusses it);
  - negatives: headlines from different components, half drawn at random
    (``diff:random``) and half the most word-overlapping headline of another
    component (``diff:hard``).
  Components (claims) are split deterministically into a development slice,
  used to tune the threshold, and a test slice, used for reported figures.
* **Hand-written pairs** in JSON lines (``read_pairs``), one object per line:
  ``{"a": "...", "b": "...", "same": true, "kind": "...", "actor_a": ..., "date_a": "YYYY-MM-DD", ...}``.

Run ``python -m claimledger.eval.linking --fnc-dir ../shared/datasets/fnc-1`` for
the report, ``--tune`` to search the decision knobs on the development slice.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from claimledger.errors import Code, ExtractError
from claimledger.link.linker import (
    DEFAULT_THRESHOLD,
    DEFAULT_WEIGHTS,
    LinkWeights,
    PairScore,
    accepts,
    content_words,
    linking_entities,
    score_pair,
)
from claimledger.records import hash_id

logger = logging.getLogger(__name__)

Split = Literal["dev", "test", "all"]
_KIND_RANK = {"same:discuss": 0, "same:agree": 1, "same:opposed": 2}
DEFAULT_SEED = 13
DEV_FRACTION = 0.5
TUNE_BETA = 0.5


class TextEncoder(Protocol):
    """Anything with MiniLM's ``encode`` (L2-normalised float32 rows)."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts``."""
        ...


@dataclass(frozen=True, slots=True)
class LinkPair:
    """Two texts and whether they are about the same claim."""

    text_a: str
    text_b: str
    same: bool
    kind: str = ""
    actor_a: str | None = None
    actor_b: str | None = None
    date_a: date | None = None
    date_b: date | None = None


# ------------------------------------------------------------------ reading
def _parse_date(value: object, where: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ExtractError(Code.E202, where, reason=f"date must be a string, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ExtractError(Code.E202, where, reason=f"bad date {value!r}") from exc


def read_pairs(path: Path) -> list[LinkPair]:
    """Read hand-written pairs from a JSON-lines file (see the module docstring)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractError(Code.E202, str(path), reason=str(exc)) from exc
    pairs: list[LinkPair] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise ExtractError(Code.E202, where, reason=f"not JSON: {exc}") from exc
        if not isinstance(obj, dict):
            raise ExtractError(Code.E202, where, reason="line is not a JSON object")
        a, b, same = obj.get("a"), obj.get("b"), obj.get("same")
        if not isinstance(a, str) or not isinstance(b, str) or not isinstance(same, bool):
            raise ExtractError(Code.E202, where, reason="needs string 'a', 'b' and boolean 'same'")
        pairs.append(
            LinkPair(
                a,
                b,
                same,
                str(obj.get("kind", "")),
                obj.get("actor_a"),
                obj.get("actor_b"),
                _parse_date(obj.get("date_a"), where),
                _parse_date(obj.get("date_b"), where),
            )
        )
    return pairs


_CONTENT = re.compile(r"[a-z0-9]+")
_FEW = frozenset(
    "the a an of to in on for and or is are was were be by with at from as that this it its "
    "has have had will not no after over says said new about".split()
)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _CONTENT.findall(text.lower()) if len(w) > 2 and w not in _FEW)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _fnc_components(fnc_dir: Path) -> list[dict[str, dict[str, set[str]]]]:
    """Group FNC-1 related pairs into claims: a list of {body_id: {headline: stances}}."""
    path = fnc_dir / "train_stances.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExtractError(Code.E202, str(path), reason=str(exc)) from exc
    if not rows or not {"Headline", "Body ID", "Stance"} <= set(rows[0]):
        raise ExtractError(Code.E202, str(path), reason="needs Headline, Body ID, Stance columns")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    related = [r for r in rows if r["Stance"] != "unrelated" and r["Headline"].strip()]
    for r in related:
        ra, rb = find("h\x1f" + r["Headline"]), find("b\x1f" + r["Body ID"])
        if ra != rb:
            parent[ra] = rb
    comps: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(dict)
    for r in related:
        root = find("b\x1f" + r["Body ID"])
        comps[root].setdefault(r["Body ID"], {}).setdefault(r["Headline"], set()).add(r["Stance"])
    return list(comps.values())


def build_fnc_pairs(
    fnc_dir: Path,
    *,
    split: Split = "test",
    seed: int = DEFAULT_SEED,
    dev_fraction: float = DEV_FRACTION,
    max_pairs: int | None = None,
    max_positives_per_claim: int = 12,
    hard_fraction: float = 0.5,
) -> list[LinkPair]:
    """Build same-claim / different-claim headline pairs from FNC-1, deterministically.

    Args:
        fnc_dir: Folder holding FNC-1's ``train_stances.csv``.
        split: ``"dev"`` (for tuning), ``"test"`` (for figures) or ``"all"``;
            the slices hold disjoint claims.
        seed: Seed of the split and of the sampling.
        dev_fraction: Share of claims in the development slice.
        max_pairs: Cap on the number of pairs (half positive, half negative).
        max_positives_per_claim: Cap per claim so that big claims do not dominate.
        hard_fraction: Share of negatives chosen for word overlap.

    Returns:
        Pairs in a seeded random order, about half positive.
    """
    comps = _fnc_components(fnc_dir)
    # Order claims by a seeded hash of their first headline: a stable, random split.
    tagged = [(hash_id(seed, min(h for heads in c.values() for h in heads)), c) for c in comps]
    keyed = [c for _, c in sorted(tagged, key=_first)]
    n_dev = round(dev_fraction * len(keyed))
    chosen = keyed[:n_dev] if split == "dev" else keyed[n_dev:] if split == "test" else keyed
    rng = random.Random(f"{seed}:{split}")

    positives: list[LinkPair] = []
    heads_by_comp: list[list[str]] = []
    for comp in chosen:
        kinds: dict[tuple[str, str], str] = {}
        for heads in comp.values():
            items = sorted(heads.items())
            for i, (ha, sa) in enumerate(items):
                for hb, sb in items[i + 1 :]:
                    if ha.strip().lower() == hb.strip().lower():
                        continue
                    if "discuss" in sa or "discuss" in sb:
                        kind = "same:discuss"
                    elif sa != sb:
                        kind = "same:opposed"
                    else:
                        kind = "same:agree"
                    # Keep the most telling label when a pair shares several bodies.
                    old = kinds.get((ha, hb))
                    if old is None or _KIND_RANK[kind] > _KIND_RANK[old]:
                        kinds[(ha, hb)] = kind
        pool = sorted(kinds.items())
        for (ha, hb), kind in rng.sample(pool, min(len(pool), max_positives_per_claim)):
            positives.append(LinkPair(ha, hb, True, kind))
        heads_by_comp.append(sorted({h for heads in comp.values() for h in heads}))
    rng.shuffle(positives)
    if max_pairs is not None:
        positives = positives[: max_pairs // 2]

    negatives: list[LinkPair] = []
    usable = [i for i, heads in enumerate(heads_by_comp) if heads]
    if len(usable) >= 2:
        words = {h: _content_words(h) for heads in heads_by_comp for h in heads}
        n_hard = round(hard_fraction * len(positives))
        seen: set[tuple[str, str]] = set()
        attempts = 0
        while len(negatives) < len(positives) and attempts < 20 * max(1, len(positives)):
            attempts += 1
            ca, cb = rng.sample(usable, 2)
            anchor = rng.choice(heads_by_comp[ca])
            if len(negatives) < n_hard:
                others = [h for i in usable if i != ca for h in heads_by_comp[i]]
                pool_b = rng.sample(others, min(300, len(others)))
                other = max((_jaccard(words[anchor], words[h]), h) for h in pool_b)[1]
                kind = "diff:hard"
            else:
                other = rng.choice(heads_by_comp[cb])
                kind = "diff:random"
            key = (min(anchor, other), max(anchor, other))
            if key in seen:
                continue
            seen.add(key)
            negatives.append(LinkPair(anchor, other, False, kind))
    pairs = positives + negatives
    rng.shuffle(pairs)
    return pairs


# ----------------------------------------------------------------- scoring
def _default_encoder() -> TextEncoder:
    from claimledger.link.embeddings import get_embedder

    return get_embedder()


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Embeddings and entities of the distinct texts of a pair set."""

    pos: dict[str, int]
    vecs: npt.NDArray[np.float32]
    ents: list[frozenset[str]]
    words: list[frozenset[str]]


def _prepare(pairs: Sequence[LinkPair], *, embedder: TextEncoder | None, nlp: Any) -> _Prepared:
    texts = sorted({t for p in pairs for t in (p.text_a, p.text_b)})
    if not texts:
        return _Prepared({}, np.zeros((0, 0), dtype=np.float32), [], [])
    encoder = embedder if embedder is not None else _default_encoder()
    vecs = np.asarray(encoder.encode(texts), dtype=np.float32)
    if nlp is not None:
        ents = [linking_entities(t, doc) for t, doc in zip(texts, nlp.pipe(texts), strict=True)]
    else:
        ents = [linking_entities(t) for t in texts]
    words = [content_words(t) for t in texts]
    return _Prepared({t: i for i, t in enumerate(texts)}, vecs, ents, words)


def _score_prepared(
    pairs: Sequence[LinkPair], prep: _Prepared, weights: LinkWeights
) -> list[PairScore]:
    out: list[PairScore] = []
    for p in pairs:
        i, j = prep.pos[p.text_a], prep.pos[p.text_b]
        out.append(
            score_pair(
                float(np.dot(prep.vecs[i], prep.vecs[j])),
                entities=prep.ents[i],
                candidate_entities=prep.ents[j],
                actor_id=p.actor_a,
                candidate_actor_id=p.actor_b,
                date=p.date_a,
                candidate_date=p.date_b,
                weights=weights,
                words=prep.words[i],
                candidate_words=prep.words[j],
            )
        )
    return out


def _pair_scores(
    pairs: Sequence[LinkPair],
    *,
    embedder: TextEncoder | None,
    weights: LinkWeights,
    nlp: Any = None,
) -> list[PairScore]:
    return _score_prepared(pairs, _prepare(pairs, embedder=embedder, nlp=nlp), weights)


def _prf(pred: npt.NDArray[np.bool_], gold: npt.NDArray[np.bool_]) -> dict[str, float]:
    tp = int(np.sum(pred & gold))
    fp = int(np.sum(pred & ~gold))
    fn = int(np.sum(~pred & gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = float(np.mean(pred == gold)) if gold.size else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": acc}


def _average_precision(scores: npt.NDArray[np.float64], gold: npt.NDArray[np.bool_]) -> float:
    if not gold.any():
        return 0.0
    order = np.argsort(-scores, kind="stable")
    hits = gold[order]
    cum = np.cumsum(hits)
    ranks = np.arange(1, hits.size + 1)
    return float(np.sum((cum / ranks)[hits]) / hits.sum())


def _best_threshold(
    scores: npt.NDArray[np.float64],
    ok: npt.NDArray[np.bool_],
    gold: npt.NDArray[np.bool_],
    *,
    beta: float = 1.0,
) -> tuple[float, float]:
    """Threshold (0.20..0.99) maximising F-beta, and that F-beta."""
    best = (0.0, 0.0)
    b2 = beta * beta
    for t in np.round(np.arange(0.20, 1.00, 0.01), 2):
        m = _prf((scores >= t) & ok, gold)
        p, r = m["precision"], m["recall"]
        fb = (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0
        if fb > best[1] + 1e-12:
            best = (float(t), fb)
    return best


def _as_pairs(pairs: Sequence[LinkPair] | Path) -> list[LinkPair]:
    if isinstance(pairs, Path):
        return build_fnc_pairs(pairs, split="test") if pairs.is_dir() else read_pairs(pairs)
    return list(pairs)


def evaluate_linking(
    pairs: Sequence[LinkPair] | Path,
    *,
    embedder: TextEncoder | None = None,
    threshold: float | None = None,
    weights: LinkWeights | None = None,
    nlp: Any = None,
) -> dict[str, Any]:
    """Precision, recall and F1 of same-claim decisions on ``pairs``.

    Args:
        pairs: Pairs, a JSON-lines file of pairs, or an FNC-1 folder (its test slice).
        embedder: Text encoder; the shared MiniLM embedder by default.
        threshold: Decision threshold; ``DEFAULT_THRESHOLD`` by default.
        weights: Formula knobs; ``DEFAULT_WEIGHTS`` by default.
        nlp: Optional spaCy pipeline for entity extraction (else the heuristic).

    Returns:
        A dict with ``n``, ``positives``, ``threshold``, ``precision``, ``recall``,
        ``f1``, ``accuracy``, ``average_precision`` (of the combined score),
        ``cosine_average_precision``, oracle best-F1 figures for the combined
        score and for cosine alone, and ``by_kind`` (accuracy per pair kind).
    """
    items = _as_pairs(pairs)
    w = weights if weights is not None else DEFAULT_WEIGHTS
    thr = DEFAULT_THRESHOLD if threshold is None else threshold
    scored = _pair_scores(items, embedder=embedder, weights=w, nlp=nlp)
    gold = np.array([p.same for p in items], dtype=bool)
    score = np.array([s.score for s in scored], dtype=np.float64)
    cos = np.array([s.similarity for s in scored], dtype=np.float64)
    ok = cos >= w.min_similarity
    pred = np.array([accepts(s, threshold=thr, weights=w) for s in scored], dtype=bool)
    result: dict[str, Any] = {"n": len(items), "positives": int(gold.sum()), "threshold": thr}
    result.update(_prf(pred, gold))
    result["average_precision"] = _average_precision(score, gold)
    result["cosine_average_precision"] = _average_precision(cos, gold)
    t_best, f_best = _best_threshold(score, ok, gold)
    c_best, cf_best = _best_threshold(cos, np.ones_like(gold), gold)
    result["oracle"] = {
        "combined": {"threshold": t_best, "f1": f_best},
        "cosine_only": {"threshold": c_best, "f1": cf_best},
    }
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({p.kind for p in items}):
        mask = np.array([p.kind == kind for p in items], dtype=bool)
        by_kind[kind or "-"] = {
            "n": int(mask.sum()),
            "accuracy": float(np.mean(pred[mask] == gold[mask])),
            "mean_cos": float(np.mean(cos[mask])),
        }
    result["by_kind"] = by_kind
    result["weights"] = {
        k: getattr(w, k)
        for k in (
            "min_similarity",
            "lexical_check_below",
            "lexical_min_overlap",
            "entity_weight",
            "actor_weight",
            "time_weight",
            "time_grace_days",
            "time_span_days",
        )
    }
    return result


def tune_linking(
    pairs: Sequence[LinkPair] | Path,
    *,
    embedder: TextEncoder | None = None,
    nlp: Any = None,
    beta: float = TUNE_BETA,
    entity_weights: Sequence[float] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
) -> dict[str, Any]:
    """Grid-search the threshold and entity weight for F-beta (dev slice only).

    Args:
        pairs: Development pairs, or an FNC-1 folder (its dev slice is used).
        embedder: Text encoder; the shared MiniLM embedder by default.
        nlp: Optional spaCy pipeline for entity extraction.
        beta: F-beta objective; below 1 favours precision (a wrong merge corrupts
            a claim's status, a missed link only splits its evidence).
        entity_weights: Entity weights tried (one value to fix it).

    Returns:
        The best point: ``threshold``, ``entity_weight``, ``min_similarity``,
        ``f_beta``, and ``precision``/``recall``/``f1`` there; ``n``; ``beta``.
    """
    if isinstance(pairs, Path) and pairs.is_dir():
        items = build_fnc_pairs(pairs, split="dev")
    else:
        items = _as_pairs(pairs)
    gold = np.array([p.same for p in items], dtype=bool)
    best: dict[str, Any] = {"f_beta": -1.0, "n": len(items), "beta": beta}
    prep = _prepare(items, embedder=embedder, nlp=nlp)
    for ew in entity_weights:
        w = replace(DEFAULT_WEIGHTS, entity_weight=ew)
        scored = _score_prepared(items, prep, w)
        score = np.array([s.score for s in scored], dtype=np.float64)
        cos = np.array([s.similarity for s in scored], dtype=np.float64)
        # The cosine floor stays fixed: tuning it with the threshold makes the
        # floor do all the work (floor 0.5, threshold 0.2) and silences the other terms.
        floor = w.min_similarity
        t, fb = _best_threshold(score, cos >= floor, gold, beta=beta)
        if fb > best["f_beta"] + 1e-9:
            best.update(threshold=t, entity_weight=ew, min_similarity=floor, f_beta=fb)
            best.update(_prf((score >= t) & (cos >= floor), gold))
    return best


def format_linking_report(result: dict[str, Any]) -> str:
    """Render ``evaluate_linking``'s result as a short text report."""
    lines = [
        f"linking pairs: {result['n']} ({result['positives']} same-claim)",
        f"threshold {result['threshold']:.2f}: precision {result['precision']:.3f}  "
        f"recall {result['recall']:.3f}  F1 {result['f1']:.3f}  accuracy {result['accuracy']:.3f}",
        f"average precision: combined {result['average_precision']:.3f}  "
        f"cosine only {result['cosine_average_precision']:.3f}",
    ]
    oracle = result.get("oracle", {})
    if oracle:
        comb, cos = oracle["combined"], oracle["cosine_only"]
        lines.append(
            f"best F1 on this set (oracle, not a tuned figure): combined {comb['f1']:.3f} "
            f"@ {comb['threshold']:.2f}, cosine only {cos['f1']:.3f} @ {cos['threshold']:.2f}"
        )
    for kind, row in result.get("by_kind", {}).items():
        lines.append(
            f"  {kind:<14} n={row['n']:<5} accuracy {row['accuracy']:.3f}  "
            f"mean cos {row['mean_cos']:.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m claimledger.eval.linking --fnc-dir DIR [--tune]``."""
    parser = argparse.ArgumentParser(prog="python -m claimledger.eval.linking")
    parser.add_argument("--fnc-dir", type=Path, help="FNC-1 folder (train_stances.csv)")
    parser.add_argument("--pairs", type=Path, help="JSON-lines file of hand-written pairs")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--max-pairs", type=int, default=None)
    parser.add_argument("--tune", action="store_true", help="tune knobs on the dev slice")
    parser.add_argument("--entity-weight", type=float, default=None, help="fix it when tuning")
    parser.add_argument("--spacy", action="store_true", help="entities from spaCy NER")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    nlp: Any = None
    if args.spacy:
        from claimledger.extract.attribution import load_nlp

        nlp = load_nlp()
    if args.tune:
        if args.fnc_dir is None:
            parser.error("--tune needs --fnc-dir")
        dev = build_fnc_pairs(args.fnc_dir, split="dev", max_pairs=args.max_pairs)
        grid = (args.entity_weight,) if args.entity_weight is not None else None
        best = (
            tune_linking(dev, nlp=nlp, entity_weights=grid)
            if grid is not None
            else tune_linking(dev, nlp=nlp)
        )
        sys.stdout.write(json.dumps(best, indent=1) + "\n")
        return 0
    if args.pairs is not None:
        pairs = read_pairs(args.pairs)
    elif args.fnc_dir is not None:
        pairs = build_fnc_pairs(args.fnc_dir, split=args.split, max_pairs=args.max_pairs)
    else:
        parser.error("give --fnc-dir or --pairs")
    result = evaluate_linking(pairs, nlp=nlp)
    out = json.dumps(result, indent=1) if args.json else format_linking_report(result)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
