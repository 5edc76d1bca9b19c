"""Reading and writing review events, the audit log and the ledger's settings."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimledger.records import hash_id
from claimledger.review.actions import Action, action_claim, parse_action
from claimledger.review.analysts import Analyst
from claimledger.review.models import AuditRow, ReviewEventRow, SettingRow
from claimledger.review.overlay import ReviewEvent, ReviewState
from claimledger.store.ledger import Ledger

AUDIT_FIELDS = ("seq", "at", "author", "role", "via", "action", "target", "detail")


def _event(row: ReviewEventRow) -> ReviewEvent:
    return ReviewEvent(
        id=row.id,
        seq=row.seq,
        at=row.at,
        author=row.author,
        role=row.role,
        via=row.via,
        action=parse_action(dict(row.payload)),
        reason=row.reason,
        claim_id=row.claim_id,
    )


def review_events(ledger: Ledger, *, claim_id: str | None = None) -> list[ReviewEvent]:
    """Stored review events in the order they were recorded (all, or one claim's)."""
    with ledger.session() as s:
        rows = list(s.scalars(select(ReviewEventRow).order_by(ReviewEventRow.seq)))
    events = [_event(r) for r in rows]
    if claim_id is None:
        return events
    return ReviewState.fold(events).claim_events(claim_id)


def load_state(ledger: Ledger) -> ReviewState:
    """Every review decision in force."""
    return ReviewState.fold(review_events(ledger))


def record_event(
    session: Session,
    action: Action,
    *,
    analyst: Analyst,
    reason: str,
    via: str,
    at: datetime | None = None,
    claim_id: str | None = None,
) -> ReviewEvent:
    """Store one review event and its audit row (in the caller's transaction).

    ``claim_id`` files the event under a claim when the action names none itself (a
    link's claim).
    """
    at = at or datetime.now(UTC)
    filed = action_claim(action) or claim_id
    payload = action.model_dump(mode="json")
    eid = hash_id(
        analyst.name, at.isoformat(), json.dumps(payload, sort_keys=True), reason, prefix="r"
    )
    row = ReviewEventRow(
        id=eid,
        at=at,
        author=analyst.name,
        role=analyst.role,
        via=via,
        action=action.action,
        claim_id=filed,
        payload=payload,
        reason=reason,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        analyst=analyst,
        via=via,
        action=f"review.{action.action}",
        target=filed or _target(action),
        detail={"event": eid, "reason": reason, **payload},
        at=at,
    )
    return _event(row)


def _target(action: Action) -> str | None:
    for name in ("link", "statement", "actor"):
        value = getattr(action, name, None)
        if isinstance(value, str):
            return value
    return None


def audit(
    session: Session,
    *,
    analyst: Analyst,
    via: str,
    action: str,
    target: str | None,
    detail: dict[str, Any],
    at: datetime | None = None,
) -> None:
    """One audit-log row for a write (in the caller's transaction)."""
    session.add(
        AuditRow(
            at=at or datetime.now(UTC),
            author=analyst.name,
            role=analyst.role,
            via=via,
            action=action,
            target=target,
            detail=detail,
        )
    )


def record_write(
    ledger: Ledger,
    *,
    analyst: Analyst,
    via: str,
    action: str,
    target: str | None,
    detail: dict[str, Any],
) -> None:
    """Record a write made elsewhere (ingest, track, watchlist) in the audit log."""
    with ledger.session() as s:
        audit(s, analyst=analyst, via=via, action=action, target=target, detail=detail)


def audit_rows(
    ledger: Ledger, *, author: str | None = None, limit: int | None = None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Audit-log rows, newest first, and how many there are in all."""
    with ledger.session() as s:
        q = select(AuditRow)
        count = select(func.count()).select_from(AuditRow)
        if author:
            q = q.where(AuditRow.author == author)
            count = count.where(AuditRow.author == author)
        q = q.order_by(AuditRow.seq.desc()).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        rows = [
            {
                "seq": r.seq,
                "at": r.at.isoformat(),
                "author": r.author,
                "role": r.role,
                "via": r.via,
                "action": r.action,
                "target": r.target,
                "detail": r.detail,
            }
            for r in s.scalars(q)
        ]
        return rows, int(s.scalar(count) or 0)


def export_audit(ledger: Ledger, fmt: str) -> str:
    """The whole audit log, oldest first, as JSON lines or CSV (``detail`` as JSON)."""
    rows, _ = audit_rows(ledger)
    rows.reverse()
    if fmt == "jsonl":
        return "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=AUDIT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "detail": json.dumps(r["detail"], sort_keys=True)})
    return buf.getvalue()


def setting(ledger: Ledger, key: str) -> str | None:
    with ledger.session() as s:
        row = s.get(SettingRow, key)
        return row.value if row is not None else None


def set_setting(ledger: Ledger, key: str, value: str, *, analyst: Analyst, via: str) -> None:
    with ledger.session() as s:
        row = s.get(SettingRow, key)
        if row is None:
            s.add(SettingRow(key=key, value=value))
        else:
            row.value = value
        audit(
            s, analyst=analyst, via=via, action="set_setting", target=key, detail={"value": value}
        )
