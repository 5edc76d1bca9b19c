"""Claim opening: which of an article's unlinked statements open a claim, a restatement
of a claim the article has just opened, and the claim written for a statement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from claimledger.config import Config
from claimledger.extract.actors import NAMELESS_WORDS
from claimledger.extract.claimhood import Rule
from claimledger.extract.proposition import Proposition
from claimledger.pipeline.analyse import Analysed, as_vector
from claimledger.pipeline.claim_index import StoreCandidates
from claimledger.pipeline.matching import MEMBER_SIMILARITY, ClaimFacts, Match, statement_side
from claimledger.pipeline.report import ProcessReport
from claimledger.pipeline.statements import DATELINE, claim_body, speaker_name
from claimledger.records import Article, Claim, Link, Statement, hash_id, is_known_actor
from claimledger.store.ledger import Ledger


def claimant_name(st: Statement, article: Article, table: Any) -> str | None:
    """Who makes the claim, as people name them: the actor's canonical name when the
    speaker resolved to a known actor, else the speaker as written; the outlet
    for its own sentences."""
    if not st.attributed:
        return article.outlet
    actor = table.get(st.actor_id) if is_known_actor(st.actor_id) else None
    if actor is not None:
        return str(actor.name)
    return st.speaker


def open_claims(
    an: Analysed,
    statements: Sequence[Statement],
    *,
    config: Config,
    link: Callable[[list[Match]], list[Statement]],
    open_claim: Callable[[Statement], Match],
    facts: ClaimFacts | None = None,
) -> list[Match]:
    """Open claims for the article's unlinked check-worthy (or headline) statements; return
    the claims opened, each as its opening statement's match.

    In reading order; a later sentence that restates a claim the article has just
    opened (``_restates``) is a report on that claim, not a claim of its own, unless
    the stance model finds it unrelated: then it is a claim after all.
    """
    opened: list[Match] = []
    restated: list[Match] = []
    for st in sorted(statements, key=lambda x: (x.content[0], x.id)):
        if not _opens_claim(an, st, config=config) or st.id in an.not_claim:
            continue
        again = _restates(an, st, opened, config=config, facts=facts)
        if again is not None:
            restated.append(again)
        else:
            opened.append(open_claim(st))
    for st in link(restated):
        opened.append(open_claim(st))
    return opened


def _opens_claim(an: Analysed, st: Statement, *, config: Config) -> bool:
    """Whether a statement is worth a claim of its own (before the not-a-claim rules).

    The headline's statement is; an outlet's own sentence is when the check-worthiness
    model says so; a known speaker's assertion with a verb of its own is from a lower
    score (``checkworthy.attributed_threshold``): an actor's assertion about facts,
    events, intentions or the future is what a claim is, however it is worded.
    """
    score = st.checkworthiness or 0.0
    # An embedded claim is one by construction: someone judged it.
    if score >= config.checkworthy.threshold or st.id in an.headline or st.id in an.embedded:
        return True
    prop = an.propositions.get(st.id)
    return (
        st.attributed
        and (
            st.actor_id is not None
            or ("CL_UNNAMED_SOURCE" not in config.claims.rules_off and names_source(st))
        )
        and prop is not None
        and prop.finite
        and score >= config.checkworthy.attributed_threshold
    )


def names_source(st: Statement) -> bool:
    """Whether an attributed statement names its source by a noun, though no actor: "an
    expert tells", "officials said" (``CL_UNNAMED_SOURCE``). An unresolved pronoun does not."""
    words = [w.strip(".,:;'’\"") for w in (st.source_text or "").lower().split()]
    cue = st.cue_text or ""
    return any(w.isalpha() and w not in NAMELESS_SOURCE for w in words) and any(
        c.isalpha() for c in cue
    )


# Words of a source phrase that name nobody: an unresolved "they", "both", "many", "no one"
# (the actor table's pronouns and indefinites, and the quantifiers that stand alone).
NAMELESS_SOURCE = NAMELESS_WORDS | frozenset("both all no none each most others".split())

