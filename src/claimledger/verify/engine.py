"""The verdict engine: a claim's status from its evidence, and its replayable history.

Pure and deterministic: the same claim, evidence (in any order), policy and
affiliations give the same :class:`Assessment` and the same list of
:class:`~claimledger.records.StatusEvent` records, ids included. Nothing here
reads the clock or the store; the caller passes ``as_of``/``now``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from claimledger.errors import Code, ConfigError
from claimledger.records import Claim, Status, StatusEvent, hash_id
from claimledger.verify.evidence import Evidence, as_utc, is_apology_only, is_retraction
from claimledger.verify.independence import (
    Affiliations,
    Independence,
    claimant_origins,
    independent,
    source_actor,
    source_key,
    source_label,
)
from claimledger.verify.policy import Policy

RETRACTED_BY_CLAIMANT = "RETRACTED_BY_CLAIMANT"
ONLY_CLAIMANT_SOURCES = "ONLY_CLAIMANT_SOURCES"
INSUFFICIENT_COVERAGE = "INSUFFICIENT_COVERAGE"
EVIDENCE_REQUESTED = "EVIDENCE_REQUESTED"


@dataclass(frozen=True, slots=True)
class Assessment:
    """A claim's status at one moment, with why.

    Attributes:
        claim_id: The claim.
        status: The status under the policy.
        reasons: Reason codes, status-deciding first (see docs/verdicts.md).
        evidence_ids: Items the status rests on: retractions, then counted
            independent support and refutation, in (date, id) order.
        decisions: The independence decision for every item dated up to
            ``as_of``, in (date, id) order.
        support: Independent supporting sources (distinct origins, merged by
            source when the policy says so).
        refutation: Independent refuting sources, counted the same way.
        flagged: A prediction whose resolution date has passed unsettled.
        as_of: The moment assessed (UTC).
        policy_version: Version of the policy applied.
    """

    claim_id: str
    status: Status
    reasons: tuple[str, ...]
    evidence_ids: tuple[str, ...]
    decisions: tuple[Independence, ...]
    support: int
    refutation: int
    flagged: bool
    as_of: datetime
    policy_version: str

    def decision(self, evidence_id: str) -> Independence | None:
        """Return the independence decision for ``evidence_id``, if assessed."""
        for dec in self.decisions:
            if dec.evidence_id == evidence_id:
                return dec
        return None


def _order_key(ev: Evidence) -> tuple[datetime, str]:
    return (as_utc(ev.date), ev.link_id)


def ordered(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Return evidence deduplicated by id and sorted by (date, id).

    Of two different items sharing an id, the one with the smaller ``repr`` is
    kept, so the result never depends on input order.
    """
    unique: dict[str, Evidence] = {}
    for ev in evidence:
        kept = unique.get(ev.link_id)
        if kept is None or (kept != ev and repr(ev) < repr(kept)):
            unique[ev.link_id] = ev
    return sorted(unique.values(), key=_order_key)


def resolution_passed_at(claim: Claim) -> datetime | None:
    """Return when the claim's resolution date has passed (start of the next UTC day)."""
    if claim.resolution_date is None:
        return None
    return datetime.combine(claim.resolution_date + timedelta(days=1), time(0), tzinfo=UTC)


def is_counted(ev: Evidence, *, policy: Policy) -> bool:
    """Tell whether the item's stance is weighed (confident enough, allowed link level)."""
    if ev.stance not in ("supports", "refutes", "questions") or ev.review == "suggested":
        return False
    if ev.statement_id is None and ev.kind == "link" and not policy.count_article_links:
        return False
    return ev.review == "confirmed" or ev.confidence >= policy.min_confidence


def _names_claimant(text: str, claim: Claim) -> bool:
    name = " ".join((claim.claimant_name or "").casefold().split())
    return bool(name) and name in " ".join(text.casefold().split())


