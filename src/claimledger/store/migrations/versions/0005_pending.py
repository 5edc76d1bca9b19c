"""articles: a partial index over the articles not processed yet

Writers link articles in (published, id) order across processes: before linking an
article, a writer asks whether an earlier one is still pending (``Ledger.
earlier_pending``). The index holds only pending rows, so the question costs the
same in a ledger of ten articles as in one of millions. Also joins the three
``0004_*`` branches into one head.

Revision ID: 0005_pending
Revises: 0004_factchecks, 0004_review, 0004_revisions
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_pending"
down_revision = ("0004_factchecks", "0004_review", "0004_revisions")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_articles_pending",
        "articles",
        ["published", "id"],
        sqlite_where=sa.text("processed = 0"),
        postgresql_where=sa.text("NOT processed"),
    )


def downgrade() -> None:
    op.drop_index("ix_articles_pending", table_name="articles")
