"""POST /api/ingest reads only inside ``[ingest] allowed_dirs`` and fetches only public http(s)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_factories import TOKEN, Built, make_config
from fastapi.testclient import TestClient

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = {
    "url": "https://example.org/news/1",
    "title": "Monitors report quiet night on the Rell",
    "text": "Monitors of the Joint Border Monitoring Mission said the night along the Rell River was quiet. "
    "No shots were heard near Kasto, the monitors reported.",
    "published": "2025-03-09T08:00:00+00:00",
    "outlet": "Halden Daily",
}


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    allowed = tmp_path / "allowed"
    outside = tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "news.jsonl").write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    (outside / "secret.txt").write_text(
        "TOP SECRET outside text that must never be ingested.\n", encoding="utf-8"
    )
    return {"allowed": allowed, "outside": outside}


def _client(fresh: Built, allowed: list[str]) -> Iterator[TestClient]:
    from claimledger.api.app import create_app

    config = make_config(page_size=5, max_page_size=50)
    config.ingest.allowed_dirs = allowed
    app = create_app(db_url=fresh.url, config=config, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def ingester(fresh: Built, dirs: dict[str, Path]) -> Iterator[TestClient]:
    yield from _client(fresh, [str(dirs["allowed"])])


def post(client: TestClient, *sources: str, **extra: Any) -> Any:
    return client.post(
        "/api/ingest", json={"sources": list(sources), "analyse": False, **extra}, headers=AUTH
    )


def articles(client: TestClient) -> int:
    return int(client.get("/api/health").json()["counts"]["articles"])


def test_file_inside_the_allowed_folder_is_ingested(
    ingester: TestClient, dirs: dict[str, Path]
) -> None:
    before = articles(ingester)
    resp = post(ingester, str(dirs["allowed"] / "news.jsonl"))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert len(body["added"]) == 1 and body["failures"] == []
    assert articles(ingester) == before + 1
    again = post(ingester, str(dirs["allowed"]))
    assert again.json()["added"] == [] and len(again.json()["duplicates"]) == 1


def _refused(resp: Any, item: str | None = None) -> dict[str, str]:
    assert resp.status_code == 403, resp.text
    err = resp.json()["error"]
    assert err["code"] == "E503"
    if item is not None:
        assert err["item"] == item
    assert "TOP SECRET" not in resp.text
    return dict(err)


def test_path_outside_is_refused(ingester: TestClient, dirs: dict[str, Path]) -> None:
    before = articles(ingester)
    target = str(dirs["outside"] / "secret.txt")
    _refused(post(ingester, target), target)
    # One bad source refuses the whole request: nothing is read.
    _refused(post(ingester, str(dirs["allowed"] / "news.jsonl"), target))
    assert articles(ingester) == before


@pytest.mark.parametrize(
    "rel", ["../outside/secret.txt", "./../outside", "..", "../allowed/../outside/secret.txt"]
)
def test_dot_dot_cannot_escape(ingester: TestClient, dirs: dict[str, Path], rel: str) -> None:
    _refused(post(ingester, f"{dirs['allowed']}/{rel}"))


@pytest.mark.parametrize("target", ["/etc/passwd", "/", "~/.ssh/id_rsa", "/proc/self/environ"])
def test_system_paths_are_refused(ingester: TestClient, target: str) -> None:
    _refused(post(ingester, target))


def test_symlink_to_outside_is_refused(ingester: TestClient, dirs: dict[str, Path]) -> None:
    link = dirs["allowed"] / "innocent.txt"
    os.symlink(dirs["outside"] / "secret.txt", link)
    _refused(post(ingester, str(link)))


def test_folder_holding_a_link_to_outside_is_refused(
    ingester: TestClient, dirs: dict[str, Path]
) -> None:
    sub = dirs["allowed"] / "sub"
    sub.mkdir()
    os.symlink(dirs["outside"] / "secret.txt", sub / "story.txt")
    err = _refused(post(ingester, str(dirs["allowed"])))
    assert "story.txt" in err["message"]


def test_symlinked_allowed_folder_is_resolved(
    fresh: Built, dirs: dict[str, Path], tmp_path: Path
) -> None:
    # An allowed folder given through a link is compared after resolving it.
    alias = tmp_path / "alias"
    os.symlink(dirs["allowed"], alias)
    for client in _client(fresh, [str(alias)]):
        assert post(client, str(dirs["allowed"] / "news.jsonl")).status_code == 200
        _refused(post(client, str(dirs["outside"] / "secret.txt")))


def test_no_allowed_folders_refuses_every_path(fresh: Built, dirs: dict[str, Path]) -> None:
    for client in _client(fresh, []):
        err = _refused(post(client, str(dirs["allowed"] / "news.jsonl")))
        assert "allowed_dirs is empty" in err["message"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:/etc/passwd",
        "ftp://example.org/x",
        "gopher://example.org/",
        "data:text/plain,hi",
    ],
)
def test_non_http_urls_are_refused(ingester: TestClient, url: str) -> None:
    resp = post(ingester, url)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "E111"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_private_addresses_are_refused(ingester: TestClient, url: str) -> None:
    resp = post(ingester, url)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "E111"


@pytest.mark.parametrize(
    "body",
    [
        {"sources": []},
        {"sources": ["x"] * 101},
        {"sources": [""]},
        {"sources": "not-a-list"},
        {"sources": ["a"], "evil": 1},
    ],
)
def test_malformed_requests(ingester: TestClient, body: dict[str, Any]) -> None:
    resp = ingester.post("/api/ingest", json=body, headers=AUTH)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "E402"
