"""Property-based fuzzing of every parser of outside data (bounded, runs in the suite).

Each test throws arbitrary or structured hostile input at one parser through
the shared targets in ``fuzz_targets.py``: the parser must give records or a
coded one-line error, never an unexpected exception. Examples are derandomised
so that the suite is reproducible; ``make fuzz`` runs the open-ended atheris
campaign over the same targets.
"""

from __future__ import annotations

import io
import json
import string
from dataclasses import astuple
from datetime import UTC, datetime

import fuzz_targets as ft
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimledger.records import Article

FAST = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FAST, max_examples=40)

# Text that news and attackers produce: combining marks, right-to-left and
# bidi controls, emoji with joiners, NUL and other controls, odd whitespace.
ODD = (
    "\u0301\u0308\u200d\u200e\u200f\u202e\u2066\ufeff\u00a0\u2028\u2029\x00\x0b\x1f"
    "\u05d0\u0627\u064b👩\u200d👩\u200d👧🇺🇦é€\ufffd\U0010ffff"
)
odd_text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list(ODD)), max_size=300)
words = st.text(alphabet=string.ascii_letters + " .,'\"-:;()\n" + ODD, max_size=200)


def _json_value() -> st.SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text
    return st.recursive(
        scalars,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(odd_text, c, max_size=3),
        max_leaves=6,
    )


ARTICLE_FIELDS = ("url", "title", "text", "published", "outlet", "byline")
article_obj = st.dictionaries(st.sampled_from(ARTICLE_FIELDS), _json_value() | words, max_size=6)


# -- JSON Lines ------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=2000))
def test_jsonl_arbitrary_bytes(data: bytes) -> None:
    ft.fuzz_jsonl(data)


@FAST
@given(st.lists(article_obj | _json_value(), min_size=1, max_size=5), st.booleans())
def test_jsonl_structured_lines(objs: list[object], ascii_only: bool) -> None:
    # ensure_ascii writes "\udXXX" escapes for astral characters and surrogates alike.
    lines = "\n".join(json.dumps(o, ensure_ascii=ascii_only) for o in objs)
    ft.fuzz_jsonl(lines.encode("utf-8", "surrogatepass"))


def test_jsonl_lone_surrogate_escape_is_a_coded_failure() -> None:
    """Regression: ``"\\ud800"`` in a JSON string gave a str that cannot be encoded (crash)."""
    from claimledger.ingest.sources import Defaults, read_jsonl

    data = (
        b'{"text": "Troops left \\ud800 the border."}\n'
        b'{"text": "Fine text.", "title": "bad \\udfff title"}\n'
        b'{"text": "Fine text.", "outlet": "\\ud83d"}\n'
        b'{"text": "Astral escapes are fine \\ud83d\\ude00."}\n'
    )
    path = ft.tmpfile("surrogates.jsonl", data)
    got = list(read_jsonl(path, defaults=Defaults(), max_bytes=10_000))
    ft.check_items(got)
    assert len(got) == 4 and isinstance(got[3], Article)
    # Whether refused (E104) or repaired, everything yielded must be storable as UTF-8.
    for g in got:
        for value in astuple(g):
            if isinstance(value, str):
                value.encode("utf-8")


# -- feeds, HTML, WARC -------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=2000))
def test_feed_arbitrary_bytes(data: bytes) -> None:
    ft.fuzz_feed(data)


def _rss(title: str, body: str, date: str, link: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title><item>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><pubDate>{escape(date)}</pubDate>"
        f"<description>{escape(body)}</description></item><item><description>{body}</description>"
        "</item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


@FAST
@given(odd_text, odd_text | words, odd_text, odd_text)
@example("t", "&#xD800; &#0; &#x110000; &#55296; text text", "Tue, 15 Feb 2022 10:00:00 GMT", "x")
@example("t", "<p>a</p>" * 3, "99999-99-99", "javascript:alert(1)")
def test_feed_structured(title: str, body: str, date: str, link: str) -> None:
    ft.fuzz_feed(_rss(title, body, date, link))


HOSTILE_HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<meta property="article:published_time" content="&#xD800;">',
    '<meta name="date" content="99999999999999999999">',
    "<meta " * 50,
    "&#0;&#xD800;&#x110000;",
    "<p>" + "A" * 20000 + "</p>",
    "<![CDATA[",
    "<!--",
]


