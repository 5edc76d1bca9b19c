"""``claimledger track --file`` as a user runs it: a summary, one line per bad row, exit codes.

Invented claims only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAIMLEDGER_CONFIG": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "claimledger", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_track_file_reports_bad_rows_and_imports_the_rest(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    checks = tmp_path / "checks.csv"
    checks.write_text(
        "claim,claimant,claim_date,factchecker,review_date,rating,url\n"
        "Tarsk opened nine new bridges in May,Governor Mara Olsen,2025-05-02,North Facts,"
        "2025-05-09,False,https://northfacts.example/bridges\n"
        ",Governor Mara Olsen,2025-05-02,North Facts,,False,\n",
        encoding="utf-8",
    )
    res = run("--db", db, "track", "--file", str(checks))
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert errors == [
        "error: E113 checks.csv:3: malformed fact-check: no claim text (field 'claim')"
    ]
    assert "rows" in res.stdout and "ratings" in res.stdout
    claims = json.loads(run("--db", db, "claims", "--format", "json").stdout)
    assert [(c["text"], c["status"]) for c in claims] == [
        ("Tarsk opened nine new bridges in May", "refuted")
    ]
    # The same file again: nothing new; the format can be forced.
    again = run("--db", db, "track", "--file", str(checks), "--format", "csv")
    assert again.returncode == 1
    assert len(json.loads(run("--db", db, "claims", "--format", "json").stdout)) == 1


def test_track_needs_a_text_or_a_file_not_both(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.db")
    res = run("--db", db, "track")
    assert res.returncode == 2 and res.stderr.startswith("error: E402 track:")
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    both = run("--db", db, "track", "Some claim", "--file", str(tmp_path / "a.jsonl"))
    assert both.returncode == 2 and "not both" in both.stderr
    missing = run("--db", db, "track", "--file", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: E101")
