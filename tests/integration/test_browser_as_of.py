"""The dashboard's "As of" date in headless Chromium, on the small hand-built ledger.

The withdrawal claim is asserted on 2 March and refuted by the monitors on 4 March; the
bridge claim is first seen on 7 March. Set the ledger page's date to 3 March: only the
withdrawal claim is listed, unverified; its page, reached by its link, keeps the date.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The browser fixture, the server and the small ledger's builder of the walk-through tests.
from browsing import Server
from test_browser import (
    Built,
    build_small,
    make_config,
    no_script_ran,
    shot,
    wait_for,
)

from tests_stores import Stores  # type: ignore[import-not-found]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def small_server(stores: Stores) -> Iterator[tuple[Server, Built]]:
    config = make_config(page_size=50)
    built = build_small(stores.new(), config)
    server = Server(built.url, config, dev=True)
    yield server, built
    server.stop()


def test_ledger_and_claim_as_of_a_date(browser: Any, small_server: tuple[Server, Built]) -> None:
    server, built = small_server
    browser.get(server.base + "/")
    listed = {
        a.get_attribute("href").rsplit("/", 1)[-1]
        for a in browser.find_elements("css selector", "tr.claim-row a.claim-link")
    }
    assert listed == set(built.claims.values())

    # Type the date into the form's date field (set as a browser would) and filter.
    field = browser.find_element("css selector", "form.filters input[name=as_of]")
    browser.execute_script("arguments[0].value = '2025-03-03'", field)
    browser.find_element("css selector", "form.filters button").click()
    wait_for(browser, "as_of=2025-03-03")
    rows = browser.find_elements("css selector", "tr.claim-row")
    assert len(rows) == 1
    assert rows[0].find_element("css selector", ".badge").text == "unverified"
    assert "as it stood on 2025-03-03" in browser.find_element("css selector", "p.as-of").text
    no_script_ran(browser)
    shot(browser, "ledger-as-of")

    # The claim's link carries the date; its page shows the claim as it stood then.
    rows[0].find_element("css selector", "a.claim-link").click()
    wait_for(browser, f"/claims/{built.claims['withdrawal']}?as_of=2025-03-03")
    status = browser.find_element("css selector", "dl.facts .badge").text
    assert status == "unverified"
    history = browser.find_elements("css selector", "ol.history li")
    assert history and "refuted" not in " ".join(h.text for h in history)
    field = browser.find_element("css selector", "form.as-of input[name=as_of]")
    assert field.get_attribute("value") == "2025-03-03"
    no_script_ran(browser)

    # Clearing the date goes back to today: refuted.
    browser.find_element("css selector", "form.as-of a.reset").click()
    wait_for(browser, f"/claims/{built.claims['withdrawal']}")
    assert browser.find_element("css selector", "dl.facts .badge").text == "refuted"
