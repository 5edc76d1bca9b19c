"""A created actor's affiliations, learned from texts, only grow in the store.

Writers that met an unknown speaker in different texts (two processes, two Ray workers)
each hold their own copy of the actor; whichever writes last must not drop what another
learned. A table actor (built-in or the user's file) is written as given: its file is
the authority, and an edit there must take effect.
"""

from __future__ import annotations

from claimledger.records import CREATED_PREFIX, Actor, Affiliation
from claimledger.store.ledger import Ledger

BORDER = Affiliation(parent="ostrela/border-guard", role="spokesperson")
ARMY = Affiliation(parent="ostrela/army", role="adviser")


def test_a_blank_copy_of_a_created_actor_keeps_the_stored_affiliations(ledger: Ledger) -> None:
    titled = Actor(
        id=f"{CREATED_PREFIX}dunn", name="Karel Dunn", type="person", affiliations=(BORDER,)
    )
    bare = Actor(id=f"{CREATED_PREFIX}dunn", name="Karel Dunn", type="organisation")
    ledger.upsert_actors([titled])
    ledger.upsert_actors([bare])
    assert ledger.get_actor(titled.id) == titled


def test_copies_of_a_created_actor_add_up_in_the_order_they_were_stored(ledger: Ledger) -> None:
    first = Actor(
        id=f"{CREATED_PREFIX}dunn", name="Karel Dunn", type="person", affiliations=(BORDER,)
    )
    second = Actor(id=first.id, name="Karel Dunn", type="person", affiliations=(ARMY, BORDER))
    ledger.upsert_actors([first])
    ledger.upsert_actors([second])
    assert ledger.get_actor(first.id).affiliations == (BORDER, ARMY)


def test_a_table_actor_is_written_as_given(ledger: Ledger) -> None:
    before = Actor(
        id="ostrela/border-guard", name="Border Guard", type="organisation", affiliations=(ARMY,)
    )
    after = Actor(id=before.id, name="Border Guard", type="organisation")
    ledger.upsert_actors([before])
    ledger.upsert_actors([after])
    assert ledger.get_actor(before.id) == after
