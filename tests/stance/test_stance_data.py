"""FNC-format readers and the by-body split."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimledger.errors import IngestError
from claimledger.stance.data import dev_subset, read_fnc_dir, split_by_body, write_fnc_dir


def _write(folder: Path, bodies: str, stances: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x_bodies.csv").write_text(bodies, encoding="utf-8")
    (folder / "x_stances.csv").write_text(stances, encoding="utf-8")
    return folder


def test_reads_pairs(tmp_path: Path) -> None:
    d = _write(
        tmp_path,
        'Body ID,articleBody\n1,"Body one."\n2,"Body two, with ""quotes""."\n',
        "Headline,Body ID,Stance\nH1,1,agree\nH2,2,Unrelated\n",
    )
    pairs = read_fnc_dir(d)
    assert [(p.headline, p.body_id, p.label) for p in pairs] == [
        ("H1", "1", "agree"),
        ("H2", "2", "unrelated"),
    ]
    assert pairs[1].body == 'Body two, with "quotes".'


def test_unknown_label_names_file_and_row(tmp_path: Path) -> None:
    d = _write(
        tmp_path, "Body ID,articleBody\n1,b\n", "Headline,Body ID,Stance\nH,1,agree\nH,1,maybe\n"
    )
    with pytest.raises(
        IngestError, match=r"E202 .*x_stances.csv:3: .*row 3: unknown stance 'maybe'"
    ):
        read_fnc_dir(d)


def test_unknown_body_id(tmp_path: Path) -> None:
    d = _write(tmp_path, "Body ID,articleBody\n1,b\n", "Headline,Body ID,Stance\nH,9,agree\n")
    with pytest.raises(IngestError, match="E202 .*unknown Body ID '9'"):
        read_fnc_dir(d)


def test_missing_columns_and_files(tmp_path: Path) -> None:
    d = _write(tmp_path / "a", "id,text\n1,b\n", "Headline,Body ID,Stance\n")
    with pytest.raises(IngestError, match="E202 .*missing columns"):
        read_fnc_dir(d)
    (tmp_path / "b").mkdir()
    with pytest.raises(IngestError, match="E202 .*no file matching"):
        read_fnc_dir(tmp_path / "b")
    with pytest.raises(IngestError, match="E202 .*not a directory"):
        read_fnc_dir(tmp_path / "nope")


def test_split_by_body_is_disjoint_and_deterministic(datasets: Path) -> None:
    pairs = read_fnc_dir(datasets / "fnc-1", source="fnc-1")
    train, dev = split_by_body(pairs)
    assert len(train) + len(dev) == len(pairs)
    assert not {p.body_id for p in train} & {p.body_id for p in dev}
    assert 0.15 < len(dev) / len(pairs) < 0.25
    assert split_by_body(pairs)[1] == dev
    sub = dev_subset(dev, limit=200)
    assert len(sub) <= 200 and sub == dev_subset(dev, limit=200)
    assert {p.label for p in sub} == {"agree", "disagree", "discuss", "unrelated"}


def test_write_fnc_dir_round_trips(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in",
        'Body ID,articleBody\n1,"Line one.\nLine, two."\n2,b\n',
        'Headline,Body ID,Stance\nH1,1,agree\n"H, 2",2,discuss\nH3,1,unrelated\n',
    )
    pairs = read_fnc_dir(src)
    write_fnc_dir(pairs, tmp_path / "out")
    again = read_fnc_dir(tmp_path / "out")
    assert [(p.headline, p.body_id, p.body, p.label) for p in again] == [
        (p.headline, p.body_id, p.body, p.label) for p in pairs
    ]
