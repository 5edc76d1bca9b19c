"""Brat reader, scorer and the attribution quality gate on PolNeAR dev."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimledger.errors import ExtractError
from claimledger.eval.attribution import (
    evaluate_attribution,
    format_attribution_report,
    score_documents,
)
from claimledger.eval.brat import read_ann, read_split, token_jaccard
from claimledger.extract.features import span_kind
from claimledger.records import Attribution

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "src" / "claimledger" / "eval" / "baselines" / "attribution.json"

TEXT = (
    'The minister said the talks failed. "We will not give up," she added.\n'
    "Officials are tired, according to Reuters."
)


def _pos(sub: str, start: int = 0) -> tuple[int, int]:
    i = TEXT.index(sub, start)
    return i, i + len(sub)


def _ann_lines() -> list[str]:
    src, cue, con = _pos("The minister"), _pos("said"), _pos("the talks failed")
    con2, cue2, src2 = _pos('"We will not give up,"'), _pos("added"), _pos("she")
    con3, cue3, src3 = _pos("Officials are tired"), _pos("according to"), _pos("Reuters")
    lines = []
    n = 0
    for s, c, k in ((src, cue, con), (src2, cue2, con2), (src3, cue3, con3)):
        ids = []
        for label, span in (("Source", s), ("Cue", c), ("Content", k)):
            n += 1
            lines.append(f"T{n}\t{label} {span[0]} {span[1]}\t{TEXT[span[0] : span[1]]}")
            ids.append(f"T{n}")
        e = len(lines)
        lines.append(f"E{e}\tAttribution:{ids[1]} Content:{ids[2]} Cue:{ids[1]} Source:{ids[0]}")
    return lines


def _write_split(root: Path, anns: dict[str, list[str]], name: str = "doc1") -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / f"{name}.txt").write_bytes(TEXT.encode("utf-8"))
    for anno, lines in anns.items():
        (root / "attributions" / f"{name}_{anno}.ann").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return root


def test_read_split_types_spans_and_kinds(tmp_path: Path) -> None:
    docs = read_split(_write_split(tmp_path / "s", {"ab12": _ann_lines()}))
    assert len(docs) == 1 and docs[0].annotator == "ab12"
    atts = docs[0].attributions
    assert [TEXT[a.content[0] : a.content[1]] for a in atts] == [
        "the talks failed",
        '"We will not give up,"',
        "Officials are tired",
    ]
    assert [a.kind for a in atts] == ["indirect", "direct", "indirect"]
    assert TEXT[atts[2].source[0] : atts[2].source[1]] == "Reuters"  # type: ignore[index]


def test_no_source_attribution_and_discontinuous_content(tmp_path: Path) -> None:
    a, b = _pos("the talks"), _pos("failed")
    lines = [
        f"T1\tCue {_pos('said')[0]} {_pos('said')[1]}\tsaid",
        f"T2\tContent {a[0]} {a[1]};{b[0]} {b[1]}\tthe talks failed",
        "T3\tAttribution 0 3\tThe",
        "E1\tAttribution-no-source:T3 Cue:T1 Content:T2",
        "#1\tAnnotatorNotes T2\ta note",
    ]
    att = read_split(_write_split(tmp_path / "s", {"ab12": lines}))[0].attributions[0]
    assert att.source is None
    assert att.content == (a[0], b[1])
    assert att.content_fragments == (a, b)


def test_span_text_spanning_lines_is_read(tmp_path: Path) -> None:
    start, end = _pos("she added.\nOfficials")
    lines = [
        f"T1\tContent {start} {end}\tshe added.",
        "Officials",
        f"T2\tCue {_pos('said')[0]} {_pos('said')[1]}\tsaid",
        "E1\tAttribution-no-source:T2 Content:T1 Cue:T2",
    ]
    path = tmp_path / "x_ab12.ann"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert read_ann(path, TEXT)[0].content == (start, end)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("T1\tContent 5 x\tfoo", "bad offsets"),
        ("T1\tContent 5 99999\tfoo", "outside text"),
        ("T1\tContent\tfoo", "without offsets"),
        ("garbage line", "unrecognised line"),
        ("E1\tAttribution:T9 Content:T8", "unknown span"),
        ("E1\tAttribution", "bad event argument"),
    ],
)
def test_malformed_ann_raises_e202_naming_file_and_line(
    tmp_path: Path, line: str, why: str
) -> None:
    path = tmp_path / "bad_ab12.ann"
    path.write_text(f"T7\tCue 0 3\tThe\n{line}\n", encoding="utf-8")
    with pytest.raises(ExtractError) as err:
        read_ann(path, TEXT)
    msg = str(err.value)
    assert msg.startswith("E202 ")
    assert f"{path}:2" in msg and why in msg


def test_missing_layout_is_e202(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="E202"):
        read_split(tmp_path)


def test_medoid_annotator_is_chosen(tmp_path: Path) -> None:
    full = _ann_lines()
    partial = full[:4]  # only the first attribution
    odd = [f"T1\tContent {_pos('minister')[0]} {_pos('minister')[1]}\tminister"]
    odd.append("T2\tCue 0 3\tThe")
    odd.append("E1\tAttribution-no-source:T2 Content:T1 Cue:T2")
    docs = read_split(_write_split(tmp_path / "s", {"aaaa": odd, "bbbb": full, "cccc": partial}))
    # aaaa agrees with nobody (mean 0); bbbb and cccc agree with each other (F1 0.5) and
    # tie at a mean of 0.25: the smaller id wins.
    assert docs[0].annotator == "bbbb"


def test_span_kind_rule() -> None:
    text = 'He said "we will win" and that the vote "was rigged" by them.'
    assert span_kind(text, (8, 21)) == "direct"
    assert span_kind(text, (26, 61)) == "mixed"
    assert span_kind(text, (0, 7)) == "indirect"


def test_token_jaccard() -> None:
    text = "alpha beta gamma delta"
    assert token_jaccard(text, (0, 10), (0, 10)) == 1.0
    assert token_jaccard(text, (0, 10), (6, 16)) == pytest.approx(1 / 3)


def test_score_documents_counts(tmp_path: Path) -> None:
    docs = read_split(_write_split(tmp_path / "s", {"ab12": _ann_lines()}))
    gold = docs[0].attributions
    preds = [
        # exact after trimming punctuation, right source and cue
        Attribution(
            content=gold[0].content, kind="indirect", source=gold[0].source, cue=gold[0].cue
        ),
        # content without quotes: Jaccard 1, exact after trim, no source (wrong)
        Attribution(content=_pos("We will not give up"), kind="direct", cue=gold[1].cue),
        # a spurious one
        Attribution(content=_pos("The minister"), kind="indirect"),
    ]
    m = score_documents(docs, [preds])
    assert m["content_jaccard"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert m["content_exact"]["recall"] == 0.6667
    assert m["content_strict"]["recall"] == 0.3333
    assert m["source_accuracy"] == 0.5
    assert m["triple"]["recall"] == 0.3333
    report = format_attribution_report(m)
    assert "content exact" in report and "direct" in report


@pytest.mark.slow
def test_quality_gate_on_dev_subset(datasets: Path, nlp: object) -> None:
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    metrics = evaluate_attribution(
        datasets / "polnear" / "dev",
        limit=floors["limit"],
        nlp=nlp,  # type: ignore[arg-type]
    )
    assert metrics["documents"] == floors["limit"]
    assert metrics["content_jaccard"]["f1"] >= floors["content_jaccard_f1"]
    assert metrics["content_exact"]["f1"] >= floors["content_exact_f1"]
    assert metrics["source_accuracy"] >= floors["source_accuracy"]
    assert metrics["triple"]["f1"] >= floors["triple_f1"]
