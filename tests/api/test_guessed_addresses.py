"""Dashboard addresses a newcomer guesses (``/claims``, ``/claim/ID`` ...) lead to the real pages."""

from __future__ import annotations

import pytest
from api_factories import Built
from fastapi.testclient import TestClient

HTML = {"Accept": "text/html"}


@pytest.mark.parametrize("guess", ["/claims", "/claims/", "/claim", "/ledger", "/dashboard"])
def test_ledger_guesses_reach_the_ledger_page(client: TestClient, small: Built, guess: str) -> None:
    moved = client.get(guess, headers=HTML, follow_redirects=False)
    assert moved.status_code in (307, 308) and moved.headers["location"].endswith(("/", "/claims"))
    page = client.get(guess, headers=HTML)
    assert page.status_code == 200 and str(page.url).endswith("/")
    assert page.headers["content-type"].startswith("text/html")
    # The ledger page lists the claims (a page of them).
    assert any(f"/claims/{cid}" in page.text for cid in small.claims.values())


def test_the_query_string_is_kept(client: TestClient, small: Built) -> None:
    moved = client.get("/claims?status=refuted", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/?status=refuted"
    page = client.get("/claims", params={"status": "refuted"}, headers=HTML)
    assert page.status_code == 200 and f"/claims/{small.claims['withdrawal']}" in page.text
    assert f"/claims/{small.claims['bridge']}" not in page.text


def test_singular_item_addresses_reach_the_item_pages(client: TestClient, small: Built) -> None:
    cid, aid = small.claims["withdrawal"], small.articles["vna"]
    for guess, real in [
        (f"/claim/{cid}", f"/claims/{cid}"),
        (f"/article/{aid}", f"/articles/{aid}"),
        ("/actor/varnia/defence-ministry", "/actors/varnia/defence-ministry"),
        ("/actor", "/actors"),
    ]:
        moved = client.get(guess, follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == real, guess
        page = client.get(guess, headers=HTML)
        assert page.status_code == 200 and str(page.url).endswith(real), guess
    assert "Varnian troops are pulling back" in client.get(f"/claim/{cid}").text


def test_the_articles_list_is_the_api_list(client: TestClient, small: Built) -> None:
    moved = client.get("/articles?limit=50", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/api/articles?limit=50"
    body = client.get("/articles", params={"limit": 50}).json()
    assert {a["id"] for a in body["items"]} == set(small.articles.values())


def test_a_guess_with_a_bad_id_is_refused_not_redirected(client: TestClient) -> None:
    for bad in ["/claim/..%2F..%2Fetc", "/claim/" + "x" * 65, "/article/a.b"]:
        resp = client.get(bad, follow_redirects=False)
        assert resp.status_code in (404, 422), bad
        assert "location" not in resp.headers
        assert resp.json()["error"]["code"] in ("E402", "E501")


def test_other_unknown_addresses_are_still_not_found(client: TestClient) -> None:
    resp = client.get("/claimz", follow_redirects=False)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "E501"
