"""Evidence kept by hand: fact-checks and analysts' sources, stored and read back.

The table ``manual_evidence`` (migration 0004) holds what is no statement of a stored
article: a fact-checker's rating of a claim (``kind='factcheck'``, imported by
``claimledger track --file``, pipeline/factchecks.py) and a URL or note an analyst adds
with its source and date (``kind='analyst'``). :func:`add_manual_evidence` is the one
way to add a piece by hand; :func:`manual_evidence_records` is how it reaches the
verdict engine (``verdict_queries.claim_evidence``), and :func:`factcheck_reviews` how the
ratings leave again in a ClaimReview export.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from claimledger.config import Config
from claimledger.errors import Code, ConfigError, NotFound
from claimledger.records import STANCES, Claim, Stance, hash_id
from claimledger.store.ledger import Ledger
from claimledger.store.models import ClaimRow, ManualEvidenceRow
from claimledger.verify.evidence import Evidence, as_utc
from claimledger.verify.manual import (
    MANUAL_KINDS,
    ManualEvidence,
    ManualKind,
    manual_to_evidence,
    rating_stance,
)

# Claim ids per IN-list when reading (a recompute of a large ledger reads in parts).
READ_PART = 500


def manual_evidence_id(
    claim_id: str, *, kind: str, source: str | None, url: str | None, note: str | None
) -> str:
    """The id of a piece of evidence: the same claim, kind, source and URL (or, without a
    URL, note) give the same id, so adding or importing it again adds nothing."""
    return hash_id(
        claim_id, kind, (source or "").casefold(), url or "", "" if url else note or "", prefix="me"
    )


def add_manual_evidence(
    claim_id: str,
    *,
    kind: ManualKind,
    source: str,
    date: datetime,
    url: str | None = None,
    note: str | None = None,
    stance: Stance | None = None,
    rating: str | None = None,
    rating_value: float | None = None,
    best_rating: float | None = None,
    worst_rating: float | None = None,
    added_by: str | None = None,
    ledger: Ledger,
    config: Config,
) -> ManualEvidence:
    """Add a piece of evidence about a claim by hand and recompute the claim's status.

    The evidence counts like a report of ``source``: independent of the claimant
    unless the actor table puts ``source`` on the claimant's side (or on a party's).
    Adding the same piece again (same claim, kind, source and URL, or note without a
    URL) changes nothing and returns the stored one.

    Args:
        claim_id: The claim.
        kind: ``"analyst"`` (an analyst's source) or ``"factcheck"`` (a fact-checker's
            rating).
        source: Who published it (the fact-checker, the outlet or person cited);
            resolved to an actor (created if unknown).
        date: When the source published it (naive values are UTC).
        url: Where it can be read.
        note: What it says, in the analyst's words. A URL or a note is needed.
        stance: Its stance toward the claim; read off ``rating`` when None.
        rating: A fact-checker's rating as published ("False", "Half true").
        rating_value: The rating on the fact-checker's numeric scale.
        best_rating: That scale's best value (schema.org default 5).
        worst_rating: That scale's worst value (schema.org default 1).
        added_by: Who adds it (recorded with it).
        ledger: The store.
        config: The configuration (actor table, verdict policy).

    Returns:
        The stored piece of evidence.

    Raises:
        NotFound: E501 when the claim does not exist.
        ConfigError: E402 when the kind or stance is unknown, the source is blank,
            there is neither URL nor note, or no stance is given or readable.
    """
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.verdict_queries import recompute

    if kind not in MANUAL_KINDS:
        raise ConfigError(Code.E402, claim_id, reason=f"unknown evidence kind {kind!r}")
    source = (source or "").strip()
    url, note = (url or "").strip() or None, (note or "").strip() or None
    if not source:
        raise ConfigError(Code.E402, claim_id, reason="evidence needs its source")
    if url is None and note is None:
        raise ConfigError(Code.E402, claim_id, reason="evidence needs a URL or a note")
    if stance is None:
        if rating is None and rating_value is None:
            raise ConfigError(Code.E402, claim_id, reason="evidence needs a stance or a rating")
        stance, _ = rating_stance(rating, value=rating_value, best=best_rating, worst=worst_rating)
    if stance not in STANCES:
        raise ConfigError(Code.E402, claim_id, reason=f"unknown stance {stance!r}")
    with ledger.session() as session:
        if session.get(ClaimRow, claim_id) is None:
            raise NotFound(Code.E501, f"claim {claim_id}")
    actors = ledger_actors(ledger, config)
    actor = actors.resolve_or_create(source)
    ledger.upsert_actors([actor])
    item = ManualEvidence(
        id=manual_evidence_id(claim_id, kind=kind, source=source, url=url, note=note),
        claim_id=claim_id,
        kind=kind,
        date=as_utc(date),
        stance=stance,
        url=url,
        note=note,
        source_name=source,
        source_actor_id=actor.id,
        rating=rating,
        rating_value=rating_value,
        best_rating=best_rating,
        worst_rating=worst_rating,
        added_by=added_by,
    )
    with ledger.session() as session:
        put_manual_evidence(session, [item])
    recompute([claim_id], ledger=ledger, config=config)
    [stored] = [m for m in manual_evidence(ledger, [claim_id])[claim_id] if m.id == item.id]
    return stored


def put_manual_evidence(session: Any, items: Iterable[ManualEvidence]) -> list[str]:
    """Insert the pieces not stored yet (by id) and flag their claims dirty; new ids.

    A stored piece is never changed: an import that meets it again keeps it as it was.
    """
    batch = {m.id: m for m in items}
    if not batch:
        return []
    known = set(
        session.scalars(select(ManualEvidenceRow.id).where(ManualEvidenceRow.id.in_(batch)))
    )
    now = datetime.now(UTC)
    fresh = [m for mid, m in batch.items() if mid not in known]
    for m in fresh:
        session.add(
            ManualEvidenceRow(
                id=m.id,
                claim_id=m.claim_id,
                kind=m.kind,
                url=m.url,
                note=m.note,
                source_name=m.source_name,
                source_actor_id=m.source_actor_id,
                date=as_utc(m.date),
                rating=m.rating,
                rating_value=m.rating_value,
                best_rating=m.best_rating,
                worst_rating=m.worst_rating,
                stance=m.stance,
                added_by=m.added_by,
                recorded_at=now,
            )
        )
    claims = sorted({m.claim_id for m in fresh})
    for at in range(0, len(claims), READ_PART):
        session.execute(
            update(ClaimRow).where(ClaimRow.id.in_(claims[at : at + READ_PART])).values(dirty=True)
        )
    session.flush()
    return [m.id for m in fresh]


def _record(row: ManualEvidenceRow) -> ManualEvidence:
    return ManualEvidence(
        id=row.id,
        claim_id=row.claim_id,
        kind=row.kind,  # type: ignore[arg-type]
        date=row.date,
        stance=row.stance,  # type: ignore[arg-type]
        url=row.url,
        note=row.note,
        source_name=row.source_name,
        source_actor_id=row.source_actor_id,
        rating=row.rating,
        rating_value=row.rating_value,
        best_rating=row.best_rating,
        worst_rating=row.worst_rating,
        added_by=row.added_by,
        recorded_at=row.recorded_at,
    )


def manual_evidence(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[ManualEvidence]]:
    """The pieces of evidence kept by hand about each claim, in (date, id) order."""
    out: dict[str, list[ManualEvidence]] = {cid: [] for cid in claim_ids}
    ids = sorted(set(claim_ids))
    with ledger.session() as session:
        for at in range(0, len(ids), READ_PART):
            rows = session.scalars(
                select(ManualEvidenceRow)
                .where(ManualEvidenceRow.claim_id.in_(ids[at : at + READ_PART]))
                .order_by(ManualEvidenceRow.date, ManualEvidenceRow.id)
            )
            for row in rows:
                out[row.claim_id].append(_record(row))
    return out


def manual_evidence_records(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[Evidence]]:
    """The engine's evidence records of the pieces kept by hand about each claim."""
    return {
        cid: [manual_to_evidence(m) for m in items]
        for cid, items in manual_evidence(ledger, claim_ids).items()
    }


