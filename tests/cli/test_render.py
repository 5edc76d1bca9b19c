"""The ledger read in a terminal: whole ids and statuses, claim text wrapped and never cut.

``claims``, ``articles``, ``explain`` and the ingest summary are rendered at 80, 100 and 160
columns (``COLUMNS``, as a terminal sets it) over the small hand-built ledger of the API
tests, with one long claim added; narrow terminals get one block per record.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.cli.render import (
    MAIN_MIN_WIDTH,
    TABLE_MIN_WIDTH,
    explain_lines,
    field_of,
    records,
    short_reasons,
)
from claimledger.records import Claim, Link, hash_id
from claimledger.store.ledger import Ledger
from tests_paths import ROOT, SAMPLE  # type: ignore[import-not-found]

WIDTHS = (80, 100, 160)
# Longer than every clip the views ever had (200 characters), with brackets rich could eat.
LONG_CLAIM = (
    "Engineers of the Varnian army [according to the ministry] have rebuilt the rail bridge "
    "at Kasto, restored power to the three border villages, reopened the road to Drovny for "
    "civilian traffic and returned every requisitioned lorry to its owner before the thaw."
)
ENV = {
    "CLAIMLEDGER_CONFIG": "/nonexistent",
    "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
}


def _factories() -> Any:
    """The API tests' small-ledger builder (tests/api is not a package)."""
    folder = str(ROOT / "tests" / "api")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("api_factories")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The small ledger plus one long claim, its status replayed by the real engine."""
    from claimledger.pipeline.verdict_queries import recompute

    factories = _factories()
    config = factories.make_config()
    url = f"sqlite:///{tmp_path_factory.mktemp('render') / 'ledger.db'}"
    built = factories.build_small(url, config)
    ledger = Ledger.open(url)
    statement = ledger.get_statement(built.statements["vna0"])
    claim = Claim(
        id=hash_id("long claim", prefix="c"),
        text=LONG_CLAIM,
        first_seen=factories.at(2),
        claimant_name="Varnian Defence Ministry",
        claimant_actor_id="varnia/defence-ministry",
        first_statement_id=statement.id,
    )
    with ledger.session() as session:
        ledger.put_claim(session, claim, vector=None, entities=[])
        ledger.put_link(
            session,
            Link(
                id=hash_id(claim.id, statement.id, prefix="l"),
                claim_id=claim.id,
                article_id=statement.article_id,
                stance="supports",
                confidence=1.0,
                similarity=1.0,
                statement_id=statement.id,
                role="assertion",
            ),
        )
    recompute([claim.id], ledger=ledger, config=config)
    ledger.close()
    return url


def cli(*args: str, width: int) -> str:
    res = CliRunner().invoke(app, list(args), env={**ENV, "COLUMNS": str(width)})
    assert res.exit_code == 0, res.output
    return res.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def column(out: str, header: str, next_header: str | None) -> str:
    """The words of one table column, top to bottom (a wrapped cell reads whole)."""
    lines = out.splitlines()

    def at(name: str, line: str) -> int | None:
        found = re.search(rf"(?<!\S){name}(?!\S)", line)
        return found.start() if found else None

    top = next(i for i, line in enumerate(lines) if at(header, line) is not None)
    start = at(header, lines[top])
    end = at(next_header, lines[top]) if next_header else None
    return flat(" ".join(line[start:end] for line in lines[top + 1 :]))


def is_table(out: str) -> bool:
    return any(set(line.strip()) == {"─"} for line in out.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_claims_show_whole_ids_statuses_and_text(db: str, width: int) -> None:
    views = json.loads(cli("--db", db, "claims", "--format", "json", width=width))
    assert len(views) == 4 and LONG_CLAIM in [v["text"] for v in views]
    out = cli("--db", db, "claims", width=width)
    lines = out.splitlines()
    for view in views:
        # The id whole, with its whole status on the same line.
        [line] = [ln for ln in lines if re.search(rf"(?<!\w){view['id']}(?!\w)", ln)]
        assert re.search(rf"(?<!\w){view['status']}(?!\w)", line), line
    texts = column(out, "claim", "reasons") if width >= TABLE_MIN_WIDTH else flat(out)
    for view in views:
        assert flat(view["text"]) in texts, view["text"]
    assert all(len(line) <= width for line in lines)
    # Below the table width, one block per claim; at 160 the table fits.
    assert is_table(out) == (width == 160)


@pytest.mark.parametrize("width", WIDTHS)
def test_claims_reasons_are_short(db: str, width: int) -> None:
    views = json.loads(cli("--db", db, "claims", "--format", "json", width=width))
    out = cli("--db", db, "claims", width=width)
    questioned = [r for v in views for r in v["reasons"] if r.startswith("QUESTIONED_BY(")]
    assert questioned, "the small ledger has a questioned claim"
    # The questioning source is named by `explain`, not in the list.
    assert "QUESTIONED_BY" in out and not any(r in out for r in questioned)


@pytest.mark.parametrize("width", WIDTHS)
def test_articles_show_whole_ids_and_titles(db: str, width: int) -> None:
    rows = json.loads(cli("--db", db, "articles", "--format", "json", width=width))
    out = cli("--db", db, "articles", width=width)
    titles = column(out, "title", None) if is_table(out) else flat(out)
    for row in rows:
        assert re.search(rf"(?<!\w){row['id']}(?!\w)", out)
        assert re.search(rf"(?<!\w){row['origin']}(?!\w)", out)
        assert flat(row["title"]) in titles
    assert is_table(out) == (width >= TABLE_MIN_WIDTH)


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_shows_the_whole_claim(db: str, width: int) -> None:
    [view] = [
        v
        for v in json.loads(cli("--db", db, "claims", "--format", "json", width=width))
        if v["text"] == LONG_CLAIM
    ]
    out = cli("--db", db, "explain", view["id"], width=width)
    assert out.startswith(f"Claim {view['id']}: ")
    head = out.split("\nClaimant:")[0]
    assert flat(head) == flat(f"Claim {view['id']}: {LONG_CLAIM}")
    assert f"Status: {view['status']} " in flat(out)
    assert all(len(line) <= width for line in out.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_ingest_summary(tmp_path: Path, width: int) -> None:
    (tmp_path / "a.txt").write_text("A title\n\nThe ministry said so on Monday.", "utf-8")
    args = ["ingest", "--no-analyse", str(tmp_path / "a.txt")]
    [counts] = json.loads(cli("--db", str(tmp_path / "j.db"), *args, "--format", "json", width=80))
    assert counts["added"] == 1 and counts["failed"] == 0
    out = cli("--db", str(tmp_path / "t.db"), *args, width=width)
    labels = [field_of(k).label for k in counts]
    if is_table(out):
        header, _rule, values = out.strip().splitlines()[-3:]
        assert re.split(r"\s{2,}", header.strip()) == labels
        assert values.split() == [str(n) for n in counts.values()]
    else:
        pairs = " ".join(f"{label} {n}" for label, n in zip(labels, counts.values(), strict=True))
        assert flat(out) == f"ingest: {pairs}"
    assert is_table(out) == (width >= TABLE_MIN_WIDTH)


def test_short_reasons_keep_counts_and_drop_long_arguments() -> None:
    reasons = [
        "INDEPENDENT_SUPPORT(2)",
        "QUESTIONED_BY(ostrela/foreign-ministry)",
        "QUESTIONED_BY(Kiran Dahl)",
        "AWAITING_RESOLUTION(2025-03-05)",
        "ONLY_CLAIMANT_SOURCES",
    ]
    assert short_reasons(reasons) == [
        "INDEPENDENT_SUPPORT(2)",
        "QUESTIONED_BY(2)",
        "AWAITING_RESOLUTION",
        "ONLY_CLAIMANT_SOURCES",
    ]


def test_a_word_longer_than_the_line_stays_whole() -> None:
    token = "https://example.org/" + "x" * 90
    lines = explain_lines(f"Claim c1: see {token} for more\n  - an item", width=60)
    assert lines == ["Claim c1: see", f"    {token}", "    for more", "  - an item"]


def test_the_table_needs_room_for_the_whole_columns_and_the_text() -> None:
    from rich.console import Console
    from rich.table import Table

    row = {
        "id": "c" + "0" * 16,
        "status": "corroborated",
        "first_seen": "2025-03-02",
        "reports": 3,
        "claimant": "Varnian Defence Ministry",
        "text": "word " * 40,
        "reasons": ["INDEPENDENT_SUPPORT(4)"],
    }
    columns = list(row)
    # id 17, status 12, first seen 10, reports 7 (its label), claimant 24, reasons 22, the
    # text's minimum, and three columns between each pair of the seven.
    need = 17 + 12 + 10 + 7 + 24 + 22 + MAIN_MIN_WIDTH + 3 * 6
    assert need >= TABLE_MIN_WIDTH
    assert isinstance(records([row], columns=columns, title="claims", width=need), Table)
    narrow = records([row], columns=columns, title="claims", width=need - 1)
    assert not isinstance(narrow, Table)
    console = Console(width=need - 1, record=True)
    console.print(narrow)
    assert flat(console.export_text()).startswith(
        f"c{'0' * 16} corroborated first seen 2025-03-02 reports 3 claimant Varnian"
    )
