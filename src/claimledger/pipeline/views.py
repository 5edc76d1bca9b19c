"""Read-side views of the ledger shared by the CLI, the API and the dashboard."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from claimledger.config import Config
from claimledger.errors import ClaimledgerError, Code, IngestError, NotFound, StoreError
from claimledger.records import STATUSES, Article, Claim
from claimledger.store.ledger import Ledger

log = logging.getLogger(__name__)


def article_json(article: Article) -> dict[str, Any]:
    """The JSON form of an article (``claimledger articles --format json``).

    ``date_source`` says where ``published`` came from (``ingest.dates``);
    ``date_note`` is ``"estimated (...)"`` when the article gave no date.
    ``analysis`` is ``"not analysed: language xx"`` for a language the models
    do not cover; ``problem`` what went wrong with the article, if anything.
    """
    from claimledger.ingest.dates import estimated_label
    from claimledger.ingest.language import analysis_note

    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "date_source": article.date_source,
        "date_estimated": article.date_estimated,
        "date_note": estimated_label(article.date_source) if article.date_estimated else None,
        "language": article.language,
        "analysis": analysis_note(article.language),
        "problem": article.problem,
        "byline": article.byline,
        "origin": article.origin_id,
        "source": article.source,
        "text": article.text,
    }


def article_rows(
    ledger: Ledger,
    *,
    outlet: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    return [
        article_json(a)
        for a in ledger.articles(outlet=outlet, since=since, limit=limit, offset=offset)
    ]


def article_detail(ledger: Ledger, article_id: str) -> dict[str, Any]:
    """An article with its statements (attributions first)."""
    art = ledger.get_article(article_id)
    stmts = ledger.statements(article_id=art.id)
    rows = []
    for st in stmts:
        row = asdict(st)
        row["cue"] = st.cue_text
        row["content"] = st.content_text
        row["actor"] = st.actor_id
        row["cue_span"] = list(st.cue) if st.cue else None
        row["source_span"] = list(st.source) if st.source else None
        row["content_span"] = list(st.content)
        rows.append(row)
    rows.sort(key=lambda r: (not r["attributed"], r["content_span"][0]))
    from claimledger.pipeline.revisions import document_revisions

    return {
        "article": {**article_json(art), "origin_id": art.origin_id},
        "statements": rows,
        # Every revision of the article's document with what each changed (empty if none).
        "revisions": document_revisions(ledger, art.id),
    }


# What one bad stored item can raise while its claim is assessed: catalogue errors, and
# the errors of reading malformed values. Anything else is a bug and propagates.
ITEM_ERRORS: tuple[type[Exception], ...] = (
    ClaimledgerError,
    ValueError,
    TypeError,
    KeyError,
    LookupError,
    ArithmeticError,
)


def assessments(
    claims: Sequence[Claim], *, ledger: Ledger, config: Config, as_of: datetime | None = None
) -> list[tuple[Claim, Any, list[Any]]]:
    """(claim, current assessment, evidence) of each claim.

    One bad item never fails the whole: a broken link is left out of its claim's
    evidence, and a claim that cannot be assessed keeps its stored status with no
    evidence. Either way the claim carries the ``problem``, which is stored on it
    (and cleared once the claim reads cleanly again).

    With ``as_of`` (``pipeline/asof.py``), each claim is assessed at that moment and
    its evidence is the items dated up to it; a claim that cannot be assessed takes
    the status its history held then.
    """
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.verdict_queries import (
        claim_evidence,
        claim_headlines,
        ledger_now,
        policy_of,
    )

    policy = policy_of(config)
    actors = ledger_actors(ledger, config)
    now = as_of if as_of is not None else ledger_now(ledger)
    ids = [c.id for c in claims]
    broken = ledger.link_problems(ids) if ids else {}
    try:
        evidence = claim_evidence(ledger, ids, config=config)
    except ITEM_ERRORS:
        # Some claim's evidence cannot be joined: read claim by claim, to find which.
        evidence = {}
        for cid in ids:
            try:
                evidence.update(claim_evidence(ledger, [cid], config=config))
            except ITEM_ERRORS as exc:
                broken.setdefault(cid, []).append(f"evidence not read: {item_problem(exc)}")
                evidence[cid] = []
    if as_of is not None:
        from claimledger.pipeline.asof import evidence_at

        evidence = {cid: evidence_at(items, as_of) for cid, items in evidence.items()}
    headlines = claim_headlines(ledger, claims)
    from claimledger.review.apply import Review

    review = Review.load(ledger)
    out = []
    problems: dict[str, str | None] = {}
    for c in claims:
        notes = list(broken.get(c.id, []))
        try:
            found = _assess(c, evidence[c.id], actors, policy, now, headlines.get(c.id, ""), review)
            items = evidence[c.id]
        except ITEM_ERRORS as exc:
            notes.append(f"not assessed: {item_problem(exc)}")
            found = _stored_assessment(
                c, ledger=ledger, policy=policy, now=now, as_of=as_of is not None
            )
            items = []
        problem = "; ".join(notes) or None
        if problem != c.problem:
            problems[c.id] = problem
        out.append((replace(c, problem=problem), found, items))
    note_problems(ledger, problems)
    return out


def _assess(
    claim: Claim,
    evidence: list[Any],
    actors: Any,
    policy: Any,
    now: datetime,
    headline: str,
    review: Any = None,
) -> Any:
    from claimledger.verify.engine import assess
    from claimledger.verify.parties import claim_parties

    parties = claim_parties(claim, resolver=actors, affiliations=actors, headline=headline)
    if review is not None:  # analysts' parties, and the status shown (review/apply.py)
        parties = review.parties(claim.id, parties)
        return review.assessment(
            assess(claim, evidence, policy=policy, affiliations=actors, as_of=now, parties=parties)
        )
    return assess(claim, evidence, policy=policy, affiliations=actors, as_of=now, parties=parties)


def _stored_assessment(
    claim: Claim, *, ledger: Ledger, policy: Any, now: datetime, as_of: bool = False
) -> Any:
    """The claim's status as last stored, with no evidence, for a claim that cannot be assessed
    (``as_of``: the status its history held at ``now``)."""
    from claimledger.verify.engine import Assessment

    status, reasons = ledger.claim_status(claim.id)
    if as_of:
        from claimledger.pipeline.asof import history_at

        held = history_at(ledger.history(claim.id), now)
        status, reasons = (held[-1].new, list(held[-1].reasons)) if held else ("unverified", [])
    return Assessment(
        claim_id=claim.id,
        status=status if status in STATUSES else "unverified",
        reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
        evidence_ids=(),
        decisions=(),
        support=0,
        refutation=0,
        flagged=False,
        as_of=now,
        policy_version=policy.version,
    )


def item_problem(exc: BaseException) -> str:
    """One line saying what went wrong with an item (catalogue errors as they read)."""
    text = " ".join(str(exc).split())
    return (
        text[:300] if isinstance(exc, ClaimledgerError) else f"{type(exc).__name__}: {text[:300]}"
    )


def note_problems(ledger: Ledger, problems: dict[str, str | None]) -> None:
    """Store what changed; a store that cannot be written (read-only copy) still serves the view."""
    try:
        ledger.set_claim_problems(problems)
    except StoreError as exc:
        log.warning("claim problems not stored: %s", exc)


def claim_views(
    ledger: Ledger,
    *,
    config: Config,
    status: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    ids: Sequence[str] | None = None,
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """The JSON view of each matching claim: id, text, claimant, status, reasons, evidence.

    With ``as_of``: the ledger as it stood then (``pipeline/asof.py``): claims first seen
    after it are left out and ``status`` filters on the status held at that moment.
    """
    from claimledger.verify.views import claim_json

    if as_of is not None:
        return _views_as_of(
            ledger,
            config=config,
            status=status,
            actor=actor,
            since=since,
            until=min(until, as_of) if until is not None else as_of,
            text=text,
            limit=limit,
            offset=offset,
            ids=ids,
            as_of=as_of,
        )
    claims = ledger.claims(
        status=status,
        actor=actor,
        since=since,
        until=until,
        text=text,
        limit=limit,
        offset=offset,
        ids=ids,
    )
    return [claim_json(c, a, ev) for c, a, ev in assessments(claims, ledger=ledger, config=config)]


def _views_as_of(
    ledger: Ledger,
    *,
    config: Config,
    status: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime,
    text: str | None,
    limit: int | None,
    offset: int,
    ids: Sequence[str] | None,
    as_of: datetime,
) -> list[dict[str, Any]]:
    """``claim_views`` at ``as_of``: the stored status is today's, so a status filter is
    applied after assessing, and the page is cut after it."""
    from claimledger.verify.views import claim_json

    claims = ledger.claims(
        actor=actor,
        since=since,
        until=until,
        text=text,
        ids=ids,
        limit=None if status else limit,
        offset=0 if status else offset,
    )
    views = [
        claim_json(c, a, ev)
        for c, a, ev in assessments(claims, ledger=ledger, config=config, as_of=as_of)
    ]
    if not status:
        return views
    views = [v for v in views if v["status"] == status]
    return views[offset : offset + limit if limit is not None else None]


def claim_as_of(ledger: Ledger, claim_id: str, as_of: datetime | None) -> Claim:
    """The claim, which must have been in the ledger at ``as_of`` (when given).

    Raises:
        NotFound: E501 for an unknown claim, or one first seen after ``as_of``.
    """
    from claimledger.pipeline.asof import seen_by

    claim = ledger.get_claim(claim_id)
    if as_of is not None and not seen_by(claim.first_seen, as_of):
        raise NotFound(Code.E501, f"claim {claim.id} as of {as_of.isoformat()} (first seen later)")
    return claim


def explain_claim(
    ledger: Ledger, claim_id: str, *, config: Config, as_of: datetime | None = None
) -> str:
    """The text of ``claimledger explain`` (``as_of``: as the ledger stood then).

    Raises:
        NotFound: E501 for an unknown claim, or one first seen after ``as_of``.
    """
    from claimledger.pipeline.asof import history_at
    from claimledger.verify.views import explain_text

    claim = claim_as_of(ledger, claim_id, as_of)
    [(c, a, ev)] = assessments([claim], ledger=ledger, config=config, as_of=as_of)
    history = ledger.history(c.id)
    text = explain_text(c, a, ev, history_at(history, as_of) if as_of is not None else history)
    from claimledger.review.views import review_lines

    return text + review_lines(ledger, c.id)


def extract_files(files: Sequence[Path], *, actors_file: str = "") -> Iterator[dict[str, Any]]:
    """The attributions of each file (``claimledger extract``), or ``{"error": ...}`` per bad file."""
    from claimledger.extract.attribution import attribution_records, extract_texts
    from claimledger.pipeline.actor_tables import actor_table

    names: list[str] = []
    texts: list[str] = []
    for path in files:
        try:
            raw = path.read_bytes()
            # Plain UTF-8 (no BOM stripping): offsets must count exactly as brat's do.
            texts.append(raw.decode("utf-8"))
            names.append(path.stem)
        except UnicodeDecodeError:
            yield {"error": str(IngestError(Code.E102, str(path)))}
        except OSError as exc:
            yield {"error": str(IngestError(Code.E101, str(path), reason=exc.strerror or str(exc)))}
        except ClaimledgerError as exc:
            yield {"error": str(exc)}
    actors = actor_table(actors_file)
    for name, text, attrs in zip(names, texts, extract_texts(texts, actors=actors), strict=True):
        yield attribution_records(name, text, attrs)
