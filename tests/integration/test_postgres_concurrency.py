"""Several writer processes ingesting overlapping inputs into one store at once, on SQLite and
on PostgreSQL.

Teams share one server database, a batch run may overlap a feed watcher or
another batch, and on one machine ``claimledger ingest a/ & claimledger ingest b/``
share one SQLite file. Whatever the interleaving, the store must end as if the
inputs had been ingested one after the other: every article once, every outlet
once, origin sizes that add up, LSH bands for every article, the claims of one
writer, and no writer failing (a unique-key violation, a locked database, two
writers creating the tables of a new store).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claimledger.pipeline.bench import synthetic_articles
from tests_stores import Stores  # type: ignore[import-not-found]

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
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    finally:
        engine.dispose()


def test_concurrent_writers_leave_no_duplicates_and_no_errors(
    stores: Stores, tmp_path: Path
) -> None:
    # A new store: the writers also race to create its tables.
    url = stores.new()
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
    links = _rows(url, "SELECT statement_id, claim_id, role FROM links ORDER BY 1, 2")
    return claims, links


@pytest.mark.slow
def test_concurrent_analysing_writers_give_the_ledger_of_one_writer(
    stores: Stores, tmp_path: Path
) -> None:
    """Writers that also analyse (extract, link, verdicts) race on claims, not only on articles.

    Each writer links against its own in-memory claim index; without serialising
    linking (and refreshing the index from the store) two writers open the same
    claim twice, or collide on a statement or a claim key.
    """
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

    reference = stores.new()
    one = ingest(reference, *files)
    assert one.wait(timeout=900) == 0, one.stderr.read() if one.stderr else ""

    shared = stores.new()
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
    assert set(got_links) ^ set(ref_links) == set(), set(got_links) ^ set(ref_links)
    assert len(got_links) == len(ref_links)
    # Histories written by whichever writer recomputed last still match the evidence.
    statuses = "SELECT text, status, dirty FROM claims ORDER BY text, status"
    assert _rows(shared, statuses) == _rows(reference, statuses)


@pytest.mark.slow
def test_two_folder_ingests_and_a_track_end_with_the_union(stores: Stores, tmp_path: Path) -> None:
    """Issue 15: ``ingest a/ & ingest b/`` (and a hand-tracked claim) on one new store.

    It used to end with ``UNIQUE constraint failed: statements.id`` in one writer
    (both analysed the article the other had stored) and E402 in the other.
    """
    rows = [
        json.loads(line)
        for line in (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    rows.sort(key=lambda r: (r["published"], r["url"]))
    folders = [tmp_path / "a", tmp_path / "b"]
    for i, row in enumerate(rows[:6]):
        folder = folders[i % 2]
        folder.mkdir(exist_ok=True)
        # Plain text without a date: dated by the file's modification time.
        (folder / f"story{i}.txt").write_text(f"{row['title']}\n\n{row['text']}\n", "utf-8")
    env = {
        **os.environ,
        "CLAIMLEDGER_CONFIG": "/nonexistent",
        "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
    }
    url = stores.new()
    tracked = "Varnian troops are pulling back from the border with Ostrela"
    commands = [
        ["ingest", str(folders[0])],
        ["ingest", str(folders[1])],
        ["track", tracked, "--claimant", "Varnia"],
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "claimledger", "--db", url, *args],
            env=env,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for args in commands
    ]
    outcomes = [(p.wait(timeout=900), p.stderr.read() if p.stderr else "") for p in procs]
    failed = [err.strip().splitlines()[-1:] for code, err in outcomes if code != 0]
    assert not failed, f"{len(failed)} of {len(procs)} writers failed: {failed}"
    assert _rows(
        url, "SELECT count(*), sum(CASE WHEN processed THEN 1 ELSE 0 END) FROM articles"
    ) == [(6, 6)]
    assert _rows(url, "SELECT count(*) FROM ingest_failures") == [(0,)]
    assert _rows(url, "SELECT count(*) FROM claims WHERE tracked") == [(1,)]
    assert _rows(url, "SELECT count(*) FROM claims WHERE dirty") == [(0,)]
    # Claim keys drawn by three writers stay distinct, and every statement is stored once.
    assert _rows(url, "SELECT count(*) - count(DISTINCT key) FROM claims") == [(0,)]
    [(claims,)] = _rows(url, "SELECT count(*) FROM claims WHERE NOT tracked")
    assert claims > 0
