"""Independence of a report from the claimant side.

A report is independent evidence only if it comes from an origin other than
the ones where the claimant asserted the claim, and neither its speaker nor the
reporting outlet (nor the outlet that first published the origin) is on the
claimant side. Repeating or relaying the claimant ("Russia said ...") is a
report, never evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from claimledger.verify.evidence import Evidence

Side = Literal["claimant", "other", "unknown"]


@runtime_checkable
class Affiliations(Protocol):
    """Who belongs to or speaks for whom (the actor table implements this)."""

    def affiliated(self, a: str, b: str, *, on: date | None = None) -> bool:
        """Tell whether actors ``a`` and ``b`` are on the same side on date ``on``."""
        ...


@dataclass(frozen=True, slots=True)
class Independence:
    """The independence decision for one evidence item.

    Attributes:
        evidence_id: The evidence (link) id.
        independent: Whether the item may count as independent evidence.
        claimant_side: Whether the speaker (or, for the outlet's own sentence,
            the outlet) is the claimant or affiliated with it.
        reason: Why, as a short code kept for provenance exports, e.g.
            ``INDEPENDENT``, ``ASSERTION``, ``SAME_ORIGIN_AS_ASSERTION(o1)``,
            ``SPEAKER_IS_CLAIMANT``, ``SPEAKER_AFFILIATED(a~b)``,
            ``OUTLET_AFFILIATED(a~b)``, ``ORIGIN_OUTLET_AFFILIATED(a~b)``.
    """

    evidence_id: str
    independent: bool
    claimant_side: bool
    reason: str


def _norm(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def same_side(
    actor_id: str | None,
    *,
    claimant_actor_id: str | None,
    affiliations: Affiliations,
    on: date | None,
) -> bool:
    """Tell whether ``actor_id`` is the claimant or affiliated with it (either direction)."""
    if actor_id is None or claimant_actor_id is None:
        return False
    if actor_id == claimant_actor_id:
        return True
    return affiliations.affiliated(actor_id, claimant_actor_id, on=on) or affiliations.affiliated(
        claimant_actor_id, actor_id, on=on
    )


def independent(
    ev: Evidence,
    *,
    claimant_actor_id: str | None,
    claimant_origin_ids: frozenset[str],
    affiliations: Affiliations,
    claimant_name: str | None = None,
    parties: frozenset[str] = frozenset(),
    same_origin_attributed_counts: bool = False,
    unknown_speaker_counts: bool = False,
) -> Independence:
    """Decide whether ``ev`` is independent of the claimant side.

    Rules, in order (the first that applies decides):

    1. ``role == "assertion"``: the claimant's own assertion -> not independent.
    2. The speaker is the claimant (same actor id, or, without ids, the same
       name) -> a relay of the claimant, not independent.
    3. The speaker's actor is affiliated with the claimant -> not independent.
    4. The reporting outlet's actor, or the actor of the outlet that first
       published the origin, is affiliated with the claimant (state media of
       the claimant state) -> not independent.
    4b. The speaker, the reporting outlet or the origin's outlet is on the side
       of a party to the claim (an actor the claim is about, e.g. the accused
       state in "Ukrainian forces shelled the plant") -> not independent: the
       parties' word against each other settles nothing.
    5. The item is in an origin where the claimant asserted the claim -> not
       independent (copies of the assertion), unless
       ``same_origin_attributed_counts`` and the item has a non-claimant speaker.
    5b. The item is someone's word whose speaker is unknown (no source, or "He
       emphasised that ..." with "he" unresolved) -> not independent, unless
       ``unknown_speaker_counts``: nobody can tell whose side it is on, and it is not
       the outlet's own reporting. A described source ("two weapons experts") counts.
    6. Otherwise independent. A speakerless statement is the outlet's own
       reporting and stands for the outlet.

    Args:
        ev: The evidence item.
        claimant_actor_id: Actor of the claimant, if known.
        claimant_origin_ids: Origins where the claim was asserted.
        affiliations: Actor affiliations (the actor table).
        claimant_name: Claimant name, matched against unresolved speakers.
        parties: Actors the claim is about, other than the claimant
            (see :func:`claimledger.verify.parties.claim_parties`).
        same_origin_attributed_counts: Let a non-claimant speaker quoted inside
            the assertion's own origin count as independent.
        unknown_speaker_counts: Let an attributed statement without a speaker count.

    Returns:
        The decision with its reason code.
    """
    on = ev.date.date()
    claimant = _norm(claimant_name)
    speaker_is_claimant = (
        ev.speaker_actor_id is not None and ev.speaker_actor_id == claimant_actor_id
    ) or (ev.speaker_actor_id is None and bool(claimant) and _norm(ev.speaker) == claimant)
    speaker_affiliated = not speaker_is_claimant and same_side(
        ev.speaker_actor_id, claimant_actor_id=claimant_actor_id, affiliations=affiliations, on=on
    )
    if ev.speaker is None and ev.speaker_actor_id is None:
        # The outlet's own sentence: the outlet is the source.
        side_is_claimant = same_side(
            ev.outlet_actor_id,
            claimant_actor_id=claimant_actor_id,
            affiliations=affiliations,
            on=on,
        )
    else:
        side_is_claimant = speaker_is_claimant or speaker_affiliated

    reason = _dependence_reason(
        ev,
        claimant_actor_id=claimant_actor_id,
        claimant_origin_ids=claimant_origin_ids,
        affiliations=affiliations,
        speaker_is_claimant=speaker_is_claimant,
        speaker_affiliated=speaker_affiliated,
        parties=parties,
        same_origin_attributed_counts=same_origin_attributed_counts,
        unknown_speaker_counts=unknown_speaker_counts,
    )
    if reason is None:
        return Independence(ev.link_id, True, side_is_claimant, "INDEPENDENT")
    return Independence(ev.link_id, False, side_is_claimant, reason)


def _dependence_reason(
    ev: Evidence,
    *,
    claimant_actor_id: str | None,
    claimant_origin_ids: frozenset[str],
    affiliations: Affiliations,
    speaker_is_claimant: bool,
    speaker_affiliated: bool,
    parties: frozenset[str],
    same_origin_attributed_counts: bool,
    unknown_speaker_counts: bool,
) -> str | None:
    """Return why ``ev`` is not independent, or None when it is."""
    on = ev.date.date()
    if ev.role == "assertion":
        return "ASSERTION"
    if speaker_is_claimant:
        return "SPEAKER_IS_CLAIMANT"
    if speaker_affiliated:
        return f"SPEAKER_AFFILIATED({ev.speaker_actor_id}~{claimant_actor_id})"
    for label, actor in (
        ("OUTLET_AFFILIATED", ev.outlet_actor_id),
        ("ORIGIN_OUTLET_AFFILIATED", ev.origin_outlet_actor_id),
    ):
        if same_side(actor, claimant_actor_id=claimant_actor_id, affiliations=affiliations, on=on):
            return f"{label}({actor}~{claimant_actor_id})"
    for label, actor in (
        ("SPEAKER_IS_PARTY", ev.speaker_actor_id),
        ("OUTLET_IS_PARTY", ev.outlet_actor_id),
        ("ORIGIN_OUTLET_IS_PARTY", ev.origin_outlet_actor_id),
    ):
        for party in sorted(parties):
            if same_side(actor, claimant_actor_id=party, affiliations=affiliations, on=on):
                return f"{label}({actor}~{party})"
    if ev.origin_id in claimant_origin_ids:
        quoted_other = ev.speaker is not None or ev.speaker_actor_id is not None
        if not (same_origin_attributed_counts and quoted_other):
            return f"SAME_ORIGIN_AS_ASSERTION({ev.origin_id})"
    if ev.speaker_unknown and not unknown_speaker_counts:
        return "SPEAKER_UNKNOWN"
    return None


def source_key(ev: Evidence) -> str:
    """Return a key naming who the evidence comes from.

    The speaker's actor or name; for the outlet's own reporting, the actor of
    the outlet that first published the origin, else the reporting outlet.
    """
    if ev.speaker_actor_id is not None:
        return f"actor:{ev.speaker_actor_id}"
    if ev.speaker is not None:
        return f"speaker:{_norm(ev.speaker)}"
    if ev.origin_outlet_actor_id is not None:
        return f"actor:{ev.origin_outlet_actor_id}"
    if ev.outlet_actor_id is not None:
        return f"actor:{ev.outlet_actor_id}"
    return f"outlet:{_norm(ev.outlet)}"


def source_actor(ev: Evidence) -> str | None:
    """Return the actor id of the evidence's source, if known (see :func:`source_key`)."""
    if ev.speaker is not None or ev.speaker_actor_id is not None:
        return ev.speaker_actor_id
    return ev.origin_outlet_actor_id or ev.outlet_actor_id


def source_label(ev: Evidence) -> str:
    """Return a display label of the evidence's source: actor id, else speaker, else outlet."""
    actor = source_actor(ev)
    if actor is not None:
        return actor
    if ev.speaker is not None:
        return ev.speaker
    return ev.outlet or ev.origin_id


def claimant_origins(evidence: Iterable[Evidence]) -> frozenset[str]:
    """Return the origins where the claim was asserted (links with role ``assertion``)."""
    return frozenset(ev.origin_id for ev in evidence if ev.role == "assertion")
