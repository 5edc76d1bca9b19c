"""How the analysts' review events change what the verdict engine sees. Pure functions.

The machine's links stay as the machine wrote them; review events are folded, in the
order they were recorded, into a :class:`ReviewState` that is laid over the evidence on
every read and every replay. So a recomputation, or linking new articles, can never undo
a reviewed decision: a rejected link is dropped whatever the machine writes again, a
merged claim's new evidence goes to the claim it was merged into, a reviewed stance
replaces the model's. Corrections of the machine's reading (rejections, stances, moves,
merges) apply to the whole history, as if the machine had read right from the start; an
override of a status is an event in time, shown beside the computed status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from claimledger.records import Status, StatusEvent, hash_id
from claimledger.review.actions import (
    Action,
    ClearOverride,
    ConfirmLink,
    MergeClaims,
    MoveStatement,
    NotAClaim,
    OverrideStatus,
    RejectLink,
    SetParties,
    SetStance,
    SplitClaim,
)
from claimledger.verify.engine import Assessment
from claimledger.verify.evidence import Evidence, as_utc

ANALYST_POLICY = "analyst"


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    """One stored review action with who took it, when and why."""

    id: str
    seq: int
    at: datetime
    author: str
    role: str
    via: str
    action: Action
    reason: str
    claim_id: str | None = None


@dataclass(frozen=True, slots=True)
class Override:
    """An analyst's status for a claim."""

    status: Status
    author: str
    at: datetime
    reason: str
    event_id: str


def split_claim_id(action: SplitClaim) -> str:
    """The id of the claim a split opens (the same for the same split)."""
    return hash_id("split", action.claim, *sorted(action.statements), prefix="c")


@dataclass(slots=True)
class ReviewState:
    """Every review decision in force, folded from the review events in order."""

    rejected: set[str] = field(default_factory=set)
    confirmed: set[str] = field(default_factory=set)
    stances: dict[str, str] = field(default_factory=dict)
    moved: dict[tuple[str, str], str] = field(default_factory=dict)
    merged: dict[str, tuple[str, str]] = field(default_factory=dict)  # claim -> (into, author)
    not_claims: set[str] = field(default_factory=set)
    parties: dict[str, frozenset[str]] = field(default_factory=dict)
    overrides: dict[str, Override] = field(default_factory=dict)
    events: list[ReviewEvent] = field(default_factory=list)

    @classmethod
    def fold(cls, events: Iterable[ReviewEvent]) -> ReviewState:
        """Fold review events, in ``seq`` order, into the decisions in force."""
        state = cls()
        for event in sorted(events, key=lambda e: e.seq):
            state.add(event)
        return state

    def add(self, event: ReviewEvent) -> None:
        """Apply one more review event (the newest)."""
        self.events.append(event)
        act = event.action
        if isinstance(act, RejectLink):
            self.rejected.add(act.link)
            self.confirmed.discard(act.link)
        elif isinstance(act, ConfirmLink):
            self.confirmed.add(act.link)
            self.rejected.discard(act.link)
        elif isinstance(act, SetStance):
            self.stances[act.link] = act.stance
            self.rejected.discard(act.link)
        elif isinstance(act, MoveStatement):
            self.moved[(act.statement, act.from_claim)] = act.to_claim
        elif isinstance(act, SplitClaim):
            new = split_claim_id(act)
            for sid in act.statements:
                self.moved[(sid, act.claim)] = new
        elif isinstance(act, MergeClaims):
            self.merged[act.claim] = (act.into, event.author)
        elif isinstance(act, NotAClaim):
            self.not_claims.add(act.statement)
        elif isinstance(act, SetParties):
            self.parties[act.claim] = frozenset(act.parties)
        elif isinstance(act, OverrideStatus):
            self.overrides[act.claim] = Override(
                act.status, event.author, event.at, event.reason, event.id
            )
        elif isinstance(act, ClearOverride):
            self.overrides.pop(act.claim, None)

    @property
    def empty(self) -> bool:
        return not self.events

    def home(self, claim_id: str) -> str:
        """The claim a claim's evidence counts for: itself, or where it was merged into."""
        seen = {claim_id}
        while claim_id in self.merged:
            claim_id = self.merged[claim_id][0]
            if claim_id in seen:  # never stored (merges are checked), but never loop
                break
            seen.add(claim_id)
        return claim_id

    def sources(self, claim_ids: Iterable[str]) -> set[str]:
        """Further claims whose machine evidence may count for ``claim_ids`` (merged, moved)."""
        wanted = set(claim_ids)
        out = {c for c in self.merged if self.home(c) in wanted}
        out |= {frm for (_, frm), to in self.moved.items() if self.home(to) in wanted}
        return out - wanted

    def targets(self, claim_ids: Iterable[str]) -> set[str]:
        """Claims whose history depends on the evidence of ``claim_ids`` (where it counts)."""
        out: set[str] = set()
        for cid in claim_ids:
            out.add(self.home(cid))
            out |= {self.home(to) for (_, frm), to in self.moved.items() if frm == cid}
        return out

    def claim_events(self, claim_id: str) -> list[ReviewEvent]:
        """The review events filed under a claim or touching its links, oldest first."""
        return [e for e in self.events if _touches(e, claim_id)]


def _touches(event: ReviewEvent, claim_id: str) -> bool:
    act = event.action
    names = ("claim", "into", "from_claim", "to_claim")
    if any(getattr(act, n, None) == claim_id for n in names):
        return True
    if isinstance(act, SplitClaim) and split_claim_id(act) == claim_id:
        return True
    return event.claim_id == claim_id


