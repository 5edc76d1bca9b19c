"""One story written for a test, ingested through the CLI into a fresh SQLite ledger."""

import json
from pathlib import Path

from typer.testing import CliRunner

from claimledger.cli import app


def ingest_story(
    tmp_path: Path,
    text: str,
    *,
    title: str,
    published: str,
    rules_off: str | None = None,
) -> tuple[Path, dict[str, str]]:
    """Ingest one story (a JSONL line) into ``tmp_path/ledger.db``; returns the database and
    the environment the CLI ran with. ``rules_off`` is a TOML list of rule ids to switch off;
    without it no config file is read."""
    story = {"url": "https://example.org/story", "title": title, "published": published}
    src = tmp_path / "story.jsonl"
    src.write_text(json.dumps({**story, "text": text}) + "\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    if rules_off is not None:
        config.write_text(f"[claims]\nrules_off = {rules_off}\n", encoding="utf-8")
    env = {"CLAIMLEDGER_CONFIG": str(config)}
    db = tmp_path / "ledger.db"
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(src)], env=env)
    assert res.exit_code == 0, res.output
    return db, env
