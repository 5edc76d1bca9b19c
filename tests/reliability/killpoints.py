"""Test harness: run the ``claimledger`` CLI and kill it at a named store write.

Usage (from a test only)::

    CLAIMLEDGER_KILL_POINT=revisions:1:commit python tests/reliability/killpoints.py --db X ingest F
    CLAIMLEDGER_KILL_COUNT=counts.json python tests/reliability/killpoints.py --db X ingest F

A kill point is named ``TABLE:K:WHEN``: the K-th transaction of the run that inserts
rows of ``TABLE``, either right after it commits (``commit``) or with its rows flushed
to the database and the commit not yet sent (``flush``: the transaction is in flight).
The process then sends itself SIGKILL: no atexit handler, no rollback, no goodbye to
the database. ``CLAIMLEDGER_KILL_COUNT`` instead counts, for a whole run, the
transactions of each table and phase, and writes them to the given JSON file at exit:
the points a campaign can plan. The hooks are SQLAlchemy session events installed
here, before the CLI starts, so the package itself holds no test hook.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
from collections import Counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


def install(point: str | None, count_file: str | None) -> None:
    target = None
    if point:
        table, k_text, when = point.split(":")
        target = (table, int(k_text), when)
    seen: Counter[str] = Counter()

    def hit(table: str, when: str) -> None:
        seen[f"{table}:{when}"] += 1
        if target is not None and (table, when) == (target[0], target[2]):
            if seen[f"{table}:{when}"] == target[1]:
                os.kill(os.getpid(), signal.SIGKILL)

    @event.listens_for(Session, "before_flush")
    def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
        tables = {getattr(o, "__tablename__", "") for o in session.new}
        session.info.setdefault("_kp_pending", set()).update(tables - {""})

    @event.listens_for(Session, "after_flush")
    def after_flush(session: Session, _ctx: Any) -> None:
        counted = session.info.setdefault("_kp_flushed", set())
        for table in sorted(session.info.get("_kp_pending", set()) - counted):
            counted.add(table)
            hit(table, "flush")

    @event.listens_for(Session, "after_commit")
    def after_commit(session: Session) -> None:
        tables = sorted(session.info.pop("_kp_pending", set()))
        session.info.pop("_kp_flushed", None)
        for table in tables:
            hit(table, "commit")

    @event.listens_for(Session, "after_rollback")
    def after_rollback(session: Session) -> None:
        session.info.pop("_kp_pending", None)
        session.info.pop("_kp_flushed", None)

    if count_file:

        def dump() -> None:
            with open(count_file, "w", encoding="utf-8") as fh:
                json.dump(dict(sorted(seen.items())), fh, indent=1)

        atexit.register(dump)


if __name__ == "__main__":
    install(os.environ.get("CLAIMLEDGER_KILL_POINT"), os.environ.get("CLAIMLEDGER_KILL_COUNT"))
    from claimledger.cli import main

    sys.argv[0] = "claimledger"
    main(sys.argv[1:])
