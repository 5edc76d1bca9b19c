"""Ledger views of assessed claims: the JSON claim shape and the ``explain`` text.

The JSON shape is read by our own evaluation; keep it stable (docs/verdicts.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from claimledger.records import Claim, StatusEvent
from claimledger.verify.engine import Assessment, ordered
from claimledger.verify.evidence import Evidence, as_utc
from claimledger.verify.independence import source_actor

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def claim_view_evidence(
    assessment: Assessment, evidence: Sequence[Evidence]
) -> list[dict[str, JsonValue]]:
    """Return the ``evidence`` list of the JSON claim view, in (date, id) order.

    Each item is ``{"statement", "outlet", "origin", "actor", "stance",
    "independent", "date", "date_estimated", "role"}``: the statement id (None for an article-level
    link), the outlet name, the origin id, the actor id of the source (the
    speaker's actor, or the outlet's actor for its own reporting; None when
    unresolved), the stance, whether the item counted as independent at the
    assessment, the ISO 8601 UTC date, and ``date_estimated`` (the article
    gave no date; ``ingest.dates``) and ``role`` (``assertion``, ``report`` for a
    restatement, ``evidence`` for a statement about the claim; docs/claims.md).
    Evidence kept by hand (docs/factchecks.md) has three keys more: ``kind``
    (``factcheck`` or ``analyst``), ``url`` and ``rating``.

    Args:
        assessment: The claim's current assessment.
        evidence: Its linked reports, any order.
    """
    rows: list[dict[str, JsonValue]] = []
    for ev in ordered(evidence):
        decision = assessment.decision(ev.link_id)
        rows.append(
            {
                "statement": ev.statement_id,
                "outlet": ev.outlet,
                "origin": ev.origin_id,
                "actor": source_actor(ev),
                "stance": ev.stance,
                "independent": decision.independent if decision is not None else False,
                "date": _iso(ev.date),
                "date_estimated": ev.date_estimated,
                "role": ev.role,
            }
        )
        if ev.removed_at is not None:
            # A later revision of the article took the statement out: shown, counted until then.
            rows[-1].update({"removed_in": ev.removed_in, "removed_at": _iso(ev.removed_at)})
        if ev.kind != "link":
            # Evidence kept by hand (a fact-check, an analyst's source) says what it is.
            rows[-1].update({"kind": ev.kind, "url": ev.url, "rating": ev.rating})
    return rows


def claim_json(
    claim: Claim, assessment: Assessment, evidence: Sequence[Evidence]
) -> dict[str, JsonValue]:
    """Return the JSON view of one claim (``claimledger claims --format json``).

    Shape: ``{"id", "text", "claimant": {"name", "actor"}, "first_seen",
    "status", "reasons", "evidence", "reports", "problem"}``; ``reports`` is the
    number of distinct articles linked to the claim; ``problem`` says what of its
    stored items could not be read (None when all could).

    Args:
        claim: The claim.
        assessment: Its current assessment.
        evidence: Its linked reports, any order.
    """
    return {
        "id": claim.id,
        "text": claim.text,
        "claimant": {"name": claim.claimant_name, "actor": claim.claimant_actor_id},
        "first_seen": _iso(claim.first_seen),
        "status": assessment.status,
        "reasons": list(assessment.reasons),
        "evidence": list(claim_view_evidence(assessment, evidence)),
        "reports": len({ev.article_id for ev in evidence if ev.kind == "link"}),
        "problem": claim.problem,
    }


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def explain_text(
    claim: Claim,
    assessment: Assessment,
    evidence: Sequence[Evidence],
    history: Sequence[StatusEvent],
) -> str:
    """Return the ``claimledger explain CLAIM_ID`` text.

    Lists the claim, its current status and reasons, the evidence chain (date,
    outlet, origin, speaker, stance, confidence, independence with its reason,
    whether the status rests on it) and the status history.

    Args:
        claim: The claim.
        assessment: Its current assessment.
        evidence: Its linked reports, any order.
        history: Its status events, in time order.
    """
    claimant = claim.claimant_name or "unknown claimant"
    if claim.claimant_actor_id:
        claimant += f" [{claim.claimant_actor_id}]"
    lines = [
        # The claim is the one text a reader must see whole; evidence quotes are clipped.
        f"Claim {claim.id}: {' '.join(claim.text.split())}",
        f"Claimant: {claimant}; first seen {_iso(claim.first_seen) or 'unknown'}",
    ]
    if claim.resolution_date is not None:
        lines.append(f"Resolves on: {claim.resolution_date.isoformat()}")
    lines.append(
        f"Status: {assessment.status} (policy {assessment.policy_version}, "
        f"as of {_iso(assessment.as_of)})" + ("  FLAGGED FOR REVIEW" if assessment.flagged else "")
    )
    lines.append("Reasons: " + (", ".join(assessment.reasons) or "none"))
    if claim.problem:
        lines.append(f"Problem: {claim.problem}")
    items = ordered(evidence)
    reports = len({e.article_id for e in items if e.kind == "link"})
    lines.append(f"Evidence ({len(items)} linked, {reports} reports):")
    if not items:
        lines.append("  (none)")
    weighed = set(assessment.evidence_ids)
    for ev in items:
        decision = assessment.decision(ev.link_id)
        verdict = (
            "not assessed (after as-of)"
            if decision is None
            else ("independent" if decision.independent else f"not independent: {decision.reason}")
        )
        speaker = ev.speaker or "(outlet's own reporting)"
        if ev.speaker_actor_id:
            speaker += f" [{ev.speaker_actor_id}]"
        outlet = ev.outlet or "?"
        if ev.outlet_actor_id:
            outlet += f" [{ev.outlet_actor_id}]"
        mark = "*" if ev.link_id in weighed else "-"
        extra = " retraction" if ev.retracts else ""
        extra += {"suggested": " [suggestion]", "confirmed": " [analyst-confirmed]"}.get(
            ev.review, ""
        )
        if ev.removed_at is not None:
            extra += f" removed in revision {ev.removed_in} on {ev.removed_at.date().isoformat()}"
            if decision is None:
                verdict = "not counted: a later revision removed it"
        if ev.demands:
            extra += " demand for evidence"
        day = ev.date.date().isoformat() + (" (date estimated)" if ev.date_estimated else "")
        if ev.kind != "link":
            label = "fact-check" if ev.kind == "factcheck" else "analyst evidence"
            rated = f' rated "{ev.rating}"' if ev.rating else ""
            lines.append(f"  {mark} {day} {label} by {speaker}{rated}: {ev.stance}; {verdict}")
            lines.extend(f"      {x}" for x in (ev.url, ev.text and f'"{_clip(ev.text)}"') if x)
            continue
        lines.append(
            f"  {mark} {day} {outlet} (origin {ev.origin_id}) "
            f"{ev.role}: {speaker} {ev.stance} ({ev.confidence:.2f}){extra}; {verdict}"
        )
        if ev.text:
            lines.append(f'      "{_clip(ev.text)}"')
    lines.append("  (* = the status rests on this item)")
    lines.append("History:")
    if not history:
        lines.append("  (none)")
    for event in history:
        old = event.old or "-"
        lines.append(
            f"  {_iso(event.at)} {old} -> {event.new}: {', '.join(event.reasons)}"
            f" [{event.policy_version}]"
        )
    return "\n".join(lines)
