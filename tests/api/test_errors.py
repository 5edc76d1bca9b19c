"""One JSON error shape for every error: catalogue errors, 404, 405, 422, auth, 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from claimledger.errors import Code


def shape(resp: Any) -> dict[str, str]:
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "item"}
    assert all(isinstance(v, str) and v for v in err.values())
    assert err["code"] in Code.__members__ or err["code"] == "E500"
    return dict(err)


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/api/nope",
        "/api/claims/cdoesnotexist",
        "/api/articles/a000",
        "/api/statements/s000",
        "/claims/c000",
        "/static/missing.css",
    ],
)
def test_not_found(client: TestClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 404
    assert shape(resp)["code"] == "E501"


def test_not_found_names_the_item(client: TestClient) -> None:
    err = shape(client.get("/api/claims/cdoesnotexist"))
    assert err == {"code": "E501", "message": "not found", "item": "claim cdoesnotexist"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/claims"),
        ("POST", "/api/claims"),
        ("PUT", "/api/health"),
        ("GET", "/api/ingest"),
        ("PATCH", "/"),
    ],
)
def test_method_not_allowed(client: TestClient, method: str, path: str) -> None:
    resp = client.request(method, path)
    assert resp.status_code == 405
    err = shape(resp)
    assert err["item"] == f"{method} {path}"


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=51",
        "limit=abc",
        "offset=-1",
        "status=true-ish",
        "since=yesterday",
        "tracked=maybe",
        "q=" + "x" * 501,
    ],
)
def test_validation_errors(client: TestClient, query: str) -> None:
    resp = client.get(f"/api/claims?{query}")
    assert resp.status_code == 422
    err = shape(resp)
    assert err["code"] == "E402"
    assert err["item"].startswith("query.")


@pytest.mark.parametrize(
    "path", ["/api/claims/..%2F..%2Fetc", "/api/claims/%25", "/api/articles/a%20b"]
)
def test_malformed_ids_are_refused(client: TestClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code in (404, 422)
    shape(resp)


def test_invalid_json_body(writer: TestClient, auth: dict[str, str]) -> None:
    resp = writer.post(
        "/api/track", content=b"{not json", headers={**auth, "content-type": "application/json"}
    )
    assert resp.status_code == 422
    assert shape(resp)["code"] == "E402"


def test_unexpected_failure_keeps_the_shape(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimledger.store.ledger import Ledger

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(Ledger, "outlets", boom)
    resp = client.get("/api/outlets")
    assert resp.status_code == 500
    err = shape(resp)
    assert err["code"] == "E500" and "secret" not in resp.text


def test_browser_gets_an_html_error_page_with_the_same_fields(client: TestClient) -> None:
    resp = client.get("/claims/cnothere", headers={"accept": "text/html"})
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")
    assert "E501" in resp.text and "claim cnothere" in resp.text
    # The API keeps JSON whatever the Accept header says.
    api = client.get("/api/claims/cnothere", headers={"accept": "text/html"})
    assert shape(api)["code"] == "E501"
