"""Every view of the CLI, the API and the dashboard over a whole ledger (kill-point campaign).

Run as a script (``python kill_views.py URL``) with the code under test on
``PYTHONPATH``: exits 0 when every view answered, else prints what failed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def views_work(url: str) -> None:
    """``claims``, ``articles``, ``explain`` of every claim, ``export`` and the review's
    log, audit and queue on the CLI; the API's claims and articles; the dashboard's home,
    claim and article pages."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from claimledger.api.app import create_app
    from claimledger.cli import app
    from claimledger.config import load_config

    env = {"CLAIMLEDGER_CONFIG": "/nonexistent"}
    runner = CliRunner()

    def cli(*args: str) -> str:
        res = runner.invoke(app, ["--db", url, *args], env=env)
        if res.exit_code != 0:
            raise AssertionError(f"{args}: exit {res.exit_code}: {res.output[-2000:]}")
        return str(res.stdout)

    claims = json.loads(cli("claims", "--format", "json"))
    articles = json.loads(cli("articles", "--format", "json"))
    for claim in claims:
        if claim["id"] not in cli("explain", claim["id"]):
            raise AssertionError(f"explain {claim['id']}")
    cli("export", "--format", "claimreview")
    for review in (("log",), ("audit",), ("queue",)):  # the review's own views
        cli("review", *review)
    config = load_config(environ={}, user_file=Path("/nonexistent"))
    with TestClient(create_app(db_url=url, config=config), raise_server_exceptions=True) as web:
        paths = ["/api/claims", "/api/articles", "/"]
        paths += [f"/claims/{c['id']}" for c in claims]
        paths += [f"/api/articles/{a['id']}" for a in articles]
        paths += [f"/articles/{a['id']}" for a in articles]
        for path in paths:
            got = web.get(path)
            if got.status_code != 200:
                raise AssertionError(f"GET {path}: {got.status_code} {got.text[:300]}")


if __name__ == "__main__":
    views_work(sys.argv[1])
