"""Read helpers shared by the JSON routes and the dashboard pages.

Thin compositions of the lead's ``Ledger`` and ``pipeline.views`` calls:
pagination, the outlet filter of the claim list, the for/against counts
shown on the ledger page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.pipeline.views import claim_views
from claimledger.store.ledger import Ledger


@dataclass(frozen=True, slots=True)
class ClaimFilters:
    """The filters of the claim list (all optional)."""

    status: str | None = None
    actor: str | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    tracked: bool | None = None
    as_of: datetime | None = None  # the ledger as it stood then (pipeline/asof.py)

    def any(self) -> bool:
        """Whether any filter is set."""
        return any(
            v not in (None, "")
            for v in (
                self.status,
                self.actor,
                self.outlet,
                self.since,
                self.until,
                self.q,
                self.tracked,
                self.as_of,
            )
        )


@dataclass(slots=True)
class Page:
    """One page of a list."""

    items: list[dict[str, Any]]
    limit: int
    offset: int
    has_more: bool
    total: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def as_utc(moment: datetime | None) -> datetime | None:
    """Naive datetimes from a query string are read as UTC (the store refuses naive ones)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_when(value: str | None, *, item: str) -> datetime | None:
    """A date or date-time from a dashboard form; blank is None.

    Raises:
        ConfigError: E402 naming the field when the value is not ISO 8601.
    """
    if value is None or not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()))
    except ValueError as exc:
        raise ConfigError(Code.E402, item, reason="expected a date like 2025-03-05") from exc


def claim_ids_of_outlet(ledger: Ledger, outlet: str) -> list[str]:
    """Ids of claims with at least one report from ``outlet`` (case-insensitive name)."""
    ids: set[str] = set()
    for article in ledger.articles(outlet=outlet):
        ids.update(link.claim_id for link in ledger.links(article_id=article.id))
    return sorted(ids)


def claim_page(
    ledger: Ledger, *, config: Config, filters: ClaimFilters, limit: int, offset: int
) -> Page:
    """One page of claim views matching ``filters`` (oldest first)."""
    ids = claim_ids_of_outlet(ledger, filters.outlet) if filters.outlet else None
    if filters.as_of is not None:
        # Statuses as they stood then: claim_views filters and pages after assessing.
        if filters.tracked is not None:
            kept = {c.id for c in ledger.claims(tracked=filters.tracked, ids=ids)}
            ids = sorted(kept)
        views = claim_views(
            ledger,
            config=config,
            status=filters.status or None,
            actor=filters.actor or None,
            since=filters.since,
            until=filters.until,
            text=filters.q or None,
            ids=ids,
            limit=limit + 1,
            offset=offset,
            as_of=filters.as_of,
        )
        return Page(items=views[:limit], limit=limit, offset=offset, has_more=len(views) > limit)
    found = ledger.claims(
        status=filters.status or None,
        actor=filters.actor or None,
        since=filters.since,
        until=filters.until,
        text=filters.q or None,
        tracked=filters.tracked,
        ids=ids,
        limit=limit + 1,
        offset=offset,
    )
    has_more = len(found) > limit
    page_ids = [c.id for c in found[:limit]]
    items = claim_views(ledger, config=config, ids=page_ids) if page_ids else []
    # claim_views re-reads the claims; keep the list's order.
    order = {cid: i for i, cid in enumerate(page_ids)}
    items.sort(key=lambda v: order.get(str(v["id"]), 0))
    total = None if filters.any() else ledger.count("claims")
    return Page(items=items, limit=limit, offset=offset, has_more=has_more, total=total)


def independent_counts(view: dict[str, Any]) -> tuple[int, int]:
    """Distinct origins of independent evidence for and against a claim view."""
    pro: set[str] = set()
    con: set[str] = set()
    for ev in view.get("evidence", []):
        if not ev.get("independent"):
            continue
        origin = str(ev.get("origin") or ev.get("statement") or "")
        if ev.get("stance") == "supports":
            pro.add(origin)
        elif ev.get("stance") == "refutes":
            con.add(origin)
    return len(pro), len(con)
