"""Linking a revision of an article: only what the edit added, and what it took back.

Two steps inside the article's linking transaction (``process.link_analysed``):

* :func:`revision_view`, before linking: a revision's statements that say what
  the previous revision said (``ingest.revisions.diff``) are stored but not
  linked again (their claims already hold them, dated when they first
  appeared), nor are the sentences of the notes it added; what is left is
  linked like any article's statements.
* :func:`apply_revision`, after linking: the links of statements the edit
  removed are marked ``removed_in`` / ``removed_at`` (evidence only until the
  revision appeared); every note the revision added is recorded, and one that
  withdraws what the article said becomes the outlet's own refuting evidence
  on the claim it corrects; the diff is stored on the revision; the claims
  touched are marked for recomputation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from claimledger.config import Config
from claimledger.ingest.revisions import Note, diff, in_notes, notes, statement_key
from claimledger.records import Link, Statement, hash_id
from claimledger.store.ledger import Ledger
from claimledger.store.models import ArticleRow, ClaimRow, LinkRow, RevisionRow, StatementRow

# A withdrawing note is linked to a claim of its article whose text it is at least this
# close to (MiniLM cosine); a claim whose statement the same edit removed needs no bar.
CORRECTION_SIMILARITY = 0.4
# How sure a withdrawal read off a correction note is: the outlet's own word about its
# own text, above the policy's default ``min_confidence``.
CORRECTION_CONFIDENCE = 0.85


def _records(rows: Sequence[StatementRow]) -> list[Statement]:
    return [
        Statement(
            id=r.id,
            article_id=r.article_id,
            content=(r.content_start, r.content_end),
            content_text=r.content_text,
            kind=r.kind,  # type: ignore[arg-type]
            speaker=r.speaker,
            actor_id=r.actor_id,
            attributed=r.attributed,
        )
        for r in rows
    ]


def _statements(session: Session, article_ids: Sequence[str]) -> list[Statement]:
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.article_id.in_(list(article_ids)))
        .order_by(StatementRow.article_id, StatementRow.content_start, StatementRow.id)
    ).all()
    return _records(rows)


def _prose(session: Session, article_id: str, *, rules_off: Sequence[str]) -> list[Statement]:
    """The article's stored statements outside its notes.

    A note and the sentences inside it are no prose of the article: the note is
    evidence of its own (``apply_revision``), and a later revision that keeps or drops it
    neither repeats nor removes a statement.
    """
    row = session.get(ArticleRow, article_id)
    found = notes(row.text if row is not None else "", rules_off=rules_off)
    return [st for st in _statements(session, [article_id]) if not in_notes(st.content, found)]


def _chain(session: Session, rev: RevisionRow) -> list[str]:
    """Article ids of the revisions before ``rev``, first revision first."""
    earlier = session.scalars(
        select(RevisionRow.article_id)
        .where(RevisionRow.document_id == rev.document_id, RevisionRow.seq < rev.seq)
        .order_by(RevisionRow.seq)
    ).all()
    return [rev.document_id, *earlier]


def revision_view(an: Any, *, ledger: Ledger, session: Session, config: Config) -> Any:
    """The part of an analysed revision to link (the whole article when it is no revision).

    Statements unchanged since the previous revision and the sentences of its notes
    are stored here, in the caller's transaction, and left out of what is returned.
    """
    rev = session.get(RevisionRow, an.article.id)
    if rev is None:
        return an
    off = config.claims.rules_off
    previous = _prose(session, rev.previous_id, rules_off=off)
    found = notes(an.article.text, rules_off=off)
    d = diff(previous, [st for st in an.statements if not in_notes(st.content, found)])
    unchanged = {new for _, new in d.unchanged}
    held = [st for st in an.statements if st.id in unchanged or in_notes(st.content, found)]
    if not held:
        return an
    ledger.put_statements(session, held)
    gone = {st.id for st in held}
    keep = {st.id for st in an.statements} - gone
    return dataclasses.replace(
        an,
        statements=[st for st in an.statements if st.id in keep],
        vectors={k: v for k, v in an.vectors.items() if k in keep},
        entities={k: v for k, v in an.entities.items() if k in keep},
        resolution={k: v for k, v in an.resolution.items() if k in keep},
        propositions={k: v for k, v in an.propositions.items() if k in keep},
        not_claim={k: v for k, v in an.not_claim.items() if k in keep},
        judgements=[j for j in an.judgements if j.outer_id in keep and j.embedded_id in keep],
        embedded={i for i in an.embedded if i in keep},
        headline={i for i in an.headline if i in keep},
    )


def apply_revision(an: Any, *, ledger: Ledger, session: Session, config: Config) -> int:
    """Mark what the revision removed, link its withdrawing notes, store its diff.

    Returns the number of correction links added. Nothing happens for an article
    that is no revision.
    """
    art = an.article
    rev = session.get(RevisionRow, art.id)
    if rev is None:
        return 0
    off = config.claims.rules_off
    previous = _prose(session, rev.previous_id, rules_off=off)
    d = diff(previous, _prose(session, art.id, rules_off=off))
    touched: set[str] = set()
    removed_claims: set[str] = set()
    if d.removed:
        keys = {statement_key(st) for st in previous if st.id in set(d.removed)}
        chain = _chain(session, rev)
        carriers = sorted(
            st.id
            for aid in chain
            for st in _prose(session, aid, rules_off=off)
            if statement_key(st) in keys
        )
        rows = session.execute(
            select(LinkRow.id, LinkRow.claim_id, LinkRow.role).where(
                LinkRow.statement_id.in_(carriers), LinkRow.removed_in.is_(None)
            )
        ).all()
        for _, claim_id, role in rows:
            touched.add(claim_id)
            if role in ("assertion", "report"):
                removed_claims.add(claim_id)
        if rows:
            session.execute(
                update(LinkRow)
                .where(LinkRow.id.in_([r[0] for r in rows]))
                .values(removed_in=art.id, removed_at=rev.published)
            )
    prev_row = session.get(ArticleRow, rev.previous_id)
    before = {_flat(n.text) for n in notes(prev_row.text if prev_row else "")}
    added = [
        n for n in notes(art.text, rules_off=config.claims.rules_off) if _flat(n.text) not in before
    ]
    records: list[dict[str, str | bool]] = []
    links = 0
    for note in added:
        record: dict[str, str | bool] = {
            "rule": note.rule,
            "text": note.text,
            "withdraws": ",".join(note.withdraws),
            "statement": "",
            "claims": "",
        }
        if note.withdrawal:
            claims = _corrected_claims(note, session=session, rev=rev, removed=removed_claims)
            if claims:
                stmt = _note_statement(art.id, note)
                ledger.put_statements(session, [stmt])
                for claim_id, cos in claims:
                    link = Link(
                        id=hash_id(claim_id, stmt.id, prefix="l"),
                        claim_id=claim_id,
                        article_id=art.id,
                        stance="refutes",
                        confidence=CORRECTION_CONFIDENCE,
                        similarity=round(cos, 6),
                        statement_id=stmt.id,
                        role="evidence",
                    )
                    if ledger.put_link(session, link):
                        links += 1
                    touched.add(claim_id)
                record["statement"] = stmt.id
                record["claims"] = ",".join(c for c, _ in claims)
        records.append(record)
    session.execute(
        update(RevisionRow)
        .where(RevisionRow.article_id == art.id)
        .values(
            diff={
                "new": list(d.new),
                "unchanged": [new for _, new in d.unchanged],
                "removed": list(d.removed),
            },
            notes=records,
        )
    )
    if touched:
        session.execute(update(ClaimRow).where(ClaimRow.id.in_(sorted(touched))).values(dirty=True))
    return links


def _flat(text: str) -> str:
    return " ".join(text.casefold().split())


def _note_statement(article_id: str, note: Note) -> Statement:
    """The note as the outlet's own statement (unattributed: the outlet is its author)."""
    start, end = note.span
    return Statement(
        id=hash_id(article_id, start, end, "note", prefix="s"),
        article_id=article_id,
        content=(start, end),
        content_text=note.text,
        kind="direct",
        attributed=False,
    )


