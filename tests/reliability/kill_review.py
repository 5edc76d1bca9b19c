"""Kill points of the review (the kill-point campaign's review phase).

Two review commands are taken on the ledger the campaign's corpus builds: ``review
reject`` of the link that refutes the pull-back claim (its computed status changes
on recompute) and ``review override`` of the alliance's claim (a status event at the
time of review). Each is killed with SIGKILL at a named point of its own run
(``killpoints.py``: the K-th transaction inserting into TABLE, counted from the start
of that command's run). ``review()`` writes in two steps: one transaction holds the
review event, the audit row and the claims' dirty flags; after it commits, recompute
writes each affected claim's history in a transaction of its own. The points:

* ``review_events:1:flush`` - the event row written, the audit row not yet, no commit;
* ``audit_log:1:flush`` - event and audit row in flight, the commit not yet sent;
* ``review_events:1:commit`` / ``audit_log:1:commit`` - committed, recompute not begun
  (the claims left dirty);
* ``status_events:1:flush`` / ``status_events:1:commit`` - the affected claim's
  recompute in flight, or committed before the command returns.

The resume is what an analyst does who does not know whether the command took:
give the same command again. The comparison with an uninterrupted run (``snapshot``):
every machine table as in the ingest campaign, with the values that come from the
review's clock replaced by the name of the review they belong to (the event's id and
time, a status event's id and time when it is the review's time); the review events
and the audit rows in their order, without their sequence numbers (PostgreSQL spends
a sequence value on a transaction that never committed). A kill before the commit
resumes to the ledger of one uninterrupted run; a kill after it (the decision
already stored) resumes to the ledger of an uninterrupted run in which the analyst
gave that command twice: the decision recorded twice, as at least once delivery must.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rel_helpers import ROOT, cli_env

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "killpoints.py"

# (command index, point, whether the command's decision was committed at the kill).
PLAN: list[tuple[int, str, bool]] = [
    (0, "review_events:1:flush", False),
    (0, "audit_log:1:flush", False),
    (0, "review_events:1:commit", True),
    (0, "status_events:1:flush", True),
    (0, "status_events:1:commit", True),
    (1, "review_events:1:flush", False),
    (1, "audit_log:1:flush", False),
    (1, "audit_log:1:commit", True),
    (1, "status_events:1:flush", True),
]
# The suite's point per store, on the last command (its references come cheaply).
SUITE: dict[str, tuple[int, str, bool]] = {
    "sqlite": (1, "review_events:1:commit", True),
    "postgresql": (1, "audit_log:1:flush", False),
}


def commands(url: str) -> list[list[str]]:
    """The review commands, naming the link and the claim found in the ledger."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            link = conn.execute(
                text("SELECT id FROM links WHERE stance = 'refutes' AND role = 'evidence'")
            ).scalar_one()
            claim = conn.execute(
                text("SELECT id FROM claims WHERE text LIKE 'There was no sign%'")
            ).scalar_one()
    finally:
        engine.dispose()
    return [
        ["review", "reject", link, "--reason", "the correction is about the report"],
        ["review", "override", claim, "contested", "--reason", "disputed by the ministry"],
    ]


def run(
    url: str, args: list[str], code: str, point: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = cli_env(PYTHONPATH=code)
    env.pop("CLAIMLEDGER_KILL_POINT", None)
    if point:
        env["CLAIMLEDGER_KILL_POINT"] = point
    return subprocess.run(
        [sys.executable, str(HARNESS), "--db", url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )


def completed(got: subprocess.CompletedProcess[str]) -> None:
    assert got.returncode == 0, got.stderr[-2000:]
    assert json.loads(got.stdout.splitlines()[-1])["id"].startswith("r")


def snapshot(
    url: str, machine: dict[str, list[tuple[Any, ...]]], value: Callable[[Any], Any]
) -> dict[str, list[Any]]:
    """The machine snapshot and the review, with the review's clock values named."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            events = [
                tuple(value(v) for v in r)
                for r in conn.execute(
                    text(
                        "SELECT id, at, author, role, via, action, claim_id, payload, reason "
                        "FROM review_events ORDER BY seq"
                    )
                )
            ]
            audit = [
                tuple(value(v) for v in r)
                for r in conn.execute(
                    text(
                        "SELECT at, author, role, via, action, target, detail "
                        "FROM audit_log ORDER BY seq"
                    )
                )
            ]
    finally:
        engine.dispose()
    ids = {e[0]: f"review{i}" for i, e in enumerate(events, 1)}
    times = {e[1]: f"review{i}@" for i, e in enumerate(events, 1)}
    out: dict[str, list[Any]] = {t: list(rows) for t, rows in machine.items()}
    status = []
    for row in machine["status_events"]:
        sid, cid, seq, at, *rest = row
        if at in times:  # a status event of the review's time: its id derives from it
            sid, at = f"status@{times[at]}", times[at]
        status.append((sid, cid, seq, at, *rest))
    out["status_events"] = sorted(status, key=repr)
    out["review_events"] = [(ids[e[0]], times[e[1]], *e[2:]) for e in events]
    named = []
    for at, *rest, detail in audit:
        doc = json.loads(detail) if isinstance(detail, str) else detail
        if isinstance(doc, dict) and doc.get("event") in ids:
            doc = {**doc, "event": ids[doc["event"]]}
        named.append((times.get(at, at), *rest, json.dumps(doc, sort_keys=True)))
    out["audit_log"] = named
    return out


def histories(snap: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Each claim's stored status history (its rows without their ids), in order."""
    out: dict[str, list[Any]] = {}
    for _sid, cid, *rest in sorted(snap["status_events"], key=lambda r: (r[1], r[2])):
        out.setdefault(cid, []).append(tuple(rest))
    return out


def kept(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    """The review's rows committed before are still there, first and in order."""
    for table in ("review_events", "audit_log"):
        assert after[table][: len(before[table])] == before[table], table
