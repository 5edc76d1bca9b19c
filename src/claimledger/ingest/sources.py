"""Readers of outside data: text, Markdown, HTML, JSON Lines, WARC, feeds, URLs.

Every reader yields ``Article`` records or ``IngestFailure`` records; a bad
item never stops the others. Failures carry the item (file, file:line, URL)
and a coded one-line reason.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import feedparser
import trafilatura
from dateutil import parser as dateparser
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from claimledger.errors import ClaimledgerError, Code, IngestError
from claimledger.ingest.dates import choose_date
from claimledger.ingest.dedup import normalize_text
from claimledger.ingest.fetch import FetchOptions, fetch
from claimledger.records import Article, IngestFailure, hash_id

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc.gz"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".feed"}
_MANIFEST = "manifest.json"
# A feed entry shorter than this is a teaser: the article page is fetched instead.
_TEASER_CHARS = 400


@dataclass(frozen=True, slots=True)
class Defaults:
    """Values for inputs that lack them (``--published``, ``--outlet``).

    ``estimate`` is the fallback date of the input (a file's modification time, a
    fetch time), used after the article's own date, ``published`` and the page's
    metadata, with ``estimate_source`` naming it (``ingest.dates.DATE_SOURCES``).
    """

    published: datetime | None = None
    outlet: str | None = None
    estimate: datetime | None = None
    estimate_source: str | None = None


def parse_date(value: object, *, item: str) -> datetime | None:
    """Parse a date or datetime into timezone-aware UTC (naive values are taken as UTC).

    Raises:
        IngestError: E112 when the value is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            dt = dateparser.isoparse(value.strip())
        except (ValueError, OverflowError, ArithmeticError):
            try:
                dt = dateparser.parse(value.strip())
            # dateutil lets decimal and range errors through on odd input.
            except (ValueError, OverflowError, ArithmeticError, TypeError) as exc:
                raise IngestError(Code.E112, item, reason=repr(value[:60])) from exc
    else:
        raise IngestError(Code.E112, item, reason=f"{type(value).__name__} is not a date")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise IngestError(Code.E112, item, reason=repr(str(value)[:60])) from exc


