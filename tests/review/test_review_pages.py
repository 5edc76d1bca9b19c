"""The review on the dashboard (TestClient): CSRF-protected forms acting as the signed-in
analyst; a forged, stale or anonymous form, or a reader's, writes nothing."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from review_factories import Built, link_id
from sqlalchemy import func, select

from claimledger.review.models import ReviewEventRow
from claimledger.store.ledger import Ledger


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def sign_in(client: TestClient, token: str) -> None:
    r = client.post("/login", data={"token": token, "csrf": csrf_of(client, "/login")})
    assert r.status_code == 303 and r.headers["location"] == "/review/queue"


def events(built: Built) -> int:
    ledger = Ledger.open(built.url)
    try:
        with ledger.session() as s:
            return int(s.scalar(select(func.count()).select_from(ReviewEventRow)) or 0)
    finally:
        ledger.close()


def test_a_signed_in_reviewer_reviews_with_the_form(site: Any) -> None:
    browser, built, tokens = site
    w = built.claims["withdrawal"]
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        page = client.get(f"/claims/{w}").text
        assert "Acting as <strong>reviewer-one</strong>" in page
        form = {
            "csrf": csrf_of(client, f"/claims/{w}"),
            "action": "override_status",
            "claim": w,
            "status": "contested",
            "reason": "footage",
        }
        r = client.post(f"/review/claims/{w}", data=form)
        assert r.status_code == 303, r.text
        page = client.get(f"/claims/{w}").text
        assert 'class="override"' in page and "computed: refuted" in page
        assert 'class="decision by-analyst"' in page and 'class="decision by-machine"' in page
        audit = client.get("/review/audit").text
        assert "review.override_status" in audit and "reviewer-one" in audit
        assert client.get("/review/audit.csv").text.startswith("seq,at,author")
    assert events(built) == 1


def test_forged_stale_anonymous_or_reader_forms_write_nothing(site: Any) -> None:
    browser, built, tokens = site
    w = built.claims["withdrawal"]
    form = {
        "action": "reject_link",
        "link": link_id(built, "withdrawal", "jbmm0"),
        "reason": "forged",
    }
    with browser() as anonymous:
        token = csrf_of(anonymous, f"/claims/{w}")
        # No analyst signed in on this browser.
        assert (
            anonymous.post(f"/review/claims/{w}", data={**form, "csrf": token}).status_code == 401
        )
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        # A form without the page's CSRF value, or with another visitor's.
        assert client.post(f"/review/claims/{w}", data=form).status_code in (403, 422)
        assert client.post(f"/review/claims/{w}", data={**form, "csrf": token}).status_code == 403
    with browser() as reader:
        sign_in(reader, tokens["reader"])
        page = reader.get(f"/claims/{w}").text
        assert "a reader may not review" in page
        r = reader.post(
            f"/review/claims/{w}", data={**form, "csrf": csrf_of(reader, f"/claims/{w}")}
        )
        assert r.status_code == 403
    assert events(built) == 0


def test_signing_out_ends_the_analyst_session(site: Any) -> None:
    browser, built, tokens = site
    w = built.claims["withdrawal"]
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        token = csrf_of(client, f"/claims/{w}")
        assert client.post("/logout", data={"csrf": token}).status_code == 303
        form = {
            "csrf": token,
            "action": "override_status",
            "claim": w,
            "status": "refuted",
            "reason": "x",
        }
        assert client.post(f"/review/claims/{w}", data=form).status_code == 401
    assert events(built) == 0


def test_not_a_claim_and_evidence_by_hand_from_the_claim_page(site: Any) -> None:
    browser, built, tokens = site
    w, bridge = built.claims["withdrawal"], built.claims["bridge"]
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        token = csrf_of(client, f"/claims/{w}")
        form = {
            "csrf": token,
            "action": "not_a_claim",
            "statement": built.statements["orbisight0"],
            "reason": "a description of imagery, not a claim",
        }
        assert client.post(f"/review/claims/{w}", data=form).status_code == 303
        evidence = {
            "csrf": token,
            "action": "add_evidence",
            "claim": bridge,
            "source": "Joint Border Monitoring Mission",
            "date": "2025-03-08",
            "stance": "refutes",
            "url": "",
            "note": "Patrol report: no bridge at Kasto on 8 March.",
            "reason": "read the patrol report",
        }
        assert client.post(f"/review/claims/{bridge}", data=evidence).status_code == 303
        page = client.get(f"/claims/{bridge}").text
        assert "Analyst evidence" in page and "Patrol report: no bridge at Kasto" in page
        decisions = client.get(f"/claims/{w}").text.split('class="decisions"')[1].split("</ol>")[0]
        assert f"not_a_claim statement={built.statements['orbisight0']}" in decisions
    assert events(built) == 2
