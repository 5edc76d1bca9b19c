"""Claim identity: does a new statement join an existing claim or open a new one?

Linking asks whether a statement is *about* the same proposition as a claim;
whether it agrees is the stance stage's question. So "troops are pulling back"
and "troops are not pulling back" link to the same claim (the second will be
scored as a refutation), and so do "15 bodies found" and "43 bodies found"
(a number mismatch is a disagreement, not a different proposition). Different
events ("troops withdraw" vs "gas prices rose") must not link.

Decision for one statement (``link_statement``):

1. Search the ANN index for the ``k`` claims nearest in cosine similarity.
2. Score each candidate found in the lookup::

       score = cos
             - entity_weight * (1 - overlap)          # only when both sides have names
             + actor_weight  * [same claimant actor]  # other claimants are no penalty
             - time_weight   * clip((|days| - grace_days) / span_days, 0, 1)  # both dated

   ``overlap`` is the share of the smaller set of name tokens found in the other
   (tokens match exactly or by a shared prefix, so "russia" ~ "russian"); a shared
   number counts as half a match, a number on one side only is ignored. The
   entity term only ever *lowers* the score: sharing names is weak evidence of the
   same proposition ("Tesla builds a plant" / "Tesla recalls cars"), while
   different names in the same slot ("... from Kyiv" / "... from Kherson") are
   strong evidence of different ones.
3. Link to the best-scoring candidate if ``cos >= min_similarity`` and
   ``score >= threshold``; otherwise open a new claim (``claim_id=None``). When the
   two share names (entity ``overlap >= lexical_min_overlap``) and ``cos <
   lexical_check_below``, they must also share a content word (``content_words``:
   not a name, not a function word, crudely stemmed, so "withdrawal" ~
   "withdrawing"). Among reports on one conflict everything names the same states
   and places, which lifts the cosine of unrelated statements: "a fuel depot in
   Hollin was destroyed by an explosion" sits at 0.56 from "Varnian artillery
   shelled Lerin". Synonym paraphrases with different names ("Moscow is withdrawing
   its soldiers" / "Russian troops are pulling back") are not asked for a word.
4. Contradiction links: a refutation often shares a claim's names but few of its
   words ("the number of vehicles at Drovny has increased" vs "units are
   pulling back from Kasel"). When no candidate reaches the threshold, the best
   candidate with ``cos >= weak_min_similarity`` and entity ``overlap >=
   weak_min_overlap`` (and, when both are dated, at most ``time_grace_days``
   apart) is returned with ``weak=True``: the caller keeps it only if the stance
   model reads the statement as refuting or questioning the claim with
   confidence >= 0.5 (``keeps_weak_link``), and otherwise opens a new claim.
5. Article context: once an article relays or restates a claim (one of its
   statements linked to it by step 3), the article is about that claim, and its
   other sentences often carry the evidence without naming it ("we saw three fresh
   craters ...", "experts said the fragments were consistent with artillery fire").
   Such a statement of the same article, left unlinked, may link to that claim with
   ``cos >= context_min_similarity`` and no entity overlap of its own, unless it
   names only other things (``inherits_subject``); the caller keeps it only if the
   stance model reads it as supporting or refuting the claim with confidence >= 0.5
   (``keeps_context_link``), never merely discussing it.

The threshold was tuned on the development slice of the FNC-1-derived pairs
(``claimledger.eval.linking``); the weights are set by judgement where no
labelled data exists (actors, dates). docs/linking.md gives the figures.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from claimledger.extract.proposition import close_quotes
from claimledger.link.index import VectorIndex
from claimledger.records import Claim

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """What the linker needs to know about an existing claim."""

    claim_id: str
    text: str
    claimant_actor_id: str | None = None
    entities: frozenset[str] = frozenset()
    date: Date | None = None
    words: frozenset[str] | None = None  # ``content_words`` of the text; None: not checked
    first_seen: datetime | None = None  # when the claim was first made (``Claim.first_seen``)

    @classmethod
    def from_claim(cls, claim: Claim, *, entities: frozenset[str] | None = None) -> ClaimCandidate:
        """Build a candidate from a stored claim (entities from its text unless given)."""
        when = claim.first_seen.date() if claim.first_seen is not None else None
        ents = linking_entities(claim.text) if entities is None else entities
        return cls(
            claim.id,
            claim.text,
            claim.claimant_actor_id,
            ents,
            when,
            content_words(claim.text),
            claim.first_seen,
        )


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """Outcome of linking one statement.

    ``claim_id`` is ``None`` when the statement should open a new claim; then
    ``similarity`` and ``score`` describe the best rejected candidate (0 if none).
    """

    claim_id: str | None
    similarity: float
    score: float
    reason: str
    key: int | None = None  # index key of the chosen claim
    # A contradiction link: below the threshold but about the same names; it stands only
    # when the stance model reads the statement as refuting or questioning the claim.
    weak: bool = False


@dataclass(frozen=True, slots=True)
class LinkWeights:
    """Knobs of the decision formula (see the module docstring)."""

    min_similarity: float = 0.30
    # Off by default: on the FNC-1 dev slice every weight > 0 lowered F0.5 (see docs).
    entity_weight: float = 0.0
    actor_weight: float = 0.05
    time_weight: float = 0.15
    time_grace_days: int = 14
    time_span_days: int = 180
    # Contradiction links (see ``link_statement``): a statement below the threshold that
    # names the same things as a claim is offered to the stance model. None disables.
    weak_min_similarity: float | None = 0.35
    weak_min_overlap: float = 0.5
    # Article context (see ``inherits_subject``): a statement of an article that already
    # relays a claim may link to it at this cosine without its own names. None disables.
    context_min_similarity: float | None = 0.35
    # Below this cosine an ordinary link between texts sharing names (entity overlap at
    # least ``lexical_min_overlap``) needs a shared content word too (see step 3 of the
    # module docstring). None disables.
    lexical_check_below: float | None = 0.7
    lexical_min_overlap: float = 0.5


# Tuned on the FNC-1-derived development slice for F0.5 (precision first); see docs/linking.md.
DEFAULT_THRESHOLD = 0.55
DEFAULT_K = 10
DEFAULT_WEIGHTS = LinkWeights()


class CandidateLookup(Protocol):
    """Anything that maps an index key to a candidate claim (a dict works)."""

    def get(self, key: int, /) -> ClaimCandidate | None:
        """Return the candidate stored under ``key``, or ``None``."""
        ...


# -------------------------------------------------------------------- scoring
@dataclass(frozen=True, slots=True)
class PairScore:
    """The parts of one statement-to-claim score."""

    similarity: float
    overlap: float | None
    same_actor: bool
    days_apart: int | None
    score: float
    shares_words: bool | None = None  # None when either side's content words are unknown

    def describe(self) -> str:
        """Short human-readable account of the score."""
        parts = [f"cos={self.similarity:.3f}"]
        parts.append("entities=n/a" if self.overlap is None else f"entities={self.overlap:.2f}")
        if self.shares_words is False:
            parts.append("no shared word")
        if self.same_actor:
            parts.append("same claimant")
        if self.days_apart is not None:
            parts.append(f"{self.days_apart}d apart")
        parts.append(f"score={self.score:.3f}")
        return ", ".join(parts)


def _numeric(token: str) -> bool:
    return token[:1].isdigit()


def _tokens_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if _numeric(a) or _numeric(b):
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    prefix = 0
    for x, y in zip(short, long_, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= 5 and prefix >= 0.75 * len(short)


def entity_overlap(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Share of the smaller set of name tokens that the other set also has.

    Numbers only ever add to the overlap: a shared number counts as half a match,
    a number on one side only is ignored (it is a disagreement, not a new topic).
    Returns ``None`` when either side has no name tokens.
    """
    names_a = {t for t in a if not _numeric(t)}
    names_b = {t for t in b if not _numeric(t)}
    if not names_a or not names_b:
        return None
    small, large = (names_a, names_b) if len(names_a) <= len(names_b) else (names_b, names_a)
    hits = sum(1 for t in small if any(_tokens_match(t, u) for u in large))
    shared_numbers = len({t for t in a if _numeric(t)} & {t for t in b if _numeric(t)})
    return min(1.0, (hits + 0.5 * shared_numbers) / len(small))


