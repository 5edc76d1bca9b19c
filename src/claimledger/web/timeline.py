"""Geometry of a claim's timeline chart, rendered as inline SVG by a template.

Reports are dots placed by date on one lane per stance and coloured by stance
(CSS classes, so the page needs no inline style); filled dots counted as
independent, hollow ones did not. Status changes are vertical rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from claimledger.records import STANCES

WIDTH = 1040
LEFT = 92
RIGHT = 24
TOP = 26
LANE = 26
BOTTOM = 34


@dataclass(frozen=True, slots=True)
class Report:
    """One report on the timeline."""

    when: datetime
    stance: str
    independent: bool
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Change:
    """One status change (``by``: ``machine``, or ``analyst`` for an analyst's, docs/review.md)."""

    when: datetime
    status: str
    label: str
    by: str = "machine"


@dataclass(slots=True)
class Timeline:
    """Everything the SVG template draws, in pixels."""

    width: int
    height: int
    lanes: list[tuple[int, str]] = field(default_factory=list)
    ticks: list[tuple[int, str]] = field(default_factory=list)
    dots: list[dict[str, object]] = field(default_factory=list)
    rules: list[dict[str, object]] = field(default_factory=list)
    x0: int = LEFT
    x1: int = WIDTH - RIGHT
    axis_y: int = 0


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _ticks(start: datetime, end: datetime, count: int = 8) -> tuple[list[datetime], timedelta]:
    span = end - start
    step = max(span / max(count - 1, 1), timedelta(hours=1))
    if step >= timedelta(days=1):
        step = timedelta(days=round(step / timedelta(days=1)) or 1)
        first = start.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        step = timedelta(hours=max(1, round(step / timedelta(hours=1))))
        first = start.replace(minute=0, second=0, microsecond=0)
    out: list[datetime] = []
    t = first
    while t <= end and len(out) < 40:
        if t >= start:
            out.append(t)
        t += step
    return out or [start], step


def build_timeline(reports: Sequence[Report], changes: Sequence[Change]) -> Timeline:
    """Lay out reports by date and stance lane, with status changes as rules.

    Args:
        reports: The claim's linked reports.
        changes: The claim's status history.
    """
    lanes = [s for s in STANCES if any(r.stance == s for r in reports)] or ["supports"]
    height = TOP + LANE * len(lanes) + BOTTOM
    tl = Timeline(width=WIDTH, height=height)
    tl.axis_y = TOP + LANE * len(lanes)
    tl.lanes = [(TOP + LANE * i + LANE // 2, s) for i, s in enumerate(lanes)]
    moments = [_utc(r.when) for r in reports] + [_utc(c.when) for c in changes]
    if not moments:
        return tl
    start, end = min(moments), max(moments)
    if end - start < timedelta(hours=2):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    pad = (end - start) * 0.03
    start, end = start - pad, end + pad
    scale = (tl.x1 - tl.x0) / (end - start).total_seconds()

    def x_of(moment: datetime) -> int:
        return round(tl.x0 + (_utc(moment) - start).total_seconds() * scale)

    lane_y = {s: y for y, s in tl.lanes}
    ticks, step = _ticks(start, end)
    daily = step >= timedelta(days=1)
    for t in ticks:
        tl.ticks.append((x_of(t), t.strftime("%d %b") if daily else t.strftime("%d %b %H:%M")))
    # Dots on the same lane at the same pixel are nudged apart so each stays visible.
    taken: dict[tuple[int, int], int] = {}
    for r in sorted(reports, key=lambda r: (_utc(r.when), r.href)):
        x, y = x_of(r.when), lane_y.get(r.stance, tl.lanes[0][0])
        n = taken.get((x // 4, y), 0)
        taken[(x // 4, y)] = n + 1
        tl.dots.append(
            {
                "x": x,
                "y": y + ((n + 1) // 2) * 8 * (1 if n % 2 else -1),
                "stance": r.stance if r.stance in STANCES else "unrelated",
                "independent": r.independent,
                "title": f"{_utc(r.when):%Y-%m-%d %H:%M} · {r.stance}"
                f"{' · independent' if r.independent else ''} · {r.label}",
                "href": r.href,
            }
        )
    # A rule's label is drawn only where it does not run into the previous one.
    label_width = 64
    right_edge = -1000
    for c in sorted(changes, key=lambda c: _utc(c.when)):
        x = x_of(c.when)
        anchor = "end" if x > tl.x1 - label_width else "start"
        left = x - label_width if anchor == "end" else x
        labelled = left >= right_edge + 8
        if labelled:
            right_edge = left + label_width
        tl.rules.append(
            {
                "x": x,
                "status": c.status,
                "by": c.by,
                "label": c.status if labelled else "",
                "anchor": anchor,
                "title": f"{_utc(c.when):%Y-%m-%d %H:%M} → {c.status}: {c.label}",
            }
        )
    return tl
