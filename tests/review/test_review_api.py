"""Review through the API: analysts' own tokens and roles, and the audit log.

Access rules: a reader cannot review, an unknown or wrong token writes nothing, and every
write (review actions and the API's other writes) has an author in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from review_factories import Built, build_small, link_id, make_config
from sqlalchemy import func, select

from claimledger.review.analysts import add_analyst
from claimledger.review.models import AuditRow, ReviewEventRow
from claimledger.store.ledger import Ledger

TOKEN = "server-token-0123456789-abcdefghij"


@pytest.fixture
def setup(stores: Any) -> Iterator[tuple[TestClient, Built, dict[str, str]]]:
    from claimledger.api.app import create_app

    config = make_config()
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    tokens = {
        role: add_analyst(ledger, f"{role}-one", role, created_by="test")[1]
        for role in ("reader", "reviewer", "admin")
    }
    ledger.close()
    app = create_app(db_url=built.url, config=config, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, built, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def counts(built: Built) -> tuple[int, int]:
    ledger = Ledger.open(built.url)
    try:
        with ledger.session() as s:
            return (
                int(s.scalar(select(func.count()).select_from(ReviewEventRow)) or 0),
                int(s.scalar(select(func.count()).select_from(AuditRow)) or 0),
            )
    finally:
        ledger.close()


def reject_body(built: Built) -> dict[str, Any]:
    return {
        "action": {"action": "reject_link", "link": link_id(built, "withdrawal", "jbmm0")},
        "reason": "the monitors' report is about another village",
    }


def test_a_reviewer_reviews_and_the_claim_changes(setup: Any) -> None:
    client, built, tokens = setup
    w = built.claims["withdrawal"]
    body = {
        "action": {"action": "override_status", "claim": w, "status": "contested"},
        "reason": "footage seen by our desk",
    }
    r = client.post("/api/review/actions", json=body, headers=bearer(tokens["reviewer"]))
    assert r.status_code == 201, r.text
    out = r.json()
    assert (
        out["event"]["author"] == "reviewer-one"
        and out["event"]["reason"] == "footage seen by our desk"
    )
    assert out["claim"]["status"] == "contested"
    assert out["claim"]["reasons"][:2] == ["OVERRIDDEN_BY(reviewer-one)", "COMPUTED(refuted)"]
    detail = client.get(f"/api/claims/{w}").json()
    assert detail["status"] == "contested"
    assert detail["history"][-1]["policy_version"] == "analyst:reviewer-one"
    assert "Analyst review" in detail["explain"]
    assert detail["review"]["override"]["author"] == "reviewer-one"
    assert (detail["review"]["status"], detail["review"]["computed_status"]) == (
        "contested",
        "refuted",
    )
    assert [e["action"] for e in detail["review"]["events"]] == ["override_status"]
    events = client.get(f"/api/review/events?claim={w}", headers=bearer(tokens["reader"])).json()
    assert [e["action"] for e in events] == ["override_status"]


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "E502"),
        ({"Authorization": "Bearer cla_not-a-real-token"}, 403, "E503"),
        ({"Authorization": "Bearer wrong"}, 403, "E503"),
        ("reader", 403, "E503"),
    ],
)
def test_no_token_a_wrong_token_or_a_reader_writes_nothing(
    setup: Any, headers: Any, status: int, code: str
) -> None:
    client, built, tokens = setup
    before = counts(built)
    if headers == "reader":
        headers = bearer(tokens["reader"])
    r = client.post("/api/review/actions", json=reject_body(built), headers=headers)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert counts(built) == before
    # Nor through the query string, whatever the token.
    r = client.post(f"/api/review/actions?token={tokens['reviewer']}", json=reject_body(built))
    assert r.status_code in (401, 403)
    assert counts(built) == before
    w = built.claims["withdrawal"]
    assert client.get(f"/api/claims/{w}").json()["status"] == "refuted"


def test_an_inactive_analyst_cannot_write(setup: Any) -> None:
    from claimledger.review.analysts import set_analyst

    client, built, tokens = setup
    ledger = Ledger.open(built.url)
    set_analyst(ledger, "reviewer-one", by="test", active=False)
    ledger.close()
    before = counts(built)
    r = client.post(
        "/api/review/actions", json=reject_body(built), headers=bearer(tokens["reviewer"])
    )
    assert r.status_code == 403
    assert counts(built) == before


def test_reading_the_review_needs_a_token(setup: Any) -> None:
    client, _, tokens = setup
    for path in ("/api/review/audit", "/api/review/events", "/api/review/queue"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer(tokens["reader"])).status_code == 200


def test_every_write_has_an_author_in_the_audit_log(setup: Any) -> None:
    client, built, tokens = setup
    w = built.claims["withdrawal"]
    assert (
        client.post(
            "/api/review/actions", json=reject_body(built), headers=bearer(tokens["reviewer"])
        ).status_code
        == 201
    )
    # The API's other writes, with an analyst's token and with the server's.
    assert client.put(f"/api/watchlist/ana/{w}", headers=bearer(tokens["admin"])).status_code == 200
    assert client.put(f"/api/watchlist/bob/{w}", headers=bearer(TOKEN)).status_code == 200
    # A reader's token does not write there either.
    assert (
        client.put(f"/api/watchlist/eve/{w}", headers=bearer(tokens["reader"])).status_code == 403
    )
    audit = client.get("/api/review/audit", headers=bearer(tokens["reader"])).json()
    rows = audit["items"]
    assert audit["total"] == len(rows) >= 6  # three analysts created, three writes
    assert all(r["author"] for r in rows)
    writes = {(r["author"], r["action"]) for r in rows}
    assert ("reviewer-one", "review.reject_link") in writes
    assert ("admin-one", f"PUT /api/watchlist/ana/{w}") in writes
    assert ("token", f"PUT /api/watchlist/bob/{w}") in writes
    assert not any("eve" in r["action"] for r in rows)
    csv_text = client.get(
        "/api/review/audit/export?format=csv", headers=bearer(tokens["reader"])
    ).text
    assert csv_text.startswith("seq,at,author,role,via,action,target,detail")
    assert "reviewer-one" in csv_text


def test_the_review_endpoints_are_in_the_openapi_schema(setup: Any) -> None:
    client, _, _ = setup
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/review/actions",
        "/api/review/events",
        "/api/review/queue",
        "/api/review/audit",
    } <= set(paths)
    schema = paths["/api/review/actions"]["post"]
    assert "requestBody" in schema and "403" in schema["responses"]
