"""Train the attribution extractor's two CRFs on a PolNeAR-layout split.

Usage::

    python -m claimledger.extract.train_attribution \\
        --data ../shared/datasets/polnear/train --out src/claimledger/models/attribution

Writes ``cue.crfsuite``, ``role.crfsuite``, ``lexicon.json`` and ``meta.json``
into ``--out``. Parses are cached under ``.cache/`` (``--cache``) so a second
run skips spaCy.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import pycrfsuite
from spacy.tokens import Doc

from claimledger.eval.brat import BratDoc, GoldAttribution, read_split
from claimledger.extract.attribution import load_nlp
from claimledger.extract.attribution_cache import DEFAULT_CACHE_DIR, parse_cached
from claimledger.extract.features import (
    SEED_CUES,
    DocInfo,
    cue_features,
    cue_window,
    doc_info,
    role_features,
    with_tensor,
)

logger = logging.getLogger(__name__)

Items = list[list[str]] | list[dict[str, float]]

FORMAT_VERSION = 1
LEXICON_MIN_COUNT = 3


def build_lexicon(docs: Sequence[Doc], golds: Sequence[BratDoc]) -> dict[str, float]:
    """Return P(token is part of a cue | lemma) for lemmas seen at least 3 times as cues."""
    seen: Counter[str] = Counter()
    as_cue: Counter[str] = Counter()
    for doc, gold in zip(docs, golds, strict=True):
        cue_tokens: set[int] = set()
        for att in gold.attributions:
            if att.cue is None:
                continue
            span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
            if span is not None:
                cue_tokens.update(range(span.start, span.end))
        for t in doc:
            if t.is_punct or t.is_space:
                continue
            lemma = t.lemma_.lower()
            seen[lemma] += 1
            if t.i in cue_tokens:
                as_cue[lemma] += 1
    return {
        lemma: round(as_cue[lemma] / seen[lemma], 4)
        for lemma in as_cue
        if as_cue[lemma] >= LEXICON_MIN_COUNT or lemma in SEED_CUES
    }


def _token_set(doc: Doc, start: int, end: int) -> set[int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set()
    return {t.i for t in span if not t.is_space}


def _bio(indices: Sequence[int], chosen: set[int], tag: str) -> list[str]:
    out: list[str] = []
    prev = False
    for i in indices:
        if i in chosen:
            out.append(("I-" if prev else "B-") + tag)
            prev = True
        else:
            out.append("O")
            prev = False
    return out


def cue_sequences(
    doc: Doc, info: DocInfo, gold: BratDoc, *, use_tensor: bool = False
) -> Iterator[tuple[Items, list[str]]]:
    """Stage-1 training sequences (one per sentence) with BIO cue labels."""
    cue_tokens: set[int] = set()
    starts: set[int] = set()
    for att in gold.attributions:
        if att.cue is not None:
            toks = _token_set(doc, *att.cue)
            cue_tokens |= toks
            if toks:
                starts.add(min(toks))
    for sent in doc.sents:
        if all(t.is_space for t in sent):
            continue
        labels: list[str] = []
        for t in sent:
            if t.i in cue_tokens:
                inside = t.i - 1 in cue_tokens and t.i not in starts and t.i != sent.start
                labels.append("I-CUE" if inside else "B-CUE")
            else:
                labels.append("O")
        feats = cue_features(doc, info, sent)
        yield (with_tensor(feats, doc, sent.start) if use_tensor else feats), labels


def role_sequences(
    doc: Doc, info: DocInfo, gold: BratDoc, *, use_tensor: bool = False
) -> Iterator[tuple[Items, list[str]]]:
    """Stage-2 training sequences (one per gold cue) with content/source labels."""
    by_cue: dict[tuple[int, int], list[GoldAttribution]] = {}
    for att in gold.attributions:
        if att.cue is not None:
            by_cue.setdefault(att.cue, []).append(att)
    for (cs, ce), atts in sorted(by_cue.items()):
        cue = doc.char_span(cs, ce, alignment_mode="expand")
        if cue is None or len(cue) == 0:
            continue
        window = cue_window(doc, info, cue)
        content: set[int] = set()
        source: set[int] = set()
        for att in atts:
            for fs, fe in att.content_fragments or (att.content,):
                content |= _token_set(doc, fs, fe)
            if att.source is not None:
                source |= _token_set(doc, *att.source)
        content -= source
        indices = list(range(*window))
        con = _bio(indices, content, "CON")
        src = _bio(indices, source, "SRC")
        labels = [s if s != "O" else c for c, s in zip(con, src, strict=True)]
        for i in range(cue.start, cue.end):
            if window[0] <= i < window[1]:
                labels[i - window[0]] = "O"
        yield role_features(doc, info, cue, window), labels


class _SequenceMaker(Protocol):
    def __call__(
        self, doc: Doc, info: DocInfo, gold: BratDoc, *, use_tensor: bool = False
    ) -> Iterator[tuple[Items, list[str]]]: ...


def _all_sequences(
    make: _SequenceMaker,
    docs: Sequence[Doc],
    infos: Sequence[DocInfo],
    golds: Sequence[BratDoc],
    use_tensor: bool,
) -> Iterator[tuple[Items, list[str]]]:
    for doc, info, gold in zip(docs, infos, golds, strict=True):
        yield from make(doc, info, gold, use_tensor=use_tensor)


def _train(
    sequences: Iterator[tuple[Items, list[str]]],
    path: Path,
    *,
    c1: float,
    c2: float,
    max_iterations: int,
) -> int:
    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for feats, labels in sequences:
        trainer.append(pycrfsuite.ItemSequence(feats), labels)
        n += 1
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 2,
        }
    )
    trainer.train(str(path))
    return n


def train(
    data_dir: Path,
    out_dir: Path,
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    limit: int | None = None,
    max_iterations: int = 150,
    c1: float = 0.01,
    cue_c2: float = 3.0,
    role_c2: float = 3.0,
    stages: tuple[str, ...] = ("cue", "role"),
    cue_tensor: bool = False,
) -> dict[str, object]:
    """Train both CRFs on ``data_dir`` and write the artifact into ``out_dir``.

    Args:
        data_dir: PolNeAR-layout split (``text/``, ``attributions/``).
        out_dir: Artifact folder (created).
        cache_dir: Parse cache folder; ``None`` parses without caching.
        limit: Train on the first ``limit`` articles only (quick runs).
        max_iterations: L-BFGS iterations per CRF.
        c1: L1 regularisation.
        cue_c2: L2 regularisation of the cue CRF.
        role_c2: L2 regularisation of the role CRF.
        stages: Which CRFs to train ("cue", "role"); others are left as they are.
        cue_tensor: Give the cue CRF spaCy's tok2vec vectors as real-valued features
            (tried on dev: no gain, slower; off by default).
    """
    t0 = time.perf_counter()
    golds = read_split(data_dir, limit=limit)
    nlp = load_nlp()
    docs = parse_cached([g.text for g in golds], nlp=nlp, cache_dir=cache_dir)
    t_parse = time.perf_counter() - t0
    lexicon = build_lexicon(docs, golds)
    infos = [doc_info(doc, lexicon) for doc in docs]
    out_dir.mkdir(parents=True, exist_ok=True)

    t1 = time.perf_counter()
    n_cue = n_role = 0
    if "cue" in stages:
        n_cue = _train(
            _all_sequences(cue_sequences, docs, infos, golds, cue_tensor),
            out_dir / "cue.crfsuite",
            c1=c1,
            c2=cue_c2,
            max_iterations=max_iterations,
        )
    t2 = time.perf_counter()
    logger.info("cue CRF trained on %d sentences in %.0f s", n_cue, t2 - t1)
    if "role" in stages:
        n_role = _train(
            _all_sequences(role_sequences, docs, infos, golds, False),
            out_dir / "role.crfsuite",
            c1=c1,
            c2=role_c2,
            max_iterations=max_iterations,
        )
    t3 = time.perf_counter()
    logger.info("role CRF trained on %d cues in %.0f s", n_role, t3 - t2)
    (out_dir / "lexicon.json").write_text(
        json.dumps(dict(sorted(lexicon.items())), indent=0) + "\n", encoding="utf-8"
    )
    meta: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "data": str(data_dir),
        "articles": len(golds),
        "attributions": sum(len(g.attributions) for g in golds),
        "cue_sequences": n_cue,
        "role_sequences": n_role,
        "max_iterations": max_iterations,
        "cue_tensor": cue_tensor,
        "stages_trained": list(stages),
        "c1": c1,
        "cue_c2": cue_c2,
        "role_c2": role_c2,
        "spacy_model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "pipes": list(nlp.pipe_names),
        "seconds": {
            "parse": round(t_parse, 1),
            "cue_crf": round(t2 - t1, 1),
            "role_crf": round(t3 - t2, 1),
        },
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR-layout split folder")
    parser.add_argument("--out", type=Path, required=True, help="artifact folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR, help="parse cache")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write parses")
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--c1", type=float, default=0.01, help="L1 regularisation")
    parser.add_argument("--cue-c2", type=float, default=3.0, help="L2 of the cue CRF")
    parser.add_argument("--role-c2", type=float, default=3.0, help="L2 of the role CRF")
    parser.add_argument(
        "--tensor", action="store_true", help="cue CRF with tok2vec vector features"
    )
    parser.add_argument(
        "--stages", default="cue,role", help="comma-separated CRFs to train (cue, role)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    meta = train(
        args.data,
        args.out,
        cache_dir=None if args.no_cache else args.cache,
        limit=args.limit,
        max_iterations=args.max_iterations,
        c1=args.c1,
        cue_c2=args.cue_c2,
        role_c2=args.role_c2,
        stages=tuple(s.strip() for s in args.stages.split(",") if s.strip()),
        cue_tensor=args.tensor,
    )
    logger.info("trained: %s", json.dumps(meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
