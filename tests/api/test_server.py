"""run_server: the bind rule, the one line it prints, and that it really serves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_factories import Built

from claimledger.api.server import check_bind, is_loopback, run_server
from claimledger.config import Config
from claimledger.errors import ConfigError
from tests_stores import free_port  # type: ignore[import-not-found]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, token=None)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.10", "8.8.8.8", "no-such-host.invalid"]
)
def test_non_loopback_needs_a_token(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError) as info:
        check_bind(host, token=None)
    assert str(info.value).startswith("E401 --host")
    assert "CLAIMLEDGER_TOKEN" in str(info.value)
    assert "\n" not in str(info.value)
    check_bind(host, token="t0ken")


def test_run_server_refuses_before_binding(
    monkeypatch: pytest.MonkeyPatch, small: Built, api_config: Config
) -> None:
    import uvicorn

    monkeypatch.delenv("CLAIMLEDGER_TOKEN", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not bind"))
    with pytest.raises(ConfigError):
        run_server(db_url=small.url, config=api_config, host="0.0.0.0", port=0, dev=True)


def test_run_server_prints_one_line_and_hides_the_token(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small: Built,
    api_config: Config,
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setenv("CLAIMLEDGER_TOKEN", "sekrit-token-value")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    run_server(db_url=small.url, config=api_config, host="0.0.0.0", port=8123, dev=False)
    out = capsys.readouterr().out
    assert out == "Serving the ledger at http://0.0.0.0:8123/ (Ctrl-C stops it)\n"
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123 and seen["access_log"] is False
    assert seen["app"].state.claimledger.token == "sekrit-token-value"


def test_run_server_defaults_from_config(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small: Built,
    api_config: Config,
) -> None:
    import uvicorn

    monkeypatch.delenv("CLAIMLEDGER_TOKEN", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    run_server(db_url=small.url, config=api_config, host=None, port=None, dev=False)
    assert (
        capsys.readouterr().out
        == f"Serving the ledger at http://127.0.0.1:{api_config.api.port}/ (Ctrl-C stops it)\n"
    )


def test_real_server_serves_and_stops_on_ctrl_c(small: Built, tmp_path: Path) -> None:
    port = free_port()
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from api_factories import make_config\n"
        "from claimledger.api.server import run_server\n"
        f"run_server(db_url={small.url!r}, config=make_config(), host='127.0.0.1', port={port}, dev=False)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CLAIMLEDGER_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line == f"Serving the ledger at http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert resp.json()["counts"]["claims"] == 3
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        err = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
