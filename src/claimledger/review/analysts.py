"""Named analysts, their tokens and roles.

A token is shown once, when the analyst is created (or the token renewed); only its
SHA-256 is stored, so a token is found by its hash and a stolen database gives none.
Roles are ordered: a ``reader`` may read the audit log and the review queue, a
``reviewer`` may also review, an ``admin`` may also change ledger settings.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select

from claimledger.errors import AccessDenied, Code, ConfigError
from claimledger.review.models import AnalystRow, AuditRow
from claimledger.store.ledger import Ledger

Role = Literal["reader", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("reader", "reviewer", "admin")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,120}$")
TOKEN_PREFIX = "cla_"


@dataclass(frozen=True, slots=True)
class Analyst:
    """Who is acting: an analyst's name and role (``via`` says through what)."""

    name: str
    role: Role


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def may(analyst: Analyst, role: Role) -> bool:
    """Whether ``analyst``'s role is at least ``role``."""
    return ROLES.index(analyst.role) >= ROLES.index(role)


def require_role(analyst: Analyst, role: Role) -> None:
    """Raise E503 unless ``analyst`` has at least ``role``."""
    if not may(analyst, role):
        raise AccessDenied(
            Code.E503,
            f"analyst {analyst.name}",
            reason=f"role {analyst.role} may not {role_verb(role)}",
        )


def role_verb(role: Role) -> str:
    return {"reader": "read the review", "reviewer": "review", "admin": "administer"}[role]


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise ConfigError(Code.E402, f"role {role}", reason=f"use one of {', '.join(ROLES)}")
    return role


def add_analyst(ledger: Ledger, name: str, role: str, *, created_by: str) -> tuple[Analyst, str]:
    """Create an analyst; returns it with its token (shown once, never stored).

    Raises:
        ConfigError: E402 for a bad name or role, or a name already taken.
    """
    if not _NAME.match(name):
        raise ConfigError(Code.E402, f"analyst {name!r}", reason="use letters, digits and _.@-")
    checked = _check_role(role)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ledger.session() as s:
        if s.get(AnalystRow, name) is not None:
            raise ConfigError(Code.E402, f"analyst {name}", reason="an analyst of that name exists")
        now = datetime.now(UTC)
        s.add(
            AnalystRow(
                name=name,
                role=checked,
                token_hash=token_hash(token),
                created_at=now,
                created_by=created_by,
                active=True,
            )
        )
        s.add(
            AuditRow(
                at=now,
                author=created_by,
                role="admin",
                via="cli",
                action="add_analyst",
                target=name,
                detail={"role": checked},
            )
        )
    return Analyst(name, checked), token


def set_analyst(
    ledger: Ledger,
    name: str,
    *,
    by: str,
    role: str | None = None,
    active: bool | None = None,
    new_token: bool = False,
) -> str | None:
    """Change an analyst's role, switch it off or on, or give it a new token (returned).

    Raises:
        NotFound: E501 for an unknown analyst.
    """
    from claimledger.errors import NotFound

    token = TOKEN_PREFIX + secrets.token_urlsafe(32) if new_token else None
    with ledger.session() as s:
        row = s.get(AnalystRow, name)
        if row is None:
            raise NotFound(Code.E501, f"analyst {name}")
        detail: dict[str, object] = {}
        if role is not None:
            row.role = _check_role(role)
            detail["role"] = row.role
        if active is not None:
            row.active = active
            detail["active"] = active
        if token is not None:
            row.token_hash = token_hash(token)
            detail["token"] = "renewed"
        s.add(
            AuditRow(
                at=datetime.now(UTC),
                author=by,
                role="admin",
                via="cli",
                action="set_analyst",
                target=name,
                detail=detail,
            )
        )
    return token


def find_analyst(ledger: Ledger, token: str | None) -> Analyst | None:
    """The active analyst whose token this is, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with ledger.session() as s:
        row = s.scalars(
            select(AnalystRow).where(AnalystRow.token_hash == token_hash(token))
        ).first()
        if row is None or not row.active:
            return None
        return Analyst(row.name, _check_role(row.role))


def get_analyst(ledger: Ledger, name: str) -> Analyst | None:
    """The active analyst called ``name``, or None."""
    with ledger.session() as s:
        row = s.get(AnalystRow, name)
        if row is None or not row.active:
            return None
        return Analyst(row.name, _check_role(row.role))


def analysts(ledger: Ledger) -> list[dict[str, object]]:
    """Every analyst (without tokens), by name."""
    with ledger.session() as s:
        return [
            {
                "name": r.name,
                "role": r.role,
                "active": r.active,
                "created_at": r.created_at.isoformat(),
                "created_by": r.created_by,
            }
            for r in s.scalars(select(AnalystRow).order_by(AnalystRow.name))
        ]
