"""Every JSON route on the small ledger: shapes, filters, pagination, exports, feed."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest
from api_factories import HOSTILE_CLAIM, Built
from fastapi.testclient import TestClient


def items(resp: Any) -> list[dict[str, Any]]:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {"items", "limit", "offset", "total", "next"}
    return list(body["items"])


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Follow ``next`` links to the end of a list."""
    out: list[dict[str, Any]] = []
    seen = set()
    while url:
        assert url not in seen, "pagination loops"
        seen.add(url)
        body = client.get(url).json()
        out.extend(body["items"])
        url = body["next"]
    return out


def test_health_counts_the_ledger(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["counts"]["articles"] == 6
    assert body["counts"]["claims"] == 3


def test_claims_list_pages_through_every_claim_once(client: TestClient, small: Built) -> None:
    first = client.get("/api/claims").json()
    assert first["limit"] == 2 and first["offset"] == 0 and first["total"] == 3
    assert len(first["items"]) == 2 and first["next"]
    every = walk(client, "/api/claims?limit=1")
    assert sorted(c["id"] for c in every) == sorted(small.claims.values())
    last = client.get("/api/claims?limit=2&offset=2").json()
    assert len(last["items"]) == 1 and last["next"] is None


def test_claim_views_have_the_documented_shape(client: TestClient, small: Built) -> None:
    [view] = items(client.get("/api/claims", params={"q": "pulling back"}))
    assert set(view) == {
        "id",
        "text",
        "claimant",
        "first_seen",
        "status",
        "reasons",
        "evidence",
        "reports",
        "problem",
    }
    assert view["id"] == small.claims["withdrawal"]
    assert view["claimant"] == {
        "name": "Varnian Defence Ministry",
        "actor": "varnia/defence-ministry",
    }
    assert view["status"] == "refuted"
    assert {e["stance"] for e in view["evidence"]} == {"supports", "refutes"}
    assert set(view["evidence"][0]) == {
        "statement",
        "outlet",
        "origin",
        "actor",
        "stance",
        "independent",
        "date",
        "date_estimated",
        "role",
    }


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"status": "refuted"}, {"withdrawal"}),
        ({"status": "corroborated"}, set()),
        ({"actor": "varnia/defence-ministry"}, {"withdrawal"}),
        ({"actor": "local officials"}, {"bridge"}),
        ({"outlet": "Orbisight Imaging"}, {"withdrawal", "bridge"}),
        ({"outlet": "the cardon observer"}, {"bridge"}),
        ({"q": "pontoon"}, {"bridge"}),
        ({"since": "2025-03-05"}, {"bridge", "hostile"}),
        ({"until": "2025-03-03T00:00:00Z"}, {"withdrawal"}),
        ({"since": "2025-03-05", "until": "2025-03-07T23:00:00+00:00"}, {"bridge"}),
        ({"tracked": "true"}, {"withdrawal"}),
    ],
)
def test_claim_filters(
    client: TestClient, small: Built, params: dict[str, str], keys: set[str]
) -> None:
    got = {
        c["id"]
        for c in walk(
            client, client.build_request("GET", "/api/claims", params=params).url.raw_path.decode()
        )
    }
    assert got == {small.claims[k] for k in keys}
    # A filtered list has no cheap total but still pages.
    assert client.get("/api/claims", params=params).json()["total"] is None


@pytest.mark.parametrize(
    "hostile",
    [
        "' OR 1=1 --",
        "%' OR '1'='1",
        "x'; DROP TABLE claims; --",
        '" UNION SELECT id, text FROM claims --',
        "\\x00",
        "1) OR (1=1",
    ],
)
@pytest.mark.parametrize("field", ["q", "actor", "outlet"])
def test_sql_fragments_in_filters_match_nothing_and_change_nothing(
    client: TestClient, field: str, hostile: str
) -> None:
    before = client.get("/api/health").json()["counts"]
    resp = client.get("/api/claims", params={field: hostile})
    assert items(resp) == []
    assert client.get("/api/health").json()["counts"] == before
    assert "sqlite" not in resp.text.lower() and "select" not in resp.text.lower()


