"""``claimledger watch``: poll feeds and ingest what is new."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence

from claimledger.config import Config
from claimledger.ingest.sources import Defaults
from claimledger.pipeline.local import new_run_id, store_sources
from claimledger.records import IngestFailure
from claimledger.store.ledger import Ledger

log = logging.getLogger(__name__)


def poll_once(
    feeds: Sequence[str], *, ledger: Ledger, config: Config, analyse: bool = True
) -> tuple[int, list[IngestFailure]]:
    """Fetch each feed once and ingest entries not seen before; returns (new articles, failures)."""
    run_id = new_run_id("watch")
    added = 0
    failures: list[IngestFailure] = []
    for feed in feeds:
        keys: list[str] = []
        report = store_sources(
            [feed],
            ledger=ledger,
            config=config,
            defaults=Defaults(),
            run_id=run_id,
            seen_feed_keys=keys,
            skip_feed_keys=ledger.seen_entries(feed),
        )
        added += len(report.added)
        failures.extend(report.failures)
        ledger.mark_entries(feed, keys)
    if analyse and added:
        from claimledger.pipeline.process import process_pending

        process_pending(ledger=ledger, config=config)
    return added, failures


def watch_feeds(
    feeds: Sequence[str],
    *,
    ledger: Ledger,
    config: Config,
    interval: float,
    iterations: int = 0,
    analyse: bool = True,
) -> Iterator[tuple[int, list[IngestFailure]]]:
    """Poll ``feeds`` every ``interval`` seconds; ``iterations`` 0 means until interrupted."""
    n = 0
    while True:
        yield poll_once(feeds, ledger=ledger, config=config, analyse=analyse)
        n += 1
        if iterations and n >= iterations:
            return
        time.sleep(interval)
