"""Access and hostile input, tested from outside against a real ``claimledger serve`` process.

Write endpoints refuse a missing, wrong or query-string token with the one JSON
error shape; the server will not bind a non-loopback address without a token;
the token and database passwords never reach logs, error messages or the store;
SQL fragments and LIKE wildcards in filters change nothing and leak nothing; the
ingest endpoint cannot read outside its folders (symlinks included) and never
fetches non-http(s) or private addresses.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rel_helpers import ROOT, cli_env, run_cli
from server_proc import Server, build_small_ledger, error_shape, free_port

TOKEN = "s3cr3t-T0KEN-for-reliability-tests-4b1d"
WRONG = "s3cr3t-T0KEN-for-reliability-tests-XXXX"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("served")
    db = work / "ledger.db"
    built = build_small_ledger(db)
    allowed = work / "allowed"
    outside = work / "outside"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "ok.txt").write_text(
        "Headline\n\nThe ministry said the bridge was open on Monday.\n", encoding="utf-8"
    )
    (outside / "secret.txt").write_text(
        "TOP SECRET outside text that must never be ingested.\n", encoding="utf-8"
    )
    (allowed / "link.txt").symlink_to(outside / "secret.txt")
    (allowed / "linkdir").symlink_to(outside)
    env = {"CLAIMLEDGER_INGEST__ALLOWED_DIRS": json.dumps([str(allowed)])}
    server = Server(str(db), work, token=TOKEN, extra_env=env)
    try:
        server.wait_ready()
        yield {"server": server, "db": db, "built": built, "allowed": allowed, "outside": outside}
    finally:
        server.stop()


def _db_digest(db: Path) -> str:
    """A digest of every row of every table (the content, not the file bytes)."""
    conn = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for t in tables:
            for row in sorted(conn.execute(f'SELECT * FROM "{t}"'), key=repr):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


WRITES = [
    ("POST", "/api/track", {"text": "The bridge is closed."}),
    ("POST", "/api/ingest", {"sources": ["/etc/passwd"], "analyse": False}),
    ("PUT", "/api/watchlist/ana/CLAIM", None),
    ("DELETE", "/api/watchlist/ana/CLAIM", None),
    ("POST", "/api/watchlist/ana/seen", None),
]


def _send(
    base: str,
    method: str,
    path: str,
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.request(
        method, base + path, json=body, headers=headers or {}, params=params, timeout=30
    )


def _claim_id(served: dict[str, Any]) -> str:
    return str(next(iter(served["built"].claims.values())))


@pytest.mark.parametrize("method,path,body", WRITES)
def test_writes_without_wrong_or_query_token_are_refused(
    served: dict[str, Any], method: str, path: str, body: Any
) -> None:
    server: Server = served["server"]
    path = path.replace("CLAIM", _claim_id(served))
    before = _db_digest(served["db"])
    cases: list[tuple[dict[str, str], dict[str, str] | None, int, str]] = [
        ({}, None, 401, "E502"),
        ({"Authorization": f"Bearer {WRONG}"}, None, 403, "E503"),
        ({"Authorization": f"Basic {TOKEN}"}, None, 401, "E502"),
        ({"Authorization": TOKEN}, None, 401, "E502"),
        ({"Authorization": "Bearer"}, None, 401, "E502"),
        ({}, {"token": TOKEN}, 403, "E503"),
        ({"Authorization": f"Bearer {TOKEN}"}, {"token": TOKEN}, 403, "E503"),
        ({"Authorization": f"Bearer {TOKEN}"}, {"access_token": TOKEN}, 403, "E503"),
        ({"Authorization": f"Bearer {TOKEN}"}, {"whatever": TOKEN}, 403, "E503"),
        ({"X-Api-Key": TOKEN}, None, 401, "E502"),
    ]
    for headers, params, status, code in cases:
        resp = _send(server.base, method, path, body, headers=headers, params=params)
        assert resp.status_code == status, (headers, params, resp.status_code, resp.text)
        err = error_shape(resp)
        assert err["code"] == code, (headers, params, err)
        assert TOKEN not in resp.text and WRONG not in resp.text
        assert TOKEN not in json.dumps(dict(resp.headers))
    assert _db_digest(served["db"]) == before, "a refused write changed the store"


def test_the_right_token_writes(served: dict[str, Any]) -> None:
    server: Server = served["server"]
    resp = _send(
        server.base,
        "PUT",
        f"/api/watchlist/ana/{_claim_id(served)}",
        None,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["watching"] is True


def test_reads_never_need_the_token(served: dict[str, Any]) -> None:
    server: Server = served["server"]
    for path in ("/api/health", "/api/claims", f"/api/claims/{_claim_id(served)}", "/"):
        assert httpx.get(server.base + path, timeout=30).status_code == 200, path


@pytest.mark.parametrize(
    "hostile",
    [
        "' OR 1=1 --",
        "%' OR '1'='1",
        "x'; DROP TABLE claims; --",
        'x"; DELETE FROM articles; --',
        "' UNION SELECT id, text, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 FROM articles --",
        "1); ATTACH DATABASE '/tmp/x.db' AS x; --",
        "\x00",
        "ｓｅｌｅｃｔ",
        "' AND (SELECT count(*) FROM sqlite_master) > 0 --",
    ],
)
def test_sql_fragments_in_filters_and_search_change_nothing(
    served: dict[str, Any], hostile: str
) -> None:
    server: Server = served["server"]
    before = _db_digest(served["db"])
    for path, field in [
        ("/api/claims", "q"),
        ("/api/claims", "actor"),
        ("/api/claims", "outlet"),
        ("/api/articles", "outlet"),
        ("/", "q"),
        ("/", "actor"),
        ("/", "outlet"),
    ]:
        resp = httpx.get(server.base + path, params={field: hostile}, timeout=30)
        assert resp.status_code in (200, 400, 422), (path, field, resp.status_code)
        low = resp.text.lower()
        assert (
            "syntax error" not in low and "traceback" not in low and "operationalerror" not in low
        )
        if path.startswith("/api") and resp.status_code == 200:
            # The dashboard echoes the query back (escaped); the JSON lists must match nothing.
            assert "sqlite" not in low
            assert resp.json()["items"] == [], (path, field, hostile)
    assert _db_digest(served["db"]) == before
    assert not Path("/tmp/x.db").exists()


@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "_%_"])
def test_like_wildcards_in_search_are_literal(served: dict[str, Any], wildcard: str) -> None:
    """Regression: ``q=%`` matched every claim (LIKE wildcards were not escaped)."""
    server: Server = served["server"]
    for field in ("q", "actor"):
        resp = httpx.get(server.base + "/api/claims", params={field: wildcard}, timeout=30)
        assert resp.status_code == 200
        for item in resp.json()["items"]:
            haystack = str(item["text"]) if field == "q" else json.dumps(item.get("claimant"))
            assert wildcard in haystack, (field, wildcard, item.get("text"))


@pytest.mark.parametrize(
    "rel", ["../outside/secret.txt", "link.txt", "linkdir", "linkdir/secret.txt", "."]
)
def test_ingest_paths_outside_allowed_folders_are_refused(served: dict[str, Any], rel: str) -> None:
    server: Server = served["server"]
    before = _db_digest(served["db"])
    target = str(served["allowed"] / rel)
    resp = _send(
        server.base,
        "POST",
        "/api/ingest",
        {"sources": [target], "analyse": False},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 403, resp.text
    assert error_shape(resp)["code"] == "E503"
    assert "TOP SECRET" not in resp.text
    assert _db_digest(served["db"]) == before


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "gopher://127.0.0.1:25/",
        "ftp://example.org/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://127%2e0%2e0%2e1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://localhost./",
        "http://127。0。0。1/",
    ],
)
def test_ingest_urls_non_http_or_private_are_refused(served: dict[str, Any], url: str) -> None:
    server: Server = served["server"]
    resp = _send(
        server.base,
        "POST",
        "/api/ingest",
        {"sources": [url], "analyse": False},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code in (400, 403), (url, resp.status_code, resp.text)
    assert error_shape(resp)["code"] in ("E111", "E107", "E503"), resp.text


def test_token_never_in_server_logs(served: dict[str, Any]) -> None:
    """Runs last in this module: every request above is in the logs by now."""
    server: Server = served["server"]
    httpx.get(server.base + "/api/claims", params={"q": TOKEN}, timeout=30)
    httpx.post(server.base + "/api/watchlist/ana/seen", params={"token": TOKEN}, timeout=30)
    httpx.post(
        server.base + "/api/watchlist/ana/seen",
        headers={"Authorization": f"Bearer {WRONG}"},
        timeout=30,
    )
    logs = server.logs()
    assert TOKEN not in logs and WRONG not in logs
    assert "Traceback" not in logs, logs[-3000:]


# -- binding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_server_refuses_a_public_bind_without_a_token(tmp_path: Path, host: str) -> None:
    port = free_port()
    env = cli_env()
    env.pop("CLAIMLEDGER_TOKEN", None)
    got = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimledger",
            "--db",
            str(tmp_path / "l.db"),
            "serve",
            "--host",
            host,
            "--port",
            str(port),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(ROOT),
    )
    assert got.returncode != 0
    lines = [ln for ln in got.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: E401"), got.stderr
    assert "CLAIMLEDGER_TOKEN" in lines[0]
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)


def test_server_binds_a_public_address_with_a_token(tmp_path: Path) -> None:
    server = Server(str(tmp_path / "l.db"), tmp_path, token=TOKEN, host="0.0.0.0")
    try:
        server.wait_ready()
        assert httpx.get(server.base + "/api/health", timeout=5).json()["writes"] is True
        assert TOKEN not in server.logs()
    finally:
        server.stop()


# -- database passwords ------------------------------------------------------------------------

PASSWORD = "Pw-SeCrEt-9f8e7d"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://claims:{PASSWORD}@127.0.0.1:1/ledger",
        f"postgresql+psycopg://claims:{PASSWORD}@127.0.0.1:1/ledger?connect_timeout=2",
        f"postgresql://claims:{PASSWORD}@no-such-host.invalid/ledger",
        f"postgresql://claims:p@ss{PASSWORD}@127.0.0.1:1/ledger",
    ],
)
def test_db_password_never_in_cli_errors(url: str) -> None:
    for args in (("articles",), ("init",)):
        got = run_cli(url, *args, timeout=60)
        assert got.returncode != 0
        out = got.stdout + got.stderr
        assert PASSWORD not in out, out[-2000:]
        lines = [ln for ln in got.stderr.splitlines() if ln.startswith("error:")]
        assert len(lines) == 1 and lines[0].startswith(("error: E303", "error: E301")), got.stderr[
            -2000:
        ]


def test_db_password_never_in_serve_errors(tmp_path: Path) -> None:
    url = f"postgresql://claims:{PASSWORD}@127.0.0.1:1/ledger"
    got = subprocess.run(
        [sys.executable, "-m", "claimledger", "--db", url, "serve", "--port", str(free_port())],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(ROOT),
    )
    assert got.returncode != 0
    assert PASSWORD not in got.stdout + got.stderr
    assert "Traceback" not in got.stderr


def test_store_error_redacts_passwords() -> None:
    from claimledger.errors import StoreError
    from claimledger.store.ledger import Ledger

    for url in (
        f"postgresql+psycopg://claims:{PASSWORD}@127.0.0.1:1/ledger",
        f"postgresql+psycopg://claims@127.0.0.1:1/ledger?password={PASSWORD}",
    ):
        with pytest.raises(StoreError) as info:
            Ledger.open(url)
        assert PASSWORD not in str(info.value), str(info.value)
        assert "\n" not in str(info.value)


@pytest.mark.integration
def test_db_password_from_the_environment_is_not_stored_with_runs(pg: Any, tmp_path: Path) -> None:
    """Each run saves its resolved configuration; a password in CLAIMLEDGER_DB must not be saved."""
    plain = pg.create_db(f"pw_{os.getpid()}")
    with_pw = plain.replace("postgres@", f"postgres:{PASSWORD}@")  # the cluster trusts loopback
    src = tmp_path / "a.txt"
    src.write_text("Title\n\nThe ministry said the bridge was open.\n", encoding="utf-8")
    env = cli_env(CLAIMLEDGER_DB=with_pw)
    got = subprocess.run(
        [sys.executable, "-m", "claimledger", "ingest", "--no-analyse", str(src)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(ROOT),
    )
    assert got.returncode == 0, got.stderr[-2000:]
    assert PASSWORD not in got.stdout + got.stderr
    import psycopg

    with psycopg.connect(plain) as conn:
        configs = [r[0] for r in conn.execute("SELECT config FROM runs")]
    assert configs, "the run was recorded"
    assert all(PASSWORD not in c for c in configs), "the database password was saved in runs.config"