def score_pair(
    similarity: float,
    *,
    entities: frozenset[str],
    candidate_entities: frozenset[str],
    actor_id: str | None = None,
    candidate_actor_id: str | None = None,
    date: Date | None = None,
    candidate_date: Date | None = None,
    weights: LinkWeights = DEFAULT_WEIGHTS,
    words: frozenset[str] | None = None,
    candidate_words: frozenset[str] | None = None,
) -> PairScore:
    """Combine cosine similarity with entity, claimant and time evidence.

    Args:
        similarity: Cosine similarity of the two texts' embeddings.
        entities: Linking entities of the statement.
        candidate_entities: Linking entities of the claim.
        actor_id: Claimant actor of the statement, if known.
        candidate_actor_id: Claimant actor of the claim, if known.
        date: Date the statement refers to (or was published), if known.
        candidate_date: Date of the claim, if known.
        weights: Formula knobs.
        words: ``content_words`` of the statement (None: the lexical check is off).
        candidate_words: ``content_words`` of the claim (None: off).
    """
    overlap = entity_overlap(entities, candidate_entities)
    score = similarity
    if overlap is not None:
        score -= weights.entity_weight * (1.0 - overlap)
    same_actor = actor_id is not None and actor_id == candidate_actor_id
    if same_actor:
        score += weights.actor_weight
    days: int | None = None
    if date is not None and candidate_date is not None:
        days = abs((date - candidate_date).days)
        span = max(1, weights.time_span_days)
        score -= weights.time_weight * min(1.0, max(0.0, (days - weights.time_grace_days) / span))
    shares = None
    if words and candidate_words:
        shares = _shares_word(words, candidate_words)
    return PairScore(float(similarity), overlap, same_actor, days, float(score), shares)


