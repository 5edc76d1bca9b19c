"""Dashboard pages over the small ledger: content, filters, escaping, watchlist forms."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests_stores import Stores  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_factories import (  # noqa: E402
    HOSTILE_CLAIM,
    HOSTILE_OUTLET,
    HOSTILE_SPEAKER,
    HOSTILE_TITLE,
    LONG_TOKEN,
    Built,
    build_small,
    make_config,
)

from claimledger.config import Config  # noqa: E402

TOKEN = "page-token-0123456789"
# Elements the dashboard itself never emits; hostile text must not create them.
FOREIGN_TAGS = {"script", "iframe", "img", "style", "object", "embed", "b", "base", "meta", "link"}


class Elements(HTMLParser):
    """Every element and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main = True
        if self.in_main:
            self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False


@pytest.fixture(scope="module")
def config() -> Config:
    return make_config(page_size=2, max_page_size=50)


@pytest.fixture(scope="module")
def built(stores: Stores, config: Config) -> Built:
    return build_small(stores.new(), config)


@pytest.fixture(scope="module")
def pages(built: Built, config: Config) -> Iterator[TestClient]:
    from claimledger.api.app import create_app

    with TestClient(
        create_app(db_url=built.url, config=config, token=TOKEN), raise_server_exceptions=False
    ) as c:
        yield c


