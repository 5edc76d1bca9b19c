"""Fixtures of the review tests: the small ledger served with reader and reviewer analysts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from review_factories import Built, build_small, make_config

from claimledger.review.analysts import add_analyst
from claimledger.store.ledger import Ledger

TOKEN = "server-token-0123456789-abcdefghij"


@pytest.fixture
def site(stores: Any) -> Iterator[tuple[Any, Built, dict[str, str]]]:
    from claimledger.api.app import create_app

    config = make_config()
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    tokens = {
        r: add_analyst(ledger, f"{r}-one", r, created_by="test")[1] for r in ("reader", "reviewer")
    }
    ledger.close()
    app = create_app(db_url=built.url, config=config, token=TOKEN)

    def browser() -> TestClient:
        return TestClient(app, raise_server_exceptions=False, follow_redirects=False)

    yield browser, built, tokens
