"""The seed story through the whole pipeline: the demand for evidence on the party's claim,
and the ledger read at a date.

The stories are those of ``test_claims_about_claims.py`` (written for these tests): Russia
announces a pull-back on 1 March, Kuleba asks to see evidence ("we will see, then we will
believe"), and on 3 March Wallace calls Moscow's claim not true.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_claims_about_claims import LATER, STORY  # the stories only, not the tests
from typer.testing import CliRunner

from claimledger.cli import app

ENV = {"CLAIMLEDGER_CONFIG": "/nonexistent"}
WITHDRAWAL = "Russia is moving troops away from Ukraine's border"


def _cli(db: str, *args: str) -> Any:
    res = CliRunner().invoke(app, ["--db", db, *args], env=ENV)
    assert res.exit_code == 0, res.output
    return res


def _withdrawal(db: str, *extra: str) -> dict[str, Any]:
    views = json.loads(_cli(db, "claims", "--format", "json", *extra).stdout)
    [claim] = [c for c in views if c["text"] == WITHDRAWAL]
    return dict(claim)


@pytest.mark.slow
def test_the_demand_for_evidence_stays_on_the_claim_until_answered(
    tmp_path: Path, embedder: Any
) -> None:
    src = tmp_path / "stories.jsonl"
    src.write_text("".join(json.dumps(s) + "\n" for s in (STORY, LATER)), encoding="utf-8")
    db = str(tmp_path / "ledger.db")
    _cli(db, "ingest", str(src))

    claim = _withdrawal(db)
    # Kyiv asked to see evidence and no independent support came: the reason names the
    # requester and the day of the demand.
    assert "EVIDENCE_REQUESTED(dmytro-kuleba, 2022-03-01)" in claim["reasons"], claim["reasons"]
    assert claim["status"] != "corroborated"
    explain = _cli(db, "explain", claim["id"]).stdout
    assert "EVIDENCE_REQUESTED(dmytro-kuleba, 2022-03-01)" in explain
    assert "demand for evidence" in explain

    # The ledger as it stood: not yet there on 28 February; on 1 March with the demand, and
    # only the evidence published by then (the later article is dated 3 March).
    views = json.loads(_cli(db, "claims", "--format", "json", "--as-of", "2022-02-28").stdout)
    assert views == []
    then = _withdrawal(db, "--as-of", "2022-03-01")
    assert then["evidence"] and all(e["date"] < "2022-03-02" for e in then["evidence"])
    assert "EVIDENCE_REQUESTED(dmytro-kuleba, 2022-03-01)" in then["reasons"]
    explained = _cli(db, "explain", claim["id"], "--as-of", "2022-03-01").stdout
    assert f"Status: {then['status']}" in explained
    assert "2022-03-03" not in explained
