"""The review of one claim in headless Chromium (Selenium + Debian's chromium-driver).

The sample ledger is built by the real pipeline (spaCy, MiniLM, stance model) from the
first articles of ``data/sample`` with ``policy.suggest_below = 0.8``, so that the
stance model's less confident links are suggestions. An analyst created with the CLI
signs in with its own token and reviews the claim the review queue puts first: rejects a
wrong link, confirms the suggestion that settles it, changes a stance, merges a duplicate
claim into it and overrides its status with a reason. The status and the timeline change
at each step, and all of it survives ``claimledger recompute`` and ``claimledger ingest``
of the rest of the sample articles. Last, it sets the claim's parties with the panel's form.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_factories import SAMPLE  # noqa: E402
from browsing import SHOTS, Server, replaced  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FIRST = 14  # articles in the ledger before the review; the rest come after it
SERVER_TOKEN = "browser-review-server-token-0123456789"


def cli(*args: str) -> str:
    from typer.testing import CliRunner

    from claimledger.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def site() -> Iterator[dict[str, Any]]:
    from claimledger.config import load_config

    tmp = Path(tempfile.mkdtemp(prefix="claimledger-review-"))
    conf = tmp / "config.toml"
    conf.write_text(
        f'[extract]\nactors_file = "{SAMPLE / "actors.yaml"}"\n\n[policy]\nsuggest_below = 0.8\n',
        encoding="utf-8",
    )
    lines = (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    (tmp / "first.jsonl").write_text("\n".join(lines[:FIRST]) + "\n", encoding="utf-8")
    (tmp / "later.jsonl").write_text("\n".join(lines[FIRST:]) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp / 'ledger.db'}"
    base = ["--db", url, "--config", str(conf)]
    cli(*base, "ingest", str(tmp / "first.jsonl"))
    made = json.loads(cli(*base, "review", "analyst", "add", "alice", "--role", "reviewer"))
    server = Server(url, load_config(user_file=conf), token=SERVER_TOKEN)
    yield {
        "server": server,
        "token": made["token"],
        "base": base,
        "later": tmp / "later.jsonl",
        "url": url,
    }
    server.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def submit(browser: Any, form: Any, reason: str, **fields: str) -> None:
    """Fill a review form (reason and other fields), submit it, wait for the next page."""
    from selenium.webdriver.support.ui import Select, WebDriverWait

    for name, value in fields.items():
        element = form.find_element("name", name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)
    form.find_element("name", "reason").send_keys(reason)
    button = form.find_element("css selector", "button")
    button.click()
    WebDriverWait(browser, 30).until(replaced(button))
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def status_of(browser: Any) -> str:
    return str(browser.find_element("css selector", "dl.facts .badge").text)


def decisions(browser: Any) -> list[tuple[str, str]]:
    return [
        (str(li.get_attribute("class")), str(li.text))
        for li in browser.find_elements("css selector", "ol.decisions li.decision")
    ]


def link_rows(browser: Any) -> dict[str, Any]:
    return {
        str(r.get_attribute("data-link")): r
        for r in browser.find_elements("css selector", "tr.review-link")
    }


def row_form(browser: Any, link: str, kind: str) -> Any:
    return browser.find_element("css selector", f"tr#review-{link} form.{kind}")


def test_review_one_claim_in_the_browser(browser: Any, site: dict[str, Any]) -> None:
    base = site["server"].base
    # Sign in with the analyst's own token.
    browser.get(base + "/login")
    browser.find_element("name", "token").send_keys(site["token"])
    button = browser.find_element("css selector", "form.login button")
    button.click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda b: "/review/queue" in b.current_url)
    # The queue: the most consequential suggestion first.
    first = browser.find_element("css selector", "tr.queue-item")
    assert "changes" in str(first.get_attribute("class"))
    target_link = str(first.get_attribute("data-link"))
    settles_to = first.find_elements("css selector", ".badge")[-1].text
    browser.save_screenshot(str(SHOTS / "review-queue.png"))
    first.find_element("css selector", "a.claim-link").click()
    WebDriverWait(browser, 30).until(lambda b: "/claims/" in b.current_url)
    claim_url = browser.current_url.split("#")[0]
    claim_id = claim_url.rsplit("/", 1)[1]
    before = status_of(browser)
    assert before != settles_to
    assert "Acting as" in browser.find_element("css selector", "section.review").text
    machine = [d for d in decisions(browser) if "by-machine" in d[0]]
    assert machine and not [d for d in decisions(browser) if "by-analyst" in d[0]]

    # 1. Reject a wrong link: one the confirmation does not need, taking a side.
    rows = link_rows(browser)
    wrong = next(
        lk
        for lk, row in rows.items()
        if lk != target_link and row.find_element("css selector", ".stance").text == "refutes"
    )
    submit(
        browser, row_form(browser, wrong, "reject"), "about shelling elsewhere, not this withdrawal"
    )
    assert wrong not in link_rows(browser)
    assert any("reject_link" in text for _, text in decisions(browser))

    # 2. Confirm the suggestion: the claim settles as the queue said.
    assert (
        link_rows(browser)[target_link].find_element("css selector", ".review-mark").text
        == "suggestion"
    )
    submit(
        browser,
        row_form(browser, target_link, "confirm"),
        "the monitors' report is about this claim",
    )
    assert (
        link_rows(browser)[target_link].find_element("css selector", ".review-mark").text
        == "confirmed"
    )
    assert status_of(browser) == settles_to

    # 3. Change a stance: another link read the other way.
    rows = link_rows(browser)
    other = next(lk for lk in rows if lk not in (target_link,))
    old_stance = rows[other].find_element("css selector", ".stance").text
    new_stance = "discusses" if old_stance != "discusses" else "supports"
    submit(
        browser, row_form(browser, other, "stance"), "it only mentions the claim", stance=new_stance
    )
    row = link_rows(browser)[other]
    assert row.find_element("css selector", ".stance").text == new_stance
    assert row.find_element("css selector", ".review-mark").text == "confirmed"

    # 4. Merge a duplicate: another claim of the same story, merged into this one.
    found = json.loads(
        __import__("httpx")
        .get(f"{base}/api/claims", params={"q": "pulling back", "limit": 50})
        .text
    )["items"]
    duplicate = next(c["id"] for c in found if c["id"] != claim_id)
    evidence_before = len(browser.find_elements("css selector", "tr.ev"))
    browser.get(f"{base}/claims/{duplicate}")
    submit(
        browser,
        browser.find_element("css selector", "form.review-form.merge"),
        "the same withdrawal announcement",
        into=claim_id,
    )
    assert f"Merged into {claim_id}" in browser.find_element("css selector", "section.review").text
    browser.get(claim_url)
    assert len(browser.find_elements("css selector", "tr.ev")) > evidence_before

    # 5. Override the status with a reason: shown as an override, the computed status beside it.
    computed = status_of(browser)
    override_to = "contested" if computed != "contested" else "unverified"
    submit(
        browser,
        browser.find_element("css selector", "form.review-form.override"),
        "the ministry's footage and the monitors disagree",
        status=override_to,
    )
    assert status_of(browser) == override_to
    note = browser.find_element("css selector", "p.override").text
    assert f"computed: {computed}" in note and "alice" in note
    timeline = decisions(browser)
    analyst = [text for cls, text in timeline if "by-analyst" in cls]
    assert len(analyst) >= 5 and any(override_to in t for t in analyst)
    # The timeline draws the analyst's status change apart from the machine's.
    assert browser.find_elements("css selector", "svg.timeline g.rule.by-analyst")
    assert browser.find_elements("css selector", "svg.timeline g.rule.by-machine")
    history = browser.find_elements("css selector", "ol.history li")
    assert override_to in history[-1].text and "analyst:alice" in history[-1].text
    browser.save_screenshot(str(SHOTS / "review-claim.png"))
    reviewed = {
        "status": status_of(browser),
        "links": {
            lk: (
                r.find_element("css selector", ".stance").text,
                r.find_element("css selector", ".review-mark").text,
            )
            for lk, r in link_rows(browser).items()
        },
        "analyst": analyst,
    }

    # Recompute from the command line: nothing of the review is undone.
    cli(*site["base"], "recompute")
    browser.get(claim_url)
    assert status_of(browser) == reviewed["status"]
    assert wrong not in link_rows(browser)
    assert {
        lk: (
            r.find_element("css selector", ".stance").text,
            r.find_element("css selector", ".review-mark").text,
        )
        for lk, r in link_rows(browser).items()
    } == reviewed["links"]
    assert [t for c, t in decisions(browser) if "by-analyst" in c] == analyst

    # More articles: the machine links them; the review holds.
    cli(*site["base"], "ingest", str(site["later"]))
    browser.get(claim_url)
    assert status_of(browser) == override_to
    rows = link_rows(browser)
    assert wrong not in rows
    assert rows[target_link].find_element("css selector", ".review-mark").text == "confirmed"
    assert rows[other].find_element("css selector", ".stance").text == new_stance
    assert "computed: " in browser.find_element("css selector", "p.override").text
    browser.get(f"{base}/claims/{duplicate}")
    assert f"Merged into {claim_id}" in browser.find_element("css selector", "section.review").text
    # 6. Set the claim's parties with the panel's form: kept, shown, filed under the claim.
    browser.get(claim_url)
    submit(
        browser,
        browser.find_element("css selector", "form.review-form.parties"),
        "the claim is about Varnia's own troops",
        parties="varnia",
    )
    field = browser.find_element("css selector", "form.review-form.parties input[name=parties]")
    assert field.get_attribute("value") == "varnia"
    assert any(
        "set_parties" in t and "varnia" in t for c, t in decisions(browser) if "analyst" in c
    )
    browser.get(f"{base}/review/audit")
    authors = {a.text for a in browser.find_elements("css selector", "tr.audit-row td.author")}
    assert "alice" in authors
    browser.save_screenshot(str(SHOTS / "review-audit.png"))
    logs = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not logs, json.dumps(logs)[:500]
