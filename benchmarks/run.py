"""Run every benchmark, write ``results/*.json`` and regenerate the table in docs/performance.md.

Usage::

    python benchmarks/run.py --out benchmarks/results            # what `make bench` runs
    python benchmarks/run.py --out /tmp/b --quick --docs /tmp/b/performance.md   # smoke test

Each benchmark runs in its own process (its peak memory is its own; a failure is
recorded in its result file and the others still run). Benchmarks of other parts
(extraction, stance, linking, API, store) are called when their module exists.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
sys.path.insert(0, str(HERE))

import bench_pipeline  # noqa: E402

# (result name, module (a file in benchmarks/ or a package module), function, kwargs full, kwargs quick)
OTHERS: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
    ("extraction", "bench_extraction", "run", {"texts": 30}, {"texts": 3}),
    ("stance", "bench_stance", "run", {"pairs": 200}, {"pairs": 10}),
    (
        "linking",
        "bench_linking",
        "run",
        {"sizes": [10_000, 100_000, 1_000_000], "queries": 200},
        {"sizes": [1_000], "queries": 10},
    ),
    ("bench_api", "bench_api", "run", {"n_claims": 100_000}, {"n_claims": 100}),
    ("ingest", "claimledger.pipeline.bench", "bench_ingest", {"n": 1000}, {"n": 50}),
    ("claim_stage", "claimledger.pipeline.bench_claims", "bench_claim_stage", {}, {"articles": 3}),
    (
        "factchecks",
        "claimledger.pipeline.bench_factchecks",
        "bench_track_file",
        {"n": 10_000, "sample": 200},
        {"n": 30, "sample": 5},
    ),
]


def _module_exists(name: str) -> bool:
    if (HERE / f"{name}.py").exists():
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _call(module: str, func: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Import ``module`` and call ``func(**kwargs)``; ``texts`` given as a count becomes news texts."""
    if "texts" in kwargs and isinstance(kwargs["texts"], int):
        kwargs = {
            **kwargs,
            "texts": [r["text"] for r in bench_pipeline.news_articles(kwargs["texts"])],
        }
    fn = getattr(importlib.import_module(module), func)
    result = fn(**kwargs)
    return result if isinstance(result, dict) else {"result": result}


def _run_child(args: list[str], out: Path, timeout: float) -> dict[str, Any]:
    t = time.perf_counter()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    try:
        proc = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
        ok = proc.returncode == 0 and out.exists()
        error = None if ok else (proc.stderr.strip().splitlines() or ["no output"])[-1][:500]
    except subprocess.TimeoutExpired:
        ok, error = False, f"timed out after {timeout:.0f} s"
    if not ok:
        out.write_text(
            json.dumps({"error": error, "machine": bench_pipeline.machine()}, indent=2) + "\n",
            encoding="utf-8",
        )
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    result.setdefault("wall_s", round(time.perf_counter() - t, 1))
    return result


def _capped(kwargs: dict[str, Any], max_claims: int) -> dict[str, Any]:
    """Ledger sizes in a benchmark's arguments, capped at ``max_claims``."""
    out = dict(kwargs)
    if "sizes" in out:
        out["sizes"] = [n for n in out["sizes"] if n <= max_claims] or [max_claims]
    if "n_claims" in out:
        out["n_claims"] = min(out["n_claims"], max_claims)
    return out


def run_all(
    out: Path,
    *,
    quick: bool,
    only: list[str] | None = None,
    timeout: float = 3600,
    max_claims: int = 1_000_000,
) -> dict[str, dict[str, Any]]:
    """Run the benchmarks; returns ``{name: result}`` and writes ``out/<name>.json``."""
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for task in bench_pipeline.TASKS:
        name = f"pipeline_{task}"
        if only and name not in only:
            continue
        target = out / f"{name}.json"
        args = [str(HERE / "bench_pipeline.py"), task, "--out", str(target)]
        args += ["--quick"] if quick else ["--max-claims", str(max_claims)]
        print(f"[bench] {name} ...", flush=True)
        results[name] = _run_child(args, target, timeout)
    for name, module, func, full, small in OTHERS:
        if only and name not in only:
            continue
        target = out / f"{name}.json"
        if not _module_exists(module):
            print(f"[bench] {name}: {module} not present, skipped", flush=True)
            continue
        kwargs = small if quick else _capped(full, max_claims)
        spec = json.dumps({"module": module, "func": func, "kwargs": kwargs})
        print(f"[bench] {name} ...", flush=True)
        results[name] = _run_child(
            [str(Path(__file__).resolve()), "--call", spec, "--out", str(target)], target, timeout
        )
    return results