def _storable(value: str) -> str:
    """Replace lone surrogates (possible from JSON ``\\ud800`` escapes) so the text encodes as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def make_article(
    text: str,
    *,
    item: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: datetime | None = None,
    byline: str | None = None,
    defaults: Defaults | None = None,
    metadata_date: datetime | None = None,
) -> Article:
    """Build an article with its content-hash id, validating the text.

    The date is the article's own ``published`` or, failing that, the first of
    ``defaults.published``, ``metadata_date`` and ``defaults.estimate``
    (``ingest.dates``); the store falls back to the ingest time.

    Raises:
        IngestError: E103 when the text is empty.
    """
    text, title, url, outlet, byline = (
        _storable(v) for v in (text, title or "", url or "", outlet or "", byline or "")
    )
    clean = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if not normalize_text(clean):
        raise IngestError(Code.E103, item)
    d = defaults or Defaults()
    date = choose_date(
        (
            (published, "article"),
            (d.published, "given"),
            (metadata_date, "metadata"),
            (d.estimate, d.estimate_source or "file"),
        )
    )
    return Article(
        id=hash_id(normalize_text(clean).lower(), prefix="a"),
        text=clean,
        title=(title or "").strip() or None,
        url=url or None,
        outlet=(outlet or "").strip() or None,
        published=date.published,
        byline=(byline or "").strip() or None,
        source=item,
        date_source=date.source,
        date_estimated=date.estimated,
    )


def decode(raw: bytes, *, item: str) -> str:
    """Decode UTF-8 text, refusing binary data.

    Raises:
        IngestError: E102 for binary data or another encoding, E103 for nothing at all.
    """
    if not raw.strip():
        raise IngestError(Code.E103, item)
    if b"\x00" in raw[:8192]:
        raise IngestError(Code.E102, item)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(Code.E102, item) from exc


def _fail(exc: ClaimledgerError) -> IngestFailure:
    return IngestFailure(item=exc.item, code=exc.code.name, reason=exc.reason)


def article_from_html(html: str, *, item: str, url: str | None, defaults: Defaults) -> Article:
    """Main text and metadata of an HTML page via trafilatura.

    Raises:
        IngestError: E109 when no main text is found.
    """
    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        favor_recall=True,
    )
    if not extracted:
        raise IngestError(Code.E109, item)
    try:
        meta = json.loads(extracted)
    except json.JSONDecodeError:
        # trafilatura can emit invalid JSON escapes (a combining mark after "\n").
        text_only = trafilatura.extract(html, url=url, favor_recall=True)
        if not text_only:
            raise IngestError(Code.E109, item) from None
        meta = {"text": text_only}
    tags = _meta_tags(html)
    text = meta.get("text") or meta.get("raw_text") or ""
    # The page's own timestamp first: trafilatura's date keeps only the day.
    published = _first_date((tags.get("article:published_time"), tags.get("date")), item=item)
    modified = _first_date(tuple(tags.get(k) for k in _MODIFIED_TAGS), item=item)
    if published is None:
        found = _first_date((meta.get("date"),), item=item)
        # trafilatura falls back to the modification date itself: that is no publication date.
        if found is not None and (modified is None or found.date() != modified.date()):
            published = found
    return make_article(
        text,
        item=item,
        title=meta.get("title"),
        url=url or tags.get("og:url") or None,
        outlet=defaults.outlet
        or tags.get("og:site_name")
        or meta.get("source-hostname")
        or meta.get("hostname"),
        published=published,
        byline=meta.get("author"),
        defaults=defaults,
        metadata_date=modified,
    )


# Page metadata that dates the page, not the article: a fallback (``metadata``).
_MODIFIED_TAGS = ("article:modified_time", "og:updated_time", "last-modified", "dcterms.modified")


def _first_date(values: tuple[object, ...], *, item: str) -> datetime | None:
    """The first readable date among ``values`` (unreadable ones are logged and skipped)."""
    for raw in values:
        if not raw:
            continue
        try:
            return parse_date(raw, item=item)
        except IngestError:
            log.warning("%s: unreadable date %r in metadata", item, raw)
    return None


_META = re.compile(r"<meta\s+[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def _meta_tags(html: str) -> dict[str, str]:
    """``<meta property|name=... content=...>`` pairs of the page head, lowercased keys."""
    import html as htmllib

    out: dict[str, str] = {}
    head = html[: html.lower().find("</head>")] if "</head>" in html.lower() else html[:20000]
    for tag in _META.findall(head):
        attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if key and "content" in attrs and key not in out:
            out[key] = htmllib.unescape(attrs["content"])
    return out


def _text_article(text: str, *, item: str, name: str, defaults: Defaults) -> Article:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    title = None
    if lines:
        first = lines[0].strip()
        if first.startswith("#"):
            title = first.lstrip("#").strip()
            text = text.replace(lines[0], "", 1)
        elif len(first) < 200 and len(lines) > 1:
            title = first
    return make_article(
        text, item=item, title=title or name, outlet=defaults.outlet, defaults=defaults
    )


def record_problem(record: dict[str, Any]) -> str | None:
    """Why an article record (a JSON line, a Parquet row) cannot be read, or None."""
    if not isinstance(record.get("text"), str):
        return '"text" missing or not a string'
    for key in ("url", "title", "outlet", "byline"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return f'"{key}" is not a string'
    return None


def article_from_record(record: dict[str, Any], *, item: str, defaults: Defaults) -> Article:
    """An article from a record that ``record_problem`` accepted.

    Raises:
        IngestError: E112 for an unreadable date, E103 for empty text.
    """
    published = parse_date(record.get("published"), item=item)
    return make_article(
        record["text"],
        item=item,
        title=record.get("title"),
        url=record.get("url"),
        outlet=record.get("outlet") or defaults.outlet,
        published=published,
        byline=record.get("byline"),
        defaults=defaults,
    )


def read_jsonl(
    path: Path, *, defaults: Defaults, max_bytes: int
) -> Iterator[Article | IngestFailure]:
    """Articles from a JSON Lines file: ``{"url","title","text","published","outlet"}``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            item = f"{path}:{lineno}"
            if not raw.strip():
                continue
            try:
                if len(raw) > max_bytes:
                    raise IngestError(Code.E105, item, size=len(raw), limit=max_bytes)
                try:
                    obj = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise IngestError(
                        Code.E104, item, line=lineno, reason=str(exc).split(":")[0]
                    ) from exc
                if not isinstance(obj, dict):
                    raise IngestError(Code.E104, item, line=lineno, reason="not a JSON object")
                problem = record_problem(obj)
                if problem is not None:
                    raise IngestError(Code.E104, item, line=lineno, reason=problem)
                yield article_from_record(obj, item=item, defaults=defaults)
            except IngestError as exc:
                yield _fail(exc)


