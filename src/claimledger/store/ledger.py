"""The ledger repository: every read and write of the store goes through here.

Writes are idempotent (content-hash ids, upserts) and transactional, so that a
re-run or a retried task never duplicates and a killed run loses at most the
transaction in flight.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from claimledger.config import redact_url as _redact
from claimledger.config import scrub_secrets as _scrub
from claimledger.errors import Code, NotFound, StoreError
from claimledger.records import (
    CREATED_PREFIX,
    STANCES,
    Actor,
    Affiliation,
    Article,
    Claim,
    IngestFailure,
    Link,
    Origin,
    Outlet,
    Statement,
    StatusEvent,
)

# Re-exported: the pipeline reads index keys through the ledger, never through the models.
from claimledger.store.models import MEMBER_KEY_BASE as MEMBER_KEY_BASE
from claimledger.store.models import (
    ActorRow,
    ArticleRow,
    ClaimMemberRow,
    ClaimRow,
    FeedEntryRow,
    IngestFailureRow,
    LinkRow,
    LshBandRow,
    OriginRow,
    OutletRow,
    RunRow,
    StatementRow,
    StatusEventRow,
    WatchRow,
)

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def store_error(exc: BaseException, url: str) -> StoreError:
    """Translate a database exception into a coded, one-line store error without secrets."""
    item = _redact(url)
    text = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
    text = _scrub(text, url)
    low = text.lower()
    if "disk is full" in low or "no space" in low or "disk i/o" in low:
        return StoreError(Code.E304, item, reason=text)
    if isinstance(exc, OperationalError) and any(
        s in low for s in ("connection", "server closed", "terminating", "could not connect")
    ):
        return StoreError(Code.E303, item, reason=text)
    return StoreError(Code.E302, item, reason=text)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """Create an engine: WAL SQLite, or PostgreSQL with a pool of ``pool_size`` connections."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration.

    Writers started together on a new store would each create the tables: the
    migration runs under the store's write lock, and only when the store is behind.
    """
    cfg = AlembicConfig()
    cfg.set_main_option(
        "script_location", str(resources.files("claimledger.store").joinpath("migrations"))
    )
    # Features developed side by side may each add a migration after the same parent:
    # the schema is current when every head is applied, and upgrading applies them all.
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless one is opened by hand.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif engine.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATE_LOCK})"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


# Opening a SQLite store another writer is creating or migrating: attempts and the first
# wait (doubled each time: 0.2 + 0.4 + ... about 25 s in all).
_OPEN_ATTEMPTS = 8
_OPEN_BACKOFF = 0.2


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


# Advisory lock keys of PostgreSQL (any constants, distinct from each other).
_LINK_LOCK = 727274
_MIGRATE_LOCK = 727275
_ORIGIN_LOCK = 727276


def _article(row: ArticleRow, outlet: str | None) -> Article:
    # A row without a date (written by another tool or by hand after migration 0003
    # filled the old ones) is read with its ingest time, as the migration would have.
    undated = row.published is None
    return Article(
        id=row.id,
        text=row.text,
        title=row.title,
        url=row.url,
        outlet=outlet,
        published=row.ingested_at if undated else row.published,
        byline=row.byline,
        source=row.source,
        origin_id=row.origin_id,
        date_source="ingest" if undated else row.date_source,
        date_estimated=True if undated else bool(row.date_estimated),
        language=row.language,
        problem=row.problem,
    )


def _statement(row: StatementRow) -> Statement:
    return Statement(
        id=row.id,
        article_id=row.article_id,
        content=(row.content_start, row.content_end),
        content_text=row.content_text,
        kind=row.kind,  # type: ignore[arg-type]
        source=None if row.source_start is None else (row.source_start, row.source_end or 0),
        source_text=row.source_text,
        cue=None if row.cue_start is None else (row.cue_start, row.cue_end or 0),
        cue_text=row.cue_text,
        speaker=row.speaker,
        actor_id=row.actor_id,
        attributed=row.attributed,
        time_phrase=row.time_phrase,
        time_resolved=row.time_resolved,
        checkworthiness=row.checkworthiness,
    )


def _claim(row: ClaimRow) -> Claim:
    return Claim(
        id=row.id,
        text=row.text,
        first_seen=row.first_seen,
        claimant_name=row.claimant_name,
        claimant_actor_id=row.claimant_actor_id,
        resolution_date=row.resolution_date,
        tracked=row.tracked,
        first_statement_id=row.first_statement_id,
        problem=row.problem,
    )


def _iso_date(value: str | None) -> date | None:
    """A stored ISO date; an unreadable one (hand-edited actor table) is read as unknown."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        log.warning("unreadable date %r in the actor table: read as unknown", value)
        return None


def _link_problem(
    row: LinkRow, article_found: str | None, statement_article: str | None
) -> str | None:
    """Why a stored link cannot be used as evidence, or None when it can."""
    if article_found is None:
        return f"link {row.id}: article {row.article_id} is missing"
    if row.statement_id is not None and statement_article is None:
        return f"link {row.id}: statement {row.statement_id} is missing"
    if row.statement_id is not None and statement_article != row.article_id:
        return f"link {row.id}: statement {row.statement_id} is not in article {row.article_id}"
    if row.stance not in STANCES:
        return f"link {row.id}: unknown stance {row.stance!r}"
    if row.role not in ("assertion", "report", "evidence"):
        return f"link {row.id}: unknown role {row.role!r}"
    for name in ("confidence", "similarity"):
        value = getattr(row, name)
        # SQLite keeps whatever a hand edit wrote; the engine compares these with numbers.
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            return f"link {row.id}: {name} {str(value)[:40]!r} is not a number"
    return None


