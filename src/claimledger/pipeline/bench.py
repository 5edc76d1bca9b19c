"""Store-and-dedup throughput against a bare INSERT loop of the same rows.

Both run in the same process on the same machine, so the ratio cancels most
machine noise. Used by ``claimledger bench`` and ``make bench``.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from claimledger.config import load_config
from claimledger.ingest.sources import Defaults
from claimledger.pipeline.local import ingest
from claimledger.store.ledger import Ledger

_WORDS = (
    "ministry troops border officials said monday exercises forces satellite images show "
    "withdrawal units return base talks minister warned alliance evidence observers reported "
    "convoy region government spokesman statement deadline sanctions agreement ceasefire"
).split()


def synthetic_articles(folder: Path, n: int, *, seed: int = 7) -> list[Path]:
    """Write ``n`` distinct ~300-word text articles into ``folder``."""
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        words = [rng.choice(_WORDS) for _ in range(300)]
        p = folder / f"article_{i:05d}.txt"
        p.write_text(f"Report {i}\n\n" + " ".join(words) + ".\n", encoding="utf-8")
        paths.append(p)
    return paths


def bare_insert(paths: list[Path], db: Path) -> float:
    """Seconds to INSERT the same texts into a plain SQLite table, one commit per row."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT, text TEXT)")
    t0 = time.perf_counter()
    for i, p in enumerate(paths):
        conn.execute("INSERT INTO a VALUES (?, ?, ?)", (i, p.name, p.read_text("utf-8")))
        conn.commit()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def bench_ingest(n: int = 1000) -> dict[str, Any]:
    """Articles/s of ``claimledger ingest --no-analyse`` vs a bare INSERT loop."""
    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        paths = synthetic_articles(folder, n)
        bare = bare_insert(paths, Path(tmp) / "bare.db")
        ledger = Ledger.open(f"sqlite:///{tmp}/ledger.db")
        t0 = time.perf_counter()
        report = ingest(
            [str(folder)],
            ledger=ledger,
            config=config,
            defaults=Defaults(outlet="bench"),
            analyse=False,
        )
        ours = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = ingest([str(folder)], ledger=ledger, config=config, analyse=False)
        rerun = time.perf_counter() - t1
        ledger.close()
    return {
        "articles": n,
        "added": len(report.added),
        "rerun_duplicates": len(again.duplicates),
        "ingest_articles_per_s": round(n / ours, 1),
        "bare_insert_rows_per_s": round(n / bare, 1),
        "ratio_vs_bare_insert": round(bare / ours, 3),
        "rerun_articles_per_s": round(n / rerun, 1),
        "machine": {"cpus": os.cpu_count()},
    }