def is_claimant_retraction(ev: Evidence, decision: Independence, claim: Claim) -> bool:
    """Tell whether ``ev`` is the claimant withdrawing the claim.

    The text must read as a retraction (``ev.retracts``) and it must come from
    the claimant side: a claimant-side speaker, or an outlet's own sentence
    that names the claimant ("The ministry withdrew its statement"). A claim that
    is itself a correction ("the information published on 6 March was not
    confirmed") is not withdrawn by the correction repeated. The stance is asked
    only of an apology ("regretted the error"): a withdrawal restates what it
    withdraws and reads as agreeing with it, but an apology that agrees with a
    claim withdraws nothing of it.
    """
    if not ev.retracts or ev.role == "assertion":
        return False
    if ev.stance == "supports" and is_apology_only(ev.text):
        return False
    if is_retraction(claim.text):
        return False
    if decision.claimant_side:
        return True
    speakerless = ev.speaker is None and ev.speaker_actor_id is None
    return speakerless and _names_claimant(ev.text, claim)


def evidence_requests(
    items: Sequence[Evidence],
    decisions: Sequence[Independence],
    supporting: Sequence[Evidence],
    *,
    policy: Policy,
) -> list[tuple[str, datetime]]:
    """Unanswered demands for evidence: ``(requester, date)``, one per requester, by label.

    A demand is an item whose text a demand rule reads as asking for evidence
    (``Evidence.demands``, less ``policy.demand_rules_off``), from a source not on the
    claimant side, with a stance that does not support the claim, as confident as the
    policy asks. It is answered when independent support (``supporting``) is dated after
    it; the date given is the requester's earliest unanswered demand.
    """
    off = set(policy.demand_rules_off)
    earliest: dict[str, datetime] = {}
    for ev, dec in zip(items, decisions, strict=True):
        if dec.claimant_side or ev.role == "assertion" or ev.stance in ("supports", "unrelated"):
            continue
        if ev.confidence < policy.min_confidence or not [r for r in ev.demands if r not in off]:
            continue
        when = as_utc(ev.date)
        if any(as_utc(s.date) > when for s in supporting):
            continue
        label = source_label(ev)
        if label not in earliest or when < earliest[label]:
            earliest[label] = when
    return sorted(earliest.items())


def _find(parent: dict[str, str], key: str) -> str:
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def _source_groups(
    items: Sequence[Evidence], *, affiliations: Affiliations, collapse_same_source: bool
) -> dict[str, str]:
    """Map each item id to its source group (same or affiliated sources share one)."""
    if not collapse_same_source:
        return {ev.link_id: f"item:{ev.link_id}" for ev in items}
    keys: dict[str, tuple[str | None, datetime]] = {}
    for ev in items:
        key = source_key(ev)
        _, latest = keys.get(key, (None, ev.date))
        keys[key] = (source_actor(ev), max(latest, ev.date))
    parent = {key: key for key in keys}
    ordered_keys = sorted(keys)
    for i, key_a in enumerate(ordered_keys):
        actor_a, date_a = keys[key_a]
        for key_b in ordered_keys[:i]:
            actor_b, date_b = keys[key_b]
            if actor_a is None or actor_b is None:
                continue
            on = max(date_a, date_b).date()
            if affiliations.affiliated(actor_a, actor_b, on=on) or affiliations.affiliated(
                actor_b, actor_a, on=on
            ):
                parent[_find(parent, key_a)] = _find(parent, key_b)
    return {ev.link_id: _find(parent, source_key(ev)) for ev in items}


def _augment(start: str, edges: dict[str, list[str]], owner: dict[str, str]) -> bool:
    """Find an augmenting path from origin ``start`` (breadth-first, no recursion)."""
    came_from: dict[str, str] = {}  # source group -> origin that reached it
    via: dict[str, str] = {}  # origin -> the group it owns that led to it
    queue = deque([start])
    while queue:
        origin = queue.popleft()
        for group in edges[origin]:
            if group in came_from:
                continue
            came_from[group] = origin
            if group in owner:
                via[owner[group]] = group
                queue.append(owner[group])
                continue
            while True:  # flip the path back to ``start``
                holder = came_from[group]
                owner[group] = holder
                if holder == start:
                    return True
                group = via[holder]
    return False


