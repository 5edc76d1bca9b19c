"""Fuzz targets: one per parser of outside data, shared by hypothesis and atheris.

Each target takes raw bytes (what an attacker or a broken file controls) and
states the parser's contract: it either returns records or raises a catalogue
error (``ClaimledgerError``) with a one-line message. Any other exception, a
multi-line message, or a broken invariant (a naive date, an offset outside the
text) is a crash. ``tests/fuzz/run.py`` drives these under atheris; the
hypothesis tests in this folder call them with bounded examples.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from claimledger.errors import ClaimledgerError
from claimledger.records import Article, IngestFailure

_CODE = re.compile(r"^E\d{3}$")
PUBLISHED = datetime(2025, 3, 5, 9, tzinfo=UTC)


class ContractBroken(AssertionError):
    """A parser broke its contract (not a catalogue error, not a record)."""


def check_error(err: ClaimledgerError) -> None:
    """A catalogue error must be one line naming a code."""
    text = str(err)
    if "\n" in text or "\r" in text:
        raise ContractBroken(f"multi-line error message: {text!r}")
    if not _CODE.match(err.code.name):
        raise ContractBroken(f"bad error code {err.code!r}")


def check_failure(fail: IngestFailure) -> None:
    """An ingest failure record must carry a code and a one-line reason."""
    if not _CODE.match(fail.code):
        raise ContractBroken(f"bad failure code {fail.code!r}")
    if "\n" in fail.reason or "\r" in fail.reason or "\n" in fail.item:
        raise ContractBroken(f"multi-line failure: {fail!r}")


def check_article(art: Article) -> None:
    """An article has an id, non-empty text without NUL, and an aware UTC date."""
    if not art.id or not art.text.strip():
        raise ContractBroken(f"empty article: {art!r}")
    if "\x00" in art.text:
        raise ContractBroken("NUL byte kept in article text")
    if art.published is not None and art.published.utcoffset() != UTC.utcoffset(None):
        raise ContractBroken(f"published not UTC: {art.published!r}")


def check_items(items: list[Any]) -> None:
    """Every yielded item is an article, a failure, or (feeds) an entry key."""
    for got in items:
        if isinstance(got, Article):
            check_article(got)
        elif isinstance(got, IngestFailure):
            check_failure(got)
        elif not isinstance(got, str):
            raise ContractBroken(f"unexpected item {type(got).__name__}")


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape").encode("utf-8", "replace").decode()


class _TempFile:
    """One reusable temporary file per process (atheris calls a target ~1000s of times a second)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="claimledger-fuzz-"))

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        return path


_TMP: _TempFile | None = None


def tmpfile(name: str, data: bytes) -> Path:
    global _TMP
    if _TMP is None:
        import atexit
        import shutil

        _TMP = _TempFile()
        atexit.register(shutil.rmtree, _TMP.dir, True)
    return _TMP.write(name, data)


# -- ingest --------------------------------------------------------------------------------------


def fuzz_jsonl(data: bytes) -> None:
    """JSON Lines of articles (file bytes)."""
    from claimledger.ingest.sources import Defaults, read_jsonl

    path = tmpfile("in.jsonl", data)
    check_items(list(read_jsonl(path, defaults=Defaults(), max_bytes=100_000)))


def fuzz_warc(data: bytes) -> None:
    """WARC archive (file bytes), raw or gzipped."""
    from claimledger.ingest.sources import Defaults, read_warc

    path = tmpfile("in.warc", data)
    check_items(list(read_warc(path, defaults=Defaults(), max_bytes=100_000)))


def fuzz_feed(data: bytes) -> None:
    """RSS/Atom feed bytes (no network: teasers are not completed)."""
    from claimledger.ingest.sources import Defaults, parse_feed

    items = list(parse_feed(data, item="feed.xml", defaults=Defaults(), options=None))
    check_items(items)


def fuzz_html(data: bytes) -> None:
    """An HTML page through trafilatura and the meta-tag reader."""
    from claimledger.ingest.sources import Defaults, article_from_html

    try:
        check_article(
            article_from_html(_text(data), item="page.html", url=None, defaults=Defaults())
        )
    except ClaimledgerError as err:
        check_error(err)


def fuzz_date(data: bytes) -> None:
    """A date string from a feed, a JSON line or a page's metadata."""
    from claimledger.ingest.sources import parse_date

    try:
        got = parse_date(_text(data), item="date")
    except ClaimledgerError as err:
        check_error(err)
        return
    if got is not None and got.utcoffset() != UTC.utcoffset(None):
        raise ContractBroken(f"parse_date returned a non-UTC datetime {got!r}")


