"""Evidence linking: each statement's candidate claims, whether it restates a claim or
is evidence about it (claim identity at link time), article context, doubts about the
article's news and judgements, and the links written with their stances."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from claimledger.config import Config
from claimledger.extract.proposition import Proposition
from claimledger.link.relation import (
    CONTRAST_REACH,
    EVIDENCE_STANCES,
    Thresholds,
    keeps_article_reaction,
    keeps_evidence,
    opens_in_contrast,
    relation,
    relays,
    restated_stance,
)
from claimledger.pipeline.analyse import Analysed, as_vector
from claimledger.pipeline.claim_index import StoreCandidates
from claimledger.pipeline.report import ProcessReport
from claimledger.pipeline.statements import proposition_text, speaker_name
from claimledger.records import Article, Link, Statement, hash_id, is_known_actor
from claimledger.store.ledger import Ledger

if TYPE_CHECKING:
    from claimledger.link.linker import ClaimCandidate

log = logging.getLogger(__name__)


# A linked statement becomes a further way into its claim only when it is a
# close paraphrase: looser members would let claims drift into their neighbours.
MEMBER_SIMILARITY = 0.7


@dataclass(frozen=True, slots=True)
class Match:
    """A statement's candidate link to a claim, and the kind of link it would be."""

    statement: Statement
    claim_id: str
    key: int | None
    similarity: float
    claim_text: str
    weak: bool = False  # a contradiction link: kept only if the stance refutes or questions
    context: bool = False  # an article-context link: kept only if the stance takes a side
    # Evidence about the claim, not the claim itself (link/relation.py): kept only if the
    # stance takes a side, never a way into the claim; ``failed`` names the same-claim
    # rules the pair failed.
    evidence: bool = False
    failed: tuple[str, ...] = ()
    # A doubt about the article's own news: kept only if the stance refutes or questions.
    doubt: bool = False
    # The statement's speaker and the claim's claimant are known actors of one side.
    own_side: bool = False


class ClaimFacts:
    """Propositions and subject sides of candidate claims, read once per linking run.

    A claim opened in this run brings its statement's proposition; an older one is
    parsed from its stored text (already a self-contained proposition) when first met.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self._facts: dict[str, tuple[Proposition, str | None]] = {}

    def side(self, prop: Proposition, actor_id: str | None = None) -> str | None:
        """The state (or, failing that, the actor) a proposition's subject stands for."""
        return subject_side(prop, self.table, actor_id=actor_id)

    def put(self, claim_id: str, prop: Proposition, side: str | None) -> None:
        self._facts[claim_id] = (prop, side)

    def get(self, claim_id: str, text: str) -> tuple[Proposition, str | None]:
        found = self._facts.get(claim_id)
        if found is None:
            from claimledger.extract.attribution import load_nlp
            from claimledger.extract.claimhood import assess

            [(prop, _)] = assess([text], [None], nlp=load_nlp())
            found = (prop, self.side(prop))
            self._facts[claim_id] = found
        return found


def subject_side(prop: Proposition, table: Any, *, actor_id: str | None = None) -> str | None:
    """The state a proposition's subject acts for: that of the first name in it the actor
    table knows ("Moscow", "Russian troops" -> russia); the speaker's when the subject was
    resolved from the speaker (``actor_id``); None when unknown or no state's (reporters,
    satellite firms and monitors observe, they are not the doers a claim is about)."""
    for name in prop.subject_names:
        actor = table.resolve(name)
        if actor is not None and is_known_actor(actor.id):
            state = table.home_state(actor.id)
            return str(state) if state else None
    if actor_id is not None and prop.subject_names and prop.subject is not None:
        state = table.home_state(actor_id)
        return str(state) if state else None
    return None


def statement_side(an: Analysed, st: Statement, facts: ClaimFacts) -> str | None:
    prop = an.propositions.get(st.id)
    if prop is None:
        return None
    speaker = speaker_name(st)
    resolved = speaker is not None and prop.subject == speaker
    return facts.side(prop, st.actor_id if resolved else None)


