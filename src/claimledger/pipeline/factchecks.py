"""``claimledger track --file``: fact-checked claims in bulk.

Each fact-check read from the file (ingest/factchecks.py) becomes a tracked claim
(the same claim, with the same id, as ``track TEXT --claimant NAME`` registers),
with its claimant resolved to an actor, and the fact-checker's rating and URL kept
as a reviewed piece of evidence (pipeline/manual_evidence.py). Tracked claims are in
the claim index, so a later article's statement of an imported claim links to it.

Bulk: rows are taken in batches; each batch's new claims are embedded in one call and
written, with the batch's fact-checks, in one transaction. Bad rows are reported and
skipped; re-importing a file adds nothing (content-hash ids).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select

from claimledger.config import Config
from claimledger.errors import Code, IngestError
from claimledger.ingest.factchecks import FactCheck, read_factchecks
from claimledger.records import Actor, IngestFailure, hash_id
from claimledger.store.ledger import Ledger
from claimledger.store.models import ClaimRow

log = logging.getLogger(__name__)

# Rows per batch: one embedding call and one transaction each.
IMPORT_BATCH = 512
# Texts per MiniLM forward pass.
ENCODE_BATCH = 64


@dataclass(slots=True)
class FactCheckReport:
    """What one ``track --file`` run did."""

    rows: int = 0  # fact-checks read (bad rows not counted)
    claims: int = 0  # claims added
    known: int = 0  # rows whose claim the ledger (or an earlier row) already had
    ratings: int = 0  # fact-checks kept as evidence
    unchanged: int = 0  # fact-checks the ledger already had
    recomputed: int = 0  # claims whose status was recomputed
    failures: list[IngestFailure] = field(default_factory=list)


def tracked_claim_id(text: str, claimant: str | None) -> str:
    """The id ``track`` gives a claim: its text as given and its claimant's name (the same
    formula as ``process.track_claim``: a fact-check of a claim tracked by hand joins it)."""
    return hash_id("tracked", text.strip(), claimant or "", prefix="c")


def import_factchecks(
    path: Path,
    *,
    ledger: Ledger,
    config: Config,
    fmt: str | None = None,
    added_by: str | None = None,
    batch: int = IMPORT_BATCH,
    progress: Any | None = None,
) -> FactCheckReport:
    """Track every fact-checked claim of a file, with its rating as evidence.

    Args:
        path: JSON lines, CSV or ClaimReview JSON-LD (docs/factchecks.md).
        ledger: The store.
        config: The configuration (actor table, claim index folder, verdict policy).
        fmt: ``jsonl``, ``csv`` or ``claimreview``; detected when None.
        added_by: Recorded with each fact-check (default ``import:<file name>``).
        batch: Rows per embedding call and transaction.
        progress: ``progress(stage, n)`` after each batch (``tracked``, rows so far)
            and each part of the recompute (``recomputed``, claims so far).

    Returns:
        The counts, and one failure per bad row (E113 naming ``file:line``).

    Raises:
        IngestError: E101, E102 or E108 when the file as a whole cannot be read.
    """
    return import_rows(
        read_factchecks(path, fmt=fmt),
        ledger=ledger,
        config=config,
        added_by=added_by or f"import:{path.name}",
        batch=batch,
        progress=progress,
    )


def import_rows(
    found: Iterable[FactCheck | IngestError],
    *,
    ledger: Ledger,
    config: Config,
    added_by: str,
    batch: int = IMPORT_BATCH,
    progress: Any | None = None,
) -> FactCheckReport:
    """Track the fact-checks ``read_factchecks`` gives (the bad rows become failures);
    as :func:`import_factchecks`, for a caller that has opened the file itself."""
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.claim_index import open_index, save_index
    from claimledger.pipeline.verdict_queries import RECOMPUTE_PART, recompute

    report = FactCheckReport()
    actors = ledger_actors(ledger, config)
    index = open_index(ledger, index_dir=config.store.index_dir)
    touched: set[str] = set()
    seen: set[str] = set()  # claim ids met earlier in this file
    rows = _good_rows(found, report)
    while True:
        part = list(islice(rows, batch))
        if not part:
            break
        touched |= _import_batch(
            part, ledger=ledger, actors=actors, index=index, report=report, seen=seen, who=added_by
        )
        if progress is not None:
            progress("tracked", report.rows)
    save_index(index)
    ids = sorted(touched)
    for at in range(0, len(ids), RECOMPUTE_PART):
        recompute(ids[at : at + RECOMPUTE_PART], ledger=ledger, config=config)
        report.recomputed = min(len(ids), at + RECOMPUTE_PART)
        if progress is not None:
            progress("recomputed", report.recomputed)
    return report


def _good_rows(
    found: Iterable[FactCheck | IngestError], report: FactCheckReport
) -> Iterator[FactCheck]:
    for fc in found:
        if isinstance(fc, IngestError):
            report.failures.append(IngestFailure(fc.item, fc.code.name, fc.reason))
            log.debug("%s", fc)
            continue
        report.rows += 1
        yield fc


def _import_batch(
    part: Sequence[FactCheck],
    *,
    ledger: Ledger,
    actors: Any,
    index: Any,
    report: FactCheckReport,
    seen: set[str],
    who: str,
) -> set[str]:
    """Store one batch: its new claims (embedded in one call) and its fact-checks, in one
    transaction. Returns the ids of the claims whose evidence or existence changed."""
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import canonical_text, linking_entities
    from claimledger.pipeline.analyse import DIM
    from claimledger.pipeline.manual_evidence import manual_evidence_id, put_manual_evidence
    from claimledger.verify.manual import ManualEvidence, rating_stance

    now = datetime.now(UTC)
    created: dict[str, Actor] = {}

    def actor_of(name: str | None) -> Actor | None:
        if not name:
            return None
        actor: Actor = actors.resolve_or_create(name)
        created.setdefault(actor.id, actor)
        return actor

    ids = [tracked_claim_id(fc.text, fc.claimant) for fc in part]
    with ledger.session() as session:
        stored = set(session.scalars(select(ClaimRow.id).where(ClaimRow.id.in_(sorted(set(ids))))))
    planned: dict[str, dict[str, Any]] = {}
    evidence: list[ManualEvidence] = []
    for fc, cid in zip(part, ids, strict=True):
        text = canonical_text(fc.text)
        if not text:  # nothing left once quotes and an attribution tail are gone
            err = IngestError(Code.E113, fc.item, reason="no claim text")
            report.rows -= 1
            report.failures.append(IngestFailure(err.item, err.code.name, err.reason))
            continue
        claimant = actor_of(fc.claimant)
        first_seen = fc.claim_date or fc.review_date or now
        if cid in stored or cid in seen or cid in planned:
            report.known += 1
        else:
            planned[cid] = {
                "id": cid,
                "text": text,
                "claimant_name": fc.claimant,
                "claimant_actor_id": claimant.id if claimant else None,
                "first_seen": first_seen,
                "resolution_date": None,
                "tracked": True,
                "first_statement_id": None,
                "entities": sorted(linking_entities(text)),
                "status": "unverified",
                "reasons": [],
                "dirty": True,
            }
        if not fc.has_rating:
            continue
        checker = actor_of(fc.factchecker)
        stance, _ = rating_stance(
            fc.rating, value=fc.rating_value, best=fc.best_rating, worst=fc.worst_rating
        )
        evidence.append(
            ManualEvidence(
                id=manual_evidence_id(
                    cid, kind="factcheck", source=fc.factchecker, url=fc.url, note=fc.rating
                ),
                claim_id=cid,
                kind="factcheck",
                date=fc.review_date or first_seen,
                stance=stance,
                url=fc.url,
                note=fc.note,
                source_name=fc.factchecker,
                source_actor_id=checker.id if checker else None,
                rating=fc.rating,
                rating_value=fc.rating_value,
                best_rating=fc.best_rating,
                worst_rating=fc.worst_rating,
                added_by=who,
            )
        )
    if created:
        # Before the batch's transaction: idempotent, and the claims refer to them.
        ledger.upsert_actors(created.values())
    new_ids = list(planned)
    vectors = (
        np.asarray(
            get_embedder().encode([planned[c]["text"] for c in new_ids], batch_size=ENCODE_BATCH),
            dtype=np.float32,
        )
        if new_ids
        else np.zeros((0, DIM), np.float32)
    )
    keys: list[int] = []
    added: list[str] = []
    with ledger.session() as session:
        ledger.lock_linking(session)
        # Another writer may have tracked some of them since they were looked up.
        again = (
            set(session.scalars(select(ClaimRow.id).where(ClaimRow.id.in_(new_ids))))
            if new_ids
            else set()
        )
        key = ledger.next_claim_key(session)
        rows = []
        kept: list[int] = []
        for i, cid in enumerate(new_ids):
            if cid in again:
                report.known += 1
                continue
            rows.append({**planned[cid], "key": key, "vector": vectors[i].tobytes()})
            keys.append(key)
            kept.append(i)
            added.append(cid)
            key += 1
        if rows:
            session.execute(insert(ClaimRow), rows)
        fresh = put_manual_evidence(session, evidence)
    if keys:
        index.add(np.asarray(keys, dtype=np.int64), vectors[kept])
    seen.update(ids)
    report.claims += len(added)
    report.ratings += len(fresh)
    report.unchanged += len(evidence) - len(fresh)
    fresh_claims = {m.claim_id for m in evidence if m.id in set(fresh)}
    return set(added) | fresh_claims