def collect(out: Path) -> dict[str, dict[str, Any]]:
    """Every known benchmark's result file in ``out``, in table order."""
    names = [f"pipeline_{t}" for t in bench_pipeline.TASKS] + [o[0] for o in OTHERS]
    return {
        n: json.loads((out / f"{n}.json").read_text("utf-8"))
        for n in names
        if (out / f"{n}.json").exists()
    }


# -- the table in docs/performance.md ------------------------------------------------------------


def _m(result: dict[str, Any]) -> str:
    m = result.get("machine") or {}
    m = {**m, "cores": m.get("cores", m.get("cpus"))}
    if not m["cores"]:
        return "not recorded (run by its owner's script)"
    load = f", load {m['loadavg_1m']}" if "loadavg_1m" in m else ""
    return f"{m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB{load}"


def _rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    def add(bench: str, figure: str, value: Any, res: dict[str, Any]) -> None:
        rows.append((bench, figure, str(value), _m(res)))

    for name, res in results.items():
        if "error" in res:
            add(name, "failed", res["error"].replace("|", "/"), res)
            continue
        if name == "pipeline_end_to_end":
            add(
                "end to end vs parse",
                f"pipeline articles/s ({res['articles']} articles)",
                res["pipeline_articles_per_s"],
                res,
            )
            add(
                "end to end vs parse",
                "spaCy nlp.pipe articles/s (same articles)",
                res["parse_articles_per_s"],
                res,
            )
            add(
                "end to end vs parse",
                "**ratio pipeline / parse**",
                res["ratio_pipeline_vs_parse"],
                res,
            )
            if "pipeline_articles_per_cpu_s" in res:
                cpu = f"{res['pipeline_articles_per_cpu_s']} ({res['ratio_pipeline_vs_parse_cpu']})"
                add("end to end vs parse", "articles per CPU-second (ratio on CPU time)", cpu, res)
            add("memory", "peak RSS of the pipeline process (MB)", res["peak_rss_mb"], res)
        elif name == "pipeline_stages":
            per = res.get("cpu_seconds_per_article", res["seconds_per_article"])
            share = res["share_of_pipeline"]
            for stage in (
                "parse",
                "extract",
                "checkworthy",
                "embed",
                "analyse_articles",
                "link_analysed",
                "stance_in_link",
                "recompute",
            ):
                if stage not in per:
                    continue
                add(
                    "stages",
                    f"{stage}: CPU-s per article (share of pipeline)",
                    f"{per[stage]} ({share[stage]})",
                    res,
                )
        elif name == "pipeline_ray_scaling":
            one, two = res["runs"]["1"], res["runs"]["2"]
            add(
                "Ray scaling",
                f"1 worker, articles/s steady ({res['articles']} articles)",
                one["steady_articles_per_s"],
                res,
            )
            add("Ray scaling", "2 workers, articles/s steady", two["steady_articles_per_s"], res)
            add(
                "Ray scaling",
                "**speed-up 2 vs 1 (efficiency)**",
                f"{res['speedup_2_vs_1']} ({res['scaling_efficiency']})",
                res,
            )
            add("Ray scaling", "speed-up 2 vs 1 incl. pool start", res["speedup_2_vs_1_total"], res)
            add(
                "Ray scaling",
                "pool start (models per actor), s",
                f"{one['pool_start_s']} / {two['pool_start_s']}",
                res,
            )
            if "analyse_articles_per_worker_cpu_s" in two:
                per_cpu = f"{one['analyse_articles_per_worker_cpu_s']} / {two['analyse_articles_per_worker_cpu_s']}"
                add("Ray scaling", "analysis: articles per worker CPU-second (1 / 2)", per_cpu, res)
                driver = round(two["driver_cpu_s"] / res["articles"], 3)
                add(
                    "Ray scaling",
                    "driver CPU-s per article (store, link, stance, verdicts)",
                    driver,
                    res,
                )
            add(
                "memory",
                "peak RSS per Ray worker (MB)",
                ", ".join(str(x) for x in two["worker_peak_rss_mb"]),
                res,
            )
            add("memory", "peak RSS of the Ray driver (MB)", two["driver_peak_rss_mb"], res)
        elif name == "pipeline_incremental":
            for s in res["sizes"]:
                label = f"{s['claims']:,} claims"
                add(
                    "incremental ingest",
                    f"{label}: one article, new process (index read) p50 / p95 (s)",
                    f"{s['ingest_one_p50_s']} / {s['ingest_one_p95_s']}",
                    res,
                )
                if "ingest_one_kept_index_p50_s" in s:
                    add(
                        "incremental ingest",
                        f"{label}: one article, index kept open p50 / p95 (s)",
                        f"{s['ingest_one_kept_index_p50_s']} / {s['ingest_one_kept_index_p95_s']}",
                        res,
                    )
                add(
                    "claim index",
                    f"{label}: rebuild from vectors / read vectors / load saved (s)",
                    f"{s['index_rebuild_s']} / {s['read_vectors_s']} / {s['open_index_saved_s']}",
                    res,
                )
        elif name == "pipeline_databases":
            s, p = res["runs"]["sqlite"], res["runs"]["postgresql"]
            add(
                "SQLite vs PostgreSQL",
                "store+dedup articles/s (SQLite / PG)",
                f"{s['store_articles_per_s']} / {p['store_articles_per_s']}",
                res,
            )
            add(
                "SQLite vs PostgreSQL",
                "**store ratio PG / SQLite**",
                res["store_ratio_pg_vs_sqlite"],
                res,
            )
            add(
                "SQLite vs PostgreSQL",
                "linking articles/s (SQLite / PG)",
                f"{s['link_articles_per_s']} / {p['link_articles_per_s']}",
                res,
            )
            add(
                "SQLite vs PostgreSQL",
                "**linking ratio PG / SQLite**",
                res["link_ratio_pg_vs_sqlite"],
                res,
            )
            for size, secs in p["read_vectors_s"].items():
                add(
                    "SQLite vs PostgreSQL",
                    f"read {int(size):,} claim vectors (s, SQLite / PG)",
                    f"{s['read_vectors_s'][size]} / {secs}",
                    res,
                )
        elif name == "extraction":
            add(
                "extraction",
                "parse / extraction words/s",
                f"{res.get('parse_words_per_s')} / {res.get('extract_words_per_s')}",
                res,
            )
            add("extraction", "**ratio extraction / parse**", res.get("ratio"), res)
        elif name == "linking":
            for s in res.get("sizes", []):
                add(
                    "linking",
                    f"{s.get('n', 0):,} claims: index build s / link p50 / p95 ms / recall@10",
                    f"{s.get('build_s')} / {s.get('link_p50_ms')} / {s.get('link_p95_ms')} / {s.get('recall_at_10')}",
                    res,
                )
        elif name == "bench_api":
            claims = (res.get("ledger") or {}).get("claims", "?")
            for route, figs in res.items():
                if isinstance(figs, dict) and "p50_ms" in figs:
                    add(
                        "API",
                        f"{route} p50 / p95 ms ({claims} claims)",
                        f"{figs['p50_ms']} / {figs['p95_ms']}",
                        res,
                    )
        elif name == "ingest":
            add(
                "store + dedup",
                f"articles/s vs bare INSERT rows/s ({res.get('articles')} articles)",
                f"{res.get('ingest_articles_per_s')} / {res.get('bare_insert_rows_per_s')}",
                res,
            )
            add("store + dedup", "ratio vs bare INSERT", res.get("ratio_vs_bare_insert"), res)
        elif name == "claim_stage":
            label = f"claim stage vs parse ({res['articles']} sample articles)"
            add(
                label,
                "ms per article: parse / analysis / propositions / linking",
                f"{res['parse_ms_per_article']} / {res['analysis_ms_per_article']} / "
                f"{res['propositions_ms_per_article']} / {res['linking_ms_per_article']}",
                res,
            )
            add(label, "**ratio claim stage / parse**", res["ratio_claim_stage_vs_parse"], res)
            add(label, "ratio analysis / parse", res["ratio_analysis_vs_parse"], res)
        elif name == "factchecks":
            bulk, single = res["bulk"], res["one_by_one"]
            label = f"track --file, {res['claims']:,} fact-checks"
            add(label, "import wall s / CPU s", f"{bulk['wall_s']} / {bulk['cpu_s']}", res)
            add(
                label,
                "whole process wall s (start and model load included)",
                bulk["process"]["wall_s"],
                res,
            )
            add(
                label,
                f"ms per claim: bulk / one by one ({single['claims']} claims)",
                f"{bulk['ms_per_claim']} / {single['ms_per_claim']}",
                res,
            )
            add(
                label,
                "**ratio one by one / bulk per claim (wall, CPU)**",
                f"{res['ratio_one_by_one_vs_bulk_per_claim']}, "
                f"{res['ratio_one_by_one_vs_bulk_per_claim_cpu']}",
                res,
            )
            add(
                label,
                "peak RSS MB: bulk / one by one",
                f"{bulk['peak_rss_mb']} / {single['peak_rss_mb']}",
                res,
            )
            add(
                label,
                "re-import of the same file: wall s, rows added",
                f"{res['rerun']['wall_s']}, {sum(res['rerun_added'].values())}",
                res,
            )
        else:
            flat = {k: v for k, v in res.items() if isinstance(v, int | float) and k != "wall_s"}
            for key in list(flat)[:8]:
                add(name, key, flat[key], res)
    return rows