def match_statements(
    an: Analysed,
    *,
    index: Any,
    lookup: StoreCandidates,
    config: Config,
    facts: ClaimFacts,
) -> tuple[list[Match], list[Statement]]:
    """Each embedded statement's best claim, as a same-claim or an evidence match.

    A statement that is only evidence about its claim is also returned as unmatched:
    it may open a claim of its own.
    """
    from claimledger.link.linker import content_words, scored_candidates

    matched: list[Match] = []
    unmatched: list[Statement] = []
    art = an.article
    bars = link_thresholds(config)
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None:
            continue
        accepted, weak = scored_candidates(
            as_vector(raw),
            actor_id=st.actor_id,
            entities=frozenset(an.entities.get(st.id, ())),
            date=st.time_resolved or (art.published.date() if art.published else None),
            index=index,
            candidates=lookup,
            k=config.link.k,
            threshold=min(config.link.threshold, bars.evidence),
            words=content_words(proposition_text(st.content_text)),
        )
        prop = an.propositions.get(st.id)
        if not accepted:
            if weak is not None:
                # A contradiction candidate: kept only if the stance refutes or questions.
                matched.append(
                    Match(
                        st,
                        weak.claim.claim_id,
                        weak.key,
                        weak.pair.similarity,
                        weak.claim.text,
                        weak=True,
                    )
                )
                if "EV_WEAK_OPENS" in config.claims.rules_off:
                    continue
            # A contradiction of one claim may be a claim of its own ("a fake video shows
            # a staged attack" against "Russia may attack at any moment"), as evidence is.
            unmatched.append(st)
            continue
        same: Match | None = None
        evidence: list[Match] = []
        rules_off: Sequence[str] = config.claims.rules_off
        if st.id in an.embedded:
            # "Moscow's claim that it was withdrawing forces" names a claim Moscow made
            # before, in the judge's words: its side must agree, its verb need not
            # ("withdrawing" for "pulling back").
            rules_off = (*rules_off, "SC_PREDICATE")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "candidates %s: %s",
                st.id,
                ", ".join(f"{c.claim.claim_id}@{c.pair.similarity:.2f}" for c in accepted),
            )
        # The statement's sides are the same against every candidate.
        stmt_side = statement_side(an, st, facts)
        said = known_side(facts.table, st.actor_id if st.attributed else None)
        for cand in accepted:
            cos = cand.pair.similarity
            claimed = known_side(facts.table, cand.claim.claimant_actor_id)
            kind, failed = _relation_to(
                prop,
                cand.claim,
                cos,
                facts=facts,
                sides=(stmt_side, said, claimed),
                thresholds=bars,
                rules_off=rules_off,
                days_apart=cand.pair.days_apart,
            )
            if prop is not None:
                if kind == "same" and cand.pair.score < config.link.threshold:
                    kind = "evidence"
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "relation %s -> %s: %s (cos %.2f, score %.2f, failed %s)",
                        st.id,
                        cand.claim.claim_id,
                        kind,
                        cos,
                        cand.pair.score,
                        ",".join(failed) or "-",
                    )
            if kind == "same" and same is None:
                same = Match(st, cand.claim.claim_id, cand.key, cos, cand.claim.text)
            elif (
                kind != "none"
                and len(evidence) < EVIDENCE_PER_STATEMENT
                and not _made_after(cand.claim, art)
            ):
                evidence.append(
                    Match(
                        st,
                        cand.claim.claim_id,
                        cand.key,
                        cos,
                        cand.claim.text,
                        evidence=True,
                        failed=tuple(failed),
                        own_side=said is not None and said == claimed,
                    )
                )
        matched.extend([same] if same is not None else [])
        matched.extend(evidence)
        if same is None:
            # Only evidence about other claims (or nothing): it may open a claim of its own.
            unmatched.append(st)
    return matched, unmatched


def link_thresholds(config: Config) -> Thresholds:
    """The relation bars of ``config.link``."""
    return Thresholds(
        same=config.link.same_similarity,
        same_own_side=config.link.same_own_side_similarity,
        evidence=config.link.evidence_similarity,
        same_within_days=config.link.same_within_days,
    )


def _relation_to(
    prop: Proposition | None,
    claim: ClaimCandidate,
    cos: float,
    *,
    facts: ClaimFacts,
    sides: tuple[str | None, str | None, str | None],
    thresholds: Thresholds,
    rules_off: Sequence[str],
    days_apart: int | None = None,
) -> tuple[str, list[str]]:
    """``relation`` of a statement's proposition to a candidate claim (a ``ClaimCandidate``).

    ``sides`` are the statement's subject side, its speaker's side and the claimant's side.
    A statement without a proposition restates its candidate: only the cosine spoke.
    """
    if prop is None:
        return "same", []
    stmt_side, said, claimed = sides
    claim_prop, claim_side = facts.get(claim.claim_id, claim.text)
    kind, failed = relation(
        cos,
        prop,
        claim_prop,
        stmt_side=stmt_side,
        claim_side=claim_side,
        thresholds=thresholds,
        rules_off=rules_off,
        speakers=(said, claimed),
        days_apart=days_apart,
    )
    return kind, failed


