"""The API under bounded load from a second process while ingestion writes.

A real ``claimledger serve`` runs on loopback; ``tests/reliability/load_client.py``
(threads + httpx, closed loop, fixed duration) requests the claims list, a
claim page and an article page as fast as the server answers, while writer
processes (``claimledger ingest --no-analyse``) add articles: one writer on
SQLite (WAL: one writer, many readers), three on PostgreSQL. Asserts: no
errors, every ingested article present afterwards (no lost writes). The
figures (requests served, p50/p95) go to ``benchmarks/results/load.json`` when
``CLAIMLEDGER_LOAD_RECORD=1`` (a test run must not change the repository).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
REL = HERE.parent / "reliability"
sys.path.insert(0, str(REL))

from rel_helpers import ROOT, cli_env  # noqa: E402
from server_proc import Server, build_small_ledger, copy_store  # noqa: E402

from claimledger.pipeline.bench import synthetic_articles  # noqa: E402

SECONDS = float(os.environ.get("CLAIMLEDGER_LOAD_SECONDS", "10"))
THREADS = 8
PER_WRITER = 150
RESULTS = ROOT / "benchmarks" / "results" / "load.json"


def _writer(db: str, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "claimledger",
            "--db",
            db,
            "ingest",
            "--no-analyse",
            "--outlet",
            f"Load {folder.name}",
            "--published",
            "2025-03-20",
            str(folder),
        ],
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )


def _load(base: str, paths: list[str]) -> subprocess.Popen[str]:
    cmd = [
        sys.executable,
        str(REL / "load_client.py"),
        "--base",
        base,
        "--seconds",
        str(SECONDS),
        "--threads",
        str(THREADS),
    ]
    for p in paths:
        cmd += ["--path", p]
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT)
    )


def _record(backend: str, result: dict[str, Any]) -> None:
    if os.environ.get("CLAIMLEDGER_LOAD_RECORD") != "1":
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[backend] = result
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _run(db: str, work: Path, built: Any, writers: int, count_articles: Any) -> dict[str, Any]:
    folders = []
    for w in range(writers):
        folder = work / f"w{w}"
        folder.mkdir()
        synthetic_articles(folder, PER_WRITER, seed=1000 + w)
        folders.append(folder)
    claim = next(iter(built.claims.values()))
    article = next(iter(built.articles.values()))
    paths = ["/api/claims", f"/claims/{claim}", f"/articles/{article}"]
    before = count_articles()
    server = Server(db, work, token=None)
    try:
        server.wait_ready()
        load = _load(server.base, paths)
        time.sleep(0.5)  # the load is running when the writers start
        started = time.monotonic()
        procs = [_writer(db, f) for f in folders]
        out, err = load.communicate(timeout=SECONDS + 120)
        rcs = [p.wait(timeout=300) for p in procs]
        write_seconds = time.monotonic() - started
        writer_errs = [p.stderr.read() if p.stderr else "" for p in procs]
    finally:
        server.stop()
    assert load.returncode == 0, err[-2000:]
    assert rcs == [0] * writers, writer_errs
    result: dict[str, Any] = json.loads(out)
    after = count_articles()
    result.update(
        writers=writers,
        articles_written=after - before,
        articles_expected=writers * PER_WRITER,
        writers_seconds=round(write_seconds, 1),
        server_log_has_traceback="Traceback" in server.logs(),
    )
    return result


def test_sqlite_wal_one_writer_many_readers(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    built = build_small_ledger(db)

    def count() -> int:
        conn = sqlite3.connect(db)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()

    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    result = _run(str(db), tmp_path, built, 1, count)
    _record("sqlite", result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] > 0
    assert result["articles_written"] == result["articles_expected"], "lost writes"
    assert not result["server_log_has_traceback"]


def test_postgres_several_writers(pg: Any, tmp_path: Path) -> None:
    sqlite_db = tmp_path / "seed.db"
    built = build_small_ledger(sqlite_db)
    url = "postgresql+psycopg://" + pg.create_db(f"load_{os.getpid()}")[len("postgresql://") :]
    copy_store(f"sqlite:///{sqlite_db}", url)

    def count() -> int:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]

    result = _run(url, tmp_path, built, 3, count)
    _record("postgresql", result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] > 0
    assert result["articles_written"] == result["articles_expected"], "lost writes"
    assert not result["server_log_has_traceback"]
