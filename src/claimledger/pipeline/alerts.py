"""Alerts: status changes of tracked and watched claims, posted to a webhook.

The Atom feed (``/alerts.atom``) is rendered by the API from the stored
status events; this module only pushes new events to the configured webhook.
A failing webhook is logged and never stops ingestion.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from claimledger.config import Config
from claimledger.records import StatusEvent
from claimledger.store.ledger import Ledger

log = logging.getLogger(__name__)


def alert_payload(events: Sequence[StatusEvent], *, ledger: Ledger) -> list[dict[str, object]]:
    """JSON bodies describing each event of a tracked or watched claim."""
    watched = {c.id for c in ledger.claims(tracked=True)}
    watched |= {cid for user in _users(ledger) for cid, _ in ledger.watchlist(user)}
    out: list[dict[str, object]] = []
    for e in events:
        if e.claim_id not in watched:
            continue
        claim = ledger.get_claim(e.claim_id)
        out.append(
            {
                "claim": e.claim_id,
                "text": claim.text,
                "at": e.at.isoformat(),
                "old": e.old,
                "new": e.new,
                "reasons": list(e.reasons),
                "policy": e.policy_version,
            }
        )
    return out


def _users(ledger: Ledger) -> list[str]:
    from sqlalchemy import select

    from claimledger.store.models import WatchRow

    with ledger.session() as s:
        return sorted(set(s.scalars(select(WatchRow.user))))


def publish(events: Sequence[StatusEvent], *, ledger: Ledger, config: Config) -> int:
    """POST new events of tracked claims to ``api.webhook_url``; returns how many were sent."""
    url = config.api.webhook_url
    if not url or not events:
        return 0
    payload = alert_payload(events, ledger=ledger)
    if not payload:
        return 0
    try:
        resp = httpx.post(url, json={"events": payload}, timeout=config.ingest.timeout)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("webhook %s failed: %s", url.split("?")[0], type(exc).__name__)
        return 0
    return len(payload)