def _made_after(claim: Any, article: Article) -> bool:
    """Whether a claim was first made after ``article`` was published: no evidence about it.

    Linking in publication order never sees such a claim; writers linking concurrently, or
    an archive ingested after newer news, would, and the ledger would depend on the order
    articles happened to be linked in.
    """
    made, published = claim.first_seen, article.published
    return made is not None and published is not None and made > published


# Claims a statement may be evidence about besides the one it restates.
EVIDENCE_PER_STATEMENT = 3


def context_matches(
    an: Analysed,
    statements: Sequence[Statement],
    relayed: Sequence[Match],
    *,
    ledger: Ledger,
    session: Any,
    tried: set[tuple[str, str]],
) -> list[Match]:
    """Article context: unlinked statements of an article offered to the claim it relays.

    ``relayed`` are the article's kept, ordinary (not contradiction) links. When they
    all go to one claim, a close paraphrase of it is in the article and the article
    is about it, so its other sentences may carry evidence without naming it
    (``linker.inherits_subject``); the caller keeps such a link only on a confident
    supporting or refuting stance (``linker.keeps_context_link``). An article that
    relays several claims has no single subject for a nameless sentence to inherit:
    nothing is offered.
    """
    from claimledger.link.linker import content_words, inherits_subject

    subjects = {m.claim_id: m.key for m in relayed}
    if len(subjects) != 1:
        return []
    [(claim_id, key)] = subjects.items()
    found = ledger.claim_vector(session, claim_id)
    if found is None:
        return []
    claim_text, raw_claim, entities = found
    claim_vec, claim_ents = as_vector(raw_claim), frozenset(entities)
    claim_words = content_words(claim_text)
    out: list[Match] = []
    for st in statements:
        raw = an.vectors.get(st.id)
        if raw is None or (st.id, claim_id) in tried:
            continue
        cos = float(as_vector(raw) @ claim_vec)
        ents = frozenset(an.entities.get(st.id, ()))
        if inherits_subject(
            cos,
            entities=ents,
            claim_entities=claim_ents,
            words=content_words(proposition_text(st.content_text)),
            claim_words=claim_words,
        ):
            out.append(Match(st, claim_id, key, cos, claim_text, context=True))
    return out


def article_evidence(
    an: Analysed,
    opened: Sequence[Match],
    *,
    ledger: Ledger,
    session: Any,
    lookup: StoreCandidates,
    config: Config,
    facts: ClaimFacts,
) -> list[Match]:
    """Evidence about the claims an article opens, from the article's other sentences
    (``EV_SAME_ARTICLE``).

    The index is searched before the article opens its claims, so a story that reports a
    claim and then its reactions ("Moscow says it is pulling back"; "NATO sees no signs of
    it") would never put the reactions on the claim. Each statement of the article is
    offered each claim the article opened, as a candidate from the index would be: the
    same relation bars, at most ``EVIDENCE_PER_STATEMENT`` claims per statement, and
    ``link_reports`` keeps a pair only on a stance that takes a side (``keeps_evidence``).
    The claims the article restates were in the index when it was searched (tried: offering
    them again here changed nothing on the real-news dev gold).
    """
    if not opened or "EV_SAME_ARTICLE" in config.claims.rules_off:
        return []
    bars = link_thresholds(config)
    claims = []
    for m in opened:
        cand = lookup.get(m.key) if m.key is not None else None
        if cand is None:
            continue
        linked = ledger.linked_statement_ids(session, m.claim_id)
        claims.append((m, cand, as_vector(an.vectors[m.statement.id]), linked))
    out: list[Match] = []
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None:
            continue
        vec = as_vector(raw)
        prop = an.propositions.get(st.id)
        stmt_side = statement_side(an, st, facts)
        said = known_side(facts.table, st.actor_id if st.attributed else None)
        found: list[Match] = []
        for m, cand, claim_vec, linked in claims:
            if st.id in linked:
                continue
            cos = float(vec @ claim_vec)
            if cos < bars.evidence:
                log.debug("same article %s -> %s: below the bar (cos %.2f)", st.id, m.claim_id, cos)
                continue
            claimed = known_side(facts.table, cand.claimant_actor_id)
            kind, failed = _relation_to(
                prop,
                cand,
                cos,
                facts=facts,
                sides=(stmt_side, said, claimed),
                thresholds=bars,
                rules_off=config.claims.rules_off,
            )
            log.debug(
                "same article %s -> %s: %s (cos %.2f, failed %s)",
                st.id,
                m.claim_id,
                kind,
                cos,
                ",".join(failed) or "-",
            )
            if kind == "none":
                continue
            found.append(
                Match(
                    st,
                    m.claim_id,
                    m.key,
                    cos,
                    m.claim_text,
                    evidence=True,
                    failed=tuple(failed),
                    own_side=said is not None and said == claimed,
                )
            )
        found.sort(key=lambda x: -x.similarity)
        out.extend(found[:EVIDENCE_PER_STATEMENT])
    return out


