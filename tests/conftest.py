"""Shared fixtures: real models loaded once per session, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("CLAIMLEDGER_DATASETS", ROOT.parent / "shared" / "datasets"))
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"
PG_BIN = Path(os.environ.get("CLAIMLEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.fixture(scope="session")
def nlp() -> Any:
    from claimledger.extract.attribution import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def embedder() -> Any:
    from claimledger.link.embeddings import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def datasets() -> Path:
    if not DATASETS.exists():
        pytest.fail(f"datasets not found at {DATASETS} (set CLAIMLEDGER_DATASETS)")
    return DATASETS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A private PostgreSQL cluster on loopback, started from Debian's binaries."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.fail(f"PostgreSQL server binaries not found in {PG_BIN}: run `make system-deps`")
        self.root = Path(tempfile.mkdtemp(prefix="claimledger-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.log = self.root / "pg.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.sock.mkdir()
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self._run(f"{PG_BIN}/initdb -D {self.data} -U postgres --auth=trust -E UTF8 >/dev/null")
        self.start()

    def _run(self, cmd: str) -> None:
        full = ["su", "postgres", "-c", cmd] if self.as_root else ["bash", "-c", cmd]
        subprocess.run(full, check=True, cwd="/tmp")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run(f'{PG_BIN}/pg_ctl -D {self.data} -w -l {self.log} -o "{opts}" start >/dev/null')

    def stop(self, mode: str = "fast") -> None:
        self._run(f"{PG_BIN}/pg_ctl -D {self.data} -m {mode} -w stop >/dev/null")

    def url(self, db: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    server = PgServer()
    yield server
    server.close()


_DB_COUNTER = iter(range(10_000))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store URL: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    server: PgServer = request.getfixturevalue("pg")
    url = server.create_db(f"t{next(_DB_COUNTER)}_{os.getpid()}")
    return "postgresql+psycopg://" + url[len("postgresql://") :]


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
