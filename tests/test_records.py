"""Shared record helpers (records.py)."""

from __future__ import annotations

from claimledger.records import CREATED_PREFIX, is_known_actor


def test_a_known_actor_is_one_of_the_table() -> None:
    assert is_known_actor("sergei-lavrov")
    # None, the unknown speaker and an actor made at run time (its side a guess) are not.
    assert not is_known_actor(None)
    assert not is_known_actor("")
    assert not is_known_actor("unknown")
    assert not is_known_actor(f"{CREATED_PREFIX}1a2b3c4d5e6f")
