"""Parquet archives read like JSON Lines: same articles, bad rows as coded failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimledger.config import load_config
from claimledger.ingest.sources import Defaults, read_jsonl
from claimledger.pipeline.batch import read_parquet_inputs, store_inputs
from claimledger.pipeline.parquet import read_parquet, write_parquet
from claimledger.records import Article, IngestFailure

CORPUS = Path(__file__).resolve().parents[2] / "src" / "claimledger" / "data" / "sample" / "corpus"


def _rows() -> list[dict[str, object]]:
    lines = (CORPUS / "articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_parquet_gives_the_articles_jsonl_gives(tmp_path: Path) -> None:
    write_parquet(_rows(), tmp_path / "a.parquet")
    via_parquet = list(read_parquet(tmp_path / "a.parquet", defaults=Defaults(), max_bytes=10**7))
    via_jsonl = list(read_jsonl(CORPUS / "articles.jsonl", defaults=Defaults(), max_bytes=10**7))
    assert len(via_parquet) == len(_rows()) > 10
    assert all(isinstance(a, Article) for a in via_parquet)
    strip = [
        (a.id, a.text, a.title, a.url, a.outlet, a.published)
        for a in via_jsonl
        if isinstance(a, Article)
    ]
    assert [
        (a.id, a.text, a.title, a.url, a.outlet, a.published)
        for a in via_parquet
        if isinstance(a, Article)
    ] == strip


def test_bad_rows_are_failures_naming_file_and_row(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {
            "text": "The ministry said the troops had returned to their bases on Monday.",
            "outlet": "Desk",
        },
        {"text": None, "outlet": "Desk"},
        {"text": "   ", "outlet": "Desk"},
        {
            "text": "A valid second article about the border crossing and the convoy.",
            "published": "not a date",
        },
        {"text": "x" * 200, "outlet": "Desk"},
    ]
    write_parquet(rows, tmp_path / "b.parquet")
    got = list(read_parquet(tmp_path / "b.parquet", defaults=Defaults(), max_bytes=150))
    codes = [(g.item.rsplit(":", 1)[1], g.code) for g in got if isinstance(g, IngestFailure)]
    assert codes == [("2", "E108"), ("3", "E103"), ("4", "E112"), ("5", "E105")]
    assert isinstance(got[0], Article) and got[0].outlet == "Desk"


def test_timestamp_column_and_defaults(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    when = datetime(2025, 3, 4, 12, 30, tzinfo=UTC)
    pq.write_table(
        pa.table(
            {"text": ["Officials said the bridge was closed to traffic."], "published": [when]}
        ),
        tmp_path / "c.parquet",
    )
    [art] = read_parquet(
        tmp_path / "c.parquet", defaults=Defaults(outlet="Fallback"), max_bytes=10**6
    )
    assert isinstance(art, Article)
    assert art.published == when and art.outlet == "Fallback"


def test_timestamp_units_and_naive_timestamps(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    aware = datetime(2025, 3, 4, 12, 30, 15, 250_000, tzinfo=UTC)
    for unit in ("s", "ms", "us", "ns"):
        col = pa.array([aware, None], type=pa.timestamp(unit, tz="Europe/Kyiv"))
        pq.write_table(
            pa.table({"text": ["The mayor said it.", "Nobody said it."], "published": col}),
            tmp_path / f"{unit}.parquet",
        )
        first, second = read_parquet(
            tmp_path / f"{unit}.parquet", defaults=Defaults(), max_bytes=10**6
        )
        assert isinstance(first, Article) and isinstance(second, Article)
        want = aware if unit != "s" else aware.replace(microsecond=0)
        assert first.published == want, unit
        assert second.published is None
    naive = pa.array([datetime(2025, 3, 4, 12, 30)], type=pa.timestamp("us"))
    pq.write_table(
        pa.table({"text": ["The mayor said it."], "published": naive}), tmp_path / "n.parquet"
    )
    [art] = read_parquet(tmp_path / "n.parquet", defaults=Defaults(), max_bytes=10**6)
    assert isinstance(art, Article) and art.published is not None
    assert art.published.replace(tzinfo=None) == datetime(2025, 3, 4, 12, 30)


def test_not_parquet_and_no_text_column_are_one_failure_each(tmp_path: Path) -> None:
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    [bad] = read_parquet(tmp_path / "junk.parquet", defaults=Defaults(), max_bytes=10**6)
    assert (
        isinstance(bad, IngestFailure) and bad.code == "E101" and bad.item.endswith("junk.parquet")
    )
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["some text"]}), tmp_path / "notext.parquet")
    [none] = read_parquet(tmp_path / "notext.parquet", defaults=Defaults(), max_bytes=10**6)
    assert isinstance(none, IngestFailure) and none.code == "E108"


def test_folders_store_parquet_with_the_other_formats_once(tmp_path: Path, ledger: Any) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "The minister said the talks would resume next week in the capital.", encoding="utf-8"
    )
    write_parquet(_rows()[:3], tmp_path / "in" / "b.parquet")
    config = load_config(environ={}, user_file=Path("/nonexistent"))
    found = list(read_parquet_inputs([str(tmp_path / "in")], config=config))
    assert len(found) == 3 and all(isinstance(a, Article) for a in found)

    first = store_inputs([str(tmp_path / "in")], ledger=ledger, config=config, run_id="r1")
    assert len(first.added) == 4 and not first.failures
    assert {a.source for a in ledger.articles()} >= {str(tmp_path / "in" / "a.txt")}
    # Named directly, and again with the folder: everything is a duplicate now.
    again = store_inputs(
        [str(tmp_path / "in" / "b.parquet"), str(tmp_path / "in")],
        ledger=ledger,
        config=config,
        run_id="r2",
    )
    assert not again.added and len(again.duplicates) == 7
    assert ledger.count("articles") == 4


def test_a_timestamp_beyond_python_dates_fails_its_row_only(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    col = pa.array([2**62, 0], type=pa.timestamp("us", tz="UTC"))
    pq.write_table(
        pa.table({"text": ["The mayor said it.", "The mayor said it again."], "published": col}),
        tmp_path / "far.parquet",
    )
    far, near = read_parquet(tmp_path / "far.parquet", defaults=Defaults(), max_bytes=10**6)
    assert isinstance(far, IngestFailure) and far.item.endswith("far.parquet:1")
    assert isinstance(near, Article) and near.published == datetime(1970, 1, 1, tzinfo=UTC)
