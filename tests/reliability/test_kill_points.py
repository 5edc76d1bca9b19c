"""Kill-point campaign: a write killed at any planned point never loses what was stored.

``claimledger ingest`` runs in a subprocess over a small invented corpus (four
stories, one of them a revision with a correction, a syndicated copy and a bad
line) and is killed with SIGKILL at a named point (``killpoints.py``:
``TABLE:K:WHEN``, the K-th transaction inserting into TABLE, after its commit or
in flight) while storing, storing a revision, linking, linking the revision and
recomputing verdicts. After each kill:

* the ledger opens and every view works: ``claims``, ``articles``, ``explain`` of
  every claim and ``export`` on the CLI; the API's claims and articles; the
  dashboard's claim and article pages;
* the invariants hold (statements and links only for processed articles, origin
  sizes, a diff exactly on analysed revisions, removed marks only from analysed
  revisions, statuses agreeing with their history unless dirty);
* nothing committed before is lost;

and a re-run completes to the ledger of an uninterrupted run.

The suite runs a chained subset on each store: one store killed at four points in
turn, each run resuming the last, then completed. ``CLAIMLEDGER_KILL_CAMPAIGN=full``
(``make fuzz``) runs every planned point on its own fresh store, each resumed and
compared with the uninterrupted run. The review phase (``kill_review.py``) then kills
review commands on the ingested ledger in the same way: one point per store in the
suite, every planned review point in the full campaign
(``CLAIMLEDGER_KILL_CAMPAIGN=review`` runs the review points alone).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import kill_review
from kill_corpus import write_corpus
from rel_helpers import ROOT, cli_env, freeze_source

from tests_stores import Stores  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "killpoints.py"

# Every planned point: (phase, point). Points are counted per run from its start.
PLAN: list[tuple[str, str]] = [
    ("storing", "runs:1:commit"),
    ("storing", "outlets:1:flush"),
    ("storing", "articles:1:flush"),
    ("storing", "articles:1:commit"),
    ("storing", "origins:2:flush"),
    ("storing", "ingest_failures:1:commit"),
    ("storing", "articles:3:commit"),
    ("revisions", "revisions:1:flush"),
    ("revisions", "revisions:1:commit"),
    ("storing", "articles:4:commit"),
    ("linking", "actors:1:commit"),
    ("linking", "statements:1:flush"),
    ("linking", "statements:1:commit"),
    ("linking", "claims:1:flush"),
    ("linking", "claims:2:commit"),
    ("linking", "claim_members:1:flush"),
    ("linking", "links:2:flush"),
    ("linking", "links:3:commit"),
    ("revisions", "statements:4:flush"),  # the revision's diff, removals, correction in flight
    ("revisions", "statements:4:commit"),  # the revision linked, verdicts not yet recomputed
    ("verdicts", "status_events:1:flush"),
    ("verdicts", "status_events:1:commit"),
    ("verdicts", "status_events:3:flush"),
    ("verdicts", "status_events:4:commit"),
]
# The suite's chained subsets, in phase order (each reachable in a run resuming the last).
CHAINS: dict[str, list[str]] = {
    "sqlite": [
        "articles:1:commit",
        "revisions:1:flush",
        "statements:1:commit",
        "status_events:1:flush",
    ],
    "postgresql": [
        "outlets:1:flush",
        "revisions:1:commit",
        "links:2:flush",
        "status_events:1:commit",
    ],
}
CAMPAIGN = os.environ.get("CLAIMLEDGER_KILL_CAMPAIGN", "")
FULL = CAMPAIGN == "full"
REVIEW_ONLY = CAMPAIGN == "review"
RESULTS = ROOT / "benchmarks" / "results" / "kill_points.json"


def _run(
    url: str, corpus: Path, code: str, point: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = cli_env(PYTHONPATH=code)
    env.pop("CLAIMLEDGER_KILL_POINT", None)
    if point:
        env["CLAIMLEDGER_KILL_POINT"] = point
    return subprocess.run(
        [sys.executable, str(HARNESS), "--db", url, "ingest", str(corpus)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(ROOT),
    )


def _completed(got: subprocess.CompletedProcess[str]) -> None:
    # Exit 1: the corpus's malformed line is reported (E104), the rest is stored.
    assert got.returncode == 1, got.stderr[-2000:]
    assert "Traceback" not in got.stderr
    assert [ln for ln in got.stderr.splitlines() if ln.startswith("error: ")] == [
        next(ln for ln in got.stderr.splitlines() if ln.startswith("error: E104"))
    ]


def _killed(got: subprocess.CompletedProcess[str], point: str) -> None:
    assert got.returncode == -signal.SIGKILL, (point, got.returncode, got.stderr[-2000:])


# -- the ledger as data -----------------------------------------------------------------------

# Compared between runs. Claim keys, vectors, wall-clock columns (ingested_at, runs,
# recorded_at) and the per-run failure rows are left out on purpose.
TABLES: dict[str, str] = {
    "articles": "id, origin_id, outlet_id, canonical_url, published, processed, date_source",
    "origins": "id, first_article_id, agency, size",
    "outlets": "id, name, actor_id",
    "revisions": "article_id, document_id, seq, previous_id, published, diff, notes",
    "statements": (
        "id, article_id, content_start, content_end, kind, speaker, actor_id, attributed, "
        "checkworthiness"
    ),
    "claims": (
        "id, text, claimant_name, claimant_actor_id, first_seen, first_statement_id, status, "
        "reasons, dirty"
    ),
    "claim_members": "claim_id, statement_id",
    "links": (
        "id, claim_id, statement_id, article_id, stance, confidence, role, removed_in, removed_at"
    ),
    "status_events": "id, claim_id, seq, at, old, new, reasons, evidence_ids, policy_version",
    "actors": "id, name, type",
}
# Rows that later work may update in place (processed, a status, a dirty flag, a size, a
# removal mark, a revision's diff): after a kill, only their keys must survive.
MUTABLE = {"articles", "claims", "origins", "links", "revisions", "status_events"}


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.dumps(json.loads(v), sort_keys=True)
        except ValueError:
            return v
    if isinstance(v, list | dict):
        return json.dumps(v, sort_keys=True)
    if isinstance(v, int) and not isinstance(v, bool) and v in (0, 1):
        return v
    return v


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every compared row of the ledger, normalised across SQLite and PostgreSQL."""
    from sqlalchemy import create_engine, text

    # A plain engine: opening the ledger would migrate it with the working tree's code.
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out: dict[str, list[tuple[Any, ...]]] = {}
            for table, cols in TABLES.items():
                rows = conn.execute(text(f"SELECT {cols} FROM {table}")).all()
                out[table] = sorted((tuple(_value(v) for v in r) for r in rows), key=repr)
            # Booleans come back as 0/1 from SQLite and True/False from PostgreSQL.
            return {t: [tuple(_bool(v) for v in r) for r in rows] for t, rows in out.items()}
    finally:
        engine.dispose()


