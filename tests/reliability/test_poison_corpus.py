"""A corpus of what real folders hold next to good articles (issue 15).

Undated files, dates in the future and before 1990, a 1 MB article, empty and
script-only HTML, binary and mis-encoded files, a second text at a URL already
stored, a Russian article, and a feed with broken entries. After ingesting it,
every view works, each bad item is reported or flagged, and the good articles
are analysed as if they had been ingested alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import SAMPLE, run_cli

from tests_stores import Stores  # type: ignore[import-not-found]

GOOD = 3
# Written for this test (no data set text): neutral local news, far from the sample's claims.
FILLER = "Rain fell on the hills above the town again and the wind off the lake stayed cold. "
RUSSIAN = (
    "Министерство обороны Варнии заявило в воскресенье, что подразделения, участвовавшие в "
    "зимних учениях, начали возвращаться в места постоянной дислокации."
)


REVISION_TAIL = "\n\nSomething else entirely was said here."
LATER = "2025-03-20T00:00:00+00:00"  # after the good articles, before today


def _good_rows() -> list[dict[str, Any]]:
    rows = [
        json.loads(line)
        for line in (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    rows.sort(key=lambda r: (r["published"], r["url"]))
    return rows[:GOOD]


def _write_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in _good_rows()), encoding="utf-8"
    )


def _write_poison(folder: Path) -> None:
    _write_good(folder)
    first = _good_rows()[0]
    lines = [
        {
            "text": "The harbour master said the ferry would run on Sunday. " * 3,
            "outlet": "Undated",
        },
        {"text": "The school board said exams start in June. " * 3, "published": "2191-05-01"},
        {"text": "The museum said the old mill was restored. " * 3, "published": "1971-01-01"},
        # The URL of a good article again, with its text extended: a revision of it that
        # removes nothing (docs/reliability.md, "Revisions"), so its claims stay as if alone.
        {"url": first["url"], "text": first["text"] + REVISION_TAIL, "published": LATER},
    ]
    (folder / "odd.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in lines) + "{not json\n", encoding="utf-8"
    )
    (folder / "big.txt").write_text("A long day\n\n" + FILLER * (1_048_576 // len(FILLER)), "utf-8")
    (folder / "empty.html").write_text("", encoding="utf-8")
    (folder / "script.html").write_text(
        "<!doctype html><html><head><script>var x = 1;</script></head>"
        "<body><script>document.write('hi')</script></body></html>",
        encoding="utf-8",
    )
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(
        "Le ministère a déclaré que les unités rentraient.".encode("latin-1")
    )
    (folder / "ru.txt").write_text(f"Войска возвращаются\n\n{RUSSIAN}\n", encoding="utf-8")
    (folder / "broken.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken Feed</title>'
        "<item><title>No body</title></item>"
        "<item><title>Bad date</title><link>https://feed.example/2</link>"
        "<pubDate>the day after never</pubDate><description>"
        + "The council said the bridge would reopen. "
        * 12
        + "</description></item>"
        "<item><title>Truncated</title><link>https://feed.example/3</link><description>"
        "The port authority said cranes were idle",
        encoding="utf-8",
    )


def _ledger(url: str) -> dict[str, Any]:
    """Statements of the good articles and the claims they opened, with statuses."""
    arts = json.loads(run_cli(url, "articles", "--format", "json").stdout)
    good_urls = {r["url"] for r in _good_rows()}
    good = {
        a["id"] for a in arts if a["url"] in good_urls and not a["text"].endswith(REVISION_TAIL)
    }
    views = json.loads(run_cli(url, "claims", "--format", "json").stdout)
    from claimledger.store.ledger import Ledger

    ledger = Ledger.open(url)
    try:
        stmts = sorted(
            (s.id, s.content, s.speaker, s.kind)
            for a in sorted(good)
            for s in ledger.statements(article_id=a)
        )
        opened = {c.id for c in ledger.claims() if c.first_statement_id in {s[0] for s in stmts}}
    finally:
        ledger.close()
    claims = sorted(
        (v["text"], v["status"], tuple(v["reasons"]), v["reports"])
        for v in views
        if v["id"] in opened
    )
    return {"articles": len(good), "statements": stmts, "claims": claims}


@pytest.mark.slow
def test_after_a_poison_corpus_every_view_works_and_good_articles_are_as_if_alone(
    stores: Stores, tmp_path: Path
) -> None:
    alone = stores.new()
    _write_good(tmp_path / "good")
    got = run_cli(alone, "ingest", str(tmp_path / "good"))
    assert got.returncode == 0, got.stderr

    url = stores.new()
    _write_poison(tmp_path / "poison")
    got = run_cli(url, "ingest", str(tmp_path / "poison"), timeout=900)
    assert got.returncode == 1, got.stderr  # bad items are reported, the rest is stored
    assert "Traceback" not in got.stderr
    errors = [ln for ln in got.stderr.splitlines() if ln.startswith("error: ")]
    codes = {ln.split()[1] for ln in errors}
    assert {"E102", "E103", "E104", "E109"} <= codes, errors
    assert any("not analysed: language ru" in ln for ln in got.stderr.splitlines())

    for args in (
        ("claims",),
        ("claims", "--format", "json"),
        ("articles",),
        ("export", "--format", "claimreview"),
        ("recompute",),
    ):
        done = run_cli(url, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])

    arts = json.loads(run_cli(url, "articles", "--format", "json").stdout)
    assert all(a["published"] for a in arts)
    by_text = {a["text"][:20]: a for a in arts}
    future = by_text["The school board sai"]
    assert future["date_estimated"] and "in the future" in future["problem"]
    old = by_text["The museum said the "]
    assert old["date_estimated"] and "before 1990" in old["problem"]
    undated = by_text["The harbour master s"]
    assert (undated["date_source"], undated["date_estimated"]) == ("file", True)
    assert sum(a["text"].endswith(REVISION_TAIL) for a in arts) == 1

    assert _ledger(url) == _ledger(alone)