def test_claim_detail_history_and_explain(client: TestClient, small: Built) -> None:
    cid = small.claims["withdrawal"]
    body = client.get(f"/api/claims/{cid}").json()
    assert body["id"] == cid and body["status"] == "refuted"
    assert body["history"][-1]["new"] == "refuted"
    assert body["history"][-1]["reasons"] == body["reasons"]
    assert cid in body["explain"]
    hist = items(client.get(f"/api/claims/{cid}/history"))
    assert [h["new"] for h in hist] == [h["new"] for h in body["history"]][:2]
    ev = walk(client, f"/api/claims/{cid}/evidence?limit=2")
    assert ev == body["evidence"]
    assert [e["date"] for e in ev] == sorted(e["date"] for e in ev)


def test_articles_and_statements(client: TestClient, small: Built) -> None:
    arts = walk(client, "/api/articles?limit=4")
    assert len(arts) == 6
    assert {
        a["outlet"] for a in items(client.get("/api/articles", params={"outlet": "meridian press"}))
    } == {"Meridian Press"}
    assert len(items(client.get("/api/articles", params={"since": "2025-03-07"}))) == 2
    detail = client.get(f"/api/articles/{small.articles['jbmm']}").json()
    assert detail["article"]["id"] == small.articles["jbmm"]
    assert [s["content"] for s in detail["statements"]] == [
        "no Varnian unit had left its positions near Kasto",
        "vehicles remained at the Drovny field camp",
    ]
    stmts = walk(client, "/api/statements?limit=3")
    assert len(stmts) == 7
    only = items(
        client.get("/api/statements", params={"article": small.articles["jbmm"], "limit": 50})
    )
    assert {s["article_id"] for s in only} == {small.articles["jbmm"]} and len(only) == 2
    one = client.get(f"/api/statements/{small.statements['jbmm1']}").json()
    assert one["content_text"] == "vehicles remained at the Drovny field camp"
    assert one["content"] == list(one["content"])  # spans as JSON lists


def test_actors_and_outlets(client: TestClient) -> None:
    page = client.get("/api/actors", params={"limit": 50}).json()
    assert page["total"] and page["total"] >= 20 and page["next"]
    actor = client.get("/api/actors/varnia/defence-ministry").json()
    assert actor["actor"]["name"] == "Varnian Defence Ministry"
    assert [c["status"] for c in actor["claims"]["items"]] == ["refuted"]
    outlets = walk(client, "/api/outlets?limit=2")
    assert {"Meridian Press", "Orbisight Imaging"} <= {o["name"] for o in outlets}
    assert len(outlets) == 6


def test_unknown_actor_is_404(client: TestClient) -> None:
    resp = client.get("/api/actors/nobody/at-all")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "E501"


# -- exports -------------------------------------------------------------------------------------

# Google's Fact Check Tools (ClaimReview markup for fact-check articles) requires
# claimReviewed, reviewRating, url and author; reviewRating needs alternateName
# or ratingValue with bestRating and worstRating; itemReviewed is the Claim.
REQUIRED_TOP = {
    "@context",
    "@type",
    "claimReviewed",
    "reviewRating",
    "url",
    "author",
    "itemReviewed",
    "datePublished",
}


def test_claimreview_export_validates(client: TestClient, small: Built) -> None:
    resp = client.get("/api/export/claimreview")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/ld+json")
    reviews = resp.json()
    # Only settled claims are reviewed: the refuted withdrawal claim is; unverified ones are not.
    assert [r["url"].rsplit("/", 1)[1] for r in reviews] == [small.claims["withdrawal"]]
    for r in reviews:
        assert REQUIRED_TOP <= set(r)
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert isinstance(r["claimReviewed"], str) and r["claimReviewed"]
        assert r["url"].startswith("http://testserver/claims/")
        assert r["author"]["@type"] in {"Organization", "Person"} and r["author"]["name"]
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating.get("alternateName") or {"ratingValue", "bestRating", "worstRating"} <= set(
            rating
        )
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        item = r["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["name"] and item["author"]["@type"] in {"Organization", "Person"}
        assert item["firstAppearance"]["url"].startswith("http://testserver/articles/")
        assert item["appearance"]
    assert reviews[0]["reviewRating"]["alternateName"] == "refuted"


@pytest.mark.parametrize(
    ("fmt", "ctype"),
    [
        ("provenance", "application/x-ndjson"),
        ("jsonl", "application/x-ndjson"),
        ("csv", "text/csv"),
    ],
)
def test_other_exports(client: TestClient, small: Built, fmt: str, ctype: str) -> None:
    import csv
    import io
    import json

    resp = client.get(f"/api/export/{fmt}")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith(ctype)
    assert "attachment" in resp.headers["content-disposition"]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(resp.text)))
        assert {r["id"] for r in rows} == set(small.claims.values())
        assert any(r["text"] == HOSTILE_CLAIM for r in rows)
    else:
        lines = [json.loads(line) for line in resp.text.splitlines()]
        assert len(lines) == 3
        if fmt == "provenance":
            assert {"claim", "status", "reports", "history", "policy_version"} <= set(lines[0])


