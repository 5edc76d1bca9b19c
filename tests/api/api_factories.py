"""A small ledger written through the lead's ``Ledger`` without the NLP models.

Articles, statements, claims and links are stored as the pipeline would store
them, then the real verdict engine (``pipeline.verdict_queries.recompute``) replays
each claim's history. One article carries hostile content (script tags, event
handlers, ``javascript:`` URLs, CSS injection, a 5000-character token) in its
title, text, outlet, speaker and in a claim's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimledger.config import Config, load_config
from claimledger.records import Article, Claim, Link, Origin, Statement, hash_id
from claimledger.store.ledger import Ledger

# The write token of the API tests' server. Here, not in conftest.py: a test that imports
# ``conftest`` gets whichever conftest module pytest imported first under that name.
TOKEN = "correct-horse-battery-staple-0123456789"

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"

LONG_TOKEN = "W" * 5000
HOSTILE_TITLE = '<script>window.__pwned="title"; document.title="PWNED"</script><img src=x onerror="window.__pwned=\'img\'">'
HOSTILE_OUTLET = '<b onmouseover="window.__pwned=1">Evil Outlet</b>'
HOSTILE_SPEAKER = "<svg onload=\"window.__pwned='svg'\">Mallory</svg>"
HOSTILE_URL = "javascript:window.__pwned='href'"
HOSTILE_CLAIM = 'The bridge <script>window.__pwned="claim"</script> was "<a href=\'javascript:alert(1)\'>destroyed</a>".'
HOSTILE_TEXT = (
    "</style><style>body{display:none !important}</style> Breaking: "
    f'{HOSTILE_SPEAKER} said <iframe src="javascript:window.__pwned=1"></iframe> that '
    "the bridge <script>window.__pwned='body'</script> was destroyed on Monday. "
    f'Click <a href="{HOSTILE_URL}">here</a> or <img src=x onerror=alert(1)>. '
    f"{LONG_TOKEN} Residents said the road stayed open all week.\n\n"
    "\"}); background:url(javascript:alert(1)); x{ --y: expression(alert(1)) } ' OR 1=1 --"
)


def make_config(**api: Any) -> Config:
    """The packaged configuration with the sample actor table (and api overrides)."""
    overrides: dict[str, Any] = {"extract": {"actors_file": str(SAMPLE / "actors.yaml")}}
    if api:
        overrides["api"] = api
    return load_config(environ={}, user_file=Path("/nonexistent"), overrides=overrides)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


@dataclass
class Built:
    """Ids of what :func:`build_small` wrote."""

    url: str
    articles: dict[str, str] = field(default_factory=dict)
    statements: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _statement(
    article: Article,
    content: str,
    *,
    source: str | None,
    cue: str | None,
    speaker: str | None,
    actor: str | None,
) -> Statement:
    c = _span(article.text, content)
    s = _span(article.text, source) if source else None
    q = _span(article.text, cue) if cue else None
    return Statement(
        id=hash_id(article.id, c[0], c[1], prefix="s"),
        article_id=article.id,
        content=c,
        content_text=content,
        kind="indirect",
        source=s,
        source_text=source,
        cue=q,
        cue_text=cue,
        speaker=speaker,
        actor_id=actor,
        attributed=speaker is not None,
    )


def build_small(target: Path | str, config: Config) -> Built:
    """Write the small ledger into a store (a SQLite file path or a store URL); returns its ids."""
    from claimledger.pipeline.actor_tables import actor_table
    from claimledger.pipeline.verdict_queries import recompute

    url = target if isinstance(target, str) else f"sqlite:///{target}"
    ledger = Ledger.open(url)
    built = Built(url=url)
    ledger.upsert_actors(actor_table(config.extract.actors_file).actors())

    rows: list[dict[str, Any]] = [
        {
            "key": "vna",
            "outlet": "Varnian News Agency",
            "published": at(2),
            "title": "Defence Ministry: units return to their bases",
            "text": "The Varnian Defence Ministry said that units are pulling back from the border with Ostrela. "
            "Columns were seen on the roads near Drovny, the ministry added.",
            "stmts": [
                (
                    "units are pulling back from the border with Ostrela",
                    "The Varnian Defence Ministry",
                    "said",
                    "Varnian Defence Ministry",
                    "varnia/defence-ministry",
                ),
            ],
        },
        {
            "key": "meridian",
            "outlet": "Meridian Press",
            "published": at(2, 12),
            "title": "Varnia says troops pulling back",
            "text": "Varnia's Defence Ministry said on Sunday its troops were pulling back from the Ostrelan border. "
            "Ostrela's foreign minister Tomas Brenner said he would believe it when he saw it.",
            "stmts": [
                (
                    "its troops were pulling back from the Ostrelan border",
                    "Varnia's Defence Ministry",
                    "said",
                    "Varnian Defence Ministry",
                    "varnia/defence-ministry",
                ),
            ],
        },
        {
            "key": "jbmm",
            "outlet": "Joint Border Monitoring Mission",
            "published": at(4),
            "title": "Daily report: no withdrawal observed",
            "text": "Monitors reported that no Varnian unit had left its positions near Kasto. "
            "The Mission said vehicles remained at the Drovny field camp.",
            "stmts": [
                (
                    "no Varnian unit had left its positions near Kasto",
                    "Monitors",
                    "reported",
                    "Joint Border Monitoring Mission",
                    "jbmm",
                ),
                (
                    "vehicles remained at the Drovny field camp",
                    "The Mission",
                    "said",
                    "Joint Border Monitoring Mission",
                    "jbmm",
                ),
            ],
        },
        {
            "key": "orbisight",
            "outlet": "Orbisight Imaging",
            "published": at(4, 15),
            "title": "Imagery shows build-up continuing at Drovny",
            "text": "Orbisight's head of analysis Kiran Dahl said the imagery showed the build-up at Drovny continuing, "
            "with more tents than a week earlier.",
            "stmts": [
                (
                    "the imagery showed the build-up at Drovny continuing",
                    "Orbisight's head of analysis Kiran Dahl",
                    "said",
                    "Kiran Dahl",
                    None,
                ),
            ],
        },
        {
            "key": "cardon",
            "outlet": "The Cardon Observer",
            "published": at(7),
            "title": "Pontoon bridge spans the Rell",
            "text": "Our reporter saw a pontoon bridge across the Rell River near Kasto on Friday morning. "
            "Local officials said the bridge had been built overnight by army engineers.",
            "stmts": [
                (
                    "the bridge had been built overnight by army engineers",
                    "Local officials",
                    "said",
                    "Local officials",
                    None,
                ),
            ],
        },
        {
            "key": "hostile",
            "outlet": HOSTILE_OUTLET,
            "published": at(8),
            "title": HOSTILE_TITLE,
            "text": HOSTILE_TEXT,
            "url": HOSTILE_URL,
            "stmts": [
                (
                    "the bridge <script>window.__pwned='body'</script> was destroyed on Monday",
                    HOSTILE_SPEAKER,
                    "said",
                    HOSTILE_SPEAKER,
                    None,
                ),
            ],
        },
    ]
    arts: dict[str, Article] = {}
    stmts: dict[str, Statement] = {}
    with ledger.session() as session:
        for row in rows:
            art_url = row.get("url") or f"https://{row['key']}.example/{row['published']:%Y%m%d}"
            art = Article(
                id=hash_id(art_url, row["title"], prefix="a"),
                text=row["text"],
                title=row["title"],
                url=art_url,
                outlet=row["outlet"],
                published=row["published"],
                byline=None,
                source=None,
            )
            origin = Origin(id=hash_id(art.id, prefix="g"), first_article_id=art.id)
            ledger.add_article(
                session, art, canonical_url=art_url, minhash=None, buckets=[], origin=origin
            )
            arts[row["key"]] = art
            built.articles[row["key"]] = art.id
            made = [
                _statement(art, content, source=source, cue=cue, speaker=speaker, actor=actor)
                for content, source, cue, speaker, actor in row["stmts"]
            ]
            ledger.put_statements(session, made)
            for i, st in enumerate(made):
                stmts[f"{row['key']}{i}"] = st
                built.statements[f"{row['key']}{i}"] = st.id
            ledger.mark_processed(session, art.id)

        def claim(
            key: str, text: str, first: str, name: str, actor: str | None, tracked: bool = False
        ) -> Claim:
            st = stmts[first]
            c = Claim(
                id=hash_id(st.id, prefix="c"),
                text=text,
                first_seen=arts[first.rstrip("0123456789")].published,
                claimant_name=name,
                claimant_actor_id=actor,
                tracked=tracked,
                first_statement_id=st.id,
            )
            ledger.put_claim(session, c, vector=None, entities=[])
            built.claims[key] = c.id
            return c

        withdrawal = claim(
            "withdrawal",
            "Varnian troops are pulling back from the border with Ostrela.",
            "vna0",
            "Varnian Defence Ministry",
            "varnia/defence-ministry",
            tracked=True,
        )
        bridge = claim(
            "bridge",
            "Army engineers built a pontoon bridge across the Rell overnight.",
            "cardon0",
            "Local officials",
            None,
        )
        hostile = claim("hostile", HOSTILE_CLAIM, "hostile0", HOSTILE_SPEAKER, None)

        def link(c: Claim, key: str, stance: str, role: str = "report", conf: float = 0.9) -> None:
            st = stmts[key]
            ledger.put_link(
                session,
                Link(
                    id=hash_id(c.id, st.id, prefix="l"),
                    claim_id=c.id,
                    article_id=st.article_id,
                    stance=stance,  # type: ignore[arg-type]
                    confidence=conf,
                    similarity=0.8 if role == "report" else 1.0,
                    statement_id=st.id,
                    role=role,  # type: ignore[arg-type]
                ),
            )

        link(withdrawal, "vna0", "supports", "assertion", 1.0)
        link(withdrawal, "meridian0", "supports")
        link(withdrawal, "jbmm0", "refutes")
        link(withdrawal, "jbmm1", "refutes")
        link(withdrawal, "orbisight0", "refutes")
        link(bridge, "cardon0", "supports", "assertion", 1.0)
        link(bridge, "orbisight0", "discusses", conf=0.6)
        link(hostile, "hostile0", "supports", "assertion", 1.0)
        link(bridge, "hostile0", "questions", conf=0.7)
    recompute(sorted(built.claims.values()), ledger=ledger, config=config)
    ledger.close()
    return built
