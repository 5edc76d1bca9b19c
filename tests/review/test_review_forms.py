"""The dashboard forms for split, parties, actors and affiliations (TestClient).

Each form changes the ledger through the review library and leaves an audit row with its
author; a reader's form, or one with a forged or missing CSRF value, writes nothing; bad
input is one coded error naming the field, and writes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from review_factories import Built
from sqlalchemy import func, select
from test_review_pages import csrf_of, events, sign_in

from claimledger.records import Affiliation
from claimledger.review.store import audit_rows, load_state
from claimledger.store.ledger import Ledger
from claimledger.store.models import ClaimRow

HTML = {"accept": "text/html"}


def opened(built: Built) -> Ledger:
    return Ledger.open(built.url)


def audited(built: Built, action: str) -> list[dict[str, Any]]:
    """The audit rows of one review action."""
    ledger = opened(built)
    try:
        rows, _ = audit_rows(ledger, limit=1000)
    finally:
        ledger.close()
    return [r for r in rows if r["action"] == f"review.{action}"]


def claim_count(built: Built) -> int:
    ledger = opened(built)
    try:
        with ledger.session() as s:
            return int(s.scalar(select(func.count()).select_from(ClaimRow)) or 0)
    finally:
        ledger.close()


def coded_error(page: str) -> str:
    """The one error line of the dashboard's error page."""
    found = re.search(r'<p class="error">(.*?)</p>', page, re.S)
    assert found, page[:500]
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_set_parties_and_split_from_the_claim_page(site: Any) -> None:
    browser, built, tokens = site
    w = built.claims["withdrawal"]
    jbmm0, jbmm1 = built.statements["jbmm0"], built.statements["jbmm1"]
    before = claim_count(built)
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        page = client.get(f"/claims/{w}").text
        assert 'value="set_parties"' in page and 'value="split_claim"' in page
        assert f'name="statements" value="{jbmm0}"' in page
        token = csrf_of(client, f"/claims/{w}")
        parties = {
            "csrf": token,
            "action": "set_parties",
            "claim": w,
            "parties": "ostrela, varnia",
            "reason": "the claim is about both states",
        }
        assert client.post(f"/review/claims/{w}", data=parties).status_code == 303
        # The form shows the parties now set.
        assert 'value="ostrela, varnia"' in client.get(f"/claims/{w}").text
        split = {
            "csrf": token,
            "action": "split_claim",
            "claim": w,
            "statements": [jbmm0, jbmm1],  # two checked boxes
            "text": "Varnian vehicles stayed at the Drovny field camp.",
            "reason": "the monitors speak of the camp, not of the border",
        }
        r = client.post(f"/review/claims/{w}", data=split)
        assert r.status_code == 303 and r.headers["location"] == f"/claims/{w}#review"
    ledger = opened(built)
    try:
        state = load_state(ledger)
        assert state.parties[w] == frozenset({"ostrela", "varnia"})
        new = [c for c in ledger.claims() if c.text.startswith("Varnian vehicles stayed")]
        assert len(new) == 1
        assert state.moved[(jbmm0, w)] == new[0].id and state.moved[(jbmm1, w)] == new[0].id
    finally:
        ledger.close()
    assert claim_count(built) == before + 1
    for action in ("set_parties", "split_claim"):
        [row] = audited(built, action)
        assert row["author"] == "reviewer-one" and row["via"] == "dashboard"
    assert events(built) == 2


def test_add_actor_and_affiliation_from_the_actor_pages(site: Any) -> None:
    browser, built, tokens = site
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        listing = client.get("/actors").text
        assert 'action="/review/actors"' in listing and 'value="add_actor"' in listing
        token = csrf_of(client, "/actors")
        actor = {
            "csrf": token,
            "action": "add_actor",
            "actor": "ostrela/border-guard",
            "name": "Ostrelan Border Guard",
            "type": "organisation",
            "aliases": "the border guard; Ostrela's border guards",
            "reason": "quoted in three reports this week",
        }
        r = client.post("/review/actors", data=actor)
        assert r.status_code == 303
        assert r.headers["location"] == "/actors/ostrela/border-guard#review"
        page = client.get("/actors/ostrela/border-guard").text
        assert "Ostrelan Border Guard" in page and 'value="add_affiliation"' in page
        affiliation = {
            "csrf": csrf_of(client, "/actors/ostrela/border-guard"),
            "action": "add_affiliation",
            "actor": "ostrela/border-guard",
            "parent": "ostrela",
            "role": "agency",
            "start": "2024-01-01",
            "end": "",
            "reason": "a state agency",
        }
        assert client.post("/review/actors", data=affiliation).status_code == 303
        page = client.get("/actors/ostrela/border-guard").text
        assert 'agency of <a href="/actors/ostrela">ostrela</a> from 2024-01-01' in page
    ledger = opened(built)
    try:
        got = ledger.get_actor("ostrela/border-guard")
    finally:
        ledger.close()
    assert got.type == "organisation"
    assert {"the border guard", "Ostrela's border guards"} <= set(got.aliases)
    # The dated affiliation the form added (the machine may hold an undated one beside it).
    assert Affiliation("ostrela", "agency", date(2024, 1, 1), None) in got.affiliations
    for action in ("add_actor", "add_affiliation"):
        [row] = audited(built, action)
        assert row["author"] == "reviewer-one" and row["via"] == "dashboard"
    assert events(built) == 2


