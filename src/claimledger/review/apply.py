"""Taking a review action, and laying the review over the machine's ledger.

:func:`review` checks an action against the ledger, stores it as a review event (with
its audit row) and recomputes the claims it touches. The other functions are the
review's hooks into the pipeline: :func:`reviewed_evidence` (every read of a claim's
evidence), :class:`Review` (recompute and the views: which claims, parties, history,
the status shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import delete, select, update

from claimledger.config import Config
from claimledger.errors import Code, ConfigError, NotFound
from claimledger.records import Actor, Affiliation, Claim, StatusEvent
from claimledger.review.actions import (
    Action,
    AddActor,
    AddAffiliation,
    AddEvidence,
    ClearOverride,
    ConfirmLink,
    MergeClaims,
    MoveStatement,
    NotAClaim,
    OverrideStatus,
    RejectLink,
    SetClaimant,
    SetParties,
    SetStance,
    SplitClaim,
)
from claimledger.review.analysts import Analyst, require_role
from claimledger.review.overlay import (
    ReviewEvent,
    ReviewState,
    reviewed,
    reviewed_assessment,
    reviewed_history,
    split_claim_id,
)
from claimledger.review.store import load_state, record_event, setting
from claimledger.store.ledger import Ledger
from claimledger.store.models import ActorRow, ClaimMemberRow, ClaimRow, LinkRow, StatementRow
from claimledger.verify.engine import Assessment
from claimledger.verify.evidence import Evidence
from claimledger.verify.policy import DEFAULT_POLICY, Policy

Machine = Callable[[Ledger, Sequence[str]], dict[str, list[Any]]]


class ReviewedEvidence(dict[str, list[Any]]):
    """Claim id -> reviewed evidence, remembering each claim's own machine items."""

    machine: dict[str, list[Any]]


def suggestion_policy(ledger: Ledger, policy: Policy) -> tuple[bool, float]:
    """Whether suggestions are on for this ledger, and below which confidence."""
    if policy.suggestions == "ledger":
        on = setting(ledger, "suggestions") == "on"
    else:
        on = policy.suggestions == "on"
    return on, policy.suggest_below


def _policy(config: Config | None) -> Policy:
    if config is None:
        return DEFAULT_POLICY
    from claimledger.pipeline.verdict_queries import policy_of

    found: Policy = policy_of(config)
    return found


def reviewed_evidence(
    ledger: Ledger,
    claim_ids: Sequence[str],
    *,
    config: Config | None,
    machine: Machine,
    state: ReviewState | None = None,
) -> ReviewedEvidence:
    """The evidence of ``claim_ids`` with the review laid over the machine's evidence."""
    state = state if state is not None else load_state(ledger)
    on, below = suggestion_policy(ledger, _policy(config))
    extra = sorted(state.sources(claim_ids))
    raw = machine(ledger, [*claim_ids, *extra])
    out = ReviewedEvidence(reviewed(raw, claim_ids, state, suggestions=on, suggest_below=below))
    out.machine = {cid: list(raw.get(cid, [])) for cid in claim_ids}
    return out


def machine_links(evidence: dict[str, list[Any]], claim_id: str) -> list[Any]:
    """The claim's own machine evidence (for the check that no link came in meanwhile)."""
    own = getattr(evidence, "machine", None)
    return list(own.get(claim_id, [])) if isinstance(own, dict) else list(evidence[claim_id])


class Review:
    """The review decisions in force, for recompute and the views."""

    def __init__(self, state: ReviewState) -> None:
        self.state = state

    @classmethod
    def load(cls, ledger: Ledger) -> Review:
        return cls(load_state(ledger))

    def widen(self, claim_ids: Sequence[str]) -> list[str]:
        """``claim_ids`` and the claims whose evidence the review draws from them."""
        if self.state.empty:
            return list(claim_ids)
        more = sorted(self.state.targets(claim_ids) - set(claim_ids))
        return [*claim_ids, *more]

    def parties(self, claim_id: str, computed: frozenset[str]) -> frozenset[str]:
        """The parties an analyst set, else those computed from the text."""
        return self.state.parties.get(claim_id, computed)

    def history(self, claim_id: str, machine: Sequence[StatusEvent]) -> list[StatusEvent]:
        return reviewed_history(claim_id, machine, self.state)

    def assessment(self, assessment: Assessment) -> Assessment:
        return reviewed_assessment(assessment, self.state)