def test_unknown_export_format_is_422(client: TestClient) -> None:
    resp = client.get("/api/export/xml")
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "E402"


# -- alerts feed -----------------------------------------------------------------------------------


def test_alerts_feed_lists_status_changes_of_tracked_claims(
    client: TestClient, small: Built
) -> None:
    resp = client.get("/alerts.atom")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith(
        "application/atom+xml"
    )
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(resp.content)
    entries = root.findall("a:entry", ns)
    assert entries, "the tracked withdrawal claim changed status"
    links = {e.find("a:link", ns).get("href") for e in entries}  # type: ignore[union-attr]
    # Only the tracked claim: the others are neither tracked nor watched.
    assert links == {f"http://testserver/claims/{small.claims['withdrawal']}"}
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    assert any("refuted" in (t or "") for t in titles)


def test_watching_a_claim_adds_it_to_the_feed(
    writer: TestClient, fresh: Built, auth: dict[str, str]
) -> None:
    cid = fresh.claims["hostile"]
    before = writer.get("/alerts.atom").text
    assert cid not in before
    assert writer.put(f"/api/watchlist/ana/{cid}", headers=auth).status_code == 200
    after = writer.get("/alerts.atom")
    assert cid in after.text
    # Hostile claim text stays escaped in the XML.
    assert "<script>" not in after.text
    ET.fromstring(after.content)


# -- watchlist -------------------------------------------------------------------------------------


def test_watchlist_flow(writer: TestClient, fresh: Built, auth: dict[str, str]) -> None:
    cid = fresh.claims["withdrawal"]
    assert items(writer.get("/api/watchlist/ana")) == []
    got = writer.put(f"/api/watchlist/ana/{cid}", headers=auth)
    assert got.json() == {"user": "ana", "claim": cid, "watching": True}
    [row] = items(writer.get("/api/watchlist/ana"))
    assert row["claim"]["id"] == cid and row["last_seen"] is None
    assert [c["new"] for c in row["changes"]][-1] == "refuted"
    assert writer.post("/api/watchlist/ana/seen", headers=auth).status_code == 204
    [row] = items(writer.get("/api/watchlist/ana"))
    assert row["last_seen"] is not None and row["changes"] == []
    assert items(writer.get("/api/watchlist/bob")) == []
    assert writer.delete(f"/api/watchlist/ana/{cid}", headers=auth).json()["watching"] is False
    assert items(writer.get("/api/watchlist/ana")) == []


def test_watching_an_unknown_claim_is_404(writer: TestClient, auth: dict[str, str]) -> None:
    resp = writer.put("/api/watchlist/ana/cdeadbeef", headers=auth)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "E501"


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/claims", "/nope", "/static/style.css", "/alerts.atom"):
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp
            and "default-src 'none'" in csp
        )
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"


def test_openapi_lists_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/statements",
        "/api/statements/{statement_id}",
        "/api/claims",
        "/api/claims/{claim_id}",
        "/api/claims/{claim_id}/evidence",
        "/api/claims/{claim_id}/history",
        "/api/actors",
        "/api/actors/{actor_id}",
        "/api/outlets",
        "/api/ingest",
        "/api/track",
        "/api/export/{fmt}",
        "/api/watchlist/{user}",
        "/api/watchlist/{user}/{claim_id}",
        "/api/watchlist/{user}/seen",
    ):
        assert p in paths, p
    # Write endpoints declare the bearer scheme.
    assert spec["paths"]["/api/ingest"]["post"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in spec["paths"]["/api/claims"]["get"]
