"""SIGKILL at several points of a full ingest (storing, linking, verdict recomputation), then resume.

One store is killed again and again, each time at a different point chosen at
random (seeded) among the transactions of a phase, and each time the partial
store must be consistent. The final resumed store must equal the store of one
uninterrupted run: the same articles, statements, claims, links, statuses and
status histories, nothing lost and nothing duplicated; one more run changes
nothing.

Kill points are hit deterministically by the harness in ``killer.py`` (the
process kills itself at the k-th transaction writing a table, either just
after its commit or with the transaction in flight); one more kill lands at a
random wall-clock moment from outside.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from rel_helpers import (
    consistency_problems,
    counts,
    freeze_source,
    popen_cli,
    run_cli,
    sqlite_snapshot,
    write_subset,
)

N_ARTICLES = 10
SEED = int(os.environ.get("CLAIMLEDGER_KILL_SEED", "20250305"))


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    subset = write_subset(tmp_path, N_ARTICLES)
    args = ("ingest", str(subset))
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    code = freeze_source(tmp_path)

    done = run_cli(str(clean_db), *args, pythonpath=code)
    assert done.returncode == 0, done.stderr[-2000:]
    clean = sqlite_snapshot(clean_db)
    c = counts(clean_db)
    assert c["articles"] == N_ARTICLES and c["claims"] >= 2 and c["status_events"] >= 2, c
    claims_with_history = len({row[1] for row in clean["status_events"]})

    rng = random.Random(SEED)
    # (table, k, when): the k-th transaction of this run that writes the table.
    plan = [
        ("articles", rng.randint(2, N_ARTICLES // 2), "commit"),  # while storing
        ("articles", rng.randint(1, 3), "flush"),  # an article insert in flight
        ("statements", rng.randint(1, 3), "commit"),  # linking: after an article committed
        ("links", rng.randint(1, 2), "flush"),  # linking, in flight
        ("status_events", rng.randint(1, max(1, claims_with_history - 1)), "commit"),  # recompute
        ("status_events", 1, "flush"),  # recompute, history write in flight
    ]
    survived: list[str] = []

    # First, one kill from outside at a random moment, on a store of its own so
    # that how far it got does not decide which planned kill points remain.
    random_db = tmp_path / "random.db"
    proc = popen_cli(str(random_db), *args, pythonpath=code)
    time.sleep(rng.uniform(1.5, 6.0))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if random_db.exists():
        assert consistency_problems(random_db) == []
    survived.append(
        f"random wall-clock kill ({counts(random_db) or 'before the store was created'})"
    )
    resumed = run_cli(str(random_db), *args, pythonpath=code)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert sqlite_snapshot(random_db) == clean

    for table, k, when in plan:
        before = counts(killed_db)
        got = run_cli(str(killed_db), *args, kill=f"{table}:{k}:{when}", pythonpath=code)
        after = counts(killed_db)
        if got.returncode == 0:
            # The phase had fewer than k transactions left in this run: not a kill point.
            continue
        assert got.returncode == -signal.SIGKILL, (
            table,
            k,
            when,
            got.returncode,
            got.stderr[-1500:],
        )
        assert consistency_problems(killed_db) == [], (table, k, when)
        # Never fewer committed rows than before the crash.
        for name, value in before.items():
            if name not in ("dirty",):
                assert after.get(name, 0) >= value, (name, before, after)
        survived.append(f"{table}:{k}:{when} ({before} -> {after})")

    assert len(survived) >= 6, survived

    final = run_cli(str(killed_db), *args, pythonpath=code)
    assert final.returncode == 0, final.stderr[-2000:]
    assert consistency_problems(killed_db) == []
    assert sqlite_snapshot(killed_db) == clean
    # One more run adds nothing and changes no status.
    again = run_cli(str(killed_db), *args, pythonpath=code)
    assert again.returncode == 0, again.stderr[-2000:]
    assert sqlite_snapshot(killed_db) == clean
    print("kill points survived:", *survived, sep="\n  ")
