"""What every request handler shares: the open ledger, the configuration, the auth settings."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from fastapi import Request

from claimledger.config import Config
from claimledger.store.ledger import Ledger


@dataclass(slots=True)
class AppState:
    """The server's shared state (one per app)."""

    ledger: Ledger
    config: Config
    token: str | None
    dev: bool
    # Signs the dashboard's session and CSRF values; derived from the token when set,
    # so sessions survive a restart, else random per process.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # One writer at a time inside this process (SQLite has one writer anyway).
    write_lock: threading.Lock = field(default_factory=threading.Lock)


def get_state(request: Request) -> AppState:
    """The app's :class:`AppState` (a FastAPI dependency)."""
    state: AppState = request.app.state.claimledger
    return state
