"""The ledger as it stood at a date: ``claims``/``explain --as-of``, ``?as_of=`` and the dashboard.

On the small ledger (both stores): Varnia's withdrawal claim is asserted on 2 March, relayed
by its own side the same day and refuted by the monitors on 4 March; the bridge claim is first
seen on 7 March, the hostile one on 8 March.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from api_factories import SAMPLE, Built
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.errors import NotFound

ENV = {
    "CLAIMLEDGER_CONFIG": "/nonexistent",
    "CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml"),
}


def walk(client: TestClient, url: str, **params: str) -> list[dict[str, Any]]:
    """Every item of a paged list, following ``next`` links."""
    out: list[dict[str, Any]] = []
    resp = client.get(url, params=params)
    while True:
        assert resp.status_code == 200, resp.text
        body = resp.json()
        out.extend(body["items"])
        if not body["next"]:
            return out
        resp = client.get(body["next"])


def held_at(history: list[dict[str, Any]], moment: str) -> str | None:
    """The status a stored history held at ``moment`` (ISO 8601)."""
    held = [e["new"] for e in history if e["at"] <= moment]
    return held[-1] if held else None


def test_claims_as_of_a_date(client: TestClient, small: Built) -> None:
    withdrawal = small.claims["withdrawal"]
    today = {c["id"]: c for c in walk(client, "/api/claims")}
    assert set(today) == set(small.claims.values())
    assert today[withdrawal]["status"] == "refuted"

    then = walk(client, "/api/claims", as_of="2025-03-03")
    # Claims first seen later are not listed; the status is the one held then.
    assert [c["id"] for c in then] == [withdrawal]
    [claim] = then
    assert claim["status"] == "unverified"
    assert claim["reasons"] == ["ONLY_CLAIMANT_SOURCES"]
    assert {e["date"][:10] for e in claim["evidence"]} == {"2025-03-02"}
    assert len(claim["evidence"]) == 2 < len(today[withdrawal]["evidence"])
    history = walk(client, f"/api/claims/{withdrawal}/history")
    assert held_at(history, "2025-03-03T23:59:59") == claim["status"]

    # The status filter reads the status held then, not today's.
    assert walk(client, "/api/claims", as_of="2025-03-03", status="refuted") == []
    assert [c["id"] for c in walk(client, "/api/claims", as_of="2025-03-04", status="refuted")] == [
        withdrawal
    ]
    by_day = walk(client, "/api/claims", as_of="2025-03-07")
    assert {c["id"] for c in by_day} == {withdrawal, small.claims["bridge"]}


def test_as_of_a_moment_within_a_day(client: TestClient, small: Built) -> None:
    withdrawal = small.claims["withdrawal"]
    # The monitors' report is dated 4 March 09:00 UTC.
    before = client.get(f"/api/claims/{withdrawal}", params={"as_of": "2025-03-04T08:59:00Z"})
    after = client.get(f"/api/claims/{withdrawal}", params={"as_of": "2025-03-04T09:00:00+00:00"})
    assert before.json()["status"] == "unverified"
    assert after.json()["status"] == "refuted"
    history = walk(client, f"/api/claims/{withdrawal}/history")
    for moment in ("2025-03-02T09:00:00", "2025-03-04T08:59:00", "2025-03-04T09:00:00"):
        view = client.get(f"/api/claims/{withdrawal}", params={"as_of": moment}).json()
        assert view["status"] == held_at(history, moment + "+00:00"), moment


def test_claim_detail_evidence_and_history_as_of(client: TestClient, small: Built) -> None:
    withdrawal = small.claims["withdrawal"]
    body = client.get(f"/api/claims/{withdrawal}", params={"as_of": "2025-03-03"}).json()
    assert body["status"] == "unverified"
    assert all(e["at"] <= "2025-03-03T23:59:59.999999+00:00" for e in body["history"])
    assert body["history"] and body["history"][-1]["new"] == "unverified"
    assert "as of 2025-03-03T23:59:59.999999+00:00" in body["explain"]
    assert "refutes" not in body["explain"]
    evidence = walk(client, f"/api/claims/{withdrawal}/evidence", as_of="2025-03-03")
    assert evidence == body["evidence"]
    hist = walk(client, f"/api/claims/{withdrawal}/history", as_of="2025-03-03")
    assert hist == body["history"]
    assert len(hist) < len(walk(client, f"/api/claims/{withdrawal}/history"))


def test_a_claim_first_seen_later_is_not_found_as_of(client: TestClient, small: Built) -> None:
    bridge = small.claims["bridge"]
    for url in (f"/api/claims/{bridge}", f"/api/claims/{bridge}/evidence"):
        resp = client.get(url, params={"as_of": "2025-03-03"})
        assert resp.status_code == 404, resp.text
        assert resp.json()["error"]["code"] == "E501"
    assert client.get(f"/api/claims/{bridge}", params={"as_of": "2025-03-07"}).status_code == 200


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "0.5", "2025-03-03T25:00"])
def test_a_bad_as_of_is_one_coded_error(client: TestClient, small: Built, bad: str) -> None:
    resp = client.get("/api/claims", params={"as_of": bad})
    # A malformed parameter, like any other: a validation error with the catalogue's code.
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "E402" and "as_of" in json.dumps(error)


def test_dashboard_as_of(client: TestClient, small: Built) -> None:
    withdrawal = small.claims["withdrawal"]
    page = client.get("/", params={"as_of": "2025-03-03"})
    assert page.status_code == 200, page.text
    assert 'name="as_of" value="2025-03-03"' in page.text
    assert f'href="/claims/{withdrawal}?as_of=2025-03-03"' in page.text
    assert f"/claims/{small.claims['bridge']}" not in page.text
    assert "status-unverified" in page.text or "unverified" in page.text
    claim = client.get(f"/claims/{withdrawal}", params={"as_of": "2025-03-03"})
    assert claim.status_code == 200, claim.text
    assert 'name="as_of" value="2025-03-03"' in claim.text
    assert "refuted" not in claim.text.split("<h2>Timeline</h2>")[0]
    assert "refuted" in client.get(f"/claims/{withdrawal}").text


def _cli(small: Built, *args: str) -> Any:
    return CliRunner().invoke(app, ["--db", small.url, *args], env=ENV)


def test_cli_claims_and_explain_as_of(small: Built) -> None:
    withdrawal = small.claims["withdrawal"]
    res = _cli(small, "claims", "--format", "json", "--as-of", "2025-03-03")
    assert res.exit_code == 0, res.output
    [claim] = json.loads(res.stdout)
    assert claim["id"] == withdrawal and claim["status"] == "unverified"
    res = _cli(small, "claims", "--format", "json", "--as-of", "2025-03-04", "--status", "refuted")
    assert [c["id"] for c in json.loads(res.stdout)] == [withdrawal]
    res = _cli(small, "claims", "--format", "json")
    assert len(json.loads(res.stdout)) == len(small.claims)

    res = _cli(small, "explain", withdrawal, "--as-of", "2025-03-03")
    assert res.exit_code == 0, res.output
    assert "Status: unverified" in res.stdout
    assert "as of 2025-03-03T23:59:59.999999+00:00" in res.stdout
    history = res.stdout.split("History:")[1]
    assert "refuted" not in history
    assert "-> refuted" in _cli(small, "explain", withdrawal).stdout.split("History:")[1]

    res = _cli(small, "explain", small.claims["bridge"], "--as-of", "2025-03-03")
    assert isinstance(res.exception, NotFound) and "E501" in str(res.exception)
    assert "first seen later" in str(res.exception)
    # At the edge, a bad date is one coded line.
    env = {**os.environ, **ENV}
    proc = subprocess.run(
        [sys.executable, "-m", "claimledger", "--db", small.url, "claims", "--as-of", "next week"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: E402 --as-of")
