"""articles: date source and estimate flag, language, problem; claims: problem

Every article has a date: one stored without (before this migration) takes its
ingest time, flagged as estimated (``date_source = 'ingest'``). Dated articles
stored before keep ``date_source`` NULL: whether the date was their own or
``--published`` was not recorded. ``problem`` keeps
what went wrong with one item, so that a view shows it instead of failing.

Revision ID: 0003_dates_languages
Revises: 0002_recorded_at
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dates_languages"
down_revision = "0002_recorded_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_source", sa.String(20), nullable=True))
        batch_op.add_column(
            sa.Column("date_estimated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("language", sa.String(12), nullable=True))
        batch_op.add_column(sa.Column("problem", sa.Text(), nullable=True))
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem", sa.Text(), nullable=True))
    op.execute(
        "UPDATE articles SET published = ingested_at, date_source = 'ingest', "
        "date_estimated = true WHERE published IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("problem")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("problem")
        batch_op.drop_column("language")
        batch_op.drop_column("date_estimated")
        batch_op.drop_column("date_source")