def accepts(pair: PairScore, *, threshold: float, weights: LinkWeights = DEFAULT_WEIGHTS) -> bool:
    """Whether a scored pair is the same claim under ``threshold``."""
    if pair.similarity < weights.min_similarity or pair.score < threshold:
        return False
    below = weights.lexical_check_below
    if below is None or pair.similarity >= below or pair.shares_words is not False:
        return True
    # Only names shared: they lift the cosine of any two reports on one story, so
    # agreement beyond them is asked for. Without shared names ("Moscow is withdrawing
    # its soldiers" / "Russian troops are pulling back") the cosine stands on its own.
    return pair.overlap is None or pair.overlap < weights.lexical_min_overlap


# Stances that keep a contradiction link, and the confidence they need (the verdict
# policy's default ``min_confidence``: a weak link the engine would not count is noise).
WEAK_LINK_STANCES = frozenset({"refutes", "questions"})
WEAK_LINK_MIN_CONFIDENCE = 0.5


def keeps_weak_link(stance: str, confidence: float) -> bool:
    """Whether a contradiction link (``LinkDecision.weak``) stands given its stance."""
    return stance in WEAK_LINK_STANCES and confidence >= WEAK_LINK_MIN_CONFIDENCE


# Stances that keep an article-context link: it must take a side, since nothing but the
# article ties it to the claim (a sentence that merely "discusses" is background).
CONTEXT_LINK_STANCES = frozenset({"supports", "refutes"})
CONTEXT_LINK_MIN_CONFIDENCE = 0.5


