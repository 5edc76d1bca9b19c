"""The ledger repository on SQLite and PostgreSQL: migrations, round trips, idempotence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from claimledger.errors import NotFound, StoreError
from claimledger.records import Actor, Affiliation, Claim, Link, Statement, StatusEvent
from claimledger.store.ledger import Ledger, _redact

T0 = datetime(2022, 2, 15, 9, tzinfo=UTC)


def _article(ledger: Ledger) -> str:
    from claimledger.config import load_config
    from claimledger.ingest.sources import make_article
    from claimledger.ingest.store import store_articles

    art = make_article(
        "The ministry said troops were returning to base on Tuesday.",
        item="t",
        outlet="Wire",
        published=T0,
    )
    list(store_articles([art], ledger=ledger, config=load_config(environ={}).dedup))
    return art.id


def test_schema_has_every_table(ledger: Ledger) -> None:
    names = set(inspect(ledger.engine).get_table_names())
    assert {
        "articles",
        "outlets",
        "origins",
        "statements",
        "actors",
        "claims",
        "links",
        "status_events",
        "ingest_failures",
        "alembic_version",
    } <= names


def test_open_twice_is_idempotent(ledger_url: str) -> None:
    Ledger.open(ledger_url).close()
    again = Ledger.open(ledger_url)
    assert again.count("articles") == 0
    again.close()


def test_sqlite_uses_wal(sqlite_ledger: Ledger) -> None:
    with sqlite_ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_dates_round_trip_as_utc(ledger: Ledger) -> None:
    aid = _article(ledger)
    art = ledger.get_article(aid)
    assert art.published == T0 and art.published.tzinfo is not None


def test_statement_claim_link_history_round_trip(ledger: Ledger) -> None:
    aid = _article(ledger)
    st = Statement(
        id="s1",
        article_id=aid,
        content=(4, 20),
        content_text="troops returning",
        kind="indirect",
        source=(0, 3),
        source_text="The",
        cue=(21, 25),
        cue_text="said",
        speaker="Ministry",
        actor_id="x-mod",
        time_phrase="on Tuesday",
        time_resolved=date(2022, 2, 15),
        checkworthiness=0.8,
    )
    claim = Claim(
        id="c1",
        text="troops are returning",
        first_seen=T0,
        claimant_name="Ministry",
        claimant_actor_id="x-mod",
        resolution_date=date(2022, 2, 20),
    )
    link = Link(
        id="l1",
        claim_id="c1",
        article_id=aid,
        stance="supports",
        confidence=0.9,
        similarity=1.0,
        statement_id="s1",
        role="assertion",
    )
    ev = StatusEvent(
        id="e1",
        claim_id="c1",
        at=T0,
        old=None,
        new="unverified",
        reasons=("ONLY_CLAIMANT_SOURCES",),
        evidence_ids=("l1",),
        policy_version="p/1",
    )
    with ledger.session() as s:
        assert ledger.put_statements(s, [st]) == 1
        assert ledger.put_statements(s, [st]) == 0
        key = ledger.put_claim(s, claim, vector=b"\0" * 16, entities=["ministry"])
        assert ledger.put_claim(s, claim, vector=None, entities=[]) == key
        assert ledger.put_link(s, link) and not ledger.put_link(s, link)
        assert ledger.replace_history(s, "c1", [ev]) == [ev]
    with ledger.session() as s:
        assert ledger.replace_history(s, "c1", [ev]) == []  # same history: nothing new
    assert ledger.statements(article_id=aid) == [st]
    assert ledger.get_claim("c1") == claim
    assert ledger.links(claim_id="c1") == [link]
    assert ledger.history("c1") == [ev]
    assert ledger.claim_status("c1") == ("unverified", ["ONLY_CLAIMANT_SOURCES"])
    assert [c.id for c in ledger.claims(status="unverified", actor="ministry")] == ["c1"]
    assert ledger.claims(status="refuted") == []


def test_filters_are_parameters_not_sql(ledger: Ledger) -> None:
    _article(ledger)
    for hostile in ("' OR 1=1 --", "%' UNION SELECT id FROM articles --", "\\"):
        assert ledger.claims(text=hostile, actor=hostile) == []
        assert ledger.articles(outlet=hostile) == []
    assert ledger.count("articles") == 1


def test_actors_round_trip(ledger: Ledger) -> None:
    actor = Actor(
        id="p-k",
        name="Dmytro Kuleba",
        type="person",
        aliases=("Kuleba",),
        roles=("foreign minister",),
        affiliations=(
            Affiliation(parent="ukraine", role="foreign minister", start=date(2020, 3, 4)),
        ),
    )
    ledger.upsert_actors([actor])
    ledger.upsert_actors([actor])
    assert ledger.get_actor("p-k") == actor
    assert ledger.count("actors") == 1


def test_not_found_is_coded(ledger: Ledger) -> None:
    with pytest.raises(NotFound) as err:
        ledger.get_claim("c-missing")
    assert str(err.value).startswith("E501 claim c-missing")


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError) as err:
        Ledger.open("postgresql+psycopg://u:secret@127.0.0.1:1/none")
    assert err.value.code.name in ("E301", "E303")
    assert "secret" not in str(err.value)


def test_redact_hides_password() -> None:
    assert _redact("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"


def test_watchlist(ledger: Ledger) -> None:
    aid = _article(ledger)
    assert aid
    with ledger.session() as s:
        ledger.put_claim(s, Claim(id="c9", text="x", first_seen=T0), vector=None, entities=[])
    ledger.watch("ana", "c9")
    ledger.watch("ana", "c9")
    assert [c for c, _ in ledger.watchlist("ana")] == ["c9"]
    ledger.mark_seen("ana", T0)
    assert ledger.watchlist("ana") == [("c9", T0)]
    ledger.unwatch("ana", "c9")
    assert ledger.watchlist("ana") == []


def test_changes_since_follow_when_events_were_recorded_not_their_dates(
    ledger: Ledger,
) -> None:
    from datetime import timedelta

    with ledger.session() as s:
        ledger.put_claim(s, Claim(id="c7", text="x", first_seen=T0), vector=None, entities=[])

    def event(eid: str, at: datetime, new: str) -> StatusEvent:
        return StatusEvent(eid, "c7", at, None, new, ("R",), (), "p/1")  # type: ignore[arg-type]

    first = event("e1", T0, "unverified")
    with ledger.session() as s:
        ledger.replace_history(s, "c7", [first])
    seen = datetime.now(UTC) + timedelta(seconds=1)
    assert ledger.changes_since("c7", seen) == []
    # Recomputed unchanged after the visit: still nothing new.
    with ledger.session() as s:
        ledger.replace_history(s, "c7", [first])
    assert ledger.changes_since("c7", seen) == []
    # An archived report, dated a year before the visit, changes the claim after it.
    import time

    time.sleep(1.1)
    late = event("e2", T0 + timedelta(days=1), "refuted")
    with ledger.session() as s:
        ledger.replace_history(s, "c7", [first, late])
    assert late.at < seen
    assert ledger.changes_since("c7", seen) == [late]
    assert ledger.changes_since("c7", None) == [first, late]


def test_migrations_match_models(ledger: Ledger) -> None:
    """Regression: a model change without a migration would leave columns missing."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from claimledger.store.models import Base

    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if d[0] != "remove_table"] == []


