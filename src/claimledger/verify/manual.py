"""Evidence kept by hand: fact-checkers' ratings and analysts' sources.

A fact-check is no statement of a stored article: it is a reviewed judgement of a
claim by a fact-checker, with its URL and rating. :data:`RATING_RULES` read a stance
off the rating as fact-checkers publish it ("False", "Pants on Fire", "Half true")
or, failing words, off its place on the numeric scale; :func:`manual_to_evidence`
makes one :class:`~claimledger.verify.evidence.Evidence` of it, so the engine weighs
it like a report of its source: the fact-checker (or the analyst's named source) is
the speaker, independent of the claimant unless the actor table puts them on one side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from claimledger.records import Stance
from claimledger.verify.evidence import Evidence, as_utc, is_retraction

ManualKind = Literal["factcheck", "analyst"]
MANUAL_KINDS: tuple[ManualKind, ...] = ("factcheck", "analyst")
# A reviewed item: a person stands behind it, not a classifier.
MANUAL_CONFIDENCE = 1.0


@dataclass(frozen=True, slots=True)
class ManualEvidence:
    """One piece of evidence about a claim kept by hand (table ``manual_evidence``).

    Attributes:
        id: Content-hash id (``me...``): the same claim, kind, source and URL (or note)
            give the same id, so adding it again adds nothing.
        claim_id: The claim it is about.
        kind: ``factcheck`` (a fact-checker's rating) or ``analyst`` (a URL or note
            added by an analyst).
        date: When the source published it (UTC).
        stance: Its stance toward the claim (for a fact-check, read off the rating).
        url: Where it can be read.
        note: What it says, in the analyst's words (or the fact-check's summary).
        source_name: Who published it: the fact-checker, or the analyst's source.
        source_actor_id: That source's actor.
        rating: The rating as published ("False", "Half true").
        rating_value: Its place on the fact-checker's numeric scale, if given.
        best_rating: The best value of that scale.
        worst_rating: The worst value of that scale.
        added_by: Who added it (an analyst's name, ``import:FILE`` for a bulk import).
        recorded_at: When the ledger first held it.
    """

    id: str
    claim_id: str
    kind: ManualKind
    date: datetime
    stance: Stance
    url: str | None = None
    note: str | None = None
    source_name: str | None = None
    source_actor_id: str | None = None
    rating: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    added_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RatingRule:
    """Words of a rating that give a stance (whole words of the normalised rating)."""

    id: str
    stance: Stance
    phrases: tuple[str, ...]
    purpose: str


# Tried in order: a mixed verdict first ("half true" holds "true", "partly false" holds
# "false"), then false before true ("not true" holds "true").
RATING_RULES: tuple[RatingRule, ...] = (
    RatingRule(
        "FC_MIXED",
        "questions",
        (
            "half true",
            "half truth",
            "half false",
            "mixture",
            "mixed",
            "partly true",
            "partly false",
            "partially true",
            "partially false",
            "half right",
            "unproven",
            "not proven",
            "unverified",
            "unverifiable",
            "unsubstantiated",
            "unsupported",
            "no evidence",
            "lacks evidence",
            "missing context",
            "needs context",
            "lacks context",
            "out of context",
            "exaggerated",
            "disputed",
            "contested",
            "cherry picks",
        ),
        "a verdict that neither confirms nor rejects the claim: it is questioned",
    ),
    RatingRule(
        "FC_SATIRE",
        "discusses",
        ("satire", "opinion", "not a claim", "unrateable"),
        "no verdict on facts: shown, not counted",
    ),
    RatingRule(
        "FC_FALSE",
        "refutes",
        (
            "false",
            "mostly false",
            "pants on fire",
            "misleading",
            "incorrect",
            "inaccurate",
            "wrong",
            "fake",
            "fabricated",
            "hoax",
            "not true",
            "untrue",
            "baseless",
            "debunked",
            "distorted",
            "manipulated",
            "altered",
            "scam",
            "refuted",
            "retracted",
            "three pinocchios",
            "four pinocchios",
        ),
        "the fact-checker rejects the claim",
    ),
    RatingRule(
        "FC_TRUE",
        "supports",
        (
            "true",
            "mostly true",
            "correct",
            "mostly correct",
            "accurate",
            "verified",
            "confirmed",
            "corroborated",
            "legit",
        ),
        "the fact-checker confirms the claim",
    ),
)
RATING_RULE_IDS = frozenset(r.id for r in RATING_RULES) | {
    "FC_SCALE_LOW",
    "FC_SCALE_MIDDLE",
    "FC_SCALE_HIGH",
    "FC_UNKNOWN",
}
# On a numeric scale, the worst quarter refutes and the best quarter supports.
SCALE_LOW, SCALE_HIGH = 0.25, 0.75
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_rating(rating: str) -> str:
    """A rating as words: lower case, punctuation and hyphens as spaces ("Pants-on-Fire!")."""
    return " ".join(_NOT_WORD.sub(" ", rating.casefold().replace("_", " ")).split())


def rating_stance(
    rating: str | None,
    *,
    value: float | None = None,
    best: float | None = None,
    worst: float | None = None,
) -> tuple[Stance, str]:
    """The stance a fact-checker's rating takes toward the claim, with the rule that said so.

    The rating's words decide (:data:`RATING_RULES`, in order). Without words a rule
    knows, the numeric value on its scale does (schema.org's default scale is 1 to 5):
    the worst quarter refutes, the best quarter supports, the middle questions. A
    rating nothing can be read from discusses the claim: shown, never counted.

    Returns:
        ``(stance, rule id)``.
    """
    words = f" {normalise_rating(rating or '')} "
    if words.strip():
        for rule in RATING_RULES:
            if any(f" {phrase} " in words for phrase in rule.phrases):
                return rule.stance, rule.id
    if value is not None:
        hi = 5.0 if best is None else best
        lo = 1.0 if worst is None else worst
        if hi != lo:
            place = (value - lo) / (hi - lo)
            if place <= SCALE_LOW:
                return "refutes", "FC_SCALE_LOW"
            if place >= SCALE_HIGH:
                return "supports", "FC_SCALE_HIGH"
            return "questions", "FC_SCALE_MIDDLE"
    return "discusses", "FC_UNKNOWN"


def manual_to_evidence(item: ManualEvidence) -> Evidence:
    """The engine's view of a piece of evidence kept by hand.

    Its source (the fact-checker, or the analyst's source) is the speaker and the
    outlet; its own origin (``manual:<id>``) is never one where the claimant asserted
    the claim; it is reviewed, so its confidence is :data:`MANUAL_CONFIDENCE`. An
    analyst's note that reads as a retraction ("the ministry withdrew its statement")
    is one when its source is on the claimant's side, as for a report.
    """
    return Evidence(
        link_id=item.id,
        claim_id=item.claim_id,
        statement_id=None,
        article_id="",
        origin_id=f"manual:{item.id}",
        outlet=item.source_name or "",
        outlet_actor_id=item.source_actor_id,
        speaker=item.source_name,
        speaker_actor_id=item.source_actor_id,
        stance=item.stance,
        confidence=MANUAL_CONFIDENCE,
        date=as_utc(item.date),
        retracts=item.kind == "analyst" and is_retraction(item.note or ""),
        role="evidence",
        text=item.note or "",
        kind=item.kind,
        url=item.url,
        rating=item.rating,
    )
