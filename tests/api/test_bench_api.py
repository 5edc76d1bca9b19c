"""Smoke test of benchmarks/bench_api.py at a tiny size (figures are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_api_runs_tiny(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_api", ROOT / "benchmarks" / "bench_api.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.run(30, requests=3, workdir=tmp_path)
    assert out["ledger"] == {"claims": 30, "articles": 90, "write_s": out["ledger"]["write_s"]}
    for route in ("claims_list", "claims_list_search", "claim_json", "claim_page", "ledger_page"):
        assert out[route]["n"] == 3
        assert 0 < out[route]["p50_ms"] <= out[route]["p95_ms"]