def inherits_subject(
    similarity: float,
    *,
    entities: frozenset[str],
    claim_entities: frozenset[str],
    weights: LinkWeights = DEFAULT_WEIGHTS,
    words: frozenset[str] | None = None,
    claim_words: frozenset[str] | None = None,
) -> bool:
    """Whether a statement may link to a claim its own article relays (article context).

    The article already carries a paraphrase of the claim, so the statement need
    not name the claim's people and places; it must still be about the same kind of
    event (``similarity >= context_min_similarity``) and must not name only other
    things (when both sides have names, at least one is shared).

    Args:
        similarity: Cosine similarity of the statement and the claim.
        entities: ``linking_entities`` of the statement.
        claim_entities: ``linking_entities`` of the claim.
        weights: Formula knobs (``context_min_similarity``; ``None`` disables).
        words: ``content_words`` of the statement: when both sides have some, one must be
            shared ("craters consistent with artillery fire" / "artillery shelled Lerin");
            a biography line of the speaker shares none.
        claim_words: ``content_words`` of the claim.
    """
    if weights.context_min_similarity is None or similarity < weights.context_min_similarity:
        return False
    if words and claim_words and not _shares_word(words, claim_words):
        return False
    overlap = entity_overlap(entities, claim_entities)
    return overlap is None or overlap > 0.0


def keeps_context_link(stance: str, confidence: float) -> bool:
    """Whether an article-context link (see ``inherits_subject``) stands given its stance."""
    return stance in CONTEXT_LINK_STANCES and confidence >= CONTEXT_LINK_MIN_CONFIDENCE


