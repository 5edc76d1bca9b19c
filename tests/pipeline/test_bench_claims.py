"""Smoke test of the claim-stage benchmark (``make bench`` runs it on the whole sample corpus)."""

from __future__ import annotations

from claimledger.pipeline.bench_claims import bench_claim_stage


def test_claim_stage_bench_reports_each_stage_against_the_parse() -> None:
    res = bench_claim_stage(articles=3)
    assert res["articles"] == 3
    assert res["statements"] > 0 and res["claims"] > 0
    for key in ("parse", "analysis", "propositions", "linking", "claim_stage"):
        assert res[f"{key}_ms_per_article"] > 0, key
    stage = res["propositions_ms_per_article"] + res["linking_ms_per_article"]
    assert abs(res["claim_stage_ms_per_article"] - stage) <= 0.2
    assert res["ratio_claim_stage_vs_parse"] > 0
