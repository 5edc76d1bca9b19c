"""The token rule for write endpoints.

Writes need ``Authorization: Bearer <CLAIMLEDGER_TOKEN>``. With no token set
they are refused unless the server runs in dev mode (loopback only). A token
in the query string is refused outright (query strings end up in logs and
browser history). The comparison is constant-time and the token is never
logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from claimledger.api.state import AppState, get_state
from claimledger.errors import AccessDenied, Code

bearer = HTTPBearer(auto_error=False, description="CLAIMLEDGER_TOKEN")

# Query parameter names that would carry a credential.
_TOKEN_PARAMS = frozenset(
    {
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key",
        "auth",
        "authorization",
        "bearer",
        "password",
    }
)


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def refuse_query_token(request: Request, state: AppState) -> None:
    """Refuse a request that carries a credential in its query string."""
    for name, value in request.query_params.multi_items():
        if name.lower() in _TOKEN_PARAMS or (state.token and value and same(value, state.token)):
            raise AccessDenied(
                Code.E503,
                "query string",
                reason="a token in the query string is refused; send 'Authorization: Bearer <token>'",
            )


def check_token(given: str | None, state: AppState) -> None:
    """Apply the token rule to a presented token (None when absent).

    Raises:
        AccessDenied: E502 when no token was presented, E503 when it is wrong or
            writes are disabled because no token is configured outside dev mode.
    """
    if state.token is None:
        if state.dev:
            return
        raise AccessDenied(
            Code.E503,
            "write",
            reason="writes are disabled: CLAIMLEDGER_TOKEN is not set (or use --dev)",
        )
    if not given:
        raise AccessDenied(Code.E502, "Authorization")
    if not same(given, state.token):
        raise AccessDenied(Code.E503, "Authorization", reason="wrong token")


def require_token(
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """FastAPI dependency guarding every write endpoint (an analyst's token also writes,
    recorded as its author: ``api/review.py``)."""
    from claimledger.api.review import analyst_writer

    refuse_query_token(request, state)
    if analyst_writer(request, state, creds.credentials if creds else None):
        return
    check_token(creds.credentials if creds else None, state)


def derive_secret(token: str | None) -> bytes | None:
    """A signing key derived from the token (never the token itself)."""
    if not token:
        return None
    return hashlib.sha256(b"claimledger-dashboard\x1f" + token.encode("utf-8")).digest()


def sign(secret: bytes, purpose: str, value: str) -> str:
    """HMAC of ``value`` for one purpose (session, csrf)."""
    return hmac.new(secret, f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def signed_ok(secret: bytes, purpose: str, value: str, signature: str | None) -> bool:
    """Whether ``signature`` is the HMAC of ``value`` for ``purpose``."""
    return bool(signature) and same(signature or "", sign(secret, purpose, value))
