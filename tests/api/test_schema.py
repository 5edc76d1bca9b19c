"""Property-based API test: schemathesis drives every route of /openapi.json (bounded)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from api_factories import build_small, make_config
from hypothesis import HealthCheck, settings

from claimledger.api.app import create_app

# Built at collection: schemathesis parametrizes from a schema it can load then.
# (``schemathesis.pytest.from_fixture`` fails under pytest 9.)
_CONFIG = make_config(page_size=3, max_page_size=20)
_BUILT = build_small(Path(tempfile.mkdtemp(prefix="claimledger-schema-")) / "ledger.db", _CONFIG)
APP = create_app(db_url=_BUILT.url, config=_CONFIG, token="schema-token")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # No server errors, documented status codes and content types, responses matching
    # their schemas (every 4xx declares the one error shape).
    case.call_and_validate()
