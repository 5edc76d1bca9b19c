"""revisions of articles; links removed by a revision

The same canonical URL with different text is a new revision of the article
(``ingest.revisions``): its own ``articles`` row (no canonical URL of its own:
the first revision keeps it), and a ``revisions`` row naming the document (the
first revision's article id), its place in the chain and the previous revision.
Once the revision is analysed, ``diff`` holds its statements new, unchanged and
removed against the previous revision, and ``notes`` the corrections and
editor's notes found in it. A link whose statement an edit removed keeps its
row, marked with the revision and the date that removed it.

Revision ID: 0004_revisions
Revises: 0003_dates_languages
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_revisions"
down_revision = "0003_dates_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revisions",
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.String(64), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=True),
        sa.UniqueConstraint("document_id", "seq", name="uq_revisions_document_seq"),
    )
    op.create_index("ix_revisions_document_id", "revisions", ["document_id"])
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_in", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.drop_column("removed_in")
    op.drop_index("ix_revisions_document_id", table_name="revisions")
    op.drop_table("revisions")