def _bool(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def problems(url: str) -> list[str]:
    """Invariants that hold after any kill, not only at the end."""
    from sqlalchemy import create_engine, text

    checks = {
        "statements of unprocessed articles": (
            "SELECT s.id FROM statements s JOIN articles a ON a.id = s.article_id "
            "WHERE NOT a.processed"
        ),
        "links of unprocessed articles": (
            "SELECT l.id FROM links l JOIN articles a ON a.id = l.article_id WHERE NOT a.processed"
        ),
        "claims without a link": (
            "SELECT c.id FROM claims c WHERE NOT c.tracked "
            "AND NOT EXISTS (SELECT 1 FROM links l WHERE l.claim_id = c.id)"
        ),
        "articles without an origin": "SELECT id FROM articles WHERE origin_id IS NULL",
        "origin sizes": (
            "SELECT o.id FROM origins o WHERE o.size != "
            "(SELECT count(*) FROM articles a WHERE a.origin_id = o.id)"
        ),
        "a diff on an unanalysed revision, or none on an analysed one": (
            "SELECT r.article_id FROM revisions r JOIN articles a ON a.id = r.article_id "
            "WHERE (r.diff IS NULL) = a.processed"
        ),
        "removal marks from an unanalysed revision": (
            "SELECT l.id FROM links l LEFT JOIN articles a ON a.id = l.removed_in "
            "WHERE l.removed_in IS NOT NULL AND (a.id IS NULL OR NOT a.processed)"
        ),
        "a revision sharing a canonical URL": (
            "SELECT r.article_id FROM revisions r JOIN articles a ON a.id = r.article_id "
            "WHERE a.canonical_url IS NOT NULL"
        ),
        "status unlike its history": (
            "SELECT c.id FROM claims c WHERE NOT c.dirty AND c.status != "
            "(SELECT e.new FROM status_events e WHERE e.claim_id = c.id "
            "ORDER BY e.seq DESC LIMIT 1)"
        ),
    }
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                f"{name}: {[r[0] for r in rows]}"
                for name, sql in checks.items()
                if (rows := conn.execute(text(sql)).all())
            ]
    finally:
        engine.dispose()


