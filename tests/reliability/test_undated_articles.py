"""Regression (issue 15): a folder of plain text articles without dates broke every view.

Ingesting ``.txt`` files that carry no date (and no manifest) stored articles
without a publication time; from then on ``claimledger claims`` exited 2 with
``E402 ... has no date``, ``GET /api/claims`` returned that error and the
dashboard answered 400. Every article now gets a date by the documented
fallback order (here: the file's modification time), flagged as estimated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rel_helpers import SAMPLE, run_cli

from tests_stores import Stores  # type: ignore[import-not-found]

# 2024-06-01T12:00:00Z: the modification time given to every file.
MTIME = datetime(2024, 6, 1, 12, tzinfo=UTC)


def _undated_folder(root: Path, n: int = 4) -> Path:
    """``n`` sample articles as plain text files: a title line, the body, no date anywhere."""
    rows = [
        json.loads(line)
        for line in (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    rows.sort(key=lambda r: (r["published"], r["url"]))
    folder = root / "undated"
    folder.mkdir()
    for i, row in enumerate(rows[:n]):
        path = folder / f"story{i}.txt"
        path.write_text(f"{row['title']}\n\n{row['text']}\n", encoding="utf-8")
        os.utime(path, (MTIME.timestamp(), MTIME.timestamp() + i * 3600))
    return folder


@pytest.fixture(scope="module")
def undated(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ledger holding only undated text articles, ingested (and analysed) by the CLI."""
    url = stores.new()
    folder = _undated_folder(tmp_path_factory.mktemp("undated"))
    got = run_cli(url, "ingest", str(folder))
    assert got.returncode == 0, got.stderr[-2000:]
    assert "E402" not in got.stderr
    return url


@pytest.fixture(scope="module")
def api(undated: str) -> Iterator[TestClient]:
    from claimledger.api.app import create_app
    from claimledger.config import load_config

    config = load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"extract": {"actors_file": str(SAMPLE / "actors.yaml")}},
    )
    app = create_app(db_url=undated, config=config, dev=True, token=None)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.slow
def test_cli_views_of_undated_articles_work(undated: str) -> None:
    got = run_cli(undated, "claims", "--format", "json")
    assert got.returncode == 0, got.stderr
    views = json.loads(got.stdout)
    assert views, "the undated articles opened no claim"
    assert all(ev["date"] for v in views for ev in v["evidence"])
    assert any(ev["date_estimated"] for v in views for ev in v["evidence"])
    table = run_cli(undated, "claims")
    assert table.returncode == 0, table.stderr
    assert run_cli(undated, "recompute").returncode == 0
    assert run_cli(undated, "explain", views[0]["id"]).returncode == 0
    assert run_cli(undated, "export", "--format", "claimreview").returncode == 0


@pytest.mark.slow
def test_undated_articles_take_the_file_time_flagged_as_estimated(undated: str) -> None:
    got = run_cli(undated, "articles", "--format", "json")
    assert got.returncode == 0, got.stderr
    rows = json.loads(got.stdout)
    assert len(rows) == 4
    for row in rows:
        when = datetime.fromisoformat(row["published"])
        assert MTIME <= when <= MTIME.replace(hour=15)
        assert row["date_estimated"] is True
        assert row["date_source"] == "file"
    table = run_cli(undated, "articles")
    assert "estimated" in table.stdout


@pytest.mark.slow
def test_api_and_dashboard_serve_undated_articles(api: TestClient) -> None:
    got = api.get("/api/claims")
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    assert body["items"]
    page = api.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200, page.text[:500]
    arts = api.get("/api/articles").json()["items"]
    assert arts and all(a["date_estimated"] for a in arts)
    art_page = api.get(f"/articles/{arts[0]['id']}", headers={"accept": "text/html"})
    assert art_page.status_code == 200
    assert "estimated" in art_page.text
