"""Check-worthiness evaluation: report, malformed CSVs and the quality gate on dev debates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimledger.errors import IngestError
from claimledger.eval.checkworthy import evaluate_checkworthy, format_checkworthy_report

BASELINE = Path(__file__).resolve().parents[2] / "src/claimledger/eval/baselines/checkworthy.json"


def test_quality_gate_on_dev_debates(datasets: Path) -> None:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    path = datasets / "claimbuster" / "crowdsourced.csv"
    result = evaluate_checkworthy(path, split="dev", limit=floors["limit"])
    report = format_checkworthy_report(result)
    assert "average precision" in report
    assert result["n"] == floors["n"]
    assert result["f1"] >= floors["f1"], report
    assert result["average_precision"] >= floors["average_precision"], report


def test_small_csv_metrics(tmp_path: Path) -> None:
    path = tmp_path / "cb.csv"
    path.write_text(
        "Text,Verdict\n"
        '"We have lost 800,000 manufacturing jobs in the last four years.",1\n'
        '"The deficit tripled to 400 billion dollars since 2001.",1\n'
        '"Thank you very much.",-1\n'
        '"I think we can do better.",0\n',
        encoding="utf-8",
    )
    result = evaluate_checkworthy(path)
    assert result["n"] == 4 and result["positives"] == 2
    assert result["average_precision"] == pytest.approx(1.0)
    assert result["f1"] == pytest.approx(1.0)


def test_threshold_one_predicts_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cb.csv"
    path.write_text('Text,Verdict\n"Jobs fell by 3 percent.",1\n"Hello.",-1\n', encoding="utf-8")
    result = evaluate_checkworthy(path, threshold=1.01)
    assert result["precision"] == 0.0 and result["recall"] == 0.0 and result["f1"] == 0.0


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("Sentence,Label\nx,1\n", "E202 .*cb.csv: .*missing columns Text, Verdict"),
        ('Text,Verdict\n"ok",1\n"bad",yes\n', r"E202 .*cb.csv:3: .*row 3: bad Verdict 'yes'"),
    ],
)
def test_malformed_csv_is_e202(tmp_path: Path, content: str, pattern: str) -> None:
    path = tmp_path / "cb.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=pattern):
        evaluate_checkworthy(path)
