"""Revisions through the whole pipeline (real spaCy and MiniLM, both stores).

A story written for these tests: a ministry announces that all its units left a border
region, then the outlet edits the story, takes the announcement out and appends a
correction. The edit is a
revision of the article: its statements are diffed against the first version, the
removed announcement stops counting from the revision's date, and the correction is
the outlet's own evidence against the claim it corrects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from claimledger.cli import app

URL = "https://harbour-times.example/2025/05/01/units-leave"
FIRST = {
    "url": URL,
    "outlet": "Harbour Times",
    "title": "Russia says all units have left the border region",
    "published": "2025-05-01T09:00:00Z",
    "text": (
        "MOSCOW - Russia's defence ministry said on Tuesday that all of its units had left the "
        "border region and returned to their bases.\n\n"
        "Ukraine's foreign ministry said it had seen no evidence of a pull-back.\n\n"
        "Schools in the region reopened on Tuesday after a week of closures."
    ),
}
EDITED = {
    **FIRST,
    "published": "2025-05-01T18:30:00Z",
    "title": "Russia says some units have left the border region",
    "text": (
        "MOSCOW - Ukraine's foreign ministry said it had seen no evidence of a pull-back.\n\n"
        "Schools in the region reopened on Tuesday after a week of closures.\n\n"
        "Correction: An earlier version of this article incorrectly said that Russia's defence "
        "ministry reported all of its units had left the border region. The ministry said only "
        "some units had left."
    ),
}
# Another outlet's copy of the first version: the same story, another address.
COPY = {
    **FIRST,
    "url": "https://bay-post.example/ferry-strike",
    "outlet": "Bay Post",
    "published": "2025-05-01T10:00:00Z",
    "text": FIRST["text"] + "\n\nReporting by the Bay Post desk.",
}

ENV = {"CLAIMLEDGER_CONFIG": "/nonexistent"}


def _run(db: str, *args: str) -> str:
    res = CliRunner().invoke(app, ["--db", db, *args], env=ENV)
    assert res.exit_code == 0, res.output
    return str(res.stdout)


def _ingest(db: str, folder: Path, *stories: dict[str, str]) -> str:
    src = folder / f"stories{len(list(folder.glob('*.jsonl')))}.jsonl"
    src.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    res = CliRunner().invoke(app, ["--db", db, "ingest", str(src)], env=ENV)
    assert res.exit_code == 0, res.output
    return str(res.output)


def _articles(db: str) -> list[dict[str, Any]]:
    return list(json.loads(_run(db, "articles", "--format", "json")))


def _claims(db: str) -> list[dict[str, Any]]:
    return list(json.loads(_run(db, "claims", "--format", "json")))


def _strike_claim(claims: list[dict[str, Any]]) -> dict[str, Any]:
    # "its" is the speaker's (PR_POSSESSIVE): "All of Russia's defence ministry's units ..."
    [claim] = [
        c for c in claims if c["text"].startswith("All of") and "units had left" in c["text"]
    ]
    return claim


def test_an_edited_story_is_a_revision_with_its_diff_and_correction(
    ledger_url: str, tmp_path: Path
) -> None:
    from claimledger.pipeline.views import article_detail
    from claimledger.store.ledger import Ledger

    _ingest(ledger_url, tmp_path, FIRST)
    before = _strike_claim(_claims(ledger_url))
    assert all("removed_in" not in ev for ev in before["evidence"])

    said = _ingest(ledger_url, tmp_path, EDITED)
    arts = _articles(ledger_url)
    assert len(arts) == 2
    first_id = next(a["id"] for a in arts if a["text"] == FIRST["text"])
    edit_id = next(a["id"] for a in arts if a["text"] == EDITED["text"])
    assert next(a for a in arts if a["id"] == edit_id)["published"].startswith("2025-05-01T18:30")
    assert f"note: {edit_id} is revision 2 of an article already stored" in said

    ledger = Ledger.open(ledger_url)
    try:
        detail = article_detail(ledger, edit_id)
        [one, two] = detail["revisions"]
        assert (one["seq"], one["article_id"], one["current"]) == (1, first_id, False)
        assert (two["seq"], two["article_id"], two["current"]) == (2, edit_id, True)
        # The announcement went; the union's sentence stayed (not linked again).
        assert any("all of its units" in st["content"] for st in two["removed"])
        assert two["unchanged"] >= 1
        assert not any("no evidence of a pull-back" in st["content"] for st in two["new"])
        [note] = two["notes"]
        assert note["rule"] == "REV_CORRECTION" and "REVW_WRONGLY" in str(note["withdraws"])
        assert note["claims"] == before["id"]
        # The first version's page shows the same chain.
        assert [r["seq"] for r in article_detail(ledger, first_id)["revisions"]] == [1, 2]
        # Statements of the revision saying what the first version said have no links.
        unchanged_links = [
            lk for lk in ledger.links(article_id=edit_id) if lk.statement_id != note["statement"]
        ]
        assert unchanged_links == []
    finally:
        ledger.close()

    after = _strike_claim(_claims(ledger_url))
    removed = [ev for ev in after["evidence"] if "removed_in" in ev]
    assert removed and all(ev["removed_in"] == edit_id for ev in removed)
    assert all(ev["removed_at"].startswith("2025-05-01T18:30") for ev in removed)
    # The correction: the outlet's own sentence, refuting, from the revision.
    [corr] = [ev for ev in after["evidence"] if ev["statement"] == note["statement"]]
    assert (corr["stance"], corr["role"], corr["outlet"]) == (
        "refutes",
        "evidence",
        "Harbour Times",
    )
    assert after["status"] != before["status"] or after["reasons"] != before["reasons"]

    explained = " ".join(_run(ledger_url, "explain", after["id"]).split())
    assert f"removed in revision {edit_id}" in explained
    assert "not counted: a later revision removed it" in explained
    # The history: the claim stood on the announcement until the edit, then the correction.
    history = explained.split("History:")[1]
    assert "2025-05-01T18:30:00+00:00 unverified -> refuted" in history

    # The API's article JSON and the dashboard's article page show the revisions.
    from fastapi.testclient import TestClient

    from claimledger.api.app import create_app
    from claimledger.config import load_config

    web = TestClient(
        create_app(db_url=ledger_url, config=load_config(environ={}, user_file=Path("/x")))
    )
    got = web.get(f"/api/articles/{first_id}")
    assert got.status_code == 200
    assert [r["article_id"] for r in got.json()["revisions"]] == [first_id, edit_id]
    page = web.get(f"/articles/{edit_id}")
    assert page.status_code == 200
    flat = " ".join(page.text.split())
    assert "Revisions" in flat and f'href="/articles/{first_id}"' in flat
    assert "removed statements" in flat and "all of its units had left" in flat
    assert "Correction withdrawing the earlier text (REV_CORRECTION)" in flat
    first_page = " ".join(web.get(f"/articles/{first_id}").text.split())
    assert f'(removed by <a href="/articles/{edit_id}">a later revision</a>)' in first_page
    claim_page = " ".join(web.get(f"/claims/{after['id']}").text.split())
    assert "(removed by a later revision on" in claim_page

    # Ingesting both versions again changes nothing.
    snapshot = (_articles(ledger_url), _claims(ledger_url))
    _ingest(ledger_url, tmp_path, FIRST, EDITED)
    assert (_articles(ledger_url), _claims(ledger_url)) == snapshot

    # A third revision keeps the note and adds a paragraph: the correction stays evidence,
    # and the note is not recorded again.
    third = {
        **EDITED,
        "published": "2025-05-02T08:00:00Z",
        "text": EDITED["text"] + "\n\nThe crossing at the river reopened on Wednesday.",
    }
    _ingest(ledger_url, tmp_path, third)
    kept = _strike_claim(_claims(ledger_url))
    [corr3] = [ev for ev in kept["evidence"] if ev["statement"] == note["statement"]]
    assert "removed_in" not in corr3
    assert (kept["status"], kept["reasons"]) == (after["status"], after["reasons"])
    ledger = Ledger.open(ledger_url)
    try:
        revs = article_detail(ledger, first_id)["revisions"]
    finally:
        ledger.close()
    assert [r["seq"] for r in revs] == [1, 2, 3]
    assert revs[2]["notes"] == [] and revs[2]["removed"] == []


def test_syndicated_copies_keep_their_origin_across_revisions(
    ledger_url: str, tmp_path: Path
) -> None:
    _ingest(ledger_url, tmp_path, FIRST, COPY)
    _ingest(ledger_url, tmp_path, EDITED)
    arts = _articles(ledger_url)
    assert len(arts) == 3
    assert len({a["origin"] for a in arts}) == 1
    # A copy of the edited text published elsewhere later joins the same origin too.
    _ingest(
        ledger_url,
        tmp_path,
        {
            **EDITED,
            "url": "https://bay-post.example/ferry-strike-2",
            "outlet": "Bay Post",
            "published": "2025-05-02T08:00:00Z",
            "text": EDITED["text"] + " Bay Post.",
        },
    )
    arts = _articles(ledger_url)
    assert len(arts) == 4 and len({a["origin"] for a in arts}) == 1
