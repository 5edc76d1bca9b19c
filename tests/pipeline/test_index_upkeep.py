"""The saved claim index is caught up from the store, not rewritten or rebuilt every run."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert

from claimledger.link.index import VectorIndex
from claimledger.pipeline import claim_index
from claimledger.pipeline.analyse import DIM
from claimledger.pipeline.claim_index import forget_open_indexes, index_path, open_index, save_index
from claimledger.store.ledger import Ledger
from claimledger.store.models import MEMBER_KEY_BASE, ClaimMemberRow, ClaimRow

RNG = np.random.default_rng(7)


def _vectors(n: int) -> np.ndarray:
    v = RNG.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _add(ledger: Ledger, claims: range, members: int = 0) -> None:
    """Claims with keys ``claims`` (ids c<key>) and ``members`` further vectors of the first."""
    vecs = _vectors(len(claims) + members)
    with ledger.engine.begin() as conn:
        if len(claims):
            conn.execute(
                insert(ClaimRow),
                [
                    {
                        "id": f"c{k:08d}",
                        "key": k,
                        "text": f"Claim {k}.",
                        "tracked": False,
                        "entities": [],
                        "vector": vecs[i].tobytes(),
                        "status": "unverified",
                        "reasons": [],
                        "dirty": False,
                    }
                    for i, k in enumerate(claims)
                ],
            )
        for j in range(members):
            conn.execute(
                insert(ClaimMemberRow),
                {
                    "claim_id": f"c{claims[0] if len(claims) else 1:08d}",
                    "statement_id": f"s{RNG.integers(1 << 40)}",
                    "vector": vecs[len(claims) + j].tobytes(),
                },
            )


def _store_keys(ledger: Ledger) -> np.ndarray:
    return np.asarray(ledger.claim_keys(), dtype=np.int64)


@pytest.fixture(autouse=True)
def _from_the_file() -> Any:
    """Each test opens indexes as a new process would, unless it keeps them itself."""
    forget_open_indexes()
    yield
    forget_open_indexes()


def _no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any, **__: Any) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(VectorIndex, "rebuild", fail)


def test_index_behind_the_store_is_caught_up_not_rebuilt(
    sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(sqlite_ledger, range(1, 41), members=3)
    first = open_index(sqlite_ledger)  # no file yet: built from the store and saved
    path = index_path(sqlite_ledger)
    assert path is not None and path.exists() and len(first) == 43
    written = path.stat().st_mtime_ns

    _add(sqlite_ledger, range(41, 46), members=2)  # another run adds claims and members
    forget_open_indexes()  # as in the next process
    _no_rebuild(monkeypatch)
    again = open_index(sqlite_ledger)
    assert len(again) == 50 and again.matches(_store_keys(sqlite_ledger))
    assert MEMBER_KEY_BASE + 5 in again and 45 in again
    # Seven new keys are not worth rewriting the whole file; forcing writes it.
    assert save_index(again) is False and path.stat().st_mtime_ns == written
    assert save_index(again, force=True) is True
    assert VectorIndex.open(path, DIM).matches(_store_keys(sqlite_ledger))


def test_the_file_is_rewritten_once_enough_is_new(
    sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claim_index, "SAVE_AFTER_NEW", 4)
    _add(sqlite_ledger, range(1, 11))
    index = open_index(sqlite_ledger)
    path = index_path(sqlite_ledger)
    assert path is not None
    index.add(np.arange(11, 14, dtype=np.int64), _vectors(3))
    assert save_index(index) is False
    index.add(np.asarray([14], dtype=np.int64), _vectors(1))
    assert save_index(index) is True
    assert len(VectorIndex.open(path, DIM)) == 14


def test_index_with_a_key_the_store_lacks_is_rebuilt(sqlite_ledger: Ledger) -> None:
    _add(sqlite_ledger, range(1, 21))
    index = open_index(sqlite_ledger)
    index.add(np.asarray([7_777], dtype=np.int64), _vectors(1))  # not a stored claim
    save_index(index, force=True)
    forget_open_indexes()
    again = open_index(sqlite_ledger)
    assert 7_777 not in again and again.matches(_store_keys(sqlite_ledger))


def test_index_missing_a_key_below_its_highest_is_rebuilt(sqlite_ledger: Ledger) -> None:
    _add(sqlite_ledger, range(1, 21))
    path = index_path(sqlite_ledger)
    assert path is not None
    keys = np.asarray([k for k in range(1, 21) if k != 5], dtype=np.int64)
    partial = VectorIndex.open(path, DIM)
    partial.rebuild(keys, _vectors(keys.size))  # saved without claim 5
    again = open_index(sqlite_ledger)
    assert 5 in again and again.matches(_store_keys(sqlite_ledger))


def test_open_index_matches_the_store_on_every_backend(ledger: Ledger) -> None:
    _add(ledger, range(1, 31), members=2)
    index = open_index(ledger)
    assert index.matches(_store_keys(ledger)) and len(index) == 32
    _add(ledger, range(31, 36))
    assert open_index(ledger).matches(_store_keys(ledger))


def test_an_open_index_is_kept_and_caught_up(
    sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(sqlite_ledger, range(1, 11))
    first = open_index(sqlite_ledger)
    path = index_path(sqlite_ledger)
    assert path is not None
    path.unlink()  # not read again: the open index is kept
    _add(sqlite_ledger, range(11, 14), members=1)  # another writer
    _no_rebuild(monkeypatch)
    again = open_index(sqlite_ledger)
    assert again is first and again.matches(_store_keys(sqlite_ledger))


def test_a_kept_index_that_no_longer_matches_is_not_used(stores: Any) -> None:
    url = stores.new()
    ledger = Ledger.open(url)
    _add(ledger, range(1, 11))
    first = open_index(ledger)
    first.add(np.asarray([999], dtype=np.int64), _vectors(1))  # now unlike the store
    again = open_index(ledger)
    assert again is not first and 999 not in again
    assert again.matches(_store_keys(ledger))
    ledger.close()


def test_index_dir_saves_every_store_s_index_and_shares_it(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(tmp_path / "indexes")
    _add(ledger, range(1, 21), members=1)
    first = open_index(ledger, index_dir=folder)
    path = index_path(ledger, folder)
    assert path is not None and path.parent == Path(folder) and path.exists()
    assert len(first) == 21
    _add(ledger, range(21, 26))  # another process of the team adds claims
    forget_open_indexes()  # a new process
    _no_rebuild(monkeypatch)
    again = open_index(ledger, index_dir=folder)
    assert again.matches(_store_keys(ledger)) and len(again) == 26


def test_index_name_does_not_depend_on_the_password() -> None:
    from types import SimpleNamespace

    def named(url: str) -> Path | None:
        return index_path(SimpleNamespace(url=url), "/srv/indexes")  # type: ignore[arg-type]

    one = named("postgresql+psycopg://desk:first-secret@db.example/ledger")
    assert one is not None and one == named("postgresql+psycopg://desk:other@db.example/ledger")
    assert one != named("postgresql+psycopg://desk:first-secret@db.example/archive")
    assert named("sqlite:///:memory:") is None


def test_a_kept_index_follows_a_claim_removed_from_the_store(ledger: Ledger) -> None:
    from sqlalchemy import delete

    _add(ledger, range(1, 11))
    first = open_index(ledger)
    assert 4 in first
    with ledger.engine.begin() as conn:
        conn.execute(delete(ClaimRow).where(ClaimRow.key == 4))
    _add(ledger, range(11, 12))  # as many keys as before, not the same ones
    again = open_index(ledger)
    assert 4 not in again and 11 in again and again.matches(_store_keys(ledger))
    count, total = ledger.claim_key_count()
    assert count == len(again) == 10 and total == int(_store_keys(ledger).sum())


def test_a_failed_article_leaves_no_kept_index(
    sqlite_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimledger.pipeline.process import link_analysed

    _add(sqlite_ledger, range(1, 6))
    open_index(sqlite_ledger)
    assert sqlite_ledger.url in claim_index._OPEN

    class Boom(Exception):
        pass

    def fail(*_: Any, **__: Any) -> None:
        raise Boom

    monkeypatch.setattr(sqlite_ledger, "lock_linking", fail)  # inside the article's block
    article = SimpleNamespace(id="a1", published=None)
    with pytest.raises(Boom):
        link_analysed(
            [SimpleNamespace(article=article, actors=[], statements=[])],  # type: ignore[list-item]
            ledger=sqlite_ledger,
            config=SimpleNamespace(
                store=SimpleNamespace(index_dir=""), extract=SimpleNamespace(actors_file="")
            ),  # type: ignore[arg-type]
            index=claim_index._OPEN[sqlite_ledger.url],
            actors=SimpleNamespace(get=lambda _: None),
        )
    assert sqlite_ledger.url not in claim_index._OPEN
