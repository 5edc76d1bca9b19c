"""manual_evidence: fact-checks and hand-added evidence about a claim

A piece of evidence that is no statement of a stored article: a fact-checker's rating
of a claim (``kind = 'factcheck'``: its URL, rating and the stance read off the
rating) or an analyst's URL or note with its source and date (``kind = 'analyst'``).
The verdict engine counts it like a report of its source (pipeline/factchecks.py).

Revision ID: 0004_factchecks
Revises: 0003_dates_languages
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_factchecks"
down_revision = "0003_dates_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manual_evidence",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_name", sa.String(300), nullable=True),
        sa.Column("source_actor_id", sa.String(120), nullable=True),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Text(), nullable=True),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("stance", sa.String(12), nullable=False),
        sa.Column("added_by", sa.String(120), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_manual_evidence_claim_id", "manual_evidence", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_manual_evidence_claim_id", table_name="manual_evidence")
    op.drop_table("manual_evidence")
