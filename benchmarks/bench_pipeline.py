"""Pipeline benchmarks: end to end vs parse, Ray scaling, incremental latency, memory, databases.

Each task runs in its own process (``python benchmarks/bench_pipeline.py TASK --out F``) so
that peak memory is the task's own and Ray is imported before usearch (see
``claimledger.pipeline.ray_stages.import_ray``). ``benchmarks/run.py`` runs them all.

Every figure that compares two things measures both side by side in the same process, so
that the load other work puts on the machine cancels in the ratio.

Tasks:
    end_to_end   articles/s of the in-process pipeline (``ingest``) vs ``nlp.pipe`` alone
    stages       seconds per article of each stage function on the same articles
    ray_scaling  the batch pipeline on Ray with 1 and with 2 workers on the same input
    incremental  latency of ingesting one article into ledgers of N claims; index rebuild times
    databases    SQLite vs PostgreSQL: store+dedup and linking throughput, vector reads
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("CLAIMLEDGER_DATASETS", ROOT.parent / "shared" / "datasets"))
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"
PG_BIN = Path(os.environ.get("CLAIMLEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
DIM = 384

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("CLAIMLEDGER_EXTRACT__ACTORS_FILE", str(SAMPLE / "actors.yaml"))


# -- machine and inputs -------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and the load at the moment of measuring."""
    mem_gb = 0.0
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "cpu": cpu,
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def news_articles(n: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` article dicts (JSON Lines fields): FNC-1 bodies if present, else the sample corpus.

    FNC-1 bodies are real news text (~370 words on average). The sample corpus is
    fictional and small, so it is repeated with a numbered suffix when ``n`` exceeds it.
    """
    bodies: list[str] = []
    path = DATASETS / "fnc-1" / "train_bodies.csv"
    if path.exists():
        csv.field_size_limit(10**7)
        with open(path, encoding="utf-8", newline="") as fh:
            bodies = [
                r["articleBody"] for r in csv.DictReader(fh) if len(r["articleBody"].split()) >= 80
            ]
        random.Random(seed).shuffle(bodies)
        source = "fnc-1"
    else:
        lines = (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
        bodies = [json.loads(line)["text"] for line in lines if line.strip()]
        source = "sample"
    out = []
    for i in range(n):
        text = bodies[i % len(bodies)]
        if i >= len(bodies):
            text = f"{text}\n\nUpdate {i}."
        out.append(
            {
                "text": text,
                "title": f"Benchmark article {i}",
                "outlet": f"Outlet {i % 7}",
                "published": f"2025-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                "url": f"https://bench.example/{source}/{i}",
            }
        )
    return out


def write_jsonl(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return path


def _words(texts: Sequence[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def _config() -> Any:
    from claimledger.config import load_config

    return load_config(user_file=Path("/nonexistent"))


def _warm(config: Any) -> None:
    from claimledger.pipeline.ray_stages import warm_models
    from claimledger.stance.predict import load_stance_model

    warm_models(config)
    load_stance_model()


# -- PostgreSQL -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def pg_cluster() -> Iterator[str]:
    """A private PostgreSQL cluster on loopback; yields a ``postgresql+psycopg`` URL prefix.

    Same settings as the test fixture (fsync off: a benchmark of the database's
    work, not of this machine's disk flushes; stated in the results).
    """
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL server binaries not found in {PG_BIN}")
    root = Path(tempfile.mkdtemp(prefix="claimledger-bench-pg-"))
    data, sock, log = root / "data", root / "sock", root / "pg.log"
    sock.mkdir()
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")

    def run(cmd: str) -> None:
        full = ["su", "postgres", "-c", cmd] if as_root else ["bash", "-c", cmd]
        subprocess.run(full, check=True, cwd="/tmp")

    port = _free_port()
    run(f"{PG_BIN}/initdb -D {data} -U postgres --auth=trust -E UTF8 >/dev/null")
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    run(f'{PG_BIN}/pg_ctl -D {data} -w -l {log} -o "{opts}" start >/dev/null')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        try:
            run(f"{PG_BIN}/pg_ctl -D {data} -m immediate -w stop >/dev/null")
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _create_db(base: str, name: str) -> str:
    import psycopg

    plain = "postgresql://" + base[len("postgresql+psycopg://") :]
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


# -- synthetic claims ---------------------------------------------------------------------------


def add_synthetic_claims(ledger: Any, n: int, *, seed: int = 0, chunk: int = 20_000) -> float:
    """Insert ``n`` claims with random unit vectors; returns seconds. Not dirty: no recompute."""
    import numpy as np
    from sqlalchemy import insert

    from claimledger.store.models import ClaimRow

    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    with ledger.engine.begin() as conn:
        start = int(
            conn.execute(
                ClaimRow.__table__.select()
                .with_only_columns(ClaimRow.key)
                .order_by(ClaimRow.key.desc())
                .limit(1)
            ).scalar()
            or 0
        )
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            vecs = rng.standard_normal((m, DIM)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            rows = [
                {
                    "id": f"csyn{start + lo + i:012d}",
                    "key": start + lo + i + 1,
                    "text": f"Synthetic claim number {start + lo + i}.",
                    "claimant_name": None,
                    "claimant_actor_id": None,
                    "first_seen": None,
                    "resolution_date": None,
                    "tracked": False,
                    "first_statement_id": None,
                    "entities": [],
                    "vector": vecs[i].tobytes(),
                    "status": "unverified",
                    "reasons": [],
                    "dirty": False,
                }
                for i in range(m)
            ]
            conn.execute(insert(ClaimRow), rows)
    return time.perf_counter() - t0


# -- tasks ----------------------------------------------------------------------------------------


def task_end_to_end(n: int) -> dict[str, Any]:
    """In-process pipeline (``claimledger ingest``) vs spaCy ``nlp.pipe`` on the same articles."""
    from claimledger.extract.attribution import load_nlp
    from claimledger.pipeline.local import ingest
    from claimledger.store.ledger import Ledger

    config = _config()
    rows = news_articles(n)
    texts = [r["text"] for r in rows]
    t = time.perf_counter()
    _warm(config)
    warm_s = time.perf_counter() - t
    nlp = load_nlp()
    list(nlp.pipe(texts[:2], batch_size=16))
    with tempfile.TemporaryDirectory() as tmp:
        src = write_jsonl(rows, Path(tmp) / "in.jsonl")
        # Alternate parse and pipeline so that a change of machine load hits both.
        t, c = time.perf_counter(), time.process_time()
        list(nlp.pipe(texts, batch_size=16))
        parse_s, parse_cpu = time.perf_counter() - t, time.process_time() - c
        ledger = Ledger.open(f"sqlite:///{tmp}/ledger.db")
        t, c = time.perf_counter(), time.process_time()
        report = ingest([str(src)], ledger=ledger, config=config)
        pipe_s, pipe_cpu = time.perf_counter() - t, time.process_time() - c
        stmts, claims = report.statements, report.claims
        links = ledger.count("links")
        ledger.close()
        t, c = time.perf_counter(), time.process_time()
        list(nlp.pipe(texts, batch_size=16))
        parse_s = min(parse_s, time.perf_counter() - t)
        parse_cpu = min(parse_cpu, time.process_time() - c)
    words = _words(texts)
    return {
        "articles": n,
        "words": words,
        "statements": stmts,
        "claims": claims,
        "links": links,
        "model_load_s": round(warm_s, 1),
        "parse_s": round(parse_s, 2),
        "pipeline_s": round(pipe_s, 2),
        "parse_articles_per_s": round(n / parse_s, 2),
        "pipeline_articles_per_s": round(n / pipe_s, 2),
        "parse_words_per_s": round(words / parse_s),
        "pipeline_words_per_s": round(words / pipe_s),
        "ratio_pipeline_vs_parse": round(parse_s / pipe_s, 3),
        "parse_cpu_s": round(parse_cpu, 2),
        "pipeline_cpu_s": round(pipe_cpu, 2),
        "pipeline_articles_per_cpu_s": round(n / pipe_cpu, 3),
        "ratio_pipeline_vs_parse_cpu": round(parse_cpu / pipe_cpu, 3),
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine(),
    }


def task_ray_scaling(n: int) -> dict[str, Any]:
    """The batch pipeline on a local Ray with 1 and 2 workers, same input, fresh ledgers."""
    from claimledger.pipeline.ray_stages import import_ray

    import_ray()
    import ray

    from claimledger.pipeline.batch import run_batch_stats
    from claimledger.store.ledger import Ledger

    config = _config()
    rows = news_articles(n, seed=1)
    out: dict[str, Any] = {"articles": n, "machine": machine(), "runs": {}}
    t = time.perf_counter()
    ray.init(num_cpus=3, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    out["ray_start_s"] = round(time.perf_counter() - t, 1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src = write_jsonl(rows, Path(tmp) / "in.jsonl")
            for workers in (1, 2):
                ledger = Ledger.open(f"sqlite:///{tmp}/w{workers}.db")
                t0 = time.time()
                report, stats = run_batch_stats(
                    [str(src)],
                    ledger=ledger,
                    config=config,
                    engine="ray",
                    address=None,
                    workers=workers,
                )
                steady = max(1e-9, stats.last_result_at - stats.pool_ready_at)
                out["runs"][str(workers)] = {
                    "workers": workers,
                    "claims": report.claims,
                    "statements": report.statements,
                    "total_s": round(stats.total_s, 2),
                    "pool_start_s": round(stats.pool_ready_at - t0 - stats.store_s, 1),
                    "steady_s": round(steady, 2),
                    "articles_per_s": round(n / stats.total_s, 3),
                    "steady_articles_per_s": round(n / steady, 3),
                    "worker_articles": list(stats.worker_articles.values()),
                    "worker_peak_rss_mb": list(stats.worker_peak_rss_mb.values()),
                    "worker_cpu_s": list(stats.worker_cpu_s.values()),
                    "driver_cpu_s": stats.driver_cpu_s,
                    "analyse_articles_per_worker_cpu_s": round(
                        n / max(1e-9, sum(stats.worker_cpu_s.values())), 3
                    ),
                    "driver_peak_rss_mb": stats.driver_peak_rss_mb,
                    "loadavg_1m": round(os.getloadavg()[0], 2),
                }
                ledger.close()
    finally:
        ray.shutdown()
    one, two = out["runs"]["1"], out["runs"]["2"]
    out["speedup_2_vs_1"] = round(two["steady_articles_per_s"] / one["steady_articles_per_s"], 3)
    out["scaling_efficiency"] = round(out["speedup_2_vs_1"] / 2, 3)
    out["speedup_2_vs_1_total"] = round(two["articles_per_s"] / one["articles_per_s"], 3)
    out["same_claims"] = one["claims"] == two["claims"]
    return out


def _ledger_with_claims(url: str, n: int) -> tuple[Any, float]:
    from claimledger.store.ledger import Ledger

    ledger = Ledger.open(url)
    return ledger, add_synthetic_claims(ledger, n)


def task_incremental(sizes: Sequence[int], per_size: int) -> dict[str, Any]:
    """One article at a time (``claimledger ingest``) into SQLite ledgers of N synthetic claims.

    Also times what a run does with the claim index: reading every stored vector,
    rebuilding the HNSW graph from them (a new or stale index; every run on
    PostgreSQL) and opening the saved index (the key check reads the vectors too).
    """
    import numpy as np

    from claimledger.link.index import VectorIndex
    from claimledger.pipeline.analyse import DIM as PDIM
    from claimledger.pipeline.claim_index import forget_open_indexes, index_path, open_index
    from claimledger.pipeline.local import ingest

    config = _config()
    _warm(config)
    rows = news_articles(2 * per_size * len(sizes) + 1, seed=2)
    out: dict[str, Any] = {"machine": machine(), "per_size": per_size, "sizes": []}
    cursor = 0
    for n in sizes:
        with tempfile.TemporaryDirectory(dir=os.environ.get("CLAIMLEDGER_BENCH_TMP")) as tmp:
            ledger, insert_s = _ledger_with_claims(f"sqlite:///{tmp}/ledger.db", n)
            t = time.perf_counter()
            keys, raws, _ = ledger.claim_vectors()
            read_s = time.perf_counter() - t
            vecs = np.frombuffer(b"".join(raws), dtype=np.float32).reshape(-1, PDIM)
            del raws
            # The rebuild, saved where open_index finds it (so it is not rebuilt twice).
            t = time.perf_counter()
            index = VectorIndex.open(index_path(ledger), PDIM)
            index.rebuild(np.asarray(keys, dtype=np.int64), vecs)
            rebuild_s = time.perf_counter() - t
            index.save()
            del index, vecs, keys
            t = time.perf_counter()
            open_index(ledger)  # saved index matches the store: loaded, not rebuilt
            reopen_s = time.perf_counter() - t
            forget_open_indexes()
            # Cold: each article as a new `claimledger ingest` process meets the index
            # (the saved file read and caught up with the store). Kept: one process
            # ingesting article after article (a feed watcher, the API) keeps it open.
            lat: list[float] = []
            kept: list[float] = []
            for series in (lat, kept):
                for _ in range(per_size):
                    path = write_jsonl([rows[cursor]], Path(tmp) / f"one{cursor}.jsonl")
                    cursor += 1
                    if series is lat:
                        forget_open_indexes()
                    t = time.perf_counter()
                    ingest([str(path)], ledger=ledger, config=config)
                    series.append(time.perf_counter() - t)
            forget_open_indexes()
            ledger.close()
        out["sizes"].append(
            {
                "claims": n,
                "insert_claims_s": round(insert_s, 2),
                "read_vectors_s": round(read_s, 2),
                "index_rebuild_s": round(rebuild_s, 2),
                "open_index_saved_s": round(reopen_s, 2),
                "ingest_one_p50_s": round(_pct(lat, 0.5), 3),
                "ingest_one_p95_s": round(_pct(lat, 0.95), 3),
                "ingest_one_mean_s": round(statistics.fmean(lat), 3),
                "ingest_one_kept_index_p50_s": round(_pct(kept, 0.5), 3),
                "ingest_one_kept_index_p95_s": round(_pct(kept, 0.95), 3),
                "loadavg_1m": round(os.getloadavg()[0], 2),
            }
        )
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def task_databases(n_store: int, n_link: int, vector_sizes: Sequence[int]) -> dict[str, Any]:
    """SQLite vs PostgreSQL: store+dedup, linking writes, and reading claim vectors back."""
    from claimledger.pipeline.analyse import analyse_articles
    from claimledger.pipeline.batch import store_inputs
    from claimledger.pipeline.bench import synthetic_articles
    from claimledger.pipeline.claim_index import open_index
    from claimledger.pipeline.process import link_analysed
    from claimledger.pipeline.verdict_queries import recompute_dirty
    from claimledger.store.ledger import Ledger

    config = _config()
    out: dict[str, Any] = {
        "machine": machine(),
        "postgres": "15, private cluster on loopback, fsync=off",
        "runs": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        folder.mkdir()
        synthetic_articles(folder, n_store)
        link_src = write_jsonl(news_articles(n_link, seed=3), Path(tmp) / "link.jsonl")
        # The per-article stages once; both databases link the same analysed articles.
        _warm(config)
        scratch = Ledger.open(f"sqlite:///{tmp}/scratch.db")
        store_inputs([str(link_src)], ledger=scratch, config=config, run_id="bench")
        analysed = analyse_articles(scratch.articles(unprocessed=True), config=config)
        scratch.close()
        with pg_cluster() as pg:
            for kind in ("sqlite", "postgresql"):
                url = (
                    f"sqlite:///{tmp}/{kind}.db" if kind == "sqlite" else _create_db(pg, "bench_db")
                )
                ledger = Ledger.open(url)
                t = time.perf_counter()
                store_inputs([str(folder)], ledger=ledger, config=config, run_id="bench")
                store_s = time.perf_counter() - t
                store_inputs([str(link_src)], ledger=ledger, config=config, run_id="bench")
                t = time.perf_counter()
                rep = link_analysed(
                    analysed, ledger=ledger, config=config, index=open_index(ledger)
                )
                recompute_dirty(ledger=ledger, config=config)
                link_s = time.perf_counter() - t
                reads = {}
                total = 0
                for size in vector_sizes:
                    add_synthetic_claims(ledger, size - total, seed=size)
                    total = size
                    t = time.perf_counter()
                    ledger.claim_vectors()
                    reads[str(size)] = round(time.perf_counter() - t, 2)
                ledger.close()
                out["runs"][kind] = {
                    "store_articles": n_store,
                    "store_articles_per_s": round(n_store / store_s, 1),
                    "link_articles": n_link,
                    "link_claims": rep.claims,
                    "link_links": rep.links,
                    "link_articles_per_s": round(n_link / link_s, 2),
                    "read_vectors_s": reads,
                    "loadavg_1m": round(os.getloadavg()[0], 2),
                }
    s, p = out["runs"]["sqlite"], out["runs"]["postgresql"]
    out["store_ratio_pg_vs_sqlite"] = round(
        p["store_articles_per_s"] / s["store_articles_per_s"], 3
    )
    out["link_ratio_pg_vs_sqlite"] = round(p["link_articles_per_s"] / s["link_articles_per_s"], 3)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def task_stages(n: int) -> dict[str, Any]:
    """Where an article's time goes: the stage functions timed one by one on the same articles.

    Parse alone, extraction (parse + CRFs + speakers), check-worthiness, embedding of
    what the pipeline embeds, the whole per-article half (``analyse_articles``), and the
    sequential half (``link_analysed``: linking, stance, writes; then verdicts).
    """
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.checkworthy import score_checkworthy
    from claimledger.link.embeddings import get_embedder
    from claimledger.pipeline.analyse import analyse_articles
    from claimledger.pipeline.batch import store_inputs
    from claimledger.pipeline.claim_index import open_index
    from claimledger.pipeline.process import link_analysed
    from claimledger.pipeline.statements import extract_statements
    from claimledger.pipeline.verdict_queries import recompute_dirty
    from claimledger.store.ledger import Ledger

    config = _config()
    _warm(config)
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        result = fn(*args, **kwargs)
        timings[name] = round(time.perf_counter() - t, 3)
        cpu[name] = round(time.process_time() - c, 3)
        return result

    with tempfile.TemporaryDirectory() as tmp:
        src = write_jsonl(news_articles(n, seed=4), Path(tmp) / "in.jsonl")
        ledger = Ledger.open(f"sqlite:///{tmp}/ledger.db")
        timed("store", store_inputs, [str(src)], ledger=ledger, config=config, run_id="bench")
        articles = ledger.articles(unprocessed=True)
        texts = [a.text for a in articles]
        timed("parse", lambda: list(load_nlp().pipe(texts, batch_size=16)))
        batches = timed("extract", extract_statements, articles, config=config)
        flat = [st for sts in batches for st in sts]
        scores = timed("checkworthy", score_checkworthy, [st.content_text for st in flat])
        threshold = config.checkworthy.threshold
        embed = [
            st.content_text
            for st, sc in zip(flat, scores, strict=True)
            if st.attributed or sc >= threshold
        ]
        timed("embed", get_embedder().encode, embed)
        analysed = timed("analyse_articles", analyse_articles, articles, config=config)
        index = open_index(ledger)
        report = timed(
            "link_analysed", link_analysed, analysed, ledger=ledger, config=config, index=index
        )
        timed("recompute", recompute_dirty, ledger=ledger, config=config)
        # The stance model's share of linking: the same (claim, statement) pairs again.
        from claimledger.stance.predict import predict_stance

        reports = [lk for lk in ledger.links() if lk.role == "report" and lk.statement_id]
        stmts = {
            st.id: st for st in ledger.statements(ids=[lk.statement_id or "" for lk in reports])
        }
        claims = {c.id: c for c in ledger.claims(ids=sorted({lk.claim_id for lk in reports}))}
        pairs = [
            (claims[lk.claim_id].text, stmts[lk.statement_id or ""].content_text) for lk in reports
        ]
        timed("stance_in_link", predict_stance, pairs)
        ledger.close()
    per_article = {k: round(v / n, 4) for k, v in timings.items()}
    return {
        "articles": n,
        "words": _words(texts),
        "statements": len(flat),
        "embedded": len(embed),
        "claims": report.claims,
        "links": report.links,
        "seconds": timings,
        "seconds_per_article": per_article,
        "cpu_seconds": cpu,
        "cpu_seconds_per_article": {k: round(v / n, 4) for k, v in cpu.items()},
        "share_of_pipeline": {
            k: round(v / (cpu["analyse_articles"] + cpu["link_analysed"] + cpu["recompute"]), 3)
            for k, v in cpu.items()
            if k not in ("store",)
        },
        "stance_pairs": len(pairs),
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine(),
    }


TASKS = ("end_to_end", "stages", "ray_scaling", "incremental", "databases")


def run_task(
    name: str, *, quick: bool, max_claims: int = 1_000_000, min_claims: int = 0
) -> dict[str, Any]:
    """Run one task with the full or the quick (smoke-test) input sizes.

    ``max_claims`` caps the ledger sizes (an HNSW build of 1M claims takes most of an
    hour on a busy 2-core machine).
    """
    big = [n for n in (10_000, 100_000, 1_000_000) if min_claims <= n <= max_claims]
    if name == "end_to_end":
        return task_end_to_end(4 if quick else 40)
    if name == "stages":
        return task_stages(4 if quick else 40)
    if name == "ray_scaling":
        return task_ray_scaling(4 if quick else 48)
    if name == "incremental":
        return task_incremental((300, 1_000) if quick else big, 2 if quick else 12)
    if name == "databases":
        return task_databases(
            30 if quick else 2_000,
            3 if quick else 24,
            (1_000,) if quick else big,
        )
    raise SystemExit(f"unknown task {name!r}; one of {', '.join(TASKS)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--quick", action="store_true", help="tiny inputs (smoke test)")
    parser.add_argument("--max-claims", type=int, default=1_000_000, help="largest ledger size")
    parser.add_argument("--min-claims", type=int, default=0, help="smallest ledger size")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    result = run_task(
        args.task, quick=args.quick, max_claims=args.max_claims, min_claims=args.min_claims
    )
    result["task"] = args.task
    result["quick"] = args.quick
    result["wall_s"] = round(time.perf_counter() - t, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
