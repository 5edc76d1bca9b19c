"""Predict the stance of texts towards claims.

``predict_stance`` maps the FNC-style model output to ledger stances: agree -> supports,
disagree -> refutes, discuss -> discusses, unrelated -> unrelated, then refines
``discusses``/``refutes`` into ``questions`` when the claim-relevant sentences of the text
contain doubt or a demand for evidence (the ``QUESTION_PATTERNS`` lexicon in
:mod:`claimledger.stance.features`), and ``supports`` into ``refutes`` for a short text that
denies the claim (see :func:`refine_stance` and docs/stance.md). For short texts a learned
classifier (:mod:`claimledger.stance.doubt`) also decides ``questions``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from claimledger.errors import Code, ExtractError
from claimledger.link.embeddings import Embedder, get_embedder
from claimledger.records import Stance, Statement
from claimledger.stance.doubt import DoubtModel, clean_text, read_doubt_model
from claimledger.stance.features import (
    absence_about_claim,
    denial_cues,
    direction_clash,
    direction_near_claim,
    has_contrast,
    is_irrealis,
    negated_claim_word,
    observed_absence_cues,
    question_cues,
    reported_question_cues,
    shares_subject,
)
from claimledger.stance.model import STAGE2_LABELS, StanceModel
from claimledger.stance.text import split_sentences

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "stance"
# The short-pair model (claim vs one statement), see stance/train_short.py.
SHORT_MODEL_DIR = MODEL_DIR / "short"
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
RELATED_THRESHOLD = 0.5
# An "unrelated" pair whose P(related) is at least this and whose relevant sentences voice
# doubt is reported as ``questions``: doubt is often phrased without the claim's words.
QUESTIONS_MIN_RELATED = 0.2
# The learned ``questions`` classifier (stance/doubt.py) also turns an ``unrelated`` short
# pair into ``questions`` when its P(related) is at least this. 0: a demand for evidence
# rarely repeats the claim's words ("source?"; 55% of RumourEval dev queries have
# P(related) < 0.2), and the ledger asks for the stance of pairs its linker already matched
# (context and weak links need supports/refutes anyway). On 300 FNC-1 dev headline pairs
# 3 gold-unrelated pairs turn into questions; the FNC score still rises (docs/stance.md).
DOUBT_MIN_RELATED = 0.0
# Confidence of a lexical refutation rule, times P(related): the cue decides the stance,
# but it is a cue, not a model estimate.
RULE_CONFIDENCE = 0.75
# Short texts: weight of the short-pair model's probabilities, averaged with the
# whole-body model's (1 - weight); see docs/stance.md for the dev figures of each blend.
SHORT_MODEL_WEIGHT = 0.3
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


@lru_cache(maxsize=1)
def load_short_stance_model() -> StanceModel:
    """Return the packaged short-pair model, loaded once per process."""
    return read_stance_model(SHORT_MODEL_DIR)


@lru_cache(maxsize=1)
def load_doubt_model() -> DoubtModel:
    """Return the packaged ``questions`` classifier (:mod:`claimledger.stance.doubt`)."""
    return read_doubt_model()


# Cue verbs that carry a stance of their own: the speaker denies, disputes, doubts or asks.
_STANCE_CUE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject|dismiss|refut|disput|doubt|question|challeng|"
    r"contest|ask|wonder)",
    re.IGNORECASE,
)


def statement_stance_text(stmt: Statement) -> str:
    """The text whose stance towards a claim is measured for one statement.

    The ledger wants the *speaker's* stance. With a neutral cue ("said", "according to")
    that is the stance of the content; the cue would only read as the outlet's hedging.
    A cue that denies, disputes, doubts or asks reverses or suspends the content, so the
    statement is then its source, cue and content ("Varnia denied that its artillery fired
    on Lerin", not "its artillery fired on Lerin").
    """
    cue = stmt.cue_text or ""
    if not _STANCE_CUE.search(cue):
        return stmt.content_text
    (c0, c1), cue_at, source_at = stmt.content, stmt.cue, stmt.source
    whole_sentence = (
        cue_at is not None
        and c0 <= cue_at[0]
        and cue_at[1] <= c1
        and (source_at is None or c0 <= source_at[0] < c1)
        and cue in stmt.content_text  # a split quotation spans its cue but leaves it out
    )
    if whole_sentence:
        # The content is the whole sentence, its speaker and cue included ("Ostrela had
        # denied from the start that ...", relayed in the outlet's words).
        return stmt.content_text
    parts = (stmt.source_text, cue, stmt.content_text)
    return " ".join(p.strip() for p in parts if p and p.strip())


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
    claim: str = "",
    denial_rule: bool = True,
    p_doubt: float | None = None,
    doubt_threshold: float = 1.0,
) -> tuple[Stance, float]:
    """Map an FNC label to a ledger stance with the lexical refinements.

    * short observed absence: in a short text that is about the claim (not ``unrelated``,
      or ``p_rel >= QUESTIONS_MIN_RELATED``), a report of having looked and found nothing
      ("monitors found no ...", "did not observe any ...") is ``refutes``, before the
      ``questions`` rule: evidence of absence from an observer, not a demand for proof.
      What was not found must be named in the claim by a common word, and must not move
      the other way from the claim (not seeing troops leave is consistent with a build-up).

    * ``questions``: doubt / evidence-demand cues in the claim-relevant sentences (in a
      short text also a reported question: "asked whether ...") turn
      ``discusses`` into ``questions``; also ``supports`` and ``refutes`` when the text is
      short (a statement rather than a body: the cue is then its point), and ``unrelated``
      when ``p_rel >= QUESTIONS_MIN_RELATED``.
    * short denials: in a short text, ``supports`` with a denial cue (denied, false, hoax ...)
      in the relevant sentences becomes ``refutes``, unless the claim itself is a denial.
      The model is trained on whole bodies and misreads one-sentence denials.
    * short opposite direction: in a short text read as ``supports`` or ``discusses``,
      movement or change in the opposite direction to the claim's ("units are pulling
      back" / "forces remain deployed", "no withdrawal") is ``refutes``
      (:func:`~claimledger.stance.features.direction_clash`), unless the text contrasts
      ("despite", "contrary to", "but"): the other direction is then the opposing claim's;
      unless the movement is demanded or supposed ("talks only on condition that the troops
      withdraw", :func:`~claimledger.stance.features.is_irrealis`); and only
      when a word of the claim stands near the word of movement
      (:func:`~claimledger.stance.features.direction_near_claim`).
      So is a short text that negates an event the claim names ("not a single shell was
      fired" / "artillery shelled Lerin", :func:`~claimledger.stance.features.negated_claim_word`).

    A refutation rule's confidence is ``p_rel * RULE_CONFIDENCE``.

    Args:
        label: FNC label from :func:`combine_labels`.
        confidence: Its confidence.
        p_rel: P(related).
        p_st: P(agree, disagree, discuss | related).
        relevant_text: The claim-relevant sentences of the text.
        short: The text has at most ``SHORT_TEXT_SENTENCES`` sentences.
        claim_denies: The claim itself contains a denial cue.
        claim: The claim text (for the direction rule).
        denial_rule: Apply the short-denial rule. Off only when the short-pair model is
            used alone (weight 1): it learnt denials, and the rule costs it 0.015 macro-F1
            on dev; the shipped blend keeps the rule.
        p_doubt: The learned ``questions`` classifier's probability for this pair
            (:mod:`claimledger.stance.doubt`, short texts only); ``None`` when not run.
        doubt_threshold: ``p_doubt`` at or above this is doubt, like a lexical cue; the
            stance is then ``questions`` with confidence at least ``p_doubt``.
    """
    related = label != "unrelated" or p_rel >= QUESTIONS_MIN_RELATED
    absence = short and observed_absence_cues(relevant_text) > 0
    if (
        absence
        and related
        and observed_absence_cues(claim) == 0
        and absence_about_claim(claim, relevant_text)
        # Not seeing movement the other way ("no movement away from the frontier" against
        # "troops have massed") is consistent with the claim.
        and not direction_clash(claim, relevant_text, negation=False)
    ):
        return "refutes", float(p_rel * RULE_CONFIDENCE)
    learned = p_doubt is not None and p_doubt >= doubt_threshold
    if (
        learned
        or question_cues(relevant_text) > 0
        or (short and reported_question_cues(relevant_text) > 0)
    ):
        floor = float(p_doubt) if learned and p_doubt is not None else 0.0
        doubt = max(floor, float(p_rel * (p_st[1] + p_st[2])))
        if label == "discuss":
            return "questions", doubt
        if label in ("agree", "disagree") and short:
            return "questions", max(doubt, float(p_rel * 0.5))
        if label == "unrelated" and p_rel >= QUESTIONS_MIN_RELATED:
            return "questions", doubt
        if label == "unrelated" and learned and p_rel >= DOUBT_MIN_RELATED:
            return "questions", doubt
    if (
        denial_rule
        and short
        and label == "agree"
        and not claim_denies
        and denial_cues(relevant_text) > 0
    ):
        return "refutes", float(p_rel * RULE_CONFIDENCE)
    if (
        short
        and not absence
        and label in ("agree", "discuss")
        and claim
        # "... despite Tarsk's announcement that it was withdrawing": the opposite
        # direction belongs to the claim the text argues against.
        and not has_contrast(relevant_text)
        # "Talks only on condition that the troops withdraw": a movement demanded or
        # supposed is not reported, and contradicts no report of the other.
        and not is_irrealis(relevant_text)
        and (
            (direction_clash(claim, relevant_text) and direction_near_claim(claim, relevant_text))
            or negated_claim_word(claim, relevant_text)
        )
        and shares_subject(claim, relevant_text)
    ):
        return "refutes", float(p_rel * RULE_CONFIDENCE)
    return FNC_TO_STANCE[label], confidence


def predict_stance(
    pairs: Sequence[tuple[str, str]],
    *,
    model: StanceModel | None = None,
    embedder: Embedder | None = None,
    short_model: StanceModel | None = None,
    use_short_model: bool = True,
    doubt_model: DoubtModel | None = None,
    use_doubt_model: bool = True,
) -> list[tuple[Stance, float]]:
    """Predict the stance of each ``(claim, text)`` pair.

    Texts of at most ``SHORT_TEXT_SENTENCES`` sentences (statements, headlines) go to the
    short-pair model, longer ones (bodies) to the whole-body model.

    Args:
        pairs: ``(claim, text)``; text may be a headline, a statement or a whole body.
        model: A loaded whole-body stance model; the packaged one by default.
        embedder: A MiniLM embedder; the process-wide one by default.
        short_model: A loaded short-pair model; the packaged one by default.
        use_short_model: ``False`` sends every pair to the whole-body model.
        doubt_model: A loaded ``questions`` classifier; the packaged one by default.
        use_doubt_model: ``False`` leaves ``questions`` to the lexical rules alone.

    Returns:
        One ``(stance, confidence)`` per pair, confidence in [0, 1]. An empty claim or text
        is ``("unrelated", 1.0)``.
    """
    if not pairs:
        return []
    emb = embedder or get_embedder()
    results: list[tuple[Stance, float]] = [("unrelated", 1.0)] * len(pairs)
    live = [
        i
        for i, (c, t) in enumerate(pairs)
        if isinstance(c, str) and isinstance(t, str) and c.strip() and t.strip()
    ]
    if not live:
        return results
    short = {i for i in live if len(split_sentences(pairs[i][1])) <= SHORT_TEXT_SENTENCES}
    whole = model or load_stance_model()
    doubt = (doubt_model or load_doubt_model()) if use_doubt_model and short else None
    if not use_short_model:
        _predict_group(pairs, live, [(whole, 1.0)], emb, results, short, doubt)
        return results
    long_ = [i for i in live if i not in short]
    if long_:
        _predict_group(pairs, long_, [(whole, 1.0)], emb, results, short, None)
    if short:
        blend = [(short_model or load_short_stance_model(), SHORT_MODEL_WEIGHT)]
        if SHORT_MODEL_WEIGHT < 1.0:
            blend.append((whole, 1.0 - SHORT_MODEL_WEIGHT))
        _predict_group(pairs, sorted(short), blend, emb, results, short, doubt)
    return results


class _MemoEmbed:
    """Embed each text once across the models of a blend (picklable, no closure)."""

    def __init__(self, emb: Embedder) -> None:
        self.emb = emb
        self.memo: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            for t, v in zip(todo, self.emb.encode(todo), strict=True):
                self.memo[t] = v
        if not texts:
            return np.zeros((0, self.emb.dim), dtype=np.float32)
        return np.stack([self.memo[t] for t in texts])


def _predict_group(
    pairs: Sequence[tuple[str, str]],
    live: list[int],
    models: Sequence[tuple[StanceModel, float]],
    emb: Embedder,
    results: list[tuple[Stance, float]],
    short: set[int],
    doubt: DoubtModel | None,
) -> None:
    """Predict ``pairs[i]`` for ``i`` in ``live`` into ``results``.

    ``models`` are (model, weight) pairs whose probabilities are averaged with the weights;
    ``doubt``, when given, scores the short pairs for ``questions``.
    """
    claims = [pairs[i][0] for i in live]
    texts = [pairs[i][1] for i in live]
    embed = _MemoEmbed(emb)
    p_rel = np.zeros(len(live))
    p_st = np.zeros((len(live), len(STAGE2_LABELS)))
    for model, weight in models:
        feats = model.featurize(claims, texts, embed)
        pr, ps = model.predict_proba(feats)
        p_rel += weight * pr
        p_st += weight * ps
    denial_rule = not any(model.contrast for model, weight in models if weight >= 1.0)
    p_doubt: list[float | None] = [None] * len(live)
    if doubt is not None:
        rows = [j for j, i in enumerate(live) if i in short]
        if rows:
            c_clean = [clean_text(claims[j]) for j in rows]
            t_clean = [clean_text(texts[j]) for j in rows]
            probs = doubt.predict_proba(embed(c_clean), embed(t_clean), [texts[j] for j in rows])
            for j, p in zip(rows, probs, strict=True):
                p_doubt[j] = float(p)
    threshold = doubt.threshold if doubt is not None else 1.0
    for j, (label, conf) in enumerate(combine_labels(p_rel, p_st)):
        claim, text = pairs[live[j]]
        stance, c = refine_stance(
            label,
            conf,
            float(p_rel[j]),
            p_st[j],
            feats.tops[j],
            short=live[j] in short,
            claim_denies=denial_cues(claim) > 0,
            claim=claim,
            denial_rule=denial_rule,
            p_doubt=p_doubt[j],
            doubt_threshold=threshold,
        )
        results[live[j]] = (stance, min(1.0, max(0.0, c)))
