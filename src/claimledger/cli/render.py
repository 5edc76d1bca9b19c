"""Rendering of records for the terminal: table, json, jsonl."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

# Piped output gets a wide table rather than rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def jsonable(value: Any) -> Any:
    """Turn records, dates and tuples into JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


# Fixed widths for the short columns; the others share what is left.
WIDTHS = {
    "id": 18,
    "status": 12,
    "claimant": 24,
    "first_seen": 10,
    "reports": 7,
    "published": 16,
    "outlet": 22,
    "origin": 18,
    "kind": 8,
    "speaker": 22,
    "actor": 22,
    "cue": 14,
    "checkworthiness": 8,
    "reasons": 34,
}


def emit(
    rows: Sequence[dict[str, Any]], *, fmt: Format, columns: Sequence[str], title: str | None = None
) -> None:
    """Print rows as a rich table, a JSON array or JSON lines."""
    if fmt is Format.json:
        print(json.dumps([jsonable(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt is Format.jsonl:
        for r in rows:
            print(json.dumps(jsonable(r), ensure_ascii=False))
        return
    table = Table(title=title, show_lines=False, expand=True)
    for col in columns:
        # One line per record, cut with an ellipsis: a ledger is read down, not across.
        width = WIDTHS.get(col)
        table.add_column(
            col, no_wrap=True, overflow="ellipsis", width=width, ratio=None if width else 1
        )
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 90 else text[:87] + "..."
