"""Docs that cannot drift: every command, config key and error code is documented."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.errors import Code

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


def test_every_command_has_help_and_a_docs_entry() -> None:
    text = (DOCS / "cli.md").read_text("utf-8")
    runner = CliRunner()
    for name in _commands():
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        assert len(result.output.strip().splitlines()) > 3, name
        head = name.split()[0]
        assert f"`{head}" in text, f"{name} missing from docs/cli.md"


def test_every_config_key_is_documented() -> None:
    text = (DOCS / "config.md").read_text("utf-8")
    defaults = tomllib.loads(
        resources.files("claimledger.config").joinpath("defaults.toml").read_text("utf-8")
    )
    for section, values in defaults.items():
        for key in values:
            assert f"`{section}.{key}`" in text, f"{section}.{key} missing from docs/config.md"


def test_every_error_code_is_documented() -> None:
    text = (DOCS / "errors.md").read_text("utf-8")
    documented = set(re.findall(r"^\| (E\d{3}) \|", text, re.MULTILINE))
    assert documented == {c.name for c in Code}
