"""Analysis of stored articles: extraction -> check-worthiness -> embedding ->
linking -> stance -> verdicts.

The stages split in two:

* ``analyse_articles`` is per-article and embarrassingly parallel (it runs in
  Ray workers in batch mode): attribution extraction, speaker/actor
  resolution, time expressions, check-worthiness and embeddings;
* ``link_analysed`` is sequential over articles in (published, id) order,
  because whether a statement opens a claim depends on the claims before it.
  Running it in that order is what makes a batch run on several workers give
  the same claims as a single process.

Each article's statements, new claims and links are written in one
transaction together with the article's ``processed`` flag; claims touched are
flagged ``dirty`` in the same transaction and recomputed afterwards, so a run
killed anywhere resumes into the same ledger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select, update

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.records import Actor, Article, Attribution, Claim, Link, Statement, hash_id
from claimledger.store.ledger import Ledger
from claimledger.store.models import ArticleRow, ClaimRow, OriginRow, OutletRow

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
DIM = 384
# Unattributed sentences shorter than this many words are not considered.
_MIN_WORDS = 6
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
_ATTR_HINT = re.compile(r"\b(said|says|told|according to|stated|claimed|announced|added)\b", re.I)


@dataclass(slots=True)
class Analysed:
    """One article after the per-article stages."""

    article: Article
    statements: list[Statement]
    vectors: dict[str, bytes] = field(default_factory=dict)  # statement id -> float32[384]
    entities: dict[str, list[str]] = field(default_factory=dict)
    resolution: dict[str, date] = field(default_factory=dict)  # predictions' dates
    # Actors the statements refer to that the table created while reading
    # (unknown speakers, offices derived from titles). They travel with the
    # article so that a worker process's creations reach the store.
    actors: list[Actor] = field(default_factory=list)


@dataclass(slots=True)
class ProcessReport:
    articles: int = 0
    statements: int = 0
    claims: int = 0
    links: int = 0


# -- actors --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def actor_table(actors_file: str = "") -> Any:
    """The built-in actor table extended by the user's file (cached per process)."""
    from claimledger.extract.actors import ActorTable

    return ActorTable.load(Path(actors_file) if actors_file else None)


def ledger_actors(ledger: Ledger, config: Config) -> Any:
    """The actor table plus the actors created at run time and stored in this ledger.

    Speakers unknown to the table become actors during extraction, with the
    affiliations their titles reveal; verification in another process must see
    the same affiliations, so they are read back from the store.
    """
    table = actor_table(config.extract.actors_file)
    for actor in ledger.actors():
        if table.get(actor.id) is None:
            table.add(actor)
    return table


def load_actors(*, ledger: Ledger, config: Config) -> int:
    """Write the actor table into the store; returns the number of actors."""
    table = actor_table(config.extract.actors_file)
    actors = list(table.actors())
    ledger.upsert_actors(actors)
    return len(actors)


