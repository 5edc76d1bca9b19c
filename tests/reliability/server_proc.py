"""Run ``claimledger serve`` as a real process on loopback, for tests from outside."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from rel_helpers import ROOT, cli_env

API_FACTORIES = ROOT / "tests" / "api"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_small_ledger(path: Path) -> Any:
    """The web worker's small hand-built ledger (with hostile content), written to ``path``."""
    if str(API_FACTORIES) not in sys.path:
        sys.path.insert(0, str(API_FACTORIES))
    from api_factories import build_small, make_config

    return build_small(path, make_config())


def copy_store(src_url: str, dst_url: str) -> None:
    """Copy every row of one store into another (fresh, migrated) store.

    The rows a migration seeds (``ledger_settings``) give way to the source's.
    """
    from sqlalchemy import delete, insert, select

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import Base

    src, dst = Ledger.open(src_url), Ledger.open(dst_url)
    try:
        with src.engine.connect() as rc, dst.engine.begin() as wc:
            for table in reversed(Base.metadata.sorted_tables):
                wc.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in rc.execute(select(table))]
                if rows:
                    wc.execute(insert(table), rows)
    finally:
        src.close()
        dst.close()


class Server:
    """A ``claimledger serve`` child process; stderr and stdout go to files for inspection."""

    def __init__(
        self,
        db: str,
        workdir: Path,
        *,
        token: str | None,
        host: str = "127.0.0.1",
        extra_env: dict[str, str] | None = None,
        dev: bool = False,
    ) -> None:
        self.port = free_port()
        self.host = host
        self.log_out = workdir / f"server-{self.port}.out"
        self.log_err = workdir / f"server-{self.port}.err"
        env = cli_env(**(extra_env or {}))
        env.pop("CLAIMLEDGER_TOKEN", None)
        if token is not None:
            env["CLAIMLEDGER_TOKEN"] = token
        cmd = [
            sys.executable,
            "-m",
            "claimledger",
            "--db",
            db,
            "serve",
            "--host",
            host,
            "--port",
            str(self.port),
        ]
        if dev:
            cmd.append("--dev")
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=self.log_out.open("w"),
            stderr=self.log_err.open("w"),
            cwd=str(ROOT),
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.proc.returncode}: {self.logs()[-2000:]}"
                )
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {self.logs()[-2000:]}")
            time.sleep(0.2)

    def logs(self) -> str:
        return self.log_out.read_text(errors="replace") + self.log_err.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def error_shape(resp: httpx.Response) -> dict[str, str]:
    """The one JSON error shape: ``{"error": {"code", "message", "item"}}``."""
    body = json.loads(resp.text)
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "item"}, err
    assert all(isinstance(v, str) for v in err.values()), err
    return dict(err)
