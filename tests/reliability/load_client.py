"""A small closed-loop HTTP load generator (threads + httpx), run as its own process.

Usage::

    python tests/reliability/load_client.py --base http://127.0.0.1:PORT --seconds 10 \
        --threads 8 --path /api/claims --path /claims/ID --path /articles/ID

Each thread keeps one keep-alive connection and requests the paths in turn,
as fast as the server answers, for ``--seconds``. Prints one JSON object:
requests served, errors (transport errors and any status >= 400), latency
percentiles in milliseconds, overall and per path.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

import httpx


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--path", action="append", required=True)
    args = parser.parse_args(argv)

    lock = threading.Lock()
    latencies: dict[str, list[float]] = {p: [] for p in args.path}
    errors: list[str] = []
    stop_at = time.monotonic() + args.seconds

    def worker(offset: int) -> None:
        with httpx.Client(
            base_url=args.base, timeout=30.0, headers={"Accept": "text/html,application/json"}
        ) as client:
            i = offset
            while time.monotonic() < stop_at:
                path = args.path[i % len(args.path)]
                i += 1
                t0 = time.perf_counter()
                try:
                    resp = client.get(path)
                    _ = resp.content
                    ok = resp.status_code < 400
                    why = f"{resp.status_code} {path}"
                except httpx.HTTPError as exc:
                    ok = False
                    why = f"{type(exc).__name__} {path}"
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        latencies[path].append(took)
                    else:
                        errors.append(why)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    every = [x for v in latencies.values() for x in v]
    out: dict[str, Any] = {
        "seconds": round(elapsed, 2),
        "threads": args.threads,
        "requests": len(every) + len(errors),
        "errors": len(errors),
        "error_samples": errors[:10],
        "requests_per_second": round((len(every) + len(errors)) / elapsed, 1),
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "max_ms": round(max(every, default=0.0), 1),
        "paths": {
            p: {
                "requests": len(v),
                "p50_ms": round(percentile(v, 50), 1),
                "p95_ms": round(percentile(v, 95), 1),
            }
            for p, v in latencies.items()
        },
    }
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