def _link(row: LinkRow) -> Link:
    return Link(
        id=row.id,
        claim_id=row.claim_id,
        article_id=row.article_id,
        stance=row.stance,  # type: ignore[arg-type]
        confidence=row.confidence,
        similarity=row.similarity,
        statement_id=row.statement_id,
        role=row.role,  # type: ignore[arg-type]
        removed_in=row.removed_in,
        removed_at=row.removed_at,
    )


def _event(row: StatusEventRow) -> StatusEvent:
    return StatusEvent(
        id=row.id,
        claim_id=row.claim_id,
        at=row.at,
        old=row.old,  # type: ignore[arg-type]
        new=row.new,  # type: ignore[arg-type]
        reasons=tuple(row.reasons),
        evidence_ids=tuple(row.evidence_ids),
        policy_version=row.policy_version,
    )


def _actor(row: ActorRow) -> Actor:
    return Actor(
        id=row.id,
        name=row.name,
        type=row.type,  # type: ignore[arg-type]
        aliases=tuple(row.aliases),
        roles=tuple(row.roles),
        affiliations=tuple(
            Affiliation(
                parent=str(a["parent"]),
                role=str(a.get("role") or "member"),
                start=_iso_date(a.get("start")),
                end=_iso_date(a.get("end")),
            )
            for a in row.affiliations
        ),
    )


