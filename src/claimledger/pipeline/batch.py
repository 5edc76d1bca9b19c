"""Batch processing of archives: ``claimledger batch INPUT... --engine ray|local``.

The run has three phases over the same stage functions as ``claimledger ingest``:

1. read and store (sequential on the driver: reading and deduplication are
   cheap next to the models, and dedup needs the articles stored before);
2. the per-article stages (``analyse_articles``) - on a Ray Data actor pool
   with ``--engine ray``, in this process with ``--engine local``;
3. linking, stance and verdicts (``link_analysed``, ``recompute_dirty``) on
   the driver, over the articles in (published, id) order and in the same
   chunks as the in-process pipeline, so that a run on any number of workers
   opens the same claims as ``claimledger ingest``.

Both engines resolve speakers against the same actor table: the workers build
it with ``run_actor_table`` from the actors stored in the ledger (what
``ledger_actors`` adds in process), and the driver links with
``ledger_actors`` itself, after merging the actors the workers created
(``merge_worker_actors``).

Everything is idempotent: articles are stored once (content-hash ids), an
article's statements, claims and links are committed together with its
``processed`` flag, and only unprocessed articles are analysed, so a re-run or
a run resumed after a crash adds no duplicates.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.ingest.sources import Defaults
from claimledger.pipeline.actor_tables import ledger_actors
from claimledger.pipeline.analyse import Analysed
from claimledger.pipeline.claim_index import open_index
from claimledger.pipeline.local import fetch_options, new_run_id, store_sources
from claimledger.pipeline.parquet import is_parquet, read_parquet
from claimledger.pipeline.process import link_analysed, process_pending
from claimledger.pipeline.report import ProcessReport
from claimledger.pipeline.verdict_queries import recompute_dirty
from claimledger.records import Article, IngestFailure, IngestReport
from claimledger.store.ledger import Ledger

log = logging.getLogger(__name__)

ENGINES = ("ray", "local")
# Articles handed to Ray per dataset: bounds driver memory; each window starts
# a fresh actor pool, whose model loading (~15 s) is small next to a window's work.
WINDOW = 4096
# Articles per link_analysed call: the batch of ``process_pending`` (its default
# ``batch``), so that link order - and so which statement opens a claim - is the same.
LINK_CHUNK = 32


@dataclass(slots=True)
class BatchStats:
    """Timings and memory of one batch run (for benchmarks and logs)."""

    engine: str
    workers: int
    stored: int = 0
    analysed: int = 0
    store_s: float = 0.0
    ray_start_s: float = 0.0
    analyse_link_s: float = 0.0
    total_s: float = 0.0
    driver_peak_rss_mb: float = 0.0
    worker_peak_rss_mb: dict[int, float] = field(default_factory=dict)
    worker_articles: dict[int, int] = field(default_factory=dict)
    worker_cpu_s: dict[int, float] = field(default_factory=dict)
    driver_cpu_s: float = 0.0
    # Wall clock (time.time) when the last pool actor had its models loaded, and
    # when the last result reached the driver: their gap is the steady-state run.
    pool_ready_at: float = 0.0
    last_result_at: float = 0.0


def parquet_files(inputs: Sequence[str]) -> list[Path]:
    """Parquet files named on the command line or found (recursively) in named folders."""
    found: list[Path] = []
    for src in inputs:
        path = Path(src)
        if "://" in src:
            continue
        if path.is_file() and is_parquet(path):
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_parquet(p)))
    return found


def read_parquet_inputs(
    inputs: Sequence[str], *, config: Config
) -> Iterator[Article | IngestFailure]:
    """Every article of the Parquet files among (or inside) ``inputs``."""
    max_bytes = fetch_options(config).max_bytes
    for path in parquet_files(inputs):
        yield from read_parquet(path, defaults=Defaults(), max_bytes=max_bytes)


def store_inputs(
    inputs: Sequence[str], *, ledger: Ledger, config: Config, run_id: str
) -> IngestReport:
    """Store and deduplicate every input; failures are recorded under ``run_id``, never raised.

    Everything but Parquet goes through ``store_sources`` (what ``claimledger
    ingest`` stores with, so both commands store alike); Parquet files follow.
    """
    parquet = {str(p) for p in parquet_files(inputs)}
    plain = [s for s in inputs if s not in parquet]
    report = IngestReport()
    if plain:
        report = store_sources(
            plain, ledger=ledger, config=config, defaults=Defaults(), run_id=run_id
        )
    if parquet:
        more = store_sources(
            [],
            ledger=ledger,
            config=config,
            defaults=Defaults(),
            run_id=run_id,
            items=read_parquet_inputs(inputs, config=config),
        )
        report.added += more.added
        report.duplicates += more.duplicates
        report.failures += more.failures
    return report


def portable_config(config: Config) -> Config:
    """The configuration with file paths made absolute, for workers with another cwd."""
    actors_file = config.extract.actors_file
    if not actors_file or Path(actors_file).is_absolute():
        return config
    extract = config.extract.model_copy(update={"actors_file": str(Path(actors_file).resolve())})
    return config.model_copy(update={"extract": extract})


def _add(total: ProcessReport, part: ProcessReport) -> None:
    total.articles += part.articles
    total.statements += part.statements
    total.claims += part.claims
    total.links += part.links


def merge_worker_actors(chunk: Sequence[Analysed], table: Any) -> None:
    """Fold the actors workers created into ``table``, as one process's table folds them.

    A worker's table knows the actors stored before its window, not those another
    worker created meanwhile: the same speaker met on two workers comes back twice,
    each copy with the affiliations its own articles revealed. In one process the
    second meeting adds its affiliations to the first (``ActorTable.resolve_or_create``);
    the driver does the same here, over the chunk in link order, and every result then
    carries the merged actor - so the store keeps the union, not the copy linked last,
    and a stored actor's affiliations are never overwritten by a worker's blank copy.
    A table actor (built-in or the user's file) is never changed.
    """
    created = {a.id for a in table.created()}
    for an in chunk:
        for actor in an.actors:
            have = table.get(actor.id)
            if have is None:
                table.add(actor)
                created.add(actor.id)
            elif actor.id in created:
                new = tuple(a for a in actor.affiliations if a not in have.affiliations)
                kind = "person" if "person" in (have.type, actor.type) else have.type
                if new or kind != have.type:
                    table.add(replace(have, type=kind, affiliations=(*have.affiliations, *new)))
    for an in chunk:
        an.actors = [table.get(a.id) for a in an.actors]


def _link_in_chunks(
    analysed: Iterable[Analysed], *, ledger: Ledger, config: Config, index: object, actors: Any
) -> ProcessReport:
    """Link results (arriving in (published, id) order) in chunks of ``LINK_CHUNK``."""
    total = ProcessReport()
    chunk: list[Analysed] = []
    for an in analysed:
        chunk.append(an)
        if len(chunk) == LINK_CHUNK:
            merge_worker_actors(chunk, actors)
            _add(
                total,
                link_analysed(chunk, ledger=ledger, config=config, index=index, actors=actors),
            )
            recompute_dirty(ledger=ledger, config=config)
            chunk = []
    if chunk:
        merge_worker_actors(chunk, actors)
        _add(total, link_analysed(chunk, ledger=ledger, config=config, index=index, actors=actors))
        recompute_dirty(ledger=ledger, config=config)
    return total


def _analyse_on_ray(
    *, ledger: Ledger, config: Config, workers: int, window: int, stats: BatchStats
) -> ProcessReport:
    from claimledger.pipeline.ray_stages import RayRun, analyse_on_ray

    total = ProcessReport()
    # The table process_pending links with (and stores first), built the same way.
    actors = ledger_actors(ledger, config)
    ledger.upsert_actors(actors.actors())
    index = open_index(ledger, index_dir=config.store.index_dir)
    run = RayRun()
    while True:
        todo = ledger.articles(unprocessed=True, limit=window)
        if not todo:
            break
        # Small inputs are split so that every worker gets a share.
        per_batch = max(1, min(config.extract.batch_size, math.ceil(len(todo) / (2 * workers))))
        results = analyse_on_ray(
            todo,
            config=config,
            workers=workers,
            batch_size=per_batch,
            run=run,
            stored_actors=ledger.actors(),
        )
        part = _link_in_chunks(results, ledger=ledger, config=config, index=index, actors=actors)
        _add(total, part)
        stats.analysed += len(todo)
        if part.articles == 0:
            # Nothing could be linked (rows vanished or were processed by someone
            # else meanwhile); stop rather than loop over the same window.
            break
    recompute_dirty(ledger=ledger, config=config)
    stats.worker_peak_rss_mb = {pid: round(w.peak_rss_mb, 1) for pid, w in run.workers.items()}
    stats.worker_articles = {pid: w.articles for pid, w in run.workers.items()}
    stats.worker_cpu_s = {pid: round(w.cpu_s, 2) for pid, w in run.workers.items()}
    stats.pool_ready_at = max((w.ready_at for w in run.workers.values()), default=0.0)
    stats.last_result_at = run.last_result_at
    return total


def run_batch_stats(
    inputs: list[str],
    *,
    ledger: Ledger,
    config: Config,
    engine: str,
    address: str | None,
    workers: int,
    window: int = WINDOW,
) -> tuple[IngestReport, BatchStats]:
    """``run_batch`` that also returns timings and memory figures."""
    from claimledger.pipeline.ray_stages import peak_rss_mb

    if engine not in ENGINES:
        raise ConfigError(
            Code.E402, "--engine", reason=f"{engine!r} is not one of {', '.join(ENGINES)}"
        )
    if workers < 1:
        raise ConfigError(Code.E402, "--workers", reason=f"{workers} is not a positive number")
    if address and engine != "ray":
        raise ConfigError(Code.E402, "--address", reason="only with --engine ray")
    if engine == "ray":
        from claimledger.pipeline.ray_stages import import_ray

        import_ray()  # before anything loads usearch (see import_ray)
    config = portable_config(config)
    stats = BatchStats(engine=engine, workers=workers)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    run_id = new_run_id("batch")
    ledger.start_run(run_id, command="batch", config_json=config.to_json())
    report = store_inputs(inputs, ledger=ledger, config=config, run_id=run_id)
    stats.stored = len(report.added)
    stats.store_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    pending = bool(ledger.articles(unprocessed=True, limit=1))
    if engine == "local" or not pending:
        done = process_pending(ledger=ledger, config=config)
        stats.analysed = done.articles
    else:
        from claimledger.pipeline.ray_stages import start_ray, stop_ray

        started = start_ray(address=address, workers=workers)
        stats.ray_start_s = time.perf_counter() - t1
        try:
            done = _analyse_on_ray(
                ledger=ledger, config=config, workers=workers, window=window, stats=stats
            )
        finally:
            if started:
                stop_ray()
    report.statements = done.statements
    report.claims = done.claims
    ledger.finish_run(run_id)
    stats.analyse_link_s = time.perf_counter() - t1
    stats.total_s = time.perf_counter() - t0
    stats.driver_cpu_s = round(time.process_time() - cpu0, 2)
    stats.driver_peak_rss_mb = round(peak_rss_mb(), 1)
    log.info(
        "batch: %d stored, %d analysed on %s x%d in %.1f s",
        stats.stored,
        stats.analysed,
        engine,
        workers,
        stats.total_s,
    )
    return report, stats


def run_batch(
    inputs: list[str],
    *,
    ledger: Ledger,
    config: Config,
    engine: str,
    address: str | None,
    workers: int,
) -> IngestReport:
    """Read, store and analyse archives on Ray (``engine="ray"``) or in this process.

    Args:
        inputs: JSONL, Parquet or WARC files (any format ``ingest`` reads, and directories).
        ledger: The open store (SQLite or PostgreSQL).
        config: Resolved configuration.
        engine: ``"ray"`` or ``"local"``.
        address: Ray cluster to join; None starts a local Ray for the run.
        workers: Actors in the analysis pool (one CPU and one copy of the models each).

    Raises:
        ConfigError: E402 for an unknown engine, a non-positive worker count, or
            an address without the Ray engine.
    """
    report, _ = run_batch_stats(
        inputs, ledger=ledger, config=config, engine=engine, address=address, workers=workers
    )
    return report
