"""Shared helpers of the fault tests: a sample subset, CLI runs, store snapshots."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"
KILLER = Path(__file__).resolve().parent / "killer.py"


def write_subset(folder: Path, n: int) -> Path:
    """The ``n`` earliest articles of the sample corpus as a JSON Lines file."""
    rows = [
        json.loads(line)
        for line in (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    rows.sort(key=lambda r: (r["published"], r["url"]))
    path = folder / "subset.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows[:n]), encoding="utf-8")
    return path


def cli_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "CLAIMLEDGER_CONFIG": "/nonexistent",
        "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    env.pop("CLAIMLEDGER_TEST_KILL", None)
    env.update(extra)
    return env


def freeze_source(folder: Path) -> str:
    """Copy the package (code and models) to ``folder``; returns a PYTHONPATH entry for it.

    A comparison of several runs must compare the same code: on a shared working tree a
    model or module can change between the uninterrupted run and the resumed one.
    """
    import shutil

    dst = folder / "frozen-src"
    shutil.copytree(
        ROOT / "src" / "claimledger",
        dst / "claimledger",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return str(dst)


def run_cli(
    db: str,
    *args: str,
    kill: str | None = None,
    timeout: float = 300,
    pythonpath: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``claimledger --db DB ARGS`` (through the kill harness when ``kill`` is set)."""
    env = cli_env(**({"CLAIMLEDGER_TEST_KILL": kill} if kill else {}))
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    cmd = [sys.executable, str(KILLER), "--db", db, *args]
    return subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT)
    )


def popen_cli(db: str, *args: str, pythonpath: str | None = None) -> subprocess.Popen[str]:
    env = cli_env()
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.Popen(
        [sys.executable, str(KILLER), "--db", db, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )


# Columns compared between an interrupted and an uninterrupted run. Claim keys,
# vectors and wall-clock columns (ingested_at, runs) are left out on purpose.
SNAPSHOT_SQL: dict[str, str] = {
    "articles": "SELECT id, origin_id, outlet_id, canonical_url, published, processed FROM articles",
    "origins": "SELECT id, first_article_id, agency, size FROM origins",
    "outlets": "SELECT id, name, actor_id FROM outlets",
    "lsh_bands": "SELECT count(*) FROM lsh_bands",
    "statements": (
        "SELECT id, article_id, content_start, content_end, kind, speaker, actor_id, attributed, "
        "time_resolved, round(checkworthiness, 4) FROM statements"
    ),
    "claims": (
        "SELECT id, text, claimant_name, claimant_actor_id, first_seen, resolution_date, "
        "first_statement_id, status, reasons, dirty FROM claims"
    ),
    "links": "SELECT id, claim_id, statement_id, article_id, stance, round(confidence, 3), role FROM links",
    "status_events": "SELECT id, claim_id, seq, at, old, new, reasons, evidence_ids, policy_version FROM status_events",
    "actors": "SELECT id, name, type FROM actors",
}


def sqlite_snapshot(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        snap: dict[str, Any] = {
            name: sorted(conn.execute(sql), key=repr) for name, sql in SNAPSHOT_SQL.items()
        }
        snap["integrity"] = conn.execute("PRAGMA integrity_check").fetchall()
        snap["foreign_keys"] = conn.execute("PRAGMA foreign_key_check").fetchall()
        return snap
    finally:
        conn.close()


def consistency_problems(path: Path) -> list[str]:
    """Invariants that must hold after any crash (not only at the end).

    A store killed before its schema was made (the file opened, no table yet: a loaded
    machine can take longer than the kill's delay to start) holds nothing, and nothing in
    it can be inconsistent. A schema made in part is checked, and its missing tables fail.
    """
    conn = sqlite3.connect(path)
    problems: list[str] = []
    if not conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.close()
        return problems
    try:
        checks = {
            "integrity_check": ("PRAGMA integrity_check", [("ok",)]),
            "foreign_key_check": ("PRAGMA foreign_key_check", []),
            # A statement exists only for an article whose linking committed.
            "statements of unprocessed articles": (
                "SELECT s.id FROM statements s JOIN articles a ON a.id = s.article_id WHERE NOT a.processed",
                [],
            ),
            "links of unprocessed articles": (
                "SELECT l.id FROM links l JOIN articles a ON a.id = l.article_id WHERE NOT a.processed",
                [],
            ),
            "claims without a link": (
                "SELECT c.id FROM claims c WHERE NOT c.tracked AND NOT EXISTS (SELECT 1 FROM links l WHERE l.claim_id = c.id)",
                [],
            ),
            "articles without an origin": ("SELECT id FROM articles WHERE origin_id IS NULL", []),
            "origin sizes": (
                "SELECT o.id FROM origins o WHERE o.size != (SELECT count(*) FROM articles a WHERE a.origin_id = o.id)",
                [],
            ),
            "duplicate canonical URLs": (
                "SELECT canonical_url FROM articles WHERE canonical_url IS NOT NULL GROUP BY canonical_url HAVING count(*) > 1",
                [],
            ),
            "history out of step with status": (
                "SELECT c.id FROM claims c WHERE NOT c.dirty AND c.status != coalesce((SELECT e.new FROM status_events e "
                "WHERE e.claim_id = c.id ORDER BY e.seq DESC LIMIT 1), 'unverified')",
                [],
            ),
        }
        for name, (sql, expected) in checks.items():
            got = conn.execute(sql).fetchall()
            if got != expected:
                problems.append(f"{name}: {got[:5]}")
    finally:
        conn.close()
    return problems


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path, timeout=5)
    try:
        out = {}
        for table in ("articles", "statements", "claims", "links", "status_events"):
            out[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        out["processed"] = int(
            conn.execute("SELECT count(*) FROM articles WHERE processed").fetchone()[0]
        )
        out["dirty"] = int(conn.execute("SELECT count(*) FROM claims WHERE dirty").fetchone()[0])
        return out
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