def reviewed(
    evidence: Mapping[str, Sequence[Evidence]],
    claim_ids: Sequence[str],
    state: ReviewState,
    *,
    suggestions: bool,
    suggest_below: float,
) -> dict[str, list[Evidence]]:
    """The evidence of ``claim_ids`` with the review laid over the machine's.

    ``evidence`` holds the machine evidence of ``claim_ids`` and of their
    :meth:`ReviewState.sources`. With ``suggestions`` on, an unreviewed link whose
    confidence is below ``suggest_below`` is a suggestion (``review="suggested"``:
    shown, not counted); a confirmed link, or one whose stance an analyst set, is
    ``review="confirmed"`` and counts whatever its confidence.
    """
    wanted = set(claim_ids)
    out: dict[str, dict[str, tuple[tuple[int, str], Evidence]]] = {cid: {} for cid in claim_ids}
    for origin in sorted(evidence):
        for ev in evidence[origin]:
            if ev.link_id in state.rejected or (ev.statement_id in state.not_claims):
                continue
            target = ev.claim_id
            if ev.statement_id is not None:
                target = state.moved.get((ev.statement_id, target), target)
            target = state.home(target)
            if target not in wanted:
                continue
            mark = ""
            stance = state.stances.get(ev.link_id)
            if stance is not None:
                ev = replace(ev, stance=stance)  # type: ignore[arg-type]
                mark = "confirmed"
            elif ev.link_id in state.confirmed:
                mark = "confirmed"
            elif suggestions and ev.role != "assertion" and ev.confidence < suggest_below:
                mark = "suggested"
            rank = (0 if target == ev.claim_id else 1, ev.link_id)
            ev = replace(ev, claim_id=target, review=mark)
            # One statement is one item of a claim: a merge or a move may bring a second
            # link of the same statement; the claim's own link is kept.
            key = ev.statement_id or f"link:{ev.link_id}"
            kept = out[target].get(key)
            if kept is None or rank < kept[0]:
                out[target][key] = (rank, ev)
    return {cid: [ev for _, ev in items.values()] for cid, items in out.items()}


def override_reasons(override: Override, computed: str) -> tuple[str, ...]:
    return (f"OVERRIDDEN_BY({override.author})", f"COMPUTED({computed})")


def reviewed_assessment(assessment: Assessment, state: ReviewState) -> Assessment:
    """The assessment as shown: an override's status first, the computed one in its reasons."""
    cid = assessment.claim_id
    reasons = assessment.reasons
    if cid in state.merged:
        reasons = (f"MERGED_INTO({state.home(cid)})", *reasons)
    override = state.overrides.get(cid)
    if override is None:
        return replace(assessment, reasons=reasons)
    return replace(
        assessment,
        status=override.status,
        reasons=(*override_reasons(override, assessment.status), *reasons),
    )


def reviewed_history(
    claim_id: str, machine: Sequence[StatusEvent], state: ReviewState
) -> list[StatusEvent]:
    """A claim's history: the machine's events with the analysts' status events among them.

    An override is an event at the time it was recorded (``policy_version``
    ``analyst``); while it is in force, a later machine event keeps its computed status
    in ``COMPUTED(...)`` and shows the override's. Clearing it is an event back to the
    computed status. A merge is an event on the merged claim.
    """
    marks: list[tuple[datetime, int, ReviewEvent]] = []
    for event in state.events:
        act = event.action
        if isinstance(act, OverrideStatus | ClearOverride) and act.claim == claim_id:
            marks.append((as_utc(event.at), event.seq, event))
        elif isinstance(act, MergeClaims) and act.claim == claim_id:
            marks.append((as_utc(event.at), event.seq, event))
    if not marks:
        return list(machine)
    timeline: list[tuple[datetime, int, int, StatusEvent | ReviewEvent]] = [
        (as_utc(e.at), 0, i, e) for i, e in enumerate(machine)
    ]
    timeline += [(at, 1, seq, ev) for at, seq, ev in marks]
    timeline.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[StatusEvent] = []
    computed: StatusEvent | None = None
    override: Override | None = None
    previous: Status | None = None
    for at, _, _, item in timeline:
        if isinstance(item, StatusEvent):
            computed = item
            if override is None:
                out.append(replace(item, old=previous))
                previous = item.new
            else:
                reasons = (*override_reasons(override, item.new), *item.reasons)
                out.append(replace(item, old=previous, new=override.status, reasons=reasons))
                previous = override.status
            continue
        act = item.action
        status_now: Status = computed.new if computed is not None else "unverified"
        new: Status
        if isinstance(act, OverrideStatus):
            override = Override(act.status, item.author, item.at, item.reason, item.id)
            new, reasons = act.status, override_reasons(override, status_now)
        elif isinstance(act, ClearOverride):
            if override is None:
                continue
            override = None
            new = status_now
            reasons = (f"OVERRIDE_CLEARED_BY({item.author})",)
        else:  # a merge
            new = override.status if override is not None else status_now
            reasons = (f"MERGED_INTO({state.home(claim_id)})",)
        out.append(
            StatusEvent(
                id=hash_id(claim_id, item.id, new, prefix="se"),
                claim_id=claim_id,
                at=at,
                old=previous,
                new=new,
                reasons=reasons,
                evidence_ids=(),
                policy_version=f"{ANALYST_POLICY}:{item.author}",
            )
        )
        previous = new
    return out


def is_analyst_event(event: StatusEvent) -> bool:
    """Whether a status event is an analyst's (an override, its clearing, a merge)."""
    return event.policy_version.startswith(f"{ANALYST_POLICY}:")
