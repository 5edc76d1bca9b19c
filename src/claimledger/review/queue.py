"""The review queue: suggestions and conflicts, most consequential first.

An item is a linked statement the status does not count for its confidence: a
suggestion (below the suggestion bar, suggestions on), or a conflict: a low-confidence
link whose stance goes against the claim's status or would change it if confirmed. Each is assessed as if an analyst
confirmed it; items that would change the claim's status come first, the larger the
change (to refuted or retracted weighs most) and the more reported the claim, the earlier.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from claimledger.config import Config
from claimledger.store.ledger import Ledger
from claimledger.store.models import LinkRow

# How far a status is from unverified: a change towards refuted or retracted weighs most.
_WEIGHT = {"unverified": 0, "corroborated": 1, "contested": 2, "refuted": 3, "retracted": 4}
_AGAINST = {"corroborated": {"refutes", "questions"}, "refuted": {"supports"}, "contested": set()}


def _candidates(ledger: Ledger, bar: float) -> list[str]:
    """Claims with a side-taking link below ``bar`` (not an assertion)."""
    with ledger.session() as s:
        rows = s.scalars(
            select(LinkRow.claim_id)
            .where(
                LinkRow.confidence < bar,
                LinkRow.role != "assertion",
                LinkRow.stance.in_(("supports", "refutes", "questions")),
            )
            .distinct()
        )
        return sorted(set(rows))


def review_queue(ledger: Ledger, *, config: Config) -> list[dict[str, Any]]:
    """The queue, most consequential first."""
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.verdict_queries import claim_headlines, ledger_now, policy_of
    from claimledger.pipeline.views import assessments
    from claimledger.review.apply import Review, suggestion_policy
    from claimledger.verify.engine import assess, is_counted
    from claimledger.verify.parties import claim_parties

    policy = policy_of(config)
    on, below = suggestion_policy(ledger, policy)
    bar = max(below if on else 0.0, policy.min_confidence)
    review = Review.load(ledger)
    ids = review.widen(_candidates(ledger, bar))
    if not ids:
        return []
    claims = ledger.claims(ids=ids)
    actors = ledger_actors(ledger, config)
    now = ledger_now(ledger)
    headlines = claim_headlines(ledger, claims)
    out: list[dict[str, Any]] = []
    for claim, shown, evidence in assessments(claims, ledger=ledger, config=config):
        if claim.id in review.state.merged:
            continue
        parties = review.parties(
            claim.id,
            claim_parties(
                claim, resolver=actors, affiliations=actors, headline=headlines.get(claim.id, "")
            ),
        )
        now_status = assess(
            claim, evidence, policy=policy, affiliations=actors, as_of=now, parties=parties
        ).status
        for ev in evidence:
            if not ev.article_id or ev.role == "assertion" or ev.review == "confirmed":
                continue
            if ev.stance not in ("supports", "refutes", "questions") or is_counted(
                ev, policy=policy
            ):
                continue
            suggested = ev.review == "suggested"
            trial = [
                replace(e, review="confirmed") if e.link_id == ev.link_id else e for e in evidence
            ]
            then = assess(
                claim, trial, policy=policy, affiliations=actors, as_of=now, parties=parties
            ).status
            # A conflict: a link left uncounted that goes against the status, or would change it.
            conflict = then != now_status or ev.stance in _AGAINST.get(now_status, set())
            if not suggested and not conflict:
                continue
            change = abs(_WEIGHT.get(then, 0) - _WEIGHT.get(now_status, 0))
            out.append(
                {
                    "kind": "suggestion" if suggested else "conflict",
                    "claim": claim.id,
                    "claim_text": claim.text,
                    "link": ev.link_id,
                    "statement": ev.statement_id,
                    "article": ev.article_id,
                    "outlet": ev.outlet,
                    "speaker": ev.speaker,
                    "text": ev.text,
                    "stance": ev.stance,
                    "confidence": round(ev.confidence, 3),
                    "status": shown.status,
                    "computed_status": now_status,
                    "status_if_confirmed": then,
                    "would_change": then != now_status,
                    "weight": change + (_WEIGHT.get(then, 0) if then != now_status else 0),
                    "reports": len({e.article_id for e in evidence}),
                    "tracked": claim.tracked,
                }
            )
    out.sort(
        key=lambda r: (
            not r["would_change"],
            -int(r["weight"]),
            not r["tracked"],
            -int(r["reports"]),
            r["claim"],
            r["link"],
        )
    )
    return out
