"""Rendering of records for the terminal: a table, one block per record, JSON or JSON lines.

Nothing a reader needs to copy or read is cut: ids, statuses, dates and counts are printed
whole and texts wrap at words. Reasons are shown short (the code and its count; ``explain``
gives every argument). A terminal narrower than :data:`TABLE_MIN_WIDTH` columns, or one where
the whole columns would leave the record's text less than :data:`MAIN_MIN_WIDTH` columns, gets
one block per record instead of a table.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from claimledger.pipeline.tour import NextSteps

# Below this many columns records are stacked, one block each (``docs/cli.md``).
TABLE_MIN_WIDTH = 120
# The record's own text (a claim, a title, a quotation) never gets fewer columns in a table.
MAIN_MIN_WIDTH = 40
# Output that goes to a file or a pipe, without COLUMNS, is rendered this wide.
PIPED_WIDTH = 160
# Columns of secondary text (claimant, outlet, speaker) wrap beyond this width.
TEXT_MAX_WIDTH = 24

err_console = Console(stderr=True, highlight=False)


@contextmanager
def progress_ticks(label: str) -> Iterator[Callable[[str, int], None]]:
    """A transient spinner on stderr; yields the ``progress(stage, n)`` callback a library
    function reports to ("ingesting" -> "stored: 120")."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True
    ) as bar:
        task = bar.add_task(label, total=None)

        def tick(stage: str, n: int) -> None:
            bar.update(task, description=f"{stage}: {n}")

        yield tick


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class Kind(StrEnum):
    """How a field is laid out."""

    key = "key"  # an id or a status: whole, first on a record's block, without a label
    whole = "whole"  # a date or a count: whole, never wrapped
    text = "text"  # a name: wrapped at words, never cut
    main = "main"  # the record's text: wrapped at words, takes the width left over
    codes = "codes"  # reason codes: short form, one per line


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a rendered record: its label and layout."""

    label: str
    kind: Kind


# Every field a command renders; any other key is laid out as wrapped text under its own name.
FIELDS: dict[str, Field] = {
    "id": Field("id", Kind.key),
    "status": Field("status", Kind.key),
    "first_seen": Field("first seen", Kind.whole),
    "reports": Field("reports", Kind.whole),
    "claimant": Field("claimant", Kind.text),
    "reasons": Field("reasons", Kind.codes),
    "text": Field("claim", Kind.main),
    "published": Field("published", Kind.whole),
    "outlet": Field("outlet", Kind.text),
    "origin": Field("origin", Kind.whole),
    "title": Field("title", Kind.main),
    "kind": Field("kind", Kind.whole),
    "speaker": Field("speaker", Kind.text),
    "actor": Field("actor", Kind.whole),
    "cue": Field("cue", Kind.text),
    "content": Field("content", Kind.main),
    "checkworthiness": Field("check-worthiness", Kind.whole),
    "added": Field("added", Kind.whole),
    "duplicates": Field("duplicates", Kind.whole),
    "failed": Field("failed", Kind.whole),
    "not_analysed": Field("not analysed", Kind.whole),
    "statements": Field("statements", Kind.whole),
    "claims": Field("claims", Kind.whole),
}


def field_of(column: str) -> Field:
    return FIELDS.get(column, Field(column.replace("_", " "), Kind.text))


def terminal_width() -> int:
    """The width to render for: ``COLUMNS`` if set, else the terminal's, else :data:`PIPED_WIDTH`."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except OSError:  # a terminal that will not say its size
            return PIPED_WIDTH
    return PIPED_WIDTH


def make_console(width: int | None = None) -> Console:
    """A console on stdout (read at print time) that never interprets markup in record text."""
    return Console(width=width or terminal_width(), highlight=False, markup=False, emoji=False)


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


_REASON = re.compile(r"^(?P<code>[A-Z_]+)(?:\((?P<arg>.*)\))?$")