# -- taking an action ---------------------------------------------------------------------------


def _claim(session: Any, claim_id: str) -> ClaimRow:
    row = session.get(ClaimRow, claim_id)
    if row is None:
        raise NotFound(Code.E501, f"claim {claim_id}")
    return row  # type: ignore[no-any-return]


def _link(session: Any, link_id: str) -> LinkRow:
    row = session.get(LinkRow, link_id)
    if row is None:
        raise NotFound(Code.E501, f"link {link_id}")
    return row  # type: ignore[no-any-return]


def _actor(session: Any, actor_id: str) -> ActorRow:
    row = session.get(ActorRow, actor_id)
    if row is None:
        raise NotFound(Code.E501, f"actor {actor_id}")
    return row  # type: ignore[no-any-return]


def _linked_statements(session: Any, state: ReviewState, claim_id: str) -> set[str]:
    """Statements whose evidence counts for ``claim_id`` under the review."""
    own = set(
        session.scalars(
            select(LinkRow.statement_id).where(
                LinkRow.claim_id == claim_id, LinkRow.statement_id.is_not(None)
            )
        )
    )
    own = {s for s in own if (s, claim_id) not in state.moved}
    own |= {st for (st, _), to in state.moved.items() if to == claim_id}
    return own


def _check(session: Any, action: Action, state: ReviewState) -> set[str]:
    """Check an action against the ledger; returns the claims it changes directly."""
    if isinstance(action, ConfirmLink | RejectLink | SetStance):
        link = _link(session, action.link)
        if isinstance(action, RejectLink) and link.role == "assertion":
            raise ConfigError(
                Code.E402,
                f"link {action.link}",
                reason="the claim's own assertion; mark the statement not a claim instead",
            )
        if isinstance(action, RejectLink) and link.statement_id is not None:
            _drop_member(session, link.claim_id, link.statement_id)
        return {link.claim_id}
    if isinstance(action, MoveStatement):
        _claim(session, action.to_claim)
        if action.from_claim == action.to_claim:
            raise ConfigError(Code.E402, f"statement {action.statement}", reason="already there")
        if action.statement not in _linked_statements(session, state, action.from_claim):
            raise ConfigError(
                Code.E402,
                f"statement {action.statement}",
                reason=f"not linked to claim {action.from_claim}",
            )
        _drop_member(session, action.from_claim, action.statement)
        return {action.from_claim, action.to_claim}
    if isinstance(action, MergeClaims):
        _claim(session, action.claim)
        _claim(session, action.into)
        if action.claim in state.merged:
            raise ConfigError(
                Code.E402,
                f"claim {action.claim}",
                reason=f"already merged into {state.home(action.claim)}",
            )
        if state.home(action.into) == action.claim:
            raise ConfigError(
                Code.E402, f"claim {action.into}", reason="a claim cannot be merged into itself"
            )
        return {action.claim, state.home(action.into)}
    if isinstance(action, SplitClaim):
        row = _claim(session, action.claim)
        linked = _linked_statements(session, state, action.claim)
        missing = sorted(set(action.statements) - linked)
        if missing:
            raise ConfigError(
                Code.E402, f"statement {missing[0]}", reason=f"not linked to claim {action.claim}"
            )
        _open_split(session, action, row)
        return {action.claim, split_claim_id(action)}
    if isinstance(action, NotAClaim):
        if session.get(StatementRow, action.statement) is None:
            raise NotFound(Code.E501, f"statement {action.statement}")
        claims = set(
            session.scalars(
                select(LinkRow.claim_id).where(LinkRow.statement_id == action.statement)
            )
        )
        for cid in claims:
            _drop_member(session, cid, action.statement)
        return claims
    if isinstance(action, SetClaimant):
        if action.actor is not None:
            _actor(session, action.actor)
        session.execute(
            update(ClaimRow)
            .where(ClaimRow.id == _claim(session, action.claim).id)
            .values(claimant_name=action.name, claimant_actor_id=action.actor)
        )
        return {action.claim}
    if isinstance(action, SetParties):
        _claim(session, action.claim)
        for actor in action.parties:
            _actor(session, actor)
        return {action.claim}
    if isinstance(action, AddActor | AddAffiliation):
        return set(session.scalars(select(ClaimRow.id)))
    if isinstance(action, AddEvidence):
        _claim(session, action.claim)
        return {action.claim}
    if isinstance(action, OverrideStatus):
        _claim(session, action.claim)
        return {action.claim}
    if isinstance(action, ClearOverride):
        _claim(session, action.claim)
        if action.claim not in state.overrides:
            raise ConfigError(Code.E402, f"claim {action.claim}", reason="no override to clear")
        return {action.claim}
    raise ConfigError(Code.E402, "review action", reason=f"unknown action {action!r}")


