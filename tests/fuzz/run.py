"""Coverage-guided fuzzing of every parser of outside data with atheris (``make fuzz``).

Usage::

    python tests/fuzz/run.py --seconds 60 [--targets jsonl,feed] [--out benchmarks/results/fuzz.json]

Each target of ``fuzz_targets.TARGETS`` runs in its own child process under
libFuzzer for ``--seconds`` (wall clock). A crash (an exception other than a
catalogue error, or a broken invariant) is recorded with its signature and
input, and the target is restarted for the rest of its time with the corpus it
has built, so one known bug does not end the campaign. The summary (inputs
tried, crashes found, unique signatures) is written as JSON.

Every crash found becomes a regression test in ``test_fuzz_regressions.py``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

# Modules instrumented for coverage per target (the project's own code and the
# pure-Python parsers it relies on; C extensions are not instrumented).
INSTRUMENT: dict[str, list[str]] = {
    "jsonl": ["claimledger.ingest.sources", "claimledger.ingest.dedup"],
    "warc": ["claimledger.ingest.sources", "warcio"],
    "feed": ["claimledger.ingest.sources", "feedparser"],
    "html": ["claimledger.ingest.sources", "trafilatura", "htmldate"],
    "date": ["claimledger.ingest.sources", "dateutil"],
    "file": ["claimledger.ingest.sources"],
    "dedup": ["claimledger.ingest.dedup"],
    "check_url": ["claimledger.ingest.fetch"],
    "fetch": ["claimledger.ingest.fetch"],
    "brat": ["claimledger.eval.brat"],
    "csv": ["claimledger.extract.train_checkworthy", "claimledger.stance.data"],
    "stance_jsonl": ["claimledger.eval.stance"],
    "timex": ["claimledger.extract.timex"],
    "actors": ["claimledger.extract.actors"],
    "extract": ["claimledger.extract.attribution", "claimledger.extract.features"],
}
_DONE = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_DONE_RUNS = re.compile(r"Done (\d+) runs in")


def _signature(exc: BaseException) -> str:
    """Exception type plus the innermost frame inside the project (or the innermost at all)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "claimledger" in f.filename and "/tests/" not in f.filename]
    where = own[-1] if own else (frames[-1] if frames else None)
    loc = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
    if type(exc).__name__ == "ContractBroken":
        # The broken rule names the bug better than the line of the check.
        return f"ContractBroken ({str(exc).split(':')[0][:60]})"
    return f"{type(exc).__name__} at {loc}"


def child(name: str, seconds: int, workdir: Path) -> None:
    """Run one target under atheris until its time is up or it crashes."""
    import atheris

    with atheris.instrument_imports(include=INSTRUMENT.get(name, [])):
        for mod in INSTRUMENT.get(name, []):
            __import__(mod)
    import fuzz_targets as ft

    target = ft.TARGETS[name]
    corpus = workdir / "corpus"
    counter = workdir / "runs.txt"
    crashes = workdir / "crashes.jsonl"
    runs = [int(counter.read_text() or 0) if counter.exists() else 0]
    start_runs = runs[0]

    def one(data: bytes) -> None:
        runs[0] += 1
        if runs[0] % 200 == 0:
            counter.write_text(str(runs[0]))
        try:
            target(data)
        except Exception as exc:
            counter.write_text(str(runs[0]))
            with crashes.open("a") as fh:
                fh.write(
                    json.dumps(
                        {
                            "signature": _signature(exc),
                            "message": str(exc)[:300],
                            "input_b64": base64.b64encode(data[:4096]).decode(),
                            "input_len": len(data),
                        }
                    )
                    + "\n"
                )
            raise

    args = [
        sys.argv[0],
        f"-max_total_time={seconds}",
        "-timeout=30",
        "-rss_limit_mb=4096",
        "-max_len=8192",
        "-print_final_stats=1",
        f"-artifact_prefix={workdir}/",
        str(corpus),
    ]
    atheris.Setup(args, one)
    try:
        atheris.Fuzz()
    finally:
        counter.write_text(str(runs[0]))
        del start_runs