def _corrected_claims(
    note: Note, *, session: Session, rev: RevisionRow, removed: set[str]
) -> list[tuple[str, float]]:
    """The claims a withdrawing note corrects, with the note's similarity to each.

    Claims whose statement this edit removed come first: those the note is close to,
    or else the closest one. Without such a claim, the closest claim the document's
    earlier revisions assert or report, when at least ``CORRECTION_SIMILARITY``.
    """
    from claimledger.link.embeddings import get_embedder

    chain = _chain(session, rev)
    candidates = set(removed)
    if not candidates:
        candidates = set(
            session.scalars(
                select(LinkRow.claim_id).where(
                    LinkRow.article_id.in_(chain),
                    LinkRow.role.in_(("assertion", "report")),
                    LinkRow.removed_in.is_(None),
                )
            ).all()
        )
    if not candidates:
        return []
    rows = session.execute(
        select(ClaimRow.id, ClaimRow.vector).where(ClaimRow.id.in_(sorted(candidates)))
    ).all()
    with_vectors = [(cid, raw) for cid, raw in rows if raw]
    if not with_vectors:
        return [(cid, 0.0) for cid in sorted(removed)]
    vec = np.asarray(get_embedder().encode([note.text])[0], dtype=np.float32)
    scored = sorted(
        ((float(np.frombuffer(raw, dtype=np.float32) @ vec), cid) for cid, raw in with_vectors),
        reverse=True,
    )
    if removed:
        close = [(cid, cos) for cos, cid in scored if cos >= CORRECTION_SIMILARITY]
        return close or [(scored[0][1], scored[0][0])]
    best_cos, best = scored[0]
    return [(best, best_cos)] if best_cos >= CORRECTION_SIMILARITY else []


