"""Storing ingested articles: exact duplicates, revisions, syndication grouping, origins."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimledger.config import DedupConfig
from claimledger.errors import Code, StoreError
from claimledger.ingest.dates import stored_date
from claimledger.ingest.dedup import (
    canonical_url,
    detect_agency,
    jaccard_estimate,
    lsh_buckets,
    minhash,
    signature_bytes,
    signature_from_bytes,
)
from claimledger.ingest.language import analysed, detect_language
from claimledger.records import Actor, Article, IngestFailure, Origin, hash_id
from claimledger.store.ledger import Ledger
from claimledger.store.models import ArticleRow, OriginRow, RevisionRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    """The outcome of storing one article."""

    article: Article
    new: bool
    # The article's place among the revisions of its document (2 for the first edit);
    # None for a first version or a duplicate.
    revision: int | None = None


def assign_origin(
    ledger: Ledger,
    session: Session,
    article: Article,
    *,
    sig: NDArray[np.uint32],
    buckets: list[tuple[int, str]],
    config: DedupConfig,
    agency: str | None,
    agencies: dict[str, str] | None = None,
) -> Origin:
    """Find the origin a new article belongs to, or open one.

    The most similar earlier article among LSH candidates wins when its
    estimated Jaccard similarity passes ``threshold`` (or ``agency_threshold``
    when both credit the same wire agency). Ties go to the lexically smallest
    id so that grouping does not depend on ingest order of equal candidates.
    """
    candidates = ledger.lsh_candidates(session, buckets)
    best: tuple[float, str, str] | None = None
    for cid, (raw, origin_id, byline) in ledger.minhashes(session, candidates).items():
        if not raw or origin_id is None:
            continue
        score = jaccard_estimate(sig, signature_from_bytes(raw))
        other_agency = detect_agency("", byline, known=agencies) if byline else None
        needed = config.agency_threshold if agency and agency == other_agency else config.threshold
        if score >= needed and (best is None or (score, cid) > (best[0], best[1])):
            best = (score, cid, origin_id)
    if best is not None:
        return Origin(id=best[2], first_article_id=best[1], agency=agency)
    return Origin(id=hash_id(article.id, prefix="g"), first_article_id=article.id, agency=agency)


def wire_agencies(actors: Iterable[Actor]) -> dict[str, str]:
    """Lowercased names and aliases of wire agencies in an actor table -> canonical name."""
    out: dict[str, str] = {}
    for actor in actors:
        if actor.type == "media" and any("wire" in r.lower() for r in actor.roles):
            for name in (actor.name, *actor.aliases):
                if len(name) > 2:
                    out[name.lower()] = actor.name
    return out


def store_articles(
    items: Iterable[Article | IngestFailure | str],
    *,
    ledger: Ledger,
    config: DedupConfig,
    outlet_actor: Callable[[str], Actor | None] | None = None,
    agencies: dict[str, str] | None = None,
) -> Iterator[Stored | IngestFailure | str]:
    """Store each article in its own transaction; pass failures and feed keys through.

    One transaction per article keeps a killed run consistent: an article is
    stored with its LSH buckets and origin, or not at all, and a re-run skips
    what is already there.
    """
    for item in items:
        if not isinstance(item, Article):
            yield item
            continue
        article = dated(item)
        if article.language is None:
            article = replace(article, language=detect_language(article.text))
        canon = canonical_url(article.url)
        agency = detect_agency(article.text, article.byline, known=agencies)
        if agency and not article.byline:
            article = replace(article, byline=agency)
        sig = minhash(article.text, num_perm=config.num_perm, shingle_size=config.shingle_size)
        buckets = lsh_buckets(sig, bands=config.bands)
        actor_id = None
        if outlet_actor is not None and article.outlet:
            found = outlet_actor(article.outlet)
            actor_id = found.id if found is not None else None
        for attempt in range(_ATTEMPTS):
            try:
                stored = _store_one(
                    ledger,
                    article,
                    canon=canon,
                    sig=sig,
                    buckets=buckets,
                    config=config,
                    agency=agency,
                    agencies=agencies,
                    actor_id=actor_id,
                )
                break
            except StoreError as exc:
                # Another writer stored the same article or outlet between our
                # check and our insert: retry, and the check now finds it.
                if not _is_conflict(exc) or attempt == _ATTEMPTS - 1:
                    raise
        yield stored


_ATTEMPTS = 5


def dated(article: Article, *, now: datetime | None = None) -> Article:
    """The article with a plausible date: the one it has, or the ingest time, flagged as estimated.

    The last step of the fallback order of ``ingest.dates``: every stored
    article has a publication time, so that no view of its claims lacks one.
    A date before 1990 or in the future is not believed; the article notes it.
    """
    choice, note = stored_date(article.published, article.date_source, now=now or datetime.now(UTC))
    if choice.published == article.published and note is None:
        return article
    problem = "; ".join(p for p in (article.problem, note) if p) or None
    return replace(
        article,
        published=choice.published,
        date_source=choice.source,
        date_estimated=choice.estimated,
        problem=problem,
    )


def _is_conflict(exc: StoreError) -> bool:
    """A write another writer got to first, or a lock it held too long: worth one more try."""
    low = exc.reason.lower()
    return any(s in low for s in ("duplicate key", "unique constraint", "database is locked"))


def _store_one(
    ledger: Ledger,
    article: Article,
    *,
    canon: str | None,
    sig: NDArray[np.uint32],
    buckets: list[tuple[int, str]],
    config: DedupConfig,
    agency: str | None,
    agencies: dict[str, str] | None,
    actor_id: str | None,
) -> Stored:
    """One article in one transaction: duplicate check, revision, origin, row and LSH buckets.

    The same text is a duplicate (by id: ids hash the text); the same canonical URL
    with different text is a new revision of the article stored there
    (``_store_revision``).
    """
    with ledger.session() as session:
        ledger.lock_origins(session)
        existing = ledger.article_exists(session, article.id, None)
        if existing is None and canon:
            document = ledger.article_exists(session, article.id, canon)
            if document is not None:
                return _store_revision(
                    ledger,
                    session,
                    article,
                    document=document,
                    sig=sig,
                    buckets=buckets,
                    agency=agency,
                    actor_id=actor_id,
                )
        if existing is not None:
            origin_id = ledger.minhashes(session, [existing])[existing][1]
            return Stored(article=replace(article, id=existing, origin_id=origin_id), new=False)
        origin = assign_origin(
            ledger,
            session,
            article,
            sig=sig,
            buckets=buckets,
            config=config,
            agency=agency,
            agencies=agencies,
        )
        ledger.add_article(
            session,
            article,
            canonical_url=canon,
            minhash=signature_bytes(sig),
            buckets=buckets,
            origin=origin,
            outlet_actor_id=actor_id,
            # Stored, not analysed: the models do not cover its language.
            processed=not analysed(article.language),
        )
    return Stored(article=replace(article, origin_id=origin.id), new=True)


def _store_revision(
    ledger: Ledger,
    session: Session,
    article: Article,
    *,
    document: str,
    sig: NDArray[np.uint32],
    buckets: list[tuple[int, str]],
    agency: str | None,
    actor_id: str | None,
) -> Stored:
    """Store ``article`` as the next revision of ``document`` (in the caller's transaction).

    The revision is an article of its own (its statements have offsets into its own
    text) without a canonical URL (the first revision keeps it), in the origin of the
    previous revision: syndicated copies keep their origin across revisions, and a
    copy of the new text finds that origin through the revision's LSH bands. A
    revision dated no later than the previous one (a page that keeps its first
    publication date) is dated by its ingest time, flagged as estimated.
    """
    last = session.scalars(
        select(RevisionRow)
        .where(RevisionRow.document_id == document)
        .order_by(RevisionRow.seq.desc())
        .limit(1)
    ).first()
    previous_id, seq = (last.article_id, last.seq + 1) if last is not None else (document, 2)
    previous = session.get(ArticleRow, previous_id)
    if previous is None:  # pragma: no cover - a foreign key keeps the chain whole
        raise StoreError(Code.E302, document, reason=f"revision {previous_id} is missing")
    if previous.published is not None and (
        article.published is None or article.published <= previous.published
    ):
        article = replace(
            article, published=datetime.now(UTC), date_source="ingest", date_estimated=True
        )
    origin_id = previous.origin_id or hash_id(document, prefix="g")
    row = session.get(OriginRow, origin_id)
    origin = Origin(
        id=origin_id,
        first_article_id=row.first_article_id if row is not None else document,
        agency=agency,
    )
    ledger.add_article(
        session,
        article,
        canonical_url=None,
        minhash=signature_bytes(sig),
        buckets=buckets,
        origin=origin,
        outlet_actor_id=actor_id,
        processed=not analysed(article.language),
    )
    session.add(
        RevisionRow(
            article_id=article.id,
            document_id=document,
            seq=seq,
            previous_id=previous_id,
            published=article.published or datetime.now(UTC),
        )
    )
    session.flush()
    log.info("article %s: revision %d of %s", article.id, seq, document)
    return Stored(article=replace(article, origin_id=origin.id), new=True, revision=seq)
