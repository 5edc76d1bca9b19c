"""Linking evaluation: pair building, scoring, report, and the quality gate."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimledger.errors import ExtractError
from claimledger.eval.linking import (
    LinkPair,
    build_fnc_pairs,
    evaluate_linking,
    format_linking_report,
    read_pairs,
)

HERE = Path(__file__).resolve().parent
HAND_PAIRS = HERE / "linking_pairs.jsonl"
BASELINE = HERE.parents[1] / "src" / "claimledger" / "eval" / "baselines" / "linking.json"


def _floors() -> dict[str, Any]:
    return dict(json.loads(BASELINE.read_text(encoding="utf-8")))


class BagOfWords:
    """A tiny deterministic encoder so that the scoring code is tested without MiniLM."""

    def encode(self, texts: Any) -> np.ndarray:
        vocab: dict[str, int] = {}
        rows = []
        for text in texts:
            row: Counter[int] = Counter()
            for w in text.lower().split():
                row[vocab.setdefault(w.strip(".,"), len(vocab) % 64)] += 1
            rows.append(row)
        out = np.zeros((len(rows), 64), dtype=np.float32)
        for i, row in enumerate(rows):
            for j, c in row.items():
                out[i, j] = c
        unit: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return unit


def test_fnc_pairs_are_deterministic_balanced_and_split_by_claim(datasets: Path) -> None:
    fnc = datasets / "fnc-1"
    dev = build_fnc_pairs(fnc, split="dev", max_pairs=300)
    assert dev == build_fnc_pairs(fnc, split="dev", max_pairs=300)
    assert len(dev) == 300
    assert sum(p.same for p in dev) == 150
    kinds = Counter(p.kind for p in dev)
    assert kinds["diff:hard"] > 0 and kinds["diff:random"] > 0 and kinds["same:opposed"] > 0
    test = build_fnc_pairs(fnc, split="test", max_pairs=300)
    # The slices hold different claims, so no headline is in both.
    dev_heads = {t for p in dev for t in (p.text_a, p.text_b)}
    test_heads = {t for p in test for t in (p.text_a, p.text_b)}
    assert not dev_heads & test_heads
    assert build_fnc_pairs(fnc, split="dev", seed=99, max_pairs=300) != dev


def test_fnc_pairs_bad_folder_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="E202"):
        build_fnc_pairs(tmp_path)
    (tmp_path / "train_stances.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="Headline"):
        build_fnc_pairs(tmp_path)


def test_read_pairs_parses_and_rejects(tmp_path: Path) -> None:
    pairs = read_pairs(HAND_PAIRS)
    assert len(pairs) >= 40
    assert {p.same for p in pairs} == {True, False}
    assert any(p.date_a is not None for p in pairs)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": "x", "b": "y"}\n', encoding="utf-8")
    with pytest.raises(ExtractError, match=r"bad.jsonl:1"):
        read_pairs(bad)
    bad.write_text('{"a": "x", "b": "y", "same": true, "date_a": "yesterday"}\n', encoding="utf-8")
    with pytest.raises(ExtractError, match="bad date"):
        read_pairs(bad)


def test_evaluate_linking_metrics_with_a_stub_encoder() -> None:
    pairs = [
        LinkPair("troops leave kyiv", "troops leave kyiv now", True, "same"),
        LinkPair("troops leave kyiv", "gas prices rose", False, "diff"),
        LinkPair("gas prices rose", "petrol costs climbed", True, "same"),
    ]
    result = evaluate_linking(pairs, embedder=BagOfWords(), threshold=0.5)
    # Word overlap finds the first pair, misses the paraphrase, rejects the other topic.
    assert result["n"] == 3 and result["positives"] == 2
    assert result["precision"] == 1.0 and result["recall"] == 0.5
    assert result["by_kind"]["diff"]["accuracy"] == 1.0
    report = format_linking_report(result)
    assert "precision 1.000" in report and "recall 0.500" in report
    empty = evaluate_linking([], embedder=BagOfWords())
    assert empty["n"] == 0 and empty["f1"] == 0.0


@pytest.mark.slow
def test_quality_gate_fnc_dev_subset(datasets: Path, embedder: Any) -> None:
    floors = _floors()["fnc_dev_subset"]
    pairs = build_fnc_pairs(
        datasets / "fnc-1",
        split=floors["split"],
        seed=floors["seed"],
        max_pairs=floors["max_pairs"],
    )
    result = evaluate_linking(pairs, embedder=embedder)
    print(format_linking_report(result))
    assert result["f1"] >= floors["f1"]
    assert result["precision"] >= floors["precision"]
    assert result["average_precision"] >= floors["average_precision"]


@pytest.mark.slow
def test_quality_gate_handwritten_pairs(embedder: Any) -> None:
    floors = _floors()["handwritten"]
    result = evaluate_linking(HAND_PAIRS, embedder=embedder)
    print(format_linking_report(result))
    assert result["f1"] >= floors["f1"]
    assert result["accuracy"] >= floors["accuracy"]
    # Disagreeing statements about one proposition must link (stance refutes later).
    assert result["by_kind"]["same:opposed"]["accuracy"] >= 0.85
    assert result["by_kind"]["diff:topic"]["accuracy"] == 1.0
