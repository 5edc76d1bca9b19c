"""Stores for tests: a private PostgreSQL cluster, and fresh or copied stores on one backend."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("CLAIMLEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
_DB_COUNTER = iter(range(100_000))


def free_port() -> int:
    """A TCP port free on loopback now."""
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
        self.port = free_port()
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


class Stores:
    """Fresh, empty stores on one backend, and copies of a filled one."""

    def __init__(self, backend: str, tmp: pytest.TempPathFactory, server: PgServer | None) -> None:
        self.backend = backend
        self.tmp = tmp
        self.server = server

    def new(self) -> str:
        """The URL of a new, empty store."""
        if self.server is None:
            return f"sqlite:///{self.tmp.mktemp('store') / 'ledger.db'}"
        return self._pg(self.server.create_db(self._name()))

    def copy(self, url: str) -> str:
        """A private copy of the (closed) store at ``url``."""
        if self.server is None:
            src = Path(url[len("sqlite:///") :])
            dst = self.tmp.mktemp("store") / "ledger.db"
            for suffix in ("", "-wal"):
                if Path(f"{src}{suffix}").exists():
                    shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
            return f"sqlite:///{dst}"
        import psycopg

        name = self._name()
        with psycopg.connect(self.server.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return self._pg(self.server.url(name))

    @staticmethod
    def _name() -> str:
        return f"t{next(_DB_COUNTER)}_{os.getpid()}"

    @staticmethod
    def _pg(url: str) -> str:
        return "postgresql+psycopg://" + url[len("postgresql://") :]
