"""One broken stored item never breaks a view (issue 15).

A small ledger is written, then single rows are damaged the way a hand edit, an
old version or another tool could leave them: an article without a date, a link
whose statement is in another article, a link with an unknown stance, an actor
with an unreadable affiliation date, a claim whose resolution date the engine
cannot step past, and (SQLite, which keeps any value in any column) a link
whose confidence is text. Every view must still serve every
claim; the damaged claims carry their problem, stored on the claim and shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rel_helpers import run_cli
from sqlalchemy import select, text, update

from api.api_factories import Built, build_small, make_config  # type: ignore[import-not-found]
from claimledger.store.ledger import Ledger
from claimledger.store.models import ArticleRow, ClaimRow, LinkRow, StatementRow
from tests_stores import Stores  # type: ignore[import-not-found]


@dataclass
class Broken:
    url: str
    built: Built
    mismatched: str  # claim whose link points at another article's statement
    bad_stance: str  # claim with a link of an unknown stance
    not_a_number: str | None  # the same claim, with a link whose confidence is text (SQLite)
    undated: str  # article stored without a date
    unassessable: str  # the same claim, which the engine cannot assess (its resolution date)


def _claim_of_link(s: Any, link_id: str) -> str:
    return str(s.scalar(select(LinkRow.claim_id).where(LinkRow.id == link_id)))


@pytest.fixture(scope="module")
def broken(stores: Stores) -> Broken:
    url = stores.new()
    built = build_small(url, make_config())
    ledger = Ledger.open(url)
    try:
        with ledger.session() as s:
            links = list(s.scalars(select(LinkRow).order_by(LinkRow.id)))
            by_claim: dict[str, list[LinkRow]] = {}
            for lk in links:
                by_claim.setdefault(lk.claim_id, []).append(lk)
            claims = sorted(by_claim, key=lambda c: (-len(by_claim[c]), c))
            assert len(claims) >= 3, "the small ledger has too few claims with links"
            first, second = claims[:2]
            # 1. A link to a statement of another article (E402 in the evidence join).
            victim = by_claim[first][-1]
            other = s.scalar(
                select(StatementRow.id).where(StatementRow.article_id != victim.article_id).limit(1)
            )
            s.execute(update(LinkRow).where(LinkRow.id == victim.id).values(statement_id=other))
            # 2. A link with a stance no model gives.
            s.execute(
                update(LinkRow).where(LinkRow.id == by_claim[second][0].id).values(stance="bogus")
            )
            # 3. An article without a date.
            undated = built.articles["cardon"]
            s.execute(update(ArticleRow).where(ArticleRow.id == undated).values(published=None))
            # 4. An affiliation date nobody can read.
            s.execute(
                text(
                    "UPDATE actors SET affiliations = :aff WHERE id = (SELECT min(id) FROM actors)"
                ),
                {"aff": json.dumps([{"parent": "x", "role": "member", "start": "someday"}])},
            )
            # 5. A resolution date the engine cannot step past (the day after it overflows).
            s.execute(
                update(ClaimRow)
                .where(ClaimRow.id == second)
                .values(resolution_date=date(9999, 12, 31))
            )
            not_a_number = None
            if ledger.dialect == "sqlite":
                # 6. Text where a number belongs (the engine compares it with thresholds).
                s.execute(
                    text("UPDATE links SET confidence = 'high' WHERE claim_id = :c"),
                    {"c": second},
                )
                not_a_number = second
    finally:
        ledger.close()
    return Broken(url, built, first, second, not_a_number, undated, second)


def _stored_problem(url: str, claim_id: str) -> str | None:
    ledger = Ledger.open(url)
    try:
        with ledger.session() as s:
            return s.scalar(select(ClaimRow.problem).where(ClaimRow.id == claim_id))
    finally:
        ledger.close()


def test_cli_views_serve_every_claim_and_show_the_problems(broken: Broken) -> None:
    got = run_cli(broken.url, "claims", "--format", "json")
    assert got.returncode == 0, got.stderr
    views = {v["id"]: v for v in json.loads(got.stdout)}
    assert set(broken.built.claims.values()) <= set(views)
    assert "is not in article" in views[broken.mismatched]["problem"]
    assert "unknown stance 'bogus'" in views[broken.bad_stance]["problem"]
    # The rest of a damaged claim is still served.
    assert views[broken.mismatched]["evidence"]
    if broken.not_a_number:
        assert "confidence 'high' is not a number" in views[broken.not_a_number]["problem"]
    # A claim the engine cannot assess keeps its stored status, with no evidence.
    stuck = views[broken.unassessable]
    assert "not assessed: OverflowError" in stuck["problem"]
    assert stuck["status"] in ("unverified", "corroborated", "contested", "refuted", "retracted")
    clean = [v for cid, v in views.items() if cid not in (broken.mismatched, broken.bad_stance)]
    assert any(v["evidence"] for v in clean)
    assert all(v["problem"] is None for v in clean)
    # Stored on the claim, not only printed.
    assert "is not in article" in (_stored_problem(broken.url, broken.mismatched) or "")

    table = run_cli(broken.url, "claims")
    assert table.returncode == 0, table.stderr
    explained = run_cli(broken.url, "explain", broken.mismatched)
    assert explained.returncode == 0, explained.stderr
    assert "Problem: link" in explained.stdout
    for fmt in ("claimreview", "csv", "jsonl"):
        exported = run_cli(broken.url, "export", "--format", fmt)
        assert exported.returncode == 0, exported.stderr
    articles = run_cli(broken.url, "articles", "--format", "json")
    assert articles.returncode == 0, articles.stderr
    [undated] = [a for a in json.loads(articles.stdout) if a["id"] == broken.undated]
    assert undated["published"] and undated["date_estimated"] is True
    recomputed = run_cli(broken.url, "recompute")
    assert recomputed.returncode == 0, recomputed.stderr
    assert "not recomputed" in (_stored_problem(broken.url, broken.unassessable) or "")


@pytest.fixture(scope="module")
def api(broken: Broken) -> Iterator[TestClient]:
    from claimledger.api.app import create_app

    app = create_app(db_url=broken.url, config=make_config(), dev=True, token=None)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_api_and_dashboard_serve_every_claim(api: TestClient, broken: Broken) -> None:
    listed = api.get("/api/claims", params={"limit": 50})
    assert listed.status_code == 200, listed.text
    items = {v["id"]: v for v in listed.json()["items"]}
    assert set(broken.built.claims.values()) <= set(items)
    assert "is not in article" in items[broken.mismatched]["problem"]
    one = api.get(f"/api/claims/{broken.mismatched}")
    assert one.status_code == 200, one.text
    html = {"accept": "text/html"}
    assert api.get("/", headers=html).status_code == 200
    page = api.get(f"/claims/{broken.mismatched}", headers=html)
    assert page.status_code == 200
    assert "is not in article" in page.text
    article = api.get(f"/articles/{broken.undated}", headers=html)
    assert article.status_code == 200
    assert "date estimated" in article.text
    assert api.get(f"/api/articles/{broken.undated}").json()["article"]["date_estimated"] is True