def assert_inert(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    parser.close()
    assert parser.tags, "page has a <main>"
    for tag, attrs in parser.tags:
        assert tag not in FOREIGN_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {
                "class",
                "id",
                "href",
                "name",
                "value",
                "type",
                "method",
                "action",
                "placeholder",
                "maxlength",
                "selected",
                "role",
                "aria-label",
                "viewbox",
                "width",
                "height",
                "xmlns",
                "x",
                "y",
                "x1",
                "x2",
                "y1",
                "y2",
                "cx",
                "cy",
                "r",
                "text-anchor",
                "title",
                "rel",
                "disabled",
                "autocomplete",
                "required",
                "colspan",
            }, (tag, name)
            if name in {"href", "action"}:
                assert (
                    value.startswith(("/", "#", "?"))
                    or value.startswith(("http://", "https://"))
                    and tag == "a"
                ), value
    assert "<script" not in html  # no script at all, ours included


def test_ledger_page_lists_claims_with_badges_and_counts(pages: TestClient, built: Built) -> None:
    resp = pages.get("/?limit=10")
    assert resp.status_code == 200
    html = resp.text
    assert html.count('class="claim-row"') == 3
    assert '<span class="badge badge-refuted">refuted</span>' in html
    assert "Varnian Defence Ministry" in html and "02 Mar 2025" in html
    row = html.split(f'href="/claims/{built.claims["withdrawal"]}"')[0].rsplit(
        '<tr class="claim-row">', 1
    )[1]
    assert "badge-refuted" in row
    after = html.split(f'href="/claims/{built.claims["withdrawal"]}"')[1].split("</tr>")[0]
    assert re.search(r'class="num pro">0<.*class="num con">2<', after, re.S)
    assert_inert(html)


def test_ledger_filters_and_pages(pages: TestClient, built: Built) -> None:
    html = pages.get("/", params={"status": "refuted"}).text
    assert html.count('class="claim-row"') == 1 and built.claims["withdrawal"] in html
    assert '<option value="refuted" selected>' in html
    html = pages.get("/", params={"q": "pontoon"}).text
    assert html.count('class="claim-row"') == 1 and built.claims["bridge"] in html
    html = pages.get("/", params={"since": "2025-03-05", "until": ""}).text
    assert html.count('class="claim-row"') == 2
    html = pages.get("/", params={"outlet": "Orbisight Imaging", "limit": "10"}).text
    assert html.count('class="claim-row"') == 2
    first = pages.get("/").text
    assert first.count('class="claim-row"') == 2 and 'rel="next"' in first
    nxt = re.search(r'rel="next" href="([^"]+)"', first)
    assert nxt is not None
    second = pages.get(nxt.group(1).replace("&amp;", "&")).text
    assert second.count('class="claim-row"') == 1 and 'rel="prev"' in second


@pytest.mark.parametrize("query", ["since=yesterday", "status=bogus", "limit=0", "offset=x"])
def test_bad_filter_values_give_the_error_shape(pages: TestClient, query: str) -> None:
    resp = pages.get(f"/?{query}")
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "E402"


@pytest.mark.parametrize("q", ["' OR 1=1 --", "%", "_", "</select><script>alert(1)</script>"])
def test_search_terms_are_inert(pages: TestClient, q: str) -> None:
    html = pages.get("/", params={"q": q}).text
    assert_inert(html)


def test_claim_page(pages: TestClient, built: Built) -> None:
    cid = built.claims["withdrawal"]
    html = pages.get(f"/claims/{cid}").text
    assert "Varnian troops are pulling back from the border with Ostrela." in html
    assert '<svg class="timeline"' in html
    assert html.count('class="dot st-refutes independent"') == 3
    assert 'class="dot st-supports"' in html
    assert "INDEPENDENT_REFUTATION(2)" in html
    assert '<ol class="history">' in html and "badge-refuted" in html
    assert f'href="/articles/{built.articles["jbmm"]}#s-{built.statements["jbmm0"]}"' in html
    assert "Joint Border Monitoring Mission" in html and "Orbisight Imaging" in html
    assert "Kiran Dahl" in html


def test_article_page_highlights_attributions(pages: TestClient, built: Built) -> None:
    html = pages.get(f"/articles/{built.articles['jbmm']}").text
    sid = built.statements["jbmm0"]
    assert (
        f'<span class="stmt stmt-attributed" id="s-{sid}"><span class="hl-source">Monitors</span>'
        in html
    )
    assert '<span class="hl-cue">reported</span>' in html
    assert (
        '<span class="hl-content">no Varnian unit had left its positions near Kasto</span>' in html
    )
    assert f'href="/claims/{built.claims["withdrawal"]}"' in html


def test_hostile_article_is_inert(pages: TestClient, built: Built) -> None:
    html = pages.get(f"/articles/{built.articles['hostile']}").text
    assert_inert(html)
    assert "&lt;script&gt;window.__pwned=" in html
    assert LONG_TOKEN in html
    # The javascript: URL of the article is not a link.
    assert 'href="javascript' not in html.lower()
    assert 'class="hl-content"' in html and 'class="hl-source"' in html


@pytest.mark.parametrize("which", ["claim", "ledger", "actor", "bridge"])
def test_hostile_claim_speaker_and_outlet_are_inert(
    pages: TestClient, built: Built, which: str
) -> None:
    path = {
        "claim": f"/claims/{built.claims['hostile']}",
        "bridge": f"/claims/{built.claims['bridge']}",
        "ledger": "/?limit=10",
        "actor": "/actors",
    }[which]
    html = pages.get(path).text
    assert_inert(html)
    for raw in (HOSTILE_CLAIM, HOSTILE_OUTLET, HOSTILE_SPEAKER, HOSTILE_TITLE):
        assert raw not in html


def test_actor_pages(pages: TestClient) -> None:
    html = pages.get("/actors/varnia/defence-ministry").text
    assert "Varnian Defence Ministry" in html and "ministry of" in html
    assert '<span class="badge badge-refuted">refuted</span> 1' in html
    listing = pages.get("/actors").text
    assert (
        'href="/actors/varnia/defence-ministry"' in pages.get("/actors?limit=50&offset=0").text
        or "Actors" in listing
    )
    assert pages.get("/actors/nobody").status_code == 404


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m is not None
    return m.group(1)


def test_watchlist_via_the_dashboard(built: Built, config: Config, stores: Stores) -> None:
    from claimledger.api.app import create_app

    fresh = build_small(stores.new(), config)
    cid = fresh.claims["withdrawal"]
    with TestClient(
        create_app(db_url=fresh.url, config=config, token=TOKEN), raise_server_exceptions=False
    ) as c:
        page = c.get(f"/claims/{cid}")
        assert "cl_user" in page.cookies
        csrf = _csrf(page.text)
        # Not signed in: refused.
        assert (
            c.post(f"/watchlist/{cid}", data={"csrf": csrf, "action": "watch"}).status_code == 401
        )
        # Wrong token on the login form.
        assert c.post("/login", data={"csrf": csrf, "token": "nope"}).status_code == 403
        # Missing or forged CSRF value.
        assert c.post("/login", data={"csrf": "00", "token": TOKEN}).status_code == 403
        assert (
            c.post(
                "/login", data={"csrf": csrf, "token": TOKEN}, follow_redirects=False
            ).status_code
            == 303
        )
        assert TOKEN not in str(c.cookies.jar)
        assert (
            c.post(f"/watchlist/{cid}", data={"csrf": "bad", "action": "watch"}).status_code == 403
        )
        assert (
            c.post(
                f"/watchlist/{cid}", data={"csrf": csrf, "action": "watch"}, follow_redirects=False
            ).status_code
            == 303
        )
        first = c.get("/watchlist").text
        assert (
            "Varnian troops are pulling back" in first
            and 'class="changes"' in first
            and "badge-refuted" in first
        )
        again = c.get("/watchlist").text
        assert "No change since your last visit." in again
        # Another visitor has an empty watchlist.
        other = TestClient(c.app)
        assert "You watch no claims yet" in other.get("/watchlist").text
        assert (
            c.post(
                f"/watchlist/{cid}",
                data={"csrf": csrf, "action": "unwatch"},
                follow_redirects=False,
            ).status_code
            == 303
        )
        assert "You watch no claims yet" in c.get("/watchlist").text


def test_static_assets_ship_with_the_package(pages: TestClient) -> None:
    css = pages.get("/static/style.css")
    assert css.status_code == 200 and ".hl-source" in css.text
    html = pages.get("/").text
    assert not re.search(r'(src|href)="(https?:)?//', html), "no third-party asset"
