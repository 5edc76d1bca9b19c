"""The real dashboard in headless Chromium (Selenium + Debian's chromium-driver).

Two servers on free loopback ports, each uvicorn in a thread:

* the sample ledger, built by the real pipeline (spaCy, MiniLM, stance model)
  from a subset of ``data/sample``: load the ledger, filter, open a claim, see
  its timeline and reasons, open the highlighted article;
* the small hand-built ledger whose article, claim, outlet and speaker carry
  hostile content: every page must render it inert (no script runs, no foreign
  element or handler is created).

Screenshots of the main pages go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browsing import SHOTS, Server, replaced

from tests_stores import Stores  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_factories import HOSTILE_TITLE, LONG_TOKEN, SAMPLE, Built, build_small, make_config  # noqa: E402

pytestmark = pytest.mark.integration

# Sample articles around the withdrawal claim (its assertion, wire copies, monitors' and
# satellite reports) and the drone claim: enough for settled statuses and a timeline.
SAMPLE_KEYS = 14


def shot(driver: Any, name: str) -> None:
    # Full-page: widen the window to the document height for the capture.
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    driver.set_window_size(1280, max(800, int(height) + 40))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def no_script_ran(driver: Any, title: str | None = None) -> None:
    """Fail if any injected script ran or created what the page must not contain."""
    from selenium.common.exceptions import NoAlertPresentException

    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    if title is not None:
        assert driver.title == title
    assert "PWNED" not in driver.title
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"an alert opened: {text}")
    except NoAlertPresentException:
        pass
    found = driver.execute_script(
        """
        const bad = [];
        for (const el of document.querySelectorAll('main *')) {
          const tag = el.tagName.toLowerCase();
          if (['script','iframe','img','style','object','embed','base','meta','link'].includes(tag)) bad.push(tag);
          for (const a of el.attributes) {
            if (a.name.startsWith('on')) bad.push(tag + '[' + a.name + ']');
            if (['href','src','action','xlink:href'].includes(a.name) && /^\\s*javascript:/i.test(a.value)) bad.push(tag + ' js-url');
          }
        }
        if (document.querySelectorAll('script').length) bad.push('script in document');
        if (getComputedStyle(document.body).display === 'none') bad.push('css injection hid the body');
        return bad;
        """
    )
    assert found == []


# -- the hostile ledger ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(stores: Stores) -> Iterator[tuple[Server, Built]]:
    """The hostile ledger served from the store under test."""
    config = make_config(page_size=50)
    built = build_small(stores.new(), config)
    server = Server(built.url, config, dev=True)
    yield server, built
    server.stop()


@pytest.mark.parametrize("page", ["article", "claim", "bridge", "ledger", "search", "watchlist"])
def test_hostile_content_is_inert(browser: Any, hostile: tuple[Server, Built], page: str) -> None:
    server, built = hostile
    path = {
        "article": f"/articles/{built.articles['hostile']}",
        "claim": f"/claims/{built.claims['hostile']}",
        "bridge": f"/claims/{built.claims['bridge']}",
        "ledger": "/",
        "search": "/?q=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
        "watchlist": "/watchlist",
    }[page]
    browser.get(server.base + path)
    no_script_ran(browser)
    if page == "article":
        heading = browser.find_element("css selector", "h1.article-title").text
        assert heading == HOSTILE_TITLE  # shown as text, verbatim
        body = browser.find_element("css selector", ".article-text")
        assert LONG_TOKEN in body.text
        # The 5000-character token wraps inside the page instead of widening it.
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1300
        assert browser.find_elements("css selector", ".article-text .hl-source")
        assert browser.find_elements("css selector", ".article-text .hl-content")
        shot(browser, "hostile-article")


def test_hostile_links_are_not_followed(browser: Any, hostile: tuple[Server, Built]) -> None:
    server, built = hostile
    browser.get(f"{server.base}/articles/{built.articles['hostile']}")
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
    )
    assert all(h.startswith(("/", "#", "http://", "https://")) for h in hrefs), hrefs
    # The CSP forbids inline script even if something slipped through.
    csp = httpx.get(f"{server.base}/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# -- the sample ledger (real pipeline) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Iterator[Server]:
    from claimledger.pipeline.local import ingest
    from claimledger.store.ledger import Ledger

    tmp = Path(tempfile.mkdtemp(prefix="claimledger-sample-"))
    config = make_config(page_size=50)
    lines = (SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    subset = tmp / "subset.jsonl"
    subset.write_text("\n".join(lines[:SAMPLE_KEYS]) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp / 'ledger.db'}"
    ledger = Ledger.open(url)
    report = ingest([str(subset), str(SAMPLE / "corpus" / "html")], ledger=ledger, config=config)
    assert report.claims > 0, report
    ledger.close()
    server = Server(url, config, dev=True)
    yield server
    server.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.slow
def wait_for(browser: Any, fragment: str) -> None:
    """Wait until a click's navigation has loaded the page whose URL holds ``fragment``."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(
        lambda b: (
            fragment in b.current_url
            and b.execute_script("return document.readyState") == "complete"
        )
    )


