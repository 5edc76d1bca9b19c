"""Integrity of the bundled fictional sample corpus (src/claimledger/data/sample).

These tests check the corpus itself, not the pipeline: every file parses, the corpus is as
large and varied as the demo needs, and the ground truth in ``expected.json`` (origin groups,
claims, statuses) points at articles that exist and is consistent with the texts.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

import claimledger

SAMPLE = Path(claimledger.__file__).parent / "data" / "sample"
CORPUS = SAMPLE / "corpus"
STATUSES = {"unverified", "corroborated", "contested", "refuted", "retracted"}
WIRES = {"Meridian Press", "Continental News Agency"}


class _MetaParser(HTMLParser):
    """Collects <title>, <meta property=...> and <p> texts of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.paragraphs: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag in ("title", "p"):
            self._in, self._buf = tag, []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            text = "".join(self._buf).strip()
            if tag == "title":
                self.title = text
            else:
                self.paragraphs.append(text)
            self._in = None


def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"published without timezone: {value}"
    return parsed


def _load_corpus() -> dict[str, dict[str, Any]]:
    """Read every article of every format into {url: {outlet, published, text, file}}."""
    corpus: dict[str, dict[str, Any]] = {}

    def add(url: str, **fields: Any) -> None:
        assert url not in corpus, f"duplicate url {url}"
        corpus[url] = fields

    for n, line in enumerate((CORPUS / "articles.jsonl").read_text("utf-8").splitlines(), 1):
        assert line.strip(), f"articles.jsonl:{n} is blank"
        rec = json.loads(line)
        assert set(rec) == {"url", "title", "text", "published", "outlet"}, n
        assert rec["text"].strip() and rec["title"].strip(), n
        add(
            rec["url"],
            outlet=rec["outlet"],
            published=_aware(rec["published"]),
            text=rec["text"],
            file="corpus/articles.jsonl",
        )

    for path in sorted((CORPUS / "html").glob("*.html")):
        page = _MetaParser()
        page.feed(path.read_text("utf-8"))
        assert page.title, path.name
        assert page.canonical, path.name
        body = [p for p in page.paragraphs if len(p.split()) > 12]
        assert len(body) >= 4, f"{path.name}: too few body paragraphs"
        add(
            page.canonical,
            outlet=page.meta["og:site_name"],
            published=_aware(page.meta["article:published_time"]),
            text="\n\n".join(body),
            file=f"corpus/html/{path.name}",
        )

    manifest = json.loads((CORPUS / "text" / "manifest.json").read_text("utf-8"))
    files = {p.name for p in (CORPUS / "text").iterdir() if p.suffix in (".txt", ".md")}
    assert files == set(manifest), "text/manifest.json and text/*.txt|*.md disagree"
    for name, meta in manifest.items():
        text = (CORPUS / "text" / name).read_text("utf-8")
        assert text.strip(), name
        add(
            meta["url"],
            outlet=meta["outlet"],
            published=_aware(meta["published"]),
            text=text,
            file=f"corpus/text/{name}",
        )

    feed = feedparser.parse(str(CORPUS / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert 3 <= len(feed.entries) <= 4
    for entry in feed.entries:
        content = entry.content[0].value
        text = re.sub(r"<[^>]+>", "\n\n", content)
        assert len(text.split()) > 100, entry.link
        add(
            entry.link,
            outlet=feed.feed.title,
            published=datetime(*entry.published_parsed[:6]).replace(tzinfo=UTC),
            text=text,
            file="corpus/feed.xml",
        )
    return corpus


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, Any]]:
    return _load_corpus()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLE / "expected.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def actors() -> list[dict[str, Any]]:
    data = yaml.safe_load((SAMPLE / "actors.yaml").read_text("utf-8"))
    result: list[dict[str, Any]] = data["actors"]
    return result


def _shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b)


def test_size_and_variety(corpus: dict[str, dict[str, Any]]) -> None:
    assert len(corpus) >= 30
    days = {a["published"].date() for a in corpus.values()}
    assert len(days) >= 10
    assert len({a["outlet"] for a in corpus.values()}) >= 8
    formats = {a["file"].split("/")[1] for a in corpus.values()}
    assert formats == {"articles.jsonl", "html", "text", "feed.xml"}


