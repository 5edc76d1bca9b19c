"""The first minutes: ``--help`` in a newcomer's order, and what to try after ``make demo``."""

from __future__ import annotations

import importlib
import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.pipeline.tour import SHOWCASE_STATUSES, environment_settings, shown_db
from tests_paths import ROOT, SAMPLE  # type: ignore[import-not-found]

ENV = {
    "CLAIMLEDGER_CONFIG": "/nonexistent",
    "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
    "COLUMNS": "100",
}
NEWCOMER_ORDER = [
    "init",
    "ingest",
    "claims",
    "explain",
    "articles",
    "show",
    "track",
    "serve",
    "export",
]


def _factories() -> Any:
    """The API tests' small-ledger builder (tests/api is not a package)."""
    folder = str(ROOT / "tests" / "api")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("api_factories")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Any:
    factories = _factories()
    path = tmp_path_factory.mktemp("steps") / "ledger.db"
    return factories.build_small(f"sqlite:///{path}", factories.make_config())


def cli(*args: str, **env: str) -> str:
    res = CliRunner().invoke(app, list(args), env={**ENV, **env})
    assert res.exit_code == 0, res.output
    return res.stdout


def commands(out: str) -> list[list[str]]:
    """The commands printed to try, as argument lists without the program name."""
    found = [shlex.split(line) for line in out.splitlines() if line.startswith("  claimledger ")]
    return [argv[1:] for argv in found]


def test_help_lists_commands_in_a_newcomers_order() -> None:
    out = cli("--help")
    listed = [m.group(1) for m in re.finditer(r"^│ ([a-z][a-z-]*) ", out, re.MULTILINE)]
    assert listed[: len(NEWCOMER_ORDER)] == NEWCOMER_ORDER
    # Every command is still listed once, the later ones included.
    assert {"next-steps", "watch", "recompute", "batch", "eval"} <= set(listed)
    assert len(listed) == len(set(listed))


def test_next_steps_name_a_real_claim_and_every_command_works(small: Any) -> None:
    db = small.url
    out = cli("--db", db, "next-steps", "--port", "8123")
    assert "Dashboard: http://127.0.0.1:8123/" in out
    tried = commands(out)
    assert len(tried) == 3 and all(argv[:2] == ["--db", db] for argv in tried)
    views = json.loads(cli("--db", db, "claims", "--format", "json"))
    explain = tried[0]
    assert explain[2] == "explain"
    claim = next(v for v in views if v["id"] == explain[3])
    # The showcase is of the most telling status the ledger has, then the most reports.
    present = {v["status"] for v in views}
    best = next(s for s in SHOWCASE_STATUSES if s in present)
    assert claim["status"] == best
    assert claim["reports"] == max(v["reports"] for v in views if v["status"] == best)
    assert f"{claim['id']}" in out.split("this claim there: ")[1].splitlines()[0]
    # The three commands run as printed.
    explained = cli(*explain)
    assert explained.startswith(f"Claim {claim['id']}: ") and f"Status: {best} " in explained
    assert tried[1][2:] == ["claims", "--status", best]
    assert claim["id"] in cli(*tried[1])
    assert tried[2][2] == "show"
    [article] = [
        a
        for a in json.loads(cli("--db", db, "articles", "--format", "json"))
        if a["id"] == tried[2][3]
    ]
    assert cli(*tried[2]).startswith(article["title"])


def test_next_steps_on_an_empty_ledger_say_to_ingest(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    cli("--db", db, "init")
    out = cli("--db", db, "next-steps")
    assert "Dashboard: http://127.0.0.1:8000/" in out
    assert [argv[2] for argv in commands(out)] == ["ingest", "claims", "articles"]


def test_another_terminal_is_told_the_venv_and_the_settings_of_this_one(small: Any) -> None:
    out = cli("--db", small.url, "next-steps", PATH="/nonexistent")
    setup = out.split("# first, to see the ledger as this terminal does:\n")[1].split("  #")[0]
    activate = Path(sys.executable).parent / "activate"
    if activate.exists():
        assert setup.startswith("  source ") and "activate\n" in setup
    # The sample cast decides who is independent of whom: the other terminal needs it too.
    actors = ENV["CLAIMLEDGER_EXTRACT__ACTORS_FILE"]
    assert f"  export CLAIMLEDGER_EXTRACT__ACTORS_FILE={actors}\n" in setup
    on_path = cli("--db", small.url, "next-steps", PATH=str(Path(sys.executable).parent))
    assert "  source " not in on_path


def test_environment_settings_repeat_config_not_secrets() -> None:
    environ = {
        "CLAIMLEDGER_TOKEN": "t0ken",
        "CLAIMLEDGER_DB": "x.db",
        "CLAIMLEDGER_CONFIG": "my config.toml",
        "CLAIMLEDGER_STORE__DB": "postgresql://ana:s3cret@db.example/ledger",
        "CLAIMLEDGER_EXTRACT__ACTORS_FILE": "cast.yaml",
        "HOME": "/root",
    }
    lines = environment_settings(environ)
    assert [line.split("=")[0] for line in lines] == [
        "export CLAIMLEDGER_CONFIG",
        "export CLAIMLEDGER_EXTRACT__ACTORS_FILE",
        "export CLAIMLEDGER_STORE__DB",
    ]
    assert lines[0] == "export CLAIMLEDGER_CONFIG='my config.toml'"
    assert "s3cret" not in " ".join(lines) and "t0ken" not in " ".join(lines)


def test_a_url_password_is_not_printed() -> None:
    shown = shown_db("postgresql://ana:s3cret@db.example/ledger")
    assert "s3cret" not in shown and shown.startswith("postgresql://ana:")
    assert shown_db(".demo/ledger.db") == ".demo/ledger.db"


def test_make_demo_prints_next_steps_before_serving() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe = makefile.split("\ndemo: setup\n")[1].split("\n\n")[0].splitlines()
    steps = [line.strip().lstrip("@") for line in recipe]
    order = [
        next(i for i, s in enumerate(steps) if f" {cmd}" in s)
        for cmd in ("ingest", "next-steps", "serve")
    ]
    assert order == sorted(order) and order[-1] == len(steps) - 1
    nxt, serve = steps[order[1]], steps[order[2]]
    assert "--db $(DEMO_DB)" in nxt and "--db $(DEMO_DB)" in serve
    assert "--port $(PORT)" in nxt and "--port $(PORT)" in serve