class Ledger:
    """Repository over one store (SQLite file or PostgreSQL database)."""

    def __init__(
        self, url: str, *, engine: Engine | None = None, pool_size: int = 5, max_overflow: int = 10
    ) -> None:
        self.url = url
        self.engine = engine or make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Ledger:
        """Open (and migrate) the store at ``url``.

        ``pool_size`` and ``max_overflow`` size a PostgreSQL connection pool
        (``store.pool_size``, ``store.max_overflow``); SQLite ignores them.

        Raises:
            StoreError: The database cannot be reached or migrated.
        """
        attempt = 0
        while True:
            ledger = None
            try:
                ledger = cls(url, pool_size=pool_size, max_overflow=max_overflow)
                migrate(ledger.engine)
                return ledger
            except (DBAPIError, OSError) as exc:
                if ledger is not None:
                    ledger.close()
                # SQLite answers "database is locked" at once, without waiting out its busy
                # timeout, when a new file's journal mode or schema is being set by another
                # writer starting at the same moment: opening again after it is done works.
                if _locked(exc) and attempt + 1 < _OPEN_ATTEMPTS:
                    time.sleep(_OPEN_BACKOFF * 2**attempt)
                    attempt += 1
                    continue
                err = store_error(exc, url)
                if err.code is Code.E302:
                    err = StoreError(Code.E301, err.item, reason=err.reason)
                raise err from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise store_error(exc, self.url) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- outlets, origins, articles --------------------------------------------------------

    def outlet_id(
        self, session: Session, name: str | None, actor_id: str | None = None
    ) -> str | None:
        """Return the id of the outlet called ``name``, creating it if new."""
        if not name:
            return None
        from claimledger.records import hash_id

        oid = hash_id(name.strip().lower(), prefix="o")
        row = session.get(OutletRow, oid)
        if row is None:
            session.add(OutletRow(id=oid, name=name.strip(), actor_id=actor_id))
            session.flush()
        elif actor_id and not row.actor_id:
            row.actor_id = actor_id
        return oid

    def article_exists(
        self, session: Session, article_id: str, canonical_url: str | None
    ) -> str | None:
        """Return the id of a stored article with this id or canonical URL."""
        cond = [ArticleRow.id == article_id]
        if canonical_url:
            cond.append(ArticleRow.canonical_url == canonical_url)
        return session.scalars(select(ArticleRow.id).where(or_(*cond)).limit(1)).first()

    def lsh_candidates(self, session: Session, buckets: Sequence[tuple[int, str]]) -> list[str]:
        """Article ids sharing at least one LSH bucket with the given signature."""
        if not buckets:
            return []
        # Buckets are unique hashes; the band check is done in Python, which
        # keeps the SQL one indexed IN over a single column.
        wanted = set(buckets)
        rows = session.execute(
            select(LshBandRow.band, LshBandRow.bucket, LshBandRow.article_id).where(
                LshBandRow.bucket.in_(sorted({b for _, b in buckets}))
            )
        ).all()
        return sorted({r[2] for r in rows if (r[0], r[1]) in wanted})

    def minhashes(
        self, session: Session, ids: Sequence[str]
    ) -> dict[str, tuple[bytes, str | None, str | None]]:
        """Signature, origin and byline of the given articles."""
        if not ids:
            return {}
        rows = session.execute(
            select(
                ArticleRow.id, ArticleRow.minhash, ArticleRow.origin_id, ArticleRow.byline
            ).where(ArticleRow.id.in_(ids))
        )
        return {r[0]: (r[1] or b"", r[2], r[3]) for r in rows}

    def add_article(
        self,
        session: Session,
        article: Article,
        *,
        canonical_url: str | None,
        minhash: bytes | None,
        buckets: Sequence[tuple[int, str]],
        origin: Origin,
        outlet_actor_id: str | None = None,
        processed: bool = False,
    ) -> None:
        """Insert a new article with its LSH buckets and origin (in the caller's transaction).

        ``processed`` is True for an article that is stored but not analysed (a
        language the models do not cover).
        """
        outlet_id = self.outlet_id(session, article.outlet, outlet_actor_id)
        row = session.get(OriginRow, origin.id)
        if row is None:
            session.add(
                OriginRow(
                    id=origin.id,
                    first_article_id=origin.first_article_id,
                    agency=origin.agency,
                    size=1,
                )
            )
        else:
            # An SQL increment: two writers adding copies at once must not lose one.
            session.execute(
                update(OriginRow).where(OriginRow.id == origin.id).values(size=OriginRow.size + 1)
            )
            if origin.agency and not row.agency:
                row.agency = origin.agency
        session.flush()
        session.add(
            ArticleRow(
                id=article.id,
                url=article.url,
                canonical_url=canonical_url,
                title=article.title,
                text=article.text,
                outlet_id=outlet_id,
                published=article.published,
                byline=article.byline,
                source=article.source,
                origin_id=origin.id,
                minhash=minhash,
                ingested_at=_now(),
                processed=processed,
                date_source=article.date_source,
                date_estimated=article.date_estimated,
                language=article.language,
                problem=article.problem,
            )
        )
        session.flush()
        if buckets:  # an empty parameter list would insert one row of NULLs
            session.execute(
                insert(LshBandRow),
                [{"band": b, "bucket": h, "article_id": article.id} for b, h in buckets],
            )

    def _outlet_names(self, session: Session) -> dict[str, str]:
        return {r.id: r.name for r in session.scalars(select(OutletRow))}

    def get_article(self, article_id: str) -> Article:
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            if row is None:
                raise NotFound(Code.E501, f"article {article_id}")
            outlet = s.get(OutletRow, row.outlet_id) if row.outlet_id else None
            return _article(row, outlet.name if outlet else None)

    def articles(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        unprocessed: bool = False,
        ids: Sequence[str] | None = None,
    ) -> list[Article]:
        """Articles ordered by publication time then id."""
        with self.session() as s:
            q = select(ArticleRow)
            if outlet:
                q = q.join(OutletRow, OutletRow.id == ArticleRow.outlet_id).where(
                    func.lower(OutletRow.name) == outlet.lower()
                )
            if since:
                q = q.where(ArticleRow.published >= since)
            if until:
                q = q.where(ArticleRow.published <= until)
            if unprocessed:
                q = q.where(ArticleRow.processed.is_(False))
            if ids is not None:
                q = q.where(ArticleRow.id.in_(list(ids)))
            q = q.order_by(ArticleRow.published.is_(None), ArticleRow.published, ArticleRow.id)
            q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
            names = self._outlet_names(s)
            return [_article(r, names.get(r.outlet_id or "")) for r in s.scalars(q)]

    def count(self, table: str) -> int:
        """Number of rows of one of the ledger's tables."""
        model = {
            "articles": ArticleRow,
            "origins": OriginRow,
            "outlets": OutletRow,
            "statements": StatementRow,
            "claims": ClaimRow,
            "links": LinkRow,
            "status_events": StatusEventRow,
            "actors": ActorRow,
            "ingest_failures": IngestFailureRow,
        }[table]
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    def origins(self) -> list[Origin]:
        with self.session() as s:
            return [
                Origin(id=r.id, first_article_id=r.first_article_id, agency=r.agency, size=r.size)
                for r in s.scalars(select(OriginRow).order_by(OriginRow.id))
            ]

    def outlets(self) -> list[tuple[str, str, str | None]]:
        """(id, name, actor id) of every outlet."""
        with self.session() as s:
            return [
                (r.id, r.name, r.actor_id)
                for r in s.scalars(select(OutletRow).order_by(OutletRow.name))
            ]

    def earlier_pending(self, session: Session, article_id: str) -> bool:
        """Whether an article before ``article_id`` in link order is not processed yet.

        Link order is (published, id): whether a statement opens a claim or joins one
        depends on the articles linked before it, so a writer that finds an earlier
        article still pending (stored meanwhile, or analysed by another writer) leaves
        this one for its next batch. Served by the partial index of pending articles.
        """
        row = session.get(ArticleRow, article_id)
        if row is None or row.published is None:
            return False
        before = or_(
            ArticleRow.published < row.published,
            and_(ArticleRow.published == row.published, ArticleRow.id < row.id),
        )
        # ``processed = false`` as the index's predicate reads, so that the planner uses it.
        pending = ArticleRow.processed == False  # noqa: E712 - SQL, not a Python test
        q = select(ArticleRow.id).where(pending, before).limit(1)
        return session.execute(q).first() is not None

    def mark_processed(self, session: Session, article_id: str) -> None:
        session.execute(
            update(ArticleRow).where(ArticleRow.id == article_id).values(processed=True)
        )

    def article_pending(self, session: Session, article_id: str) -> bool:
        """Whether the article is stored and not processed yet (in the caller's transaction)."""
        row = session.get(ArticleRow, article_id)
        return row is not None and not row.processed

    def newest_published(self) -> datetime | None:
        """The publication time of the newest dated article; None when no article has a date.

        Undated articles are left out: PostgreSQL sorts nulls first in descending order, and
        one undated article would otherwise hide every date.
        """
        with self.session() as s:
            return s.scalar(
                select(ArticleRow.published)
                .where(ArticleRow.published.is_not(None))
                .order_by(ArticleRow.published.desc())
                .limit(1)
            )

    def outlets_by_name(self, session: Session) -> dict[str, Outlet]:
        """Every outlet, by name."""
        return {
            r.name: Outlet(id=r.id, name=r.name, actor_id=r.actor_id)
            for r in session.scalars(select(OutletRow))
        }

    def origin_outlets(self, session: Session, origin_ids: Sequence[str]) -> dict[str, str]:
        """Origin id -> name of the outlet of the origin's first article.

        Origins that are not stored, or whose first article is missing or has no outlet,
        are left out.
        """
        first_of_origin: dict[str, str] = dict(
            session.execute(
                select(OriginRow.id, OriginRow.first_article_id).where(OriginRow.id.in_(origin_ids))
            ).all()
        )
        first_outlet: dict[str, str] = dict(
            session.execute(
                select(ArticleRow.id, OutletRow.name)
                .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
                .where(ArticleRow.id.in_(sorted(set(first_of_origin.values()))))
            ).all()
        )
        return {
            origin_id: first_outlet[first]
            for origin_id, first in first_of_origin.items()
            if first in first_outlet
        }

    # -- failures, runs, feeds --------------------------------------------------------------

    def record_failures(self, failures: Iterable[IngestFailure], *, run_id: str | None) -> None:
        with self.session() as s:
            for f in failures:
                s.add(
                    IngestFailureRow(
                        run_id=run_id, item=f.item, code=f.code, reason=f.reason, at=_now()
                    )
                )

    def failures(self, *, run_id: str | None = None) -> list[IngestFailure]:
        with self.session() as s:
            q = select(IngestFailureRow).order_by(IngestFailureRow.id)
            if run_id:
                q = q.where(IngestFailureRow.run_id == run_id)
            return [IngestFailure(item=r.item, code=r.code, reason=r.reason) for r in s.scalars(q)]

    def start_run(self, run_id: str, *, command: str, config_json: str) -> None:
        with self.session() as s:
            s.merge(
                RunRow(
                    id=run_id, command=command, started=_now(), finished=None, config=config_json
                )
            )

    def finish_run(self, run_id: str) -> None:
        with self.session() as s:
            s.execute(update(RunRow).where(RunRow.id == run_id).values(finished=_now()))

    def seen_entries(self, feed: str) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(FeedEntryRow.entry).where(FeedEntryRow.feed == feed)))

    def mark_entries(self, feed: str, entries: Iterable[str]) -> None:
        """Remember feed entries as seen; another watcher marking the same ones is no conflict."""
        rows = [{"feed": feed, "entry": e, "seen_at": _now()} for e in dict.fromkeys(entries)]
        with self.session() as s:
            self._insert_new(s, FeedEntryRow, rows)

    def _insert_new(self, session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows, skipping those whose primary key is already there (any writer's)."""
        if not rows:
            return
        from sqlalchemy.dialects import postgresql, sqlite

        if self.dialect == "postgresql":
            session.execute(postgresql.insert(model).on_conflict_do_nothing(), list(rows))
        else:
            session.execute(sqlite.insert(model).on_conflict_do_nothing(), list(rows))

    # -- actors ----------------------------------------------------------------------------------

    def upsert_actors(self, actors: Iterable[Actor]) -> None:
        """Insert or update actors; safe against a concurrent writer inserting the same ids."""
        batch = list(actors)
        for attempt in range(3):
            try:
                self._upsert_actors(batch)
                return
            except StoreError as exc:
                low = exc.reason.lower()
                if attempt == 2 or ("duplicate key" not in low and "unique constraint" not in low):
                    raise

    def lock_linking(self, session: Session) -> None:
        """Serialise linking (and claim keys, and histories) across writer processes.

        Whether a statement opens a claim depends on the claims before it, so
        concurrent writers take turns per article. PostgreSQL: a
        transaction-scoped advisory lock. SQLite: the database's write lock, taken
        now rather than at the first insert (``BEGIN IMMEDIATE``): pysqlite reads
        outside any transaction until the first write, so without it two writers
        both read an article as unprocessed and both store its statements
        (``UNIQUE constraint failed: statements.id``). A no-op write is the first
        statement of the transaction: it waits for the lock under ``busy_timeout``.
        Call it before the transaction's first write.
        """
        if self.dialect == "postgresql":
            session.execute(text(f"SELECT pg_advisory_xact_lock({_LINK_LOCK})"))
        elif self.dialect == "sqlite":
            session.execute(text("UPDATE claims SET dirty = dirty WHERE 0"))

    def lock_origins(self, session: Session) -> None:
        """Serialise storing articles across writer processes (as ``lock_linking`` does
        linking): which origin a syndicated copy joins depends on the copies stored before
        it, and two writers each storing one copy of a story at once would each see none
        of the other and open two origins, which the verdicts count as two independent
        sources. Call it before the transaction's first read.
        """
        if self.dialect == "postgresql":
            session.execute(text(f"SELECT pg_advisory_xact_lock({_ORIGIN_LOCK})"))
        elif self.dialect == "sqlite":
            session.execute(text("UPDATE origins SET id = id WHERE 0"))

    def evidence_current(self, session: Session, claim_id: str, link_ids: Iterable[str]) -> bool:
        """Whether the claim's usable links are still exactly ``link_ids`` (under the lock).

        A recompute reads the evidence before it takes the lock; when another writer
        linked to the claim in between, its history would be stale: the claim stays
        dirty and that writer's own recompute writes it.
        """
        rows = session.execute(
            select(LinkRow, ArticleRow.id, StatementRow.article_id)
            .outerjoin(ArticleRow, ArticleRow.id == LinkRow.article_id)
            .outerjoin(StatementRow, StatementRow.id == LinkRow.statement_id)
            .where(LinkRow.claim_id == claim_id)
        ).all()
        now = {r.id for r, art, st_art in rows if _link_problem(r, art, st_art) is None}
        return now == set(link_ids)

    def vectors_after(
        self, session: Session, claim_key: int, member_id: int
    ) -> tuple[list[int], list[bytes], int, int]:
        """Index keys and vectors added since the given claim key and member id (by any writer)."""
        rows = session.execute(
            select(ClaimRow.key, ClaimRow.vector)
            .where(ClaimRow.key > claim_key, ClaimRow.vector.is_not(None))
            .order_by(ClaimRow.key)
        ).all()
        members = session.execute(
            select(ClaimMemberRow.id, ClaimMemberRow.vector)
            .where(ClaimMemberRow.id > member_id)
            .order_by(ClaimMemberRow.id)
        ).all()
        keys = [r[0] for r in rows] + [MEMBER_KEY_BASE + m[0] for m in members]
        raws = [r[1] or b"" for r in rows] + [m[1] for m in members]
        top_claim = max([claim_key] + [r[0] for r in rows])
        top_member = max([member_id] + [m[0] for m in members])
        return keys, raws, top_claim, top_member

    def _upsert_actors(self, actors: list[Actor]) -> None:
        with self.session() as s:
            for a in actors:
                affiliations = [
                    {
                        "parent": f.parent,
                        "role": f.role,
                        "start": f.start.isoformat() if f.start else None,
                        "end": f.end.isoformat() if f.end else None,
                    }
                    for f in a.affiliations
                ]
                kind = a.type
                if a.id.startswith(CREATED_PREFIX):
                    # A created actor's affiliations were learned from the texts that named
                    # it; a writer that met it in fewer texts (another process, a Ray worker)
                    # holds a shorter list and must not shorten the stored one.
                    have = s.get(ActorRow, a.id)
                    if have is not None:
                        known = list(have.affiliations or [])
                        affiliations = known + [f for f in affiliations if f not in known]
                        kind = "person" if "person" in (have.type, a.type) else a.type
                s.merge(
                    ActorRow(
                        id=a.id,
                        name=a.name,
                        type=kind,
                        aliases=list(a.aliases),
                        roles=list(a.roles),
                        affiliations=affiliations,
                    )
                )

    def actors(self, *, limit: int | None = None, offset: int = 0) -> list[Actor]:
        with self.session() as s:
            q = select(ActorRow).order_by(ActorRow.name, ActorRow.id).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_actor(r) for r in s.scalars(q)]

    def get_actor(self, actor_id: str) -> Actor:
        with self.session() as s:
            row = s.get(ActorRow, actor_id)
            if row is None:
                raise NotFound(Code.E501, f"actor {actor_id}")
            return _actor(row)

    # -- statements ------------------------------------------------------------------------

    def put_statements(self, session: Session, statements: Iterable[Statement]) -> int:
        """Upsert statements; returns how many were new."""
        new = 0
        for st in statements:
            if session.get(StatementRow, st.id) is not None:
                continue
            new += 1
            session.add(
                StatementRow(
                    id=st.id,
                    article_id=st.article_id,
                    content_start=st.content[0],
                    content_end=st.content[1],
                    content_text=st.content_text,
                    kind=st.kind,
                    source_start=st.source[0] if st.source else None,
                    source_end=st.source[1] if st.source else None,
                    source_text=st.source_text,
                    cue_start=st.cue[0] if st.cue else None,
                    cue_end=st.cue[1] if st.cue else None,
                    cue_text=st.cue_text,
                    speaker=st.speaker,
                    actor_id=st.actor_id,
                    attributed=st.attributed,
                    time_phrase=st.time_phrase,
                    time_resolved=st.time_resolved,
                    checkworthiness=st.checkworthiness,
                )
            )
        session.flush()
        return new

    def statements(
        self,
        *,
        article_id: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Statement]:
        with self.session() as s:
            q = select(StatementRow)
            if article_id:
                q = q.where(StatementRow.article_id == article_id)
            if ids is not None:
                q = q.where(StatementRow.id.in_(list(ids)))
            q = q.order_by(StatementRow.article_id, StatementRow.content_start, StatementRow.id)
            q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_statement(r) for r in s.scalars(q)]

    def get_statement(self, statement_id: str) -> Statement:
        with self.session() as s:
            row = s.get(StatementRow, statement_id)
            if row is None:
                raise NotFound(Code.E501, f"statement {statement_id}")
            return _statement(row)

    # -- claims and links ------------------------------------------------------------------

    def next_claim_key(self, session: Session) -> int:
        return int(session.scalar(select(func.coalesce(func.max(ClaimRow.key), 0))) or 0) + 1

    def put_claim(
        self,
        session: Session,
        claim: Claim,
        *,
        vector: bytes | None,
        entities: Sequence[str],
    ) -> int:
        """Insert a claim if new; returns its integer index key."""
        # Keys are max + 1: writers (ingest, track, API) take turns to draw them.
        self.lock_linking(session)
        row = session.get(ClaimRow, claim.id)
        if row is not None:
            return row.key
        key = self.next_claim_key(session)
        session.add(
            ClaimRow(
                id=claim.id,
                key=key,
                text=claim.text,
                claimant_name=claim.claimant_name,
                claimant_actor_id=claim.claimant_actor_id,
                first_seen=claim.first_seen,
                resolution_date=claim.resolution_date,
                tracked=claim.tracked,
                first_statement_id=claim.first_statement_id,
                entities=sorted(entities),
                vector=vector,
                status="unverified",
                reasons=[],
            )
        )
        session.flush()
        return key

    def set_resolution_date(self, session: Session, claim_id: str, when: date) -> None:
        session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim_id, ClaimRow.resolution_date.is_(None))
            .values(resolution_date=when)
        )

    def claim_exists(self, session: Session, claim_id: str) -> bool:
        """Whether a claim with exactly this id is stored (in the caller's transaction)."""
        return session.get(ClaimRow, claim_id) is not None

    def claim_vector(self, session: Session, claim_id: str) -> tuple[str, bytes, list[str]] | None:
        """Text, raw float32 vector and linking entities of a claim (in the caller's
        transaction); None when the claim is missing or has no vector."""
        row = session.get(ClaimRow, claim_id)
        if row is None or not row.vector:
            return None
        return row.text, row.vector, list(row.entities or ())

    def mark_dirty(self, session: Session, claim_id: str) -> None:
        """Flag a claim for recomputation, in the transaction that changed its evidence."""
        session.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(dirty=True))

    def clear_dirty(self, session: Session, claim_id: str) -> None:
        """Clear a claim's recomputation flag, in the transaction that stores its history."""
        session.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(dirty=False))

    def get_claim(self, claim_id: str) -> Claim:
        with self.session() as s:
            row = s.get(ClaimRow, claim_id)
            if row is None:
                # A unique prefix is enough; an ambiguous one finds nothing.
                prefix = select(ClaimRow).where(ClaimRow.id.startswith(claim_id, autoescape=True))
                found = s.scalars(prefix.limit(2)).all()
                row = found[0] if len(found) == 1 else None
            if row is None:
                raise NotFound(Code.E501, f"claim {claim_id}")
            return _claim(row)

    def claim_status(self, claim_id: str) -> tuple[str, list[str]]:
        with self.session() as s:
            row = s.get(ClaimRow, claim_id)
            if row is None:
                raise NotFound(Code.E501, f"claim {claim_id}")
            return row.status, list(row.reasons)

    def claims(
        self,
        *,
        status: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
        tracked: bool | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Claim]:
        """Claims matching the filters, oldest first. Filters are bound parameters."""
        if any("\x00" in f for f in (text, actor, status) if f):
            return []  # no stored value holds NUL; SQLite's LIKE stops at it, PostgreSQL refuses it
        with self.session() as s:
            q = select(ClaimRow)
            if status:
                q = q.where(ClaimRow.status == status)
            if actor:
                q = q.where(
                    or_(
                        ClaimRow.claimant_actor_id == actor,
                        func.lower(ClaimRow.claimant_name).contains(actor.lower(), autoescape=True),
                    )
                )
            if since:
                q = q.where(ClaimRow.first_seen >= since)
            if until:
                q = q.where(ClaimRow.first_seen <= until)
            if text:
                q = q.where(func.lower(ClaimRow.text).contains(text.lower(), autoescape=True))
            if tracked is not None:
                q = q.where(ClaimRow.tracked.is_(tracked))
            if ids is not None:
                q = q.where(ClaimRow.id.in_(list(ids)))
            q = q.order_by(ClaimRow.first_seen.is_(None), ClaimRow.first_seen, ClaimRow.id)
            q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_claim(r) for r in s.scalars(q)]

    def add_member(
        self, session: Session, claim_id: str, statement_id: str, vector: bytes
    ) -> int | None:
        """Add a statement's vector as a further way into a claim; returns its new index key.

        Returns None when the statement already stands for the claim.
        """
        exists = session.scalar(
            select(ClaimMemberRow.id).where(
                ClaimMemberRow.claim_id == claim_id, ClaimMemberRow.statement_id == statement_id
            )
        )
        if exists is not None:
            return None
        row = ClaimMemberRow(claim_id=claim_id, statement_id=statement_id, vector=vector)
        session.add(row)
        session.flush()
        return MEMBER_KEY_BASE + row.id

    def claim_key_count(self) -> tuple[int, int]:
        """How many index keys stand for claims, and their sum, without reading the keys."""
        with self.session() as s:
            own_n, own_sum = s.execute(
                select(func.count(), func.coalesce(func.sum(ClaimRow.key), 0)).where(
                    ClaimRow.vector.is_not(None)
                )
            ).one()
            mem_n, mem_sum = s.execute(
                select(func.count(), func.coalesce(func.sum(ClaimMemberRow.id), 0))
            ).one()
        n = int(mem_n)
        return int(own_n) + n, int(own_sum) + int(mem_sum) + n * MEMBER_KEY_BASE

    def claim_keys(self) -> list[int]:
        """Index keys of every vector standing for a claim (no vectors read)."""
        with self.session() as s:
            own = s.scalars(select(ClaimRow.key).where(ClaimRow.vector.is_not(None))).all()
            members = s.scalars(select(ClaimMemberRow.id)).all()
        return sorted([*own, *(MEMBER_KEY_BASE + m for m in members)])

    def claim_vectors(self) -> tuple[list[int], list[bytes], list[str]]:
        """Index keys, raw float32 vectors and claim ids of every vector standing for a claim."""
        with self.session() as s:
            rows = s.execute(
                select(ClaimRow.key, ClaimRow.vector, ClaimRow.id)
                .where(ClaimRow.vector.is_not(None))
                .order_by(ClaimRow.key)
            ).all()
            members = s.execute(
                select(ClaimMemberRow.id, ClaimMemberRow.vector, ClaimMemberRow.claim_id).order_by(
                    ClaimMemberRow.id
                )
            ).all()
            keys = [r[0] for r in rows] + [MEMBER_KEY_BASE + m[0] for m in members]
            raws = [r[1] or b"" for r in rows] + [m[1] for m in members]
            ids = [r[2] for r in rows] + [m[2] for m in members]
            return keys, raws, ids

    def claims_by_key(self, keys: Sequence[int]) -> dict[int, tuple[Claim, list[str]]]:
        """Claims (and their linking entities) by index key (claim keys and member keys)."""
        if not keys:
            return {}
        own = [int(k) for k in keys if k < MEMBER_KEY_BASE]
        member = [int(k) - MEMBER_KEY_BASE for k in keys if k >= MEMBER_KEY_BASE]
        out: dict[int, tuple[Claim, list[str]]] = {}
        with self.session() as s:
            if own:
                for r in s.scalars(select(ClaimRow).where(ClaimRow.key.in_(own))):
                    out[r.key] = (_claim(r), list(r.entities))
            if member:
                q = select(ClaimMemberRow.id, ClaimRow).join(
                    ClaimRow, ClaimRow.id == ClaimMemberRow.claim_id
                )
                for mid, r in s.execute(q.where(ClaimMemberRow.id.in_(member))).all():
                    out[MEMBER_KEY_BASE + mid] = (_claim(r), list(r.entities))
        return out

    def put_link(self, session: Session, link: Link) -> bool:
        """Insert a link if new; returns whether it was new."""
        if session.get(LinkRow, link.id) is not None:
            return False
        session.add(
            LinkRow(
                id=link.id,
                claim_id=link.claim_id,
                statement_id=link.statement_id,
                article_id=link.article_id,
                stance=link.stance,
                confidence=link.confidence,
                similarity=link.similarity,
                role=link.role,
            )
        )
        session.flush()
        return True

    def restated_claim_ids(self, session: Session, statement_id: str) -> list[str]:
        """Ids of the claims a statement asserts or reports, one per such link, in no set
        order; its evidence links are left out (in the caller's transaction)."""
        return list(
            session.scalars(
                select(LinkRow.claim_id).where(
                    LinkRow.statement_id == statement_id,
                    LinkRow.role.in_(("assertion", "report")),
                )
            ).all()
        )

    def article_links(self, session: Session, article_id: str) -> list[Link]:
        """The standing links an article's statements make, by id (in the caller's
        transaction, so the article being linked sees its own new links)."""
        rows = session.scalars(
            select(LinkRow)
            .where(LinkRow.article_id == article_id, LinkRow.removed_in.is_(None))
            .order_by(LinkRow.id)
        ).all()
        return [_link(r) for r in rows]

    def linked_statement_ids(self, session: Session, claim_id: str) -> set[str]:
        """Ids of the statements linked to a claim in any role (in the caller's transaction)."""
        found = session.scalars(select(LinkRow.statement_id).where(LinkRow.claim_id == claim_id))
        return {sid for sid in found.all() if sid is not None}

    def links(
        self,
        *,
        claim_id: str | None = None,
        article_id: str | None = None,
        claim_ids: Sequence[str] | None = None,
    ) -> list[Link]:
        """Usable links, by claim then id. A broken link (``link_problems``) is left out,
        so that one bad row never stops the evidence of a claim from being read."""
        return [
            link
            for link, problem in self._links(
                claim_id=claim_id, article_id=article_id, claim_ids=claim_ids
            )
            if problem is None
        ]

    def link_problems(self, claim_ids: Sequence[str]) -> dict[str, list[str]]:
        """Claim id -> why each of its broken links cannot be used (claims with any)."""
        out: dict[str, list[str]] = {}
        for link, problem in self._links(claim_ids=claim_ids):
            if problem is not None:
                out.setdefault(link.claim_id, []).append(problem)
        return out

    def _links(
        self,
        *,
        claim_id: str | None = None,
        article_id: str | None = None,
        claim_ids: Sequence[str] | None = None,
    ) -> list[tuple[Link, str | None]]:
        with self.session() as s:
            q = (
                select(LinkRow, ArticleRow.id, StatementRow.article_id)
                .outerjoin(ArticleRow, ArticleRow.id == LinkRow.article_id)
                .outerjoin(StatementRow, StatementRow.id == LinkRow.statement_id)
            )
            if claim_id:
                q = q.where(LinkRow.claim_id == claim_id)
            if claim_ids is not None:
                q = q.where(LinkRow.claim_id.in_(list(claim_ids)))
            if article_id:
                q = q.where(LinkRow.article_id == article_id)
            rows = s.execute(q.order_by(LinkRow.claim_id, LinkRow.id)).all()
            return [(_link(r), _link_problem(r, art, st_art)) for r, art, st_art in rows]

    def set_claim_problems(self, problems: dict[str, str | None]) -> None:
        """Store (or clear, with None) each claim's problem; rows already so are not written."""
        if not problems:
            return
        with self.session() as s:
            stored = dict(
                s.execute(
                    select(ClaimRow.id, ClaimRow.problem).where(ClaimRow.id.in_(list(problems)))
                ).all()
            )
            for cid, problem in sorted(problems.items()):
                if cid in stored and stored[cid] != problem:
                    s.execute(update(ClaimRow).where(ClaimRow.id == cid).values(problem=problem))

    def all_claim_ids(self) -> list[str]:
        """Every claim id, in id order."""
        with self.session() as s:
            return list(s.scalars(select(ClaimRow.id).order_by(ClaimRow.id)))

    def dirty_claim_ids(self) -> list[str]:
        """Ids of the claims flagged for recomputation, in id order."""
        with self.session() as s:
            return list(
                s.scalars(select(ClaimRow.id).where(ClaimRow.dirty.is_(True)).order_by(ClaimRow.id))
            )

    # -- status history --------------------------------------------------------------------

    def replace_history(
        self, session: Session, claim_id: str, events: Sequence[StatusEvent]
    ) -> list[StatusEvent]:
        """Store a claim's recomputed history; returns the events that are new.

        History is derived data: recomputing from the same statements and links
        yields the same events with the same ids, so existing ids are kept and
        only genuinely new events are reported (for alerts).
        """
        old: dict[str, datetime | None] = dict(
            session.execute(
                select(StatusEventRow.id, StatusEventRow.recorded_at).where(
                    StatusEventRow.claim_id == claim_id
                )
            ).all()
        )
        session.execute(delete(StatusEventRow).where(StatusEventRow.claim_id == claim_id))
        session.flush()
        now = _now()
        for seq, e in enumerate(events):
            session.add(
                StatusEventRow(
                    id=e.id,
                    claim_id=e.claim_id,
                    seq=seq,
                    at=e.at,
                    old=e.old,
                    new=e.new,
                    reasons=list(e.reasons),
                    evidence_ids=list(e.evidence_ids),
                    policy_version=e.policy_version,
                    # An event recomputed unchanged keeps the time it was first recorded.
                    recorded_at=old.get(e.id) or (e.at if e.id in old else now),
                )
            )
        session.flush()
        fresh = [e for e in events if e.id not in old]
        last = events[-1] if events else None
        session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim_id)
            .values(
                status=last.new if last else "unverified",
                reasons=list(last.reasons) if last else [],
            )
        )
        return fresh

    def history(self, claim_id: str) -> list[StatusEvent]:
        with self.session() as s:
            q = (
                select(StatusEventRow)
                .where(StatusEventRow.claim_id == claim_id)
                .order_by(StatusEventRow.seq)
            )
            return [_event(r) for r in s.scalars(q)]

    def changes_since(self, claim_id: str, seen: datetime | None) -> list[StatusEvent]:
        """A claim's status events the ledger recorded after ``seen`` (all when None).

        Recorded, not dated: an archived article ingested after ``seen`` changes the
        claim then, though its events carry the article's earlier date.
        """
        with self.session() as s:
            q = (
                select(StatusEventRow)
                .where(StatusEventRow.claim_id == claim_id)
                .order_by(StatusEventRow.seq)
            )
            return [
                _event(r) for r in s.scalars(q) if seen is None or (r.recorded_at or r.at) > seen
            ]

    def recent_events(self, *, tracked_only: bool = True, limit: int = 100) -> list[StatusEvent]:
        with self.session() as s:
            q = select(StatusEventRow).join(ClaimRow, ClaimRow.id == StatusEventRow.claim_id)
            if tracked_only:
                q = q.where(
                    or_(
                        ClaimRow.tracked.is_(True),
                        ClaimRow.id.in_(select(WatchRow.claim_id)),
                    )
                )
            q = q.order_by(StatusEventRow.at.desc(), StatusEventRow.id).limit(limit)
            return [_event(r) for r in s.scalars(q)]

    # -- watchlists ----------------------------------------------------------------------------

    def watch(self, user: str, claim_id: str) -> None:
        with self.session() as s:
            if s.get(WatchRow, (user, claim_id)) is None:
                row = {"user": user, "claim_id": claim_id, "added_at": _now(), "last_seen_at": None}
                self._insert_new(s, WatchRow, [row])

    def unwatch(self, user: str, claim_id: str) -> None:
        with self.session() as s:
            s.execute(delete(WatchRow).where(WatchRow.user == user, WatchRow.claim_id == claim_id))

    def watchlist(self, user: str) -> list[tuple[str, datetime | None]]:
        """(claim id, last time the user looked) for the user's watched claims."""
        with self.session() as s:
            q = select(WatchRow).where(WatchRow.user == user).order_by(WatchRow.added_at)
            return [(r.claim_id, r.last_seen_at) for r in s.scalars(q)]

    def mark_seen(self, user: str, when: datetime | None = None) -> None:
        with self.session() as s:
            s.execute(
                update(WatchRow).where(WatchRow.user == user).values(last_seen_at=when or _now())
            )