def doubt_matches(
    an: Analysed, *, ledger: Ledger, session: Any, rules_off: Sequence[str] = ()
) -> list[Match]:
    """The article's own news and the doubts about it that follow (the usual shape of a
    story: a party announces, the other side asks for proof, an observer sees no sign).

    The claim the headline's statement asserts or reports is offered every other
    statement of the article about the same kind of event (cosine at least the article
    context's bar) that is not yet linked to it; ``link_reports`` keeps those whose
    stance refutes or questions it.
    """
    from claimledger.link.linker import DEFAULT_WEIGHTS
    from claimledger.stance.doubt import doubt_rules

    if not an.headline or DEFAULT_WEIGHTS.context_min_similarity is None:
        return []
    [head_id] = sorted(an.headline)
    head = next(st for st in an.statements if st.id == head_id)
    claim_ids = ledger.restated_claim_ids(session, head_id)
    if len(claim_ids) != 1:
        return []
    [claim_id] = claim_ids
    found = ledger.claim_vector(session, claim_id)
    if found is None:
        return []
    claim_text, raw_claim, _ = found
    linked = ledger.linked_statement_ids(session, claim_id)
    claim_vec = as_vector(raw_claim)
    out = []
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None or st.id in linked or st.id == head.id:
            continue
        cos = float(as_vector(raw) @ claim_vec)
        # A doubt cue needs no words of the claim: "we will see, then we will believe".
        if cos >= DEFAULT_WEIGHTS.context_min_similarity or doubt_rules(
            st.content_text, off=rules_off
        ):
            out.append(Match(st, claim_id, None, cos, claim_text, doubt=True))
    return out


# How sure a judgement read off a cue ("false", "cannot verify") is: above the verdict
# policy's default ``min_confidence``, below a model's confident call.
JUDGEMENT_CONFIDENCE = 0.8


def link_judgements(
    an: Analysed,
    *,
    ledger: Ledger,
    session: Any,
    table: Any,
    report: ProcessReport,
    rules_off: Sequence[str] = (),
) -> None:
    """Link each judging statement to the claim its embedded claim asserts or reports.

    A judgement of "such claims" or "these accusations" (``Judgement.plural``) also reaches
    the like claims the same side made earlier in the article (``EV_PLURAL_ANAPHOR``): the
    Kremlin ridiculing "such claims" after two Ukrainian leaders' warnings of a world war
    judges both warnings.
    """
    for j in an.judgements:
        claim_ids = set(ledger.restated_claim_ids(session, j.embedded_id))
        if j.plural and "EV_PLURAL_ANAPHOR" not in rules_off:
            claim_ids |= _like_claims(an, j.embedded_id, claim_ids, ledger, session, table)
        for claim_id in sorted(claim_ids):
            _put_evidence(
                an,
                j.outer_id,
                claim_id,
                j.stance,
                JUDGEMENT_CONFIDENCE,
                similarity=1.0,
                ledger=ledger,
                session=session,
                report=report,
            )


# How like the claim an anaphor refers back to another claim must be to share its judgement.
LIKE_CLAIM_SIMILARITY = 0.5


