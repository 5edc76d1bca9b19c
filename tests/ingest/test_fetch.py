"""Feeds and article URLs served by a local HTTP server; the fetch limits and refusals."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimledger.config import load_config
from claimledger.errors import Code, IngestError
from claimledger.ingest.fetch import FetchOptions, check_url, fetch
from claimledger.pipeline.watch import poll_once
from claimledger.store.ledger import Ledger

BODY = "The ministry said troops were returning to base. " * 20
PAGE = f"<html><head><title>Troops return</title><meta property='og:site_name' content='Local News'></head><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>"


def feed(n: int) -> str:
    items = "".join(
        f"<item><title>Story {i}</title><link>http://HOST/story/{i}</link><guid>g{i}</guid>"
        f"<pubDate>Tue, 15 Feb 2022 1{i}:00:00 GMT</pubDate><description>Teaser {i}.</description></item>"
        for i in range(n)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Local Feed</title>{items}</channel></rss>"


class Site:
    """What the handler serves; tests change it between polls."""

    items = 2
    hits: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def _send(
        self, code: int, body: bytes, ctype: str = "text/html", extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Site.hits.append(self.path)
        host = self.headers["Host"]
        if self.path == "/feed.xml":
            self._send(200, feed(Site.items).replace("HOST", host).encode(), "application/rss+xml")
        elif self.path.startswith("/story/"):
            n = self.path.rsplit("/", 1)[1]
            self._send(
                200,
                PAGE.replace("Troops return", f"Troops return {n}")
                .replace("returning", f"returning ({n})")
                .encode(),
            )
        elif self.path == "/big":
            self._send(200, b"x" * 300_000, "text/plain")
        elif self.path == "/loop":
            self._send(302, b"", extra={"Location": "/loop"})
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, PAGE.encode())
        elif self.path == "/ua":
            self._send(200, (self.headers.get("User-Agent") or "").encode(), "text/plain")
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


LOCAL = FetchOptions(
    timeout=1.0,
    max_bytes=100_000,
    max_redirects=3,
    user_agent="claimledger-test/1",
    allow_private_addresses=True,
)


def test_a_name_that_resolves_privately_at_connection_time_is_refused(
    site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from claimledger.ingest import fetch as fetch_module

    # DNS rebinding: the name check saw a public address, the connection went to loopback.
    monkeypatch.setattr(fetch_module, "check_url", lambda url, allow_private: None)
    with pytest.raises(IngestError) as err:
        fetch(f"{site}/ua", options=replace(LOCAL, allow_private_addresses=False))
    assert err.value.code == Code.E111 and "127.0.0.1" in str(err.value)
    # Allowed private addresses (a local archive server) are fetched as before.
    assert fetch(f"{site}/ua", options=LOCAL).content == b"claimledger-test/1"


def test_user_agent_is_sent(site: str) -> None:
    assert fetch(f"{site}/ua", options=LOCAL).content == b"claimledger-test/1"


@pytest.mark.parametrize(
    ("path", "code"),
    [("/big", "E105"), ("/loop", "E107"), ("/slow", "E107"), ("/missing", "E107")],
)
def test_limits(site: str, path: str, code: str) -> None:
    with pytest.raises(IngestError) as err:
        fetch(f"{site}{path}", options=LOCAL)
    assert err.value.code.name == code


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "gopher://x",
        "javascript:alert(1)",
        "http:///nohost",
    ],
)
def test_non_http_schemes_refused(url: str) -> None:
    with pytest.raises(IngestError) as err:
        check_url(url, allow_private=True)
    assert err.value.code.name == "E111"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/x",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest",
    ],
)
def test_private_addresses_refused_by_default(url: str) -> None:
    with pytest.raises(IngestError) as err:
        check_url(url, allow_private=False)
    assert err.value.code.name == "E111"


def test_ingest_article_url_and_feed_then_watch(site: str, tmp_path: Path, ledger_url: str) -> None:
    config = load_config(
        environ={"CLAIMLEDGER_INGEST__ALLOW_PRIVATE_ADDRESSES": "true"},
        user_file=tmp_path / "none.toml",
    )
    ledger = Ledger.open(ledger_url)
    Site.items = 2
    added, failures = poll_once([f"{site}/feed.xml"], ledger=ledger, config=config, analyse=False)
    assert (added, failures) == (2, [])
    arts = ledger.articles()
    assert sorted(a.title or "" for a in arts) == [
        "Troops return 0",
        "Troops return 1",
    ]  # teasers completed from the pages
    assert all(a.published is not None for a in arts)
    Site.items = 3
    Site.hits.clear()
    added, _ = poll_once([f"{site}/feed.xml"], ledger=ledger, config=config, analyse=False)
    assert added == 1
    assert "/story/0" not in Site.hits  # seen entries are not fetched again
    ledger.close()


def test_refused_url_is_a_recorded_failure(tmp_path: Path, ledger_url: str) -> None:
    from claimledger.ingest.sources import Defaults
    from claimledger.pipeline.local import store_sources

    config = load_config(environ={}, user_file=tmp_path / "none.toml")
    ledger = Ledger.open(ledger_url)
    report = store_sources(
        ["http://127.0.0.1:9/x"], ledger=ledger, config=config, defaults=Defaults(), run_id="r"
    )
    assert [f.code for f in report.failures] == ["E111"]
    assert [f.code for f in ledger.failures()] == ["E111"]
    ledger.close()
