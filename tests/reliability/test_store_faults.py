"""The database going away mid-run and a full disk: a clear one-line error, no corruption, a clean resume."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import popen_cli, run_cli, sqlite_snapshot
from sqlalchemy import event

from claimledger.errors import StoreError
from claimledger.pipeline.bench import synthetic_articles

ONE_LINE_ERROR = re.compile(r"^error: (E\d{3}) [^\n]*$")


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-3000:]


def _corpus(tmp_path: Path, n: int) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    synthetic_articles(src, n)
    return src


ARGS = ("--outlet", "Desk", "--published", "2025-03-05")

# -- PostgreSQL stopped mid-run ------------------------------------------------------------------


def _pg_count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=2
        ) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return 0


def _pg_rows(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return {
            "articles": sorted(
                conn.execute(
                    "SELECT id, origin_id, outlet_id, canonical_url, published FROM articles"
                )
            ),
            "origins": sorted(conn.execute("SELECT id, first_article_id, size FROM origins")),
            "bands": conn.execute("SELECT count(*) FROM lsh_bands").fetchone(),
        }


def _pg_url(pg: Any, name: str) -> str:
    return "postgresql+psycopg://" + pg.create_db(name)[len("postgresql://") :]


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_stopped_mid_ingest_then_clean_resume(pg: Any, tmp_path: Path, mode: str) -> None:
    src = _corpus(tmp_path, 150)
    clean_url, url = (
        _pg_url(pg, f"clean_{mode}_{os.getpid()}"),
        _pg_url(pg, f"cut_{mode}_{os.getpid()}"),
    )
    args = ("ingest", "--no-analyse", *ARGS, str(src))
    assert run_cli(clean_url, *args).returncode == 0

    proc = popen_cli(url, *args)
    try:
        deadline = time.time() + 120
        while _pg_count(url) < 30 and time.time() < deadline:
            time.sleep(0.05)
        pg.stop(mode)
        _out, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        pg.start()
    assert proc.returncode not in (0, None), "the run must fail when the database goes away"
    _no_traceback(stderr)
    lines = _error_lines(stderr)
    assert len(lines) == 1 and ONE_LINE_ERROR.match(lines[0]), stderr[-2000:]
    assert ONE_LINE_ERROR.match(lines[0]).group(1) == "E303", lines  # type: ignore[union-attr]
    partial = _pg_count(url)
    assert 0 < partial < 150

    resumed = run_cli(url, *args)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert _pg_rows(url) == _pg_rows(clean_url)


@pytest.mark.integration
def test_postgres_down_at_start_is_one_line_e303(pg: Any, tmp_path: Path) -> None:
    url = _pg_url(pg, f"down_{os.getpid()}")
    pg.stop("fast")
    try:
        got = run_cli(url, "articles", "--format", "json", timeout=60)
    finally:
        pg.start()
    assert got.returncode != 0
    _no_traceback(got.stderr)
    lines = _error_lines(got.stderr)
    assert len(lines) == 1 and lines[0].startswith(("error: E303", "error: E301")), got.stderr[
        -2000:
    ]


# -- disk full on SQLite ---------------------------------------------------------------------------


def test_sqlite_full_database_is_e304_and_keeps_committed_rows(tmp_path: Path) -> None:
    """``PRAGMA max_page_count`` makes SQLite report SQLITE_FULL exactly as on a full disk."""
    from claimledger.config import load_config
    from claimledger.ingest.sources import Defaults
    from claimledger.pipeline.local import ingest
    from claimledger.store.ledger import Ledger

    config = load_config(environ={}, user_file=Path("/nonexistent"))
    db = tmp_path / "ledger.db"
    first = _corpus(tmp_path, 20)
    ledger = Ledger.open(f"sqlite:///{db}")
    ingest(
        [str(first)], ledger=ledger, config=config, defaults=Defaults(outlet="Desk"), analyse=False
    )
    ledger.close()
    before = sqlite_snapshot(db)

    more = tmp_path / "more"
    more.mkdir()
    synthetic_articles(more, 150, seed=99)
    ledger = Ledger.open(f"sqlite:///{db}")
    pages = int(sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0])

    def cap(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 40}")

    event.listen(ledger.engine, "connect", cap)
    ledger.engine.dispose()  # new connections get the cap
    with pytest.raises(StoreError) as info:
        ingest(
            [str(more)],
            ledger=ledger,
            config=config,
            defaults=Defaults(outlet="Desk"),
            analyse=False,
        )
    ledger.close()
    err = info.value
    assert err.code.name == "E304", str(err)
    assert "\n" not in str(err)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {r[0] for r in conn.execute("SELECT id FROM articles")}
    finally:
        conn.close()
    assert {r[0] for r in before["articles"]} <= stored, (
        "rows committed before the disk filled were lost"
    )

    # With room again, the run completes and equals an uninterrupted one.
    ledger = Ledger.open(f"sqlite:///{db}")
    ingest(
        [str(more)], ledger=ledger, config=config, defaults=Defaults(outlet="Desk"), analyse=False
    )
    ledger.close()
    clean_db = tmp_path / "clean.db"
    clean = Ledger.open(f"sqlite:///{clean_db}")
    for folder in (first, more):
        ingest(
            [str(folder)],
            ledger=clean,
            config=config,
            defaults=Defaults(outlet="Desk"),
            analyse=False,
        )
    clean.close()
    got, want = sqlite_snapshot(db), sqlite_snapshot(clean_db)
    for table in ("articles", "origins", "lsh_bands", "outlets"):
        assert got[table] == want[table], table


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return done.returncode == 0


def test_disk_full_on_a_real_filesystem_then_resume(tmp_path: Path) -> None:
    """A 1 MB tmpfs fills up during ingest: one-line E304 (or E302), no corruption, clean resume."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "1m"):
        pytest.skip("mounting a tmpfs needs root; the max_page_count test covers SQLITE_FULL")
    try:
        src = _corpus(tmp_path, 300)
        db = disk / "ledger.db"
        args = ("ingest", "--no-analyse", *ARGS, str(src))
        got = run_cli(str(db), *args)
        assert got.returncode != 0, "1 MB cannot hold 300 articles"
        _no_traceback(got.stderr)
        lines = _error_lines(got.stderr)
        assert len(lines) == 1 and ONE_LINE_ERROR.match(lines[0]), got.stderr[-2000:]
        assert ONE_LINE_ERROR.match(lines[0]).group(1) in ("E304", "E302"), lines  # type: ignore[union-attr]
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            partial = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
        assert 0 < partial < 300

        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        resumed = run_cli(str(db), *args)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        clean_db = tmp_path / "clean.db"
        assert run_cli(str(clean_db), *args).returncode == 0
        got_snap, want = sqlite_snapshot(db), sqlite_snapshot(clean_db)
        for table in ("articles", "origins", "lsh_bands", "outlets", "integrity"):
            assert got_snap[table] == want[table], table
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
