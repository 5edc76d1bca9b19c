"""The learned ``questions`` stance: does a short text doubt a claim or ask for its evidence?

A light classifier, cheap at run time: a logistic regression over the MiniLM embedding of
the (cleaned) text and its cosine with the claim's, plus the doubt
lexicon below (``DOUBT_RULES``: one row per rule, with an id and a one-line purpose, each
tested under its id in ``tests/stance/test_doubt.py``). It is trained on RumourEval 2019
(``query`` against everything else) and on labelled news sentences
(:mod:`claimledger.stance.train_doubt`), and applied by
:func:`claimledger.stance.predict.predict_stance` to short texts the stance model finds
related to the claim. Bodies keep the lexical ``questions`` refinement.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.errors import Code, ExtractError


@dataclass(frozen=True, slots=True)
class DoubtRule:
    """One lexical doubt cue: ``pattern`` is a case-insensitive regular expression."""

    id: str
    purpose: str
    pattern: str


# The doubt lexicon. A rule is a feature of the classifier, never a decision by itself.
DOUBT_RULES: tuple[DoubtRule, ...] = (
    DoubtRule(
        "ASK_SOURCE",
        "a bare request for a source or proof ('source?', 'any proof?', 'link?')",
        r"\b(?:sources?|links?|proof|evidence|citations?|refs?|reference)\s*\?",
    ),
    DoubtRule(
        "IS_IT_TRUE",
        "asking whether it is true or real ('is this true?', 'really?', 'is that legit')",
        r"\b(?:is|was|are|were)\s+(?:this|that|it|these|those|they)\s+(?:even\s+)?"
        r"(?:true|real|legit|confirmed|accurate|correct|right|serious)\b|\breally\s*\?",
    ),
    DoubtRule(
        "ASK_CONFIRMATION",
        "asking for confirmation ('confirmed?', 'can anyone confirm', 'any confirmation')",
        r"\b(?:confirmed|verified|official)\s*\?|\b(?:can|could)\s+(?:any\s*one|some\s*one|you)\s+"
        r"(?:confirm|verify)\b|\bany\s+(?:confirmation|verification|update)\b",
    ),
    DoubtRule(
        "NO_EVIDENCE",
        "stating that there is no evidence, proof, sign or confirmation of it",
        r"\b(?:no|little|scant|without|lack\s+of)\s+(?:hard\s+|concrete\s+|real\s+|independent\s+|"
        r"credible\s+)?(?:evidence|proof|signs?|indications?|confirmation)\b",
    ),
    DoubtRule(
        "CANNOT_VERIFY",
        "someone could not (independently) verify or confirm it",
        r"\b(?:could|can|has|have|had|was|were|is|are)\s*(?:not|n't|never)\s+(?:yet\s+)?"
        r"(?:been\s+able\s+to\s+|be(?:en)?\s+)?(?:independently\s+)?(?:verif|confirm)|"
        r"\bcannot\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)|\bunable\s+to\s+"
        r"(?:independently\s+)?(?:verif|confirm)",
    ),
    DoubtRule(
        "UNCONFIRMED",
        "the report is unconfirmed, unverified or yet to be confirmed",
        r"\bun(?:confirmed|verified|substantiated|proven)\b|\byet\s+to\s+(?:be\s+)?"
        r"(?:confirm|verif|prove|substantiat)",
    ),
    DoubtRule(
        "CAST_DOUBT",
        "doubt voiced or raised ('cast doubt', 'doubtful', 'sceptical', 'questioned whether')",
        r"\b(?:cast|casts|casting|raise[sd]?|raising)\s+doubts?\b|\bdoubt(?:s|ed|ful)?\b|"
        r"\bsceptic|\bskeptic|\bquestion(?:s|ed|ing)?\s+(?:whether|if|the\s+(?:claim|veracity|"
        r"truth|authenticity))",
    ),
    DoubtRule(
        "WAIT_AND_SEE",
        "the truth is yet to be seen ('remains to be seen', 'we will see', 'wait and see')",
        r"\bremains?\s+to\s+be\s+seen\b|\bwe(?:'ll|\s+will|\s+shall)\s+see\b|\bwait\s+and\s+see\b|"
        r"\bbelieve\s+it\s+when\b|\bbelieve\s+when\s+(?:we|i|they|you)\s+see\b|"
        r"\bseeing\s+is\s+believing\b",
    ),
    DoubtRule(
        "DEMAND_EVIDENCE",
        "a demand to be shown evidence ('asked to see evidence', 'show us the proof')",
        r"\b(?:show|give|provide|present|produce|prove)\s+(?:us|me|them|the\s+world|it)?\s*"
        r"(?:any|the|some|real|hard|concrete)?\s*(?:evidence|proof)\b|\b(?:asked|ask|asking|"
        r"demand(?:ed|s|ing)?|call(?:ed|s)?|want(?:ed|s)?|wish(?:ed|es)?)\s+(?:to\s+see|for)\s+"
        r"(?:the\s+|any\s+|some\s+)?"
        r"(?:evidence|proof)\b|\bwhere\s+is\s+the\s+(?:evidence|proof)\b",
    ),
    DoubtRule(
        "UNSURE",
        "the speaker is not sure or it is unclear ('not sure', 'unclear whether', 'I wonder')",
        r"\bnot\s+(?:so\s+)?sure\b|\bunclear\s+(?:whether|if)\b|\bi\s+wonder\b|\bwondering\b|"
        r"\bhard\s+to\s+believe\b|\bcan'?t\s+believe\b",
    ),
    DoubtRule(
        "ASKED_WHETHER",
        "a reported question ('asked whether ...', 'wondered if ...')",
        r"\b(?:asked|asks|asking|wondered|wonders)\s+(?:[\w,]+\s+){0,4}?(?:whether|if)\b",
    ),
    DoubtRule(
        "WH_QUESTION",
        "a direct wh-question ('why would ...?', 'who says?')",
        r"\b(?:why|how|what|who|where|when|which)\b[^.!?]*\?",
    ),
    DoubtRule(
        "YES_NO_QUESTION",
        "a direct yes/no question ('Did they ...?', 'Is it ...?')",
        r"(?:^|[.!?]\s+)(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|"
        r"should)\b[^.!?]*\?",
    ),
)
_RULE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(r.pattern, re.IGNORECASE) for r in DOUBT_RULES
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in DOUBT_RULES)

_URL_RE = re.compile(r"https?://\S+|www\.\S+")
_MENTION_RE = re.compile(r"(?<!\w)@\w+")
_SPACE_RE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop links and @handles and collapse white space (posts and statements alike)."""
    text = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text or ""))
    text = text.replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<")
    return _SPACE_RE.sub(" ", text).strip()