@FAST
@given(st.lists(st.sampled_from(HOSTILE_HTML) | odd_text | words, max_size=8))
def test_html_structured(parts: list[str]) -> None:
    body = "".join(parts)
    page = f"<html><head><title>{body[:80]}</title>{body[:300]}</head><body><article><p>{body}</p></article></body></html>"
    ft.fuzz_html(page.encode("utf-8", "surrogatepass"))


@FEW
@given(st.binary(max_size=3000))
def test_html_arbitrary_bytes(data: bytes) -> None:
    ft.fuzz_html(data)


@FEW
@given(st.binary(max_size=1500))
def test_warc_arbitrary_bytes(data: bytes) -> None:
    ft.fuzz_warc(b"WARC/1.0\r\n" + data)
    ft.fuzz_warc(data)


@FEW
@given(
    odd_text,
    odd_text,
    st.sampled_from(["text/html", "text/html; charset=latin-1", "", "TEXT/HTML"]),
    odd_text,
)
def test_warc_structured(body: str, url: str, ctype: str, warc_date: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=len(body) % 2 == 0)
    payload = f"<html><body><article><p>{body}</p></article></body></html>".encode(
        "utf-8", "surrogatepass"
    )
    headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
    safe_url = "".join(c for c in url if c.isprintable() and not c.isspace() and c.isascii()) or "x"
    safe_date = "".join(c for c in warc_date if c.isprintable() and c.isascii() and c not in "\r\n")
    rec = writer.create_warc_record(
        f"https://w.example/{safe_url}",
        "response",
        payload=io.BytesIO(payload),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": safe_date} if safe_date.strip() else None,
    )
    writer.write_record(rec)
    data = buf.getvalue()
    ft.fuzz_warc(data)
    ft.fuzz_warc(data[: len(data) // 2])  # truncated archive


@FAST
@given(st.binary(max_size=1500))
def test_any_file_in_an_ingest_folder(data: bytes) -> None:
    ft.fuzz_file(data)


# -- dates ---------------------------------------------------------------------------------------


@FAST
@given(odd_text)
@example("99999-01-01")
@example("0001-01-01T00:00:00+14:00")
@example("9999-12-31T23:59:59-14:00")
@example("1" * 40)
@example("Tue, 31 Feb 2022 10:00:00 GMT")
@example("2022-02-15T10:00:00+25:00")
@example("\x00")
def test_date_strings(text: str) -> None:
    ft.fuzz_date(text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.datetimes(timezones=st.none() | st.timezones()))
def test_dates_come_back_utc_and_equal(moment: datetime) -> None:
    from claimledger.errors import IngestError
    from claimledger.ingest.sources import parse_date

    for value in (moment, moment.isoformat()):
        try:
            got = parse_date(value, item="x")
        except IngestError as err:  # only at the very ends of the calendar
            ft.check_error(err)
            continue
        assert got is not None and got.tzinfo is UTC
        expected = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        # Compared in UTC: aware datetimes in a repeated (DST fold) hour never compare equal
        # across zones (PEP 495), even when they name the same instant.
        assert got == expected.astimezone(UTC)


# -- dedup, URLs ---------------------------------------------------------------------------------


@FAST
@given(odd_text)
@example("http://[::1")
@example("http://a:b@c:99999999/")
@example("https://www./?utm_source=1")
def test_dedup_on_any_text(text: str) -> None:
    ft.fuzz_dedup(text.encode("utf-8", "surrogatepass"))


@FAST
@given(odd_text)
@example("http://[::1")
@example("http://a@b@c/")
@example("http://1.2.3.4:99999/")
@example("HTTP://EXAMPLE.COM")
def test_check_url_on_any_text(text: str) -> None:
    ft.fuzz_check_url(text.encode("utf-8", "surrogatepass"))


@FEW
@given(st.binary(max_size=200))
@example(b"\x01/x\n")
@example(b"\x01\x00")
def test_fetch_on_fuzzed_urls(data: bytes) -> None:
    ft.fuzz_fetch(data)


# -- eval readers ----------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=1500))
def test_brat_arbitrary_bytes(data: bytes) -> None:
    ft.fuzz_brat(data)


span_line = st.tuples(
    st.integers(1, 9),
    st.sampled_from(["Source", "Cue", "Content", "Attribution"]),
    st.integers(-2, 60),
    st.integers(-2, 60),
    words,
).map(lambda t: f"T{t[0]}\t{t[1]} {t[2]} {t[3]}\t{t[4]}")
event_line = st.lists(
    st.tuples(
        st.sampled_from(["Attribution", "Content", "Cue", "Source", "Content2", "X"]),
        st.integers(0, 9),
    ),
    max_size=5,
).map(lambda args: "E1\tAttribution-no-source:T1 " + " ".join(f"{r}:T{n}" for r, n in args))


@FAST
@given(words, st.lists(span_line | event_line | words, max_size=10))
def test_brat_structured(text: str, lines: list[str]) -> None:
    ft.fuzz_brat(
        (text.replace("\n", " ") + "\n" + "\n".join(lines)).encode("utf-8", "surrogatepass")
    )


@FAST
@given(st.binary(max_size=1500))
@example(b"Text,Verdict\n" + b'"' + b"x" * 140_000 + b'",1\n')
@example(b'Text,Verdict\n"unterminated,1\n')
@example(b"Text,Verdict\nnul\x00here,1\n")
def test_csv_readers(data: bytes) -> None:
    ft.fuzz_csv(data)


@FAST
@given(st.lists(article_obj | _json_value() | words, max_size=5))
def test_stance_pairs(lines: list[object]) -> None:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    ft.fuzz_stance_jsonl(text.encode("utf-8", "surrogatepass"))


# -- time expressions and actors -----------------------------------------------------------------

TIME_WORDS = [
    "by Friday",
    "last week",
    "next month",
    "within 48 hours",
    "in 99999999999 weeks",
    "on February 30",
    "Feb. 29, 2023",
    "in the coming days",
    "as early as Wednesday",
    "tomorrow",
    "the weekend",
    "2025-13-45",
    "within 10000000000000000000 hours",
    "9999-12-31",
    "0000-01-01",
    "Dec. 31, 9999",
    "in 1e400 days",
]


@FAST
@given(st.lists(st.sampled_from(TIME_WORDS) | words, max_size=8), st.booleans())
def test_time_expressions(parts: list[str], with_date: bool) -> None:
    text = " ".join(parts)
    ft.fuzz_timex((b"\x01" if with_date else b"\x00") + text.encode("utf-8", "surrogatepass"))


@FAST
@given(odd_text)
def test_time_expressions_any_text(text: str) -> None:
    ft.fuzz_timex(text.encode("utf-8", "surrogatepass"))


@FAST
@given(odd_text | words)
@example("")
@example("   ")
@example("Minister " * 200)
@example("a spokesman for the")
def test_actor_resolution(name: str) -> None:
    ft.fuzz_actors(name.encode("utf-8", "surrogatepass"))


# -- the extractor on arbitrary Unicode (real spaCy model) -------------------------------------

news_text = st.lists(
    st.sampled_from(
        [
            '"We will not attack," the minister said.',
            "Officials said on Tuesday that",
            "according to",
            "— ",
            "\n\n",
        ]
    )
    | odd_text,
    max_size=6,
).map(" ".join)


@pytest.mark.slow
@settings(FAST, max_examples=25)
@given(news_text)
@example("")
@example("\x00\x00\x00")
@example("\u202e\u05d0\u05d1 said \u0627\u0644 \u200f")
@example("e\u0301" * 500)
@example('"' * 200)
@example("👩\u200d👩\u200d👧 said: " + "😀" * 50)
def test_extractor_on_arbitrary_unicode(nlp: object, text: str) -> None:
    ft.fuzz_extract(text.encode("utf-8", "surrogatepass"))


@pytest.mark.slow
def test_extractor_surrogates_from_json(nlp: object) -> None:
    """Text from JSON can hold lone surrogates: the extractor must not crash and offsets stay valid."""
    from claimledger.extract.attribution import extract_texts

    text = json.loads('"\\ud800 The minister said \\udfff troops left on Monday."')
    [attrs] = list(extract_texts([text], actors=ft.actor_table()))
    for a in attrs:
        assert 0 <= a.content[0] <= a.content[1] <= len(text)
