"""End to end on the sample corpus: every status, claim by claim, with real models.

The corpus's ``expected.json`` says, for each intended claim, the article that
first asserts it and the status an analyst would give it under the default
policy. The ledger claim for an intended claim is the one asserted in that
article whose text is closest (MiniLM cosine) to the intended text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.config import load_config
from claimledger.pipeline.local import ingest
from claimledger.pipeline.verdict_queries import recompute_all
from claimledger.pipeline.views import claim_views, explain_claim
from claimledger.store.ledger import Ledger
from tests_paths import SAMPLE  # type: ignore[import-not-found]

pytestmark = pytest.mark.slow
EXPECTED = json.loads((SAMPLE / "expected.json").read_text("utf-8"))
ENV = {"CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml")}


@pytest.fixture(scope="module")
def sample(stores: Any) -> Iterator[tuple[Ledger, Any]]:
    """The sample corpus through the full pipeline into the store under test."""
    config = load_config(environ=ENV, user_file=Path("/nonexistent"))
    ledger = Ledger.open(stores.new())
    report = ingest([str(SAMPLE / "corpus")], ledger=ledger, config=config)
    assert not report.failures
    yield ledger, config
    ledger.close()


def _match(ledger: Ledger, config: Any, expected: dict[str, Any], embedder: Any) -> dict[str, Any]:
    url_to_id = {a.url: a.id for a in ledger.articles()}
    first = url_to_id[expected["first_seen"]]
    asserted = {lk.claim_id for lk in ledger.links(article_id=first) if lk.role == "assertion"}
    views = claim_views(ledger, config=config, ids=sorted(asserted))
    assert views, f"{expected['key']}: no claim asserted in {expected['first_seen']}"
    vecs = embedder.encode([expected["text"]] + [v["text"] for v in views])
    best = int(np.argmax(vecs[1:] @ vecs[0]))
    return views[best]


def test_full_pipeline_status_agreement(sample: tuple[Ledger, Any], embedder: Any) -> None:
    """How many intended statuses the whole pipeline (linking and stance models included) reproduces.

    A quality gate, not a claim of perfection: the floor is what the current
    models reach (see eval/baselines/sample_statuses.json); raising it is fine.
    """
    ledger, config = sample
    floor = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "src/claimledger/eval/baselines/sample_statuses.json"
        ).read_text("utf-8")
    )
    hits = [
        e["key"]
        for e in EXPECTED["claims"]
        if _match(ledger, config, e, embedder)["status"] == e["status"]
    ]
    assert len(hits) >= floor["min_agreeing_claims"], hits


def _count(reasons: list[str], code: str) -> int:
    """The number in ``CODE(n)`` among ``reasons`` (0 when absent, 1 without a number)."""
    for r in reasons:
        if r.split("(")[0] == code:
            inside = r[len(code) + 1 : -1] if "(" in r else "1"
            return int(inside) if inside.isdigit() else 1
    return 0


def test_every_status_appears(sample: tuple[Ledger, Any]) -> None:
    """The demo ledger shows each status, each for the reason an analyst would give."""
    ledger, config = sample
    views = claim_views(ledger, config=config)
    by_status: dict[str, list[dict[str, Any]]] = {}
    for v in views:
        by_status.setdefault(v["status"], []).append(v)
    assert set(by_status) == {"unverified", "corroborated", "contested", "refuted", "retracted"}
    for v in by_status["contested"]:
        assert _count(v["reasons"], "INDEPENDENT_SUPPORT") >= 1, v
        assert _count(v["reasons"], "INDEPENDENT_REFUTATION") >= 1, v
        stances = {e["stance"] for e in v["evidence"] if e["independent"]}
        assert {"supports", "refutes"} <= stances, v
    for v in by_status["refuted"]:
        refuting = [e for e in v["evidence"] if e["independent"] and e["stance"] == "refutes"]
        supporting = [e for e in v["evidence"] if e["independent"] and e["stance"] == "supports"]
        assert refuting and not supporting, v
        assert _count(v["reasons"], "INDEPENDENT_REFUTATION") >= 1, v
    for v in by_status["corroborated"]:
        assert _count(v["reasons"], "INDEPENDENT_SUPPORT") >= 2, v
        assert not any(e["independent"] and e["stance"] == "refutes" for e in v["evidence"]), v
    for v in by_status["retracted"]:
        assert "RETRACTED_BY_CLAIMANT" in v["reasons"], v
    unverified_reasons = {
        "ONLY_CLAIMANT_SOURCES",
        "INSUFFICIENT_COVERAGE",
        "INDEPENDENT_SUPPORT",
        "AWAITING_RESOLUTION",
        "QUESTIONED_BY",
        "EVIDENCE_REQUESTED",
    }
    for v in by_status["unverified"]:
        assert {r.split("(")[0] for r in v["reasons"]} <= unverified_reasons, v
        assert _count(v["reasons"], "INDEPENDENT_SUPPORT") < 2, v


# Intended claims the full pipeline reproduces, with what makes each status right.
JBMM = "Joint Border Monitoring Mission"


def test_c1_withdrawal_is_refuted_by_the_monitors(
    sample: tuple[Ledger, Any], embedder: Any
) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C1"]
    view = _match(ledger, config, expected, embedder)
    assert view["status"] == "refuted", view["reasons"]
    assert view["claimant"]["actor"] == "varnia/defence-ministry"
    refuting = [e for e in view["evidence"] if e["independent"] and e["stance"] == "refutes"]
    # The monitors on the ground, not the other side of the conflict, refute it.
    assert refuting and {e["outlet"] for e in refuting} == {JBMM}, refuting
    # The ministry repeating its own claim, and its state agency, never count.
    for e in view["evidence"]:
        if e["actor"] and e["actor"].startswith("varnia"):
            assert not e["independent"], e


def test_c2_bridge_is_corroborated_by_the_observers_on_the_ground(
    sample: tuple[Ledger, Any], embedder: Any
) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C2"]
    view = _match(ledger, config, expected, embedder)
    assert view["status"] == "corroborated", view["reasons"]
    assert view["claimant"]["actor"] == "ostrela/defence-ministry"
    assert "bridge" in view["text"]
    supporting = [e for e in view["evidence"] if e["independent"] and e["stance"] == "supports"]
    # The satellite company, the monitors and the reporters, each more than once: what
    # counts is what independent observers saw, not who repeated Ostrela.
    assert {"Orbisight Imaging", JBMM, "The Cardon Observer"} <= {
        e["outlet"] for e in supporting
    }, supporting
    assert _count(view["reasons"], "INDEPENDENT_SUPPORT") >= 4
    # Nobody of either side counts, and no one refutes the bridge.
    for e in view["evidence"]:
        if (e["actor"] or "").startswith(("ostrela", "varnia", "dagny", "tomas", "idris")):
            assert not e["independent"], e
    assert not any(e["independent"] and e["stance"] == "refutes" for e in view["evidence"])


def test_c3_shelling_is_contested_between_the_reporters_and_the_monitors(
    sample: tuple[Ledger, Any], embedder: Any
) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C3"]
    view = _match(ledger, config, expected, embedder)
    assert view["status"] == "contested", view["reasons"]
    assert view["claimant"]["actor"] == "ostrela/defence-ministry"
    independent = [e for e in view["evidence"] if e["independent"]]
    # The Observer's reporters in Lerin (craters "consistent with recent artillery fire",
    # linked through the article that relays the claim) against the monitors' findings.
    assert {e["outlet"] for e in independent if e["stance"] == "supports"} == {
        "The Cardon Observer"
    }, independent
    assert {e["outlet"] for e in independent if e["stance"] == "refutes"} == {JBMM}, independent
    # Neither side of the conflict counts: Ostrela repeating it, Varnia denying it.
    for e in view["evidence"]:
        if (e["actor"] or "").startswith(("ostrela", "varnia", "idris")):
            assert not e["independent"], e
    # The spokesman's "Not a single shell was fired" is read as the denial it is.
    [denial] = [e for e in view["evidence"] if e["actor"] == "idris-valk"]
    assert (denial["stance"], denial["actor"]) == ("refutes", "idris-valk"), denial


def test_c4_sabotage_claim_stays_unverified(sample: tuple[Ledger, Any], embedder: Any) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C4"]
    view = _match(ledger, config, expected, embedder)
    assert view["status"] == "unverified"
    assert view["reasons"] == ["ONLY_CLAIMANT_SOURCES"], view["reasons"]
    # Five outlets carried it, all quoting the Varnian side: repetition is not support.
    assert len({e["outlet"] for e in view["evidence"]}) >= 5
    assert not any(e["independent"] for e in view["evidence"]), view["evidence"]
    # "the Defence Ministry" in a Varnian agency's story is Varnia's, in every copy: every
    # item is the Varnian side's (the ministry, its spokesman, its state agency).
    actors = {e["actor"] for e in view["evidence"]}
    assert "varnia/defence-ministry" in actors
    assert actors <= {"varnia", "varnia/defence-ministry", "vna", "idris-valk"}, actors


def test_c5_drone_claim_is_retracted_by_its_claimant(
    sample: tuple[Ledger, Any], embedder: Any
) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C5"]
    view = _match(ledger, config, expected, embedder)
    assert view["status"] == "retracted"
    assert view["reasons"][0] == "RETRACTED_BY_CLAIMANT", view["reasons"]
    assert "drone" in view["text"]
    # Ostrela's denials (its minister's, and the wire's "Ostrela had denied ...") are a
    # party's, not independent refutations; the monitors could not confirm it.
    assert _count(view["reasons"], "INDEPENDENT_REFUTATION") == 0, view["reasons"]
    assert _count(view["reasons"], "INDEPENDENT_SUPPORT") == 0, view["reasons"]


def test_c6_prediction_awaits_resolution(sample: tuple[Ledger, Any], embedder: Any) -> None:
    ledger, config = sample
    [expected] = [c for c in EXPECTED["claims"] if c["key"] == "C6"]
    view = _match(ledger, config, expected, embedder)
    # The alliance chief's own claim, not a claim it was linked into.
    assert view["claimant"]["actor"] == "henrike-amsel", view
    assert view["status"] == "unverified"
    assert "AWAITING_RESOLUTION(2025-03-05)" in view["reasons"], view["reasons"]
    assert _count(view["reasons"], "INDEPENDENT_SUPPORT") == 0, view["reasons"]
    assert _count(view["reasons"], "INDEPENDENT_REFUTATION") == 0, view["reasons"]
    # Varnia's foreign minister rejecting the warning is shown, and does not count.
    varnian = [e for e in view["evidence"] if (e["actor"] or "").startswith("varnia")]
    assert varnian and not any(e["independent"] for e in varnian), view["evidence"]


def test_syndicated_copies_do_not_corroborate(sample: tuple[Ledger, Any]) -> None:
    ledger, config = sample
    for view in claim_views(ledger, config=config, status="corroborated"):
        independent_origins = {
            e["origin"] for e in view["evidence"] if e["independent"] and e["stance"] == "supports"
        }
        assert len(independent_origins) >= 2, view


def test_claims_json_shape(sample: tuple[Ledger, Any]) -> None:
    ledger, config = sample
    for view in claim_views(ledger, config=config, limit=20):
        assert set(view) == {
            "id",
            "text",
            "claimant",
            "first_seen",
            "status",
            "reasons",
            "evidence",
            "reports",
            "problem",
        }
        assert view["problem"] is None  # every stored item of the sample ledger reads
        assert set(view["claimant"]) == {"name", "actor"}
        for ev in view["evidence"]:
            assert set(ev) == {
                "statement",
                "outlet",
                "origin",
                "actor",
                "stance",
                "independent",
                "date",
                "date_estimated",
                "role",
            }
            assert ev["role"] in ("assertion", "report", "evidence")


def test_recompute_reproduces_history(sample: tuple[Ledger, Any]) -> None:
    ledger, config = sample
    ids = ledger.all_claim_ids()
    before = {cid: ledger.history(cid) for cid in ids}
    assert recompute_all(ledger=ledger, config=config) == len(ids)
    assert {cid: ledger.history(cid) for cid in ids} == before


def test_recompute_in_small_parts_reproduces_history(
    sample: tuple[Ledger, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimledger.pipeline import verdict_queries

    ledger, config = sample
    ids = ledger.all_claim_ids()
    before = {cid: ledger.history(cid) for cid in ids}
    monkeypatch.setattr(verdict_queries, "RECOMPUTE_PART", 7)  # many parts, the last one short
    assert recompute_all(ledger=ledger, config=config) == len(ids)
    assert {cid: ledger.history(cid) for cid in ids} == before


def test_explain_names_reasons_and_outlets(sample: tuple[Ledger, Any]) -> None:
    ledger, config = sample
    view = max(claim_views(ledger, config=config), key=lambda v: (v["reports"], v["id"]))
    text = explain_claim(ledger, view["id"], config=config)
    assert view["status"] in text
    assert all(r.split("(")[0] in text for r in view["reasons"])
    assert any(ev["outlet"] in text for ev in view["evidence"])


def test_track_then_ingest_jsonl_links_evidence(tmp_path: Path) -> None:
    """A claim registered by hand picks up later reports from independent outlets and is corroborated."""
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    env = {**ENV, "CLAIMLEDGER_CONFIG": "/nonexistent"}
    text = "Varnia is building a pontoon bridge across the Rell River near Kasto."
    res = runner.invoke(
        app,
        [
            "--db",
            db,
            "track",
            text,
            "--claimant",
            "Ostrelan Defence Ministry",
            "--date",
            "2025-03-05",
        ],
        env=env,
    )
    assert res.exit_code == 0, res.output
    claim_id = res.stdout.strip().splitlines()[-1]
    reports = [
        (
            "Orbisight Imaging",
            "2025-03-07T10:00:00Z",
            "Satellite images taken on Thursday show that Varnia is building a pontoon bridge across the Rell River near Kasto, the imaging company Orbisight said.",
        ),
        (
            "Halden Daily",
            "2025-03-07T15:00:00Z",
            "Our reporters saw Varnian engineers building a pontoon bridge across the Rell River just north of Kasto on Friday.",
        ),
        (
            "Cardon Observer",
            "2025-03-08T09:00:00Z",
            "A pontoon bridge is being built by Varnia across the Rell River near Kasto, according to local farmers interviewed by the Observer.",
        ),
    ]
    lines = [
        json.dumps(
            {
                "url": f"https://{o.split()[0].lower()}.example/bridge",
                "outlet": o,
                "published": d,
                "title": "Bridge over the Rell",
                "text": t,
            }
        )
        for o, d, t in reports
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["--db", db, "ingest", str(tmp_path / "in.jsonl")], env=env)
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", db, "claims", "--format", "json"], env=env)
    [view] = [v for v in json.loads(res.stdout) if v["id"] == claim_id]
    assert view["reports"] >= 2, view
    assert view["status"] == "corroborated", view


def test_exports(sample: tuple[Ledger, Any]) -> None:
    from claimledger.pipeline.export import export_claims, export_records

    ledger, config = sample
    reviews = export_records(ledger, config=config, fmt="claimreview")
    assert reviews and {r["reviewRating"]["alternateName"] for r in reviews} <= {
        "corroborated",
        "refuted",
        "contested",
        "retracted",
    }
    for r in reviews:
        assert r["@type"] == "ClaimReview" and r["claimReviewed"] and r["url"].startswith("http")
        assert r["itemReviewed"]["author"]["name"] and r["itemReviewed"]["firstAppearance"]["url"]
    bundles = export_records(ledger, config=config, fmt="provenance")
    assert len(bundles) == ledger.count("claims")
    decided = [rep for b in bundles for rep in b["reports"]]
    assert {rep["independence_reason"].split("(")[0] for rep in decided} >= {
        "ASSERTION",
        "INDEPENDENT",
    }
    assert all(b["policy_version"] == "see-then-believe/1" for b in bundles)
    csv_text = export_claims(ledger, config=config, fmt="csv")
    assert csv_text.splitlines()[0].startswith("id,status,claimant")
    assert len(csv_text.splitlines()) == ledger.count("claims") + 1


GOLD_STANCES = (
    ("supports", "supports"),
    ("refutes", "refutes"),
    ("questions", "questions"),
    ("discusses", "discusses"),
)


def _gold_assessment(ledger: Ledger, config: Any, expected: dict[str, Any], embedder: Any) -> Any:
    """Assess an intended claim from the corpus's own stance labels, with everything else real.

    Links and stances come from ``expected.json``; speakers, actors, outlets,
    origins and dates come from the pipeline's stored statements and articles,
    so this checks extraction, actors, syndication grouping and the verdict
    engine on the corpus without the linking and stance models.
    """
    from datetime import date

    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.pipeline.verdict_queries import ledger_now, policy_of
    from claimledger.records import Claim, Link, Outlet, hash_id
    from claimledger.verify.engine import assess
    from claimledger.verify.evidence import evidence_from_records, is_retraction
    from claimledger.verify.parties import claim_parties

    arts = {a.url: a for a in ledger.articles()}
    outlets = {
        name: Outlet(id=oid, name=name, actor_id=actor) for oid, name, actor in ledger.outlets()
    }
    first_outlet = {
        o.id: arts_by_id.outlet
        for o in ledger.origins()
        for arts_by_id in [ledger.get_article(o.first_article_id)]
    }
    actors = ledger_actors(ledger, config)
    first = arts[expected["first_seen"]]
    claim = Claim(
        id=expected["key"],
        text=expected["text"],
        first_seen=first.published,
        claimant_name=expected["claimant_name"],
        claimant_actor_id=expected["claimant"],
        resolution_date=date.fromisoformat(expected["resolution_date"])
        if expected["resolution_date"]
        else None,
    )
    claim_vec = embedder.encode([expected["text"]])[0]
    items = [(u, s) for key, s in GOLD_STANCES for u in expected[key]]
    if expected["retracted_by"]:
        items.append((expected["retracted_by"], "refutes"))
    evidence = []
    for url, stance in items:
        art = arts[url]
        stmts = [st for st in ledger.statements(article_id=art.id)]
        if url == expected["retracted_by"]:
            stmts = [
                st
                for st in stmts
                if is_retraction(" ".join(filter(None, (st.cue_text, st.content_text))))
            ] or stmts
        independent_key = {"supports": "independent_supports", "refutes": "independent_refutes"}
        if url in expected.get(independent_key.get(stance, ""), ()):
            # The corpus says this article's evidence is independent: the statement that
            # carries it is not a side's (a31 relays Ostrela's claim before its own reporting).
            sides = {
                expected["claimant"],
                *claim_parties(claim, resolver=actors, affiliations=actors),
            }
            stmts = [
                st
                for st in stmts
                if not st.actor_id or not any(actors.affiliated(st.actor_id, a) for a in sides)
            ] or stmts
        vecs = embedder.encode([st.content_text for st in stmts])
        st = stmts[int(np.argmax(vecs @ claim_vec))]
        role = "assertion" if url == expected["first_seen"] and stance == "supports" else "report"
        link = Link(
            id=hash_id(claim.id, art.id, stance, prefix="l"),
            claim_id=claim.id,
            article_id=art.id,
            stance=stance,
            confidence=1.0,
            similarity=1.0,
            statement_id=st.id,
            role=role,
        )  # type: ignore[arg-type]
        evidence.append(
            evidence_from_records(
                link,
                article=art,
                statement=st,
                outlet=outlets.get(art.outlet or ""),
                origin_outlet=outlets.get(first_outlet.get(art.origin_id or "") or ""),
            )
        )
    parties = claim_parties(claim, resolver=actors, affiliations=actors)
    return assess(
        claim,
        evidence,
        policy=policy_of(config),
        affiliations=actors,
        as_of=ledger_now(ledger),
        parties=parties,
    )


GOLD_XFAIL = {
    # The corpus labels a13 as both supporting and refuting C1 at article level;
    # choosing the statement by similarity picks an independent speaker for the
    # support, so C1 comes out contested instead of refuted.
    "C1": "article-level gold label cannot say which statement of a13 supports C1",
}


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=GOLD_XFAIL[c["key"]]))
        if c["key"] in GOLD_XFAIL
        else c
        for c in EXPECTED["claims"]
    ],
    ids=[c["key"] for c in EXPECTED["claims"]],
)
def test_intended_statuses_from_gold_stances(
    sample: tuple[Ledger, Any], embedder: Any, expected: dict[str, Any]
) -> None:
    ledger, config = sample
    found = _gold_assessment(ledger, config, expected, embedder)
    assert found.status == expected["status"], found.reasons
    if expected["resolution_date"]:
        assert f"AWAITING_RESOLUTION({expected['resolution_date']})" in found.reasons
