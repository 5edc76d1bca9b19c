"""Layered configuration: defaults < user file < environment < flags, validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimledger.config import load_config, resolve_db_url
from claimledger.errors import ConfigError


def test_layers_in_order(tmp_path: Path) -> None:
    user = tmp_path / "c.toml"
    user.write_text("[link]\nk = 20\nthreshold = 0.7\n[dedup]\nbands = 16\n", encoding="utf-8")
    cfg = load_config(
        environ={"CLAIMLEDGER_LINK__K": "30"}, user_file=user, overrides={"dedup": {"bands": 8}}
    )
    assert cfg.link.threshold == 0.7  # user file
    assert cfg.link.k == 30  # environment beats the file
    assert cfg.dedup.bands == 8  # flags beat everything
    assert cfg.ingest.max_redirects == 5  # packaged default


def test_db_from_environment(tmp_path: Path) -> None:
    cfg = load_config(
        environ={"CLAIMLEDGER_DB": str(tmp_path / "x.db")}, user_file=tmp_path / "none.toml"
    )
    assert resolve_db_url(None, cfg) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_db_url("postgresql://u@h/d", cfg) == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize(
    ("env", "where"),
    [
        ({"CLAIMLEDGER_LINK__K": "0"}, "link.k"),
        ({"CLAIMLEDGER_DEDUP__THRESHOLD": "2"}, "dedup.threshold"),
        ({"CLAIMLEDGER_NOPE__X": "1"}, "nope"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, env: dict[str, str], where: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(environ=env, user_file=tmp_path / "none.toml")
    assert err.value.code.name == "E401" and where in str(err.value)


def test_unreadable_user_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[link\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(environ={}, user_file=bad)
    assert str(bad) in str(err.value)