def _drop_member(session: Any, claim_id: str, statement_id: str) -> None:
    """A statement taken from a claim by review is no longer a way into the claim: its
    vector no longer draws new statements to it (the claim index is rebuilt without it)."""
    session.execute(
        delete(ClaimMemberRow).where(
            ClaimMemberRow.claim_id == claim_id, ClaimMemberRow.statement_id == statement_id
        )
    )


def _open_split(session: Any, action: SplitClaim, original: ClaimRow) -> None:
    """Store the claim a split opens, with a vector of its text and the statements split off
    as its ways in: later statements of it link to it, not to the claim it was split from.

    Writers catch up with the claim index from the store (``claims_since``), so the new
    key reaches every index without a rebuild.
    """
    import numpy as np

    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import canonical_text, linking_entities
    from claimledger.store.models import ArticleRow

    new_id = split_claim_id(action)
    if session.get(ClaimRow, new_id) is not None:
        return
    first = session.scalar(
        select(ArticleRow.published)
        .join(StatementRow, StatementRow.article_id == ArticleRow.id)
        .where(StatementRow.id.in_(sorted(action.statements)))
        .order_by(ArticleRow.published)
        .limit(1)
    )
    key = int(session.scalar(select(ClaimRow.key).order_by(ClaimRow.key.desc()).limit(1)) or 0) + 1
    text = " ".join(action.text.split())
    vector = get_embedder().encode([canonical_text(text)])[0].astype(np.float32)
    session.add(
        ClaimRow(
            id=new_id,
            key=key,
            text=text,
            claimant_name=original.claimant_name,
            claimant_actor_id=original.claimant_actor_id,
            first_seen=first or original.first_seen,
            tracked=False,
            first_statement_id=sorted(action.statements)[0],
            entities=sorted(linking_entities(text)),
            vector=vector.tobytes(),
            status="unverified",
            reasons=[],
            dirty=True,
        )
    )
    # The statements split off stop drawing new statements to the original claim and draw
    # them to the new one (their member rows keep their index keys).
    session.execute(
        update(ClaimMemberRow)
        .where(
            ClaimMemberRow.claim_id == original.id,
            ClaimMemberRow.statement_id.in_(sorted(action.statements)),
        )
        .values(claim_id=new_id)
    )
    session.flush()


