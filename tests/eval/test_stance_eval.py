"""Stance evaluation: the JSON-lines contract, report, and the quality gate on FNC-1 dev."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimledger.errors import IngestError
from claimledger.eval.stance import (
    evaluate_stance,
    format_stance_report,
    parse_stance_pairs,
    read_stance_pairs_jsonl,
    stance_lines,
)

BASELINE = Path(__file__).resolve().parents[2] / "src/claimledger/eval/baselines/stance.json"


def test_parse_valid_lines_skips_blank() -> None:
    lines = ['{"id": 1, "claim": "c", "text": "t"}', "", '{"id": "b", "claim": "", "text": ""}']
    reqs = parse_stance_pairs(lines)
    assert [(r.id, r.claim, r.text) for r in reqs] == [(1, "c", "t"), ("b", "", "")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "malformed JSON line 2"),
        ("[1, 2]", "not a JSON object"),
        ('{"id": 1, "claim": "c"}', "missing text"),
        ('{"id": 1, "claim": 5, "text": "t"}', "must be strings"),
        ('{"id": null, "claim": "c", "text": "t"}', "id must be"),
    ],
)
def test_malformed_line_is_e104_naming_the_line(line: str, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"id": 0, "claim": "c", "text": "t"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_stance_pairs_jsonl(path)
    msg = str(err.value)
    assert msg.startswith(f"E104 {path}: malformed JSON line 2")
    assert reason in msg


def test_unreadable_file_is_e101(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="E101"):
        read_stance_pairs_jsonl(tmp_path / "missing.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(IngestError, match="E101"):
        read_stance_pairs_jsonl(tmp_path / "bin.jsonl")


@pytest.mark.slow
def test_stance_lines_contract(embedder: Any) -> None:
    reqs = parse_stance_pairs(
        [
            json.dumps({"id": "x1", "claim": "Russia sent troops to Crimea.", "text": ""}),
            json.dumps(
                {
                    "id": 7,
                    "claim": "Russia sent troops to Crimea.",
                    "text": "Russia sent thousands of troops to Crimea, officials confirmed.",
                }
            ),
        ]
    )
    out = stance_lines(reqs, embedder=embedder)
    assert [o["id"] for o in out] == ["x1", 7]
    assert all(set(o) == {"id", "stance", "confidence"} for o in out)
    assert out[0]["stance"] == "unrelated"
    assert out[1]["stance"] in {"supports", "discusses"}
    assert all(0.0 <= o["confidence"] <= 1.0 for o in out)
    json.dumps(out)  # serialisable as the CLI prints it


@pytest.mark.slow
def test_quality_gate_on_fnc_dev_subset(datasets: Path, embedder: Any) -> None:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    result = evaluate_stance(
        datasets / "fnc-1", embedder=embedder, split="dev", limit=floors["limit"]
    )
    report = format_stance_report(result)
    assert "FNC-1 score" in report and "macro-F1" in report
    assert result["n"] == floors["n"]
    assert result["fnc_score"] >= floors["fnc_score"], report
    assert result["macro_f1"] >= floors["macro_f1"], report
    assert result["related_f1"] >= floors["related_f1"], report
