"""The command line as a user runs it: exit codes, one-line errors, JSON forms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.store.ledger import Ledger

BODY = "The ministry said troops were returning to base. Observers said they saw no sign of it."


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAIMLEDGER_CONFIG": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "claimledger", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ingest_then_articles_json(tmp_path: Path, ledger_url: str) -> None:
    (tmp_path / "a.txt").write_text("Title\n\n" + BODY, encoding="utf-8")
    db = ledger_url
    res = run(
        "--db",
        str(db),
        "ingest",
        "--no-analyse",
        "--outlet",
        "Desk",
        "--published",
        "2022-02-15",
        str(tmp_path / "a.txt"),
    )
    assert res.returncode == 0, res.stderr
    out = run("--db", str(db), "articles", "--format", "json")
    [art] = json.loads(out.stdout)
    assert (
        art["outlet"] == "Desk"
        and art["published"] == "2022-02-15T00:00:00+00:00"
        and art["title"] == "Title"
    )
    again = run(
        "--db", str(db), "ingest", "--no-analyse", "--format", "json", str(tmp_path / "a.txt")
    )
    assert json.loads(again.stdout)[0]["duplicates"] == 1


def test_bad_items_are_one_line_each_and_exit_nonzero(tmp_path: Path, ledger_url: str) -> None:
    (tmp_path / "ok.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "bad.jsonl").write_text('{"text": "fine text here"}\n{oops\n', encoding="utf-8")
    res = run("--db", ledger_url, "ingest", "--no-analyse", str(tmp_path))
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2
    assert any("E102" in e and "bin.txt" in e for e in errors)
    assert any("E104" in e and "bad.jsonl:2" in e for e in errors)
    # What was good is stored, and the failures are recorded as data.
    ledger = Ledger.open(ledger_url)
    assert ledger.count("articles") == 2
    assert len(ledger.failures()) == 2
    ledger.close()


def test_invalid_option_values_are_one_line(tmp_path: Path) -> None:
    res = run("--db", str(tmp_path / "l.db"), "ingest", "--published", "not-a-date", str(tmp_path))
    assert res.returncode != 0
    assert res.stderr.strip().splitlines()[-1].startswith("error: E112 --published")
    res = run("--db", str(tmp_path / "l.db"), "claims", "--status", "maybe")
    assert res.returncode == 2 and "E402" in res.stderr


def test_db_from_environment(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    env = {"CLAIMLEDGER_DB": str(tmp_path / "env.db"), "CLAIMLEDGER_CONFIG": "/nonexistent"}
    res = runner.invoke(app, ["ingest", "--no-analyse", str(tmp_path / "a.txt")], env=env)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "env.db").exists()


def test_unknown_show_id_is_not_found(ledger_url: str) -> None:
    res = run("--db", ledger_url, "show", "a-nope")
    assert res.returncode == 1 and res.stderr.startswith("error: E501 article a-nope")
