"""Analysis of stored articles: extraction -> check-worthiness -> embedding ->
linking -> stance -> verdicts.

The stages split in two:

* ``analyse_articles`` (``analyse.py``) is per-article and embarrassingly parallel (it
  runs in Ray workers in batch mode): attribution extraction, speaker/actor
  resolution, time expressions, check-worthiness and embeddings;
* ``link_analysed`` is sequential over articles in (published, id) order,
  because whether a statement opens a claim depends on the claims before it.
  Running it in that order is what makes a batch run on several workers give
  the same claims as a single process.

Each article's statements, new claims and links are written in one
transaction together with the article's ``processed`` flag; claims touched are
flagged ``dirty`` in the same transaction and recomputed afterwards, so a run
killed anywhere resumes into the same ledger.

This module is the orchestration only; each concept has a module of its own under
``pipeline/``: ``statements`` (statement building), ``analyse`` (the per-article
stages), ``claim_index`` (index upkeep), ``matching`` (evidence linking and claim
identity at link time), ``opening`` (claim opening), ``verdict_queries`` (evidence,
headlines and status recomputation), ``actor_tables`` and ``report``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.pipeline.actor_tables import actor_table, ledger_actors
from claimledger.pipeline.analyse import Analysed, analyse_articles
from claimledger.pipeline.claim_index import (
    StoreCandidates,
    catch_up,
    forget_index,
    open_index,
    save_index,
)
from claimledger.pipeline.matching import (
    ClaimFacts,
    article_evidence,
    context_matches,
    doubt_matches,
    link_contrasts,
    link_judgements,
    link_mutual,
    link_reports,
    match_statements,
)
from claimledger.pipeline.opening import open_claim, open_claims
from claimledger.pipeline.report import ProcessReport, Progress
from claimledger.pipeline.verdict_queries import recompute, recompute_dirty
from claimledger.records import Actor, Claim, hash_id
from claimledger.store.ledger import Ledger


def link_analysed(
    analysed: Sequence[Analysed],
    *,
    ledger: Ledger,
    config: Config,
    index: Any | None = None,
    progress: Progress | None = None,
    actors: Any | None = None,
    in_order: bool = False,
) -> ProcessReport:
    """Store statements, link them to claims (opening claims as needed), classify stances.

    Articles are taken in (published, id) order; each article is one transaction.
    With ``in_order`` the order holds across writers too: linking stops before an
    article when an earlier one is still pending in the store (another writer stored
    or is analysing it), and the caller's next batch, which starts at the earliest
    pending article, goes on from there. Concurrent writers then end with the
    ledger one writer gives.
    Within an article: every statement with a vector is matched against the
    index; matches get a stance in one batch, and a match the stance model
    calls ``unrelated`` is dropped. When the kept ordinary links all go to one
    claim, the article's other unmatched statements are offered to it (article
    context, ``context_matches``) and kept only on a confident supporting or
    refuting stance. Statements left unmatched open a claim when check-worthy.
    """
    from claimledger.pipeline.revisions import apply_revision, revision_view

    report = ProcessReport()
    index = index if index is not None else open_index(ledger, index_dir=config.store.index_dir)
    lookup = StoreCandidates(ledger)
    table = actors if actors is not None else actor_table(config.extract.actors_file)
    facts = ClaimFacts(table)
    ordered = sorted(
        analysed,
        key=lambda a: (a.article.published or datetime.min.replace(tzinfo=UTC), a.article.id),
    )
    try:
        for an in ordered:
            art = an.article
            if an.actors:
                # Before the article's transaction: idempotent, and the statements need them.
                ledger.upsert_actors(an.actors)
                for actor in an.actors:
                    if table.get(actor.id) is None:
                        table.add(actor)
            with ledger.session() as session:
                ledger.lock_linking(session)
                if not ledger.article_pending(session, art.id):
                    continue
                if in_order and ledger.earlier_pending(session, art.id):
                    break
                catch_up(index, ledger, session)
                # A revision links only what its edit added (pipeline/revisions.py).
                an = revision_view(an, ledger=ledger, session=session, config=config)
                report.statements += ledger.put_statements(session, an.statements)
                matched, unmatched = match_statements(
                    an, index=index, lookup=lookup, config=config, facts=facts
                )
                # The article's writes share one session, index and report.
                link = partial(
                    link_reports,
                    an,
                    ledger=ledger,
                    session=session,
                    index=index,
                    lookup=lookup,
                    report=report,
                    rules_off=config.claims.rules_off,
                )
                rejected = link(matched)
                waiting = {st.id for st in unmatched}
                unmatched += [st for st in rejected if st.id not in waiting]
                # Article context: the claims this article relays reach its other sentences.
                gone = {st.id for st in rejected}
                relayed = [
                    m
                    for m in matched
                    if not m.weak and not m.evidence and m.statement.id not in gone
                ]
                tried = {(m.statement.id, m.claim_id) for m in matched if m.statement.id in gone}
                context = context_matches(
                    an, unmatched, relayed, ledger=ledger, session=session, tried=tried
                )
                if context:
                    # Evidence about the claim the article relays, not a way of saying it:
                    # the statement stays free to open a claim of its own.
                    link(context)
                opened = open_claims(
                    an,
                    unmatched,
                    config=config,
                    link=link,
                    open_claim=partial(
                        open_claim,
                        an,
                        ledger=ledger,
                        session=session,
                        index=index,
                        lookup=lookup,
                        table=table,
                        report=report,
                        facts=facts,
                    ),
                    facts=facts,
                )
                # A story reports a claim and then its reactions: the claims the article
                # opened were not in the index when its statements were matched.
                reactions = article_evidence(
                    an,
                    opened,
                    ledger=ledger,
                    session=session,
                    lookup=lookup,
                    config=config,
                    facts=facts,
                )
                if reactions:
                    link(reactions)
                # The stages that write links read off the text share these arguments.
                shared = {
                    "ledger": ledger,
                    "session": session,
                    "table": table,
                    "report": report,
                    "rules_off": config.claims.rules_off,
                }
                link_judgements(an, **shared)
                doubts = doubt_matches(
                    an, ledger=ledger, session=session, rules_off=config.claims.rules_off
                )
                if doubts:
                    link(doubts)
                link_contrasts(an, **shared)
                link_mutual(an, **shared)
                report.links += apply_revision(an, ledger=ledger, session=session, config=config)
                ledger.mark_processed(session, art.id)
            report.articles += 1
            if progress:
                progress("linked", report.articles)
    except BaseException:
        # An article's transaction failed after its keys went into the index: the index
        # now holds keys the store never got, so it must not be kept for the next run.
        forget_index(ledger)
        raise
    save_index(index)
    return report


def process_pending(
    *, ledger: Ledger, config: Config, batch: int = 32, progress: Progress | None = None
) -> ProcessReport:
    """Analyse every stored article not processed yet, in (published, id) order."""
    total = ProcessReport()
    actors = ledger_actors(ledger, config)
    ledger.upsert_actors(actors.actors())
    index = open_index(ledger, index_dir=config.store.index_dir)
    while True:
        todo = ledger.articles(unprocessed=True, limit=batch)
        if not todo:
            break
        part = link_analysed(
            analyse_articles(todo, config=config, actors=actors),
            ledger=ledger,
            config=config,
            index=index,
            progress=progress,
            actors=actors,
            in_order=True,
        )
        total.articles += part.articles
        total.statements += part.statements
        total.claims += part.claims
        total.links += part.links
        recompute_dirty(ledger=ledger, config=config)
    recompute_dirty(ledger=ledger, config=config)
    return total


def track_claim(
    text: str, *, claimant: str | None, when: datetime | None, ledger: Ledger, config: Config
) -> Claim:
    """Register a claim by hand; later reports link to it like any other claim."""
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import canonical_text, linking_entities

    if not text.strip():
        raise ConfigError(Code.E402, "track", reason="empty claim text")
    actors = ledger_actors(ledger, config)
    actor: Actor | None = actors.resolve_or_create(claimant) if claimant else None
    when = when or datetime.now(UTC)
    claim = Claim(
        id=hash_id("tracked", text.strip(), claimant or "", prefix="c"),
        text=canonical_text(text),
        first_seen=when,
        claimant_name=claimant,
        claimant_actor_id=actor.id if actor else None,
        tracked=True,
    )
    vec = get_embedder().encode([claim.text])[0].astype(np.float32)
    index = open_index(ledger, index_dir=config.store.index_dir)
    with ledger.session() as session:
        if not ledger.claim_exists(session, claim.id):
            key = ledger.put_claim(
                session, claim, vector=vec.tobytes(), entities=sorted(linking_entities(claim.text))
            )
            index.add(np.asarray([key], dtype=np.int64), vec.reshape(1, -1))
    save_index(index)
    if actor is not None:
        ledger.upsert_actors([actor])
    recompute([claim.id], ledger=ledger, config=config)
    return claim