def _like_claims(
    an: Analysed,
    embedded_id: str,
    referred: set[str],
    ledger: Ledger,
    session: Any,
    table: Any,
) -> set[str]:
    """Claims that statements before ``embedded_id``, of its speaker's side, assert or
    report, at cosine ``LIKE_CLAIM_SIMILARITY`` or more to a claim in ``referred``."""
    by_id = {st.id: st for st in an.statements}
    target = by_id.get(embedded_id)
    if target is None or not referred:
        return set()
    side = known_side(table, target.actor_id if target.attributed else None)
    if side is None:
        return set()
    vectors = [
        as_vector(found[1])
        for cid in sorted(referred)
        if (found := ledger.claim_vector(session, cid)) is not None
    ]
    out: set[str] = set()
    for st in an.statements:
        if st.content[0] >= target.content[0] or not st.attributed:
            continue
        if known_side(table, st.actor_id) != side:
            continue
        for cid in ledger.restated_claim_ids(session, st.id):
            found = ledger.claim_vector(session, cid)
            if cid in referred or found is None:
                continue
            vec = as_vector(found[1])
            if any(float(vec @ v) >= LIKE_CLAIM_SIMILARITY for v in vectors):
                out.add(cid)
    return out


def _put_evidence(
    an: Analysed,
    statement_id: str,
    claim_id: str,
    stance: str,
    confidence: float,
    *,
    similarity: float,
    ledger: Ledger,
    session: Any,
    report: ProcessReport,
) -> None:
    """Write an evidence link whose stance was read off the text, not the stance model."""
    link = Link(
        id=hash_id(claim_id, statement_id, prefix="l"),
        claim_id=claim_id,
        article_id=an.article.id,
        stance=stance,  # type: ignore[arg-type]
        confidence=confidence,
        similarity=similarity,
        statement_id=statement_id,
        role="evidence",
    )
    if ledger.put_link(session, link):
        report.links += 1
        ledger.mark_dirty(session, claim_id)


def link_mutual(
    an: Analysed,
    *,
    ledger: Ledger,
    session: Any,
    table: Any,
    report: ProcessReport,
    rules_off: Sequence[str] = (),
) -> None:
    """Two claims of one article that contradict each other are evidence about each other
    (``EV_MUTUAL``).

    A statement S that opens or reports a claim of its own and refutes or questions a claim
    T of the same article (an evidence link) is contradicted by T's statement in turn: "it
    is not certain that an attack will come" questions "there is a distinct possibility of
    an invasion in February", and that possibility questions the doubt. Linking runs in
    reading order, so only the later statement reached the earlier claim; the story may put
    either first. T's statements get the same stance and confidence towards S's claim, when
    the two speakers are known actors of different sides: one side's statements set against
    each other are the stance model misreading a story's topics, not a dispute.
    """
    if "EV_MUTUAL" in rules_off:
        return
    side = {
        st.id: known_side(table, st.actor_id if st.attributed else None) for st in an.statements
    }
    links = ledger.article_links(session, an.article.id)
    asserts: dict[str, set[str]] = {}  # statement id -> claims it asserts or reports
    by_claim: dict[str, set[str]] = {}  # claim id -> statements here asserting or reporting it
    for lk in links:
        if lk.statement_id and lk.role in ("assertion", "report"):
            asserts.setdefault(lk.statement_id, set()).add(lk.claim_id)
            by_claim.setdefault(lk.claim_id, set()).add(lk.statement_id)
    linked = {(lk.statement_id, lk.claim_id) for lk in links}
    for lk in links:
        if lk.role != "evidence" or lk.stance not in ("refutes", "questions"):
            continue
        for own in sorted(asserts.get(lk.statement_id or "", ())):
            for other in sorted(by_claim.get(lk.claim_id, ())):
                if own == lk.claim_id or other == lk.statement_id or (other, own) in linked:
                    continue
                ours, theirs = side.get(lk.statement_id or ""), side.get(other)
                if ours is None or theirs is None or ours == theirs:
                    continue
                linked.add((other, own))
                _put_evidence(
                    an,
                    other,
                    own,
                    lk.stance,
                    lk.confidence,
                    similarity=lk.similarity,
                    ledger=ledger,
                    session=session,
                    report=report,
                )


# How sure a contrast's doubt is: enough to be shown and weighed as a doubt (the verdict
# policy's default ``min_confidence`` is 0.5), below a judgement read off a cue.
CONTRAST_CONFIDENCE = 0.6


_SENTENCE_ENDS = ("\n", ". ", "? ", "! ", '." ', ".” ")


