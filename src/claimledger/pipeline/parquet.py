"""Reading articles from Parquet files (the columnar format of archive dumps).

A Parquet file holds one article per row with the columns of the JSON Lines
format: ``text`` (required), ``url``, ``title``, ``outlet``, ``published``
(string, date or timestamp) and ``byline``. Rows are read in record batches,
so a large file is never held in memory whole. A bad row is an
``IngestFailure`` naming ``file:row``; the other rows go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from claimledger.errors import Code, IngestError
from claimledger.ingest.sources import Defaults, article_from_record, record_problem
from claimledger.records import Article, IngestFailure

log = logging.getLogger(__name__)

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
COLUMNS = ("text", "url", "title", "outlet", "published", "byline")
_ROWS_PER_BATCH = 1024


def is_parquet(path: Path) -> bool:
    """True when ``path`` is named like a Parquet file."""
    return path.name.lower().endswith(PARQUET_SUFFIXES)


_EPOCH = datetime(1970, 1, 1)
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _batch_rows(batch: Any) -> list[dict[str, Any]]:
    """The rows of a record batch as dicts, timestamps converted here rather than by Arrow.

    Arrow's own conversion of time-zone-aware timestamps to Python objects crashed the
    interpreter (a segmentation fault) in a process that had loaded the API and model
    stack, so timestamp columns are read as integers and turned into datetimes here:
    aware columns as UTC instants, naive ones as naive datetimes.
    """
    import pyarrow as pa

    columns: dict[str, list[Any]] = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        kind = column.type
        if pa.types.is_timestamp(kind):
            scale = _PER_SECOND[kind.unit]
            ticks = column.cast(pa.int64()).to_pylist()
            base = _EPOCH.replace(tzinfo=UTC) if kind.tz else _EPOCH
            columns[name] = [_instant(base, t, scale) for t in ticks]
        else:
            columns[name] = column.to_pylist()
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _instant(base: datetime, ticks: int | None, per_second: int) -> datetime | str | None:
    """``ticks`` after the epoch; a value beyond Python's dates is kept as its number,
    so that the row fails with a one-line error naming it instead of the whole file."""
    if ticks is None:
        return None
    try:
        return base + timedelta(microseconds=ticks * 1_000_000 // per_second)
    except OverflowError:
        return str(ticks)


def _row_article(
    row: dict[str, Any], *, item: str, defaults: Defaults, max_bytes: int
) -> Article | IngestFailure:
    try:
        problem = record_problem(row)
        if problem is not None:
            raise IngestError(Code.E108, item, reason=problem)
        size = len(row["text"].encode("utf-8"))
        if size > max_bytes:
            raise IngestError(Code.E105, item, size=size, limit=max_bytes)
        return article_from_record(row, item=item, defaults=defaults)
    except IngestError as exc:
        return IngestFailure(item=exc.item, code=exc.code.name, reason=exc.reason)


def read_parquet(
    path: Path, *, defaults: Defaults, max_bytes: int
) -> Iterator[Article | IngestFailure]:
    """Articles of one Parquet file, row by row (rows numbered from 1)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pfile = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        yield IngestFailure(item=str(path), code="E101", reason=Code.E101.format(reason=reason))
        return
    names = set(pfile.schema_arrow.names)
    if "text" not in names:
        reason = Code.E108.format(reason='Parquet file without a "text" column')
        yield IngestFailure(item=str(path), code="E108", reason=reason)
        return
    columns = [c for c in COLUMNS if c in names]
    rowno = 0
    try:
        for batch in pfile.iter_batches(batch_size=_ROWS_PER_BATCH, columns=columns):
            for row in _batch_rows(batch):
                rowno += 1
                yield _row_article(
                    row, item=f"{path}:{rowno}", defaults=defaults, max_bytes=max_bytes
                )
    except (OSError, pa.ArrowException) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        yield IngestFailure(
            item=f"{path}:{rowno + 1}", code="E101", reason=Code.E101.format(reason=reason)
        )


def write_parquet(articles: list[dict[str, Any]], path: Path) -> None:
    """Write article dicts (the JSON Lines fields) as a Parquet file; for tests and benchmarks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = {c: [a.get(c) for a in articles] for c in COLUMNS}
    pq.write_table(pa.table(cols), path)
