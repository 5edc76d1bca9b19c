"""Read-side views of the ledger shared by the CLI, the API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from claimledger.config import Config
from claimledger.errors import ClaimledgerError, Code, IngestError
from claimledger.records import Article, Claim
from claimledger.store.ledger import Ledger


def article_json(article: Article) -> dict[str, Any]:
    """The JSON form of an article (``claimledger articles --format json``)."""
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
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
    return {"article": {**article_json(art), "origin_id": art.origin_id}, "statements": rows}


def assessments(
    claims: Sequence[Claim], *, ledger: Ledger, config: Config
) -> list[tuple[Claim, Any, list[Any]]]:
    """(claim, current assessment, evidence) of each claim."""
    from claimledger.pipeline.process import (
        claim_evidence,
        claim_headlines,
        ledger_actors,
        ledger_now,
        policy_of,
    )
    from claimledger.verify.engine import assess
    from claimledger.verify.parties import claim_parties

    policy = policy_of(config)
    actors = ledger_actors(ledger, config)
    now = ledger_now(ledger)
    evidence = claim_evidence(ledger, [c.id for c in claims])
    headlines = claim_headlines(ledger, claims)
    out = []
    for c in claims:
        parties = claim_parties(
            c, resolver=actors, affiliations=actors, headline=headlines.get(c.id, "")
        )
        found = assess(
            c, evidence[c.id], policy=policy, affiliations=actors, as_of=now, parties=parties
        )
        out.append((c, found, evidence[c.id]))
    return out


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
) -> list[dict[str, Any]]:
    """The JSON view of each matching claim: id, text, claimant, status, reasons, evidence."""
    from claimledger.verify.views import claim_json

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


def explain_claim(ledger: Ledger, claim_id: str, *, config: Config) -> str:
    """The text of ``claimledger explain``."""
    from claimledger.verify.views import explain_text

    claim = ledger.get_claim(claim_id)
    [(c, a, ev)] = assessments([claim], ledger=ledger, config=config)
    return explain_text(c, a, ev, ledger.history(c.id))


def extract_files(files: Sequence[Path], *, actors_file: str = "") -> Iterator[dict[str, Any]]:
    """The attributions of each file (``claimledger extract``), or ``{"error": ...}`` per bad file."""
    from claimledger.extract.attribution import attribution_records, extract_texts
    from claimledger.pipeline.process import actor_table

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