def count_sources(
    items: Sequence[Evidence], *, affiliations: Affiliations, collapse_same_source: bool
) -> int:
    """Count independent sources among ``items``: never more than the distinct origins.

    The count is the largest number of (origin, source) pairs with no origin
    and no source used twice (a maximum bipartite matching), so ten copies of
    one story count once, and with ``collapse_same_source`` one speaker (or
    affiliated speakers, or one outlet's own reporting) quoted in several
    origins also counts once. Without it the count is the number of origins.
    """
    groups = _source_groups(
        items, affiliations=affiliations, collapse_same_source=collapse_same_source
    )
    edges: dict[str, list[str]] = {}
    for ev in items:
        bucket = edges.setdefault(ev.origin_id, [])
        if groups[ev.link_id] not in bucket:
            bucket.append(groups[ev.link_id])
    for bucket in edges.values():
        bucket.sort()
    owner: dict[str, str] = {}
    return sum(1 for origin in sorted(edges) if _augment(origin, edges, owner))


def assess(
    claim: Claim,
    evidence: Sequence[Evidence],
    *,
    policy: Policy,
    affiliations: Affiliations,
    as_of: datetime,
    parties: frozenset[str] = frozenset(),
) -> Assessment:
    """Assess a claim's status from the evidence dated up to ``as_of``.

    Args:
        claim: The claim.
        evidence: Its linked reports, any order; items dated after ``as_of``
            are ignored.
        policy: Thresholds and switches.
        affiliations: Actor affiliations (the actor table).
        as_of: The moment to assess at.
        parties: Actors the claim is about besides the claimant; their side's
            statements are shown but never independent (``policy.exclude_parties``).

    Returns:
        The assessment.

    Raises:
        ConfigError: E402 when an item belongs to another claim.
    """
    as_of = as_utc(as_of)
    for ev in evidence:
        if ev.claim_id != claim.id:
            raise ConfigError(Code.E402, ev.link_id, reason=f"evidence is not for claim {claim.id}")
    items = [
        ev
        for ev in ordered(evidence)
        if as_utc(ev.date) <= as_of and (ev.removed_at is None or as_utc(ev.removed_at) > as_of)
    ]
    origins = claimant_origins(items)
    decisions = [
        independent(
            ev,
            claimant_actor_id=claim.claimant_actor_id,
            claimant_origin_ids=origins,
            affiliations=affiliations,
            claimant_name=claim.claimant_name,
            parties=parties if policy.exclude_parties else frozenset(),
            same_origin_attributed_counts=policy.same_origin_attributed_counts,
            unknown_speaker_counts=policy.unknown_speaker_counts,
        )
        for ev in items
    ]
    retractions = [
        ev
        for ev, dec in zip(items, decisions, strict=True)
        if is_claimant_retraction(ev, dec, claim)
    ]
    counted = [
        (ev, dec) for ev, dec in zip(items, decisions, strict=True) if is_counted(ev, policy=policy)
    ]
    supporting = [ev for ev, dec in counted if dec.independent and ev.stance == "supports"]
    refuting = [ev for ev, dec in counted if dec.independent and ev.stance == "refutes"]
    questioners = sorted(
        {
            source_label(ev)
            for ev, dec in counted
            if ev.stance == "questions" and not dec.claimant_side
        }
    )
    requests = evidence_requests(items, decisions, supporting, policy=policy)
    collapse = policy.collapse_same_source
    support = count_sources(supporting, affiliations=affiliations, collapse_same_source=collapse)
    refutation = count_sources(refuting, affiliations=affiliations, collapse_same_source=collapse)

    status: Status
    refutation_stands = refutation >= policy.min_independent_refutation
    if retractions:
        status = "retracted"
    elif refutation_stands and support >= policy.min_support_to_contest:
        status = "contested"
    elif refutation_stands:
        status = "refuted"
    elif support >= policy.min_independent_support:
        status = "corroborated"
    else:
        status = "unverified"

    reasons: list[str] = []
    if retractions:
        reasons.append(RETRACTED_BY_CLAIMANT)
    if support:
        reasons.append(f"INDEPENDENT_SUPPORT({support})")
    if refutation:
        reasons.append(f"INDEPENDENT_REFUTATION({refutation})")
    passed = resolution_passed_at(claim)
    flagged = status == "unverified" and passed is not None and as_of >= passed
    if flagged and claim.resolution_date is not None:
        # A prediction past its date: what it awaits replaces how little coverage it has.
        reasons.append(f"AWAITING_RESOLUTION({claim.resolution_date.isoformat()})")
    elif status == "unverified":
        if support == 0 and refutation == 0 and any(not dec.independent for dec in decisions):
            reasons.append(ONLY_CLAIMANT_SOURCES)
        else:
            reasons.append(INSUFFICIENT_COVERAGE)
    reasons.extend(f"QUESTIONED_BY({label})" for label in questioners)
    reasons.extend(
        f"{EVIDENCE_REQUESTED}({label}, {when.date().isoformat()})" for label, when in requests
    )

    weighed = {ev.link_id for ev in retractions + supporting + refuting}
    return Assessment(
        claim_id=claim.id,
        status=status,
        reasons=tuple(reasons),
        evidence_ids=tuple(ev.link_id for ev in items if ev.link_id in weighed),
        decisions=tuple(decisions),
        support=support,
        refutation=refutation,
        flagged=flagged,
        as_of=as_of,
        policy_version=policy.version,
    )