def document_revisions(ledger: Ledger, article_id: str) -> list[dict[str, Any]]:
    """Every revision of the article's document, first first, with what each changed.

    Empty for an article that has never been revised. Each item: ``seq``,
    ``article_id``, ``published``, ``current`` (the article asked about),
    ``analysed`` (its diff is known), ``new`` and ``removed`` (the statements,
    as ``{"id", "speaker", "content"}``), ``unchanged`` (how many) and ``notes``
    (``{"rule", "text", "withdraws", "statement", "claims"}``).
    """
    with ledger.session() as s:
        own = s.get(RevisionRow, article_id)
        document = own.document_id if own is not None else article_id
        revs = s.scalars(
            select(RevisionRow).where(RevisionRow.document_id == document).order_by(RevisionRow.seq)
        ).all()
        if not revs:
            return []
        first = s.get(ArticleRow, document)
        ids = [r.article_id for r in revs]
        wanted = {
            i
            for r in revs
            for i in (r.diff or {}).get("new", []) + (r.diff or {}).get("removed", [])
        }
        texts = {
            st.id: {
                "id": st.id,
                "speaker": st.speaker if st.attributed else None,
                "content": st.content_text,
            }
            for st in _records(
                s.scalars(select(StatementRow).where(StatementRow.id.in_(sorted(wanted)))).all()
            )
        }
        processed = dict(
            s.execute(
                select(ArticleRow.id, ArticleRow.processed).where(ArticleRow.id.in_(ids))
            ).all()
        )
        out: list[dict[str, Any]] = [
            {
                "seq": 1,
                "article_id": document,
                "published": first.published.isoformat() if first and first.published else None,
                "current": document == article_id,
                "analysed": True,
                "new": [],
                "removed": [],
                "unchanged": 0,
                "notes": [],
            }
        ]
        for r in revs:
            d = r.diff or {}
            out.append(
                {
                    "seq": r.seq,
                    "article_id": r.article_id,
                    "published": r.published.isoformat(),
                    "current": r.article_id == article_id,
                    "analysed": r.diff is not None and bool(processed.get(r.article_id)),
                    "new": [texts[i] for i in d.get("new", []) if i in texts],
                    "removed": [texts[i] for i in d.get("removed", []) if i in texts],
                    "unchanged": len(d.get("unchanged", [])),
                    "notes": list(r.notes or []),
                }
            )
        return out
