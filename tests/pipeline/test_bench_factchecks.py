"""The ``track --file`` benchmark runs on a few claims and reports its figures.

Not a timed test: it checks that the benchmark behind ``make bench`` (result
``factchecks``) works, not how fast anything is.
"""

from __future__ import annotations

import pytest

from claimledger.pipeline.bench_factchecks import bench_track_file, generated_factchecks

pytestmark = pytest.mark.slow


def test_generated_factchecks_are_distinct_and_complete() -> None:
    rows = generated_factchecks(300)
    assert len({(r["claim"], r["claimant"]) for r in rows}) == 300
    assert all(r["claim"] and r["rating"] and r["url"] for r in rows)
    assert generated_factchecks(5) == rows[:5]  # the same seed gives the same claims


def test_bench_smoke() -> None:
    res = bench_track_file(n=12, sample=3)
    assert res["stored"] == {"claims": 12, "manual_evidence": 12}
    assert res["rerun_added"] == {"claims": 0, "manual_evidence": 0}
    assert res["one_by_one"]["claims"] == 3
    for arm in (res["bulk"], res["one_by_one"]):
        assert arm["wall_s"] > 0 and arm["peak_rss_mb"] > 0
    assert res["ratio_one_by_one_vs_bulk_per_claim"] > 0
