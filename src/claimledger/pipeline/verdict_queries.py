"""Verdict queries: the ledger's present, the verdict policy, a claim's evidence and
headline, and the recomputation of claims' status histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.pipeline.actor_tables import ledger_actors
from claimledger.records import Claim
from claimledger.store.ledger import Ledger


def ledger_now(ledger: Ledger) -> datetime:
    """The ledger's present: the wall clock, or the newest article if that is later.

    Archives and fixtures can be dated ahead of the machine's clock; a
    prediction is judged against what the ledger has seen.
    """
    newest = ledger.newest_published()
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


def claim_evidence(
    ledger: Ledger, claim_ids: Sequence[str], *, config: Config | None = None
) -> dict[str, list[Any]]:
    """Evidence of the given claims with the analysts' review laid over the machine's
    (review/overlay.py); ``config`` gives the suggestion policy (docs/review.md)."""
    from claimledger.review.apply import reviewed_evidence

    return reviewed_evidence(ledger, claim_ids, config=config, machine=machine_evidence)


def machine_evidence(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[Any]]:
    """Evidence records of the given claims, joined from links, statements, articles, outlets."""
    from claimledger.pipeline.manual_evidence import manual_evidence_records
    from claimledger.verify.evidence import evidence_from_records

    out: dict[str, list[Any]] = {cid: [] for cid in claim_ids}
    # Evidence kept by hand (fact-checks, analysts' sources): pipeline/manual_evidence.py.
    for cid, items in manual_evidence_records(ledger, claim_ids).items():
        out[cid].extend(items)
    links = ledger.links(claim_ids=claim_ids)
    if not links:
        return out
    arts = {a.id: a for a in ledger.articles(ids=sorted({lk.article_id for lk in links}))}
    stmts = {
        s.id: s
        for s in ledger.statements(ids=sorted({lk.statement_id for lk in links if lk.statement_id}))
    }
    origin_ids = sorted({a.origin_id for a in arts.values() if a.origin_id})
    with ledger.session() as s:
        outlets = ledger.outlets_by_name(s)
        origin_outlet = ledger.origin_outlets(s, origin_ids)
    for lk in links:
        art = arts[lk.article_id]
        ev = evidence_from_records(
            lk,
            article=art,
            statement=stmts.get(lk.statement_id or ""),
            outlet=outlets.get(art.outlet or ""),
            origin_outlet=outlets.get(origin_outlet.get(art.origin_id or "", "")),
        )
        out[lk.claim_id].append(ev)
    return out


def claim_headlines(ledger: Ledger, claims: Sequence[Claim]) -> dict[str, str]:
    """Claim id -> title of the article the claim was first seen in (claims with one)."""
    firsts = {c.id: c.first_statement_id for c in claims if c.first_statement_id}
    if not firsts:
        return {}
    article_of = {
        st.id: st.article_id for st in ledger.statements(ids=sorted(set(firsts.values())))
    }
    titles = {a.id: a.title or "" for a in ledger.articles(ids=sorted(set(article_of.values())))}
    return {cid: titles.get(article_of.get(sid, ""), "") for cid, sid in firsts.items()}


def recompute(
    claim_ids: Sequence[str], *, ledger: Ledger, config: Config, now: datetime | None = None
) -> list[Any]:
    """Replay the status history of the given claims; returns status events that are new."""
    from claimledger.pipeline.views import ITEM_ERRORS, item_problem, note_problems
    from claimledger.verify.engine import replay
    from claimledger.verify.parties import claim_parties

    policy = policy_of(config)
    actors = ledger_actors(ledger, config)
    now = now or ledger_now(ledger)
    fresh: list[Any] = []
    from claimledger.review.apply import Review, machine_links

    review = Review.load(ledger)
    claim_ids = review.widen(claim_ids)  # a merged or moved claim's evidence counts elsewhere
    # In parts: the evidence and headline queries name every claim id of a part in one
    # IN-list, and a recompute of every claim of a large ledger must not build one of
    # millions (nor hold all its evidence at once).
    for at in range(0, len(claim_ids), RECOMPUTE_PART):
        part = claim_ids[at : at + RECOMPUTE_PART]
        evidence = claim_evidence(ledger, part, config=config)
        claims = [ledger.get_claim(cid) for cid in part]
        headlines = claim_headlines(ledger, claims)
        for cid, claim in zip(part, claims, strict=True):
            try:
                parties = claim_parties(
                    claim, resolver=actors, affiliations=actors, headline=headlines.get(cid, "")
                )
                events = replay(
                    claim,
                    evidence[cid],
                    policy=policy,
                    affiliations=actors,
                    now=now,
                    parties=review.parties(cid, parties),
                )
                events = review.history(cid, events)
            except ITEM_ERRORS as exc:  # one bad claim: noted on it, kept dirty, the rest goes on
                note_problems(ledger, {cid: f"not recomputed: {item_problem(exc)}"})
                continue
            with ledger.session() as session:
                ledger.lock_linking(session)  # concurrent writers may recompute the same claim
                # Whether links came in meanwhile is asked of the claim's own machine links.
                evidence[cid] = machine_links(evidence, cid)
                linked = [ev.link_id for ev in evidence[cid] if ev.kind == "link"]
                if not ledger.evidence_current(session, cid, linked):
                    continue  # linked to meanwhile: stays dirty, the linking writer recomputes it
                fresh.extend(ledger.replace_history(session, cid, events))
                ledger.clear_dirty(session, cid)
    return fresh


# Claims recomputed per part (see ``recompute``).
RECOMPUTE_PART = 500


def recompute_dirty(*, ledger: Ledger, config: Config) -> list[Any]:
    """Recompute claims flagged dirty (and those with no history yet)."""
    ids = ledger.dirty_claim_ids()
    fresh = recompute(ids, ledger=ledger, config=config) if ids else []
    if fresh:
        from claimledger.pipeline.alerts import publish

        publish(fresh, ledger=ledger, config=config)
    return fresh


def recompute_all(*, ledger: Ledger, config: Config) -> int:
    """Recompute every claim; returns how many."""
    ids = ledger.all_claim_ids()
    recompute(ids, ledger=ledger, config=config)
    return len(ids)
