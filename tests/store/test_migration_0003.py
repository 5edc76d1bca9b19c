"""Migration 0003: a ledger written before it gets a date for every article."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text

from claimledger.store.ledger import Ledger, make_engine, migrate


def test_undated_articles_of_an_old_ledger_take_their_ingest_time(ledger_url: str) -> None:
    engine = make_engine(ledger_url)
    cfg = AlembicConfig()
    cfg.set_main_option(
        "script_location", str(resources.files("claimledger.store").joinpath("migrations"))
    )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002_recorded_at")
    stored = datetime(2025, 3, 1, 8, tzinfo=UTC)
    with engine.begin() as conn:
        for aid, published in (("a-undated", None), ("a-dated", datetime(2025, 2, 1, tzinfo=UTC))):
            conn.execute(
                text(
                    "INSERT INTO articles (id, text, published, ingested_at, processed) "
                    "VALUES (:id, 'Some text.', :published, :at, false)"
                ),
                {"id": aid, "published": published, "at": stored},
            )
    migrate(engine)
    migrate(engine)  # at head: nothing to do
    with engine.begin() as conn:  # the row itself, not only how it is read
        row = conn.execute(
            text("SELECT published, date_source FROM articles WHERE id = 'a-undated'")
        ).one()
    assert row[0] is not None and row[1] == "ingest"
    engine.dispose()
    ledger = Ledger.open(ledger_url)
    try:
        undated = ledger.get_article("a-undated")
        assert undated.published == stored
        assert (undated.date_source, undated.date_estimated) == ("ingest", True)
        dated = ledger.get_article("a-dated")
        assert dated.published == datetime(2025, 2, 1, tzinfo=UTC)
        assert (dated.date_source, dated.date_estimated) == (None, False)
    finally:
        ledger.close()