def doubt_rules(text: str, *, off: Collection[str] = ()) -> list[str]:
    """Return the ids of the ``DOUBT_RULES`` that match ``text`` (cleaned), in table order.

    ``off``: rule ids switched off (``claims.rules_off``; other ids are ignored). This is the
    rules' use as a decision (the pipeline offers a statement a doubt cue marks to the claim
    its article reports); as classifier features they stay on, the model being trained on them.
    """
    t = clean_text(text)
    return [
        r.id
        for r, rx in zip(DOUBT_RULES, _RULE_RES, strict=True)
        if r.id not in off and rx.search(t)
    ]


LEXICAL_NAMES: tuple[str, ...] = (*RULE_IDS, "question_marks", "ends_with_question", "log_tokens")


def lexical_features(text: str) -> np.ndarray:
    """The lexicon's binary rule hits, question-mark counts and length of one text."""
    t = clean_text(text)
    hits = [1.0 if rx.search(t) else 0.0 for rx in _RULE_RES]
    n_tok = len(t.split())
    extra = [min(3.0, float(t.count("?"))), float(t.rstrip().endswith("?")), np.log1p(n_tok)]
    return np.asarray(hits + extra, dtype=np.float32)


def doubt_matrix(claim_vecs: np.ndarray, text_vecs: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Features of pairs: text vector, claim-text cosine, lexicon (one row per pair).

    (A claim x text product was tried: on RumourEval it overfits, 0.56 vs 0.59 F1 in
    grouped cross-validation of train.)

    Args:
        claim_vecs: MiniLM vectors of the cleaned claims, unit rows, shape (n, dim).
        text_vecs: MiniLM vectors of the cleaned texts, shape (n, dim).
        texts: The texts (raw; cleaned here for the lexicon).
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, text_vecs.shape[1] + 1 + len(LEXICAL_NAMES)), np.float32)
    cos = np.sum(claim_vecs * text_vecs, axis=1, keepdims=True)
    lex = np.stack([lexical_features(t) for t in texts])
    return np.hstack([text_vecs, cos, lex]).astype(np.float32)


@dataclass
class DoubtModel:
    """The fitted classifier, its decision threshold and its training metadata."""

    classifier: Any  # sklearn pipeline: scaler + logistic regression, classes [0, 1]
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def predict_proba(
        self, claim_vecs: np.ndarray, text_vecs: np.ndarray, texts: Sequence[str]
    ) -> np.ndarray:
        """P(the text doubts the claim or asks for its evidence), one per pair."""
        if not len(texts):
            return np.zeros(0)
        x = doubt_matrix(claim_vecs, text_vecs, texts)
        return np.asarray(self.classifier.predict_proba(x)[:, 1], dtype=np.float64)


DOUBT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "stance" / "doubt"
DOUBT_MODEL_FILE = "model.joblib"


def read_doubt_model(folder: Path = DOUBT_MODEL_DIR) -> DoubtModel:
    """Read a model written by :func:`save_doubt_model`.

    Raises:
        ExtractError: E201 when the model is missing or unreadable.
    """
    import joblib

    path = folder / DOUBT_MODEL_FILE
    if not path.is_file():
        raise ExtractError(Code.E201, str(path), reason="doubt model not trained")
    try:
        model = joblib.load(path)
    except (OSError, ValueError, EOFError) as exc:
        raise ExtractError(Code.E201, str(path), reason=str(exc)) from exc
    if not isinstance(model, DoubtModel):
        raise ExtractError(Code.E201, str(path), reason="not a doubt model")
    return model


def save_doubt_model(model: DoubtModel, folder: Path) -> None:
    """Write ``model`` (joblib) and its metadata (``meta.json``) to ``folder``."""
    import json

    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / DOUBT_MODEL_FILE, compress=3)
    meta = dict(model.meta, threshold=model.threshold)
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
