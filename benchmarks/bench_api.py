"""Benchmark: API and dashboard latency over a SQLite ledger of many synthetic claims.

``run(n_claims)`` writes a ledger of ``n_claims`` claims (with articles,
origins, statements, links and a status event each) by bulk inserts through
the lead's ``Ledger`` session, serves it with uvicorn on a free loopback port
in a thread, and times requests from an httpx client in this process:

* ``claims_list``: ``GET /api/claims?limit=50&offset=...`` (random offsets),
* ``claims_list_search``: ``GET /api/claims?q=...&limit=50`` (a text search),
* ``claim_json``: ``GET /api/claims/{id}``,
* ``claim_page``: ``GET /claims/{id}`` (the dashboard page with timeline),
* ``ledger_page``: ``GET /?offset=...`` (the dashboard list).

It reports p50/p95/mean in milliseconds per route. ``run(200, requests=10)``
is the smoke-test size.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OUTLETS = 40
STANCES = ("supports", "refutes", "questions", "discusses")
STATUSES = ("unverified", "corroborated", "contested", "refuted")
WORDS = (
    "troops border bridge minister said monitors reported satellite images river convoy "
    "ceasefire village shelling drone ministry withdrawal depot agency officials camp"
).split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_ledger(url: str, n_claims: int, *, seed: int = 7, batch: int = 5000) -> dict[str, Any]:
    """Write a synthetic ledger; returns counts and the time it took.

    Per claim: one assertion article (its own origin) and two reports in other
    articles (every other report article is a syndicated copy sharing an
    origin), three statements, three links and one status event.
    """
    from sqlalchemy import insert

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import (
        ArticleRow,
        ClaimRow,
        LinkRow,
        OriginRow,
        OutletRow,
        StatementRow,
        StatusEventRow,
    )

    rnd = random.Random(seed)
    ledger = Ledger.open(url)
    start = time.perf_counter()
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    with ledger.session() as s:
        s.execute(
            insert(OutletRow),
            [{"id": f"o{i:04d}", "name": f"Outlet {i}", "actor_id": None} for i in range(OUTLETS)],
        )
    n_articles = 0
    for lo in range(0, n_claims, batch):
        hi = min(n_claims, lo + batch)
        origins, articles, statements, claims, links, events = [], [], [], [], [], []
        for c in range(lo, hi):
            when = t0 + timedelta(minutes=7 * c)
            words = " ".join(rnd.choice(WORDS) for _ in range(12))
            text = f"Officials said that {words} near sector {c}."
            claim_text = f"{words.capitalize()} near sector {c}."
            cid = f"c{c:015x}"
            status = STATUSES[c % len(STATUSES)]
            for k in range(3):
                aid = f"a{c:012x}{k}"
                gid = f"g{c:012x}{min(k, 1)}"
                if k < 2:
                    origins.append(
                        {"id": gid, "first_article_id": aid, "agency": None, "size": 1 + k}
                    )
                published = when + timedelta(hours=6 * k)
                articles.append(
                    {
                        "id": aid,
                        "url": f"https://news{k}.example/{c}",
                        "canonical_url": f"https://news{k}.example/{c}",
                        "title": f"Report {c}/{k}: {words[:60]}",
                        "text": text + " Residents described the scene in detail. " * 6,
                        "outlet_id": f"o{(c * 3 + k) % OUTLETS:04d}",
                        "published": published,
                        "byline": None,
                        "source": None,
                        "origin_id": gid,
                        "minhash": None,
                        "ingested_at": now,
                        "processed": True,
                    }
                )
                sid = f"s{c:012x}{k}"
                statements.append(
                    {
                        "id": sid,
                        "article_id": aid,
                        "content_start": 20,
                        "content_end": 20 + len(words),
                        "content_text": text[20 : 20 + len(words)],
                        "kind": "indirect",
                        "source_start": 0,
                        "source_end": 9,
                        "source_text": "Officials",
                        "cue_start": 10,
                        "cue_end": 14,
                        "cue_text": "said",
                        "speaker": "Officials",
                        "actor_id": None,
                        "attributed": True,
                        "time_phrase": None,
                        "time_resolved": None,
                        "checkworthiness": 0.8,
                    }
                )
                links.append(
                    {
                        "id": f"l{c:012x}{k}",
                        "claim_id": cid,
                        "statement_id": sid,
                        "article_id": aid,
                        "stance": "supports" if k == 0 else STANCES[(c + k) % len(STANCES)],
                        "confidence": 0.9,
                        "similarity": 1.0 if k == 0 else 0.8,
                        "role": "assertion" if k == 0 else "report",
                    }
                )
            claims.append(
                {
                    "id": cid,
                    "key": c + 1,
                    "text": claim_text,
                    "claimant_name": f"Speaker {c % 500}",
                    "claimant_actor_id": None,
                    "first_seen": when,
                    "resolution_date": None,
                    "tracked": c % 1000 == 0,
                    "first_statement_id": f"s{c:012x}0",
                    "entities": [],
                    "vector": None,
                    "status": status,
                    "reasons": ["SYNTHETIC"],
                    "dirty": False,
                }
            )
            events.append(
                {
                    "id": f"e{c:015x}",
                    "claim_id": cid,
                    "seq": 0,
                    "at": when + timedelta(hours=12),
                    "old": None,
                    "new": status,
                    "reasons": ["SYNTHETIC"],
                    "evidence_ids": [f"l{c:012x}1"],
                    "policy_version": "see-then-believe/1",
                }
            )
        n_articles += len(articles)
        with ledger.session() as s:
            for model, rows in (
                (OriginRow, origins),
                (ArticleRow, articles),
                (StatementRow, statements),
                (ClaimRow, claims),
                (LinkRow, links),
                (StatusEventRow, events),
            ):
                s.execute(insert(model), rows)
    ledger.close()
    return {
        "claims": n_claims,
        "articles": n_articles,
        "write_s": round(time.perf_counter() - start, 1),
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1e3, 1),
        "p95_ms": round(p95 * 1e3, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1e3, 1),
        "n": len(ordered),
    }


def run(
    n_claims: int = 100_000, *, requests: int = 60, seed: int = 7, workdir: Path | None = None
) -> dict[str, Any]:
    """Build the ledger, serve it, and time each route ``requests`` times.

    Args:
        n_claims: Number of synthetic claims.
        requests: Timed requests per route (after two warm-up requests).
        seed: Random seed of the synthetic text and the request order.
        workdir: Where the SQLite file goes (a temporary folder by default).
    """
    import httpx
    import uvicorn

    from claimledger.api.app import create_app
    from claimledger.config import load_config

    tmp = workdir or Path(tempfile.mkdtemp(prefix="claimledger-bench-api-"))
    url = f"sqlite:///{tmp / 'ledger.db'}"
    built = write_ledger(url, n_claims, seed=seed)
    config = load_config(environ={}, user_file=Path("/nonexistent"))
    port = _free_port()
    app = create_app(db_url=url, config=config, token="bench-token")
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    rnd = random.Random(seed)
    base = f"http://127.0.0.1:{port}"
    ids = [f"c{rnd.randrange(n_claims):015x}" for _ in range(requests + 2)]
    offsets = [rnd.randrange(max(1, n_claims - 50)) for _ in range(requests + 2)]
    routes = {
        "claims_list": [f"/api/claims?limit=50&offset={o}" for o in offsets],
        "claims_list_search": [
            f"/api/claims?limit=50&q={rnd.choice(WORDS)}%20near" for _ in range(requests + 2)
        ],
        "claim_json": [f"/api/claims/{i}" for i in ids],
        "claim_page": [f"/claims/{i}" for i in ids],
        "ledger_page": [f"/?offset={o}" for o in offsets],
    }
    out: dict[str, Any] = {"ledger": built, "requests_per_route": requests}
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for name, paths in routes.items():
                samples = []
                for i, path in enumerate(paths):
                    t = time.perf_counter()
                    resp = client.get(path)
                    took = time.perf_counter() - t
                    if resp.status_code != 200:
                        raise RuntimeError(f"{path}: HTTP {resp.status_code} {resp.text[:200]}")
                    if i >= 2:
                        samples.append(took)
                out[name] = _stats(samples)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    result = run(n, requests=requests)
    print(json.dumps(result, indent=2))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_api.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