def run_target(name: str, seconds: int, workdir: Path) -> dict[str, Any]:
    """Fuzz one target for ``seconds``, restarting after each crash; returns its summary."""
    import fuzz_targets as ft

    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(ft.seeds(name)):
        (corpus / f"seed-{i}").write_bytes(seed)
    deadline = time.monotonic() + seconds
    restarts = 0
    timeouts = 0
    logs: list[str] = []
    while True:
        left = int(deadline - time.monotonic())
        if left < 2:
            break
        env = {
            **os.environ,
            "PYTHONHASHSEED": "0",
            "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
        proc = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                name,
                "--seconds",
                str(left),
                "--workdir",
                str(workdir),
            ],
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=left + 120,
            cwd=str(ROOT),
        )
        logs.append(proc.stderr[-3000:])
        timeouts += len(list(workdir.glob("timeout-*")))
        if proc.returncode == 0:
            break
        restarts += 1
        for art in workdir.glob("crash-*"):
            art.unlink()
        if restarts > 50:
            break
    crashes = []
    crash_file = workdir / "crashes.jsonl"
    if crash_file.exists():
        crashes = [json.loads(line) for line in crash_file.read_text().splitlines() if line.strip()]
    runs_file = workdir / "runs.txt"
    runs = int(runs_file.read_text() or 0) if runs_file.exists() else 0
    unique: dict[str, dict[str, Any]] = {}
    for c in crashes:
        unique.setdefault(c["signature"], {**c, "count": 0})["count"] += 1
    ooms = [p.name for p in workdir.glob("oom-*")]
    return {
        "seconds": seconds,
        "inputs_tried": runs,
        "inputs_per_second": round(runs / max(seconds, 1), 1),
        "corpus_size": len(list(corpus.iterdir())),
        "crashes": len(crashes),
        "unique_crashes": list(unique.values()),
        "timeouts": timeouts,
        "out_of_memory": ooms,
        "restarts": restarts,
        "last_log_tail": logs[-1][-800:] if logs and not crashes and runs == 0 else "",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=int, default=60, help="time budget per target (wall clock)"
    )
    parser.add_argument("--targets", default="", help="comma-separated targets (default: all)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fuzz.json"))
    parser.add_argument("--keep", default="", help="keep corpora and crash inputs in this folder")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default="", help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(argv)
    if args.child:
        child(args.child, args.seconds, Path(args.workdir))
        return 0
    import fuzz_targets as ft

    names = [n for n in args.targets.split(",") if n] or list(ft.TARGETS)
    unknown = sorted(set(names) - set(ft.TARGETS))
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)} (known: {', '.join(ft.TARGETS)})")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="claimledger-atheris-"))
    results: dict[str, Any] = {}
    started = time.time()
    for name in names:
        t0 = time.monotonic()
        res = run_target(name, args.seconds, base / name)
        res["wall_seconds"] = round(time.monotonic() - t0, 1)
        results[name] = res
        sigs = (
            "; ".join(f"{u['signature']} (x{u['count']})" for u in res["unique_crashes"]) or "none"
        )
        print(
            f"{name:13s} {res['inputs_tried']:>9,d} inputs  {res['crashes']:>3d} crashes  unique: {sigs}",
            flush=True,
        )
    import atheris

    summary = {
        "tool": "atheris",
        "atheris_version": getattr(atheris, "__version__", "3.0.0"),
        "python": sys.version.split()[0],
        "seconds_per_target": args.seconds,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "total_inputs": sum(r["inputs_tried"] for r in results.values()),
        "total_crashes": sum(r["crashes"] for r in results.values()),
        "unique_crash_signatures": sorted(
            {u["signature"] for r in results.values() for u in r["unique_crashes"]}
        ),
        "targets": results,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"total: {summary['total_inputs']:,d} inputs, {summary['total_crashes']} crashes "
        f"({len(summary['unique_crash_signatures'])} unique) -> {out}"
    )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
