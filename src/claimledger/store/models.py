"""SQLAlchemy 2 tables of the ledger. The schema is created by the Alembic
migrations in ``store/migrations``; these classes are the ORM view of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text  # ArticleRow has a column named ``text``
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    """Declarative base for every table."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; dates are stored as UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


UTC_TS = UTCDateTime()


class OutletRow(Base):
    __tablename__ = "outlets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    actor_id: Mapped[str | None] = mapped_column(String(120))


class OriginRow(Base):
    __tablename__ = "origins"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_article_id: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer, default=1)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    outlet_id: Mapped[str | None] = mapped_column(ForeignKey("outlets.id"))
    published: Mapped[datetime | None] = mapped_column(UTC_TS, index=True)
    byline: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(Text)
    origin_id: Mapped[str | None] = mapped_column(ForeignKey("origins.id"), index=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingested_at: Mapped[datetime] = mapped_column(UTC_TS)
    processed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Migration 0003: where ``published`` came from (``ingest.dates``) and whether it is an
    # estimate; the detected language; what went wrong with this article, shown with it.
    date_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    date_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(12), nullable=True)
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)

    # Migration 0005: the pending articles alone, in link order (``Ledger.earlier_pending``).
    __table_args__ = (
        Index(
            "ix_articles_pending",
            "published",
            "id",
            sqlite_where=sql_text("processed = 0"),
            postgresql_where=sql_text("NOT processed"),
        ),
    )


class LshBandRow(Base):
    """Locality-sensitive hashing bands of article MinHash signatures."""

    __tablename__ = "lsh_bands"
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), primary_key=True)


class ActorRow(Base):
    __tablename__ = "actors"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(20))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    affiliations: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)


class StatementRow(Base):
    __tablename__ = "statements"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    content_text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    source_text: Mapped[str | None] = mapped_column(Text)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    cue_text: Mapped[str | None] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[str | None] = mapped_column(String(120), index=True)
    attributed: Mapped[bool] = mapped_column(Boolean, default=True)
    time_phrase: Mapped[str | None] = mapped_column(String(200))
    time_resolved: Mapped[date | None] = mapped_column(Date)
    checkworthiness: Mapped[float | None] = mapped_column(Float)


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Integer key of the claim in the vector index (usearch keys are integers).
    key: Mapped[int] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    claimant_name: Mapped[str | None] = mapped_column(String(300))
    claimant_actor_id: Mapped[str | None] = mapped_column(String(120), index=True)
    first_seen: Mapped[datetime | None] = mapped_column(UTC_TS, index=True)
    resolution_date: Mapped[date | None] = mapped_column(Date)
    tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    first_statement_id: Mapped[str | None] = mapped_column(String(64))
    entities: Mapped[list[str]] = mapped_column(JSON, default=list)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="unverified", index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set in the transaction that adds a link; cleared when the status is
    # recomputed, so a run killed in between recomputes on resume.
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # Migration 0003: why the claim's last view or recompute failed (None when it did not).
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)


class ClaimMemberRow(Base):
    """A further statement vector standing for a claim in the vector index.

    A claim is found through any statement linked to it, not only through the
    statement that opened it: "no sign that troops are pulling back" is far
    from a long canonical text but close to a shorter report of the same
    proposition. Index keys of members are ``MEMBER_KEY_BASE + id``, apart
    from the claims' own keys.
    """

    __tablename__ = "claim_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    statement_id: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    __table_args__ = (UniqueConstraint("claim_id", "statement_id"),)


MEMBER_KEY_BASE = 1 << 40


class LinkRow(Base):
    __tablename__ = "links"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    statement_id: Mapped[str | None] = mapped_column(ForeignKey("statements.id"), index=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    stance: Mapped[str] = mapped_column(String(12))
    confidence: Mapped[float] = mapped_column(Float)
    similarity: Mapped[float] = mapped_column(Float)
    role: Mapped[str] = mapped_column(String(12))
    # Migration 0004: the revision whose edit removed the linked statement, and its date;
    # a removed link is evidence only until then (``ingest.revisions``).
    removed_in: Mapped[str | None] = mapped_column(String(64), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTC_TS, nullable=True)


class RevisionRow(Base):
    """A later revision of an article: the same canonical URL with different text.

    ``document_id`` is the first revision's article id (seq 1, no row of its own);
    ``diff`` and ``notes`` are written when the revision is analysed.
    """

    __tablename__ = "revisions"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    previous_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    published: Mapped[datetime] = mapped_column(UTC_TS)
    diff: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)
    notes: Mapped[list[dict[str, str | bool]] | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_revisions_document_seq"),)


class StatusEventRow(Base):
    __tablename__ = "status_events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTC_TS, index=True)
    old: Mapped[str | None] = mapped_column(String(20))
    new: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    policy_version: Mapped[str] = mapped_column(String(60))
    # When the ledger first held this event (``at`` is its evidence's date); NULL for
    # events stored before migration 0002, read as ``at``.
    recorded_at: Mapped[datetime | None] = mapped_column(UTC_TS, nullable=True)
    __table_args__ = (UniqueConstraint("claim_id", "seq"),)


class IngestFailureRow(Base):
    __tablename__ = "ingest_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    item: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTC_TS)


class RunRow(Base):
    """A batch run with the resolved configuration it ran under."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(40))
    started: Mapped[datetime] = mapped_column(UTC_TS)
    finished: Mapped[datetime | None] = mapped_column(UTC_TS)
    config: Mapped[str] = mapped_column(Text)


class FeedEntryRow(Base):
    """Feed entries already seen by ``watch``."""

    __tablename__ = "feed_entries"
    feed: Mapped[str] = mapped_column(String(2000), primary_key=True)
    entry: Mapped[str] = mapped_column(String(2000), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTC_TS)


class WatchRow(Base):
    """A claim on a user's watchlist and when the user last looked at it."""

    __tablename__ = "watchlist"
    user: Mapped[str] = mapped_column(String(120), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTC_TS)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTC_TS)


class ManualEvidenceRow(Base):
    """Migration 0004: evidence that is no statement of a stored article: a fact-checker's
    rating (``kind='factcheck'``) or an analyst's URL or note (``kind='analyst'``)."""

    __tablename__ = "manual_evidence"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(300))
    source_actor_id: Mapped[str | None] = mapped_column(String(120))
    date: Mapped[datetime] = mapped_column(UTC_TS)
    rating: Mapped[str | None] = mapped_column(Text)
    rating_value: Mapped[float | None] = mapped_column(Float)
    best_rating: Mapped[float | None] = mapped_column(Float)
    worst_rating: Mapped[float | None] = mapped_column(Float)
    stance: Mapped[str] = mapped_column(String(12))
    added_by: Mapped[str | None] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTC_TS)


Index("ix_links_claim_article", LinkRow.claim_id, LinkRow.article_id)
