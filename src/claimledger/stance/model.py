"""The two-stage stance model: related/unrelated, then agree/disagree/discuss.

Stage 1 is a gradient-boosted tree classifier over similarity and lexical features
(:mod:`claimledger.stance.features`). Stage 2 is a gradient-boosted classifier over the same
features plus the out-of-fold probabilities of two linear models (a logistic regression over
MiniLM vectors of the claim and its best-matching sentence, and one over TF-IDF of the claim
and the claim-relevant sentences). ``questions`` is a lexical refinement applied in
:mod:`claimledger.stance.predict`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from claimledger.stance.features import (
    CONTRAST_NAMES,
    FEATURE_NAMES,
    TOP_K,
    contrast_features,
    pair_features,
    prepare_claims,
    prepare_texts,
    sentence_sims,
    sentences_to_embed,
)

STAGE2_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss")

EmbedFn = Callable[[Sequence[str]], np.ndarray]


@dataclass
class PairMatrix:
    """Features of a batch of pairs."""

    scalars: np.ndarray  # (n, n_scalar)
    dense: np.ndarray  # (n, 3 * dim)
    claims: list[str]
    tops: list[str]  # claim-relevant sentences of each text


@dataclass
class StanceModel:
    """Fitted parts of the stance model."""

    tfidf: Any
    stage1: Any = None
    dense_lr: Any = None
    text_lr: Any = None
    stage2: Any = None
    top_k: int = TOP_K
    meta: dict[str, Any] = field(default_factory=dict)
    # The short-pair model (claim vs one statement) adds ``CONTRAST_NAMES`` features.
    # A class-level default, so models pickled before the field existed load as False.
    contrast: bool = False

    @property
    def n_scalars(self) -> int:
        """Number of scalar features this model reads."""
        return len(FEATURE_NAMES) + (len(CONTRAST_NAMES) if self.contrast else 0)

    def featurize(self, claims: Sequence[str], texts: Sequence[str], embed: EmbedFn) -> PairMatrix:
        """Compute features of pairs ``zip(claims, texts)``; embeds only what is needed."""
        n = len(claims)
        if n == 0:
            return PairMatrix(np.zeros((0, self.n_scalars)), np.zeros((0, 3 * 384)), [], [])
        uc = list(dict.fromkeys(claims))
        ut = list(dict.fromkeys(texts))
        pc = dict(zip(uc, prepare_claims(uc, self.tfidf), strict=True))
        pt = dict(zip(ut, prepare_texts(ut, self.tfidf), strict=True))
        # Group pairs by claim so each claim's dense TF-IDF row is built once.
        order = sorted(range(n), key=claims.__getitem__)
        sims: list[np.ndarray] = [np.zeros(0)] * n
        need: list[str] = list(uc)
        dense_claim: np.ndarray = np.zeros(0)
        current: str | None = None
        for i in order:
            if claims[i] != current:
                current = claims[i]
                dense_claim = pc[current].dense_tfidf()
            sims[i] = sentence_sims(pt[texts[i]], dense_claim)
            need.extend(sentences_to_embed(pt[texts[i]], sims[i], top_k=self.top_k))
        need = list(dict.fromkeys(need))
        vecs = embed(need)
        table = {s: vecs[j] for j, s in enumerate(need)}
        scal = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
        dense = np.zeros((n, 3 * vecs.shape[1]), dtype=np.float32)
        tops: list[str] = [""] * n
        current = None
        for i in order:
            if claims[i] != current:
                current = claims[i]
                dense_claim = pc[current].dense_tfidf()
            text = pt[texts[i]]
            scal[i], dense[i], idx = pair_features(
                pc[claims[i]], text, dense_claim, table[claims[i]], table, top_k=self.top_k
            )
            tops[i] = " ".join(text.sentences[j] for j in idx)
        if self.contrast:
            extra = np.array(
                [contrast_features(c, t) for c, t in zip(claims, texts, strict=True)],
                dtype=np.float32,
            )
            scal = np.hstack([scal, extra])
        return PairMatrix(scal, dense, list(claims), tops)

    def text_matrix(self, m: PairMatrix) -> Any:
        """Return the sparse TF-IDF input of the stacked text model."""
        return sp.hstack([self.tfidf.transform(m.claims), self.tfidf.transform(m.tops)]).tocsr()

    def stage2_input(self, m: PairMatrix) -> np.ndarray:
        """Return stage-2 features: scalars + both linear models' probabilities."""
        p_dense = self.dense_lr.predict_proba(m.dense)
        p_text = self.text_lr.predict_proba(self.text_matrix(m))
        return np.hstack([m.scalars, p_dense, p_text])

    def predict_proba(self, m: PairMatrix) -> tuple[np.ndarray, np.ndarray]:
        """Return (P(related), P(agree, disagree, discuss | related)) for each pair."""
        n = m.scalars.shape[0]
        if n == 0:
            return np.zeros(0), np.zeros((0, 3))
        p_rel = self.stage1.predict_proba(m.scalars)[:, 1]
        p_st = self.stage2.predict_proba(self.stage2_input(m))
        return np.asarray(p_rel, dtype=np.float64), np.asarray(p_st, dtype=np.float64)
