"""Regression tests for the crashes the fuzzers found; each names the input that broke a parser."""

from __future__ import annotations

from datetime import date

import fuzz_targets as ft
import pytest

from claimledger.errors import IngestError
from claimledger.ingest.sources import Defaults, article_from_html, parse_feed
from claimledger.records import Article, IngestFailure


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#x110000;", "&#99999999;"])
def test_feed_with_invalid_character_reference_is_a_broken_feed_not_a_crash(ref: str) -> None:
    """feedparser raised UnicodeEncodeError / ValueError out of ``parse_feed`` (the run stopped)."""
    raw = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><guid>1</guid>'
        f"<description>Troops left the border {ref} on Monday, officials said.</description>"
        "</item></channel></rss>"
    ).encode()
    got = list(parse_feed(raw, item="feed.xml", defaults=Defaults(), options=None))
    ft.check_items(got)
    for g in got:
        if isinstance(g, Article):
            g.text.encode("utf-8")  # storable
        elif isinstance(g, IngestFailure):
            assert g.code == "E106"


def test_html_with_combining_mark_after_a_line_break() -> None:
    """trafilatura's JSON output composed ``\\n`` + U+0301 into ``\\ń`` (invalid JSON: crash)."""
    html = (
        "<html><head><title>\u0301</title></head><body><article>"
        "<p>\u0301</p><p>\u0301The defence ministry said units were returning to base.</p>"
        "</article></body></html>"
    )
    try:
        art = article_from_html(html, item="page.html", url=None, defaults=Defaults())
    except IngestError as err:
        ft.check_error(err)
        assert err.code.name == "E109"
        return
    assert "defence ministry" in art.text


@pytest.mark.parametrize(
    "url",
    [
        "gopher://x\n.example/",
        "ftp://a\r\nE999 forged: line",
        "\u202ehttp://evil/",
        "file:///etc/\x00passwd",
    ],
)
def test_refused_url_error_is_one_line(url: str) -> None:
    """The item (user input) was put verbatim into the message: a newline forged a second log line."""
    from claimledger.ingest.fetch import check_url

    with pytest.raises(IngestError) as info:
        check_url(url, allow_private=True)
    ft.check_error(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "Troops will return in 99999999999 weeks, the ministry said.",
        "The deal will hold within 10000000000000000000 hours.",
        "Elections in 500000 months, he promised.",
        "Repairs will take 900000 years.",
        "in 4000000 days",
    ],
)
def test_time_expression_with_a_huge_number(text: str) -> None:
    """``_ahead`` overflowed (OverflowError / ValueError: year out of range) and stopped the analysis."""
    from claimledger.extract.timex import is_future, resolve_times

    refs = resolve_times(text, published=date(2025, 3, 5))
    for ref in refs:
        assert 0 <= ref.span[0] <= ref.span[1] <= len(text)
    is_future(text, date(2025, 3, 5))


def test_warc_record_without_target_uri_is_a_coded_failure() -> None:
    """warcio raised AttributeError (``None.startswith``) for a response without WARC-Target-URI."""
    from claimledger.ingest.sources import read_warc

    data = ft.warc_seed().replace(b"WARC-Target-URI", b"WARC-Target-XRI")
    got = list(read_warc(ft.tmpfile("no-uri.warc", data), defaults=Defaults(), max_bytes=100_000))
    ft.check_items(got)
    assert got and all(isinstance(g, IngestFailure) and g.code == "E110" for g in got)


