"""Reading fact-checks (ingest/factchecks.py): JSON lines, CSV, ClaimReview JSON-LD.

Invented claims and fact-checkers only.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.errors import IngestError
from claimledger.ingest.factchecks import FactCheck, detect_format, read_factchecks


def _read(path: Path, fmt: str | None = None) -> tuple[list[FactCheck], list[IngestError]]:
    found = list(read_factchecks(path, fmt=fmt))
    return (
        [f for f in found if isinstance(f, FactCheck)],
        [f for f in found if isinstance(f, IngestError)],
    )


REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/reservoir",
    "claimReviewed": "The Drovny reservoir was drained in a single night",
    "datePublished": "2025-02-05",
    "author": {"@type": "Organization", "name": "Lakeside Checks"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Mayor Ilse Varga"},
        "datePublished": "2025-02-01",
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "1",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "Pants on Fire",
    },
}


def test_jsonl_rows_are_read_and_bad_rows_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "checks.jsonl"
    lines = [
        json.dumps(
            {
                "claim": "  Bread prices in Kasto doubled since January. ",
                "claimant": "Kasto Farmers Union",
                "claim_date": "2025-03-01",
                "factchecker": "Orbis Fact Desk",
                "review_date": "2025-03-04T10:00:00Z",
                "rating": "Half true",
                "rating_value": 3,
                "url": "https://checks.example/bread",
            }
        ),
        json.dumps({"claimant": "nobody"}),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"claim": "Tarsk opened nine bridges", "claim_date": "the day after"}),
        json.dumps({"claim": "Tarsk opened nine bridges", "rating_value": "high"}),
        json.dumps(REVIEW),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    good, bad = _read(path)
    assert [(e.code.name, e.item) for e in bad] == [
        ("E113", "checks.jsonl:2"),
        ("E113", "checks.jsonl:3"),
        ("E113", "checks.jsonl:4"),
        ("E113", "checks.jsonl:6"),
        ("E113", "checks.jsonl:7"),
    ]
    assert "no claim text" in bad[0].reason and "not a date" in bad[3].reason
    assert "not a number" in bad[4].reason
    assert all("\n" not in str(e) for e in bad)
    first, review = good
    assert first.text == "Bread prices in Kasto doubled since January."
    assert first.claimant == "Kasto Farmers Union"
    assert first.claim_date == datetime(2025, 3, 1, tzinfo=UTC)
    assert first.review_date == datetime(2025, 3, 4, 10, tzinfo=UTC)
    assert (first.rating, first.rating_value, first.factchecker) == (
        "Half true",
        3.0,
        "Orbis Fact Desk",
    )
    # A JSON line may be a ClaimReview object.
    assert review.claimant == "Mayor Ilse Varga" and review.factchecker == "Lakeside Checks"
    assert review.item == "checks.jsonl:8"


def test_csv_rows_name_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "checks.csv"
    path.write_text(
        "claim,claimant,claim_date,factchecker,review_date,rating,url\n"
        '"The Rell ferry, closed since May,\nreopened on Monday",Rell River Authority,2025-06-01,'
        "North Facts,2025-06-03,False,https://checks.example/ferry\n"
        ",nobody,,,,,\n"
        "Bread prices doubled,Kasto Farmers Union,2025-03-01,North Facts,,True,,extra\n"
        "Grain exports fell by half,The Ostrelan Foreign Office,2025-04-02,,,,\n",
        encoding="utf-8",
    )
    good, bad = _read(path)
    assert [(e.item, e.code.name) for e in bad] == [
        ("checks.csv:4", "E113"),
        ("checks.csv:5", "E113"),
    ]
    assert "fields" in bad[1].reason
    ferry, grain = good
    assert ferry.item == "checks.csv:2" and ferry.text.startswith("The Rell ferry")
    assert ferry.rating == "False" and ferry.has_rating
    # A row without rating or URL is a claim to track with nothing to keep as evidence.
    assert grain.item == "checks.csv:6" and not grain.has_rating


def test_claimreview_single_list_graph_and_page(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps(REVIEW), encoding="utf-8")
    [fc], [] = _read(single)
    assert fc.text == REVIEW["claimReviewed"]
    assert fc.claimant == "Mayor Ilse Varga"
    assert fc.claim_date == datetime(2025, 2, 1, tzinfo=UTC)
    assert fc.review_date == datetime(2025, 2, 5, tzinfo=UTC)
    assert (fc.rating, fc.rating_value, fc.best_rating, fc.worst_rating) == (
        "Pants on Fire",
        1.0,
        5.0,
        1.0,
    )
    assert (fc.factchecker, fc.url, fc.item) == (
        "Lakeside Checks",
        "https://checks.example/reservoir",
        "one.json:#1",
    )

    # A list: every item is one review; a bad one is named by its place.
    undated = {
        **REVIEW,
        "itemReviewed": {
            "author": "Senator Piet Allard",
            "firstAppearance": {"datePublished": "2025-01-09"},
        },
    }
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([REVIEW, {"@type": "ClaimReview"}, undated]), encoding="utf-8")
    good, bad = _read(listed)
    assert [e.item for e in bad] == ["list.json:#2"]
    assert good[1].claimant == "Senator Piet Allard"
    assert good[1].claim_date == datetime(2025, 1, 9, tzinfo=UTC)

    # A page's graph: other things in it are passed over.
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "name": "x"}, REVIEW],
    }
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><script type='application/ld+json'>"
        + json.dumps(graph)
        + "</script></head><body>text</body></html>",
        encoding="utf-8",
    )
    [fc], [] = _read(page)
    assert fc.factchecker == "Lakeside Checks"
    nothing = tmp_path / "nothing.json"
    nothing.write_text(json.dumps({"@type": "WebPage"}), encoding="utf-8")
    [], [err] = _read(nothing)
    assert err.code.name == "E113" and "no ClaimReview" in err.reason


def test_own_review_keeps_the_claim_not_the_computed_status(tmp_path: Path) -> None:
    own = {
        **REVIEW,
        "author": {"@type": "Organization", "name": "claimledger"},
        "itemReviewed": {"author": {"name": "unknown"}, "datePublished": "2025-02-01"},
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([own]), encoding="utf-8")
    [fc], [] = _read(path)
    assert fc.own_review and not fc.has_rating
    assert fc.claimant is None  # the export's name for "no claimant"


def test_format_from_extension_then_content_and_override(tmp_path: Path) -> None:
    assert detect_format(Path("x.ndjson"), "") == "jsonl"
    assert detect_format(Path("x.tsv"), "") == "csv"
    assert detect_format(Path("x.jsonld"), "") == "claimreview"
    assert detect_format(Path("x"), '{"claim": "a"}\n{"claim": "b"}') == "jsonl"
    assert detect_format(Path("x"), '{\n  "@type": "ClaimReview"') == "claimreview"
    assert detect_format(Path("x"), "  [") == "claimreview"
    assert detect_format(Path("x"), "claim,claimant\n") == "csv"
    odd = tmp_path / "checks.txt"
    odd.write_text(json.dumps({"claim": "Tarsk opened nine bridges"}) + "\n", encoding="utf-8")
    assert _read(odd)[0][0].text == "Tarsk opened nine bridges"
    # Forced to CSV, the JSON line is a header and nothing more.
    assert _read(odd, "csv") == ([], [])


@pytest.mark.parametrize(
    ("content", "fmt", "code"),
    [(None, None, "E101"), (b"\xff\xfe\x00bad", None, "E102"), (b"claim\nx\n", "xml", "E108")],
)
def test_a_file_that_cannot_be_read_fails_as_a_whole(
    tmp_path: Path, content: bytes | None, fmt: str | None, code: str
) -> None:
    path = tmp_path / "checks.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        list(read_factchecks(path, fmt=fmt))
    assert err.value.code.name == code


_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)
_REVIEW_KEYS = st.sampled_from(
    [
        "@type",
        "@graph",
        "claimReviewed",
        "itemReviewed",
        "author",
        "datePublished",
        "reviewRating",
        "url",
        "name",
        "ratingValue",
        "alternateName",
        "claim",
        "date",
        "rating",
    ]
)
_REVIEWISH = st.recursive(
    st.none() | st.integers() | st.floats() | st.text(max_size=12) | st.just("ClaimReview"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_REVIEW_KEYS, inner, max_size=6),
    max_leaves=16,
)


def _contract(path: Path, fmt: str) -> None:
    """Hostile input gives fact-checks or one-line E113 errors, never anything else."""
    for found in read_factchecks(path, fmt=fmt):
        if isinstance(found, IngestError):
            assert found.code.name == "E113" and "\n" not in str(found), found
            continue
        assert isinstance(found, FactCheck) and found.text.strip()
        for when in (found.claim_date, found.review_date):
            assert when is None or when.tzinfo is not None


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(doc=_ANY_JSON | _REVIEWISH, fmt=st.sampled_from(["jsonl", "claimreview"]))
def test_any_json_is_read_or_refused_row_by_row(doc: Any, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.json"
        text = (
            json.dumps(doc)
            if fmt == "claimreview"
            else "\n".join(json.dumps(x) for x in (doc if isinstance(doc, list) else [doc]))
        )
        path.write_text(text, encoding="utf-8")
        _contract(path, fmt)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(text=st.text(max_size=300), fmt=st.sampled_from(["jsonl", "csv", "claimreview"]))
def test_any_text_is_read_or_refused_row_by_row(text: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.txt"
        path.write_text(text, encoding="utf-8", errors="replace")
        _contract(path, fmt)