# -- per-article stages ------------------------------------------------------------------------


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    for m in _SENT.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def statements_of(
    article: Article, attrs: Sequence[Attribution], *, actors: Any
) -> list[Statement]:
    """Turn an article's attributions (plus its own factual sentences) into statements."""
    from claimledger.extract.timex import resolve_times

    text = article.text
    out: list[Statement] = []
    covered: list[tuple[int, int]] = []
    for a in attrs:
        s, e = a.content
        content = text[s:e]
        actor_id = a.actor_id
        if actor_id is None and a.speaker:
            actor_id = actors.resolve_or_create(a.speaker, context=text[max(0, s - 200) : e]).id
        times = resolve_times(content, published=article.published)
        out.append(
            Statement(
                id=hash_id(article.id, s, e, prefix="s"),
                article_id=article.id,
                content=(s, e),
                content_text=content,
                kind=a.kind,
                source=a.source,
                source_text=text[a.source[0] : a.source[1]] if a.source else None,
                cue=a.cue,
                cue_text=text[a.cue[0] : a.cue[1]] if a.cue else None,
                speaker=a.speaker,
                actor_id=actor_id,
                attributed=True,
                time_phrase=times[0].phrase if times else None,
                time_resolved=times[0].resolved if times else None,
            )
        )
        covered.extend(x for x in (a.content, a.source, a.cue) if x)
    outlet_actor = actors.outlet_actor(article.outlet) if article.outlet else None
    for s, e in _sentences(text):
        sentence = text[s:e]
        if (
            _overlaps((s, e), covered)
            or len(sentence.split()) < _MIN_WORDS
            or _ATTR_HINT.search(sentence)
        ):
            continue
        times = resolve_times(sentence, published=article.published)
        out.append(
            Statement(
                id=hash_id(article.id, s, e, prefix="s"),
                article_id=article.id,
                content=(s, e),
                content_text=sentence,
                kind="indirect",
                speaker=None,
                actor_id=outlet_actor.id if outlet_actor else None,
                attributed=False,
                time_phrase=times[0].phrase if times else None,
                time_resolved=times[0].resolved if times else None,
            )
        )
    out.sort(key=lambda st: (st.content[0], st.id))
    return out


def extract_statements(articles: Sequence[Article], *, config: Config) -> list[list[Statement]]:
    """Attribution extraction and actor resolution for a batch of articles."""
    from claimledger.extract.attribution import extract_texts

    actors = actor_table(config.extract.actors_file)
    texts = [a.text for a in articles]
    found = extract_texts(texts, batch_size=config.extract.batch_size, actors=actors)
    return [
        statements_of(art, attrs, actors=actors) for art, attrs in zip(articles, found, strict=True)
    ]


def analyse_articles(articles: Sequence[Article], *, config: Config) -> list[Analysed]:
    """The per-article stages: extraction, check-worthiness, embedding, entities, dates."""
    from claimledger.extract.checkworthy import score_checkworthy
    from claimledger.extract.timex import is_future
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import linking_entities

    batches = extract_statements(articles, config=config)
    flat = [st for sts in batches for st in sts]
    scores = score_checkworthy([st.content_text for st in flat]) if flat else np.zeros(0)
    score_of = {st.id: float(sc) for st, sc in zip(flat, scores, strict=True)}
    threshold = config.checkworthy.threshold
    # Embed what can take part in linking: every attribution (it may report on
    # a claim even when not check-worthy itself), and the outlet's own
    # sentences only when check-worthy. Embedding costs ~4x the parse.
    to_embed = [st for st in flat if st.attributed or score_of[st.id] >= threshold]
    vecs = (
        get_embedder().encode([st.content_text for st in to_embed])
        if to_embed
        else np.zeros((0, DIM), np.float32)
    )
    vec_of = {
        st.id: np.asarray(v, dtype=np.float32).tobytes()
        for st, v in zip(to_embed, vecs, strict=True)
    }
    table = actor_table(config.extract.actors_file)
    created = {a.id for a in table.created()}
    out = []
    for art, sts in zip(articles, batches, strict=True):
        scored = [replace(st, checkworthiness=round(score_of[st.id], 6)) for st in sts]
        refs = sorted({st.actor_id for st in scored if st.actor_id and st.actor_id in created})
        an = Analysed(article=art, statements=scored, actors=[table.get(i) for i in refs])
        for st in scored:
            if st.id in vec_of:
                an.vectors[st.id] = vec_of[st.id]
                an.entities[st.id] = sorted(linking_entities(st.content_text))
                when = is_future(st.content_text, art.published) if art.published else None
                if when is not None:
                    an.resolution[st.id] = when
        out.append(an)
    return out


# -- sequential linking -----------------------------------------------------------------------


def index_path(ledger: Ledger) -> Path | None:
    """Where the claim index of a SQLite ledger lives; None for server databases.

    A server database is shared by many processes, so each process rebuilds
    its index from the stored vectors (the store is the source of truth).
    """
    url = ledger.url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///") :] + ".claims.usearch")
    return None