# The rules by which a statement opens a claim, switchable by id (``claims.rules_off``).
RULES: tuple[Rule, ...] = (
    Rule("CL_UNNAMED_SOURCE", "an unnamed source's assertion ('an expert tells') opens a claim"),
    # Applied where the fragment rule is (``analyse.told_with_frame``).
    Rule(
        "CL_ANNOUNCED_ACT",
        "what was announced, declared or pledged as a noun phrase is a claim told with its frame",
    ),
)
RULE_IDS = frozenset(r.id for r in RULES)


def _restates(
    an: Analysed,
    st: Statement,
    opened: Sequence[Match],
    *,
    config: Config,
    facts: ClaimFacts | None = None,
) -> Match | None:
    """The claim opened earlier in this article that ``st`` restates, as a match, or None.

    One article makes several points on one subject, all near each other: only a
    paraphrase (cosine at least ``MEMBER_SIMILARITY`` and the linking threshold) of a
    claim it has just opened is a restatement of that claim.
    """
    raw = an.vectors.get(st.id)
    if raw is None or not opened:
        return None
    bar = max(MEMBER_SIMILARITY, config.link.threshold)
    best: tuple[float, Match] | None = None
    for m in opened:
        cos = float(as_vector(raw) @ as_vector(an.vectors[m.statement.id]))
        if cos >= bar and (best is None or cos > best[0]):
            best = (cos, m)
    if best is None:
        return None
    cos, m = best
    prop, other = an.propositions.get(st.id), an.propositions.get(m.statement.id)
    if facts is not None and prop is not None and other is not None:
        from claimledger.link.relation import failed_same_rules

        # A paraphrase about another actor or other figures is a point of its own.
        if failed_same_rules(
            prop,
            other,
            stmt_side=statement_side(an, st, facts),
            claim_side=statement_side(an, m.statement, facts),
            rules_off=config.claims.rules_off,
        ):
            return None
    return Match(st, m.claim_id, m.key, cos, m.claim_text)


def claim_text(text: str, st: Statement, prop: Proposition | None) -> str:
    """What a claim opened from ``st`` says: the proposition when the content is what was
    said; a content that is no proposition on its own told with its source and cue
    (``claim_body``). A noun phrase told with its frame (``Proposition.nominal``) keeps its
    end: what follows a quote in it ("... as he warned ...") is part of what was said, not
    an attribution to strip."""
    from claimledger.link.linker import canonical_text

    nominal = prop is not None and prop.nominal
    body = claim_body(text, st, fragment=nominal, speaker=speaker_name(st))
    if prop is not None and body == st.content_text:
        return prop.text
    return canonical_text(DATELINE.sub("", body), attribution=not nominal)


def open_claim(
    an: Analysed,
    st: Statement,
    *,
    ledger: Ledger,
    session: Any,
    index: Any,
    lookup: StoreCandidates,
    table: Any,
    report: ProcessReport,
    facts: ClaimFacts | None = None,
) -> Match:
    """Open a claim asserted by ``st``; returns it as ``st``'s own match."""
    from claimledger.link.linker import ClaimCandidate

    art = an.article
    raw = an.vectors[st.id]
    ents = frozenset(an.entities.get(st.id, ()))
    prop = an.propositions.get(st.id)
    claim = Claim(
        id=hash_id(st.id, prefix="c"),
        text=claim_text(art.text, st, prop),
        first_seen=art.published,
        claimant_name=claimant_name(st, art, table),
        claimant_actor_id=st.actor_id,
        resolution_date=an.resolution.get(st.id),
        first_statement_id=st.id,
    )
    key = ledger.put_claim(session, claim, vector=raw, entities=sorted(ents))
    if facts is not None and prop is not None and claim.text == prop.text:
        facts.put(claim.id, prop, statement_side(an, st, facts))
    index.add(np.asarray([key], dtype=np.int64), as_vector(raw).reshape(1, -1))
    lookup.put(key, ClaimCandidate.from_claim(claim, entities=ents))
    report.claims += 1
    link = Link(
        id=hash_id(claim.id, st.id, prefix="l"),
        claim_id=claim.id,
        article_id=art.id,
        stance="supports",
        confidence=1.0,
        similarity=1.0,
        statement_id=st.id,
        role="assertion",
    )
    report.links += int(ledger.put_link(session, link))
    return Match(st, claim.id, key, 1.0, claim.text)