def test_postgresql_pool_is_sized_by_the_configuration(stores: Any) -> None:
    from claimledger.config import load_config

    cfg = load_config(
        environ={"CLAIMLEDGER_STORE__POOL_SIZE": "2", "CLAIMLEDGER_STORE__MAX_OVERFLOW": "0"},
        user_file=Path("/nonexistent"),
    )
    led = Ledger.open(
        stores.new(), pool_size=cfg.store.pool_size, max_overflow=cfg.store.max_overflow
    )
    try:
        if led.url.startswith("sqlite"):
            assert led.count("claims") == 0  # SQLite has no pool to size; the store still opens
        else:
            assert led.engine.pool.size() == 2  # type: ignore[attr-defined]
            assert led.engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    finally:
        led.close()


def test_open_waits_out_a_locked_new_store(tmp_path: Any, monkeypatch: Any) -> None:
    """A writer opening a SQLite store that another is creating gets "database is locked"
    at once: the open is tried again after a pause, and other errors are not retried."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from claimledger.store import ledger as ledger_mod

    real = ledger_mod.migrate
    calls: list[int] = []

    def locked_twice(engine: Any) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("PRAGMA", {}, sqlite3.OperationalError("database is locked"))
        real(engine)

    monkeypatch.setattr(ledger_mod, "migrate", locked_twice)
    monkeypatch.setattr(ledger_mod, "_OPEN_BACKOFF", 0.01)
    led = ledger_mod.Ledger.open(f"sqlite:///{tmp_path / 'a.db'}")
    led.close()
    assert len(calls) == 3

    def broken(engine: Any) -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("disk I/O error"))

    calls.clear()
    monkeypatch.setattr(ledger_mod, "migrate", broken)
    with pytest.raises(StoreError, match="E30"):
        ledger_mod.Ledger.open(f"sqlite:///{tmp_path / 'b.db'}")
    assert len(calls) == 1


def test_earlier_pending_sees_only_pending_articles_before_in_link_order(ledger: Ledger) -> None:
    from claimledger.config import load_config
    from claimledger.ingest.sources import make_article
    from claimledger.ingest.store import store_articles

    texts = [
        "The ministry said troops were returning to base on Tuesday.",
        "The governor said the bridge at the river crossing would reopen next week.",
        "Observers said they had seen no sign of the columns leaving the region.",
    ]
    arts = [
        make_article(t, item=f"t{n}", outlet="Wire", published=T0.replace(day=10 + n))
        for n, t in enumerate(texts)
    ]
    list(store_articles(arts[::-1], ledger=ledger, config=load_config(environ={}).dedup))
    first, middle, last = (a.id for a in arts)
    with ledger.session() as s:
        assert not ledger.earlier_pending(s, first)
        assert ledger.earlier_pending(s, middle)
        assert ledger.earlier_pending(s, last)
        ledger.mark_processed(s, first)
    with ledger.session() as s:
        assert not ledger.earlier_pending(s, middle)
        assert ledger.earlier_pending(s, last)
        assert not ledger.earlier_pending(s, "a-missing")