def _number(value: float | None) -> float | int | None:
    """A rating value as written: 1 rather than 1.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def factcheck_review(claim: Claim, item: ManualEvidence) -> dict[str, Any]:
    """One schema.org ClaimReview of an imported fact-check, signed by its fact-checker."""
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant_name:
        kind = "Person" if (claim.claimant_actor_id or "").startswith("person") else "Organization"
        reviewed["author"] = {"@type": kind, "name": claim.claimant_name}
    if claim.first_seen is not None:
        reviewed["datePublished"] = as_utc(claim.first_seen).isoformat()
    rating: dict[str, Any] = {"@type": "Rating"}
    for key, value in (
        ("alternateName", item.rating),
        ("ratingValue", _number(item.rating_value)),
        ("bestRating", _number(item.best_rating)),
        ("worstRating", _number(item.worst_rating)),
        ("ratingExplanation", item.note),
    ):
        if value is not None:
            rating[key] = value
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.text,
        "datePublished": as_utc(item.date).isoformat(),
        "author": {"@type": "Organization", "name": item.source_name or "unknown"},
        "itemReviewed": reviewed,
        "reviewRating": rating,
    }
    if item.url:
        review["url"] = item.url
    return review


def factcheck_reviews(ledger: Ledger, claims: Sequence[Claim]) -> dict[str, list[dict[str, Any]]]:
    """Claim id -> the ClaimReview of each fact-check imported for it (``export``)."""
    by_id = {c.id: c for c in claims}
    found = manual_evidence(ledger, list(by_id))
    return {
        cid: [factcheck_review(by_id[cid], m) for m in items if m.kind == "factcheck"]
        for cid, items in found.items()
        if any(m.kind == "factcheck" for m in items)
    }