# Found by atheris (``make fuzz``, warc target): a record whose Content-Length runs into the payload.
WARC_BAD_LENGTH_B64 = (
    "V0FSQy8xLjANCldBUkMtVHlwZTogcmVzcG9uc2UNCldBUkMtUmVjb3JkLUlEOiA8dXJuOnV1aWQ6M2I2YjRjZTMt"
    "OWU4Zi00YjI1LTlhNjAtZjdiYmJhNzc2ODUwPg0KV0FSQy1UYXJnZXQtVVJJOiBodHRwczovL3cuZXhhbXBsZS9h"
    "DQpXQVJDLURhdGU6IDIwMjYtMTEtMjVUMDM6Mjg6NDRaDQpXQVJDLVBheWxvYWQtRGlnZXN0OiBzaGExOlZCWkVR"
    "S1VCUEk1M0pFWjcNCkNvbnRlbnQtVHlwZTogYXBwbGljYXRpb24vaHR0cDsgbXNndHlwZT1yZXNwb25zZQ0KQ29u"
    "dGVudC1MZW5ndGg6IDM4Nw0KDQpIVFRQLzEuMCAyMDAgT0sNCkNvbnRlbnQtVHlwZTogdGV4dC9odG1sDQoNCjwh"
    "ZG9jdHlwZSBodG1sPjxodG1sPjxoZWFkPjx0aXRsZT5UPC90aXRsZT48bWV0YSBwcm9wZXJ0eT0iYXJ0aWNsZTpw"
    "dWJsaXNoZWRfdGltZSIgY29udGVudD0iMjAyMi0wMi0xNVQwOTozMDowMCswMTowMCI+PG1ldGEgcHJvcGVydHk9"
    "Im9nOnNpdGVfbmFtZSIgY29udGVudD0iRGFpbHkiPjwvaGVSDQpXQVJDLUJsb2NrLURpZ2VzdDogc2hhMTpYSVQ0"
    "SVVHWU4zSEZRV0U0Q0NJTFpHN0pWSTUzSkVaNw0KQ29udGVudC1UeXBlOiBhcHBsaWNhdGlvbi9odHRwOyBtc2d0"
    "eXBlPXJlc3BvbnNlDQpDb250aWQgdGhleSBoYWQgc2VlbiBubyBzaWduIG9mIGl0LjwvcD48L2FpY2F0aW9uL2h0"
    "dHA7IG1zZ3R5cGU9cmVzcG9uc2UNCkNvbnRpZCB0aGV5IGhhZCBzZWVuIG5vIHNpZ24gb2YgaXQuPC9wPjwvYXJ0"
    "aWNsZT48L2JvZHk+PC9odG1sPg0KDQo="
)


def test_malformed_warc_reason_is_one_line() -> None:
    """The E110 reason quoted warcio's message, which holds the record's first line with CRLF."""
    import base64

    from claimledger.ingest.sources import read_warc

    data = base64.b64decode(WARC_BAD_LENGTH_B64)
    got = list(read_warc(ft.tmpfile("bad-len.warc", data), defaults=Defaults(), max_bytes=100_000))
    ft.check_items(got)


@pytest.mark.parametrize(
    "value",
    [
        "0H09999999999999999999999999999999999999999999999999999",
        "244444444444444444444444444444444444444444444444525H",
        "'T10:020000000000000000000000000000000T",
    ],
)
def test_date_that_makes_dateutil_raise_decimal_invalid_operation(value: str) -> None:
    """dateutil raised decimal.InvalidOperation (an ArithmeticError, not a ValueError)."""
    from claimledger.ingest.sources import parse_date

    try:
        got = parse_date(value, item="published")
    except IngestError as err:
        ft.check_error(err)
        assert err.code.name == "E112"
        return
    assert got is None or got.tzinfo is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/x\n",  # a public literal address passes check_url without DNS
        "http://93.184.216.34/\x00",
        "http://a..b/",
        "http://" + "a" * 300 + ".example/",
    ],
)
def test_fetch_of_a_malformed_url_is_a_coded_error(url: str) -> None:
    """httpx.InvalidURL and the idna UnicodeError escaped ``fetch`` (a feed link could stop a run)."""
    from claimledger.ingest.fetch import FetchOptions, fetch

    with pytest.raises(IngestError) as info:
        fetch(url, options=FetchOptions(timeout=1.0))
    ft.check_error(info.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/x\n", "http://\x00/", "http://a..b/"])
def test_fetch_with_private_addresses_allowed_still_refuses_malformed_urls(url: str) -> None:
    from claimledger.ingest.fetch import FetchOptions, fetch

    with pytest.raises(IngestError) as info:
        fetch(url, options=FetchOptions(timeout=1.0, allow_private_addresses=True))
    ft.check_error(info.value)
