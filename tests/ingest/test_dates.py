"""Every article gets a date, in the documented fallback order, flagged when estimated."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claimledger.config import load_config
from claimledger.ingest.dates import DATE_SOURCES, ESTIMATED, estimated_label
from claimledger.ingest.fetch import FetchOptions
from claimledger.ingest.sources import Defaults, iter_sources, make_article
from claimledger.ingest.store import Stored, dated, store_articles
from claimledger.records import Article

OPTS = FetchOptions(max_bytes=200_000)
BODY = (
    "The defence ministry said units were returning to base after exercises. "
    "Observers said they had seen no sign of it, and the minister said so again."
)
MTIME = datetime(2024, 6, 1, 12, tzinfo=UTC)


def _read(paths: list[Path], defaults: Defaults | None = None) -> list[Article]:
    got = iter_sources([str(p) for p in paths], defaults=defaults or Defaults(), options=OPTS)
    return [a for a in got if isinstance(a, Article)]


def _touch(path: Path, when: datetime = MTIME) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_the_order_is_named_data_and_only_fallbacks_are_estimated() -> None:
    assert [s.id for s in DATE_SOURCES] == [
        "article",
        "given",
        "metadata",
        "file",
        "fetch",
        "ingest",
    ]
    assert ESTIMATED == {"metadata", "file", "fetch", "ingest"}
    assert estimated_label("file") == "estimated (file modification time)"
    assert estimated_label("article") is None


def test_a_plain_text_file_takes_its_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"Headline\n\n{BODY}", encoding="utf-8")
    _touch(path)
    [art] = _read([path])
    assert (art.published, art.date_source, art.date_estimated) == (MTIME, "file", True)


def test_a_given_date_beats_the_file_time_and_is_not_an_estimate(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(BODY, encoding="utf-8")
    _touch(path)
    given = datetime(2022, 2, 15, tzinfo=UTC)
    [art] = _read([path], Defaults(published=given))
    assert (art.published, art.date_source, art.date_estimated) == (given, "given", False)


def test_html_own_date_then_page_metadata_then_file_time(tmp_path: Path) -> None:
    def page(meta: str) -> str:
        return (
            f"<!doctype html><html><head><title>T</title>{meta}</head>"
            f"<body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>"
        )

    own = tmp_path / "own.html"
    own.write_text(
        page('<meta property="article:published_time" content="2022-02-15T09:30:00Z">'),
        encoding="utf-8",
    )
    modified = tmp_path / "modified.html"
    modified.write_text(
        page('<meta property="article:modified_time" content="2022-02-16T08:00:00Z">'),
        encoding="utf-8",
    )
    bare = tmp_path / "bare.html"
    bare.write_text(page(""), encoding="utf-8")
    for p in (own, modified, bare):
        _touch(p)
    got = {a.source: a for a in _read([own, modified, bare])}
    a, m, b = got[str(own)], got[str(modified)], got[str(bare)]
    assert (a.published, a.date_source, a.date_estimated) == (
        datetime(2022, 2, 15, 9, 30, tzinfo=UTC),
        "article",
        False,
    )
    assert (m.published, m.date_source, m.date_estimated) == (
        datetime(2022, 2, 16, 8, tzinfo=UTC),
        "metadata",
        True,
    )
    assert b.date_estimated and b.date_source in ("file", "article")
    if b.date_source == "file":  # trafilatura may still find a date in the page
        assert b.published == MTIME


def test_a_feed_entry_without_a_date_takes_the_feed_date(tmp_path: Path) -> None:
    feed = tmp_path / "wire.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<lastBuildDate>Wed, 16 Feb 2022 10:00:00 GMT</lastBuildDate>"
        f"<item><title>One</title><link>https://wire.example/1</link><description>{BODY * 4}"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    _touch(feed)
    [art] = _read([feed])
    assert (art.published, art.date_source, art.date_estimated) == (
        datetime(2022, 2, 16, 10, tzinfo=UTC),
        "metadata",
        True,
    )


def test_a_json_line_without_a_date_takes_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"text": BODY})
        + "\n"
        + json.dumps({"text": BODY + " Two.", "published": "2022-02-14"})
        + "\n",
        encoding="utf-8",
    )
    _touch(path)
    undated, own = _read([path])
    assert (undated.date_source, undated.published) == ("file", MTIME)
    assert (own.date_source, own.date_estimated) == ("article", False)


def test_the_store_dates_what_is_left_with_the_ingest_time() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    art = dated(make_article(BODY, item="x"), now=now)
    assert (art.published, art.date_source, art.date_estimated) == (now, "ingest", True)


def test_implausible_dates_are_not_believed_and_the_article_says_so() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    future = dated(make_article(BODY, item="x", published=now + timedelta(days=400)), now=now)
    assert (future.published, future.date_source, future.date_estimated) == (now, "ingest", True)
    assert future.problem == "ignored article date 2027-02-05 is in the future"
    old = dated(make_article(BODY, item="x", published=datetime(1970, 1, 1, tzinfo=UTC)), now=now)
    assert old.published == now and "before 1990" in (old.problem or "")
    # Tomorrow's paper (time zones) and a date the user gave are believed.
    soon = make_article(BODY, item="x", published=now + timedelta(hours=20))
    assert dated(soon, now=now) == soon
    given = make_article(
        BODY, item="x", defaults=Defaults(published=datetime(1985, 5, 1, tzinfo=UTC))
    )
    assert dated(given, now=now) == given


def test_stored_articles_keep_their_date_source(ledger: object) -> None:
    from claimledger.store.ledger import Ledger

    assert isinstance(ledger, Ledger)
    items = [make_article(BODY, item="undated"), make_article(BODY + " Again.", item="x")]
    dedup = load_config(environ={}).dedup
    stored = [
        s for s in store_articles(items, ledger=ledger, config=dedup) if isinstance(s, Stored)
    ]
    assert len(stored) == 2
    for s in stored:
        back = ledger.get_article(s.article.id)
        assert back.published is not None
        assert (back.date_source, back.date_estimated) == ("ingest", True)
