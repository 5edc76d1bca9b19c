"""Linking at scale: latency of linking one statement into a ledger of N claims.

Synthetic, L2-normalised 384-dimensional vectors stand in for MiniLM embeddings.
They are clustered (about 20 claims per "topic" centroid plus noise) because real
claim embeddings are, and queries are noisy copies of stored claims, like a new
report of a known claim. For each size the script builds the usearch index
(``VectorIndex.rebuild``, which also saves it), reopens it from disk, then times
``link_statement`` (search + decision) one query at a time.

Usage::

    python benchmarks/bench_linking.py                      # 10k, 100k, 1M
    python benchmarks/bench_linking.py --sizes 1000 --queries 10
    python benchmarks/bench_linking.py --out benchmarks/results/linking.json
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from claimledger.link.index import DEFAULT_DTYPE, DEFAULT_EXPANSION_SEARCH, VectorIndex
from claimledger.link.linker import ClaimCandidate, link_statement

DIM = 384
CLAIMS_PER_TOPIC = 20
NOISE = 0.6  # spread of claims around their topic centroid
QUERY_NOISE = 0.25  # how far a new report's vector is from the claim it restates
EF_SWEEP = (32, 64, 128, 256, 512)


class SyntheticCandidates:
    """Key -> candidate without materialising a million objects."""

    def get(self, key: int, /) -> ClaimCandidate | None:
        """Return a made-up candidate for ``key``."""
        return ClaimCandidate(
            claim_id=f"c{key}",
            text=f"claim {key}",
            claimant_actor_id=f"actor{key % 997}",
            entities=frozenset({f"e{key % 5003}", f"e{key % 7919}"}),
            date=date(2024, 1, 1 + key % 28),
        )


def _unit(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def synthetic_vectors(n: int, *, dim: int = DIM, seed: int = 0) -> npt.NDArray[np.float32]:
    """Clustered unit vectors, generated in chunks to bound temporary memory."""
    rng = np.random.default_rng(seed)
    centroids = _unit(rng.standard_normal((max(1, n // CLAIMS_PER_TOPIC), dim), dtype=np.float32))
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        topic = rng.integers(0, len(centroids), hi - lo)
        noise = rng.standard_normal((hi - lo, dim), dtype=np.float32) * (NOISE / math.sqrt(dim))
        out[lo:hi] = centroids[topic] + noise
    return _unit(out)


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _recall(found: npt.NDArray[np.int64], exact: npt.NDArray[np.int64], k: int) -> float:
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, exact, strict=True)]))


def _exact_topk(
    base: npt.NDArray[np.float32], queries: npt.NDArray[np.float32], k: int
) -> npt.NDArray[np.int64]:
    sims = queries @ base.T
    top = np.argpartition(-sims, kth=min(k, sims.shape[1] - 1), axis=1)[:, :k]
    order = np.take_along_axis(sims, top, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(top, order, axis=1).astype(np.int64)


def bench_size(
    n: int,
    *,
    queries: int,
    k: int,
    dtype: str,
    workdir: Path,
    expansion_search: int = DEFAULT_EXPANSION_SEARCH,
    seed: int = 0,
) -> dict[str, Any]:
    """Build, save, reopen and query an index of ``n`` synthetic claims."""
    base = synthetic_vectors(n, seed=seed)
    keys = np.arange(n, dtype=np.int64)
    path = workdir / f"claims-{n}.usearch"

    t0 = time.perf_counter()
    index = VectorIndex.open(path, DIM, dtype=dtype)  # type: ignore[arg-type]
    index.rebuild(keys, base)  # builds and saves (temp file + os.replace)
    build_s = time.perf_counter() - t0
    memory = index.memory_usage()
    del index

    t0 = time.perf_counter()
    index = VectorIndex.open(
        path,
        DIM,
        dtype=dtype,  # type: ignore[arg-type]
        expansion_search=expansion_search,
    )
    load_s = time.perf_counter() - t0
    if index.stale or len(index) != n:
        raise RuntimeError(f"reopened index is stale or incomplete: {index.stale_reason}")
    t0 = time.perf_counter()
    view = VectorIndex.open(path, DIM, dtype=dtype, view=True)  # type: ignore[arg-type]
    view_s = time.perf_counter() - t0
    del view

    rng = np.random.default_rng(seed + 1)
    targets = rng.integers(0, n, queries)
    q = base[targets] + rng.standard_normal((queries, DIM), dtype=np.float32) * (
        QUERY_NOISE / math.sqrt(DIM)
    )
    q = _unit(q)
    candidates = SyntheticCandidates()
    index.threads = 1  # one statement at a time, as the pipeline links them
    lat: list[float] = []
    linked = 0
    for i in range(queries):
        t = time.perf_counter()
        decision = link_statement(
            "synthetic",
            q[i],
            actor_id=None,
            entities=frozenset(),
            date=date(2024, 1, 15),
            index=index,
            candidates=candidates,
            k=k,
        )
        lat.append(time.perf_counter() - t)
        linked += decision.claim_id == f"c{targets[i]}"
    exact = _exact_topk(base, q, k)
    found, _ = index.search(q, k)
    recall_k = _recall(found, exact, k)
    recall_1 = float(np.mean(found[:, 0] == exact[:, 0]))
    # Recall and search latency for other search depths (HNSW "ef"), same graph.
    sweep: list[dict[str, float]] = []
    for ef in EF_SWEEP:
        index.set_expansion_search(ef)  # the graph is unchanged; only the search depth
        t = time.perf_counter()
        for i in range(queries):
            index.search(q[i], k)
        per_query = (time.perf_counter() - t) / max(1, queries) * 1000.0
        got, _ = index.search(q, k)
        sweep.append(
            {
                "expansion_search": ef,
                "search_mean_ms": round(per_query, 3),
                "recall_at_1": round(float(np.mean(got[:, 0] == exact[:, 0])), 3),
                f"recall_at_{k}": round(_recall(got, exact, k), 3),
            }
        )
    index.set_expansion_search(expansion_search)
    ms = np.array(lat) * 1000.0
    return {
        "n": n,
        "dtype": dtype,
        "build_s": round(build_s, 2),
        "build_per_s": round(n / build_s, 1),
        "load_s": round(load_s, 3),
        "view_open_s": round(view_s, 4),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "index_memory_mb": round(memory / 1e6, 1),
        "link_p50_ms": round(float(np.percentile(ms, 50)), 3),
        "link_p95_ms": round(float(np.percentile(ms, 95)), 3),
        "link_mean_ms": round(float(ms.mean()), 3),
        "recall_at_1": round(recall_1, 3),
        f"recall_at_{k}": round(recall_k, 3),
        "linked_to_source_claim": round(linked / max(1, queries), 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "expansion_search": index.expansion_search,
        "ef_sweep": sweep,
    }


def run(
    sizes: Sequence[int] = (10_000, 100_000, 1_000_000),
    queries: int = 200,
    *,
    k: int = 10,
    dtype: str = DEFAULT_DTYPE,
    expansion_search: int = DEFAULT_EXPANSION_SEARCH,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Benchmark linking at each ledger size and report how latency grows.

    Returns:
        ``{"sizes": [per-size dict], "growth": {...}, "machine": {...}}``; the growth
        entry gives p50/p95 ratios between the largest and smallest size and the
        exponent ``b`` of a fit ``latency ~ n**b`` (0 = constant, 1 = linear scan).
    """
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for n in sizes:
            results.append(
                bench_size(
                    n,
                    queries=queries,
                    k=k,
                    dtype=dtype,
                    workdir=Path(tmp),
                    expansion_search=expansion_search,
                )
            )
    growth: dict[str, Any] = {}
    if len(results) >= 2:
        lo, hi = results[0], results[-1]
        ns = np.log([r["n"] for r in results])
        growth = {
            "from_n": lo["n"],
            "to_n": hi["n"],
            "size_ratio": hi["n"] / lo["n"],
            "p50_ratio": round(hi["link_p50_ms"] / lo["link_p50_ms"], 2),
            "p95_ratio": round(hi["link_p95_ms"] / lo["link_p95_ms"], 2),
            "p50_exponent": round(
                float(np.polyfit(ns, np.log([r["link_p50_ms"] for r in results]), 1)[0]), 3
            ),
        }
    return {
        "sizes": results,
        "growth": growth,
        "queries": queries,
        "k": k,
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or "?"},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dtype", choices=("f16", "f32"), default=DEFAULT_DTYPE)
    parser.add_argument("--ef", type=int, default=DEFAULT_EXPANSION_SEARCH, help="search depth")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    result = run(sizes=args.sizes, queries=args.queries, dtype=args.dtype, expansion_search=args.ef)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
