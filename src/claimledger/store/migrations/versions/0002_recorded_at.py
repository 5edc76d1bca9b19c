"""status events record when they were first stored

A status event is dated by its evidence (``at``), so that recomputing reproduces the
same history; ``recorded_at`` is when the ledger first held it, which is what "changed
since you last looked" must compare with: an archived article ingested today changes a
claim today, whatever its date.

Revision ID: 0002_recorded_at
Revises: 0001_initial
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_recorded_at"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