def _actor_change(ledger: Ledger, action: AddActor | AddAffiliation) -> None:
    """Write an actor or an affiliation to the actor table."""
    with ledger.session() as s:
        if isinstance(action, AddAffiliation):
            _actor(s, action.parent)
    if isinstance(action, AddActor):
        try:
            old = ledger.get_actor(action.actor)
            actor = replace(
                old,
                name=action.name,
                type=action.type,
                aliases=tuple(dict.fromkeys([*old.aliases, *action.aliases])),
            )
        except NotFound:
            actor = Actor(
                id=action.actor, name=action.name, type=action.type, aliases=tuple(action.aliases)
            )
        ledger.upsert_actors([actor])
        return
    old = ledger.get_actor(action.actor)
    if action.start and action.end and action.end < action.start:
        raise ConfigError(Code.E402, f"affiliation {action.actor}", reason="ends before it starts")
    aff = Affiliation(parent=action.parent, role=action.role, start=action.start, end=action.end)
    if aff not in old.affiliations:
        ledger.upsert_actors([replace(old, affiliations=(*old.affiliations, aff))])


def _add_evidence(
    ledger: Ledger, config: Config, action: AddEvidence, analyst: Analyst, reason: str
) -> None:
    """Keep the evidence in the ledger's manual evidence (``pipeline/manual_evidence.py``)."""
    from claimledger.pipeline.manual_evidence import add_manual_evidence

    add_manual_evidence(
        action.claim,
        kind="analyst",
        source=action.source,
        date=datetime.combine(action.date, time(12), tzinfo=UTC),
        url=action.url,
        note=action.note or reason,
        stance=action.stance,
        added_by=analyst.name,
        ledger=ledger,
        config=config,
    )


def review(
    action: Action,
    *,
    ledger: Ledger,
    config: Config,
    analyst: Analyst,
    reason: str,
    via: str,
    at: datetime | None = None,
    file_under: str | None = None,
) -> ReviewEvent:
    """Take a review action: check it, store it with who, when and why, recompute.

    ``at`` is when the analyst took it (default: now; given when a review log is
    replayed into another ledger). ``file_under`` names the claim to file an action on a
    link or a statement under (the claim page it was taken on), when it touches that claim.

    Raises:
        AccessDenied: E503 when the analyst is no reviewer.
        NotFound: E501 for a claim, link, statement or actor that does not exist.
        ConfigError: E402 for an action the ledger cannot take (reason empty, a merge
            into itself, a statement not linked to the claim...).
    """
    from claimledger.pipeline.verdict_queries import recompute

    require_role(analyst, "reviewer")
    reason = " ".join(reason.split())
    if not reason:
        raise ConfigError(
            Code.E402, f"review {action.action}", reason="say why (a reason is required)"
        )
    if isinstance(action, AddEvidence) and not (action.url or action.note):
        raise ConfigError(Code.E402, "review add_evidence", reason="give a url or a note")
    state = load_state(ledger)
    if isinstance(action, AddActor | AddAffiliation):
        _actor_change(ledger, action)
    if isinstance(action, AddEvidence):
        with ledger.session() as session:
            _claim(session, action.claim)
        _add_evidence(ledger, config, action, analyst, reason)
    with ledger.session() as session:
        ledger.lock_linking(session)
        touched = _check(session, action, state)
        filed = None
        if isinstance(action, ConfirmLink | RejectLink | SetStance | NotAClaim) and touched:
            filed = file_under if file_under in touched else sorted(touched)[0]
        event = record_event(
            session, action, analyst=analyst, reason=reason, via=via, claim_id=filed, at=at
        )
        if touched:
            session.execute(
                update(ClaimRow).where(ClaimRow.id.in_(sorted(touched))).values(dirty=True)
            )
    state.add(event)
    ids = sorted(touched | state.targets(touched))
    fresh = recompute(ids, ledger=ledger, config=config)
    if fresh:  # an override (or a correction) changes a tracked claim: alert as the machine does
        from claimledger.pipeline.alerts import publish

        publish(fresh, ledger=ledger, config=config)
    return event


def claim_of(ledger: Ledger, claim_id: str) -> Claim:
    return ledger.get_claim(claim_id)


def evidence_review(ev: Evidence) -> str:
    """How an item stands with the review: machine, suggestion or confirmed."""
    return {"suggested": "suggestion", "confirmed": "confirmed"}.get(ev.review, "machine")
