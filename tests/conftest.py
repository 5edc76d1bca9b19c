"""Shared fixtures: real models loaded once per session, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests_stores import PgServer, Stores  # type: ignore[import-not-found]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("CLAIMLEDGER_DATASETS", ROOT.parent / "shared" / "datasets"))
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from claimledger.extract.attribution import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def embedder() -> Any:
    from claimledger.link.embeddings import get_embedder

    return get_embedder()


# A clone of the repository alone has no research data sets: the tests that need them are
# skipped with one reason line. CI (.ci/run) sets CLAIMLEDGER_REQUIRE_DATASETS=1, so that a
# missing folder fails there and every quality gate is enforced.
REQUIRE_DATASETS = os.environ.get("CLAIMLEDGER_REQUIRE_DATASETS", "") not in ("", "0")
MISSING_DATASETS = f"research data sets not found at {DATASETS}"
SKIP_DATASETS = (
    f"{MISSING_DATASETS} (README: Data sets; set CLAIMLEDGER_DATASETS to their folder, "
    "or CLAIMLEDGER_REQUIRE_DATASETS=1 to fail instead)"
)


@pytest.fixture(scope="session")
def datasets() -> Path:
    """The research data sets folder (README, "Data sets"); skipped, or failed in CI, when absent."""
    if not DATASETS.is_dir():
        if REQUIRE_DATASETS:
            pytest.fail(f"{MISSING_DATASETS}, and CLAIMLEDGER_REQUIRE_DATASETS is set")
        pytest.skip(SKIP_DATASETS)
    return DATASETS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Report every data set skip at the fixture, so that pytest folds them into one line.

    pytest reports a skip raised in a fixture at each test; the summary would repeat the
    same reason once per test file.
    """
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and longrepr[2].endswith(SKIP_DATASETS):
        report.longrepr = (__file__, None, longrepr[2])
    return report


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    server = PgServer()
    yield server
    server.close()


STORES = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=(*STORES, "both"),
        default=os.environ.get("CLAIMLEDGER_TEST_STORE", "both"),
        help="which store every store-backed test runs on (default both; "
        "env CLAIMLEDGER_TEST_STORE)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a store (directly or through a fixture) on each backend."""
    if "store" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("store")
    backends = STORES if chosen == "both" else (chosen,)
    metafunc.parametrize(
        "store",
        [
            pytest.param(b, marks=pytest.mark.integration) if b == "postgresql" else b
            for b in backends
        ],
        indirect=True,
        scope="session",
    )


@pytest.fixture(scope="session")
def store(request: pytest.FixtureRequest) -> str:
    """The backend under test: ``sqlite`` or ``postgresql`` (parametrised, see above)."""
    return str(request.param)


@pytest.fixture(scope="session")
def stores(
    store: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Stores:
    """Factory of stores on the backend under test."""
    server = request.getfixturevalue("pg") if store == "postgresql" else None
    return Stores(store, tmp_path_factory, server)


@pytest.fixture
def ledger_url(stores: Stores) -> str:
    """A fresh, empty store URL on the backend under test."""
    return stores.new()


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Any]:
    from claimledger.store.ledger import Ledger

    led = Ledger.open(ledger_url)
    yield led
    led.close()


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Iterator[Any]:
    from claimledger.store.ledger import Ledger

    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield led
    led.close()


@pytest.fixture(scope="session")
def config() -> Any:
    from claimledger.config import load_config

    return load_config(environ={}, user_file=Path("/nonexistent"))
