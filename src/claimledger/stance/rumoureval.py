"""Reader for RumourEval 2019 subtask A (stance of posts towards a rumour), JSON lines.

One line per post: ``id``, ``thread``, ``event``, ``platform``, ``is_source``,
``source_text`` (the rumour), ``parent_text``, ``text`` and ``stance`` (support, deny,
query, comment). The rumour is the claim, the post the text; RumourEval's labels map to
ledger stances with ``RUMOUR_TO_STANCE`` (``query`` is a demand for evidence or a
doubting question: ``questions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from claimledger.errors import Code, IngestError
from claimledger.records import Stance

RUMOUR_TO_STANCE: dict[str, Stance] = {
    "query": "questions",
    "deny": "refutes",
    "support": "supports",
    "comment": "discusses",
}
# The four ledger stances of a RumourEval post, in report order.
RUMOUR_STANCES: tuple[Stance, ...] = ("questions", "refutes", "supports", "discusses")


@dataclass(frozen=True, slots=True)
class RumourPost:
    """One post with the rumour it answers and its gold ledger stance."""

    id: str
    thread: str
    event: str
    claim: str
    text: str
    stance: Stance
    is_source: bool


def read_rumoureval(path: Path) -> list[RumourPost]:
    """Read a RumourEval JSON-lines file.

    Raises:
        IngestError: E101 when the file cannot be read, E104 naming the line of a malformed
            line or an unknown stance.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(Code.E101, str(path), reason=str(exc)) from exc
    out: list[RumourPost] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise IngestError(Code.E104, str(path), line=n, reason=exc.msg) from exc
        if not isinstance(obj, dict):
            raise IngestError(Code.E104, str(path), line=n, reason="not a JSON object")
        missing = [k for k in ("id", "source_text", "text", "stance") if k not in obj]
        if missing:
            raise IngestError(Code.E104, str(path), line=n, reason=f"missing {', '.join(missing)}")
        label = str(obj["stance"]).strip().lower()
        if label not in RUMOUR_TO_STANCE:
            raise IngestError(Code.E104, str(path), line=n, reason=f"unknown stance {label!r}")
        out.append(
            RumourPost(
                id=str(obj["id"]),
                thread=str(obj.get("thread", obj["id"])),
                event=str(obj.get("event", "")),
                claim=str(obj["source_text"] or ""),
                text=str(obj["text"] or ""),
                stance=RUMOUR_TO_STANCE[label],
                is_source=bool(obj.get("is_source", False)),
            )
        )
    return out