def _sentence_start(text: str, st: Statement) -> int:
    """Where the sentence holding a statement's first span begins."""
    first = min(span[0] for span in (st.content, st.source, st.cue) if span is not None)
    found = ((text.rfind(mark, 0, first), mark) for mark in _SENTENCE_ENDS)
    return max([0] + [at + len(mark) for at, mark in found if at >= 0])


def _speaker_side(table: Any, actor_id: str) -> str:
    """The state a speaker speaks for, or the speaker itself (an agency, an analyst firm)."""
    return str(table.home_state(actor_id) or actor_id)


def known_side(table: Any, actor_id: str | None) -> str | None:
    """``_speaker_side`` of a known actor; None for none, an unknown or a guessed one."""
    if not is_known_actor(actor_id):
        return None
    return _speaker_side(table, actor_id)


def link_contrasts(
    an: Analysed,
    *,
    ledger: Ledger,
    session: Any,
    table: Any,
    report: ProcessReport,
    rules_off: Sequence[str] = (),
) -> None:
    """Link each statement that opens in contrast to the claim just before it (``EV_CONTRAST``).

    The usual story quotes one side's claim and then, with "But" or "though", another
    side whose words may not contradict it in so many ("But according to Janes, the
    troops are essentially deploying as close to ready to go as you can be" after "the
    force is there for a training exercise"). A statement of a known speaker whose
    sentence opens in contrast (``relation.opens_in_contrast``) questions the claim that
    the nearest earlier statement within ``CONTRAST_REACH`` asserts or reports, when that
    statement's known speaker is of another side. The stance model still decides when it
    is sure of a side (the confidence an evidence link needs): "supports" drops the link,
    "refutes" stands; otherwise it is a doubt (``questions``), which adds a reason to the
    claim's verdict and moves no status.
    """
    from claimledger.link.linker import main_clause
    from claimledger.stance.predict import predict_stance

    if "EV_CONTRAST" in rules_off:
        return
    text = an.article.text
    ordered = sorted(an.statements, key=lambda x: x.content[0])
    pairs: list[tuple[Statement, str, str]] = []
    for i, st in enumerate(ordered):
        if not (st.attributed and st.actor_id):
            continue
        start = _sentence_start(text, st)
        if not opens_in_contrast(text[start : start + 120]):
            continue
        before = [
            p
            for p in ordered[:i]
            if p.content[1] <= start and start - p.content[1] <= CONTRAST_REACH
        ]
        held = next(
            (
                (p, claims)
                for p in reversed(before)
                if (claims := ledger.restated_claim_ids(session, p.id))
            ),
            None,
        )
        if held is None:
            continue
        prev, claims = held
        if not (prev.attributed and prev.actor_id):
            continue
        if _speaker_side(table, prev.actor_id) == _speaker_side(table, st.actor_id):
            continue
        own = set(ledger.restated_claim_ids(session, st.id))
        # A pair already linked keeps its link: ``put_link`` writes no second one (one id).
        for claim_id in sorted(set(claims) - own):
            found = ledger.claim_vector(session, claim_id)
            if found is not None:
                pairs.append((st, claim_id, found[0]))
    if not pairs:
        return
    stances = predict_stance(
        [(main_clause(claim_text), _stance_text(an, st)) for st, _, claim_text in pairs]
    )
    for (st, claim_id, _), (stance, conf) in zip(pairs, stances, strict=True):
        if stance == "supports" and conf >= EVIDENCE_STANCES["supports"]:
            continue
        if stance != "refutes" or conf < EVIDENCE_STANCES["refutes"]:
            stance, conf = "questions", CONTRAST_CONFIDENCE
        _put_evidence(
            an,
            st.id,
            claim_id,
            stance,
            float(conf),
            similarity=0.0,
            ledger=ledger,
            session=session,
            report=report,
        )


def _stance_text(an: Analysed, st: Statement) -> str:
    """What a statement's stance towards a claim is read from.

    A denial whose proposition is its content negated ("Russia denied | it plans to
    invade" -> "Russia does not plan to invade") asserts that negation: the stance model
    reads the proposition, not "Russia denied it plans to invade", which it takes for a
    refutation even of the claim that Russia does not plan to invade. Otherwise the
    statement's own stance text (``stance.predict.statement_stance_text``).
    """
    from claimledger.extract.proposition import is_denial
    from claimledger.stance.predict import statement_stance_text

    prop = an.propositions.get(st.id)
    if prop is not None and st.attributed and prop.negated and is_denial(st.cue_text):
        return prop.text
    return statement_stance_text(st)


