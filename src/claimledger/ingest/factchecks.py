"""Reading fact-checks: JSON lines, CSV and ClaimReview JSON-LD.

Each row or ClaimReview becomes one :class:`FactCheck` (a claim with its claimant and
date, and the fact-checker's rating and URL); a row that cannot be read becomes an
:class:`~claimledger.errors.IngestError` (E113) naming ``file:line`` (``file:#n``, the
n-th ClaimReview, for a JSON document), and the rows after it are still read.

Formats (docs/factchecks.md):

* ``jsonl``: one object per line, flat (``claim``, ``claimant``, ``claim_date``,
  ``rating``, ``url``, ``factchecker``, ...) or a ClaimReview object;
* ``csv``: a header row with the flat field names;
* ``claimreview``: JSON-LD as fact-checkers publish it: one ClaimReview, a list, a
  page's ``@graph``, or an HTML page whose ``application/ld+json`` scripts hold them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from claimledger.errors import Code, IngestError

FORMATS = ("jsonl", "csv", "claimreview")
# The name the ledger signs its own ClaimReview exports with (pipeline/export.py): such a
# review's rating is a computed status, not a fact-checker's, and is not kept as evidence.
OWN_REVIEWER = "claimledger"
_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".json": "claimreview",
    ".jsonld": "claimreview",
    ".html": "claimreview",
    ".htm": "claimreview",
}
# Flat field names (JSON lines, CSV) and the other names each is accepted under.
FIELDS: dict[str, tuple[str, ...]] = {
    "claim": ("claim", "text", "claim_text", "claimReviewed", "claim_reviewed"),
    "claimant": ("claimant", "claimant_name", "speaker"),
    "claim_date": ("claim_date", "date", "claimed_at"),
    "factchecker": ("factchecker", "fact_checker", "reviewer", "review_author"),
    "review_date": ("review_date", "reviewed_at", "rating_date"),
    "rating": ("rating", "verdict", "textual_rating", "alternateName"),
    "rating_value": ("rating_value", "ratingValue"),
    "best_rating": ("best_rating", "bestRating"),
    "worst_rating": ("worst_rating", "worstRating"),
    "url": ("url", "review_url", "factcheck_url"),
    "note": ("note", "explanation", "ratingExplanation"),
}
_SCRIPT = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """One fact-checked claim as read from a file.

    Attributes:
        item: Where it was read: ``file:line`` (``file:#n`` in a JSON document).
        text: The claim as the fact-checker states it.
        claimant: Who made the claim (the ClaimReview's ``itemReviewed.author.name``).
        claim_date: When the claim was made.
        factchecker: Who rated it (the ClaimReview's ``author.name``).
        review_date: When the rating was published.
        rating: The rating's words ("False", "Half true").
        rating_value: Its value on the fact-checker's scale.
        best_rating: The scale's best value.
        worst_rating: The scale's worst value.
        url: The fact-check's address.
        note: The rating's explanation, if given.
        own_review: A review signed by this ledger (an export): the claim is tracked,
            its rating (a computed status) is not kept as evidence.
    """

    item: str
    text: str
    claimant: str | None = None
    claim_date: datetime | None = None
    factchecker: str | None = None
    review_date: datetime | None = None
    rating: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    url: str | None = None
    note: str | None = None
    own_review: bool = False

    @property
    def has_rating(self) -> bool:
        """Whether there is a fact-checker's verdict to keep (a rating or a URL)."""
        return not self.own_review and (
            bool(self.rating) or self.rating_value is not None or bool(self.url)
        )


def detect_format(path: Path, head: str) -> str:
    """The format of a fact-check file: from its extension, else from its first characters."""
    by_ext = _EXTENSIONS.get(path.suffix.lower())
    if by_ext is not None:
        return by_ext
    start = head.lstrip()[:1]
    if start == "[" or start == "<":
        return "claimreview"
    if start == "{":
        # One JSON document over several lines is JSON-LD; one object per line is JSON lines.
        first = head.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return "claimreview"
        return "jsonl"
    return "csv"


def read_factchecks(path: Path, *, fmt: str | None = None) -> Iterator[FactCheck | IngestError]:
    """The fact-checks of a file, in file order, with an E113 error for each bad row.

    Args:
        path: The file.
        fmt: ``jsonl``, ``csv`` or ``claimreview``; detected when None.

    Raises:
        IngestError: E101 (cannot read), E102 (not UTF-8) or E108 (unknown format) for
            the whole file.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(Code.E101, str(path), reason=exc.strerror or str(exc)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(Code.E102, str(path)) from exc
    fmt = fmt or detect_format(path, text[:4096])
    if fmt not in FORMATS:
        raise IngestError(
            Code.E108, str(path), reason=f"fact-check format {fmt!r} (use {'|'.join(FORMATS)})"
        )
    # The file is read (and refused) at the call; its rows are parsed as they are taken.
    if fmt == "jsonl":
        return _jsonl(path.name, text)
    if fmt == "csv":
        return _csv(path.name, text, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
    return _claimreview_document(path.name, text)


def _bad(item: str, reason: str) -> IngestError:
    return IngestError(Code.E113, item, reason=reason)


def _jsonl(name: str, text: str) -> Iterator[FactCheck | IngestError]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        item = f"{name}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _bad(item, f"not JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield _bad(item, "not a JSON object")
            continue
        yield _one(item, obj)


def _csv(name: str, text: str, *, delimiter: str) -> Iterator[FactCheck | IngestError]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield _bad(f"{name}:1", f"CSV header ({exc})")
        return
    header = [h.strip() for h in header]
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _bad(f"{name}:{start}", f"CSV row ({exc})")
            continue
        item = f"{name}:{start}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield _bad(item, f"{len(row)} fields, the header has {len(header)}")
            continue
        yield _one(item, dict(zip(header, row, strict=False)))


def _one(item: str, obj: Mapping[str, Any]) -> FactCheck | IngestError:
    try:
        if _is_claim_review(obj):
            return _from_claim_review(item, obj)
        return _from_flat(item, obj)
    except IngestError as exc:
        return exc


def _field(obj: Mapping[str, Any], key: str) -> Any:
    for name in FIELDS[key]:
        value = obj.get(name)
        if value not in (None, ""):
            return value
    return None


def _text(item: str, value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    raise _bad(item, f"{what} is a {type(value).__name__}, not text")


def _claim_text(item: str, value: Any, what: str) -> str | None:
    """The claim as given (stripped only: its id is that of ``track TEXT``)."""
    if isinstance(value, str):
        return value.strip() or None
    return _text(item, value, what)


def _number(item: str, value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(item, f"{what} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(item, f"{what} {str(value)[:40]!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _bad(item, f"{what} is not a finite number")
    return number


def _date(item: str, value: Any, what: str) -> datetime | None:
    from claimledger.ingest.sources import parse_date

    try:
        return parse_date(value, item=item)
    except IngestError:
        raise _bad(item, f"{what} {str(value)[:40]!r} is not a date") from None


def _from_flat(item: str, obj: Mapping[str, Any]) -> FactCheck:
    text = _claim_text(item, _field(obj, "claim"), "claim")
    if not text:
        raise _bad(item, "no claim text (field 'claim')")
    return FactCheck(
        item=item,
        text=text,
        claimant=_text(item, _field(obj, "claimant"), "claimant"),
        claim_date=_date(item, _field(obj, "claim_date"), "claim date"),
        factchecker=_text(item, _field(obj, "factchecker"), "factchecker"),
        review_date=_date(item, _field(obj, "review_date"), "review date"),
        rating=_text(item, _field(obj, "rating"), "rating"),
        rating_value=_number(item, _field(obj, "rating_value"), "rating value"),
        best_rating=_number(item, _field(obj, "best_rating"), "best rating"),
        worst_rating=_number(item, _field(obj, "worst_rating"), "worst rating"),
        url=_text(item, _field(obj, "url"), "url"),
        note=_text(item, _field(obj, "note"), "note"),
    )


# -- ClaimReview JSON-LD ----------------------------------------------------------------------


def _types(obj: Mapping[str, Any]) -> set[str]:
    kind = obj.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {n.rsplit("/", 1)[-1] for n in names if isinstance(n, str)}


def _is_claim_review(obj: Mapping[str, Any]) -> bool:
    return "ClaimReview" in _types(obj) or "claimReviewed" in obj


def _first(value: Any) -> Any:
    """A JSON-LD value that may be given as a list: its first element."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _name(value: Any) -> Any:
    """The name of a JSON-LD thing given as ``{"name": ...}`` or as a plain string."""
    value = _first(value)
    if isinstance(value, dict):
        return _first(value.get("name"))
    return value


def _from_claim_review(item: str, obj: Mapping[str, Any]) -> FactCheck:
    text = _claim_text(item, _first(obj.get("claimReviewed")), "claimReviewed")
    if not text:
        raise _bad(item, "ClaimReview without claimReviewed")
    reviewed = _first(obj.get("itemReviewed"))
    reviewed = reviewed if isinstance(reviewed, dict) else {}
    rating = _first(obj.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    claim_date = reviewed.get("datePublished")
    if claim_date in (None, ""):
        first = _first(reviewed.get("firstAppearance")) or _first(reviewed.get("appearance"))
        claim_date = first.get("datePublished") if isinstance(first, dict) else None
    author = _text(item, _name(obj.get("author")) or _name(obj.get("publisher")), "author")
    own = (author or "").casefold() == OWN_REVIEWER
    claimant = _text(item, _name(reviewed.get("author")), "itemReviewed.author")
    if own and claimant == "unknown":  # how the ledger's export names no claimant
        claimant = None
    return FactCheck(
        item=item,
        text=text,
        claimant=claimant,
        claim_date=_date(item, claim_date, "itemReviewed.datePublished"),
        factchecker=author,
        review_date=_date(item, obj.get("datePublished"), "datePublished"),
        rating=_text(item, _first(rating.get("alternateName")), "reviewRating.alternateName"),
        rating_value=_number(item, rating.get("ratingValue"), "reviewRating.ratingValue"),
        best_rating=_number(item, rating.get("bestRating"), "reviewRating.bestRating"),
        worst_rating=_number(item, rating.get("worstRating"), "reviewRating.worstRating"),
        url=_text(item, _first(obj.get("url")), "url"),
        note=_text(item, rating.get("ratingExplanation"), "reviewRating.ratingExplanation"),
        own_review=own,
    )


def _claimreview_document(name: str, text: str) -> Iterator[FactCheck | IngestError]:
    """Every ClaimReview of a JSON-LD document (or of an HTML page's JSON-LD scripts)."""
    stripped = text.lstrip()
    blocks = _SCRIPT.findall(text) if stripped.startswith("<") else [text]
    found = 0
    for block in blocks:
        try:
            doc = json.loads(block)
        except json.JSONDecodeError as exc:
            yield _bad(f"{name}:{exc.lineno}", f"not JSON ({exc.msg})")
            continue
        for obj in _reviews(doc):
            found += 1
            item = f"{name}:#{found}"
            if not isinstance(obj, dict):
                yield _bad(item, "not a JSON object")
                continue
            yield _one(item, obj)
    if not found:
        yield _bad(name, "no ClaimReview found")


def _reviews(doc: Any) -> Iterator[Any]:
    """ClaimReview objects of a JSON-LD value: itself, a list's items, a ``@graph``'s."""
    if isinstance(doc, list):
        for obj in doc:
            # A list of reviews: every item is one (a non-object is a bad row); in a page's
            # mixed list, other things (a WebPage, an Organization) are passed over.
            if not isinstance(obj, dict) or _is_claim_review(obj) or "@graph" in obj:
                yield from _reviews(obj) if isinstance(obj, dict) and "@graph" in obj else [obj]
    elif isinstance(doc, dict):
        graph = doc.get("@graph")
        if isinstance(graph, list):
            yield from (obj for obj in graph if isinstance(obj, dict) and _is_claim_review(obj))
        elif _is_claim_review(doc):
            yield doc