def fuzz_file(data: bytes) -> None:
    """Any file dropped in an ingest folder: suffix chosen by the first byte, content sniffed."""
    from claimledger.ingest.fetch import FetchOptions
    from claimledger.ingest.sources import Defaults, read_file

    suffixes = (".txt", ".md", ".html", ".xml", ".jsonl", ".warc", ".rss", "")
    suffix = suffixes[data[0] % len(suffixes)] if data else ".txt"
    path = tmpfile("doc" + suffix, data[1:])
    opts = FetchOptions(max_bytes=100_000)
    check_items(list(read_file(path, defaults=Defaults(), options=opts)))


def fuzz_dedup(data: bytes) -> None:
    """URL canonicalisation, shingling, MinHash and wire-agency detection on any text."""
    from claimledger.ingest.dedup import canonical_url, detect_agency, minhash

    text = _text(data)
    # Canonicalisation must never raise (its output need not be canonical again for garbage).
    canonical_url(text)
    sig = minhash(text, num_perm=16, shingle_size=3)
    if sig.shape != (16,):
        raise ContractBroken("minhash signature of the wrong length")
    detect_agency(text, byline=text[:60])


def fuzz_check_url(data: bytes) -> None:
    """URL refusal rules (no DNS: private addresses allowed, so only the scheme/host rules run)."""
    from claimledger.ingest.fetch import check_url

    try:
        check_url(_text(data), allow_private=True)
    except ClaimledgerError as err:
        check_error(err)


def fuzz_fetch(data: bytes) -> None:
    """``fetch`` of a fuzzed URL on a closed loopback port (no network; private allowed)."""
    from claimledger.ingest.fetch import FetchOptions, fetch

    text = _text(data)
    hosts = ("127.0.0.1:1", "[::1]:1", "a..b", "localhost:1", "")
    url = f"http://{hosts[data[0] % len(hosts)]}{text}" if data and data[0] % 2 else text
    try:
        fetch(url, options=FetchOptions(timeout=0.5, max_redirects=1, allow_private_addresses=True))
    except ClaimledgerError as err:
        check_error(err)


# -- eval readers --------------------------------------------------------------------------------


def fuzz_brat(data: bytes) -> None:
    """A brat ``.ann`` file against a text; the first line of the input is the text."""
    from claimledger.eval.brat import read_ann

    text, _, ann = _text(data).partition("\n")
    path = tmpfile("doc_00ab.ann", ann.encode("utf-8"))
    try:
        attrs = read_ann(path, text)
    except ClaimledgerError as err:
        check_error(err)
        return
    for a in attrs:
        for span in (a.content, a.source, a.cue, *a.content_fragments):
            if span is not None and not 0 <= span[0] <= span[1] <= len(text):
                raise ContractBroken(f"span {span} outside text of {len(text)}")


def fuzz_csv(data: bytes) -> None:
    """The eval commands' CSV readers: ClaimBuster and FNC-1 bodies/stances."""
    from claimledger.extract.train_checkworthy import read_claimbuster
    from claimledger.stance.data import read_fnc_dir

    head, _, rest = data.partition(b"\x00\x00")
    try:
        read_claimbuster(tmpfile("crowdsourced.csv", data))
    except ClaimledgerError as err:
        check_error(err)
    folder = tmpfile("crowdsourced.csv", data).parent / "fnc"
    folder.mkdir(exist_ok=True)
    (folder / "t_bodies.csv").write_bytes(head)
    (folder / "t_stances.csv").write_bytes(rest)
    try:
        read_fnc_dir(folder)
    except ClaimledgerError as err:
        check_error(err)


def fuzz_stance_jsonl(data: bytes) -> None:
    """The ``claimledger stance`` JSON-lines input."""
    from claimledger.eval.stance import parse_stance_pairs

    try:
        parse_stance_pairs(_text(data).splitlines(), source="pairs.jsonl")
    except ClaimledgerError as err:
        check_error(err)


# -- extraction (no model) -----------------------------------------------------------------------


def fuzz_timex(data: bytes) -> None:
    """Time expressions on any text: spans inside the text, phrases equal to the span's text."""
    from claimledger.extract.timex import is_future, resolve_times

    text = _text(data)
    pub = date(2025, 3, 5) if not data or data[0] % 3 else None
    for ref in resolve_times(text, published=pub):
        s, e = ref.span
        if not 0 <= s <= e <= len(text):
            raise ContractBroken(f"time span {ref.span} outside text of {len(text)}")
    is_future(text, pub)


_TABLE: Any = None


def actor_table() -> Any:
    global _TABLE
    if _TABLE is None:
        from claimledger.extract.actors import ActorTable

        sample = Path(__file__).resolve().parents[2] / "src/claimledger/data/sample/actors.yaml"
        _TABLE = ActorTable.load(sample)
    return _TABLE


