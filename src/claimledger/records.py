"""Typed records passed between pipeline stages.

Stages talk only through these records. They are plain frozen dataclasses so
that they pickle cheaply (for Ray workers) and compare by value (for
idempotence tests). Character spans are ``(start, end)`` Python ``str``
indices into ``Article.text``, end exclusive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeGuard

Span = tuple[int, int]
Kind = Literal["direct", "indirect", "mixed"]
ActorType = Literal["person", "organisation", "state", "media"]
Stance = Literal["supports", "refutes", "questions", "discusses", "unrelated"]
Status = Literal["unverified", "corroborated", "contested", "refuted", "retracted"]

STANCES: tuple[Stance, ...] = ("supports", "refutes", "questions", "discusses", "unrelated")
STATUSES: tuple[Status, ...] = ("unverified", "corroborated", "contested", "refuted", "retracted")
KINDS: tuple[Kind, ...] = ("direct", "indirect", "mixed")


def hash_id(*parts: object, prefix: str = "", length: int = 16) -> str:
    """Return a stable content-hash id built from ``parts``.

    Args:
        parts: Values whose ``str`` forms identify the record.
        prefix: Short type prefix such as ``"a"`` for articles.
        length: Number of hex digits kept.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:length]}"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as ingested."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    byline: str | None = None
    source: str | None = None  # file path or URL it was read from
    origin_id: str | None = None
    # Where ``published`` came from (docs/reliability.md, "Dates"); estimated unless the
    # article or the user gave it.
    date_source: str | None = None
    date_estimated: bool = False
    language: str | None = None  # ISO 639-1 code, None when not detected
    problem: str | None = None  # what went wrong with this item, shown with it


@dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher. ``actor_id`` links it to the actor table (state media, wires)."""

    id: str
    name: str
    actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """A group of copies of one story (syndication, republication)."""

    id: str
    first_article_id: str
    agency: str | None = None  # wire agency named in a byline, if any
    size: int = 1


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression and the date it resolves to."""

    phrase: str
    span: Span
    resolved: date | None


@dataclass(frozen=True, slots=True)
class Attribution:
    """An attribution found in a text, before it is tied to an article."""

    content: Span
    kind: Kind
    source: Span | None = None
    cue: Span | None = None
    speaker: str | None = None  # resolved name, None when unknown
    actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """An attribution in an article, or an unattributed sentence of the outlet."""

    id: str
    article_id: str
    content: Span
    content_text: str
    kind: Kind
    source: Span | None = None
    source_text: str | None = None
    cue: Span | None = None
    cue_text: str | None = None
    speaker: str | None = None
    actor_id: str | None = None
    attributed: bool = True  # False for the outlet's own factual sentence
    time_phrase: str | None = None
    time_resolved: date | None = None
    checkworthiness: float | None = None


@dataclass(frozen=True, slots=True)
class Affiliation:
    """``actor`` belongs to or speaks for ``parent`` in ``role`` between two dates."""

    parent: str
    role: str = "member"
    start: date | None = None
    end: date | None = None


#: Subject pronouns that stand for a speaker named elsewhere ("it is pulling back", "He
#: emphasised that ..."): resolved from the speaker, or the speaker stays unknown.
SPEAKER_PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i"})


#: Prefix of the ids of actors made at run time for unknown speakers: their affiliations are
#: learned from the texts that name them, and only ever grow.
CREATED_PREFIX = "auto:"


def is_known_actor(actor_id: str | None) -> TypeGuard[str]:
    """Whether an actor id names an actor of the table: not none, ``unknown``, or one made
    at run time (``CREATED_PREFIX``), whose side is a guess."""
    return (
        actor_id is not None
        and actor_id not in ("", "unknown")
        and not actor_id.startswith(CREATED_PREFIX)
    )


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, state or media outlet."""

    id: str
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """A proposition tracked by the ledger."""

    id: str
    text: str
    first_seen: datetime | None
    claimant_name: str | None = None
    claimant_actor_id: str | None = None
    resolution_date: date | None = None
    tracked: bool = False  # registered by hand (watchlist)
    first_statement_id: str | None = None
    problem: str | None = None  # why its evidence or status could not be read in full


@dataclass(frozen=True, slots=True)
class Link:
    """A statement (or an article) tied to a claim, with its stance."""

    id: str
    claim_id: str
    article_id: str
    stance: Stance
    confidence: float
    similarity: float
    statement_id: str | None = None
    # "assertion": where the claim was asserted; "report": a statement restating it (the
    # same claim); "evidence": a statement about it that supports, refutes or questions it
    # without being it (docs/claims.md).
    role: Literal["assertion", "report", "evidence"] = "report"
    # The later revision of the article whose edit removed the statement, and its date:
    # the link is evidence only until then (docs/reliability.md, "Revisions").
    removed_in: str | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A change of a claim's status, with reasons and evidence."""

    id: str
    claim_id: str
    at: datetime
    old: Status | None
    new: Status
    reasons: tuple[str, ...]
    evidence_ids: tuple[str, ...]
    policy_version: str


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """An input that could not be ingested; stored as data, not raised."""

    item: str
    code: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[IngestFailure] = field(default_factory=list)
    not_analysed: list[tuple[str, str]] = field(default_factory=list)  # (article id, language)
    revisions: list[tuple[str, int]] = field(default_factory=list)  # (article id, revision seq)
    statements: int = 0
    claims: int = 0
