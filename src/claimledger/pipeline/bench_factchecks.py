"""``track --file`` with many fact-checks against the same claims tracked one by one.

Used by ``make bench`` (``benchmarks/run.py``, result ``factchecks``). Each arm runs in a
process of its own, so that its wall time, CPU time and peak memory are its own:

* ``bulk``: ``claimledger track --file`` on ``n`` generated fact-checks (the command's
  own entry point, run after MiniLM is loaded, so that its clock holds the import only;
  the process figures hold the start too);
* ``rerun``: the same command on the same file again (adds nothing);
* ``one_by_one``: a sample of the same claims, each tracked with ``track_claim`` and its
  rating added with ``add_manual_evidence``, one at a time in one warm process: the
  cheapest way to add them without ``--file`` (a ``track`` command per claim would also
  pay a process start and a model load each time).

Per-claim times of both arms are measured in the same run, so their ratio cancels most
of the machine's noise.
The claims are invented (no real people or events): ``generated_factchecks``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

_PLACES = (
    "Tarsk Kasto Drovny Lerin Hollin Rell Brava Ostin Kasel Morva Pellar Sarn Vetra Dunmor "
    "Ilsk Carrow Fenwick Oberlin Halden Maro"
).split()
_ACTORS = (
    "The Varnian Defence Ministry",
    "The Ostrelan Foreign Office",
    "Mayor Ilse Varga",
    "The Kasto Farmers Union",
    "Senator Piet Allard",
    "The Rell River Authority",
    "Governor Mara Olsen",
    "The Tarsk Chamber of Commerce",
    "Deputy Minister Juri Kallas",
    "The Northern Transport Board",
)
_EVENTS = (
    "{n} new bridges were opened in {place}",
    "unemployment in {place} fell by {n} percent",
    "{n} troops were moved to the border near {place}",
    "the {place} reservoir lost {n} percent of its water",
    "bread prices in {place} rose by {n} percent",
    "{n} schools in {place} were closed for repairs",
    "the {place} power plant produced {n} megawatts",
    "{n} families left {place} last winter",
    "the road from {place} to the coast was rebuilt in {n} days",
    "{n} tonnes of grain were shipped from {place}",
)
_VERBS = ("said", "claimed", "announced", "stated", "insisted")
_RATINGS = (
    ("False", 1),
    ("Mostly false", 2),
    ("Half true", 3),
    ("Mostly true", 4),
    ("True", 5),
    ("Pants on Fire", 1),
    ("Misleading", 2),
    ("Unproven", 3),
)
_CHECKERS = ("Lakeside Checks", "Orbis Fact Desk", "Cardon Verify", "North Facts")


def generated_factchecks(n: int, *, seed: int = 11) -> list[dict[str, Any]]:
    """``n`` distinct invented fact-checks as flat JSON-lines records."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    while len(out) < n:
        event = rng.choice(_EVENTS).format(n=rng.randint(2, 9999), place=rng.choice(_PLACES))
        claim = f"{event[0].upper()}{event[1:]}."
        actor = rng.choice(_ACTORS)
        if (claim, actor) in seen:
            continue
        seen.add((claim, actor))
        made = start + timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 23))
        rating, value = rng.choice(_RATINGS)
        i = len(out)
        out.append(
            {
                "claim": claim,
                "claimant": actor,
                "claim_date": made.isoformat(),
                "factchecker": rng.choice(_CHECKERS),
                "review_date": (made + timedelta(days=rng.randint(1, 20))).isoformat(),
                "rating": rating,
                "rating_value": value,
                "best_rating": 5,
                "worst_rating": 1,
                "url": f"https://factchecks.example/{i:06d}",
            }
        )
    return out


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }


def _run(args: list[str]) -> dict[str, Any]:
    """Run a child process; its wall time, CPU time and peak RSS (its own, by wait4)."""
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out_f, stderr=err_f, env=_env(), text=True)
        # wait4 gives this child's own resource use (RUSAGE_CHILDREN: the max of all children).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{args[2:5]} failed ({proc.returncode}): {err.strip()[-400:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "stdout": out,
    }


def _counts(db: Path) -> dict[str, int]:
    from claimledger.store.ledger import Ledger

    ledger = Ledger.open(f"sqlite:///{db}")
    try:
        return {"claims": ledger.count("claims"), "manual_evidence": _rows(ledger)}
    finally:
        ledger.close()


def _rows(ledger: Any) -> int:
    from sqlalchemy import func, select

    from claimledger.store.models import ManualEvidenceRow

    with ledger.session() as s:
        return int(s.scalar(select(func.count()).select_from(ManualEvidenceRow)) or 0)


def _child(mode: str, path: Path, db: Path, out: Path) -> dict[str, Any]:
    """Run one arm in a process of its own; its timings (``out``) with its process figures."""
    proc = _run(
        [
            sys.executable,
            "-m",
            "claimledger.pipeline.bench_factchecks",
            mode,
            "--file",
            str(path),
            "--db",
            str(db),
            "--out",
            str(out),
        ]
    )
    proc.pop("stdout", None)
    timed: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return {"process": proc, **timed}