def fuzz_actors(data: bytes) -> None:
    """Actor name resolution on any speaker string (and creation of unknown speakers)."""
    table = actor_table()
    text = _text(data)
    table.resolve(text, on=date(2025, 3, 5))
    table.resolve_or_create(text[:200], context=text)


# -- extraction with the spaCy model (slow: bounded examples) ------------------------------------


def fuzz_extract(data: bytes) -> None:
    """The attribution extractor on arbitrary Unicode: offsets inside the text."""
    from claimledger.extract.attribution import extract_texts

    text = _text(data)
    [attrs] = list(extract_texts([text], actors=actor_table()))
    for a in attrs:
        for span in (a.content, a.source, a.cue):
            if span is not None and not 0 <= span[0] <= span[1] <= len(text):
                raise ContractBroken(f"span {span} outside text of {len(text)}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "jsonl": fuzz_jsonl,
    "warc": fuzz_warc,
    "feed": fuzz_feed,
    "html": fuzz_html,
    "date": fuzz_date,
    "file": fuzz_file,
    "dedup": fuzz_dedup,
    "check_url": fuzz_check_url,
    "fetch": fuzz_fetch,
    "brat": fuzz_brat,
    "csv": fuzz_csv,
    "stance_jsonl": fuzz_stance_jsonl,
    "timex": fuzz_timex,
    "actors": fuzz_actors,
    "extract": fuzz_extract,
}

# Seeds: small valid inputs of each kind, so that coverage-guided fuzzing starts past the header.
SEEDS: dict[str, list[bytes]] = {
    "jsonl": [
        b'{"url":"https://x.example/a","title":"T","text":"The minister said it.",'
        b'"published":"2025-03-01T10:00:00+02:00","outlet":"Wire"}\n{"text":"x"}\n[1]\n{bad\n'
    ],
    "feed": [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>A</title>'
        b"<link>https://w.example/1</link><guid>1</guid><pubDate>Tue, 15 Feb 2022 10:00:00 GMT"
        b"</pubDate><description>&lt;p&gt;The minister said troops left.&lt;/p&gt;</description>"
        b"</item></channel></rss>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>e1</id>'
        b'<updated>2022-02-15T10:00:00Z</updated><content type="html">Hello world text</content>'
        b"</entry></feed>",
    ],
    "html": [
        b'<!doctype html><html><head><title>T</title><meta property="article:published_time" '
        b'content="2022-02-15T09:30:00+01:00"><meta property="og:site_name" content="Daily">'
        b"</head><body><article><h1>T</h1><p>The defence ministry said units were returning to "
        b"base after exercises. Observers said they had seen no sign of it.</p></article></body></html>"
    ],
    "date": [b"2025-03-01T10:00:00+02:00", b"Tue, 15 Feb 2022 10:00:00 GMT", b"March 5", b"0"],
    "brat": [
        b"Smith said troops left.\nT1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\n"
        b"T3\tContent 11 23\ttroops left.\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    ],
    "csv": [
        b"Sentence_id,Text,Speaker,Speaker_title,Speaker_party,File_id,Length,Line_number,"
        b"Sentiment,Verdict\n1,We cut taxes.,A,B,C,f1,3,1,0.1,1\n"
        b"\x00\x00Body ID,articleBody\n1,body\n"
    ],
    "stance_jsonl": [b'{"id":1,"claim":"a","text":"b"}\n{"id":true}\n'],
    "timex": [b"The army will withdraw by Friday, officials said on Tuesday, within 48 hours."],
    "actors": [b"Defence Minister Anna Holt", b"a spokesman for the ministry"],
    "dedup": [b"https://www.Example.com/a/?utm_source=x&b=1#frag", b"LONDON (Reuters) - text"],
    "check_url": [b"http://127.0.0.1:80/x", b"file:///etc/passwd", b"https://[::1]/"],
    "fetch": [b"\x01/path?q=1#f", b"http://127.0.0.1:1/"],
    "extract": [b'"We will not attack," the minister said on Tuesday.'],
    "warc": [],
    "file": [b"\x00Title\n\nSome text of an article."],
}


def warc_seed() -> bytes:
    """A one-record WARC archive written by warcio."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    body = SEEDS["html"][0]
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
    rec = writer.create_warc_record(
        "https://w.example/a", "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(rec)
    return buf.getvalue()


def seeds(name: str) -> list[bytes]:
    """Seed inputs of a target."""
    if name == "warc":
        return [warc_seed()]
    return list(SEEDS.get(name, []))


def cleanup() -> None:
    """Remove the temporary folder (best effort)."""
    if _TMP is not None:
        for p in sorted(_TMP.dir.rglob("*"), reverse=True):
            (p.rmdir if p.is_dir() else p.unlink)()
        os.rmdir(_TMP.dir)
