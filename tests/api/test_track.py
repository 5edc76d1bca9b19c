"""POST /api/track with the real embedder (MiniLM): the claim is stored, tracked and shown."""

from __future__ import annotations

import pytest
from api_factories import Built
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow


def test_track_registers_a_tracked_claim(
    writer: TestClient, fresh: Built, auth: dict[str, str]
) -> None:
    body = {
        "text": "The Hollin fuel depot was destroyed by saboteurs.",
        "claimant": "Varnian Defence Ministry",
        "when": "2025-03-10T08:00:00Z",
    }
    resp = writer.post("/api/track", json=body, headers=auth)
    assert resp.status_code == 201, resp.text
    view = resp.json()
    assert view["text"].startswith("The Hollin fuel depot")
    assert view["claimant"]["name"] == "Varnian Defence Ministry"
    assert view["first_seen"].startswith("2025-03-10T08:00")
    assert view["status"] == "unverified"
    tracked = writer.get("/api/claims", params={"tracked": "true", "limit": 50}).json()["items"]
    assert view["id"] in {c["id"] for c in tracked}
    # Tracking the same text again is idempotent.
    again = writer.post("/api/track", json=body, headers=auth)
    assert again.json()["id"] == view["id"]
    assert writer.get("/api/health").json()["counts"]["claims"] == 4


def test_track_refuses_blank_text(writer: TestClient, auth: dict[str, str]) -> None:
    resp = writer.post("/api/track", json={"text": "   "}, headers=auth)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "E402"