def _weak_match(pair: PairScore, weights: LinkWeights) -> bool:
    """Whether a pair below the threshold may still be offered as a contradiction link."""
    return (
        weights.weak_min_similarity is not None
        and pair.similarity >= weights.weak_min_similarity
        and pair.overlap is not None
        and pair.overlap >= weights.weak_min_overlap
        # Names are shared by every report on one conflict: a word must be shared too.
        and pair.shares_words is not False
        # A contradiction is about the same moment: a dated pair must be within the grace.
        and (pair.days_apart is None or pair.days_apart <= weights.time_grace_days)
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A claim from the index, scored against a statement."""

    pair: PairScore
    key: int
    claim: ClaimCandidate


def _scored(
    vec: npt.NDArray[np.float32],
    *,
    actor_id: str | None,
    entities: frozenset[str],
    date: Date | None,
    index: VectorIndex,
    candidates: Mapping[int, ClaimCandidate] | CandidateLookup,
    k: int,
    weights: LinkWeights,
    words: frozenset[str] | None,
) -> tuple[list[Candidate], float]:
    """The index's nearest claims scored against a statement, nearest first, and the cosine
    of the nearest key (0 when the index returned none)."""
    keys, dists = index.search(vec, k)
    nearest = 1.0 - float(dists[0, 0]) if keys[0, 0] >= 0 else 0.0
    out: list[Candidate] = []
    for key, dist in zip(keys[0].tolist(), dists[0].tolist(), strict=True):
        if key < 0:
            break
        cand = candidates.get(int(key))
        if cand is None:
            logger.debug("index key %d has no candidate claim; skipped", key)
            continue
        pair = score_pair(
            1.0 - float(dist),
            entities=entities,
            candidate_entities=cand.entities,
            actor_id=actor_id,
            candidate_actor_id=cand.claimant_actor_id,
            date=date,
            candidate_date=cand.date,
            weights=weights,
            words=words,
            candidate_words=cand.words,
        )
        out.append(Candidate(pair, int(key), cand))
    return out, nearest


def _usable(vec: npt.NDArray[np.float32], index: VectorIndex) -> bool:
    return bool(vec.size == index.dim and np.all(np.isfinite(vec)) and np.any(vec))


def scored_candidates(
    vector: npt.ArrayLike,
    *,
    actor_id: str | None,
    entities: frozenset[str],
    date: Date | None,
    index: VectorIndex,
    candidates: Mapping[int, ClaimCandidate] | CandidateLookup,
    k: int = DEFAULT_K,
    threshold: float = DEFAULT_THRESHOLD,
    weights: LinkWeights = DEFAULT_WEIGHTS,
    words: frozenset[str] | None = None,
) -> tuple[list[Candidate], Candidate | None]:
    """The index's claims a statement may link to, best first, and the best contradiction
    candidate (below the threshold but about the same names; see ``link_statement``).

    Returns ``([], None)`` for an unusable vector or an empty index.
    """
    vec = np.asarray(vector, dtype=np.float32).reshape(-1)
    if not _usable(vec, index) or len(index) == 0:
        return [], None
    scored, _ = _scored(
        vec,
        actor_id=actor_id,
        entities=entities,
        date=date,
        index=index,
        candidates=candidates,
        k=k,
        weights=weights,
        words=words,
    )
    accepted: list[Candidate] = []
    weak: Candidate | None = None
    for found in scored:
        pair = found.pair
        if _weak_match(pair, weights) and (weak is None or pair.score > weak.pair.score):
            weak = found
        if pair.similarity >= weights.min_similarity and accepts(
            pair, threshold=threshold, weights=weights
        ):
            accepted.append(found)
    accepted.sort(key=lambda c: (-c.pair.score, c.claim.claim_id))
    # One entry per claim (a claim's members share its id): its best-scored way in.
    best: list[Candidate] = []
    seen: set[str] = set()
    for found in accepted:
        if found.claim.claim_id not in seen:
            seen.add(found.claim.claim_id)
            best.append(found)
    return best, weak


def link_statement(
    stmt_text: str,
    vector: npt.ArrayLike,
    *,
    actor_id: str | None,
    entities: frozenset[str],
    date: Date | None,
    index: VectorIndex,
    candidates: Mapping[int, ClaimCandidate] | CandidateLookup,
    k: int = DEFAULT_K,
    threshold: float = DEFAULT_THRESHOLD,
    weights: LinkWeights = DEFAULT_WEIGHTS,
    words: frozenset[str] | None = None,
) -> LinkDecision:
    """Decide whether a check-worthy statement joins an existing claim.

    Args:
        stmt_text: The statement's text (used only in log messages).
        vector: Its embedding, shape ``(dim,)`` (L2-normalised MiniLM).
        actor_id: The statement's claimant actor, if resolved.
        entities: ``linking_entities`` of the statement.
        date: The date the statement refers to (or its article's date).
        index: ANN index of claim vectors keyed like ``candidates``.
        candidates: Index key -> candidate claim (tracked claims included).
        k: Neighbours fetched from the index.
        threshold: Minimum combined score to link.
        weights: Formula knobs.
        words: ``content_words`` of the statement (None: no lexical check).

    Returns:
        The chosen claim, or ``claim_id=None`` to open a new claim.
    """
    vec = np.asarray(vector, dtype=np.float32).reshape(-1)
    if not _usable(vec, index):
        return LinkDecision(None, 0.0, 0.0, "no usable embedding (empty text?)")
    if len(index) == 0:
        return LinkDecision(None, 0.0, 0.0, "ledger has no claims yet")
    scored, nearest = _scored(
        vec,
        actor_id=actor_id,
        entities=entities,
        date=date,
        index=index,
        candidates=candidates,
        k=k,
        weights=weights,
        words=words,
    )
    best: tuple[PairScore, int, ClaimCandidate] | None = None
    weak: tuple[PairScore, int, ClaimCandidate] | None = None
    for found in scored:
        pair, key, cand = found.pair, found.key, found.claim
        if _weak_match(pair, weights) and (weak is None or pair.score > weak[0].score):
            weak = (pair, key, cand)
        if pair.similarity < weights.min_similarity:
            continue
        ok = accepts(pair, threshold=threshold, weights=weights)
        # A pair refused only for sharing no word is no candidate: the next one may be.
        if (best is None or pair.score > best[0].score) and (ok or pair.score < threshold):
            best = (pair, key, cand)
    if (best is None or best[0].score < threshold) and weak is not None:
        pair, key, cand = weak
        logger.debug("weak link %r to %s (%s)", stmt_text[:60], cand.claim_id, pair.describe())
        return LinkDecision(
            cand.claim_id,
            pair.similarity,
            pair.score,
            f"contradiction candidate below threshold {threshold:.2f}: {pair.describe()}",
            key,
            weak=True,
        )
    if best is None:
        return LinkDecision(
            None, nearest, nearest, f"no claim within cos >= {weights.min_similarity:.2f}"
        )
    pair, key, cand = best
    if pair.score >= threshold:
        logger.debug("linked %r to %s (%s)", stmt_text[:60], cand.claim_id, pair.describe())
        return LinkDecision(cand.claim_id, pair.similarity, pair.score, pair.describe(), key)
    return LinkDecision(
        None,
        pair.similarity,
        pair.score,
        f"best {cand.claim_id} below threshold {threshold:.2f}: {pair.describe()}",
    )


# -------------------------------------------------------------- content words
# "..., despite Tarsk's announcement that it was withdrawing troops": a concessive tail is
# background the speaker grants, not what the statement asserts. Only a comma-led
# "despite" / "in spite of" / "notwithstanding" phrase that ends the text (one sentence)
# is cut, with at least four words before it; "although" and "even though" open clauses
# that may carry the assertion ("even though the talks failed, troops would stay").
_CONCESSIVE = re.compile(
    r"^(?P<head>(?:\S+\s+){3,}?\S+?),\s+(?:despite|in spite of|notwithstanding)\b[^.!?]*[.!?]?\s*$",
    re.IGNORECASE,
)
_THAT_END = re.compile(r"\b(?:that|whether|if)$", re.IGNORECASE)


def main_clause(text: str) -> str:
    """``text`` without a trailing concessive phrase (", despite X")."""
    m = _CONCESSIVE.match(text) if isinstance(text, str) else None
    if m is None:
        return text
    head = m.group("head").rstrip(" ,;")
    return text if _THAT_END.search(head) else head


# Inflectional and common derivational endings, longest first: enough to match
# "withdrawal" with "withdrawing" and "shelled" with "shelling", not "river" with
# "riverbank" (a compound is another word).
_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "als", "al",
    "ers", "er", "ies", "ied", "es", "ed", "ly", "s", "e", "n",
)  # fmt: skip


# Inflections may leave a three-letter stem ("fired" ~ "fire", "hits" ~ "hit"); longer
# endings need four letters before them ("region" is not "reg-ion").
_SHORT_STEM_SUFFIXES = frozenset({"s", "es", "ed", "e"})


def _stem(word: str) -> str:
    for suf in _SUFFIXES:
        least = 3 if suf in _SHORT_STEM_SUFFIXES else 4
        if word.endswith(suf) and len(word) - len(suf) >= least:
            return word[: -len(suf)]
    return word


_CONTENT_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w.,]*")


# A capitalised first word is kept with this mark: it counts only against the same
# word written in lower case in the other text (then it is an ordinary word).
_FIRST = "^"


# First parts of a hyphenated word that change what the rest means ("de-escalation" is
# not escalation, "non-nuclear" not nuclear): such a word stays whole.
_PREFIXES = frozenset(
    "de non anti pro ex un re self so co pre post semi multi counter well ill over under".split()
)


def _compound_parts(word: str) -> list[str]:
    """A word, or a hyphenated compound's parts with it: "largest-ever" says what "largest
    ever" says. Not a number, a name ("U.S.-led") or a prefixed word ("de-escalation")."""
    parts = [p for p in word.split("-") if p]
    if len(parts) < 2 or word[0].isdigit() or not word[0].islower():
        return [word]
    if parts[0].lower() in _PREFIXES or any(not p[0].islower() for p in parts):
        return [word]
    return [word, *parts]


def content_words(text: str) -> frozenset[str]:
    """Stems of the words of ``text``'s main clause that are neither names nor function words.

    A capitalised word is a name (left to ``linking_entities``), except perhaps the
    first: "Units deployed ..." starts with an ordinary word, "Ostrela had asked
    ..." with a name. The first word is kept marked (``^units``) and
    ``_shares_word`` matches it only with the same stem in lower case in the other
    text. Words of two letters or fewer are dropped; the rest are crudely stemmed.
    A Title Case text (a headline) says nothing by its capitals: it has no content
    words, and the lexical check is skipped for it.
    """
    if not isinstance(text, str):
        return frozenset()
    words = [part for w in _CONTENT_WORD.findall(main_clause(text)) for part in _compound_parts(w)]
    long_words = [w for w in words if len(w) > 3 and not w[0].isdigit()]
    if long_words and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words):
        return frozenset()
    out: set[str] = set()
    for i, w in enumerate(words):
        if w[0].isdigit() or (i and w[0].isupper()):
            continue
        t = _norm_name(w)
        if len(t) > 2 and t not in _STOP and (stem := _stem(t)) not in _STOP:
            out.add((_FIRST if w[0].isupper() else "") + stem)
    return frozenset(out)


def _shares_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two ``content_words`` sets share a word (a marked first word only counts
    against the same word unmarked on the other side)."""
    plain_a = {w for w in a if not w.startswith(_FIRST)}
    plain_b = {w for w in b if not w.startswith(_FIRST)}
    if plain_a & plain_b:
        return True
    return any(w[1:] in plain_b for w in a - plain_a) or any(w[1:] in plain_a for w in b - plain_b)


# ------------------------------------------------------------------- entities
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
_NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
_STOP = frozenset(
    """a an the and or but if of in on at to for from by with without about as into over under
    after before during since until than then that this these those there here it its it's he she
    they we you i me him her them us our your their his my mine who whom whose which what when
    where why how is are was were be been being am do does did done has have had having will would
    shall should can could may might must not no nor yes so too very just also only even still yet
    all any some each every both few more most other such own same new old says said say tells
    told report reports reported according mr mrs ms dr sir st breaking update exclusive video
    watch photos live first last one two three four five six seven eight nine ten monday tuesday
    wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today yesterday tomorrow week month year""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.\-]*|\d[\d,.]*%?")
