"""Parties to a claim: the actors it is about, besides the claimant.

"Ukrainian forces shelled the plant", claimed by Russia, is about Ukraine: a
Ukrainian denial is one party's word against the other's, shown but never
independent evidence. :func:`claim_parties` finds such actors by resolving the
capitalised phrases of the claim text ("Ukrainian", "Ostrela", "Kyiv") through
the actor table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Protocol

from claimledger.records import Actor, Claim
from claimledger.verify.evidence import as_utc
from claimledger.verify.independence import Affiliations, same_side

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_MAX_WINDOW = 4


class ActorResolver(Protocol):
    """Resolves a name as it appears in text to an actor (the actor table implements this)."""

    def resolve(self, name: str, *, on: date | None = None) -> Actor | None:
        """Return the actor named ``name`` on date ``on``, or None."""
        ...


def _capitalised_runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = 0
    for match in _WORD.finditer(text):
        word = match.group().rstrip(".")
        gap = text[last_end : match.start()]
        if current and (gap.strip() or not word[:1].isupper()):
            runs.append(current)
            current = []
        if word[:1].isupper():
            current.append(word)
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def claim_parties(
    claim: Claim, *, resolver: ActorResolver, affiliations: Affiliations, headline: str = ""
) -> frozenset[str]:
    """Return the actors a claim is about, other than the claimant side.

    Every run of capitalised words in the claim text is looked up, longest
    sub-phrase first ("Rell River", then "Rell"); an actor resolved from it is a
    party unless it is on the claimant's side. When the claim names no party itself,
    the headline of the story that first carried the claim adds the states it names
    (and their offices): "The
    unmanned aircraft crossed the river", under "Air defences down *Ostrelan*
    drone", is about Ostrela. Only states: a headline naming a monitor or a wire
    ("Monitors find no evidence ...") does not make it a side. Headline names are
    looked up exactly (``resolver.lookup`` when it has one; without it the headline
    is not read), never created.

    Args:
        claim: The claim.
        resolver: Name-to-actor lookup (the actor table).
        affiliations: Actor affiliations (the actor table).
        headline: Title of the article the claim was first seen in ("" if unknown).

    Returns:
        Actor ids of the parties, possibly empty.
    """
    on = as_utc(claim.first_seen).date() if claim.first_seen is not None else None
    found = _named(claim.text, resolver.resolve, on)
    lookup = getattr(resolver, "lookup", None)
    # Only a claim that names no other side is read with its headline: "Russia does not
    # plan to enter Ukraine", first seen under "US President Joe Biden says he would
    # consider sanctions", is about Ukraine, and the US is no party to it.
    names_a_party = any(
        not same_side(
            a.id, claimant_actor_id=claim.claimant_actor_id, affiliations=affiliations, on=on
        )
        for a in found
    )
    if headline and lookup is not None and not names_a_party:
        # Exact names only (a Title Case headline is one long capitalised run, and
        # "Minister Warns" must not become a person), and only states or their offices.
        found |= {
            a
            for a in _named(headline, lambda name, on=None: lookup(name), on)
            if a.type == "state" or "/" in a.id
        }
    ids = {a.id for a in found}
    return frozenset(
        actor_id
        for actor_id in ids
        if not same_side(
            actor_id, claimant_actor_id=claim.claimant_actor_id, affiliations=affiliations, on=on
        )
    )


def _named(text: str, resolve: Callable[..., Actor | None], on: date | None) -> set[Actor]:
    """Actors named by the runs of capitalised words of ``text``, longest phrase first."""
    found: set[Actor] = set()
    for run in _capitalised_runs(text):
        start = 0
        while start < len(run):
            for size in range(min(_MAX_WINDOW, len(run) - start), 0, -1):
                actor = resolve(" ".join(run[start : start + size]), on=on)
                if actor is not None:
                    found.add(actor)
                    start += size
                    break
            else:
                start += 1
    return found
