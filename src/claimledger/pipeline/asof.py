"""The ledger as it stood at a moment: ``--as-of DATE`` and ``?as_of=``.

An as-of view counts only articles published (or, for an undated article, estimated to be
published: ``ingest.dates``) up to the moment, shows the statuses the replayable history held
then, and leaves out claims first seen after it (docs/cli.md, "The ledger at a date"). The
status comes from the verdict engine assessed at that moment over the evidence dated up to it,
which is what the stored history replays; a claim that cannot be assessed falls back to the
history's last event up to the moment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from claimledger.errors import Code, ConfigError
from claimledger.records import StatusEvent

_DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_of_moment(value: str | None, *, item: str) -> datetime | None:
    """Parse an as-of value: a date is the end of that UTC day, a date-time is taken as given.

    ``2022-02-14`` counts everything published on 14 February (UTC);
    ``2022-02-14T12:00Z`` stops at noon. A date-time without an offset is UTC. Blank is None.

    Raises:
        ConfigError: E402 naming ``item`` when the value is no ISO 8601 date or date-time.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if _DAY_ONLY.match(text):
            return end_of_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            Code.E402, item, reason="expected a date like 2022-02-14 or 2022-02-14T18:00Z"
        ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The last microsecond of ``day`` in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC) - timedelta(
        microseconds=1
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def evidence_at(evidence: Sequence[Any], as_of: datetime) -> list[Any]:
    """The evidence items dated up to ``as_of`` (estimated dates count as dates)."""
    return [ev for ev in evidence if _utc(ev.date) <= as_of]


def history_at(history: Sequence[StatusEvent], as_of: datetime) -> list[StatusEvent]:
    """The status events up to ``as_of``, in their order."""
    return [event for event in history if _utc(event.at) <= as_of]


def seen_by(first_seen: datetime | None, as_of: datetime) -> bool:
    """Whether a claim first seen at ``first_seen`` was in the ledger at ``as_of``."""
    return first_seen is not None and _utc(first_seen) <= as_of
