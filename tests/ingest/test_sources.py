"""Every source type read from real files; every bad input gives a coded failure."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimledger.errors import IngestError
from claimledger.ingest.fetch import FetchOptions
from claimledger.ingest.sources import Defaults, iter_sources, parse_date
from claimledger.records import Article, IngestFailure

OPTS = FetchOptions(max_bytes=200_000)
BODY = (
    "The defence ministry said units were returning to base after exercises. "
    "Observers said they had seen no sign of it. The foreign minister said the country "
    "would believe it when it saw it."
)
HTML = f"""<!doctype html><html><head><title>Troops to return, ministry says</title>
<meta property="og:site_name" content="Daily Ledger">
<meta property="article:published_time" content="2022-02-15T09:30:00+01:00">
</head><body><nav>Home | World | Sport</nav><article><h1>Troops to return, ministry says</h1>
<p>{BODY}</p><p>{BODY.replace("units", "some units")}</p></article>
<footer>Copyright Daily Ledger</footer></body></html>"""
FEED = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire Feed</title>
<item><title>First</title><link>https://wire.example/1</link><guid>w1</guid>
<pubDate>Tue, 15 Feb 2022 10:00:00 GMT</pubDate><description>{BODY * 3}</description></item>
<item><title>Second</title><link>https://wire.example/2</link><guid>w2</guid>
<pubDate>Wed, 16 Feb 2022 10:00:00 GMT</pubDate><description>{(BODY + " Again.") * 3}</description></item>
</channel></rss>"""


def _read(
    paths: list[str], defaults: Defaults | None = None
) -> tuple[list[Article], list[IngestFailure]]:
    arts, fails = [], []
    for got in iter_sources(paths, defaults=defaults or Defaults(), options=OPTS):
        if isinstance(got, Article):
            arts.append(got)
        elif isinstance(got, IngestFailure):
            fails.append(got)
    return arts, fails


def test_text_and_markdown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ministry statement\n\n" + BODY, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Border report\n\n" + BODY + " Extra.", encoding="utf-8")
    when = datetime(2022, 2, 15, tzinfo=UTC)
    arts, fails = _read(
        [str(tmp_path / "a.txt"), str(tmp_path / "b.md")], Defaults(published=when, outlet="Desk")
    )
    assert not fails
    assert [a.title for a in arts] == ["Ministry statement", "Border report"]
    assert all(a.outlet == "Desk" and a.published == when for a in arts)
    assert not arts[1].text.startswith("#")


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    [art], fails = _read([str(tmp_path / "page.html")])
    assert not fails
    assert art.title == "Troops to return, ministry says"
    assert art.outlet == "Daily Ledger"
    assert art.published is not None and art.published.tzinfo is not None
    assert "defence ministry" in art.text
    assert "Copyright" not in art.text and "Home | World" not in art.text


def test_jsonl_with_bad_lines_keeps_good_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": "https://x.example/1",
                "title": "One",
                "text": BODY,
                "published": "2022-02-15T10:00:00Z",
                "outlet": "X",
            }
        ),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": BODY + " Two.", "published": "yesterday-ish nonsense"}),
        json.dumps(["a list"]),
        json.dumps({"text": BODY + " Three."}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, fails = _read([str(tmp_path / "a.jsonl")])
    assert [a.text[-6:] for a in arts] == [BODY[-6:], "Three."]
    assert arts[0].published == datetime(2022, 2, 15, 10, tzinfo=UTC)
    codes = sorted((f.item.rsplit(":", 1)[1], f.code) for f in fails)
    assert codes == [("2", "E104"), ("3", "E104"), ("4", "E112"), ("5", "E104")]
    assert all(str(tmp_path / "a.jsonl") in f.item for f in fails)


def test_gzipped_jsonl(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": BODY}) + "\n")
    arts, fails = _read([str(tmp_path / "a.jsonl.gz")])
    assert len(arts) == 1 and not fails


def _warc(path: Path) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, html in enumerate([HTML, HTML.replace("defence ministry", "foreign ministry")]):
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            rec = writer.create_warc_record(
                f"https://news.example/{i}",
                "response",
                payload=io.BytesIO(html.encode()),
                http_headers=headers,
            )
            writer.write_record(rec)


def test_warc_archive(tmp_path: Path) -> None:
    _warc(tmp_path / "crawl.warc.gz")
    arts, fails = _read([str(tmp_path / "crawl.warc.gz")])
    assert not fails
    assert [a.url for a in arts] == ["https://news.example/0", "https://news.example/1"]


def test_feed_file(tmp_path: Path) -> None:
    (tmp_path / "wire.xml").write_text(FEED, encoding="utf-8")
    arts, fails = _read([str(tmp_path / "wire.xml")])
    assert not fails
    assert [a.url for a in arts] == ["https://wire.example/1", "https://wire.example/2"]
    assert arts[0].outlet == "Wire Feed"
    assert arts[1].published == datetime(2022, 2, 16, 10, tzinfo=UTC)


def test_directory_with_manifest(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "one.txt": {
                    "outlet": "Gazette",
                    "published": "2022-02-14",
                    "url": "https://g.example/1",
                }
            }
        ),
        encoding="utf-8",
    )
    [art], fails = _read([str(tmp_path)])
    assert not fails
    assert (art.outlet, art.url) == ("Gazette", "https://g.example/1")
    assert art.published == datetime(2022, 2, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("bin.txt", b"\x00\x01\x02binary\xff", "E102"),
        ("latin1.txt", "caf\xe9 cr\xe8me".encode("latin-1"), "E102"),
        ("empty.txt", b"", "E103"),
        ("blank.md", b"   \n\n  ", "E103"),
        ("trunc.html", b"<html><head><title>x</title></head><body><p>", "E109"),
        ("broken.xml", b"<?xml version='1.0'?><rss><channel><item><title>x", "E106"),
        ("big.txt", b"word " * 50_000, "E105"),
        ("odd.xyz", b"some text", "E108"),
        ("bad.warc", b"this is not a warc file at all", "E110"),
    ],
)
def test_bad_inputs_give_one_coded_failure(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    (tmp_path / name).write_bytes(content)
    arts, fails = _read([str(tmp_path / name)])
    assert not arts
    assert [f.code for f in fails] == [code]
    assert fails[0].item.startswith(str(tmp_path / name))
    assert "\n" not in fails[0].reason


def test_missing_file(tmp_path: Path) -> None:
    arts, fails = _read([str(tmp_path / "nope.txt")])
    assert not arts and fails[0].code == "E101"


def test_parse_date_is_utc_aware() -> None:
    assert parse_date("2022-02-15T10:00:00+02:00", item="x") == datetime(2022, 2, 15, 8, tzinfo=UTC)
    assert parse_date("2022-02-15", item="x") == datetime(2022, 2, 15, tzinfo=UTC)
    assert parse_date(None, item="x") is None
    with pytest.raises(IngestError) as err:
        parse_date("not a date at all", item="row 3")
    assert str(err.value).startswith("E112 row 3:")