def new_forms(built: Built) -> list[tuple[str, dict[str, Any]]]:
    """One valid post of each new form (path, fields), without its CSRF value."""
    w = built.claims["withdrawal"]
    return [
        (
            f"/review/claims/{w}",
            {"action": "set_parties", "claim": w, "parties": "varnia", "reason": "r"},
        ),
        (
            f"/review/claims/{w}",
            {
                "action": "split_claim",
                "claim": w,
                "statements": built.statements["jbmm0"],
                "text": "Another claim.",
                "reason": "r",
            },
        ),
        (
            "/review/actors",
            {"action": "add_actor", "actor": "x/new", "name": "X", "type": "person", "reason": "r"},
        ),
        (
            "/review/actors",
            {"action": "add_affiliation", "actor": "jbmm", "parent": "varnia", "reason": "r"},
        ),
    ]


def test_reader_forged_or_missing_csrf_forms_write_nothing(site: Any) -> None:
    browser, built, tokens = site
    before = claim_count(built)
    with browser() as other:
        forged = csrf_of(other, f"/claims/{built.claims['withdrawal']}")  # another visitor's value
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        for path, form in new_forms(built):
            assert client.post(path, data=form).status_code in (403, 422), form["action"]
            r = client.post(path, data={**form, "csrf": forged})
            assert r.status_code == 403, form["action"]
    with browser() as reader:
        sign_in(reader, tokens["reader"])
        assert "a reader may not review" in reader.get("/actors/jbmm").text
        assert "a reader may not review" in reader.get("/actors").text
        token = csrf_of(reader, f"/claims/{built.claims['withdrawal']}")
        for path, form in new_forms(built):
            r = reader.post(path, data={**form, "csrf": token})
            assert r.status_code == 403, form["action"]
    assert events(built) == 0 and claim_count(built) == before
    ledger = opened(built)
    try:
        assert not load_state(ledger).parties
        assert ledger.get_actor("jbmm").affiliations == ()
        assert all(a.id != "x/new" for a in ledger.actors(limit=1000, offset=0))
    finally:
        ledger.close()


@pytest.mark.parametrize(
    ("path", "fields", "error"),
    [
        (
            "claim",
            {"action": "split_claim", "statements": "", "text": "New."},
            "review split_claim.statements",
        ),
        ("claim", {"action": "set_parties", "parties": "varnia nobody"}, "actor nobody"),
        (
            "actors",
            {"action": "add_affiliation", "actor": "jbmm", "parent": "nobody"},
            "actor nobody",
        ),
        (
            "claim",
            {"action": "set_parties", "parties": "varnia, bad!actor"},
            "review set_parties.parties.1",
        ),
        (
            "actors",
            {"action": "add_actor", "actor": "x/new", "name": "X", "type": "planet"},
            "review add_actor.type",
        ),
        (
            "actors",
            {"action": "add_affiliation", "actor": "jbmm", "parent": "varnia", "start": "soon"},
            "review add_affiliation.start",
        ),
        (
            "actors",
            {
                "action": "add_affiliation",
                "actor": "jbmm",
                "parent": "varnia",
                "start": "2025-03-01",
                "end": "2024-03-01",
            },
            "affiliation jbmm",
        ),
        ("actors", {"action": "set_parties", "parties": "varnia"}, "form action"),
    ],
)
def test_bad_input_is_one_coded_error_naming_the_field(
    site: Any, path: str, fields: dict[str, str], error: str
) -> None:
    browser, built, tokens = site
    w = built.claims["withdrawal"]
    target = f"/review/claims/{w}" if path == "claim" else "/review/actors"
    with browser() as client:
        sign_in(client, tokens["reviewer"])
        form = {"csrf": csrf_of(client, f"/claims/{w}"), "claim": w, "reason": "why", **fields}
        r = client.post(target, data=form, headers=HTML)
        missing = error == "actor nobody"  # E501 (404): the item named does not exist
        assert r.status_code == (404 if missing else 400), r.text[:300]
        line = coded_error(r.text)
        assert line.startswith(f"{error}:"), line
        assert ("E501" if missing else "E402") in r.text.split("<h1>")[1].split("</h1>")[0]
    assert events(built) == 0
    ledger = opened(built)
    try:
        assert ledger.get_actor("jbmm").affiliations == ()
        assert all(a.id != "x/new" for a in ledger.actors(limit=1000, offset=0))
    finally:
        ledger.close()
