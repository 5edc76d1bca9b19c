"""Index upkeep: the claim vector index of a ledger, where it is saved, opening it and
catching it up with the store, keeping it open, saving it, and its candidates."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from claimledger.pipeline.analyse import DIM
from claimledger.store.ledger import MEMBER_KEY_BASE, Ledger


def index_path(ledger: Ledger, index_dir: str = "") -> Path | None:
    """Where the claim index of a ledger is saved; None when it is kept in memory only.

    With ``index_dir`` (``store.index_dir``) every ledger's index is saved there
    under a name derived from the store URL (passwords removed): the way for a
    team's processes sharing a PostgreSQL database to share one saved index on a
    common volume instead of each rebuilding it. Without it a SQLite ledger's
    index sits beside the database file and a server database's index lives in
    the process (rebuilt from the stored vectors when the process first needs it).
    """
    import hashlib

    from claimledger.config import redact_url

    url = ledger.url
    if url.endswith(":memory:"):
        return None
    if index_dir:
        if url.startswith("sqlite:///"):  # the same file whatever the working directory
            url = "sqlite:///" + str(Path(url[len("sqlite:///") :]).resolve())
        name = hashlib.sha256(redact_url(url).encode("utf-8")).hexdigest()[:24]
        return Path(index_dir).expanduser() / f"{name}.claims.usearch"
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :] + ".claims.usearch")
    return None


def open_index(ledger: Ledger, *, index_dir: str = "") -> Any:
    """Open the persisted claim index; catch it up with the store, or rebuild it.

    A saved index that holds exactly the store's keys up to its highest claim key
    and member id is behind the store only by what was added after it was written
    (``save_index`` does not rewrite the file for every run): those vectors are read
    from the store and added. Anything else (a missing, damaged or foreign file, a
    key the store no longer has) is rebuilt from every stored vector.
    """
    from claimledger.link.index import VectorIndex

    kept = _OPEN.pop(ledger.url, None)
    if kept is not None:
        # Keys only grow and the catch-up adds every key above the index's highest, so
        # equal counts and key sums mean equal key sets: no need to read every key.
        with ledger.session() as session:
            catch_up(kept, ledger, session)
        count, total = ledger.claim_key_count()
        if not kept.stale and len(kept) == count and int(kept.keys().sum()) == total:
            return _keep(ledger, kept)
    store_keys = np.asarray(ledger.claim_keys(), dtype=np.int64)
    index = VectorIndex.open(index_path(ledger, index_dir), DIM)
    if index.matches(store_keys):
        _SAVED[index] = len(index)
        return _keep(ledger, index)
    if not index.stale and len(index):
        top_claim, top_member = _watermarks(index.keys())
        own = store_keys < MEMBER_KEY_BASE
        prefix = store_keys[
            (own & (store_keys <= top_claim))
            | (~own & (store_keys <= MEMBER_KEY_BASE + top_member))
        ]
        if index.matches(prefix):
            _SAVED[index] = len(index)
            _SEEN[index] = (top_claim, top_member)
            with ledger.session() as session:
                catch_up(index, ledger, session)
            if index.matches(store_keys):
                return _keep(ledger, index)
    keys, raws, _ = ledger.claim_vectors()
    if not index.matches(np.asarray(keys, dtype=np.int64)):
        vecs = (
            np.frombuffer(b"".join(raws), dtype=np.float32).reshape(-1, DIM)
            if raws
            else np.zeros((0, DIM), np.float32)
        )
        index.rebuild(np.asarray(keys, dtype=np.int64), vecs)
    _SAVED[index] = len(index)
    return _keep(ledger, index)


# Indexes stay open for the life of the process, by store URL, so that a server, a
# feed watcher or a benchmark ingesting article after article does not load (or, on
# PostgreSQL, rebuild) the index for each one. A kept index is caught up with the
# store and its keys compared with the store's before it is used again.
KEEP_OPEN = 4
_OPEN: dict[str, Any] = {}


def _keep(ledger: Ledger, index: Any) -> Any:
    if ledger.url.endswith(":memory:"):  # every in-memory SQLite store is a new one
        return index
    _OPEN[ledger.url] = index
    while len(_OPEN) > KEEP_OPEN:
        _OPEN.pop(next(iter(_OPEN)))
    return index


def forget_index(ledger: Ledger) -> None:
    """Drop the index kept open for ``ledger`` (the next ``open_index`` reads the store)."""
    _OPEN.pop(ledger.url, None)


def forget_open_indexes() -> None:
    """Drop the indexes kept open (the next ``open_index`` reads the saved file)."""
    _OPEN.clear()


# Rewriting the saved index costs a write of all of it (about 1 GB at a million
# claims) even when a run added one claim. The store is the truth and open_index
# catches a saved index up from it, so the file is rewritten only once enough is new.
SAVE_AFTER_NEW = 2_000
SAVE_AFTER_FRACTION = 0.01
# Keys in each open index when its file was last written (or read).
_SAVED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def save_index(index: Any, *, force: bool = False) -> bool:
    """Write the index file when enough keys are new since it was written; True if written."""
    saved = _SAVED.get(index, 0)
    new = len(index) - saved
    if not force and new < max(SAVE_AFTER_NEW, SAVE_AFTER_FRACTION * saved):
        return False
    index.save()
    _SAVED[index] = len(index)
    return True


def _watermarks(keys: NDArray[np.int64]) -> tuple[int, int]:
    """Highest claim key and highest member id among index keys."""
    own = keys[keys < MEMBER_KEY_BASE]
    members = keys[keys >= MEMBER_KEY_BASE] - MEMBER_KEY_BASE
    return (int(own.max()) if own.size else 0, int(members.max()) if members.size else 0)


class StoreCandidates:
    """Claim candidates looked up by index key from the store, cached."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._cache: dict[int, Any] = {}

    def put(self, key: int, candidate: Any) -> None:
        self._cache[key] = candidate

    def get(self, key: int, /) -> Any:
        from claimledger.link.linker import ClaimCandidate

        if key not in self._cache:
            found = self.ledger.claims_by_key([key]).get(key)
            if found is None:
                return None
            claim, ents = found
            self._cache[key] = ClaimCandidate.from_claim(claim, entities=frozenset(ents))
        return self._cache[key]


# How far each open index has caught up with the store: (claim key, member id).
_SEEN: weakref.WeakKeyDictionary[Any, tuple[int, int]] = weakref.WeakKeyDictionary()


def catch_up(index: Any, ledger: Ledger, session: Any) -> None:
    """Add to the in-memory index the vectors other writers committed since it was loaded."""
    seen = _SEEN.get(index)
    if seen is None:
        seen = _watermarks(index.keys())
    keys, raws, top_claim, top_member = ledger.vectors_after(session, *seen)
    fresh = [(k, r) for k, r in zip(keys, raws, strict=True) if k not in index]
    if fresh:
        vecs = np.frombuffer(b"".join(r for _, r in fresh), dtype=np.float32).reshape(-1, DIM)
        index.add(np.asarray([k for k, _ in fresh], dtype=np.int64), vecs)
    _SEEN[index] = (top_claim, top_member)
