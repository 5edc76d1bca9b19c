"""Review views shared by the CLI, the API and the dashboard: events as JSON, explain lines."""

from __future__ import annotations

from typing import Any

from claimledger.review.overlay import ReviewEvent
from claimledger.review.store import review_events
from claimledger.store.ledger import Ledger


def event_json(event: ReviewEvent) -> dict[str, Any]:
    """A review event: who, when, what (the action and its fields) and why."""
    return {
        "id": event.id,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "author": event.author,
        "role": event.role,
        "via": event.via,
        "action": event.action.action,
        "claim": event.claim_id,
        "fields": event.action.model_dump(mode="json", exclude={"action"}),
        "reason": event.reason,
    }


def describe(event: ReviewEvent) -> str:
    """One line saying what an analyst did."""
    fields = event.action.model_dump(mode="json", exclude={"action"})
    told = ", ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, [], ""))
    return f"{event.action.action} {told}"


def review_lines(ledger: Ledger, claim_id: str) -> str:
    """The ``explain`` section of analysts' events (empty when nobody reviewed the claim)."""
    events = review_events(ledger, claim_id=claim_id)
    if not events:
        return ""
    lines = ["", "Analyst review (machine events are the history above):"]
    for e in events:
        lines.append(f"  {e.at.isoformat()} {e.author} ({e.role}, {e.via}): {describe(e)}")
        lines.append(f"      why: {e.reason}")
    return "\n".join(lines)