def open_index(ledger: Ledger) -> Any:
    """Open the persisted claim index, rebuilding it if it does not match the store."""
    from claimledger.link.index import VectorIndex

    index = VectorIndex.open(index_path(ledger), DIM)
    keys, raws, _ = ledger.claim_vectors()
    if not index.matches(np.asarray(keys, dtype=np.int64)):
        vecs = (
            np.frombuffer(b"".join(raws), dtype=np.float32).reshape(-1, DIM)
            if raws
            else np.zeros((0, DIM), np.float32)
        )
        index.rebuild(np.asarray(keys, dtype=np.int64), vecs)
    return index


class StoreCandidates:
    """Claim candidates looked up by index key from the store, cached."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._cache: dict[int, Any] = {}

    def put(self, key: int, candidate: Any) -> None:
        self._cache[key] = candidate

    def get(self, key: int, /) -> Any:
        from claimledger.link.linker import ClaimCandidate

        if key not in self._cache:
            found = self.ledger.claims_by_key([key]).get(key)
            if found is None:
                return None
            claim, ents = found
            self._cache[key] = ClaimCandidate.from_claim(claim, entities=frozenset(ents))
        return self._cache[key]


def _vec(raw: bytes) -> NDArray[np.float32]:
    return np.frombuffer(raw, dtype=np.float32)


def link_analysed(
    analysed: Sequence[Analysed],
    *,
    ledger: Ledger,
    config: Config,
    index: Any | None = None,
    progress: Progress | None = None,
) -> ProcessReport:
    """Store statements, link them to claims (opening claims as needed), classify stances.

    Articles are taken in (published, id) order. Each article is one transaction.
    """
    from claimledger.link.linker import ClaimCandidate, canonical_text, link_statement
    from claimledger.stance.predict import predict_stance

    report = ProcessReport()
    index = index if index is not None else open_index(ledger)
    lookup = StoreCandidates(ledger)
    threshold = config.checkworthy.threshold
    ordered = sorted(
        analysed,
        key=lambda a: (a.article.published or datetime.min.replace(tzinfo=UTC), a.article.id),
    )
    table = actor_table(config.extract.actors_file)
    for an in ordered:
        art = an.article
        if an.actors:
            # Before the article's transaction: idempotent, and the statements need them.
            ledger.upsert_actors(an.actors)
            for actor in an.actors:
                if table.get(actor.id) is None:
                    table.add(actor)
        pending: list[
            tuple[Statement, str, float, str]
        ] = []  # stmt, claim id, similarity, claim text
        new_keys: list[tuple[int, bytes]] = []
        with ledger.session() as session:
            row = session.get(ArticleRow, art.id)
            if row is None or row.processed:
                continue
            report.statements += ledger.put_statements(session, an.statements)
            for st in an.statements:
                raw = an.vectors.get(st.id)
                if raw is None:
                    continue
                ents = frozenset(an.entities.get(st.id, ()))
                when = st.time_resolved or (art.published.date() if art.published else None)
                decision = link_statement(
                    st.content_text,
                    _vec(raw),
                    actor_id=st.actor_id,
                    entities=ents,
                    date=when,
                    index=index,
                    candidates=lookup,
                    k=config.link.k,
                    threshold=config.link.threshold,
                )
                if decision.claim_id is not None:
                    cand = lookup.get(decision.key) if decision.key is not None else None
                    pending.append(
                        (st, decision.claim_id, decision.similarity, cand.text if cand else "")
                    )
                    continue
                if (st.checkworthiness or 0.0) < threshold:
                    continue
                claim = Claim(
                    id=hash_id(st.id, prefix="c"),
                    text=canonical_text(st.content_text),
                    first_seen=art.published,
                    claimant_name=st.speaker or (art.outlet if not st.attributed else None),
                    claimant_actor_id=st.actor_id,
                    resolution_date=an.resolution.get(st.id),
                    first_statement_id=st.id,
                )
                key = ledger.put_claim(session, claim, vector=raw, entities=sorted(ents))
                new_keys.append((key, raw))
                index.add(np.asarray([key], dtype=np.int64), _vec(raw).reshape(1, -1))
                lookup.put(key, ClaimCandidate.from_claim(claim, entities=ents))
                report.claims += 1
                link = Link(
                    id=hash_id(claim.id, st.id, prefix="l"),
                    claim_id=claim.id,
                    article_id=art.id,
                    stance="supports",
                    confidence=1.0,
                    similarity=1.0,
                    statement_id=st.id,
                    role="assertion",
                )
                report.links += int(ledger.put_link(session, link))
            if pending:
                stances = predict_stance([(text, st.content_text) for st, _, _, text in pending])
                for (st, claim_id, sim, _), (stance, conf) in zip(pending, stances, strict=True):
                    link = Link(
                        id=hash_id(claim_id, st.id, prefix="l"),
                        claim_id=claim_id,
                        article_id=art.id,
                        stance=stance,
                        confidence=float(conf),
                        similarity=float(sim),
                        statement_id=st.id,
                        role="report",
                    )
                    report.links += int(ledger.put_link(session, link))
                    session.execute(
                        update(ClaimRow).where(ClaimRow.id == claim_id).values(dirty=True)
                    )
                    if st.id in an.resolution:
                        ledger.set_resolution_date(session, claim_id, an.resolution[st.id])
            ledger.mark_processed(session, art.id)
        report.articles += 1
        if progress:
            progress("linked", report.articles)
    index.save()
    return report


# -- verdicts ------------------------------------------------------------------------------------


def ledger_now(ledger: Ledger) -> datetime:
    """The ledger's present: the wall clock, or the newest article if that is later.

    Archives and fixtures can be dated ahead of the machine's clock; a
    prediction is judged against what the ledger has seen.
    """
    with ledger.session() as s:
        newest = s.scalar(
            select(ArticleRow.published).order_by(ArticleRow.published.desc()).limit(1)
        )
    now = datetime.now(UTC)
    return max(now, newest) if newest is not None else now


def policy_of(config: Config) -> Any:
    from claimledger.verify.policy import load_policy

    try:
        return load_policy(config.policy.model_dump())
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(Code.E401, "policy", reason=str(exc).splitlines()[0]) from exc


def claim_evidence(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[Any]]:
    """Evidence records of the given claims, joined from links, statements, articles, outlets."""
    from claimledger.records import Outlet
    from claimledger.verify.evidence import evidence_from_records

    out: dict[str, list[Any]] = {cid: [] for cid in claim_ids}
    links = [lk for cid in claim_ids for lk in ledger.links(claim_id=cid)]
    if not links:
        return out
    arts = {a.id: a for a in ledger.articles(ids=sorted({lk.article_id for lk in links}))}
    stmts = {
        s.id: s
        for s in ledger.statements(ids=sorted({lk.statement_id for lk in links if lk.statement_id}))
    }
    with ledger.session() as s:
        outlets = {
            r.name: Outlet(id=r.id, name=r.name, actor_id=r.actor_id)
            for r in s.scalars(select(OutletRow))
        }
        first_of_origin = dict(s.execute(select(OriginRow.id, OriginRow.first_article_id)).all())
        first_outlet = dict(
            s.execute(
                select(ArticleRow.id, OutletRow.name).join(
                    OutletRow, OutletRow.id == ArticleRow.outlet_id
                )
            ).all()
        )
    for lk in links:
        art = arts[lk.article_id]
        origin_first = first_of_origin.get(art.origin_id or "")
        ev = evidence_from_records(
            lk,
            article=art,
            statement=stmts.get(lk.statement_id or ""),
            outlet=outlets.get(art.outlet or ""),
            origin_outlet=outlets.get(first_outlet.get(origin_first or "", "")),
        )
        out[lk.claim_id].append(ev)
    return out


def recompute(
    claim_ids: Sequence[str], *, ledger: Ledger, config: Config, now: datetime | None = None
) -> list[Any]:
    """Replay the status history of the given claims; returns status events that are new."""
    from claimledger.verify.engine import replay
    from claimledger.verify.parties import claim_parties

    policy = policy_of(config)
    actors = ledger_actors(ledger, config)
    now = now or ledger_now(ledger)
    fresh: list[Any] = []
    evidence = claim_evidence(ledger, claim_ids)
    for cid in claim_ids:
        claim = ledger.get_claim(cid)
        parties = claim_parties(claim, resolver=actors, affiliations=actors)
        events = replay(
            claim, evidence[cid], policy=policy, affiliations=actors, now=now, parties=parties
        )
        with ledger.session() as session:
            fresh.extend(ledger.replace_history(session, cid, events))
            session.execute(update(ClaimRow).where(ClaimRow.id == cid).values(dirty=False))
    return fresh


def recompute_dirty(*, ledger: Ledger, config: Config) -> list[Any]:
    """Recompute claims flagged dirty (and those with no history yet)."""
    with ledger.session() as s:
        ids = list(
            s.scalars(select(ClaimRow.id).where(ClaimRow.dirty.is_(True)).order_by(ClaimRow.id))
        )
    fresh = recompute(ids, ledger=ledger, config=config) if ids else []
    if fresh:
        from claimledger.pipeline.alerts import publish

        publish(fresh, ledger=ledger, config=config)
    return fresh


def recompute_all(*, ledger: Ledger, config: Config) -> int:
    """Recompute every claim; returns how many."""
    ids = ledger.claim_ids_with_links()
    recompute(ids, ledger=ledger, config=config)
    return len(ids)


# -- orchestration -----------------------------------------------------------------------------


def process_pending(
    *, ledger: Ledger, config: Config, batch: int = 32, progress: Progress | None = None
) -> ProcessReport:
    """Analyse every stored article not processed yet, in (published, id) order."""
    total = ProcessReport()
    ledger.upsert_actors(actor_table(config.extract.actors_file).actors())
    index = open_index(ledger)
    while True:
        todo = ledger.articles(unprocessed=True, limit=batch)
        if not todo:
            break
        part = link_analysed(
            analyse_articles(todo, config=config),
            ledger=ledger,
            config=config,
            index=index,
            progress=progress,
        )
        total.articles += part.articles
        total.statements += part.statements
        total.claims += part.claims
        total.links += part.links
        recompute_dirty(ledger=ledger, config=config)
    recompute_dirty(ledger=ledger, config=config)
    return total


def track_claim(
    text: str, *, claimant: str | None, when: datetime | None, ledger: Ledger, config: Config
) -> Claim:
    """Register a claim by hand; later reports link to it like any other claim."""
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import canonical_text, linking_entities

    if not text.strip():
        raise ConfigError(Code.E402, "track", reason="empty claim text")
    actors = actor_table(config.extract.actors_file)
    actor: Actor | None = actors.resolve_or_create(claimant) if claimant else None
    when = when or datetime.now(UTC)
    claim = Claim(
        id=hash_id("tracked", text.strip(), claimant or "", prefix="c"),
        text=canonical_text(text),
        first_seen=when,
        claimant_name=claimant,
        claimant_actor_id=actor.id if actor else None,
        tracked=True,
    )
    vec = get_embedder().encode([claim.text])[0].astype(np.float32)
    index = open_index(ledger)
    with ledger.session() as session:
        if session.get(ClaimRow, claim.id) is None:
            key = ledger.put_claim(
                session, claim, vector=vec.tobytes(), entities=sorted(linking_entities(claim.text))
            )
            index.add(np.asarray([key], dtype=np.int64), vec.reshape(1, -1))
    index.save()
    if actor is not None:
        ledger.upsert_actors([actor])
    recompute([claim.id], ledger=ledger, config=config)
    return claim
