"""``benchmarks/run.py --quick`` runs every benchmark on tiny inputs and writes its outputs.

Not a timed test: it checks that the benchmark code runs and produces the
figures docs/performance.md is built from, so that ``make bench`` works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_run_quick_writes_results_and_table(tmp_path: Path, datasets: Path) -> None:
    docs = tmp_path / "performance.md"
    docs.write_text(
        "# Performance\n\nProse stays.\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nMore prose.\n"
    )
    env = {
        **os.environ,
        "CLAIMLEDGER_CONFIG": "/nonexistent",
        "CLAIMLEDGER_BENCH_TMP": str(tmp_path),
        # The stance benchmark reads FNC-1 pairs.
        "CLAIMLEDGER_DATASETS": str(datasets),
    }
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--out",
            str(tmp_path / "results"),
            "--docs",
            str(docs),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]

    results = {
        p.stem: json.loads(p.read_text("utf-8")) for p in (tmp_path / "results").glob("*.json")
    }
    assert {
        "pipeline_end_to_end",
        "pipeline_stages",
        "pipeline_ray_scaling",
        "pipeline_incremental",
        "pipeline_databases",
    } <= set(results)
    for name, result in results.items():
        assert "error" not in result, (name, result.get("error"))
        assert result["machine"]["cores"] >= 1, name
    e2e = results["pipeline_end_to_end"]
    assert 0 < e2e["ratio_pipeline_vs_parse"] and e2e["peak_rss_mb"] > 100
    ray = results["pipeline_ray_scaling"]
    assert ray["same_claims"]
    for run in ray["runs"].values():
        # Every article analysed by some actor (on a tiny input the first actor ready may take all).
        assert sum(run["worker_articles"]) == ray["articles"]
        assert all(rss > 100 for rss in run["worker_peak_rss_mb"])
    assert [s["claims"] for s in results["pipeline_incremental"]["sizes"]] == [300, 1000]
    assert set(results["pipeline_databases"]["runs"]) == {"sqlite", "postgresql"}

    text = docs.read_text("utf-8")
    assert "old" not in text and "Prose stays." in text and "More prose." in text
    assert "| end to end vs parse | **ratio pipeline / parse** |" in text
    assert "2 cores" in text or "cores," in text