_NUM_TRAIL = re.compile(r"[.,]+$")


def _norm_name(token: str) -> str:
    t = token.lower().replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    t = t.replace(".", "").strip("'-")
    return t


def _norm_number(token: str) -> str:
    t = _NUM_TRAIL.sub("", token.replace(",", ""))
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t


# Upper-case forms of these are country/union names, not the pronoun "us" etc.
_ACRONYMS = frozenset({"us", "uk", "un", "eu"})


def _keep_name(t: str, raw: str = "") -> bool:
    if t in _ACRONYMS and raw.replace(".", "").isupper():
        return True
    return len(t) > 1 and t not in _STOP


def _entities_from_doc(doc: Any) -> frozenset[str]:
    out: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in _NAME_LABELS:
            out.update(t for tok in ent if _keep_name(t := _norm_name(tok.text), tok.text))
        elif ent.label_ in _NUMBER_LABELS:
            out.update(_norm_number(tok.text) for tok in ent if tok.text[:1].isdigit())
    for tok in doc:
        if tok.pos_ == "PROPN" and tok.text[:1].isalpha():
            name = _norm_name(tok.text)
            if _keep_name(name, tok.text):
                out.add(name)
        elif tok.text[:1].isdigit() and tok.like_num:
            out.add(_norm_number(tok.text))
    return frozenset(t for t in out if t)


