"""The token rule: writes need ``Authorization: Bearer``; never via the query string; never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from api_factories import TOKEN, Built
from fastapi.testclient import TestClient

from claimledger.config import Config

WRITES = [
    ("POST", "/api/ingest", {"sources": ["/nonexistent"], "analyse": False}),
    ("POST", "/api/track", {"text": "A claim."}),
    ("PUT", "/api/watchlist/ana/{claim}", None),
    ("DELETE", "/api/watchlist/ana/{claim}", None),
    ("POST", "/api/watchlist/ana/seen", None),
]


def call(client: TestClient, built: Built, method: str, path: str, body: Any, **kw: Any) -> Any:
    return client.request(method, path.format(claim=built.claims["bridge"]), json=body, **kw)


@pytest.fixture(scope="module")
def open_client(small: Built, api_config: Config) -> Iterator[TestClient]:
    """No token, not dev: writes disabled (refused writes change nothing, so it is shared)."""
    from claimledger.api.app import create_app

    with TestClient(
        create_app(db_url=small.url, config=api_config), raise_server_exceptions=False
    ) as c:
        yield c


@pytest.fixture
def dev_client(fresh: Built, api_config: Config) -> Iterator[TestClient]:
    from claimledger.api.app import create_app

    with TestClient(
        create_app(db_url=fresh.url, config=api_config, dev=True), raise_server_exceptions=False
    ) as c:
        yield c


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_missing_token_is_401(
    client: TestClient, small: Built, method: str, path: str, body: Any
) -> None:
    before = client.get("/api/health").json()["counts"]
    resp = call(client, small, method, path, body)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "E502"
    assert resp.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/health").json()["counts"] == before
    assert client.get("/api/watchlist/ana").json()["items"] == []


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        "Bearer ",
        f"Basic {TOKEN}",
        TOKEN,
        f"bearer  {TOKEN} extra",
    ],
)
def test_wrong_token_is_refused(
    client: TestClient, small: Built, method: str, path: str, body: Any, header: str
) -> None:
    resp = call(client, small, method, path, body, headers={"Authorization": header})
    assert resp.status_code in (401, 403)
    assert resp.json()["error"]["code"] in ("E502", "E503")
    assert TOKEN not in resp.text


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("param", ["token", "access_token", "api_key", "t"])
def test_token_in_query_string_is_refused_even_with_the_header(
    client: TestClient,
    small: Built,
    auth: dict[str, str],
    method: str,
    path: str,
    body: Any,
    param: str,
) -> None:
    resp = call(client, small, method, path, body, headers=auth, params={param: TOKEN})
    assert resp.status_code == 403
    err = resp.json()["error"]
    assert err["code"] == "E503" and err["item"] == "query string"
    assert TOKEN not in resp.text


def test_right_token_writes(writer: TestClient, fresh: Built, auth: dict[str, str]) -> None:
    resp = writer.put(f"/api/watchlist/ana/{fresh.claims['bridge']}", headers=auth)
    assert resp.status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_no_token_configured_refuses_writes(
    open_client: TestClient, small: Built, method: str, path: str, body: Any
) -> None:
    resp = call(
        open_client, small, method, path, body, headers={"Authorization": "Bearer anything"}
    )
    assert resp.status_code == 403
    assert "CLAIMLEDGER_TOKEN is not set" in resp.json()["error"]["message"]


def test_no_token_configured_still_serves_reads(open_client: TestClient) -> None:
    assert open_client.get("/api/claims").status_code == 200
    assert open_client.get("/").status_code == 200


def test_dev_mode_allows_writes_without_a_token(dev_client: TestClient, fresh: Built) -> None:
    resp = dev_client.put(f"/api/watchlist/ana/{fresh.claims['bridge']}")
    assert resp.status_code == 200
    # ... but never a token in the query string.
    assert dev_client.post("/api/watchlist/ana/seen?token=x").status_code == 403


def test_dev_mode_with_a_token_still_checks_it(fresh: Built, api_config: Config) -> None:
    from claimledger.api.app import create_app

    app = create_app(db_url=fresh.url, config=api_config, dev=True, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert c.post("/api/watchlist/ana/seen").status_code == 401
        assert (
            c.post(
                "/api/watchlist/ana/seen", headers={"Authorization": f"Bearer {TOKEN}"}
            ).status_code
            == 204
        )


def test_comparison_is_constant_time(
    writer: TestClient, monkeypatch: pytest.MonkeyPatch, auth: dict[str, str]
) -> None:
    import hmac

    from claimledger.api import auth as auth_mod

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth_mod.hmac, "compare_digest", spy)
    assert writer.post("/api/watchlist/ana/seen", headers=auth).status_code == 204
    assert (TOKEN.encode(), TOKEN.encode()) in calls


def test_token_never_reaches_the_logs(
    writer: TestClient, fresh: Built, auth: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    writer.post("/api/watchlist/ana/seen", headers=auth)
    writer.post(f"/api/watchlist/ana/seen?token={TOKEN}", headers=auth)
    writer.post("/api/watchlist/ana/seen", headers={"Authorization": f"Bearer {TOKEN}zz"})
    writer.get(f"/api/claims?q={TOKEN}")
    # Server-side records only (the test client's own httpx log shows the URL it sent).
    text = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("claimledger", "uvicorn", "fastapi"))
    )
    assert "/api/watchlist/ana/seen" in text  # the access log ran
    assert TOKEN not in text
