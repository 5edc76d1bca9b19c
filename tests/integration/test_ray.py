"""``claimledger batch --engine ray`` against PostgreSQL gives the ledger ``claimledger ingest`` gives.

The sample corpus is ingested twice: in process into SQLite (the reference)
and on a local Ray with two workers into PostgreSQL. The per-article stages
run on two actors, so the comparison covers linking across partitions:
claims, their statuses, and every link with its stance must be the same.
A re-run must add nothing.

Each ``claimledger`` call runs in its own process, as a user runs it (and
because Ray must be loaded before usearch in a process; see ray_stages).
Only the first batch run starts Ray: a re-run finds nothing to analyse.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"
CORPUS = SAMPLE / "corpus"


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "CLAIMLEDGER_CONFIG": "/nonexistent",
        "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
        "RAY_AUTH_MODE": "disabled",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def _cli(db: str, *args: str) -> dict[str, Any]:
    res = subprocess.run(
        [sys.executable, "-m", "claimledger", "--db", db, *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return {"stdout": res.stdout, "stderr": res.stderr}


def _snapshot(url: str) -> dict[str, Any]:
    from sqlalchemy import select

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import ArticleRow, ClaimRow, LinkRow, StatementRow

    ledger = Ledger.open(url)
    try:
        with ledger.session() as s:
            claims = sorted(s.execute(select(ClaimRow.text, ClaimRow.status)).tuples())
            links = sorted(
                s.execute(select(LinkRow.statement_id, LinkRow.claim_id, LinkRow.stance)).tuples()
            )
            return {
                "articles": sorted(s.scalars(select(ArticleRow.id))),
                "unprocessed": s.scalar(
                    select(ArticleRow.id).where(ArticleRow.processed.is_(False)).limit(1)
                ),
                "statements": sorted(s.scalars(select(StatementRow.id))),
                "claims": claims,
                "claim_ids": sorted(s.scalars(select(ClaimRow.id))),
                "links": links,
            }
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample corpus through ``claimledger ingest`` into SQLite."""
    db = tmp_path_factory.mktemp("reference") / "ledger.db"
    _cli(str(db), "ingest", str(CORPUS))
    return _snapshot(f"sqlite:///{db}")


def test_batch_on_ray_into_postgres_matches_ingest(pg: Any, reference: dict[str, Any]) -> None:
    url = pg.create_db("ray_batch")
    sa_url = "postgresql+psycopg://" + url[len("postgresql://") :]

    _cli(url, "batch", str(CORPUS), "--engine", "ray", "--workers", "2")
    got = _snapshot(sa_url)

    assert len(reference["claims"]) >= 5, "the reference run opened too few claims to compare"
    assert got["unprocessed"] is None
    assert got["articles"] == reference["articles"]
    assert got["statements"] == reference["statements"]
    assert set(got["claims"]) == set(reference["claims"])
    assert got["claim_ids"] == reference["claim_ids"]
    assert set(got["links"]) == set(reference["links"])

    # A re-run (same inputs, nothing left to analyse) adds no duplicates.
    again = _cli(url, "batch", str(CORPUS), "--engine", "ray", "--workers", "2")
    assert _snapshot(sa_url) == got
    assert "Started a local Ray" not in again["stderr"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A Ray cluster started apart from claimledger (``ray start --head``), as a team runs one."""
    from tests_stores import free_port  # type: ignore[import-not-found]

    port = free_port()
    ray = str(Path(sys.executable).with_name("ray"))
    temp = tmp_path_factory.mktemp("ray")
    start = [
        ray,
        "start",
        "--head",
        f"--port={port}",
        "--node-ip-address=127.0.0.1",
        "--num-cpus=3",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp}",
    ]
    res = subprocess.run(start, env=_env(), capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray, "stop", "--force"], env=_env(), capture_output=True, timeout=300)


def test_batch_joins_an_existing_cluster(pg: Any, reference: dict[str, Any], cluster: str) -> None:
    url = pg.create_db("ray_cluster")
    sa_url = "postgresql+psycopg://" + url[len("postgresql://") :]

    run = _cli(url, "batch", str(CORPUS), "--engine", "ray", "--address", cluster)
    assert "Started a local Ray" not in run["stderr"]
    got = _snapshot(sa_url)
    assert got["unprocessed"] is None
    assert got["articles"] == reference["articles"]
    assert set(got["claims"]) == set(reference["claims"])
    assert set(got["links"]) == set(reference["links"])