def test_articles_have_realistic_length(corpus: dict[str, dict[str, Any]]) -> None:
    for url, a in corpus.items():
        words = len(a["text"].split())
        assert 150 <= words <= 500, f"{url}: {words} words"


def test_index_matches_corpus(corpus: dict[str, dict[str, Any]], expected: dict[str, Any]) -> None:
    index = {a["url"]: a for a in expected["articles"]}
    assert set(index) == set(corpus)
    for url, a in index.items():
        assert corpus[url]["file"] == a["file"], url
        assert corpus[url]["outlet"] == a["outlet"], url
        assert corpus[url]["published"] == _aware(a["published"]), url


def test_expected_urls_exist(corpus: dict[str, dict[str, Any]], expected: dict[str, Any]) -> None:
    lists = (
        "supports",
        "refutes",
        "questions",
        "discusses",
        "independent_supports",
        "independent_refutes",
        "retraction_reports",
    )
    for group in expected["origins"]:
        for url in group:
            assert url in corpus, url
    for claim in expected["claims"]:
        urls = [u for field in lists for u in claim[field]] + [claim["first_seen"]]
        if claim["retracted_by"]:
            urls.append(claim["retracted_by"])
        for url in urls:
            assert url in corpus, f"{claim['key']}: {url}"


def test_origin_groups_are_near_duplicates(
    corpus: dict[str, dict[str, Any]], expected: dict[str, Any]
) -> None:
    groups = expected["origins"]
    members = [u for g in groups for u in g]
    assert len(members) == len(set(members)), "an article is in two origin groups"
    assert all(len(g) >= 2 for g in groups)
    assert max(len(g) for g in groups) >= 4, "need one wire story on at least 4 sites"
    group_of = {u: i for i, g in enumerate(groups) for u in g}
    sh = {u: _shingles(a["text"]) for u, a in corpus.items()}
    urls = sorted(corpus)
    for i, a in enumerate(urls):
        for b in urls[i + 1 :]:
            same = a in group_of and group_of.get(a) == group_of.get(b)
            sim = _jaccard(sh[a], sh[b])
            if same:
                assert sim >= 0.5, f"copies too different ({sim:.2f}): {a} {b}"
            else:
                assert sim < 0.2, f"independent articles too similar ({sim:.2f}): {a} {b}"
    for group in groups:
        texts = [corpus[u]["text"] for u in group]
        wire = [w for w in WIRES if all(f"({w})" in t for t in texts)]
        assert wire, f"group without a common wire byline: {group[0]}"
        assert len({corpus[u]["outlet"] for u in group}) == len(group)


def test_claims_cover_every_status(expected: dict[str, Any]) -> None:
    claims = expected["claims"]
    assert {c["status"] for c in claims} == STATUSES
    assert len({c["key"] for c in claims}) == len(claims)
    assert any(c["resolution_date"] for c in claims), "no prediction with a date"


def test_claims_are_consistent(
    corpus: dict[str, dict[str, Any]], expected: dict[str, Any], actors: list[dict[str, Any]]
) -> None:
    ids = {a["id"] for a in actors}
    last_day = max(a["published"].date() for a in corpus.values())
    first_day = min(a["published"].date() for a in corpus.values())
    n_required = expected["policy"]["independent_origins_required"]
    group_of = {u: i for i, g in enumerate(expected["origins"]) for u in g}
    for c in expected["claims"]:
        assert c["claimant"] in ids, c["key"]
        assert set(c["independent_supports"]) <= set(c["supports"]), c["key"]
        assert set(c["independent_refutes"]) <= set(c["refutes"]), c["key"]
        assert (c["status"] == "retracted") == (c["retracted_by"] is not None), c["key"]
        origins_for = {group_of.get(u, u) for u in c["independent_supports"]}
        origins_against = {group_of.get(u, u) for u in c["independent_refutes"]}
        if c["status"] == "corroborated":
            assert len(origins_for) >= n_required and not origins_against, c["key"]
        elif c["status"] == "contested":
            assert origins_for and origins_against, c["key"]
        elif c["status"] == "refuted":
            assert origins_against and not origins_for, c["key"]
        elif c["status"] == "unverified":
            assert not origins_against and len(origins_for) < n_required, c["key"]
            assert c["supports"], c["key"]
        if c["resolution_date"]:
            due = date.fromisoformat(c["resolution_date"])
            assert first_day < due < last_day, "the prediction's date must pass in the corpus"


