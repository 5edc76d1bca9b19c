"""Test harness: run the ``claimledger`` CLI and SIGKILL itself at a chosen store write.

Usage (from a test only)::

    CLAIMLEDGER_TEST_KILL=statements:3:commit python tests/reliability/killer.py --db X ingest ...

``CLAIMLEDGER_TEST_KILL`` is ``TABLE:K:WHEN``: the process kills itself with
SIGKILL at the K-th transaction that writes rows of ``TABLE`` (``articles``,
``statements``, ``links``, ``claims``, ``status_events``), either right after
the transaction commits (``commit``) or after its rows are flushed to the
database but before the commit (``flush``: the transaction is in flight).
Nothing of this lives in the package: the hook is installed here, through
SQLAlchemy's session events, before the CLI starts.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


def install(spec: str) -> None:
    table, k_text, when = spec.split(":")
    k = int(k_text)
    seen = {"n": 0}

    def touched(session: Session) -> bool:
        return any(getattr(obj, "__tablename__", "") == table for obj in session.new)

    @event.listens_for(Session, "before_flush")
    def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
        if touched(session):
            session.info["_kill_touched"] = True

    @event.listens_for(Session, "after_flush")
    def after_flush(session: Session, _ctx: Any) -> None:
        if (
            when == "flush"
            and session.info.get("_kill_touched")
            and not session.info.get("_kill_counted")
        ):
            session.info["_kill_counted"] = True
            seen["n"] += 1
            if seen["n"] >= k:
                os.kill(os.getpid(), signal.SIGKILL)

    @event.listens_for(Session, "after_commit")
    def after_commit(session: Session) -> None:
        if when == "commit" and session.info.get("_kill_touched"):
            seen["n"] += 1
            if seen["n"] >= k:
                os.kill(os.getpid(), signal.SIGKILL)
        session.info.pop("_kill_touched", None)
        session.info.pop("_kill_counted", None)

    @event.listens_for(Session, "after_rollback")
    def after_rollback(session: Session) -> None:
        session.info.pop("_kill_touched", None)
        session.info.pop("_kill_counted", None)


if __name__ == "__main__":
    spec = os.environ.get("CLAIMLEDGER_TEST_KILL", "")
    if spec:
        install(spec)
    from claimledger.cli import main

    sys.argv[0] = "claimledger"
    main(sys.argv[1:])
