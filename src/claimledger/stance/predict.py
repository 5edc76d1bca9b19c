"""Predict the stance of texts towards claims.

``predict_stance`` maps the FNC-style model output to ledger stances: agree -> supports,
disagree -> refutes, discuss -> discusses, unrelated -> unrelated, then refines
``discusses``/``refutes`` into ``questions`` when the claim-relevant sentences of the text
contain doubt or a demand for evidence (the ``QUESTION_PATTERNS`` lexicon in
:mod:`claimledger.stance.features`), and ``supports`` into ``refutes`` for a short text that
denies the claim (see :func:`refine_stance` and docs/stance.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimledger.errors import Code, ExtractError
from claimledger.link.embeddings import Embedder, get_embedder
from claimledger.records import Stance
from claimledger.stance.features import denial_cues, question_cues
from claimledger.stance.model import STAGE2_LABELS, StanceModel
from claimledger.stance.text import split_sentences

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "stance"
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
RELATED_THRESHOLD = 0.5
# An "unrelated" pair whose P(related) is at least this and whose relevant sentences voice
# doubt is reported as ``questions``: doubt is often phrased without the claim's words.
QUESTIONS_MIN_RELATED = 0.2
# Texts of at most this many sentences are statements or headlines, not bodies.
SHORT_TEXT_SENTENCES = 3

FNC_TO_STANCE: dict[str, Stance] = {
    "agree": "supports",
    "disagree": "refutes",
    "discuss": "discusses",
    "unrelated": "unrelated",
}
STANCE_TO_FNC: dict[str, str] = {
    "supports": "agree",
    "refutes": "disagree",
    "discusses": "discuss",
    "questions": "discuss",
    "unrelated": "unrelated",
}


def save_stance_model(model: StanceModel, folder: Path) -> None:
    """Write ``model`` to ``folder`` (joblib + JSON metadata)."""
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    (folder / META_FILE).write_text(json.dumps(model.meta, indent=2, sort_keys=True) + "\n")


def read_stance_model(folder: Path) -> StanceModel:
    """Read a model written by :func:`save_stance_model`.

    Raises:
        ExtractError: E201 when the model is missing or unreadable.
    """
    import joblib

    path = folder / MODEL_FILE
    if not path.is_file():
        raise ExtractError(Code.E201, str(path), reason="stance model not trained")
    try:
        model = joblib.load(path)
    except (OSError, ValueError, EOFError) as exc:
        raise ExtractError(Code.E201, str(path), reason=str(exc)) from exc
    if not isinstance(model, StanceModel):
        raise ExtractError(Code.E201, str(path), reason="not a stance model")
    return model


@lru_cache(maxsize=1)
def load_stance_model() -> StanceModel:
    """Return the packaged stance model, loaded once per process."""
    return read_stance_model(MODEL_DIR)


def combine_labels(p_rel: np.ndarray, p_st: np.ndarray) -> list[tuple[str, float]]:
    """Turn stage probabilities into FNC labels with a confidence each."""
    out: list[tuple[str, float]] = []
    for pr, ps in zip(p_rel, p_st, strict=True):
        if pr < RELATED_THRESHOLD:
            out.append(("unrelated", float(1.0 - pr)))
        else:
            k = int(np.argmax(ps))
            out.append((STAGE2_LABELS[k], float(pr * ps[k])))
    return out


def refine_stance(
    label: str,
    confidence: float,
    p_rel: float,
    p_st: np.ndarray,
    relevant_text: str,
    *,
    short: bool = False,
    claim_denies: bool = False,
) -> tuple[Stance, float]:
    """Map an FNC label to a ledger stance with the two lexical refinements.

    * ``questions``: doubt / evidence-demand cues in the claim-relevant sentences turn
      ``discusses`` into ``questions``; also ``supports`` and ``refutes`` when the text is
      short (a statement rather than a body: the cue is then its point), and ``unrelated``
      when ``p_rel >= QUESTIONS_MIN_RELATED``.
    * short denials: in a short text, ``supports`` with a denial cue (denied, false, hoax ...)
      in the relevant sentences becomes ``refutes``, unless the claim itself is a denial.
      The model is trained on whole bodies and misreads one-sentence denials.

    Args:
        label: FNC label from :func:`combine_labels`.
        confidence: Its confidence.
        p_rel: P(related).
        p_st: P(agree, disagree, discuss | related).
        relevant_text: The claim-relevant sentences of the text.
        short: The text has at most ``SHORT_TEXT_SENTENCES`` sentences.
        claim_denies: The claim itself contains a denial cue.
    """
    if question_cues(relevant_text) > 0:
        doubt = float(p_rel * (p_st[1] + p_st[2]))
        if label == "discuss":
            return "questions", doubt
        if label in ("agree", "disagree") and short:
            return "questions", float(p_rel * max(float(p_st[1] + p_st[2]), 0.5))
        if label == "unrelated" and p_rel >= QUESTIONS_MIN_RELATED:
            return "questions", doubt
    if short and label == "agree" and not claim_denies and denial_cues(relevant_text) > 0:
        return "refutes", float(p_rel * max(float(p_st[1]), 0.5))
    return FNC_TO_STANCE[label], confidence


def predict_stance(
    pairs: Sequence[tuple[str, str]],
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
) -> list[tuple[Stance, float]]:
    """Predict the stance of each ``(claim, text)`` pair.

    Args:
        pairs: ``(claim, text)``; text may be a headline, a statement or a whole body.
        model: A loaded stance model; the packaged one by default.
        embedder: A MiniLM embedder; the process-wide one by default.

    Returns:
        One ``(stance, confidence)`` per pair, confidence in [0, 1]. An empty claim or text
        is ``("unrelated", 1.0)``.
    """
    if not pairs:
        return []
    model = model or load_stance_model()
    emb = embedder or get_embedder()
    results: list[tuple[Stance, float]] = [("unrelated", 1.0)] * len(pairs)
    live = [
        i
        for i, (c, t) in enumerate(pairs)
        if isinstance(c, str) and isinstance(t, str) and c.strip() and t.strip()
    ]
    if not live:
        return results
    feats = model.featurize([pairs[i][0] for i in live], [pairs[i][1] for i in live], emb.encode)
    p_rel, p_st = model.predict_proba(feats)
    for j, (label, conf) in enumerate(combine_labels(p_rel, p_st)):
        claim, text = pairs[live[j]]
        stance, c = refine_stance(
            label,
            conf,
            float(p_rel[j]),
            p_st[j],
            feats.tops[j],
            short=len(split_sentences(text)) <= SHORT_TEXT_SENTENCES,
            claim_denies=denial_cues(claim) > 0,
        )
        results[live[j]] = (stance, min(1.0, max(0.0, c)))
    return results
