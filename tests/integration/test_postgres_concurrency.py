"""Several writer processes ingesting overlapping inputs into one PostgreSQL database at once.

Teams share one server database, and a batch run may overlap a feed watcher or
another batch. Whatever the interleaving, the store must end as if the inputs
had been ingested one after the other: every article once, every outlet once,
origin sizes that add up, LSH bands for every article, and no writer failing
with a unique-key violation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claimledger.pipeline.bench import synthetic_articles

pytestmark = pytest.mark.integration

WRITERS = 4
ARTICLES = 60
OUTLETS = ("Desk A", "Desk B", "Desk C")


def _inputs(root: Path) -> tuple[list[Path], int]:
    """One folder per writer; each shares two thirds of its articles with the others.

    Files of one outlet go to the same sub-folder name everywhere, so that the
    same text always gets the same outlet (and the same article id).
    """
    pool = root / "pool"
    pool.mkdir()
    paths = synthetic_articles(pool, ARTICLES)
    # Syndicated copies (near-duplicates) so that writers race on origins too.
    for i in range(0, ARTICLES, 6):
        (pool / f"copy_{i:03d}.txt").write_text(
            paths[i].read_text("utf-8") + " Also published.", encoding="utf-8"
        )
    files = sorted(pool.iterdir())
    folders = []
    for w in range(WRITERS):
        folder = root / f"writer{w}"
        # Writer w takes a window of the files starting at a different offset, in rotated order.
        share = [
            files[(w * len(files) // (WRITERS + 2) + k) % len(files)]
            for k in range(2 * len(files) // 3)
        ]
        for f in share:
            outlet = OUTLETS[files.index(f) % len(OUTLETS)]
            dest = folder / outlet.replace(" ", "_") / f.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
        folders.append(folder)
    distinct = len({p.name for fo in folders for p in fo.rglob("*.txt")})
    return folders, distinct


def _writer(url: str, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CLAIMLEDGER_CONFIG": "/nonexistent"}
    args = [
        sys.executable,
        "-m",
        "claimledger",
        "--db",
        url,
        "ingest",
        "--no-analyse",
        "--published",
        "2022-02-15",
    ]
    # One ingest call per outlet folder, chained, so that every writer is busy for the whole race.
    cmds = [
        " ".join([*args, "--outlet", f"'{sub.name.replace('_', ' ')}'", str(sub)])
        for sub in sorted(folder.iterdir())
    ]
    return subprocess.Popen(
        ["bash", "-c", " && ".join(cmds)],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return list(conn.execute(sql).fetchall())


def test_concurrent_writers_leave_no_duplicates_and_no_errors(pg: Any, tmp_path: Path) -> None:
    from claimledger.store.ledger import Ledger

    url = pg.create_db("concurrent_writers")
    Ledger.open("postgresql+psycopg://" + url[len("postgresql://") :]).close()  # migrate once
    folders, distinct = _inputs(tmp_path)

    procs = [_writer(url, folder) for folder in folders]
    outcomes = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]

    failed = [err.strip().splitlines()[-1] for code, err in outcomes if code != 0]
    assert not failed, f"{len(failed)} of {WRITERS} writers failed: {failed}"
    assert _rows(url, "SELECT count(*) FROM ingest_failures") == [(0,)]
    # Every distinct text once (content-hash ids), whatever the interleaving.
    assert _rows(url, "SELECT count(*) FROM articles") == [(distinct,)]
    assert _rows(url, "SELECT count(*), count(DISTINCT lower(name)) FROM outlets") == [
        (len(OUTLETS), len(OUTLETS))
    ]
    # Origin sizes count every stored article exactly once (no lost updates).
    [(sizes, origins_used)] = _rows(url, "SELECT sum(size), count(*) FROM origins")
    assert sizes == distinct
    assert _rows(url, "SELECT count(DISTINCT origin_id) FROM articles") == [(origins_used,)]
    assert _rows(
        url,
        "SELECT count(*) FROM origins o WHERE size <> (SELECT count(*) FROM articles a WHERE a.origin_id = o.id)",
    ) == [(0,)]
    # Every article has its full set of LSH bands.
    [(bands,)] = _rows(url, "SELECT count(DISTINCT band) FROM lsh_bands")
    assert _rows(url, "SELECT count(*) FROM lsh_bands") == [(distinct * bands,)]


SAMPLE = Path(__file__).resolve().parents[2] / "src" / "claimledger" / "data" / "sample"


def _claims_and_links(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    claims = _rows(url, "SELECT text FROM claims ORDER BY text")
    links = _rows(url, "SELECT statement_id, claim_id FROM links ORDER BY 1, 2")
    return claims, links


@pytest.mark.slow
def test_concurrent_analysing_writers_give_the_ledger_of_one_writer(
    pg: Any, tmp_path: Path
) -> None:
    """Writers that also analyse (extract, link, verdicts) race on claims, not only on articles.

    Each writer links against its own in-memory claim index; without serialising
    linking (and refreshing the index from the store) two writers open the same
    claim twice, or collide on a statement or a claim key.
    """
    from claimledger.store.ledger import Ledger

    lines = [
        ln
        for ln in (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        if ln.strip()
    ]
    # Three overlapping thirds-and-a-half of the JSON Lines corpus, in different orders.
    n = len(lines)
    parts = [lines[: 2 * n // 3], lines[n // 3 :], lines[: n // 3][::-1] + lines[2 * n // 3 :]]
    files = []
    for i, part in enumerate(parts):
        files.append(tmp_path / f"part{i}.jsonl")
        files[-1].write_text("\n".join(part) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "CLAIMLEDGER_CONFIG": "/nonexistent",
        "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
    }

    def ingest(url: str, *paths: Path) -> subprocess.Popen[str]:
        args = [sys.executable, "-m", "claimledger", "--db", url, "ingest", *map(str, paths)]
        return subprocess.Popen(
            args, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    reference = pg.create_db("analysing_reference")
    one = ingest(reference, *files)
    assert one.wait(timeout=900) == 0, one.stderr.read() if one.stderr else ""

    shared = pg.create_db("analysing_shared")
    Ledger.open("postgresql+psycopg://" + shared[len("postgresql://") :]).close()
    procs = [ingest(shared, f) for f in files]
    outcomes = [(p.wait(timeout=900), p.stderr.read() if p.stderr else "") for p in procs]
    failed = [err.strip().splitlines()[-1] for code, err in outcomes if code != 0]
    assert not failed, f"{len(failed)} of {len(procs)} writers failed: {failed}"

    assert _rows(shared, "SELECT count(*) FROM articles WHERE NOT processed") == [(0,)]
    assert _rows(shared, "SELECT count(*) FROM statements") == _rows(
        reference, "SELECT count(*) FROM statements"
    )
    ref_claims, ref_links = _claims_and_links(reference)
    got_claims, got_links = _claims_and_links(shared)
    assert len(got_claims) == len(ref_claims), (
        "concurrent writers opened a different number of claims"
    )
    assert got_claims == ref_claims
    assert len(got_links) == len(ref_links)
