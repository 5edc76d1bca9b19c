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


def review_summary(
    ledger: Ledger, claim_id: str, status: str, reasons: list[str]
) -> dict[str, Any]:
    """The ``review`` key of the API's claim detail: the override (with the computed status
    kept beside it), where the claim was merged into, and the review events filed under it."""
    from claimledger.review.store import load_state

    state = load_state(ledger)
    override = state.overrides.get(claim_id)
    computed = next((r[9:-1] for r in reasons if r.startswith("COMPUTED(")), status)
    return {
        "status": status,
        "computed_status": computed,
        "override": None
        if override is None
        else {
            "status": override.status,
            "author": override.author,
            "at": override.at.isoformat(),
            "reason": override.reason,
        },
        "merged_into": state.home(claim_id) if claim_id in state.merged else None,
        "events": [event_json(e) for e in state.claim_events(claim_id)],
    }