def _entities_from_text(text: str) -> frozenset[str]:
    # Every capitalised non-stopword counts. In Title Case headlines that takes in
    # ordinary words too, which still works as a topical signal.
    words = _WORD.findall(text)
    out: set[str] = set()
    for w in words:
        if w[0].isdigit():
            num = _norm_number(w)
            if num:
                out.add(num)
            continue
        name = _norm_name(w)
        # A capitalised sentence-initial word is kept too: claims often start with
        # a name ("Russia will ..."); function words are removed by the stop list.
        if w[0].isupper() and _keep_name(name, w):
            out.add(name)
    return frozenset(out)


def linking_entities(text: str, doc: Any = None) -> frozenset[str]:
    """Lower-cased name tokens and numbers of ``text`` used to compare propositions.

    Multi-word names are split into tokens ("Pope Francis" -> {"pope", "francis"})
    so that partial mentions still overlap; possessives are dropped and numbers
    normalised ("1,000" -> "1000"). Dates are left to the time term.

    Args:
        text: The statement or claim text.
        doc: An optional spaCy ``Doc`` (or ``Span``) of ``text``: its named
            entities and proper nouns are used instead of the capitalisation
            heuristic, which avoids parsing again.
    """
    if not isinstance(text, str) or not text.strip():
        return frozenset()
    if doc is not None and hasattr(doc, "ents"):
        return _entities_from_doc(doc)
    return _entities_from_text(text)