def read_warc(
    path: Path, *, defaults: Defaults, max_bytes: int
) -> Iterator[Article | IngestFailure]:
    """HTML responses of a WARC archive, one article each."""
    with open(path, "rb") as fh:
        magic = fh.read(5)
        fh.seek(0)
        if magic[:2] != b"\x1f\x8b" and magic != b"WARC/":
            reason = Code.E110.format(reason="no WARC header")
            yield IngestFailure(item=str(path), code="E110", reason=reason)
            return
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                item = f"{path}#{url}"
                ctype = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else ""
                ) or ""
                if "html" not in ctype.lower():
                    continue
                try:
                    body = record.content_stream().read(max_bytes + 1)
                    if len(body) > max_bytes:
                        raise IngestError(Code.E105, item, size=len(body), limit=max_bytes)
                    html = decode(body, item=item)
                    date_hdr = record.rec_headers.get_header("WARC-Date")
                    captured = parse_date(date_hdr, item=item) if date_hdr else None
                    art = article_from_html(
                        html,
                        item=item,
                        url=url,
                        defaults=replace(
                            defaults,
                            estimate=captured or defaults.estimate,
                            estimate_source="fetch" if captured else defaults.estimate_source,
                        ),
                    )
                    yield art
                except IngestError as exc:
                    yield _fail(exc)
                except ValueError as exc:  # malformed HTTP headers inside the record
                    yield IngestFailure(
                        item=item, code="E110", reason=Code.E110.format(reason=type(exc).__name__)
                    )
        # warcio raises AttributeError on some malformed records (missing target URI).
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError) as exc:
            reason = " ".join(str(exc).split())[:120] or type(exc).__name__
            yield IngestFailure(item=str(path), code="E110", reason=Code.E110.format(reason=reason))