def views_work(url: str, code: str) -> None:
    """Every view answers, run by the code under test in a process of its own."""
    env = cli_env(PYTHONPATH=os.pathsep.join((code, str(HERE))))
    got = subprocess.run(
        [sys.executable, str(HERE / "kill_views.py"), url],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert got.returncode == 0, got.stderr[-3000:]


def _kept(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> None:
    """What was committed before is still there: whole rows, or the keys of mutable rows."""
    for table, rows in before.items():
        if table in MUTABLE:
            lost = {r[0] for r in rows} - {r[0] for r in after[table]}
        else:
            lost = set(rows) - set(after[table])
        assert not lost, (table, sorted(lost, key=repr)[:3])


# -- the campaign ---------------------------------------------------------------------------------


def test_kill_points_resume_to_the_uninterrupted_ledger(
    store: str, stores: Stores, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path)
    code = freeze_source(tmp_path)
    started = time.monotonic()
    clean_url = stores.new()
    _completed(_run(clean_url, corpus, code))
    clean = snapshot(clean_url)
    assert len(clean["articles"]) == 4 and len(clean["revisions"]) == 1
    assert any(r[7] is not None for r in clean["links"])  # a removal mark
    assert len(clean["status_events"]) >= 4
    views_work(clean_url, code)

    survived: list[dict[str, Any]] = []
    if REVIEW_ONLY:
        pass
    elif FULL:
        for phase, point in PLAN:
            url = stores.new()
            t0 = time.monotonic()
            _killed(_run(url, corpus, code, point), point)
            partial = snapshot(url)
            assert problems(url) == [], point
            views_work(url, code)
            _completed(_run(url, corpus, code))
            final = snapshot(url)
            _kept(partial, final)
            assert final == clean, point
            survived.append(
                {"phase": phase, "point": point, "seconds": round(time.monotonic() - t0, 1)}
            )
        assert len(survived) == len(PLAN) >= 20
    else:
        url = stores.new()
        for point in CHAINS[store]:
            before = snapshot(url) if survived else None
            _killed(_run(url, corpus, code, point), point)
            partial = snapshot(url)
            assert problems(url) == [], point
            views_work(url, code)
            if before is not None:
                _kept(before, partial)
            survived.append({"point": point})
        _completed(_run(url, corpus, code))
        final = snapshot(url)
        _kept(partial, final)
        assert final == clean
        # One more run changes nothing.
        _completed(_run(url, corpus, code))
        assert snapshot(url) == clean
    t_review = time.monotonic()
    survived += _review_phase(
        store, stores, corpus, code, (clean_url, clean), None if FULL or REVIEW_ONLY else url
    )
    review_seconds = round(time.monotonic() - t_review, 1)
    elapsed = round(time.monotonic() - started, 1)
    if os.environ.get("CLAIMLEDGER_KILL_RECORD"):
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results[f"{store}:{CAMPAIGN or 'suite'}"] = {
            "points": survived,
            "seconds": elapsed,
            "review_seconds": review_seconds,
        }
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


# -- the review phase -------------------------------------------------------------------------


def _reviewed(url: str) -> dict[str, list[Any]]:
    return kill_review.snapshot(url, snapshot(url), _value)


def _review_phase(
    store: str,
    stores: Stores,
    corpus: Path,
    code: str,
    ingested: tuple[str, dict[str, list[tuple[Any, ...]]]],
    suite_url: str | None,
) -> list[dict[str, Any]]:
    """Review commands killed at planned points, each resumed by giving it again."""
    clean_url, clean = ingested
    cmds = kill_review.commands(clean_url)
    for args in cmds:
        kill_review.completed(kill_review.run(clean_url, args, code))
    once = _reviewed(clean_url)
    assert [e[5] for e in once["review_events"]] == ["reject_link", "override_status"]
    assert once["claims"] != clean["claims"]  # the review changed statuses
    views_work(clean_url, code)
    # The references of a kill after the commit: that command given twice in a row.
    twice: dict[int, dict[str, list[Any]]] = {}
    kill_review.completed(kill_review.run(clean_url, cmds[-1], code))
    twice[len(cmds) - 1] = _reviewed(clean_url)

    def doubled(index: int) -> dict[str, list[Any]]:
        if index not in twice:
            url = stores.new()
            _completed(_run(url, corpus, code))
            for args in [*cmds[: index + 1], cmds[index], *cmds[index + 1 :]]:
                kill_review.completed(kill_review.run(url, args, code))
            twice[index] = _reviewed(url)
        return twice[index]

    # Given twice, a decision changes no status: only its events, audit rows and the
    # history entries of an override's time are doubled.
    for ref in (twice[len(cmds) - 1],):
        claims = {r[0]: r[6] for r in ref["claims"]}
        assert claims == {r[0]: r[6] for r in once["claims"]}
        assert len(ref["review_events"]) == len(once["review_events"]) + 1

    plan = kill_review.PLAN if suite_url is None else [kill_review.SUITE[store]]
    survived: list[dict[str, Any]] = []
    for index, point, committed in plan:
        t0 = time.monotonic()
        if suite_url is None:
            url = stores.new()
            _completed(_run(url, corpus, code))
        else:
            url = suite_url
        for args in cmds[:index]:
            kill_review.completed(kill_review.run(url, args, code))
        expected = doubled(index) if committed else once
        before = _reviewed(url)
        _killed(kill_review.run(url, cmds[index], code, point), point)
        partial = _reviewed(url)
        assert len(partial["review_events"]) == len(before["review_events"]) + committed, point
        assert problems(url) == [], point
        views_work(url, code)
        # A review rewrites the computed history of the claims it touches (recompute
        # replaces it): each claim's history is whole, the one before or the one after.
        now, old, new = (kill_review.histories(x) for x in (partial, before, expected))
        assert all(h in (old.get(c), new.get(c)) for c, h in now.items()), point
        _kept(
            {t: before[t] for t in TABLES if t != "status_events"},
            {t: partial[t] for t in TABLES},
        )
        kill_review.kept(before, partial)
        for args in [cmds[index], *cmds[index + 1 :]]:
            kill_review.completed(kill_review.run(url, args, code))
        final = _reviewed(url)
        kill_review.kept(partial, final)
        assert final == expected, point
        survived.append(
            {
                "phase": "review",
                "point": f"{' '.join(cmds[index][:2])} {point}",
                "seconds": round(time.monotonic() - t0, 1),
            }
        )
    return survived
