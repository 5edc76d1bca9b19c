"""Actor tables: the built-in table extended by the user's file, a run's table, and a
ledger's table with the actors created at run time and stored in it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from claimledger.config import Config
from claimledger.records import Actor
from claimledger.store.ledger import Ledger


@lru_cache(maxsize=4)
def actor_table(actors_file: str = "") -> Any:
    """The built-in actor table extended by the user's file (cached per process)."""
    from claimledger.extract.actors import ActorTable

    return ActorTable.load(Path(actors_file) if actors_file else None)


def run_actor_table(actors_file: str, stored: Iterable[Actor] = ()) -> Any:
    """A fresh table to resolve speakers with: built-in, the user's file, then ``stored``.

    Both engines build their table with it: ``ledger_actors`` in process, and each Ray
    worker from the stored actors the batch driver sends, so that both resolve alike.
    A stored actor never replaces an id the table already has.
    """
    from claimledger.extract.actors import ActorTable

    table = ActorTable.load(Path(actors_file) if actors_file else None)
    for actor in stored:
        if table.get(actor.id) is None:
            table.add(actor)
    return table


def ledger_actors(ledger: Ledger, config: Config) -> Any:
    """The actor table plus the actors created at run time and stored in this ledger.

    Speakers unknown to the table become actors during extraction, with the
    affiliations their titles reveal; verification in another process must see
    the same affiliations, so they are read back from the store.
    """
    key = (config.extract.actors_file, ledger.url)
    table = _LEDGER_TABLES.get(key)
    if table is None:
        # A table of its own per ledger: actors created while reading one ledger
        # (with the affiliations their first context revealed) must not leak
        # into another ledger read by the same process.
        table = run_actor_table(config.extract.actors_file)
        _LEDGER_TABLES[key] = table
        _ACTORS_READ.pop(key, None)
    # Stored actors are only ever added (a known id is never replaced in the table), so
    # an unchanged count means nothing new: every view need not read them all again.
    stored = ledger.count("actors")
    if _ACTORS_READ.get(key) != stored:
        for actor in ledger.actors():
            if table.get(actor.id) is None:
                table.add(actor)
        _ACTORS_READ[key] = stored
    return table


_LEDGER_TABLES: dict[tuple[str, str], Any] = {}
# Stored actors counted when each table last read them, by the same key.
_ACTORS_READ: dict[tuple[str, str], int] = {}


def load_actors(*, ledger: Ledger, config: Config) -> int:
    """Write the actor table into the store; returns the number of actors."""
    table = actor_table(config.extract.actors_file)
    actors = list(table.actors())
    ledger.upsert_actors(actors)
    return len(actors)
