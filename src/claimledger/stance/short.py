"""Short stance pairs: a claim against one statement, derived from FNC-1 and ARC.

The ledger asks for the stance of *one attributed statement* (a sentence or two) towards a
claim, while FNC-1 pairs a headline with a whole body. Two derivations turn the FNC-format
data into short pairs with the pair's label:

* **headline pairs** (FNC-1): headlines related to the same body are statements about the
  same claim; their labels towards the body give their stance towards each other
  (agree + agree -> agree, agree + disagree -> disagree, text discusses -> discuss, ...,
  see ``HEADLINE_PAIR_LABEL``). A headline unrelated to a body is unrelated to the
  headlines of that body.
* **sentence pairs** (FNC-1 and ARC): the headline against the body sentence most similar
  to it by TF-IDF cosine (an ARC post of at most ``SHORT_BODY_SENTENCES`` sentences is kept
  whole: it is already a short statement), labelled with the pair's stance. Noisier: the
  best-matching sentence of a ``disagree`` body is not always the disagreeing one.

Every derived pair keeps its source body id, so the by-body split of
:mod:`claimledger.stance.data` applies unchanged.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from claimledger.stance.data import RELATED_LABELS, StancePair
from claimledger.stance.text import split_sentences

SHORT_BODY_SENTENCES = 3
MAX_PAIRS_PER_BODY = 24
UNRELATED_PER_BODY = 12

# (claim headline's label, text headline's label) -> stance of the text towards the claim.
HEADLINE_PAIR_LABEL: dict[tuple[str, str], str] = {
    ("agree", "agree"): "agree",
    ("disagree", "disagree"): "agree",
    ("agree", "disagree"): "disagree",
    ("disagree", "agree"): "disagree",
    ("discuss", "agree"): "agree",
    ("discuss", "disagree"): "disagree",
    ("agree", "discuss"): "discuss",
    ("disagree", "discuss"): "discuss",
    ("discuss", "discuss"): "discuss",
}


def _rank(*parts: str) -> bytes:
    return hashlib.sha1("\x1f".join(parts).encode()).digest()


class _CandidateOrder:
    """Sort key: pairs with ``disagree`` first, then a stable hash order."""

    def __init__(self, source: str, body_id: str) -> None:
        self.source = source
        self.body_id = body_id

    def __call__(self, cand: tuple[str, str, str]) -> tuple[bool, bytes]:
        return cand[2] != "disagree", _rank(self.source, self.body_id, cand[0], cand[1])


class _HeadlineOrder:
    """Sort key: a stable hash order of headlines of one body."""

    def __init__(self, source: str, body_id: str, salt: str) -> None:
        self.parts = (source, body_id, salt)

    def __call__(self, headline: str) -> bytes:
        return _rank(*self.parts, headline)


def headline_pairs(
    pairs: Sequence[StancePair],
    *,
    max_per_body: int = MAX_PAIRS_PER_BODY,
    unrelated_per_body: int = UNRELATED_PER_BODY,
) -> list[StancePair]:
    """Headline-vs-headline pairs of the same body (see the module docstring).

    Deterministic: candidates are ordered by a hash; pairs involving ``disagree`` come first
    (they are rare); each (claim, text) pair is kept once.
    """
    related: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    unrelated: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in pairs:
        key = (p.source, p.body_id)
        if p.label in RELATED_LABELS:
            related[key][p.headline] = p.label
        else:
            unrelated[key].append(p.headline)
    out: list[StancePair] = []
    seen: set[tuple[str, str]] = set()
    for key in sorted(related):
        heads = related[key]
        source, body_id = key
        cands = [
            (h1, h2, HEADLINE_PAIR_LABEL[(l1, l2)])
            for h1, l1 in heads.items()
            for h2, l2 in heads.items()
            if h1 != h2
        ]
        cands.sort(key=_CandidateOrder(source, body_id))
        kept = 0
        for h1, h2, label in cands:
            if kept >= max_per_body or (h1, h2) in seen:
                continue
            seen.add((h1, h2))
            out.append(StancePair(h1, body_id, h2, label, f"{source}/headlines"))
            kept += 1
        anchors = sorted(heads, key=_HeadlineOrder(source, body_id, ""))
        others = sorted(unrelated.get(key, ()), key=_HeadlineOrder(source, body_id, "u"))
        for j, h2 in enumerate(others[:unrelated_per_body]):
            h1 = anchors[j % len(anchors)]
            if (h1, h2) not in seen:
                seen.add((h1, h2))
                out.append(StancePair(h1, body_id, h2, "unrelated", f"{source}/headlines"))
    return out


def sentence_pairs(pairs: Sequence[StancePair], tfidf: Any) -> list[StancePair]:
    """Headline vs its best-matching body sentence (or a short body whole), same label."""
    bodies = {(p.source, p.body_id): p.body for p in pairs}
    split = {k: split_sentences(b) or [b] for k, b in bodies.items()}
    mats = {k: tfidf.transform(s) for k, s in split.items()}
    heads = list(dict.fromkeys(p.headline for p in pairs))
    hmat = tfidf.transform(heads).tocsr()
    hrow = {h: i for i, h in enumerate(heads)}
    out: list[StancePair] = []
    for p in pairs:
        key = (p.source, p.body_id)
        sents = split[key]
        if len(sents) <= SHORT_BODY_SENTENCES and p.source != "fnc-1":
            text = " ".join(sents)
        else:
            sims = np.asarray((mats[key] @ hmat[hrow[p.headline]].T).todense()).ravel()
            text = sents[int(np.argmax(sims))] if sims.size else sents[0]
        out.append(StancePair(p.headline, p.body_id, text, p.label, f"{p.source}/sentences"))
    return out
