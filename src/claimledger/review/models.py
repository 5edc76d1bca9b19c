"""Tables of the review (migration 0004_review), on the store's declarative base."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimledger.store.models import UTC_TS, Base


class ReviewEventRow(Base):
    """One analyst's review action, in the order it was recorded (``seq``)."""

    __tablename__ = "review_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime] = mapped_column(UTC_TS)
    author: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    via: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(30))
    claim_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)


class AnalystRow(Base):
    """A named analyst; only the SHA-256 of the token is kept."""

    __tablename__ = "analysts"
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    role: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTC_TS)
    created_by: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditRow(Base):
    """One write to the ledger and who made it."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTC_TS)
    author: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    via: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class SettingRow(Base):
    """A choice the ledger keeps (``suggestions``)."""

    __tablename__ = "ledger_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
