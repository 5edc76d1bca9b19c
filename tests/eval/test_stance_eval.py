"""Stance evaluation: the JSON-lines contract, report, and the quality gate on FNC-1 dev."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimledger.errors import IngestError
from claimledger.eval.stance import (
    evaluate_news_stance,
    evaluate_rumoureval,
    evaluate_stance,
    format_rumour_report,
    format_stance_report,
    ledger_stance_metrics,
    parse_stance_pairs,
    read_stance_pairs_jsonl,
    rumour_subset,
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


@pytest.mark.slow
def test_quality_gate_questions_on_rumoureval_dev_subset(datasets: Path, embedder: Any) -> None:
    """The learned ``questions`` stance on RumourEval dev replies (query -> questions)."""
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["rumoureval_dev"]
    path = datasets / "rumoureval2019" / "dev.jsonl"
    result = evaluate_rumoureval(path, embedder=embedder, limit=floors["limit"])
    report = format_rumour_report(result)
    assert result["n"] == floors["n"]
    assert result["gold_counts"]["questions"] > 0
    assert result["per_class_f1"]["questions"] >= floors["questions_f1"], report
    assert result["macro_f1"] >= floors["macro_f1"], report


@pytest.mark.slow
def test_quality_gate_questions_on_news_dev(datasets: Path, embedder: Any) -> None:
    """The learned ``questions`` stance on the dev part of the labelled news sentences."""
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["news_dev"]
    result = evaluate_news_stance(datasets, split="dev", embedder=embedder)
    report = format_rumour_report(result)
    assert result["n"] == floors["n"]
    assert result["per_class_f1"]["questions"] >= floors["questions_f1"], report
    assert result["macro_f1"] >= floors["macro_f1"], report


def test_ledger_stance_metrics_counts_unrelated_as_discusses() -> None:
    gold = ["questions", "discusses", "refutes", "supports"]
    pred = ["questions", "unrelated", "questions", "supports"]
    m = ledger_stance_metrics(gold, pred)
    assert m["per_class_f1"]["discusses"] == 1.0
    assert m["per_class_f1"]["questions"] == pytest.approx(2 / 3)
    assert m["per_class_f1"]["refutes"] == 0.0
    assert m["recall"]["questions"] == 1.0 and m["precision"]["questions"] == 0.5
    assert m["macro_f1"] == pytest.approx((2 / 3 + 1.0 + 0.0 + 1.0) / 4)


def test_rumour_subset_is_stratified_and_deterministic() -> None:
    from claimledger.stance.rumoureval import RumourPost

    posts = [
        RumourPost(str(i), "t", "e", "c", "x", "questions" if i % 4 == 0 else "discusses", False)
        for i in range(40)
    ]
    sub = rumour_subset(posts, limit=20)
    assert len(sub) == 20
    assert sum(p.stance == "questions" for p in sub) == 5
    assert [p.id for p in sub] == [p.id for p in rumour_subset(list(reversed(posts)), limit=20)]