def test_unverified_claim_is_widely_syndicated(expected: dict[str, Any]) -> None:
    """Repetition must be present for 'ten copies do not corroborate' to be tested."""
    groups = [set(g) for g in expected["origins"]]
    unverified = [
        c for c in expected["claims"] if c["status"] == "unverified" and not c["resolution_date"]
    ]
    assert unverified
    for c in unverified:
        assert len(c["supports"]) >= 5
        assert any(len(g & set(c["supports"])) >= 4 for g in groups), c["key"]


def test_retraction_text_names_the_withdrawal(
    corpus: dict[str, dict[str, Any]], expected: dict[str, Any]
) -> None:
    for c in expected["claims"]:
        if c["retracted_by"]:
            text = corpus[c["retracted_by"]]["text"].lower()
            assert "withdrew" in text or "retract" in text, c["key"]


def test_actor_table(corpus: dict[str, dict[str, Any]], actors: list[dict[str, Any]]) -> None:
    ids = [a["id"] for a in actors]
    assert len(ids) == len(set(ids))
    by_id = {a["id"]: a for a in actors}
    for a in actors:
        assert a["type"] in {"person", "organisation", "state", "media"}, a["id"]
        for aff in a.get("affiliations", []):
            assert aff["parent"] in by_id, f"{a['id']} -> {aff['parent']}"
    names: dict[str, str] = {}
    for a in actors:
        for n in [a["name"], *a.get("aliases", [])]:
            names[n] = a["id"]
    for outlet in {a["outlet"] for a in corpus.values()}:
        assert outlet in names, f"outlet {outlet!r} missing from actors.yaml"
    state_media = [a for a in actors if "state media" in a.get("roles", [])]
    assert {m["affiliations"][0]["parent"] for m in state_media} == {"varnia", "ostrela"}


def test_copies_are_not_byte_identical(corpus: dict[str, dict[str, Any]]) -> None:
    """Each syndicated copy carries an edit; identical texts would collapse into one article."""
    seen: dict[str, str] = {}
    for url, a in corpus.items():
        key = " ".join(re.findall(r"\w+", a["text"].lower()))
        assert key not in seen, f"{url} has the same text as {seen.get(key)}"
        seen[key] = url


def test_corpus_folder_holds_only_articles() -> None:
    """`claimledger ingest corpus/` must not pick up the ground truth or the docs."""
    allowed = {".jsonl", ".html", ".txt", ".md", ".xml"}
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            assert path.suffix in allowed, path


def test_ingest_reads_every_article(expected: dict[str, Any]) -> None:
    """The project's own readers find all articles with an outlet and an aware date."""
    from claimledger.ingest.fetch import FetchOptions
    from claimledger.ingest.sources import Defaults, iter_sources
    from claimledger.records import Article

    found = [
        got
        for got in iter_sources([str(CORPUS)], defaults=Defaults(), options=FetchOptions())
        if not isinstance(got, str)
    ]
    failures = [got for got in found if not isinstance(got, Article)]
    assert not failures
    articles = [got for got in found if isinstance(got, Article)]
    by_url = {a.url: a for a in articles}
    assert set(by_url) == {a["url"] for a in expected["articles"]}
    for entry in expected["articles"]:
        article = by_url[entry["url"]]
        assert article.outlet == entry["outlet"], entry["key"]
        assert article.published is not None, entry["key"]
        assert article.published.date() == _aware(entry["published"]).astimezone(UTC).date()