def parse_feed(
    raw: bytes,
    *,
    item: str,
    defaults: Defaults,
    options: FetchOptions | None,
    seen: set[str] | None = None,
) -> Iterator[Article | IngestFailure | str]:
    """Articles of an RSS/Atom feed. Also yields each entry's key (``str``) once handled.

    Teaser entries are completed by fetching their link when ``options`` allows network access.
    """
    try:
        parsed = feedparser.parse(raw)
    except (ValueError, OverflowError, UnicodeError) as exc:  # e.g. &#x110000; in a feed
        yield IngestFailure(
            item=item, code="E106", reason=Code.E106.format(reason=type(exc).__name__)
        )
        return
    usable = [e for e in parsed.entries if e.get("content") or e.get("summary") or e.get("link")]
    if not usable:
        reason = str(parsed.get("bozo_exception") or "no entries")[:120]
        yield IngestFailure(item=item, code="E106", reason=Code.E106.format(reason=reason))
        return
    feed_title = parsed.feed.get("title") if parsed.get("feed") else None
    feed_date = None
    if parsed.get("feed"):
        feed_date = _first_date(
            (parsed.feed.get("updated"), parsed.feed.get("published")), item=item
        )
    for n, entry in enumerate(parsed.entries):
        key = str(entry.get("id") or entry.get("link") or f"{item}#{n}")
        if seen is not None and key in seen:
            continue
        link = entry.get("link")
        sub = f"{item}#{link or n}"
        try:
            html = ""
            if entry.get("content"):
                html = "\n".join(c.get("value", "") for c in entry["content"])
            elif entry.get("summary"):
                html = entry["summary"]
            text = _html_to_text(html)
            published = None
            for field in ("published", "updated"):
                if entry.get(field):
                    published = parse_date(entry[field], item=sub)
                    break
            if len(text) < _TEASER_CHARS and link and options is not None:
                page = fetch(link, options=options)
                art = article_from_html(
                    decode(page.content, item=link),
                    item=link,
                    url=page.url,
                    defaults=replace(
                        defaults,
                        outlet=defaults.outlet or feed_title,
                        estimate=datetime.now(UTC),
                        estimate_source="fetch",
                    ),
                )
                if published is not None and art.date_source != "article":
                    art = replace(
                        art, published=published, date_source="article", date_estimated=False
                    )
            else:
                art = make_article(
                    text,
                    item=sub,
                    title=entry.get("title"),
                    url=link,
                    outlet=defaults.outlet or feed_title,
                    published=published,
                    byline=entry.get("author"),
                    defaults=defaults,
                    metadata_date=feed_date,
                )
            yield art
        except IngestError as exc:
            yield _fail(exc)
        yield key


_TAGS = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|li|h\d|blockquote)[^>]*>", re.IGNORECASE)


def _html_to_text(fragment: str) -> str:
    import html as htmllib

    if "<" not in fragment:
        return htmllib.unescape(fragment).strip()
    text = _BLOCK.sub("\n\n", fragment)
    text = _TAGS.sub("", text)
    text = htmllib.unescape(text)
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def _looks_like_feed(head: bytes) -> bool:
    low = head[:2000].lower()
    return b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low


def _manifest(directory: Path) -> dict[str, dict[str, str]]:
    path = directory / _MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(Code.E108, str(path), reason=f"unreadable manifest ({exc})") from exc
    if not isinstance(data, dict):
        raise IngestError(Code.E108, str(path), reason="manifest is not an object")
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def read_file(
    path: Path,
    *,
    defaults: Defaults,
    options: FetchOptions,
    fetch_links: bool = False,
    seen: set[str] | None = None,
) -> Iterator[Article | IngestFailure | str]:
    """Articles of one local file, chosen by suffix (and by content for feeds)."""
    item = str(path)
    try:
        stat = path.stat()
    except OSError as exc:
        yield IngestFailure(
            item=item, code="E101", reason=Code.E101.format(reason=exc.strerror or str(exc))
        )
        return
    size = stat.st_size
    if defaults.estimate is None:
        defaults = replace(
            defaults,
            estimate=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            estimate_source="file",
        )
    name = path.name.lower()
    try:
        if name.endswith(tuple(JSONL_SUFFIXES)) or name.endswith(".jsonl.gz"):
            yield from read_jsonl(path, defaults=defaults, max_bytes=options.max_bytes)
            return
        if name.endswith(tuple(WARC_SUFFIXES)):
            yield from read_warc(path, defaults=defaults, max_bytes=options.max_bytes)
            return
        if size > options.max_bytes:
            raise IngestError(Code.E105, item, size=size, limit=options.max_bytes)
        raw = path.read_bytes()
        if path.suffix.lower() in FEED_SUFFIXES or _looks_like_feed(raw):
            decode(raw, item=item)  # binary or empty feeds fail like any file
            yield from parse_feed(
                raw,
                item=item,
                defaults=defaults,
                options=options if fetch_links else None,
                seen=seen,
            )
            return
        text = decode(raw, item=item)
        if path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(
            ("<!doctype", "<html")
        ):
            yield article_from_html(text, item=item, url=None, defaults=defaults)
            return
        if path.suffix.lower() in TEXT_SUFFIXES or not path.suffix:
            yield _text_article(text, item=item, name=path.stem, defaults=defaults)
            return
        raise IngestError(Code.E108, item, reason=f"unknown file type {path.suffix!r}")
    except IngestError as exc:
        yield _fail(exc)
    except OSError as exc:
        yield IngestFailure(
            item=item, code="E101", reason=Code.E101.format(reason=exc.strerror or str(exc))
        )