def short_reasons(reasons: Iterable[str]) -> list[str]:
    """Reason codes in short form: a count argument is kept, others are dropped.

    ``QUESTIONED_BY(a)``, ``QUESTIONED_BY(b)`` become ``QUESTIONED_BY(2)``;
    ``AWAITING_RESOLUTION(2025-03-05)`` becomes ``AWAITING_RESOLUTION``. Order is kept.
    """
    counts: dict[str, int] = {}
    kept: dict[str, str] = {}
    for reason in reasons:
        found = _REASON.match(reason)
        if found is None:
            kept.setdefault(reason, reason)
            counts[reason] = counts.get(reason, 0) + 1
            continue
        code, arg = found["code"], found["arg"]
        if arg is not None and arg.isdigit():
            kept.setdefault(code, reason)
        counts[code] = counts.get(code, 0) + 1
    out = []
    for code, n in counts.items():
        if code in kept:
            out.append(kept[code])
        else:
            out.append(f"{code}({n})" if n > 1 else code)
    return out


def _when(value: str) -> str:
    """An ISO 8601 moment as ``YYYY-MM-DD HH:MM`` (UTC offset shown unless UTC)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None and moment.utcoffset():
        return moment.strftime("%Y-%m-%d %H:%M %z")
    return moment.strftime("%Y-%m-%d %H:%M")


def cell_text(column: str, value: Any) -> str:
    """The whole text of one field (lines separated by newlines for reason codes)."""
    if value is None:
        return ""
    kind = field_of(column).kind
    if kind is Kind.codes and isinstance(value, list | tuple):
        return "\n".join(short_reasons(str(v) for v in value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if kind is Kind.whole and "T" in text and text[:4].isdigit():
        return _when(text)
    # Newlines inside a record's text would break the layout; its words are what matter.
    return " ".join(text.split()) if kind in (Kind.text, Kind.main) else text


def emit(
    rows: Sequence[dict[str, Any]], *, fmt: Format, columns: Sequence[str], title: str | None = None
) -> None:
    """Print rows as a table or stacked blocks (by terminal width), a JSON array or JSON lines."""
    if fmt is Format.json:
        print(json.dumps([jsonable(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt is Format.jsonl:
        for r in rows:
            print(json.dumps(jsonable(r), ensure_ascii=False))
        return
    console = make_console()
    # Tables pad their cells to the column width: no trailing blanks in what is printed.
    with console.capture() as captured:
        # Not cropped: a word longer than the line (a pasted URL) is printed whole.
        console.print(records(rows, columns=columns, title=title, width=console.width), crop=False)
    print("\n".join(line.rstrip() for line in captured.get().splitlines()))


def records(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str], title: str | None, width: int
) -> RenderableType:
    """The table of ``rows`` if it fits ``width`` whole, else one block per row."""
    cells = [{c: cell_text(c, r.get(c)) for c in columns} for r in rows]
    if not cells:
        return Text(f"no {title}" if title else "nothing to show")
    if width >= TABLE_MIN_WIDTH and table_width(cells, columns=columns) <= width:
        return _table(cells, columns=columns, title=title)
    return _stacked(cells, columns=columns, title=title, width=width)


def _natural(cells: Sequence[dict[str, str]], column: str) -> int:
    lines = [line for row in cells for line in row[column].splitlines()]
    # Terminal cells, not characters: a wide (CJK) character takes two.
    return max([cell_len(field_of(column).label), *(cell_len(line) for line in lines)])


def _column_width(cells: Sequence[dict[str, str]], column: str) -> int:
    kind = field_of(column).kind
    if kind is Kind.main:
        return MAIN_MIN_WIDTH
    if kind is Kind.text:
        return min(_natural(cells, column), TEXT_MAX_WIDTH)
    return _natural(cells, column)


def table_width(cells: Sequence[dict[str, str]], *, columns: Sequence[str]) -> int:
    """The fewest columns the table needs: whole columns, capped names, the text's minimum.

    Each column is padded by one space on each inner side and columns are separated by one
    (``_table``: no outer edge, no outer padding): three per column boundary.
    """
    return sum(_column_width(cells, c) for c in columns) + 3 * (len(columns) - 1)


def _table(cells: Sequence[dict[str, str]], *, columns: Sequence[str], title: str | None) -> Table:
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        # Only the record's text takes the width left over; counts alone stay compact.
        expand=any(field_of(c).kind is Kind.main for c in columns),
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    for col in columns:
        kind = field_of(col).kind
        natural = _natural(cells, col)
        if kind is Kind.main:
            table.add_column(
                field_of(col).label, ratio=1, min_width=MAIN_MIN_WIDTH, overflow="fold"
            )
        elif kind is Kind.text:
            width = _column_width(cells, col)
            table.add_column(field_of(col).label, min_width=width, max_width=width, overflow="fold")
        else:
            # Whole: the column is as wide as its longest value, which rich cannot shrink.
            table.add_column(field_of(col).label, no_wrap=True, min_width=natural, overflow="fold")
    for row in cells:
        table.add_row(*(Text(row[c]) for c in columns))
    return table


def _stacked(
    cells: Sequence[dict[str, str]], *, columns: Sequence[str], title: str | None, width: int
) -> RenderableType:
    """One block per record: keys and whole fields on a line, then labelled wrapped fields."""
    rest = [c for c in columns if field_of(c).kind in (Kind.text, Kind.main, Kind.codes)]
    label_width = max((len(field_of(c).label) for c in rest), default=0)
    lines: list[Text] = []
    for n, row in enumerate(cells):
        if n:
            lines.append(_line(""))
        keys = [row[c] for c in columns if field_of(c).kind is Kind.key and row[c]]
        if not keys and title and len(cells) == 1:
            keys = [f"{title}:"]
        wholes = [
            f"{field_of(c).label} {row[c]}"
            for c in columns
            if field_of(c).kind is Kind.whole and row[c]
        ]
        for i, line in enumerate(_pack([*keys, *wholes], width=width)):
            text = _line(line)
            if i == 0 and keys:
                text.stylize("bold", 0, len(keys[0]))
            lines.append(text)
        for c in rest:
            if not row[c]:
                continue
            value = ", ".join(row[c].splitlines()) if field_of(c).kind is Kind.codes else row[c]
            label = f"  {field_of(c).label:<{label_width}}  "
            wrapped = _wrap(value, width=width - len(label))
            lines.append(_line(label + wrapped[0]))
            lines.extend(_line(" " * len(label) + more) for more in wrapped[1:])
    return Group(*lines)


def _line(text: str) -> Text:
    """A line already wrapped at words: rich must not fold it again."""
    return Text(text, no_wrap=True, overflow="ignore")


def _pack(parts: Sequence[str], *, width: int, sep: str = "  ") -> list[str]:
    """``parts`` on as few lines of ``width`` as they fit, none of them split."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return lines


