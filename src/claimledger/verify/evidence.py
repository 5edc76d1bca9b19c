"""Evidence: one linked report joined with what the verdict engine needs.

The store hands the engine plain records; :func:`evidence_from_records` joins a
:class:`~claimledger.records.Link` with its article, statement and outlet into
one frozen :class:`Evidence`. :func:`is_retraction` is the lexical detector
that marks statements withdrawing an earlier claim; the engine only treats
such a statement as a retraction when its speaker is on the claimant side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from claimledger.errors import Code, ConfigError
from claimledger.records import SPEAKER_PRONOUNS, Article, Link, Outlet, Stance, Statement
from claimledger.verify.demand import demand_rules

Role = Literal["assertion", "report", "evidence"]
EvidenceKind = Literal["link", "factcheck", "analyst"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One linked report of a claim, as the verdict engine sees it.

    Attributes:
        link_id: Id of the :class:`~claimledger.records.Link`; the evidence id.
        claim_id: The claim it is linked to.
        statement_id: The linked statement, or None for an article-level link.
        article_id: The article carrying it.
        origin_id: The article's origin (syndicated copies share one).
        outlet: Outlet name as printed.
        outlet_actor_id: The outlet's actor (state media, wire), if known.
        speaker: Resolved speaker name; None for the outlet's own sentence.
        speaker_actor_id: The speaker's actor, if known.
        stance: Stance of the statement toward the claim.
        confidence: Stance classifier confidence in ``[0, 1]``.
        date: Publication time of the article, timezone-aware UTC.
        review: ``""`` as the machine linked it; ``"suggested"``: a link below the
            suggestion bar, shown but not counted; ``"confirmed"``: confirmed by an
            analyst, counted whatever its confidence (``review/overlay.py``).
        retracts: The text reads as withdrawing an earlier statement
            (:func:`is_retraction`); it counts as a retraction only when the
            speaker is on the claimant side.
        demands: Ids of the rules that read the text as a demand for evidence
            (:mod:`claimledger.verify.demand`); the engine gives the claim
            ``EVIDENCE_REQUESTED`` when no independent support came after it.
        role: ``"assertion"`` where the claim was asserted, ``"report"`` for a restatement,
            ``"evidence"`` for a statement about the claim that is not the claim.
        origin_outlet_actor_id: Actor of the outlet that first published the
            origin (the author of a syndicated story), if known.
        text: The statement (or article title) text, for display.
        date_estimated: The article gave no date; ``date`` is an estimate
            (``ingest.dates``). The engine weighs it like any date.
        kind: ``"link"`` for a linked statement or article; ``"factcheck"`` or
            ``"analyst"`` for evidence kept by hand (``pipeline/factchecks.py``): then
            ``link_id`` is the manual evidence id and ``article_id`` is empty.
        url: The fact-check's (or hand-added source's) address, if any.
        rating: The fact-checker's rating as published ("False", "Half true").
    """

    link_id: str
    claim_id: str
    statement_id: str | None
    article_id: str
    origin_id: str
    outlet: str
    outlet_actor_id: str | None
    speaker: str | None
    speaker_actor_id: str | None
    stance: Stance
    confidence: float
    date: datetime
    review: str = ""
    retracts: bool = False
    demands: tuple[str, ...] = ()
    role: Role = "report"
    origin_outlet_actor_id: str | None = None
    text: str = ""
    date_estimated: bool = False
    # A revision of the article removed the statement on this date: evidence until then.
    removed_at: datetime | None = None
    removed_in: str | None = None
    kind: EvidenceKind = "link"
    url: str | None = None
    rating: str | None = None
    # Someone's word whose speaker nobody knows: no source at all, or a pronoun left
    # unresolved ("He emphasised that ..."). A described source ("two weapons experts who
    # reviewed our photographs") is a source.
    speaker_unknown: bool = False

    @property
    def id(self) -> str:
        """The evidence id (the link id)."""
        return self.link_id