def read_url(
    url: str, *, defaults: Defaults, options: FetchOptions, seen: set[str] | None = None
) -> Iterator[Article | IngestFailure | str]:
    """An article page or a feed at ``url``."""
    try:
        page = fetch(url, options=options)
        defaults = replace(defaults, estimate=datetime.now(UTC), estimate_source="fetch")
        ctype = page.content_type.lower()
        if "xml" in ctype or "rss" in ctype or "atom" in ctype or _looks_like_feed(page.content):
            yield from parse_feed(
                page.content, item=url, defaults=defaults, options=options, seen=seen
            )
            return
        html = decode(page.content, item=url)
        if "html" in ctype or "<html" in html[:2000].lower():
            yield article_from_html(html, item=url, url=page.url, defaults=defaults)
        else:
            yield make_article(
                html, item=url, url=page.url, outlet=defaults.outlet, defaults=defaults
            )
    except IngestError as exc:
        yield _fail(exc)


def iter_sources(
    sources: list[str],
    *,
    defaults: Defaults,
    options: FetchOptions,
    seen: set[str] | None = None,
) -> Iterator[Article | IngestFailure | str]:
    """Everything named on the command line: files, directories (recursively), URLs.

    Directories may hold a ``manifest.json`` mapping file names to
    ``{"outlet", "published", "url", "title"}`` for files that lack metadata.
    """
    for src in sources:
        if src.startswith(("http://", "https://")) or "://" in src:
            yield from read_url(src, defaults=defaults, options=options, seen=seen)
            continue
        path = Path(src)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.name != _MANIFEST)
            manifests: dict[Path, dict[str, dict[str, str]]] = {}
            for f in files:
                if f.name.startswith(".") or not _known_suffix(f):
                    log.debug("%s: skipped (not an article file)", f)
                    continue
                try:
                    if f.parent not in manifests:
                        manifests[f.parent] = _manifest(f.parent)
                    meta = manifests[f.parent].get(f.name, {})
                    local = replace(
                        defaults,
                        published=parse_date(meta.get("published"), item=str(f))
                        or defaults.published,
                        outlet=meta.get("outlet") or defaults.outlet,
                    )
                except IngestError as exc:
                    yield _fail(exc)
                    manifests[f.parent] = {}
                    continue
                for got in read_file(f, defaults=local, options=options):
                    if isinstance(got, Article) and (meta.get("url") or meta.get("title")):
                        got = _with_meta(got, meta)
                    yield got
        elif path.exists():
            yield from read_file(path, defaults=defaults, options=options, seen=seen)
        else:
            yield IngestFailure(
                item=src, code="E101", reason=Code.E101.format(reason="no such file or directory")
            )


def _known_suffix(path: Path) -> bool:
    name = path.name.lower()
    known = (
        TEXT_SUFFIXES
        | HTML_SUFFIXES
        | JSONL_SUFFIXES
        | WARC_SUFFIXES
        | FEED_SUFFIXES
        | {".jsonl.gz"}
    )
    return any(name.endswith(s) for s in known)


def _with_meta(article: Article, meta: dict[str, str]) -> Article:
    return replace(
        article, url=meta.get("url") or article.url, title=meta.get("title") or article.title
    )
