"""Where an article's date comes from: the fallback order, as named data.

Every stored article has a publication time. When the article does not give
one, the first of these that is known and plausible is taken, and the article
is flagged as having an estimated date (``docs/reliability.md``, "Dates").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, slots=True)
class DateSource:
    """One place a date can come from."""

    id: str
    estimated: bool
    purpose: str


# In the order they are tried.
DATE_SOURCES: tuple[DateSource, ...] = (
    DateSource(
        "article",
        False,
        "the article's own date: `published` of a JSON line or Parquet row, the page's "
        "article:published_time or date meta tag (or the date trafilatura finds), a feed "
        "entry's published or updated date",
    ),
    DateSource("given", False, "`--published`, or `published` in the folder's manifest.json"),
    DateSource(
        "metadata",
        True,
        "other page or feed metadata: article:modified_time, og:updated_time or "
        "last-modified meta tags, the feed's own date",
    ),
    DateSource("file", True, "the modification time of the local file"),
    DateSource("fetch", True, "when the page or feed was fetched (a WARC record's capture date)"),
    DateSource("ingest", True, "when the article was stored"),
)
ESTIMATED: frozenset[str] = frozenset(s.id for s in DATE_SOURCES if s.estimated)
_LABELS = {
    "metadata": "page or feed metadata",
    "file": "file modification time",
    "fetch": "fetch time",
    "ingest": "ingest time",
}

# Dates outside [EARLIEST, now + FUTURE_SLACK] are not believed (a page's template year,
# a clock at zero, a typo): the next source is tried and the article notes why.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def implausible(moment: datetime, *, now: datetime) -> str | None:
    """Why ``moment`` cannot be a publication time, or None when it can."""
    if moment < EARLIEST:
        return f"date {moment.date().isoformat()} is before {EARLIEST.year}"
    if moment > now + FUTURE_SLACK:
        return f"date {moment.date().isoformat()} is in the future"
    return None


def estimated_label(source: str | None) -> str | None:
    """``"estimated (file modification time)"`` for an estimated source, else None."""
    if source not in ESTIMATED:
        return None
    return f"estimated ({_LABELS.get(source or '', source)})"


@dataclass(frozen=True, slots=True)
class DateChoice:
    """The date chosen for an article and where it came from."""

    published: datetime | None
    source: str | None
    estimated: bool


def choose_date(candidates: tuple[tuple[datetime | None, str], ...]) -> DateChoice:
    """The first known candidate ``(moment, source id)``, in the given order."""
    for moment, source in candidates:
        if moment is not None:
            return DateChoice(moment, source, source in ESTIMATED)
    return DateChoice(None, None, False)


def stored_date(
    published: datetime | None, source: str | None, *, now: datetime
) -> tuple[DateChoice, str | None]:
    """The date an article is stored with, and a note when its own date was not believed.

    The last step of the order: no date, or an implausible one the user did not give
    (``implausible``), becomes the ingest time ``now``, flagged as estimated.
    """
    if published is not None:
        why = None if source == "given" else implausible(published, now=now)
        if why is None:
            return DateChoice(published, source, source in ESTIMATED), None
        note = f"ignored {source or 'article'} {why}"
        return DateChoice(now, "ingest", True), note
    return DateChoice(now, "ingest", True), None
