"""The in-process pipeline: read sources, store and deduplicate, then analyse.

``ingest()`` is what ``claimledger ingest`` calls. Reading and storing are
streaming and per-article transactional; analysis (extraction onwards) runs
over the articles not yet processed, so that a killed run resumes where it
stopped and a re-run does nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from claimledger.config import Config
from claimledger.ingest.fetch import FetchOptions
from claimledger.ingest.language import analysed
from claimledger.ingest.sources import Defaults, iter_sources
from claimledger.ingest.store import Stored, store_articles, wire_agencies
from claimledger.records import Article, IngestFailure, IngestReport, hash_id
from claimledger.store.ledger import Ledger

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]


def fetch_options(config: Config) -> FetchOptions:
    """Fetch limits from the ``[ingest]`` configuration."""
    c = config.ingest
    return FetchOptions(
        timeout=c.timeout,
        max_bytes=c.max_bytes,
        max_redirects=c.max_redirects,
        user_agent=c.user_agent,
        allow_private_addresses=c.allow_private_addresses,
    )


def new_run_id(command: str) -> str:
    return hash_id(command, datetime.now(UTC).isoformat(), prefix="r", length=12)


def store_sources(
    sources: Sequence[str],
    *,
    ledger: Ledger,
    config: Config,
    defaults: Defaults,
    run_id: str,
    progress: Progress | None = None,
    seen_feed_keys: list[str] | None = None,
    skip_feed_keys: set[str] | None = None,
    items: Iterable[Article | IngestFailure | str] | None = None,
) -> IngestReport:
    """Read and store every source; failures are recorded, never raised.

    Args:
        sources: Files, directories and URLs.
        ledger: The open store.
        config: Resolved configuration.
        defaults: ``--published`` / ``--outlet`` for inputs lacking them.
        run_id: Id under which failures are recorded.
        progress: Called with ("stored", n) after each article.
        seen_feed_keys: When given, feed entry keys handled are appended to it.
        skip_feed_keys: Feed entries already handled by an earlier poll.
        items: Records already read (e.g. from Parquet) to store instead of reading ``sources``.
    """
    from claimledger.pipeline.actor_tables import actor_table

    report = IngestReport()
    table = actor_table(config.extract.actors_file)
    if items is None:
        items = iter_sources(
            list(sources), defaults=defaults, options=fetch_options(config), seen=skip_feed_keys
        )
    agencies = wire_agencies(table.actors())
    stored = store_articles(
        items,
        ledger=ledger,
        config=config.dedup,
        outlet_actor=table.outlet_actor,
        agencies=agencies,
    )
    for got in stored:
        if isinstance(got, Stored):
            (report.added if got.new else report.duplicates).append(got.article.id)
            if got.revision is not None:
                report.revisions.append((got.article.id, got.revision))
            if got.new and not analysed(got.article.language):
                report.not_analysed.append((got.article.id, got.article.language or ""))
            if progress:
                progress("stored", len(report.added) + len(report.duplicates))
        elif isinstance(got, IngestFailure):
            log.debug("%s %s: %s", got.code, got.item, got.reason)
            report.failures.append(got)
            ledger.record_failures([got], run_id=run_id)
        elif seen_feed_keys is not None:
            seen_feed_keys.append(got)
    return report


def ingest(
    sources: Sequence[str],
    *,
    ledger: Ledger,
    config: Config,
    defaults: Defaults | None = None,
    analyse: bool = True,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest sources into the ledger and, unless ``analyse`` is False, run the analysis stages."""
    run_id = new_run_id("ingest")
    ledger.start_run(run_id, command="ingest", config_json=config.to_json())
    report = store_sources(
        sources,
        ledger=ledger,
        config=config,
        defaults=defaults or Defaults(),
        run_id=run_id,
        progress=progress,
    )
    if analyse:
        from claimledger.pipeline.process import process_pending

        done = process_pending(ledger=ledger, config=config, progress=progress)
        report.statements = done.statements
        report.claims = done.claims
    ledger.finish_run(run_id)
    return report