def render_table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| benchmark | figure | value | machine |",
        "|---|---|---|---|",
        *(f"| {b} | {f} | {v} | {m} |" for b, f, v, m in _rows(results)),
    ]
    return "\n".join(lines)


def update_docs(results: dict[str, dict[str, Any]], docs: Path) -> None:
    """Replace the text between the bench markers in ``docs`` with a fresh table."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = (
        f"{START}\n_Generated by `benchmarks/run.py` on {stamp}._\n\n{render_table(results)}\n{END}"
    )
    text = docs.read_text("utf-8") if docs.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results", help="folder for results/*.json"
    )
    parser.add_argument("--quick", action="store_true", help="tiny inputs (smoke test)")
    parser.add_argument(
        "--docs",
        type=Path,
        default=None,
        help="performance.md to update (default: docs/performance.md, not with --quick)",
    )
    parser.add_argument("--only", action="append", help="run only this result name (repeatable)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per benchmark")
    parser.add_argument(
        "--max-claims", type=int, default=1_000_000, help="largest ledger size (claims) to build"
    )
    parser.add_argument(
        "--call", help=argparse.SUPPRESS
    )  # internal: run one function in this process
    args = parser.parse_args(argv)
    if args.call:
        spec = json.loads(args.call)
        result = _call(spec["module"], spec["func"], spec["kwargs"])
        theirs = result.get("machine") if isinstance(result.get("machine"), dict) else {}
        ours = bench_pipeline.machine()
        result["machine"] = {**ours, **{k: v for k, v in theirs.items() if v not in ("?", None)}}
        args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        return 0
    results = run_all(
        args.out, quick=args.quick, only=args.only, timeout=args.timeout, max_claims=args.max_claims
    )
    docs = args.docs or (None if args.quick else DOCS)
    if docs is not None:
        # The table shows every known result in the folder, so that --only refreshes some rows.
        update_docs(collect(args.out), docs)
    failed = [name for name, res in results.items() if "error" in res]
    print(render_table(results))
    if failed:
        print(f"[bench] failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