def bench_track_file(n: int = 10_000, sample: int = 200) -> dict[str, Any]:
    """Time and peak memory of ``track --file`` on ``n`` fact-checks vs one by one."""
    records = generated_factchecks(n)
    with tempfile.TemporaryDirectory(dir=os.environ.get("CLAIMLEDGER_BENCH_TMP")) as tmp:
        folder = Path(tmp)
        path = folder / "factchecks.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        bulk = _child("track-file", path, folder / "bulk.db", folder / "bulk.json")
        stored = _counts(folder / "bulk.db")
        rerun = _child("track-file", path, folder / "bulk.db", folder / "rerun.json")
        again = _counts(folder / "bulk.db")
        chosen = records[:: max(1, n // sample)][:sample]
        picked = folder / "sample.jsonl"
        picked.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
        single = _child("one-by-one", picked, folder / "single.db", folder / "single.json")
    per_bulk, per_bulk_cpu = bulk["wall_s"] / n, bulk["cpu_s"] / n
    per_single, per_single_cpu = single["wall_s"] / len(chosen), single["cpu_s"] / len(chosen)
    return {
        "claims": n,
        "stored": stored,
        "rerun_added": {k: again[k] - stored[k] for k in stored},
        "bulk": {
            **bulk,
            "claims_per_s": round(n / bulk["wall_s"], 1),
            "ms_per_claim": round(1000 * per_bulk, 2),
            "cpu_ms_per_claim": round(1000 * per_bulk_cpu, 2),
            "peak_rss_mb": bulk["process"]["peak_rss_mb"],
        },
        "rerun": rerun,
        "one_by_one": {
            **single,
            "claims": len(chosen),
            "ms_per_claim": round(1000 * per_single, 2),
            "cpu_ms_per_claim": round(1000 * per_single_cpu, 2),
            "peak_rss_mb": single["process"]["peak_rss_mb"],
        },
        "ratio_one_by_one_vs_bulk_per_claim": round(per_single / per_bulk, 1),
        "ratio_one_by_one_vs_bulk_per_claim_cpu": round(per_single_cpu / per_bulk_cpu, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        },
    }


def _warm() -> Any:
    """Load what every arm needs before its clock starts: configuration and MiniLM."""
    from claimledger.config import load_config
    from claimledger.link.embeddings import get_embedder

    get_embedder().encode(["warm up"])
    return load_config()


def _clock() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall_s": round(wall - start[0], 3), "cpu_s": round(cpu - start[1], 3)}


def track_file(path: Path, db: Path) -> dict[str, float]:
    """``claimledger --db DB track --file PATH`` in this process, MiniLM loaded first;
    wall and CPU seconds of the command."""
    from claimledger.cli import main as cli_main

    _warm()
    start = _clock()
    try:
        cli_main(["--db", str(db), "track", "--file", str(path)])
    except SystemExit as exc:  # the command line ends by exiting
        if exc.code not in (0, None):
            raise RuntimeError(f"track --file exited with {exc.code}") from exc
    return _since(start)


def one_by_one(path: Path, db: Path) -> dict[str, float]:
    """Track each fact-check of ``path`` alone (``track_claim`` + ``add_manual_evidence``),
    MiniLM loaded first; wall and CPU seconds of the loop."""
    from claimledger.ingest.factchecks import FactCheck, read_factchecks
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.manual_evidence import add_manual_evidence
    from claimledger.pipeline.process import track_claim
    from claimledger.store.ledger import Ledger

    config = _warm()
    ledger = Ledger.open(f"sqlite:///{db}")
    rows = [fc for fc in read_factchecks(path) if isinstance(fc, FactCheck)]
    ledger_actors(ledger, config)
    start = _clock()
    for fc in rows:
        claim = track_claim(
            fc.text, claimant=fc.claimant, when=fc.claim_date, ledger=ledger, config=config
        )
        add_manual_evidence(
            claim.id,
            kind="factcheck",
            source=fc.factchecker or "unknown",
            date=fc.review_date or fc.claim_date or datetime.now(UTC),
            url=fc.url,
            rating=fc.rating,
            rating_value=fc.rating_value,
            best_rating=fc.best_rating,
            worst_rating=fc.worst_rating,
            ledger=ledger,
            config=config,
        )
    timed = _since(start)
    ledger.close()
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("track-file", "one-by-one", "all"))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, help="where an arm writes its timings (JSON)")
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args(argv)
    if args.mode == "all":
        sys.stdout.write(json.dumps(bench_track_file(args.n, args.sample), indent=2) + "\n")
        return 0
    arm = track_file if args.mode == "track-file" else one_by_one
    args.out.write_text(json.dumps(arm(args.file, args.db)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
