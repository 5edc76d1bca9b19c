"""Fixtures of the API tests: a small hand-built ledger and clients over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from api_factories import TOKEN, Built, build_small, make_config
from fastapi.testclient import TestClient

from claimledger.config import Config
from tests_stores import Stores  # type: ignore[import-not-found]


@pytest.fixture(scope="session")
def api_config() -> Config:
    return make_config(page_size=2, max_page_size=50)


@pytest.fixture(scope="session")
def small(stores: Stores, api_config: Config) -> Built:
    """The small ledger on the store under test (read-only tests share it)."""
    return build_small(stores.new(), api_config)


def _client(url: str, config: Config, *, token: str | None, dev: bool) -> Iterator[TestClient]:
    from claimledger.api.app import create_app

    app = create_app(db_url=url, config=config, dev=dev, token=token)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def client(small: Built, api_config: Config) -> Iterator[TestClient]:
    """A client of a server with a token set (read-only use)."""
    yield from _client(small.url, api_config, token=TOKEN, dev=False)


@pytest.fixture(scope="session")
def template(stores: Stores, api_config: Config) -> Built:
    return build_small(stores.new(), api_config)


@pytest.fixture
def fresh(stores: Stores, template: Built) -> Built:
    """A private copy of the small ledger for tests that write."""
    return replace(template, url=stores.copy(template.url))


@pytest.fixture
def writer(fresh: Built, api_config: Config) -> Iterator[TestClient]:
    """A client with a token set over a private ledger."""
    yield from _client(fresh.url, api_config, token=TOKEN, dev=False)


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