# --------------------------------------------------------------- canonical text
_QUOTES = "\"'“”‘’«»„‚`"
_VERBS = (
    r"said|says|say|told\s+\w+(?:\s+\w+)?|tells\s+\w+|added|adds|claimed|claims|stated|states|"
    r"reported|reports|wrote|writes|insisted|insists|argued|argues|warned|warns|announced|"
    r"announces|alleged|alleges|asserted|asserts|noted|notes|declared|declares|explained|"
    r"explains|maintained|maintains|suggested|suggests|tweeted|posted|confirmed|confirms|"
    r"denied|denies"
)
# ", he said on Tuesday." / "," the ministry said in a statement" / ", said John Smith, a minister."
_TRAIL_ATTRIB = re.compile(
    rf"""[,;:]?[{_QUOTES}]?\s*[,;:]?\s*(?:
        (?:[^,;:"“”]{{1,60}}?\s)?(?:{_VERBS})\b[^"“”]{{0,80}}
      | (?:{_VERBS})\s[^"“”]{{1,80}}
      | according\s+to\s[^"“”]{{1,80}}
    )[.!]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TAIL = 240
_LEAD_THAT = re.compile(r"^(?:that|whether)\s+", re.IGNORECASE)
_WS = re.compile(r"\s+")


# A dash that trails the last stop of a sentence in translated agency copy ("a change of
# power in Kiev.-", the next quotation's dash run on): no word. The dash that opens a
# quotation or a bullet ("- If it depends on Russia, ...") stays: dropped, it moved the
# stance model off a monitors' bullet that refutes a pull-back in the sample corpus.
_EDGE_DASH = re.compile(r"(?<=[.!?])\s*[-–—]+$")


def canonical_text(statement_text: str, *, attribution: bool = True) -> str:
    """Return the canonical text of a claim opened from ``statement_text``.

    Normalises whitespace, removes a trailing attribution fragment (", he said",
    ", according to officials"; not with ``attribution`` False, for a text that already
    opens with its source and cue), surrounding quotation marks and a leading
    "that", and capitalises the first letter; a trailing full stop is dropped.
    Returns ``""`` for empty input.
    """
    if not isinstance(statement_text, str):
        return ""
    text = _WS.sub(" ", statement_text).strip()
    if not text:
        return ""
    # The fragment is at most ~170 characters: match on the tail only, so that a
    # huge input cannot make the regex scan quadratically.
    cut = max(0, len(text) - _TAIL)
    stripped = (text[:cut] + _TRAIL_ATTRIB.sub("", text[cut:])).strip()
    # Only drop the fragment when it followed a separator and something remains.
    if (
        attribution
        and stripped
        and len(stripped) >= 0.3 * len(text)
        and _had_separator(text, stripped)
    ):
        text = stripped
    text = _EDGE_DASH.sub("", text.strip(_QUOTES + " ")).strip()
    text = text.rstrip(",;: ").strip(_QUOTES + " ")
    text = _LEAD_THAT.sub("", text)
    text = text.strip(_QUOTES + " ")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return close_quotes(text)


def _had_separator(original: str, stripped: str) -> bool:
    rest = original[len(stripped) :].lstrip()
    return rest[:1] in set(",;:" + _QUOTES)


def candidates_from_claims(claims: Iterable[tuple[int, Claim]]) -> dict[int, ClaimCandidate]:
    """Build the key -> candidate lookup from ``(index key, claim)`` pairs."""
    return {key: ClaimCandidate.from_claim(claim) for key, claim in claims}
