"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("affiliations", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_name"), ["name"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("claimant_name", sa.String(length=300), nullable=True),
        sa.Column("claimant_actor_id", sa.String(length=120), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.Column("first_statement_id", sa.String(length=64), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_claimant_actor_id"), ["claimant_actor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claims_dirty"), ["dirty"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_first_seen"), ["first_seen"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_status"), ["status"], unique=False)

    op.create_table(
        "feed_entries",
        sa.Column("feed", sa.String(length=2000), nullable=False),
        sa.Column("entry", sa.String(length=2000), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed", "entry"),
    )
    op.create_table(
        "ingest_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_failures_run_id"), ["run_id"], unique=False)

    op.create_table(
        "origins",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_article_id", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "outlets",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("actor_id", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("command", sa.String(length=40), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.Column("config", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("canonical_url", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outlet_id", sa.String(length=64), nullable=True),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("byline", sa.String(length=300), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("origin_id", sa.String(length=64), nullable=True),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["origin_id"],
            ["origins.id"],
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("canonical_url"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_origin_id"), ["origin_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_published"), ["published"], unique=False)

    op.create_table(
        "claim_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("statement_id", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("claim_id", "statement_id"),
    )
    with op.batch_alter_table("claim_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_members_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "status_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old", sa.String(length=20), nullable=True),
        sa.Column("new", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("claim_id", "seq"),
    )
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_status_events_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "watchlist",
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("user", "claim_id"),
    )
    op.create_table(
        "lsh_bands",
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.PrimaryKeyConstraint("band", "bucket", "article_id"),
    )
    with op.batch_alter_table("lsh_bands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lsh_bands_bucket"), ["bucket"], unique=False)

    op.create_table(
        "statements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source_start", sa.Integer(), nullable=True),
        sa.Column("source_end", sa.Integer(), nullable=True),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("cue_text", sa.Text(), nullable=True),
        sa.Column("speaker", sa.String(length=300), nullable=True),
        sa.Column("actor_id", sa.String(length=120), nullable=True),
        sa.Column("attributed", sa.Boolean(), nullable=False),
        sa.Column("time_phrase", sa.String(length=200), nullable=True),
        sa.Column("time_resolved", sa.Date(), nullable=True),
        sa.Column("checkworthiness", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statements_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_article_id"), ["article_id"], unique=False)

    op.create_table(
        "links",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("statement_id", sa.String(length=64), nullable=True),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("stance", sa.String(length=12), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_links_article_id"), ["article_id"], unique=False)
        batch_op.create_index("ix_links_claim_article", ["claim_id", "article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_statement_id"), ["statement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_statement_id"))
        batch_op.drop_index(batch_op.f("ix_links_claim_id"))
        batch_op.drop_index("ix_links_claim_article")
        batch_op.drop_index(batch_op.f("ix_links_article_id"))

    op.drop_table("links")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_article_id"))
        batch_op.drop_index(batch_op.f("ix_statements_actor_id"))

    op.drop_table("statements")
    with op.batch_alter_table("lsh_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lsh_bands_bucket"))

    op.drop_table("lsh_bands")
    op.drop_table("watchlist")
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_events_claim_id"))
        batch_op.drop_index(batch_op.f("ix_status_events_at"))

    op.drop_table("status_events")
    with op.batch_alter_table("claim_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_members_claim_id"))

    op.drop_table("claim_members")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_published"))
        batch_op.drop_index(batch_op.f("ix_articles_origin_id"))

    op.drop_table("articles")
    op.drop_table("runs")
    op.drop_table("outlets")
    op.drop_table("origins")
    with op.batch_alter_table("ingest_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_failures_run_id"))

    op.drop_table("ingest_failures")
    op.drop_table("feed_entries")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_status"))
        batch_op.drop_index(batch_op.f("ix_claims_first_seen"))
        batch_op.drop_index(batch_op.f("ix_claims_dirty"))
        batch_op.drop_index(batch_op.f("ix_claims_claimant_actor_id"))

    op.drop_table("claims")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actors_name"))

    op.drop_table("actors")
