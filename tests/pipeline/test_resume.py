"""A run killed with SIGKILL and started again ends with the same store as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from claimledger.pipeline.bench import synthetic_articles


def _cli(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CLAIMLEDGER_CONFIG": "/nonexistent"}
    return subprocess.Popen(
        [sys.executable, "-m", "claimledger", "--db", str(db), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _snapshot(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        return {
            "articles": sorted(
                conn.execute(
                    "SELECT id, origin_id, outlet_id, canonical_url, published FROM articles"
                )
            ),
            "origins": sorted(conn.execute("SELECT id, first_article_id, size FROM origins")),
            "bands": conn.execute("SELECT count(*) FROM lsh_bands").fetchone(),
            "outlets": sorted(conn.execute("SELECT id, name FROM outlets")),
            "integrity": conn.execute("PRAGMA integrity_check").fetchone(),
        }
    finally:
        conn.close()


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_ingest_then_resume(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    paths = synthetic_articles(src, 400)
    # Syndicated copies so that origins span the kill point.
    for i in range(0, 400, 40):
        (src / f"copy_{i:03d}.txt").write_text(
            paths[i].read_text("utf-8") + " Republished.", encoding="utf-8"
        )
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    args = ("ingest", "--no-analyse", "--outlet", "Desk", "--published", "2022-02-15", str(src))

    assert _cli(clean, *args).wait(timeout=300) == 0

    proc = _cli(killed, *args)
    deadline = time.time() + 120
    while _count(killed) < 60 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(killed)
    assert 0 < partial < 410, "the kill must land mid-run"

    assert _cli(killed, *args).wait(timeout=300) == 0
    assert _snapshot(killed) == _snapshot(clean)
    # And a third run adds nothing.
    assert _cli(killed, *args).wait(timeout=300) == 0
    assert _snapshot(killed) == _snapshot(clean)
