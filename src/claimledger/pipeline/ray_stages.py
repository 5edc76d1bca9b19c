"""The per-article stages on Ray Data: an actor pool over ``analyse_articles``.

Each pool actor loads the models once (spaCy, the attribution CRFs, the
check-worthiness model, MiniLM) in ``__init__`` and then analyses batches of
articles. Articles travel as pickled records in a binary column, so the
records the in-process path uses are exactly what the workers see. Output
keeps the input order (``preserve_order``), which lets the driver link
results while the workers analyse the next ones.

Each worker resolves speakers against the table ``claimledger ingest``
uses (``run_actor_table``: built-in, the user's file and the actors stored in
the ledger, which the driver sends). Actors created by speaker resolution
inside a worker travel with each result (``Analysed.actors``); the driver
merges them into its own table (``batch.merge_worker_actors``) and
``link_analysed`` stores them.

Ray is imported here only, so the rest of the package works without the
``scale`` extra.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.pipeline.actor_tables import actor_table, run_actor_table
from claimledger.pipeline.analyse import Analysed, analyse_articles
from claimledger.records import Actor, Article

log = logging.getLogger(__name__)

# Variables a worker needs to find the models offline and to keep to one thread.
_WORKER_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
_PASS_ENV_PREFIXES = ("CLAIMLEDGER_", "HF_", "TRANSFORMERS_", "SENTENCE_TRANSFORMERS_")


@dataclass(slots=True)
class WorkerStats:
    """Peak resident memory and work done by one pool actor (a Ray worker process)."""

    pid: int
    peak_rss_mb: float
    articles: int = 0
    ready_at: float = 0.0  # wall clock (time.time) when its models were loaded
    cpu_s: float = 0.0  # CPU seconds spent analysing (model loading excluded)


@dataclass(slots=True)
class RayRun:
    """What the Ray stage reports besides its results."""

    workers: dict[int, WorkerStats] = field(default_factory=dict)
    last_result_at: float = 0.0  # wall clock when the last result reached the driver


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker_env() -> dict[str, str]:
    """Environment for Ray workers: the offline model switches plus the caller's settings."""
    env = dict(_WORKER_ENV)
    env.update({k: v for k, v in os.environ.items() if k.startswith(_PASS_ENV_PREFIXES)})
    return env


def import_ray() -> None:
    """Import Ray, refusing to if usearch's extension is already loaded in this process.

    usearch's extension carries its own copy of the C++ runtime and exports
    it; when it is loaded first, Ray's core binds to it and aborts at
    ``ray.init`` (``std::regex_error``). Loaded in the other order both work.
    """
    if "ray" not in sys.modules and any(m.startswith("usearch.compiled") for m in sys.modules):
        raise ConfigError(
            Code.E402,
            "--engine ray",
            reason="Ray must be imported before usearch in a process; run the batch in a fresh process",
        )
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            Code.E402,
            "--engine ray",
            reason="Ray is not installed: pip install 'claimledger[scale]' (or use --engine local)",
        ) from exc


def start_ray(*, address: str | None, workers: int) -> bool:
    """Join the cluster at ``address`` or start a local Ray; False if Ray was already up.

    A local Ray gets one CPU per worker plus one for Ray Data's own tasks,
    no dashboard, and token authentication off (a loopback-only session).
    """
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    import_ray()
    import ray

    if ray.is_initialized():
        return False
    runtime_env = {"env_vars": worker_env()}
    if address:
        ray.init(address=address, runtime_env=runtime_env, logging_level=logging.WARNING)
    else:
        ray.init(
            num_cpus=workers + 1,
            include_dashboard=False,
            runtime_env=runtime_env,
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    return True


def stop_ray() -> None:
    """Shut down the Ray session this process started."""
    import ray

    ray.shutdown()


def warm_models(config: Config) -> None:
    """Load every model ``analyse_articles`` uses, so that the first batch is not slower."""
    from claimledger.extract.attribution import load_model, load_nlp
    from claimledger.extract.checkworthy import load_checkworthy
    from claimledger.link.embeddings import get_embedder

    load_nlp()
    load_model()
    load_checkworthy()
    get_embedder()
    actor_table(config.extract.actors_file)


class AnalyseWorker:
    """Ray Data actor: models loaded once in ``__init__``, batches of articles analysed.

    ``stored_actors`` is the pickled list of the actors stored in the ledger: with
    them the worker's table is the one ``claimledger ingest`` resolves speakers with.
    The table lives as long as the actor, as the in-process table lives for the run.
    """

    def __init__(self, config_json: str, stored_actors: bytes = b"", warm: bool = True) -> None:
        self.config = Config.model_validate_json(config_json)
        stored: list[Actor] = pickle.loads(stored_actors) if stored_actors else []
        self.actors = run_actor_table(self.config.extract.actors_file, stored)
        if warm:
            warm_models(self.config)
        self.ready_at = time.time()
        self.cpu_s = 0.0

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        started = time.process_time()
        articles = [pickle.loads(raw) for raw in batch.column("article").to_pylist()]
        analysed = analyse_articles(articles, config=self.config, actors=self.actors)
        n = len(analysed)
        self.cpu_s += time.process_time() - started
        return pa.table(
            {
                "analysed": pa.array([pickle.dumps(an) for an in analysed], pa.binary()),
                "pid": pa.array([os.getpid()] * n, pa.int64()),
                "peak_rss_mb": pa.array([peak_rss_mb()] * n, pa.float64()),
                "ready_at": pa.array([self.ready_at] * n, pa.float64()),
                "cpu_s": pa.array([self.cpu_s] * n, pa.float64()),
            }
        )


def analyse_on_ray(
    articles: Sequence[Article],
    *,
    config: Config,
    workers: int,
    batch_size: int,
    run: RayRun,
    stored_actors: Sequence[Actor] = (),
) -> Iterator[Analysed]:
    """Analyse ``articles`` on a pool of ``workers`` Ray actors; yields results in input order.

    ``stored_actors`` (the ledger's ``actors()``) extend each worker's actor table
    as ``ledger_actors`` extends the in-process one. Worker memory figures and
    timings are collected in ``run``.
    """
    import pyarrow as pa
    import ray.data

    if not articles:
        return
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    blocks = max(1, -(-len(articles) // batch_size))
    table = pa.table({"article": pa.array([pickle.dumps(a) for a in articles], pa.binary())})
    ds = ray.data.from_arrow(table).repartition(blocks)
    ds = ds.map_batches(
        AnalyseWorker,
        fn_constructor_kwargs={
            "config_json": config.model_dump_json(),
            "stored_actors": pickle.dumps(list(stored_actors)),
        },
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
        batch_size=batch_size,
        batch_format="pyarrow",
    )
    batches: Iterator[Any] = iter(ds.iter_batches(batch_format="pyarrow", batch_size=None))
    for out in batches:
        for row in out.to_pylist():
            pid = int(row["pid"])
            stats = run.workers.setdefault(pid, WorkerStats(pid=pid, peak_rss_mb=0.0))
            stats.peak_rss_mb = max(stats.peak_rss_mb, float(row["peak_rss_mb"]))
            stats.articles += 1
            stats.ready_at = float(row["ready_at"])
            stats.cpu_s = max(stats.cpu_s, float(row["cpu_s"]))
            run.last_result_at = time.time()
            analysed: Analysed = pickle.loads(row["analysed"])
            yield analysed
