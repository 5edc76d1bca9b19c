"""Features of a (claim, text) pair for the stance model.

A text is split into sentences (:func:`claimledger.stance.text.split_sentences`); the
sentences closest to the claim by TF-IDF cosine (``top_k``) plus the lead sentence are the
only ones embedded with MiniLM, which keeps a body-length pair at ~4 sentence encodings.

Three feature groups:

* similarity (drives related/unrelated): TF-IDF cosines (whole text, best sentence, mean of
  the top sentences), token and bigram overlap, MiniLM cosines claim vs best/lead sentences;
* lexical stance cues (drive agree/disagree/discuss): refuting, hedging, supporting and
  doubt lexicons counted over the whole text and over the claim-relevant sentences,
  negations within a few tokens of claim words, polarity parity, question marks;
* dense vectors for the stacked linear models: claim embedding, best-sentence embedding,
  their product and absolute difference.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimledger.stance.text import split_sentences, tokens

TOP_K = 3
NEG_WINDOW = 4

REFUTE_WORDS: tuple[str, ...] = (
    "fake",
    "fraud",
    "hoax",
    "false",
    "deny",
    "denies",
    "denied",
    "denial",
    "not",
    "despite",
    "nope",
    "doubt",
    "doubts",
    "bogus",
    "debunk",
    "debunked",
    "debunks",
    "prank",
    "pranks",
    "retract",
    "retracted",
    "untrue",
    "incorrect",
    "wrong",
    "baseless",
    "rejected",
    "rejects",
    "dismissed",
    "dismisses",
    "refuted",
    "refutes",
    "myth",
    "lie",
    "lies",
    "fabricated",
    "fabrication",
    "satire",
    "satirical",
    "never",
    "no",
    "nothing",
    "misleading",
    "rumour",
)
HEDGE_WORDS: tuple[str, ...] = (
    "allegedly",
    "alleged",
    "reportedly",
    "reports",
    "reported",
    "claims",
    "claimed",
    "claim",
    "according",
    "unconfirmed",
    "unverified",
    "rumor",
    "rumors",
    "rumored",
    "may",
    "might",
    "could",
    "possibly",
    "possible",
    "apparently",
    "purportedly",
    "purported",
    "appears",
    "appear",
    "suggests",
    "suggest",
    "believed",
    "supposedly",
    "speculation",
    "seems",
    "if",
    "whether",
    "unclear",
    "unknown",
    "suspected",
)
SUPPORT_WORDS: tuple[str, ...] = (
    "confirmed",
    "confirms",
    "confirm",
    "announced",
    "announces",
    "official",
    "officially",
    "revealed",
    "reveals",
    "shows",
    "showed",
    "proved",
    "proves",
    "proof",
    "evidence",
    "indeed",
    "actually",
    "verified",
    "true",
    "said",
    "says",
    "told",
    "statement",
)
NEGATION_WORDS: frozenset[str] = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "n't",
     "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't", "won't", "can't",
     "cannot", "couldn't", "shouldn't", "wouldn't", "hasn't", "haven't", "hadn't", "deny",
     "denies", "denied"}
)  # fmt: skip
STOPWORDS: frozenset[str] = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been being it "
    "its this that these those he she they we you i his her their our your my me him them us "
    "has have had do does did will would can could should may might must shall not no so if "
    "than then there here what which who whom whose when where why how all any some such into "
    "over after before about up down out off again just also only very more most other s t "
    "said says say new one two".split()
)

# Doubt and demands for evidence: the ``questions`` stance (see docs/stance.md).
QUESTION_PATTERNS: tuple[str, ...] = (
    r"\bwe(?:'ll| will)\s+see\b",
    r"\bthen\s+we(?:'ll| will)\s+believe\b",
    r"\bbelieve\s+it\s+when\b",
    r"\b(?:show|give|provide|present|produce|offer)\s+(?:us|me|them|the\s+world)?\s*"
    r"(?:any|the|some|real|hard|concrete)?\s*(?:evidence|proof)\b",
    r"\b(?:no|little|scant|any)\s+(?:hard\s+|concrete\s+|real\s+|independent\s+)?"
    r"(?:evidence|proof|signs?|indication|confirmation)\s+(?:of|that|for|to\s+support)\b",
    r"\bthere\s+(?:are|is|were|was)\s+(?:still\s+)?no\s+(?:signs?|evidence|proof|indication)\b",
    r"\bremains?\s+to\s+be\s+seen\b",
    r"\b(?:could|can|has|have)\s*(?:not|n't)\s+(?:yet\s+)?(?:be(?:en)?\s+)?(?:independently\s+)?"
    r"(?:verif|confirm)",
    r"\b(?:yet|has yet|have yet)\s+to\s+(?:be\s+)?(?:verif|confirm|prove|substantiat|see)",
    r"\bunsubstantiated\b",
    r"\bunverified\b",
    r"\bsceptic|\bskeptic",
    r"\b(?:cast|casts|casting|raise[sd]?|raising)\s+doubts?\b",
    r"(?<!\bno )(?<!\bwithout )(?<!\bbeyond )\bdoubt(?:s|ed|ful)?\b",
    r"\bquestion(?:s|ed|ing)?\s+(?:the|whether|if|that|its|his|her|their)\b",
    r"\bwhere\s+is\s+the\s+(?:evidence|proof)\b",
    r"\bwait\s+and\s+see\b",
    r"\bactions?\s*,?\s+not\s+words\b",
    r"\bjudge\s+(?:them|him|her|it|russia|moscow)?\s*(?:by|on)\s+(?:their|his|her|its)?\s*"
    r"(?:deeds|actions)\b",
)
# A denial of the claim in a short text (see predict.refine_stance).
DENIAL_PATTERN = (
    r"\b(?:den(?:y|ies|ied|ial|ying)|refut\w*|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|false|"
    r"fake|hoax|untrue|not\s+true|baseless|fabricat\w*|debunk\w*|no\s+truth)\b"
)
_DENIAL_RE = re.compile(DENIAL_PATTERN, re.IGNORECASE)
# An observer who looked and did not find: "monitors found no ...", "did not observe any ...",
# "cameras recorded no ...", "we cannot find evidence that ...". Evidence of absence from
# someone in a position to see is a refutation, not a demand for proof (``questions``).
OBSERVED_ABSENCE_PATTERNS: tuple[str, ...] = (
    r"\b(?:found|finds|saw|sees|observed|observes|recorded|records|detected|detects|noticed|"
    r"spotted|counted|reported|reports|registered)\s+(?:no|neither|nothing|none)\b",
    r"\b(?:did|does|do|could|can|has|have|had)\s*(?:not|n't)\s+(?:yet\s+)?(?:find|found|see|"
    r"seen|observe|observed|record|recorded|detect|detected|notice|noticed|spot|spotted|register|"
    r"registered)\b",
    r"\bcannot\s+(?:find|see|observe|detect)\b",
    r"\bno\s+(?:[\w,]+\s+){0,6}(?:was|were|has\s+been|have\s+been)\s+(?:observed|seen|recorded|"
    r"detected|found|spotted|registered)\b",
)
_ABSENCE_RE = re.compile("|".join(f"(?:{p})" for p in OBSERVED_ABSENCE_PATTERNS), re.IGNORECASE)
_QUESTION_RE = re.compile("|".join(f"(?:{p})" for p in QUESTION_PATTERNS), re.IGNORECASE)

_REFUTE = frozenset(REFUTE_WORDS)
_HEDGE = frozenset(HEDGE_WORDS)
_SUPPORT = frozenset(SUPPORT_WORDS)

SCALAR_NAMES: tuple[str, ...] = (
    "tfidf_cos_full",
    "tfidf_cos_max",
    "tfidf_cos_topk",
    "tfidf_cos_lead",
    "tok_cover",
    "bigram_cover",
    "jaccard",
    "tok_cover_lead3",
    "tok_cover_best",
    "emb_cos_max",
    "emb_cos_topk",
    "emb_cos_lead",
    "log_n_sent",
    "log_n_tok",
    "log_claim_tok",
    "best_pos",
    "refute_rate",
    "hedge_rate",
    "support_rate",
    "question_rate",
    "refute_top",
    "hedge_top",
    "support_top",
    "question_top",
    "neg_near_top",
    "neg_near_all",
    "claim_refute",
    "claim_hedge",
    "claim_question_mark",
    "claim_neg_parity",
    "polarity_clash",
    "top_question_mark",
    "quote_top",
)
REFUTE_TOP_NAMES: tuple[str, ...] = tuple(f"w_{w}" for w in REFUTE_WORDS)


_QUESTION_HINT = re.compile(
    r"see|believ|evidence|proof|sign|indicat|confirm|verif|substantiat|sceptic|skeptic|doubt|"
    r"question|wait|actions|deeds",
    re.IGNORECASE,
)


def question_cues(text: str) -> int:
    """Count doubt / evidence-demand phrases (the ``questions`` lexicon) in ``text``."""
    if not text or not _QUESTION_HINT.search(text):
        return 0
    return len(_QUESTION_RE.findall(text))


# A reported question ("asked whether the assessment had been wrong"): the words after it
# are the question, not an assertion. Kept out of ``QUESTION_PATTERNS``, which the
# whole-body model's features count.
_ASKED_RE = re.compile(
    r"\b(?:asked|asks|asking|wondered|wonders|wondering)\s+(?:[\w,]+\s+){0,4}?(?:whether|if)\b",
    re.IGNORECASE,
)


def reported_question_cues(text: str) -> int:
    """Count reported questions ("asked on Wednesday whether ...") in ``text``."""
    return len(_ASKED_RE.findall(text or ""))


def observed_absence_cues(text: str) -> int:
    """Count reports of having looked and found nothing (``OBSERVED_ABSENCE_PATTERNS``)."""
    return len(_ABSENCE_RE.findall(text or ""))


_WORD_RE = re.compile(r"[A-Za-z][a-z]+")
_CUE_WORDS = frozenset(
    "found finds saw sees observed observes recorded records detected detects noticed spotted "
    "counted reported reports registered find see seen observe record detect notice spot "
    "register evidence signs sign support none nothing neither cannot could have been".split()
)


def _common_words(text: str) -> list[str]:
    """Lower-case (not proper-noun) content words of at least four letters."""
    words = _WORD_RE.findall(text or "")
    if words:  # a sentence-initial capital is not a name
        words[0] = words[0][0].lower() + words[0][1:]
    return [
        w
        for w in words
        if w.islower() and len(w) >= 4 and w not in STOPWORDS and w not in _CUE_WORDS
    ]


ABSENT_HEAD_WORDS = 3


def absence_about_claim(claim: str, text: str, *, window: int = 120) -> bool:
    """Whether what an observer did not find (the first ``ABSENT_HEAD_WORDS`` common words
    after the cue) is named in the claim ("no *withdrawal*" / "the *withdrawal* goes on").

    Shared proper names are not enough: every statement about a conflict names its sides.
    """
    claim_words = _common_words(claim)
    for m in _ABSENCE_RE.finditer(text or ""):
        # The head of what was not found: the first common words after the cue
        # ("did not observe any military columns moving ...").
        head = _common_words(text[m.start() : m.end() + window])[:ABSENT_HEAD_WORDS]
        if any(_stem_match(w, c) for w in head for c in claim_words):
            return True
    return False


# Negations that deny what follows them ("not a single shell was fired", "did not shell").
_PREDICATE_NEGATIONS = frozenset(
    {"not", "no", "never", "nothing", "none", "nobody", "neither", "nor", "cannot"}
)
# After a negation these are about knowing or saying, not about the event: "could not
# confirm the shelling" doubts it (the questions rule), it does not deny it.
_EPISTEMIC = ("confirm", "verif", "comment", "respond", "know", "say", "said", "find", "found",
              "see", "seen", "establish", "rule", "exclud", "specif", "provide", "give")  # fmt: skip
NEGATION_WINDOW = 4
_QUANTIFIERS = frozenset({"single", "more", "longer", "further", "even", "ever", "once", "every"})
_NT_RE = re.compile(r"n[’']t\b", re.IGNORECASE)


def negated_claim_word(claim: str, text: str) -> bool:
    """Whether ``text`` negates an event the claim names by a common word.

    "Not a single *shell* was fired" / "Varnian artillery *shelled* Lerin": the first
    common word within ``NEGATION_WINDOW`` words after a negation (quantifiers such as
    "single" skipped) is a common word of the claim (same stem). A claim that is itself
    negated is left alone, and so is a negation of knowing or saying ("could not
    confirm the shelling" doubts, it does not deny).
    """
    claim_words = _common_words(claim)
    claim_toks = [w.lower() for w in _WORD_RE.findall(_NT_RE.sub(" not", claim or ""))]
    if not claim_words or any(_is_negation(t) for t in claim_toks):
        return False
    words = [w.lower() for w in _WORD_RE.findall(_NT_RE.sub(" not", text or ""))]
    for i, w in enumerate(words):
        if not _is_negation(w):
            continue
        after = words[i + 1 : i + 1 + NEGATION_WINDOW]
        if after[:1] in (["only"], ["just"], ["merely"]):
            continue  # "not only shelled Lerin, it hit Hollin too" affirms
        head = next(
            (
                t
                for t in after
                if len(t) >= 4
                and t not in STOPWORDS
                and t not in _CUE_WORDS
                and t not in _QUANTIFIERS
            ),
            None,
        )
        # The head of what is negated must be the claim's word: "nor any *loading* of
        # armoured vehicles" negates a movement, not the vehicles.
        if head is None or head.startswith(_EPISTEMIC):
            continue
        if any(_stem_match(head, c) for c in claim_words):
            return True
    return False


def _is_negation(token: str) -> bool:
    return token in _PREDICATE_NEGATIONS


def has_contrast(text: str) -> bool:
    """Whether ``text`` sets something against another ("despite", "contrary to", "but")."""
    return bool(_CONTRAST_RE.search(text or ""))


# Words that put the movement named after them out of the world of fact: a condition, a
# demand, a possibility ("talks only on condition that the troops withdraw", "if
# they leave", "Russia must pull back"). Movement named so is no report of movement.
IRREALIS_WORDS = frozenset(
    {
        "if",
        "unless",
        "whether",
        "would",
        "could",
        "might",
        "may",
        "must",
        "should",
        "condition",
        "conditions",
        "demand",
        "demands",
        "demanded",
        "demanding",
        "urge",
        "urged",
        "urges",
    }
)
# How many tokens before a word of direction such a word governs it.
IRREALIS_REACH = 6


def _moves(token: str) -> bool:
    """Whether a token is a word of movement or change (``AWAY_STEMS``, ``TOWARD_STEMS``)."""
    return any(token.startswith(s) for s in (*AWAY_STEMS, *TOWARD_STEMS))


def is_irrealis(text: str) -> bool:
    """Whether the first word of movement or change in ``text`` is named as a condition,
    demand or possibility (an ``IRREALIS_WORDS`` word at most ``IRREALIS_REACH`` tokens
    before it), not reported as a fact."""
    toks = tokens(text or "")
    for i, t in enumerate(toks):
        if _moves(t):
            return not IRREALIS_WORDS.isdisjoint(toks[max(0, i - IRREALIS_REACH) : i])
    return False


def direction_clash(claim: str, text: str, *, negation: bool = True) -> bool:
    """Whether claim and text describe movement or change in opposite directions.

    ``negation=False`` compares the words as written, ignoring negations: the direction of
    the thing an observer reports *not* to have seen.
    """
    c = _direction(tokens(claim), negation=negation)
    return c * _direction(tokens(text), negation=negation) < 0


# How many tokens either side of a word of direction the thing that moves is looked for.
DIRECTION_REACH = 4


def direction_near_claim(claim: str, text: str, *, reach: int = DIRECTION_REACH) -> bool:
    """Whether a word of movement or change in ``text`` has a word of the claim within
    ``reach`` tokens (or is one): the movement is of what the claim is about.

    "this cuts the time they would need to reinforce" names a change of time, not of the
    soldiers a claim has deployed; "forces remain deployed near the border" names the
    claim's border.
    """
    claim_words = [w for w in content_tokens(tokens(claim)) if w.isalpha()]
    for sentence in split_sentences(text):
        toks = tokens(sentence)
        for i, t in enumerate(toks):
            if not _moves(t):
                continue
            window = toks[max(0, i - reach) : i + reach + 1]
            if any(_stem_match(w, c) for w in window for c in claim_words):
                return True
    return False


def shares_subject(claim: str, text: str, *, at_least: int = 1) -> bool:
    """Whether two texts share ``at_least`` content words other than words of direction.

    The opposite-direction rule needs it: "Varnia has massed troops near the Rell" and
    "families have left the villages" move in opposite directions but share nothing
    they are about. One shared word is a weak test ("near the border" / "the border
    villages" pass it); it keeps "units pulling back from the border" / "forces remain
    deployed near the border", where the movers are named differently.
    """

    def words(s: str) -> set[str]:
        return {
            t
            for t in content_tokens(tokens(s))
            if not any(t.startswith(x) for x in (*AWAY_STEMS, *TOWARD_STEMS))
        }

    return len(words(claim) & words(text)) >= at_least


def denial_cues(text: str) -> int:
    """Count denial words (deny, false, hoax, baseless ...) in ``text``."""
    return len(_DENIAL_RE.findall(text or ""))


def content_tokens(toks: Sequence[str]) -> list[str]:
    """Drop stopwords and one-letter tokens."""
    return [t for t in toks if t not in STOPWORDS and len(t) > 1]


@dataclass
class PreparedText:
    """A text split into sentences, with its TF-IDF rows and per-sentence lexical counts."""

    text: str
    sentences: list[str]
    sent_tfidf: Any  # sparse CSR (n_sent, vocab), rows L2-normalised
    full_tfidf: Any  # sparse CSR (1, vocab)
    sent_tokens: list[list[str]]
    tokens: set[str]
    content: set[str]
    bigrams: set[tuple[str, str]]
    n_tokens: int
    lead3: set[str]
    # per sentence: token count, refute/hedge/support/negation counts, question cues
    counts: np.ndarray  # (n_sent, 6) float
    # per sentence: the token windows around each negation word
    neg_windows: list[list[frozenset[str]]]
    refute_words: list[dict[str, int]]


@dataclass
class PreparedClaim:
    """A claim's TF-IDF row and tokens."""

    text: str
    tfidf: Any
    content: list[str]
    bigrams: set[tuple[str, str]]
    n_tokens: int
    refute: int
    hedge: int
    neg: int

    def dense_tfidf(self) -> np.ndarray:
        """Return the claim's TF-IDF row as a dense vector (cheap products with CSR rows)."""
        return np.asarray(self.tfidf.toarray()).ravel()


def _bigrams(toks: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(toks, toks[1:], strict=False))


def _sentence_stats(
    sentence: str, toks: Sequence[str]
) -> tuple[list[float], list[frozenset[str]], dict[str, int]]:
    neg_windows: list[frozenset[str]] = []
    refute: dict[str, int] = {}
    n_ref = n_hedge = n_sup = n_neg = 0
    for i, t in enumerate(toks):
        if t in _REFUTE:
            n_ref += 1
            refute[t] = refute.get(t, 0) + 1
        if t in _HEDGE:
            n_hedge += 1
        if t in _SUPPORT:
            n_sup += 1
        if t in NEGATION_WORDS:
            n_neg += 1
            neg_windows.append(frozenset(toks[max(0, i - NEG_WINDOW) : i + NEG_WINDOW + 1]))
    row = [float(len(toks)), n_ref, n_hedge, n_sup, n_neg, float(question_cues(sentence))]
    return row, neg_windows, refute


def prepare_texts(texts: Sequence[str], tfidf: Any) -> list[PreparedText]:
    """Split and vectorise texts (one TF-IDF call for all sentences)."""
    sents = [split_sentences(t) or [""] for t in texts]
    flat = [s for ss in sents for s in ss]
    mat = tfidf.transform(flat).tocsr()
    full = tfidf.transform([t or "" for t in texts]).tocsr()
    out: list[PreparedText] = []
    pos = 0
    for i, (text, ss) in enumerate(zip(texts, sents, strict=True)):
        stoks = [tokens(s) for s in ss]
        all_toks = [t for st in stoks for t in st]
        stats = [_sentence_stats(s, st) for s, st in zip(ss, stoks, strict=True)]
        out.append(
            PreparedText(
                text=text,
                sentences=ss,
                sent_tfidf=mat[pos : pos + len(ss)],
                full_tfidf=full[i],
                sent_tokens=stoks,
                tokens=set(all_toks),
                content=set(content_tokens(all_toks)),
                bigrams=_bigrams(all_toks),
                n_tokens=len(all_toks),
                lead3={t for st in stoks[:3] for t in st},
                counts=np.array([row for row, _, _ in stats], dtype=np.float64),
                neg_windows=[w for _, w, _ in stats],
                refute_words=[r for _, _, r in stats],
            )
        )
        pos += len(ss)
    return out


def prepare_claims(claims: Sequence[str], tfidf: Any) -> list[PreparedClaim]:
    """Vectorise claims."""
    mat = tfidf.transform([c or "" for c in claims]).tocsr()
    out: list[PreparedClaim] = []
    for i, claim in enumerate(claims):
        toks = tokens(claim)
        content = content_tokens(toks)
        out.append(
            PreparedClaim(
                text=claim,
                tfidf=mat[i],
                content=content,
                bigrams=_bigrams(content),
                n_tokens=len(toks),
                refute=sum(t in _REFUTE for t in toks),
                hedge=sum(t in _HEDGE for t in toks),
                neg=sum(t in NEGATION_WORDS for t in toks),
            )
        )
    return out


def sentence_sims(text: PreparedText, claim_dense: np.ndarray) -> np.ndarray:
    """Return the TF-IDF cosine of each sentence of ``text`` with the claim."""
    return np.asarray(text.sent_tfidf @ claim_dense, dtype=np.float64).ravel()


def select_sentences(sims: np.ndarray, *, top_k: int = TOP_K) -> list[int]:
    """Return indices of the ``top_k`` highest ``sims``, best first (ties: earlier first)."""
    if sims.size == 0:
        return [0]
    return [int(i) for i in np.argsort(-sims, kind="stable")[:top_k]]


def sentences_to_embed(text: PreparedText, sims: np.ndarray, *, top_k: int = TOP_K) -> list[str]:
    """Return the sentences of ``text`` whose embeddings the pair's features need."""
    keep = list(dict.fromkeys([*select_sentences(sims, top_k=top_k), 0]))
    return [text.sentences[i] for i in keep]


def _neg_near(windows: Sequence[frozenset[str]], claim_words: set[str]) -> int:
    return sum(1 for w in windows if not w.isdisjoint(claim_words))


def pair_features(
    claim: PreparedClaim,
    text: PreparedText,
    claim_dense: np.ndarray,
    claim_vec: np.ndarray,
    sent_vecs: dict[str, np.ndarray],
    *,
    top_k: int = TOP_K,
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Return (scalar features, dense vector features, top sentence indices) of one pair.

    Args:
        claim: Prepared claim.
        text: Prepared text.
        claim_dense: :meth:`PreparedClaim.dense_tfidf` of the claim.
        claim_vec: MiniLM vector of the claim.
        sent_vecs: MiniLM vectors of (at least) :func:`sentences_to_embed`'s sentences.
        top_k: Number of claim-relevant sentences.
    """
    sims = sentence_sims(text, claim_dense)
    idx = select_sentences(sims, top_k=top_k)
    cos_full = float((text.full_tfidf @ claim_dense)[0])
    cwords = set(claim.content)
    n_c = max(1, len(cwords))
    best_toks = set(text.sent_tokens[idx[0]])
    vec_best = sent_vecs[text.sentences[idx[0]]]
    emb_top = [float(claim_vec @ sent_vecs[text.sentences[i]]) for i in idx]
    emb_lead = float(claim_vec @ sent_vecs[text.sentences[0]])

    tot = text.counts.sum(axis=0)
    top = text.counts[idx].sum(axis=0)
    n_all = max(1.0, float(tot[0]))
    n_top = max(1.0, float(top[0]))
    overlap = len(cwords & text.tokens)
    top_text = " ".join(text.sentences[i] for i in idx)
    scal = [
        cos_full,
        float(sims.max()) if sims.size else 0.0,
        float(np.mean(sims[idx])) if sims.size else 0.0,
        float(sims[0]) if sims.size else 0.0,
        overlap / n_c,
        len(claim.bigrams & text.bigrams) / max(1, len(claim.bigrams)),
        len(cwords & text.content) / max(1, len(cwords | text.content)),
        len(cwords & text.lead3) / n_c,
        len(cwords & best_toks) / n_c,
        max(emb_top),
        float(np.mean(emb_top)),
        emb_lead,
        math.log1p(len(text.sentences)),
        math.log1p(text.n_tokens),
        math.log1p(claim.n_tokens),
        idx[0] / max(1, len(text.sentences)),
        100.0 * tot[1] / n_all,
        100.0 * tot[2] / n_all,
        100.0 * tot[3] / n_all,
        100.0 * tot[5] / n_all,
        100.0 * top[1] / n_top,
        100.0 * top[2] / n_top,
        100.0 * top[3] / n_top,
        float(top[5]),
        float(sum(_neg_near(text.neg_windows[i], cwords) for i in idx)),
        100.0 * sum(_neg_near(w, cwords) for w in text.neg_windows) / n_all,
        float(claim.refute),
        float(claim.hedge),
        float(claim.text.rstrip().endswith("?")),
        float(claim.neg % 2),
        float((claim.neg % 2) != (int(top[4]) % 2)),
        float("?" in top_text),
        float(top_text.count('"') + top_text.count("\u201c") > 0),
    ]
    top_counts = dict.fromkeys(REFUTE_WORDS, 0)
    for i in idx:
        for w, k in text.refute_words[i].items():
            top_counts[w] += k
    scal.extend(float(top_counts[w]) for w in REFUTE_WORDS)
    dense = np.concatenate([claim_vec * vec_best, np.abs(claim_vec - vec_best), vec_best])
    return np.asarray(scal, dtype=np.float32), dense.astype(np.float32), idx


FEATURE_NAMES: tuple[str, ...] = SCALAR_NAMES + REFUTE_TOP_NAMES


# ---------------------------------------------------------------- contrast (short pairs)
# Word stems of opposite directions of change or movement. A claim on one side and a
# statement only on the other ("units are pulling back" / "the number of vehicles has
# increased", "troops remain deployed") disagree without a negation or a denial word.
AWAY_STEMS: tuple[str, ...] = (
    "withdr", "retreat", "pull", "leav", "left", "depart", "return", "away", "reduc", "decreas",
    "fewer", "declin", "shrink", "shrank", "disband", "demobil", "evacuat", "abandon", "dismantl",
)  # fmt: skip
TOWARD_STEMS: tuple[str, ...] = (
    "advanc", "deploy", "mass", "buildup", "increas", "grow", "grew", "expand", "remain", "stay",
    "reinforc", "arriv", "gather", "amass", "escalat", "bolster",
)  # fmt: skip
# Opposite pairs of single words (stems): (a, b) means a claim with a and a text with b clash.
ANTONYM_STEMS: tuple[tuple[str, str], ...] = (
    ("true", "false"), ("confirm", "den"), ("accept", "reject"), ("admit", "den"),
    ("guilty", "innocent"), ("alive", "dead"), ("win", "los"), ("won", "lost"),
    ("allow", "ban"), ("support", "oppos"), ("open", "clos"), ("start", "end"),
    ("began", "end"), ("real", "fake"), ("real", "hoax"), ("exist", "myth"),
    ("attack", "defen"), ("fire", "ceasefire"), ("shell", "no"), ("present", "absent"),
    ("succe", "fail"), ("legal", "illegal"), ("safe", "danger"), ("peace", "war"),
)  # fmt: skip
_CONTRAST_RE = re.compile(
    r"\b(?:contrary\s+to|despite|however|but|instead|in\s+fact|rather\s+than|although|"
    r"while|whereas|nevertheless|yet)\b",
    re.IGNORECASE,
)
_NEG_OBJECT_RE = re.compile(
    r"\b(?:no|not\s+(?:a|any|one)|nor\s+any|without|never|none\s+of)\s+((?:\w+\s+){0,2}\w+)",
    re.IGNORECASE,
)
CONTRAST_NAMES: tuple[str, ...] = (
    "dir_claim",
    "dir_text",
    "dir_clash",
    "antonym_clash",
    "neg_object_claim_word",
    "neg_count_text",
    "neg_parity_diff",
    "denial_text",
    "denial_claim",
    "question_text",
    "asked_text",
    "absence_text",
    "contrast_text",
    "short_len_ratio",
)


def _has_stem(toks: Sequence[str], stems: Sequence[str]) -> bool:
    return any(t.startswith(s) for t in toks for s in stems)


def _direction(toks: Sequence[str], *, negation: bool = True) -> int:
    """+1 when words of movement towards / growth dominate, -1 for away / decline, else 0.

    With ``negation``, a direction word within three tokens after a negation counts for
    the other side ("no withdrawal" is staying).
    """
    away = toward = 0
    for i, t in enumerate(toks):
        sign = 0
        if any(t.startswith(s) for s in AWAY_STEMS):
            sign = -1
        elif any(t.startswith(s) for s in TOWARD_STEMS):
            sign = 1
        # "no withdrawal", "did not leave": a negated movement points the other way.
        if sign and negation and not NEGATION_WORDS.isdisjoint(toks[max(0, i - 3) : i]):
            sign = -sign
        away += sign < 0
        toward += sign > 0
    return (toward > away) - (away > toward)


def _stem_match(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    if n < 4:
        return a == b
    k = 0
    while k < n and a[k] == b[k]:
        k += 1
    return k >= 5 or k == n


def contrast_features(claim: str, text: str) -> list[float]:
    """Features of disagreement between two short texts that need no denial word.

    Direction of change on opposite sides (AWAY_STEMS vs TOWARD_STEMS), antonym stems,
    a negated noun phrase naming a claim word ("no withdrawal", "not any shelling"),
    negation counts and parity, denial, doubt and contrast cues, and the length ratio.
    """
    ct = tokens(claim)
    tt = tokens(text)
    c_dir, t_dir = _direction(ct), _direction(tt)
    antonyms = 0
    for a, b in ANTONYM_STEMS:
        if (_has_stem(ct, (a,)) and _has_stem(tt, (b,))) or (
            _has_stem(ct, (b,)) and _has_stem(tt, (a,))
        ):
            antonyms += 1
    cwords = content_tokens(ct)
    neg_obj = 0
    for m in _NEG_OBJECT_RE.finditer(text or ""):
        words = tokens(m.group(1))
        if any(_stem_match(w, c) for w in words for c in cwords):
            neg_obj += 1
    c_neg = sum(t in NEGATION_WORDS for t in ct)
    t_neg = sum(t in NEGATION_WORDS for t in tt)
    return [
        float(c_dir),
        float(t_dir),
        float(c_dir * t_dir < 0),
        float(antonyms),
        float(neg_obj),
        float(t_neg),
        float((c_neg % 2) != (t_neg % 2)),
        float(denial_cues(text)),
        float(denial_cues(claim)),
        float(question_cues(text)),
        float(reported_question_cues(text)),
        float(observed_absence_cues(text)),
        float(len(_CONTRAST_RE.findall(text or ""))),
        len(tt) / max(1, len(ct)),
    ]
