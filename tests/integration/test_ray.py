"""``claimledger batch --engine ray`` gives the ledger ``claimledger ingest`` gives.

The same inputs go into two fresh ledgers: in process (``ingest``, into SQLite:
the reference) and on a local Ray with two workers (``batch --engine ray``, on
the store under test). Both ledgers first hold one earlier article, ingested in
process, whose speaker became an actor with the affiliation its title revealed;
the later articles name that speaker without a title. The Ray workers must
resolve speakers against the same table as the in-process run (built-in, the
user's actors file and the actors stored in the ledger), and the driver must
not let a worker's copy of an actor overwrite the stored one. The ledgers are
compared whole (``ledger_dump``): articles, statements and their actors,
claims with claimants, statuses and reasons, links with role and stance,
status histories and actors. A re-run must add nothing.

Each ``claimledger`` call runs in its own process, as a user runs it (and
because Ray must be loaded before usearch in a process; see ray_stages).
Only the first batch run starts Ray: a re-run finds nothing to analyse.
"""

from __future__ import annotations

import json
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

# Invented articles in the sample scenario's world (see data/sample/SCENARIO.md).
# The earlier one titles a speaker the actors file does not know ("Varnian Deputy
# Defence Minister Petra Lind"): she becomes an actor affiliated with Varnia. The
# later ones name her bare ("Petra Lind said"): only a table that holds the stored
# actor knows her side, which decides whether the ministry's claim has an
# independent confirmation. "Karel Dunn" is met titled and bare within one run.
EARLIER = [
    {
        "url": "https://www.cardonobserver.example/2025/03/03/kasto-bridge-closed",
        "title": "Kasto bridge closed to traffic",
        "text": "KASTO, 3 March — Varnian Deputy Defence Minister Petra Lind said on Monday"
        " that the road bridge over the Rell River at Kasto had been closed to all civilian"
        " traffic until further notice.\n\nResidents of the town said queues of lorries had"
        " formed on both banks since the early morning.",
        "published": "2025-03-03T10:00:00+01:00",
        "outlet": "Cardon Observer",
    }
]
LATER = [
    {
        "url": "https://www.lakesidegazette.example/2025/03/05/second-pontoon",
        "title": "Varnia says second pontoon bridge finished",
        "text": "Petra Lind said on Wednesday that Varnian army engineers had finished building"
        " a second pontoon bridge across the Rell River north of Kasto.\n\nThe bridge would"
        " be used only to bring supplies to the villages cut off by the spring floods, Lind"
        " said.",
        "published": "2025-03-05T12:00:00+01:00",
        "outlet": "Lakeside Gazette",
    },
    {
        "url": "https://www.meridianpress.example/2025/03/06/pontoon-bridge-kasto",
        "title": "Second pontoon bridge spans the Rell",
        "text": "The Varnian Defence Ministry said on Thursday that army engineers had finished"
        " building a second pontoon bridge across the Rell River north of Kasto.\n\nPetra"
        " Lind told reporters that the bridge would be taken down once the floods receded."
        "\n\nThe Joint Border Monitoring Mission said its patrols had seen a second pontoon"
        " bridge across the Rell River north of Kasto on Thursday morning.",
        "published": "2025-03-06T09:30:00+01:00",
        "outlet": "Meridian Press",
    },
    {
        "url": "https://www.cardonobserver.example/2025/02/27/border-crossing-shut",
        "title": "Ostrela shuts the Lerin crossing",
        "text": "Ostrelan Border Guard spokesman Karel Dunn said on Thursday that the Lerin"
        " crossing would stay shut to freight for at least two weeks.",
        "published": "2025-02-27T08:00:00+01:00",
        "outlet": "Cardon Observer",
    },
    {
        "url": "https://www.lakesidegazette.example/2025/03/20/lerin-reopens",
        "title": "Lerin crossing to reopen",
        "text": "Karel Dunn said on Thursday that the Lerin crossing would reopen to freight"
        " on Monday after the inspection of the new scanners.",
        "published": "2025-03-20T16:00:00+01:00",
        "outlet": "Lakeside Gazette",
    },
]


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