def _shared_words(st: Statement, claim_text: str) -> int:
    """How many content words a statement shares with a claim's text."""
    from claimledger.link.linker import content_words

    return len(content_words(proposition_text(st.content_text)) & content_words(claim_text))


def link_reports(
    an: Analysed,
    matched: list[Match],
    *,
    ledger: Ledger,
    session: Any,
    index: Any,
    lookup: StoreCandidates,
    report: ProcessReport,
    rules_off: Sequence[str] = (),
) -> list[Statement]:
    """Write report links with their stances; return statements the stance model found unrelated."""
    from claimledger.link.linker import (
        keeps_context_link,
        keeps_weak_link,
        main_clause,
    )
    from claimledger.stance.predict import predict_stance

    if not matched:
        return []
    # Stance towards what the claim asserts, not towards the background it concedes.
    stances = predict_stance(
        [(main_clause(m.claim_text), _stance_text(an, m.statement)) for m in matched]
    )
    unrelated: list[Statement] = []
    for m, (stance, conf) in zip(matched, stances, strict=True):
        st = m.statement
        if (
            stance == "unrelated"
            or (m.weak and not keeps_weak_link(stance, conf))
            or (m.context and not keeps_context_link(stance, conf))
            or (
                m.evidence
                and not keeps_evidence(
                    stance,
                    conf,
                    m.failed,
                    shared=_shared_words(st, m.claim_text),
                    similarity=m.similarity,
                    own_side=m.own_side,
                    rules_off=rules_off,
                )
            )
            or (
                m.doubt
                and not keeps_article_reaction(
                    stance, conf, shared=_shared_words(st, m.claim_text), rules_off=rules_off
                )
            )
        ):
            log.debug(
                "drop %s -> %s: %s %.2f (cos %.2f, failed %s)",
                st.id,
                m.claim_id,
                stance,
                conf,
                m.similarity,
                ",".join(m.failed) or "-",
            )
            # A dropped evidence link leaves its statement where it was (it is already
            # free to open a claim); a dropped restatement frees it.
            if not m.evidence:
                unrelated.append(st)
            continue
        # An outlet's sentence that names someone's report of the claim relays it ("a
        # patrol visited Lerin following reports that it had been shelled") without
        # asserting it (``relation.relays``).
        restates = not (m.evidence or m.weak or m.context or m.doubt) and (
            st.attributed or not relays(an.propositions.get(st.id))
        )
        # Dating and membership below still read the model's own stance: a restatement the
        # model read as mere discussion is a report on the claim, neither the repeat of a
        # prediction that dates it nor one of its ways in.
        modelled = stance
        if restates:
            stance = restated_stance(stance, rules_off=rules_off)
        link = Link(
            id=hash_id(m.claim_id, st.id, prefix="l"),
            claim_id=m.claim_id,
            article_id=an.article.id,
            stance=stance,
            confidence=float(conf),
            similarity=m.similarity,
            statement_id=st.id,
            role="evidence" if m.evidence or m.weak or m.context or m.doubt else "report",
        )
        report.links += int(ledger.put_link(session, link))
        ledger.mark_dirty(session, m.claim_id)
        # A report that repeats a prediction dates it; one that merely mentions a date
        # near a claim (a warning "as early as Wednesday" linked to a request) does not.
        if st.id in an.resolution and modelled == "supports":
            ledger.set_resolution_date(session, m.claim_id, an.resolution[st.id])
        # A refutation worded like the claim ("no withdrawal of units from Kasel") is not
        # a paraphrase: as a member it would pull unrelated statements into the claim.
        # Nor does a context link: it is evidence about the claim, not a way of saying it.
        if (
            m.similarity >= MEMBER_SIMILARITY
            and modelled == "supports"
            and not m.context
            and not m.evidence
        ):
            raw = an.vectors[st.id]
            member = ledger.add_member(session, m.claim_id, st.id, raw)
            cand = lookup.get(m.key) if m.key is not None else None
            if member is not None and cand is not None:
                index.add(np.asarray([member], dtype=np.int64), as_vector(raw).reshape(1, -1))
                lookup.put(member, cand)
    return unrelated