def _speaker_unknown(statement: Statement) -> bool:
    """Whether an attributed statement's speaker is unknown: no source, or a bare pronoun."""
    if not statement.attributed or statement.speaker or statement.actor_id:
        return False
    source = (statement.source_text or "").strip().strip("\"'“”‘’").lower()
    return not source or source in SPEAKER_PRONOUNS


# A retraction names what is withdrawn: "withdrew its statement", not "withdrew troops".
_THING = (
    r"(?:statements?|claims?|reports?|remarks?|comments?|allegations?|assertions?|"
    r"announcements?|posts?|tweets?|stor(?:y|ies)|articles?|figures?|accusations?|accounts?|"
    r"protests?|information|data)"
)
_DET = (
    r"(?:(?:its|the|their|his|her|our|my|that|this|these|those|an?|earlier|previous|prior)\s+){0,3}"
)
_ADJ = r"(?:[\w-]+\s+){0,2}?"
_WITHDRAW = (
    r"(?:withdr[ae]w[ns]?|withdrawing|withdraws?|retract(?:ed|s|ing)?|rescind(?:ed|s|ing)?|"
    r"recant(?:ed|s|ing)?|disavow(?:ed|s|ing)?|walk(?:ed|s|ing)?\s+back)"
)
_RETRACTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b(?:{_WITHDRAW}|delet(?:ed|es|ing)|pull(?:ed|s|ing)?)\s+{_DET}{_ADJ}{_THING}\b",
        rf"\b{_WITHDRAW}\s+it\b",
        rf"\b{_THING}(?:\s+(?:of|on|from|dated|issued|published|made)(?:\s+[\w-]+){{1,2}})?"
        r"\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+(?:now\s+)?"
        r"(?:withdrawn|retracted|rescinded)\b",
        r"\bwhich\s+(?:it|they|we)\s+(?:has|have|had)\s+(?:now\s+|since\s+)?"
        r"(?:withdrawn|retracted|rescinded)(?=\s*[.,;:]|\s*$)",
        r"\bretraction\b",
        r"\bcorrect(?:s|ed|ing)?\s+(?:its|their|our|his|her|an?\s+earlier|the\s+earlier|earlier|"
        rf"previous|prior)\s+(?:own\s+|earlier\s+|previous\s+|prior\s+)?{_THING}\b",
        rf"\bcorrection\s+(?:to|of)\s+{_DET}{_THING}\b",
        r"\b(?:was|were|had\s+been|has\s+been|been|is)\s+(?:issued|published|posted|released|"
        r"made|sent|distributed)\s+(?:in\s+error|by\s+mistake|erroneously|mistakenly)\b",
        r"\b(?:issued|published|posted|released)\s+(?:in\s+error|by\s+mistake)\b",
        r"\bno\s+longer\s+stands?\s+by\b",
        # An outlet's correction note (docs/reliability.md, "Revisions"): "An earlier version
        # of this article incorrectly said ...".
        r"\b(?:earlier|previous|prior)\s+versions?\s+of\s+this\s+(?:article|story|report|piece)"
        r"\s+(?:\w+\s+){0,3}?(?:incorrectly|wrongly|erroneously|mistakenly|inaccurately|"
        r"misstated|misquoted|misreported|misattributed)\b",
        r"\b(?:does|do|did)\s+not\s+stand\s+by\b",
    )
)
# Owning up to an error without withdrawing anything by name ("regretted the error"): read
# as a retraction, but an apology that agrees with a claim withdraws nothing of it.
_APOLOGY_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bregret(?:s|ted|ting)?\s+(?:the|its|our|their|this)\s+(?:error|mistake|inaccuracy)\b",
        r"\bwe\s+were\s+wrong\b",
        r"\bapologi[sz](?:ed|es|ing)?\s+for\s+(?:the|its|an?|our|their)\s+(?:erroneous|incorrect|"
        r"false|inaccurate|mistaken)\b",
    )
)
_WITHDRAWAL_PATTERNS = _RETRACTION_PATTERNS
_RETRACTION_PATTERNS = _WITHDRAWAL_PATTERNS + _APOLOGY_PATTERNS
# A cue preceded by a negation ("did not retract", "refused to withdraw") is no retraction.
_NEGATION = re.compile(
    r"(?:\bnot|\bnever|n't|\bno\s+plans?\s+to|\brefus(?:ed|es|ing)\s+to|\bdeclin(?:ed|es|ing)\s+to|"
    r"\bdenied|\bdenies|\brejected\s+calls\s+to|\bwould\s+not|\bwon't)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def is_retraction(text: str) -> bool:
    """Tell whether ``text`` reads as withdrawing or correcting an earlier statement.

    Lexical: looks for "withdrew its statement", "retracted the claim",
    "corrects an earlier statement", "was issued in error", "no longer stands
    by" and the like, unless negated just before ("did not retract the claim").

    Args:
        text: Statement text (any string, possibly empty).

    Returns:
        True when a non-negated retraction cue is present.
    """
    return _matches(text, _RETRACTION_PATTERNS)


def is_apology_only(text: str) -> bool:
    """Tell whether ``text`` owns up to an error ("regretted the error") without
    withdrawing anything by name ("withdrew its statement")."""
    return _matches(text, _APOLOGY_PATTERNS) and not _matches(text, _WITHDRAWAL_PATTERNS)


def _matches(text: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    if not text:
        return False
    for pattern in patterns:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if not _NEGATION.search(before):
                return True
    return False


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def evidence_from_records(
    link: Link,
    *,
    article: Article,
    statement: Statement | None,
    outlet: Outlet | None = None,
    origin_outlet: Outlet | None = None,
    fallback_date: datetime | None = None,
) -> Evidence:
    """Join a link with its article, statement and outlet into :class:`Evidence`.

    Args:
        link: The claim link (its id becomes the evidence id).
        article: The linked article.
        statement: The linked statement; None for an article-level link.
        outlet: The article's outlet record, if stored (gives the outlet actor).
        origin_outlet: Outlet of the origin's first article, if known.
        fallback_date: Date used when the article has no publication time.

    Returns:
        The evidence record.

    Raises:
        ConfigError: E402 when the article has neither a publication time nor a
            fallback date, or the statement belongs to another article.
    """
    if statement is not None and statement.article_id != article.id:
        raise ConfigError(
            Code.E402, link.id, reason=f"statement {statement.id} is not in article {article.id}"
        )
    published = article.published or fallback_date
    if published is None:
        raise ConfigError(Code.E402, link.id, reason=f"article {article.id} has no date")
    if statement is not None:
        speaker = statement.speaker if statement.attributed else None
        speaker_actor = statement.actor_id if statement.attributed else None
        text = statement.content_text
        detect = " ".join(t for t in (statement.cue_text, statement.content_text) if t)
    else:
        speaker, speaker_actor = None, None
        text = article.title or ""
        detect = text
    outlet_name = (outlet.name if outlet else None) or article.outlet or ""
    return Evidence(
        link_id=link.id,
        claim_id=link.claim_id,
        statement_id=statement.id if statement is not None else None,
        article_id=article.id,
        origin_id=article.origin_id or article.id,
        outlet=outlet_name,
        outlet_actor_id=outlet.actor_id if outlet else None,
        speaker=speaker,
        speaker_actor_id=speaker_actor,
        stance=link.stance,
        confidence=link.confidence,
        date=as_utc(published),
        retracts=is_retraction(detect),
        demands=demand_rules(detect),
        role=link.role,
        origin_outlet_actor_id=origin_outlet.actor_id if origin_outlet else None,
        text=text,
        date_estimated=article.date_estimated or article.published is None,
        removed_at=as_utc(link.removed_at) if link.removed_at is not None else None,
        removed_in=link.removed_in,
        speaker_unknown=statement is not None and _speaker_unknown(statement),
    )