def ledger_dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The ledger at ``url`` as a canonical structure: sorted rows of what it decided.

    Ids are content hashes, so two runs over the same inputs must give the same
    rows. Left out: wall-clock times (runs, ``recorded_at``) and integer keys.
    Model scores are rounded to 4 places (floats written by two processes).
    """
    from sqlalchemy import select

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import (
        ActorRow,
        ArticleRow,
        ClaimRow,
        LinkRow,
        StatementRow,
        StatusEventRow,
    )

    def score(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    ledger = Ledger.open(url)
    try:
        with ledger.session() as s:
            dump = {
                "articles": [(r.id, r.processed) for r in s.scalars(select(ArticleRow))],
                "statements": [
                    (r.id, r.content_text, r.speaker, r.actor_id, r.attributed)
                    for r in s.scalars(select(StatementRow))
                ],
                "claims": [
                    (
                        r.id,
                        r.text,
                        r.claimant_name,
                        r.claimant_actor_id,
                        r.first_statement_id,
                        str(r.resolution_date),
                        r.status,
                        tuple(r.reasons),
                        r.dirty,
                    )
                    for r in s.scalars(select(ClaimRow))
                ],
                "links": [
                    (r.claim_id, r.statement_id, r.role, r.stance, score(r.confidence))
                    for r in s.scalars(select(LinkRow))
                ],
                "history": [
                    (r.claim_id, r.seq, r.at.isoformat(), r.old, r.new, tuple(r.reasons))
                    + (tuple(r.evidence_ids),)
                    for r in s.scalars(select(StatusEventRow))
                ],
                "actors": [
                    (r.id, r.name, r.type, json.dumps(r.affiliations, sort_keys=True))
                    for r in s.scalars(select(ActorRow))
                ],
            }
    finally:
        ledger.close()
    return {k: sorted(rows, key=repr) for k, rows in dump.items()}


def _jsonl(folder: Path, articles: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("inputs")
    return {
        "earlier": str(_jsonl(root / "earlier", EARLIER)),
        "later": str(_jsonl(root / "later", LATER)),
    }


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, str]
) -> dict[str, list[tuple[Any, ...]]]:
    """The earlier article, then the sample corpus and the later ones, through ``ingest``."""
    db = tmp_path_factory.mktemp("reference") / "ledger.db"
    _cli(str(db), "ingest", inputs["earlier"])
    _cli(str(db), "ingest", str(CORPUS), inputs["later"])
    return ledger_dump(f"sqlite:///{db}")


def _actor(dump: dict[str, list[tuple[Any, ...]]], name: str) -> tuple[Any, ...]:
    [row] = [a for a in dump["actors"] if a[1] == name]
    return row


def test_batch_on_ray_gives_the_ledger_of_ingest(
    stores: Any, inputs: dict[str, str], reference: dict[str, list[tuple[Any, ...]]]
) -> None:
    # The reference is worth comparing: enough claims, and the stored actor kept her side.
    assert len(reference["claims"]) >= 5, "the reference run opened too few claims to compare"
    lind = _actor(reference, "Petra Lind")
    assert '"parent": "varnia"' in lind[3]
    assert any(st[3] == lind[0] for st in reference["statements"] if st[2] == "Petra Lind")
    assert '"parent": "ostrela/border-guard"' in _actor(reference, "Karel Dunn")[3]

    url = stores.new()
    _cli(url, "ingest", inputs["earlier"])
    _cli(url, "batch", str(CORPUS), inputs["later"], "--engine", "ray", "--workers", "2")
    got = ledger_dump(url)

    assert all(processed for _, processed in got["articles"])
    for part in reference:
        assert got[part] == reference[part], part

    # A re-run (same inputs, nothing left to analyse) adds nothing and starts no Ray.
    again = _cli(url, "batch", str(CORPUS), inputs["later"], "--engine", "ray", "--workers", "2")
    assert ledger_dump(url) == got
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


def test_batch_joins_an_existing_cluster(
    pg: Any, inputs: dict[str, str], reference: dict[str, list[tuple[Any, ...]]], cluster: str
) -> None:
    url = pg.create_db("ray_cluster")
    sa_url = "postgresql+psycopg://" + url[len("postgresql://") :]

    _cli(url, "ingest", inputs["earlier"])
    run = _cli(url, "batch", str(CORPUS), inputs["later"], "--engine", "ray", "--address", cluster)
    assert "Started a local Ray" not in run["stderr"]
    assert ledger_dump(sa_url) == reference
