"""review: analysts' review events, analysts with tokens and roles, the audit log, ledger settings

Review events are the analysts' half of the ledger's event-sourced history (the machine's
half is its links and the status events replayed from them). ``ledger_settings`` keeps
choices a ledger makes once: ``suggestions`` is ``on`` for a ledger created with this
migration and ``off`` for one that already held articles, so that existing ledgers keep
their behaviour (docs/review.md).

Revision ID: 0004_review
Revises: 0003_dates_languages
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003_dates_languages"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_events",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("via", sa.String(12), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "analysts",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("via", sa.String(12), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "ledger_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    bind = op.get_bind()
    held = bind.execute(sa.text("SELECT count(*) FROM articles")).scalar() or 0
    value = "off" if held else "on"
    bind.execute(
        sa.text("INSERT INTO ledger_settings (key, value) VALUES ('suggestions', :v)"),
        {"v": value},
    )


def downgrade() -> None:
    op.drop_table("ledger_settings")
    op.drop_table("audit_log")
    op.drop_table("analysts")
    op.drop_table("review_events")
