"""Quality gate of the short-pair stance path (claim vs one statement) on held-out dev bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimledger.eval.stance import evaluate_pairs, format_stance_report, short_dev_pairs
from claimledger.stance.data import is_dev_body

BASELINE = Path(__file__).resolve().parents[2] / "src/claimledger/eval/baselines/stance.json"

pytestmark = pytest.mark.slow


def test_short_dev_pairs_come_from_dev_bodies_only(datasets: Path) -> None:
    pairs = short_dev_pairs(datasets / "fnc-1", kind="headlines", limit=200)
    assert 0 < len(pairs) <= 200
    assert all(is_dev_body("fnc-1", p.body_id) for p in pairs)
    assert {p.label for p in pairs} == {"agree", "disagree", "discuss", "unrelated"}
    assert pairs == short_dev_pairs(datasets / "fnc-1", kind="headlines", limit=200)


def test_quality_gate_short_pairs(datasets: Path, embedder: Any) -> None:
    """The short path is at least as good as the whole-body model, and above the floor."""
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["short_headlines"]
    pairs = short_dev_pairs(datasets / "fnc-1", kind="headlines", limit=floors["limit"])
    assert len(pairs) == floors["n"]
    short = evaluate_pairs(pairs, embedder=embedder)
    whole = evaluate_pairs(pairs, embedder=embedder, use_short_model=False)
    report = format_stance_report(short)
    assert short["fnc_score"] >= floors["fnc_score"], report
    assert short["macro_f1"] >= floors["macro_f1"], report
    assert short["per_class_f1"]["disagree"] >= floors["disagree_f1"], report
    assert short["macro_f1"] >= whole["macro_f1"], format_stance_report(whole)