def replay(
    claim: Claim,
    evidence: Sequence[Evidence],
    *,
    policy: Policy,
    affiliations: Affiliations,
    now: datetime,
    parties: frozenset[str] = frozenset(),
) -> list[StatusEvent]:
    """Recompute a claim's status history from its evidence.

    The claim is assessed at ``claim.first_seen`` (the first event, ``old`` is
    None), then at each later evidence date and at the moment a prediction's
    resolution date has passed, up to ``now``. An event is emitted whenever the
    status or the reasons change; its time is the evidence date, never the
    wall clock, and its id hashes the claim, its index, the new status, time,
    reasons and policy version, so a recomputation gives identical events.

    Args:
        claim: The claim.
        evidence: Its linked reports, any order.
        policy: Thresholds and switches.
        affiliations: Actor affiliations (the actor table).
        now: Replay up to this moment.
        parties: Actors the claim is about besides the claimant (as for :func:`assess`).

    Returns:
        The status events in time order; empty when the claim has neither a
        first-seen time nor evidence, or was first seen after ``now``.
    """
    now = as_utc(now)
    items = ordered(evidence)
    first = claim.first_seen
    if first is None and items:
        first = items[0].date
    if first is None:
        return []
    start = as_utc(first)
    if start > now:
        return []
    checkpoints = {start} | {as_utc(ev.date) for ev in items if start < as_utc(ev.date) <= now}
    # A statement a later revision removed stops counting when the revision appeared.
    checkpoints |= {
        as_utc(ev.removed_at)
        for ev in items
        if ev.removed_at is not None and start < as_utc(ev.removed_at) <= now
    }
    passed = resolution_passed_at(claim)
    if passed is not None and start < passed <= now:
        checkpoints.add(passed)

    events: list[StatusEvent] = []
    previous: Assessment | None = None
    for moment in sorted(checkpoints):
        current = assess(
            claim, items, policy=policy, affiliations=affiliations, as_of=moment, parties=parties
        )
        if previous is not None and (current.status, current.reasons) == (
            previous.status,
            previous.reasons,
        ):
            continue
        events.append(
            StatusEvent(
                id=hash_id(
                    claim.id,
                    len(events),
                    current.status,
                    moment.isoformat(),
                    "|".join(current.reasons),
                    policy.version,
                    prefix="se",
                ),
                claim_id=claim.id,
                at=moment,
                old=previous.status if previous is not None else None,
                new=current.status,
                reasons=current.reasons,
                evidence_ids=current.evidence_ids,
                policy_version=policy.version,
            )
        )
        previous = current
    return events