def test_walk_through_the_sample_ledger(browser: Any, sample: Server) -> None:
    from selenium.webdriver.support.ui import Select

    base = sample.base
    browser.get(base + "/")
    assert browser.title == "Ledger · claimledger"
    rows = browser.find_elements("css selector", "tr.claim-row")
    assert len(rows) >= 3
    statuses = {r.find_element("css selector", ".badge").text for r in rows}
    assert statuses <= {"unverified", "corroborated", "contested", "refuted", "retracted"}
    assert statuses - {"unverified"}, "some claim is settled"
    no_script_ran(browser)
    shot(browser, "ledger")

    # Filter by a settled status through the form.
    settled = sorted(statuses - {"unverified"})[0]
    Select(browser.find_element("name", "status")).select_by_value(settled)
    browser.find_element("css selector", "form.filters button").click()
    wait_for(browser, f"status={settled}")
    filtered = browser.find_elements("css selector", "tr.claim-row")
    assert filtered and all(
        r.find_element("css selector", ".badge").text == settled for r in filtered
    )
    assert f"status={settled}" in browser.current_url
    shot(browser, "ledger-filtered")

    # Search narrows the list to claims containing the words.
    word = filtered[0].find_element("css selector", "a.claim-link").text.split()[0]
    browser.get(base + "/?q=" + word)
    assert all(
        word.lower() in r.text.lower()
        for r in browser.find_elements("css selector", "tr.claim-row a.claim-link")
    )

    # Open the settled claim: timeline and reasons are there.
    browser.get(base + f"/?status={settled}")
    browser.find_element("css selector", "tr.claim-row a.claim-link").click()
    wait_for(browser, "/claims/")
    assert "/claims/" in browser.current_url
    svg = browser.find_element("css selector", "svg.timeline")
    assert svg.size["width"] > 300
    dots = browser.find_elements("css selector", "svg.timeline circle.dot")
    assert dots
    colours = {d.value_of_css_property("stroke") for d in dots}
    assert all(c not in ("none", "") for c in colours)
    reasons = browser.find_element("css selector", "dd.reasons").text
    assert reasons and reasons != "none"
    history = browser.find_elements("css selector", "ol.history li")
    assert history and settled in history[-1].text
    assert browser.find_elements("css selector", "tr.ev")
    no_script_ran(browser)
    shot(browser, "claim")

    # Follow an evidence link to the highlighted sentence in its article.
    link = browser.find_element("css selector", "a.evidence-link")
    href = link.get_attribute("href")
    assert "#s-" in href
    link.click()
    wait_for(browser, "/articles/")
    assert "/articles/" in browser.current_url
    target = href.split("#", 1)[1]
    el = browser.find_element("id", target)
    assert el.is_displayed()
    bg = el.value_of_css_property("background-color")
    assert bg in ("rgba(255, 242, 168, 1)", "rgb(255, 242, 168)"), bg  # the :target highlight
    assert browser.find_elements("css selector", ".article-text .hl-source")
    assert browser.find_elements("css selector", ".article-text .hl-cue")
    assert browser.find_elements("css selector", ".article-text .hl-content")
    styles = {
        cls: browser.find_element("css selector", f".article-text .{cls}").value_of_css_property(
            "background-color"
        )
        for cls in ("hl-source", "hl-cue", "hl-content")
    }
    assert len(set(styles.values())) == 3, styles
    no_script_ran(browser)
    shot(browser, "article")

    # The actor page of the claimant and the watchlist.
    browser.get(base + "/actors/varnia/defence-ministry")
    assert "Varnian Defence Ministry" in browser.find_element("css selector", "h1").text
    shot(browser, "actor")
    browser.back()
    browser.get(base + f"/?status={settled}")
    browser.find_element("css selector", "tr.claim-row a.claim-link").click()
    wait_for(browser, "/claims/")
    button = browser.find_element("css selector", "form.watch button")
    button.click()
    # The POST redirects back to the claim page: wait until that new page has replaced this one.
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(replaced(button))
    wait_for(browser, "/claims/")
    browser.get(base + "/watchlist")
    assert browser.find_elements("css selector", "section.watched.changed")
    shot(browser, "watchlist")
    browser.get(base + "/watchlist")
    assert "No change since your last visit." in browser.find_element("css selector", "main").text
    logs = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not logs, json.dumps(logs)[:500]
