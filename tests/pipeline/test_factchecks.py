"""``track --file``: fact-checked claims tracked in bulk with their ratings kept as evidence
(pipeline/factchecks.py, pipeline/manual_evidence.py), with real MiniLM and a real store.

Every claim, claimant and fact-checker here is invented.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from claimledger.errors import ConfigError, NotFound
from claimledger.pipeline.export import export_claims
from claimledger.pipeline.factchecks import import_factchecks, tracked_claim_id
from claimledger.pipeline.manual_evidence import add_manual_evidence, manual_evidence
from claimledger.pipeline.process import track_claim
from claimledger.pipeline.views import claim_views, explain_claim
from claimledger.store.ledger import Ledger
from claimledger.store.models import ClaimRow, ManualEvidenceRow

pytestmark = pytest.mark.slow

RESERVOIR = "The Drovny reservoir was drained in a single night."
BREAD = "Bread prices in Kasto doubled since January."
FERRY = "The Rell ferry carried four thousand passengers in March."
ROWS: list[dict[str, Any]] = [
    {
        "claim": RESERVOIR,
        "claimant": "Mayor Ilse Varga",
        "claim_date": "2025-02-01T08:00:00Z",
        "factchecker": "Lakeside Checks",
        "review_date": "2025-02-05T12:00:00Z",
        "rating": "Pants on Fire",
        "rating_value": 1,
        "best_rating": 5,
        "worst_rating": 1,
        "url": "https://checks.example/reservoir",
    },
    {
        "claim": BREAD,
        "claimant": "Kasto Farmers Union",
        "claim_date": "2025-03-01",
        "factchecker": "Orbis Fact Desk",
        "review_date": "2025-03-04",
        "rating": "Half true",
        "url": "https://checks.example/bread",
    },
    # The same claim rated by a second fact-checker: one claim, two ratings.
    {
        "claim": BREAD,
        "claimant": "Kasto Farmers Union",
        "claim_date": "2025-03-01",
        "factchecker": "North Facts",
        "review_date": "2025-03-06",
        "rating": "True",
        "url": "https://northfacts.example/bread",
    },
    # A claim to track with nothing rated yet, and no claimant.
    {"claim": FERRY, "claim_date": "2025-04-02"},
]


def _write(path: Path, rows: list[dict[str, Any]], bad: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps(r) for r in rows]
    for i, line in enumerate(bad):
        lines.insert(1 + 2 * i, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(ledger: Ledger, model: Any) -> int:
    with ledger.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_import_tracks_claims_keeps_ratings_and_is_idempotent(
    ledger: Ledger, config: Any, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "checks.jsonl",
        ROWS,
        bad=['{"claimant": "Senator Piet Allard"}', '{"claim": "x", "claim_date": "soon-ish"}'],
    )
    ticks: list[tuple[str, int]] = []
    report = import_factchecks(
        path, ledger=ledger, config=config, batch=2, progress=lambda s, n: ticks.append((s, n))
    )
    assert [(f.item, f.code) for f in report.failures] == [
        ("checks.jsonl:2", "E113"),
        ("checks.jsonl:4", "E113"),
    ]
    assert (report.rows, report.claims, report.known, report.ratings) == (4, 3, 1, 3)
    assert ("tracked", 4) in ticks and ticks[-1][0] == "recomputed"

    reservoir = ledger.get_claim(tracked_claim_id(RESERVOIR, "Mayor Ilse Varga"))
    assert (
        reservoir.tracked and reservoir.text == "The Drovny reservoir was drained in a single night"
    )
    assert reservoir.first_seen == datetime(2025, 2, 1, 8, tzinfo=UTC)
    assert reservoir.claimant_actor_id  # resolved to an actor, stored with the ledger
    assert ledger.get_actor(reservoir.claimant_actor_id).name
    [fc] = manual_evidence(ledger, [reservoir.id])[reservoir.id]
    assert (fc.kind, fc.rating, fc.stance, fc.url) == (
        "factcheck",
        "Pants on Fire",
        "refutes",
        "https://checks.example/reservoir",
    )
    assert fc.date == datetime(2025, 2, 5, 12, tzinfo=UTC) and fc.added_by == "import:checks.jsonl"

    views = {v["text"]: v for v in claim_views(ledger, config=config)}
    assert views[reservoir.text]["status"] == "refuted"
    assert views[reservoir.text]["reasons"][0] == "INDEPENDENT_REFUTATION(1)"
    bread = views["Bread prices in Kasto doubled since January"]
    # Half true questions it, True supports it: one independent source is not enough.
    assert bread["status"] == "unverified"
    assert {e["rating"] for e in bread["evidence"]} == {"Half true", "True"}  # type: ignore[union-attr]
    assert any(r.startswith("QUESTIONED_BY(") for r in bread["reasons"])  # type: ignore[union-attr]
    assert views["The Rell ferry carried four thousand passengers in March"]["evidence"] == []

    text = explain_claim(ledger, reservoir.id, config=config)
    assert "fact-check by Lakeside Checks" in text and 'rated "Pants on Fire": refutes' in text
    assert "https://checks.example/reservoir" in text

    # Again: nothing new, nothing lost.
    before = (_count(ledger, ClaimRow), _count(ledger, ManualEvidenceRow))
    history = ledger.history(reservoir.id)
    again = import_factchecks(path, ledger=ledger, config=config)
    assert (again.claims, again.ratings, again.known, again.unchanged) == (0, 0, 4, 3)
    assert (_count(ledger, ClaimRow), _count(ledger, ManualEvidenceRow)) == before
    assert ledger.history(reservoir.id) == history


def test_a_factcheck_of_a_claim_tracked_by_hand_joins_it(
    ledger: Ledger, config: Any, tmp_path: Path
) -> None:
    claim = track_claim(
        RESERVOIR,
        claimant="Mayor Ilse Varga",
        when=datetime(2025, 2, 1, 8, tzinfo=UTC),
        ledger=ledger,
        config=config,
    )
    report = import_factchecks(_write(tmp_path / "c.jsonl", ROWS[:1]), ledger=ledger, config=config)
    assert (report.claims, report.known, report.ratings) == (0, 1, 1)
    assert ledger.get_claim(claim.id).text == claim.text  # the stored claim is kept as it was
    assert ledger.claim_status(claim.id)[0] == "refuted"


def test_add_manual_evidence_by_hand(ledger: Ledger, config: Any, tmp_path: Path) -> None:
    import_factchecks(_write(tmp_path / "c.jsonl", ROWS[3:]), ledger=ledger, config=config)
    ferry = tracked_claim_id(FERRY, None)
    when = datetime(2025, 4, 10, tzinfo=UTC)
    one = add_manual_evidence(
        ferry,
        kind="analyst",
        source="Rell Harbour Office",
        date=when,
        note="The harbour log counts 4,012 passengers in March",
        stance="supports",
        added_by="ana",
        ledger=ledger,
        config=config,
    )
    assert one.id.startswith("me") and one.recorded_at is not None and one.source_actor_id
    again = add_manual_evidence(
        ferry,
        kind="analyst",
        source="Rell Harbour Office",
        date=when,
        note="The harbour log counts 4,012 passengers in March",
        stance="supports",
        ledger=ledger,
        config=config,
    )
    assert again == one  # the same piece: nothing added, nothing changed
    add_manual_evidence(
        ferry,
        kind="analyst",
        source="Coastal Monitor",
        date=when,
        url="https://monitor.example/ferry",
        stance="supports",
        ledger=ledger,
        config=config,
    )
    [view] = claim_views(ledger, config=config, ids=[ferry])
    assert view["status"] == "corroborated"  # two independent sources support it
    assert {e["kind"] for e in view["evidence"]} == {"analyst"}  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        add_manual_evidence(
            "c-none",
            kind="analyst",
            source="x",
            date=when,
            note="n",
            stance="supports",
            ledger=ledger,
            config=config,
        )
    for kwargs in (
        {"source": " ", "note": "n", "stance": "supports"},
        {"source": "x", "stance": "supports"},
        {"source": "x", "note": "n"},
        {"source": "x", "note": "n", "stance": "agrees"},
    ):
        with pytest.raises(ConfigError) as err:
            add_manual_evidence(
                ferry,
                kind="analyst",
                date=when,
                ledger=ledger,
                config=config,
                **kwargs,  # type: ignore[arg-type]
            )
        assert err.value.code.name == "E402"


def test_export_then_import_gives_the_same_claims_and_ratings(
    stores: Any, config: Any, tmp_path: Path
) -> None:
    first = Ledger.open(stores.new())
    fresh = Ledger.open(stores.new())
    try:
        import_factchecks(_write(tmp_path / "c.jsonl", ROWS), ledger=first, config=config)
        exported = tmp_path / "export.json"
        exported.write_text(export_claims(first, config=config, fmt="claimreview"), "utf-8")
        report = import_factchecks(exported, ledger=fresh, config=config)
        assert report.failures == []

        def claims(ledger: Ledger) -> set[tuple[str, str | None, datetime | None]]:
            return {(c.text, c.claimant_name, c.first_seen) for c in ledger.claims()}

        def ratings(ledger: Ledger) -> set[tuple[Any, ...]]:
            texts = {c.id: c.text for c in ledger.claims()}
            return {
                (
                    texts[m.claim_id],
                    m.source_name,
                    m.rating,
                    m.rating_value,
                    m.best_rating,
                    m.worst_rating,
                    m.url,
                    m.date,
                    m.stance,
                )
                for items in manual_evidence(ledger, list(texts)).values()
                for m in items
            }

        # The ferry claim had no rating and no settled status: ClaimReview has nothing to
        # say of it, so the export (and the round trip) holds the rated and settled claims.
        assert claims(fresh) == {c for c in claims(first) if not c[0].startswith("The Rell")}
        assert len(claims(fresh)) == 2
        assert ratings(fresh) == ratings(first) and len(ratings(first)) == 3
        # The ledger's own review of the refuted claim is there, and not imported as a rating.
        reviews = json.loads(exported.read_text("utf-8"))
        assert sum(r["author"]["name"] == "claimledger" for r in reviews) == 1
        assert {
            c.text: ledger_status
            for c in fresh.claims()
            for ledger_status in [fresh.claim_status(c.id)[0]]
        } == {
            c.text: first.claim_status(c.id)[0]
            for c in first.claims()
            if c.text in {x[0] for x in claims(fresh)}
        }
    finally:
        first.close()
        fresh.close()


ARTICLE = {
    "title": "Mayor repeats reservoir claim",
    "outlet": "Cardon Observer",
    "published": "2025-02-20T09:00:00Z",
    "url": "https://cardon.example/reservoir",
    "text": (
        "DROVNY — Mayor Ilse Varga said on Wednesday that the Drovny reservoir was drained "
        "in a single night. Engineers from the water board have not commented on the "
        "figures. The reservoir supplies three towns in the valley."
    ),
}


def test_a_later_statement_of_an_imported_claim_links_to_it(
    ledger: Ledger, config: Any, tmp_path: Path
) -> None:
    from claimledger.pipeline.local import ingest

    import_factchecks(_write(tmp_path / "c.jsonl", ROWS[:1]), ledger=ledger, config=config)
    claim_id = tracked_claim_id(RESERVOIR, "Mayor Ilse Varga")
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    report = ingest([str(articles)], ledger=ledger, config=config)
    assert report.failures == [] and len(report.added) == 1
    links = ledger.links(claim_ids=[claim_id])
    assert [lk.article_id for lk in links] == report.added
    stmt = ledger.get_statement(links[0].statement_id or "")
    assert "drained in a single night" in stmt.content_text
    # The article repeats the claim; the fact-check still refutes it.
    assert ledger.claim_status(claim_id)[0] == "refuted"


def test_the_claim_page_shows_a_factcheck_with_its_rating_and_url(
    ledger: Ledger, config: Any, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from claimledger.api.app import create_app

    hostile = {**ROWS[1], "url": "javascript:alert(1)", "factchecker": "Sly Checks"}
    import_factchecks(
        _write(tmp_path / "c.jsonl", [ROWS[0], hostile]), ledger=ledger, config=config
    )
    reservoir = tracked_claim_id(RESERVOIR, "Mayor Ilse Varga")
    bread = tracked_claim_id(BREAD, "Kasto Farmers Union")
    with TestClient(create_app(db_url=ledger.url, config=config, dev=True)) as client:
        page = client.get(f"/claims/{reservoir}").text
        assert "Fact-check: rated “Pants on Fire”" in page
        assert 'href="https://checks.example/reservoir"' in page
        other = client.get(f"/claims/{bread}").text
        assert "Fact-check: rated “Half true”" in other
        assert "javascript:" not in other  # only http(s) addresses become links
        data = client.get(f"/api/claims/{reservoir}").json()
    [item] = [e for e in data["evidence"] if e.get("kind") == "factcheck"]
    assert (item["rating"], item["url"], item["stance"]) == (
        "Pants on Fire",
        "https://checks.example/reservoir",
        "refutes",
    )