def _wrap(text: str, *, width: int, indent: int = 0, hang: int = 0) -> list[str]:
    """``text`` wrapped at words to ``width`` (at least 20 past the indent).

    Lines start ``indent`` spaces in, continuations ``hang`` more; a word longer than a line
    stays whole (an id is never broken).
    """
    return textwrap.wrap(
        text,
        width=max(width, indent + hang + 20),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]


def explain_lines(text: str, *, width: int) -> list[str]:
    """The ``explain`` text wrapped to ``width`` at words, each line's continuation indented.

    Words are never broken: an id or a long token longer than the line stays whole.
    """
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped:
            out.append("")
            continue
        out.extend(_wrap(stripped, width=width, indent=len(line) - len(stripped), hang=4))
    return out


def emit_explain(text: str) -> None:
    """Print an ``explain`` text wrapped to the terminal."""
    print("\n".join(explain_lines(text, width=terminal_width())))


def emit_next_steps(found: NextSteps, *, setup: Sequence[str]) -> None:
    """Print the dashboard address and the commands to try, each whole on its own line.

    Args:
        found: What ``pipeline.tour.next_steps`` chose.
        setup: Shell lines another terminal runs first (the venv, settings from the environment).
    """
    lines = ["", f"Dashboard: {found.dashboard}"]
    if found.claim_id:
        lines.append(f"  this claim there: {found.dashboard}claims/{found.claim_id}")
    lines.extend(["", "Try next, in another terminal:"])
    if setup:
        lines.append("  # first, to see the ledger as this terminal does:")
        lines.extend(f"  {line}" for line in setup)
    for step in found.steps:
        lines.extend([f"  # {step.purpose}", f"  {step.command}"])
    print("\n".join(lines))
