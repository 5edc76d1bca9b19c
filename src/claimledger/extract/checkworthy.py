"""Check-worthiness: how much a sentence states a fact worth checking, as a score in [0, 1].

A TF-IDF (word 1-2-grams + character 2-5-grams) logistic regression trained on ClaimBuster's
crowdsourced sentences (Arslan et al., ICWSM 2020), Verdict 1 = check-worthy factual
sentence. The score is the classifier's probability, not re-weighted, so it reads as a
probability; ``model.threshold`` is the F1-optimal cut chosen on grouped cross-validation of
the training debates. See ``models/checkworthy/MODEL_CARD.md``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.errors import Code, ExtractError

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "checkworthy"
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
DEFAULT_THRESHOLD = 0.35


@dataclass
class CheckworthyModel:
    """A fitted vectoriser + classifier and the recommended decision threshold."""

    vectorizer: Any
    classifier: Any
    threshold: float = DEFAULT_THRESHOLD
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Return the probability that each text is check-worthy."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        clean = [t if isinstance(t, str) else "" for t in texts]
        proba = self.classifier.predict_proba(self.vectorizer.transform(clean))[:, 1]
        out = np.asarray(proba, dtype=np.float64)
        # A sentence with no characters carries no claim.
        empty = np.array([not t.strip() for t in clean])
        out[empty] = 0.0
        return np.clip(out, 0.0, 1.0)


def save_checkworthy(model: CheckworthyModel, folder: Path) -> None:
    """Write ``model`` to ``folder`` (joblib file + JSON metadata)."""
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {"vectorizer": model.vectorizer, "classifier": model.classifier},
        folder / MODEL_FILE,
        compress=3,
    )
    meta = dict(model.meta, threshold=model.threshold)
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def read_checkworthy(folder: Path) -> CheckworthyModel:
    """Read a model written by :func:`save_checkworthy`.

    Raises:
        ExtractError: E201 when the files are missing or unreadable.
    """
    import joblib

    path = folder / MODEL_FILE
    if not path.is_file():
        raise ExtractError(Code.E201, str(path), reason="check-worthiness model not trained")
    try:
        parts = joblib.load(path)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise ExtractError(Code.E201, str(path), reason=str(exc)) from exc
    return CheckworthyModel(
        vectorizer=parts["vectorizer"],
        classifier=parts["classifier"],
        threshold=float(meta.get("threshold", DEFAULT_THRESHOLD)),
        meta=meta,
    )


@lru_cache(maxsize=1)
def load_checkworthy() -> CheckworthyModel:
    """Return the packaged check-worthiness model, loaded once per process."""
    return read_checkworthy(MODEL_DIR)


# Reporting on who did not speak ("there was no immediate reaction", "did not respond to a
# request for comment", "declined to comment") states no fact anyone could check about the
# story: repeated by every outlet, it would otherwise open claims that get "corroborated".
_NO_COMMENT = re.compile(
    r"\b(?:no\s+immediate\s+(?:reaction|response|comment)"
    r"|(?:did|could)\s+not\s+(?:immediately\s+)?comment"
    r"|(?:did|could)\s+not\s+(?:immediately\s+)?(?:respond|reply)\s+to\s+"
    r"(?:(?:a|an|our|repeated|several)\s+)?(?:requests?|calls?|questions?|messages?"
    r"|e-?mails?|inquir(?:y|ies))"
    r"|declined\s+to\s+(?:comment|respond)"
    r"|not\s+immediately\s+available\s+for\s+comment"
    r"|had\s+no\s+(?:immediate\s+)?comment"
    r"|could\s+not\s+be\s+reached)\b",
    re.IGNORECASE,
)


def is_no_comment(text: str) -> bool:
    """Whether ``text`` only reports that someone did not comment or react."""
    return _NO_COMMENT.search(text) is not None


def score_checkworthy(texts: Sequence[str], *, model: CheckworthyModel | None = None) -> np.ndarray:
    """Score ``texts`` for check-worthiness.

    Args:
        texts: Sentences or statement contents; empty text scores 0.
        model: A loaded model; the packaged one by default.

    Returns:
        float64 array of scores in [0, 1], one per text.
    """
    return (model or load_checkworthy()).score(texts)
