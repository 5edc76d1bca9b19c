"""Exports: schema.org ClaimReview JSON-LD, provenance bundles, CSV, JSON lines."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from claimledger import __version__
from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.pipeline.views import assessments
from claimledger.store.ledger import Ledger

FORMATS = ("claimreview", "provenance", "csv", "jsonl")
# Statuses that settle a claim; "unverified" claims are not reviewed yet.
SETTLED = ("corroborated", "refuted", "contested", "retracted")
# ClaimReview ratings: a 1-5 scale where 5 is best supported, with our status
# as the textual rating (alternateName), which is what readers see.
RATING = {"refuted": 1, "retracted": 1, "contested": 3, "corroborated": 5}


def claim_review(
    claim: Any, assessment: Any, evidence: list[Any], *, base_url: str
) -> dict[str, Any]:
    """One ClaimReview object for a claim with a settled status."""
    # Where the claim appeared: articles (a fact-check kept by hand has its own review).
    evidence = [ev for ev in evidence if ev.kind == "link"]
    first = min(evidence, key=lambda e: (e.date, e.link_id)) if evidence else None
    appearance = []
    seen: set[str] = set()
    for ev in sorted(evidence, key=lambda e: (e.date, e.link_id)):
        if ev.article_id in seen:
            continue
        seen.add(ev.article_id)
        appearance.append(
            {
                "@type": "CreativeWork",
                "url": f"{base_url}/articles/{ev.article_id}",
                "publisher": {"@type": "Organization", "name": ev.outlet},
                "datePublished": ev.date.isoformat(),
            }
        )
    claimant_type = (
        "Person" if (claim.claimant_actor_id or "").startswith("person") else "Organization"
    )
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": claimant_type, "name": claim.claimant_name or "unknown"},
        "datePublished": claim.first_seen.isoformat() if claim.first_seen else None,
        "appearance": appearance,
    }
    if first is not None:
        item["firstAppearance"] = appearance[0]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base_url}/claims/{claim.id}",
        "claimReviewed": claim.text,
        "datePublished": assessment.as_of.date().isoformat(),
        "author": {"@type": "Organization", "name": "claimledger", "url": base_url},
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[assessment.status],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": assessment.status,
            "ratingExplanation": "; ".join(assessment.reasons),
        },
    }


def provenance(
    claim: Any, assessment: Any, evidence: list[Any], history: list[Any]
) -> dict[str, Any]:
    """Everything behind a status that ClaimReview cannot carry."""
    reports = []
    for ev in sorted(evidence, key=lambda e: (e.date, e.link_id)):
        d = assessment.decision(ev.link_id)
        reports.append(
            {
                "link": ev.link_id,
                "statement": ev.statement_id,
                "article": ev.article_id,
                "origin": ev.origin_id,
                "outlet": ev.outlet,
                "outlet_actor": ev.outlet_actor_id,
                "speaker": ev.speaker,
                "speaker_actor": ev.speaker_actor_id,
                "stance": ev.stance,
                "confidence": ev.confidence,
                "role": ev.role,
                "date": ev.date.isoformat(),
                "text": ev.text,
                "independent": d.independent if d else False,
                "independence_reason": d.reason if d else "AFTER_ASSESSMENT",
                "counted": ev.link_id in assessment.evidence_ids,
            }
        )
    return {
        "claim": {
            "id": claim.id,
            "text": claim.text,
            "claimant": {"name": claim.claimant_name, "actor": claim.claimant_actor_id},
            "first_seen": claim.first_seen.isoformat() if claim.first_seen else None,
            "resolution_date": claim.resolution_date.isoformat() if claim.resolution_date else None,
            "tracked": claim.tracked,
        },
        "status": assessment.status,
        "reasons": list(assessment.reasons),
        "policy_version": assessment.policy_version,
        "assessed_at": assessment.as_of.isoformat(),
        "reports": reports,
        "history": [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "old": e.old,
                "new": e.new,
                "reasons": list(e.reasons),
                "evidence": list(e.evidence_ids),
                "policy_version": e.policy_version,
            }
            for e in history
        ],
        "generator": f"claimledger {__version__}",
    }


def export_records(
    ledger: Ledger, *, config: Config, fmt: str, base_url: str | None = None
) -> list[dict[str, Any]]:
    """The exported objects (ClaimReview, provenance or claim views)."""
    from claimledger.verify.views import claim_json

    if fmt not in FORMATS:
        raise ConfigError(
            Code.E402, "--format", reason=f"unknown export format {fmt!r} (use {'|'.join(FORMATS)})"
        )
    base = base_url or f"http://{config.api.host}:{config.api.port}"
    rows = assessments(ledger.claims(), ledger=ledger, config=config)
    if fmt == "claimreview":
        from claimledger.pipeline.manual_evidence import factcheck_reviews

        # The ledger's own review of a settled claim, then the fact-checkers' imported ones
        # (signed by each fact-checker, with its rating: docs/factchecks.md, round trip).
        checked = factcheck_reviews(ledger, [c for c, _, _ in rows])
        reviews: list[dict[str, Any]] = []
        for c, a, ev in rows:
            if a.status in SETTLED:
                reviews.append(claim_review(c, a, ev, base_url=base))
            reviews.extend(checked.get(c.id, []))
        return reviews
    if fmt == "provenance":
        return [provenance(c, a, ev, ledger.history(c.id)) for c, a, ev in rows]
    return [claim_json(c, a, ev) for c, a, ev in rows]


def export_claims(ledger: Ledger, *, config: Config, fmt: str, base_url: str | None = None) -> str:
    """Serialise the export: a JSON-LD array, JSON lines or CSV."""
    records = export_records(ledger, config=config, fmt=fmt, base_url=base_url)
    if fmt == "claimreview":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(
            [
                "id",
                "status",
                "claimant",
                "claimant_actor",
                "first_seen",
                "reports",
                "reasons",
                "text",
            ]
        )
        for r in records:
            writer.writerow(
                [
                    r["id"],
                    r["status"],
                    r["claimant"]["name"],
                    r["claimant"]["actor"],
                    r["first_seen"],
                    r["reports"],
                    ";".join(r["reasons"]),
                    r["text"],
                ]
            )
        return buf.getvalue()
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
