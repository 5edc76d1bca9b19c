"""Review actions on a real store: each changes the status it should, is stored with who,
when and why, and survives recomputing and the linking of new articles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from review_factories import Built, act, build_small, link_id, make_config
from sqlalchemy import delete, func, select

from claimledger.config import Config, load_config
from claimledger.errors import AccessDenied, ConfigError, NotFound
from claimledger.pipeline.verdict_queries import recompute_all, recompute_dirty
from claimledger.pipeline.views import claim_views, explain_claim
from claimledger.records import Article, Link, Origin, Statement, hash_id
from claimledger.review.analysts import Analyst
from claimledger.review.models import AuditRow, ReviewEventRow
from claimledger.review.store import export_audit, review_events, setting
from claimledger.store.ledger import Ledger
from claimledger.store.models import LinkRow

SAMPLE_ACTORS = Path(__file__).resolve().parents[2] / "src/claimledger/data/sample/actors.yaml"


def config_with(**policy: Any) -> Config:
    return load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"extract": {"actors_file": str(SAMPLE_ACTORS)}, "policy": policy},
    )


@pytest.fixture
def small(stores: Any) -> tuple[Ledger, Built, Config]:
    config = make_config()
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    yield ledger, built, config
    ledger.close()


def status(ledger: Ledger, config: Config, claim_id: str) -> tuple[str, list[str]]:
    [view] = claim_views(ledger, config=config, ids=[claim_id])
    return str(view["status"]), [str(r) for r in view["reasons"]]


def history_of(ledger: Ledger, claim_id: str) -> list[tuple[str, str | None, str, tuple[str, ...]]]:
    return [(e.id, e.old, e.new, e.reasons) for e in ledger.history(claim_id)]


def add_report(
    ledger: Ledger, *, claim_id: str, key: str, text: str, stance: str, when: datetime
) -> str:
    """A new article whose one statement the machine links to ``claim_id`` (a later ingest)."""
    art = Article(
        id=hash_id("later", key, prefix="a"),
        text=text,
        title=f"Later report {key}",
        url=f"https://later.example/{key}",
        outlet=f"Later Outlet {key}",
        published=when,
    )
    st_ = Statement(
        id=hash_id(art.id, 0, len(text), prefix="s"),
        article_id=art.id,
        content=(0, len(text)),
        content_text=text,
        kind="direct",
        speaker=None,
        attributed=False,
    )
    with ledger.session() as s:
        ledger.add_article(
            s,
            art,
            canonical_url=art.url,
            minhash=None,
            buckets=[],
            origin=Origin(id=hash_id(art.id, prefix="g"), first_article_id=art.id),
        )
        ledger.put_statements(s, [st_])
        link = Link(
            id=hash_id(claim_id, st_.id, prefix="l"),
            claim_id=claim_id,
            article_id=art.id,
            stance=stance,  # type: ignore[arg-type]
            confidence=0.9,
            similarity=0.8,
            statement_id=st_.id,
            role="report",
        )
        ledger.put_link(s, link)
        ledger.mark_processed(s, art.id)
        from sqlalchemy import update

        from claimledger.store.models import ClaimRow

        s.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(dirty=True))
    return link.id


def test_reject_stance_merge_override_change_the_status_and_survive(small: Any) -> None:
    ledger, built, config = small
    w, bridge = built.claims["withdrawal"], built.claims["bridge"]
    assert status(ledger, config, w)[0] == "refuted"

    # Reject both monitor reports and the imagery: no refutation is left.
    for key in ("jbmm0", "jbmm1", "orbisight0"):
        act(ledger, config, {"action": "reject_link", "link": link_id(built, "withdrawal", key)})
    assert status(ledger, config, w)[0] == "unverified"
    assert ledger.claim_status(w)[0] == "unverified"

    # A stance corrected: the monitors' report read as refuting after all (and confirmed).
    act(
        ledger,
        config,
        {
            "action": "set_stance",
            "link": link_id(built, "withdrawal", "jbmm0"),
            "stance": "refutes",
        },
    )
    assert status(ledger, config, w)[0] == "refuted"

    # A duplicate merged: the bridge claim's questioning report now bears on the withdrawal.
    act(ledger, config, {"action": "merge_claims", "claim": bridge, "into": w})
    assert any(r.startswith("QUESTIONED_BY") for r in status(ledger, config, w)[1])
    assert status(ledger, config, bridge)[1][0] == f"MERGED_INTO({w})"

    # An override with a reason: shown first, the computed status kept beside it.
    act(
        ledger,
        config,
        {"action": "override_status", "claim": w, "status": "contested"},
        reason="the ministry showed footage the monitors have not seen",
    )
    shown, reasons = status(ledger, config, w)
    assert shown == "contested" and reasons[:2] == ["OVERRIDDEN_BY(alice)", "COMPUTED(refuted)"]
    assert ledger.claim_status(w)[0] == "contested"
    last = ledger.history(w)[-1]
    assert last.policy_version == "analyst:alice" and last.new == "contested"

    before = {cid: history_of(ledger, cid) for cid in built.claims.values()}
    recompute_all(ledger=ledger, config=config)
    assert {cid: history_of(ledger, cid) for cid in built.claims.values()} == before

    # New articles: one reports the merged claim, one repeats a rejected monitor's words to
    # the same claim; the merge, the rejections and the override all hold.
    add_report(
        ledger,
        claim_id=bridge,
        key="b1",
        text="Engineers were seen at the bridge.",
        stance="supports",
        when=datetime(2025, 3, 9, tzinfo=UTC),
    )
    recompute_dirty(ledger=ledger, config=config)
    [view] = claim_views(ledger, config=config, ids=[w])
    assert view["status"] == "contested"
    assert "Later Outlet b1" in {e["outlet"] for e in view["evidence"]}
    rejected = {link_id(built, "withdrawal", k) for k in ("jbmm1", "orbisight0")}
    assert not rejected & {e for ev in ledger.history(w) for e in ev.evidence_ids}
    assert claim_views(ledger, config=config, ids=[bridge])[0]["evidence"] == []
    text = explain_claim(ledger, w, config=config)
    assert "Analyst review" in text and "[analyst:alice]" in text
    assert "why: the ministry showed footage the monitors have not seen" in text

    # Cleared: back to the computed status, as an analyst's event.
    computed = status(ledger, config, w)[1][1]
    act(ledger, config, {"action": "clear_override", "claim": w})
    assert f"COMPUTED({status(ledger, config, w)[0]})" == computed
    assert ledger.history(w)[-1].reasons == ("OVERRIDE_CLEARED_BY(alice)",)


def test_suggestions_count_only_when_confirmed(stores: Any) -> None:
    config = config_with(suggest_below=0.95)
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    try:
        assert setting(ledger, "suggestions") == "on"  # a new ledger
        w = built.claims["withdrawal"]
        # Every report (confidence 0.9) is a suggestion: shown, not counted.
        [view] = claim_views(ledger, config=config, ids=[w])
        assert view["status"] == "unverified" and len(view["evidence"]) == 5
        act(
            ledger,
            config,
            {"action": "confirm_link", "link": link_id(built, "withdrawal", "jbmm0")},
        )
        assert status(ledger, config, w)[0] == "refuted"
        # Off by configuration: the model's confidence alone decides, as before.
        off = config_with(suggest_below=0.95, suggestions="off")
        assert status(ledger, off, w)[0] == "refuted"
        assert "INDEPENDENT_REFUTATION(2)" in status(ledger, off, w)[1]
    finally:
        ledger.close()


def test_a_ledger_that_held_articles_keeps_suggestions_off(tmp_path: Path) -> None:
    from importlib import resources

    from alembic import command
    from alembic.config import Config as AlembicConfig

    from claimledger.store.ledger import make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option(
        "script_location", str(resources.files("claimledger.store").joinpath("migrations"))
    )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003_dates_languages")
        conn.exec_driver_sql(
            "INSERT INTO articles (id, text, ingested_at, processed, date_estimated) "
            "VALUES ('a1', 'old news', '2025-01-01 00:00:00', 1, 0)"
        )
    engine.dispose()
    ledger = Ledger.open(url)
    try:
        assert setting(ledger, "suggestions") == "off"
    finally:
        ledger.close()


def test_every_review_is_stored_with_who_when_why_and_audited(small: Any) -> None:
    ledger, built, config = small
    w = built.claims["withdrawal"]
    act(ledger, config, {"action": "reject_link", "link": link_id(built, "withdrawal", "jbmm0")})
    act(ledger, config, {"action": "override_status", "claim": w, "status": "refuted"})
    events = review_events(ledger, claim_id=w)
    assert [e.action.action for e in events] == ["reject_link", "override_status"]
    assert all(e.author == "alice" and e.reason and e.at.tzinfo for e in events)
    rows = [json.loads(line) for line in export_audit(ledger, "jsonl").splitlines()]
    assert [r["action"] for r in rows] == ["review.reject_link", "review.override_status"]
    assert all(r["author"] == "alice" for r in rows)
    csv_text = export_audit(ledger, "csv")
    assert csv_text.splitlines()[0] == "seq,at,author,role,via,action,target,detail"
    assert csv_text.count("alice") == 2


def test_bad_reviews_write_nothing(small: Any) -> None:
    ledger, built, config = small
    w = built.claims["withdrawal"]
    reader = Analyst("rita", "reader")
    with pytest.raises(AccessDenied):
        act(
            ledger,
            config,
            {"action": "override_status", "claim": w, "status": "refuted"},
            analyst=reader,
        )
    with pytest.raises(NotFound):
        act(ledger, config, {"action": "reject_link", "link": "l-nope"})
    with pytest.raises(ConfigError):
        act(
            ledger,
            config,
            {"action": "override_status", "claim": w, "status": "refuted"},
            reason="  ",
        )
    with pytest.raises(ConfigError):  # the claim's own assertion is not rejected, it is not-a-claim
        act(ledger, config, {"action": "reject_link", "link": link_id(built, "withdrawal", "vna0")})
    with pytest.raises(ConfigError):
        act(ledger, config, {"action": "merge_claims", "claim": w, "into": w})
    with ledger.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEventRow)) == 0
        assert s.scalar(select(func.count()).select_from(AuditRow)) == 0


def test_move_split_not_a_claim_claimant_parties_actor(small: Any) -> None:
    ledger, built, config = small
    w, bridge = built.claims["withdrawal"], built.claims["bridge"]
    orb = built.statements["orbisight0"]
    act(
        ledger,
        config,
        {"action": "move_statement", "statement": orb, "from_claim": w, "to_claim": bridge},
    )

    def outlets(cid: str) -> set[str]:
        return {e["outlet"] for e in claim_views(ledger, config=config, ids=[cid])[0]["evidence"]}

    assert "Orbisight Imaging" not in outlets(w) and "Orbisight Imaging" in outlets(bridge)
    split = act(
        ledger,
        config,
        {
            "action": "split_claim",
            "claim": w,
            "statements": [built.statements["jbmm1"]],
            "text": "Vehicles remained at the Drovny field camp.",
        },
    )
    from claimledger.review.overlay import split_claim_id

    new_id = split_claim_id(split.action)  # type: ignore[arg-type]
    assert "Joint Border Monitoring Mission" in outlets(new_id)
    act(ledger, config, {"action": "not_a_claim", "statement": built.statements["meridian0"]})
    assert "Meridian Press" not in outlets(w)
    act(ledger, config, {"action": "set_claimant", "claim": bridge, "name": "Army engineers"})
    assert ledger.get_claim(bridge).claimant_name == "Army engineers"
    act(
        ledger,
        config,
        {
            "action": "add_actor",
            "actor": "orbisight",
            "name": "Orbisight Imaging",
            "type": "organisation",
        },
    )
    act(
        ledger,
        config,
        {
            "action": "add_affiliation",
            "actor": "orbisight",
            "parent": "varnia",
            "role": "contractor",
            "start": "2025-01-01",
        },
    )
    aff = ledger.get_actor("orbisight").affiliations
    assert [(a.parent, a.role, str(a.start)) for a in aff] == [
        ("varnia", "contractor", "2025-01-01")
    ]
    act(ledger, config, {"action": "set_parties", "claim": w, "parties": ["ostrela"]})
    from claimledger.review.apply import Review

    assert Review.load(ledger).parties(w, frozenset()) == frozenset({"ostrela"})


# -- deterministic replay on the store ----------------------------------------------------------------

ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("reject_link"), st.sampled_from(("jbmm0", "jbmm1", "orbisight0", "meridian0"))
        ),
        st.tuples(st.just("confirm_link"), st.sampled_from(("jbmm0", "orbisight0", "hostile0"))),
        st.tuples(st.just("set_stance"), st.sampled_from(("jbmm1", "orbisight0"))),
        st.tuples(st.just("merge_claims"), st.just("")),
        st.tuples(st.just("override_status"), st.sampled_from(("corroborated", "refuted"))),
    ),
    max_size=6,
)
# The machine's links of the small ledger beyond the assertions: (claim, statement key).
LATER = [
    ("withdrawal", "meridian0"),
    ("withdrawal", "jbmm0"),
    ("withdrawal", "jbmm1"),
    ("withdrawal", "orbisight0"),
    ("bridge", "orbisight0"),
    ("bridge", "hostile0"),
]


@pytest.fixture(scope="module")
def bare(stores: Any) -> tuple[str, Built, dict[str, Link], Config]:
    """The small ledger with only its assertions linked; the other links held back."""
    config = config_with(suggest_below=0.8)
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    held = {lk.id: lk for lk in ledger.links() if lk.role != "assertion"}
    with ledger.session() as s:
        s.execute(delete(LinkRow).where(LinkRow.id.in_(sorted(held))))
    recompute_all(ledger=ledger, config=config)
    ledger.close()
    return built.url, built, held, config


def _run(
    url: str,
    built: Built,
    held: dict[str, Link],
    config: Config,
    machine: list[int],
    actions: list[tuple[str, str]],
    order: list[bool],
) -> dict[str, Any]:
    ledger = Ledger.open(url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    written: set[str] = set()

    def write(i: int) -> None:
        claim, key = LATER[i]
        lid = link_id(built, claim, key)
        if lid in written:
            return
        written.add(lid)
        with ledger.session() as s:
            ledger.put_link(s, held[lid])
            from sqlalchemy import update

            from claimledger.store.models import ClaimRow

            s.execute(update(ClaimRow).where(ClaimRow.id == held[lid].claim_id).values(dirty=True))
        recompute_dirty(ledger=ledger, config=config)

    def review_step(j: int) -> None:
        name, arg = actions[j]
        w, bridge = built.claims["withdrawal"], built.claims["bridge"]
        if name in ("reject_link", "confirm_link", "set_stance"):
            claim = "bridge" if arg == "hostile0" else "withdrawal"
            write(LATER.index((claim, arg)))  # a review names a link the machine wrote
            data: dict[str, Any] = {"action": name, "link": link_id(built, claim, arg)}
            if name == "set_stance":
                data["stance"] = "supports"
        elif name == "merge_claims":
            data = {"action": name, "claim": bridge, "into": w}
        else:
            data = {"action": name, "claim": w, "status": arg}
        try:
            act(ledger, config, data, at=start + timedelta(days=j))
        except ConfigError:
            pass  # the same refusal in every order (it depends on earlier reviews only)

    m = r = 0
    for take in [*order, *([True] * len(machine)), *([False] * len(actions))]:
        if take and m < len(machine):
            write(machine[m])
            m += 1
        elif not take and r < len(actions):
            review_step(r)
            r += 1
    out = {cid: history_of(ledger, cid) for cid in built.claims.values()}
    out["views"] = [
        (v["id"], v["status"], v["reasons"]) for v in claim_views(ledger, config=config)
    ]
    recompute_all(ledger=ledger, config=config)
    assert {cid: history_of(ledger, cid) for cid in built.claims.values()} == {
        k: v for k, v in out.items() if k != "views"
    }
    rejected = {link_id(built, "withdrawal", arg) for name, arg in actions if name == "reject_link"}
    confirmed_after = set()
    for (
        name,
        arg,
    ) in actions:  # a later confirm or stance of the same link is the analyst's own undo
        lid = (
            link_id(built, "bridge" if arg == "hostile0" else "withdrawal", arg)
            if name != "merge_claims" and name != "override_status"
            else ""
        )
        if name == "reject_link":
            confirmed_after.discard(lid)
        elif name in ("confirm_link", "set_stance"):
            confirmed_after.add(lid)
    for lid in rejected - confirmed_after:
        assert all(
            lid not in e.evidence_ids for cid in built.claims.values() for e in ledger.history(cid)
        )
    ledger.close()
    return out


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    machine=st.permutations(list(range(len(LATER)))),
    actions=ACTIONS,
    order_a=st.lists(st.booleans(), max_size=12),
    order_b=st.lists(st.booleans(), max_size=12),
)
def test_store_replay_is_the_same_in_any_order(
    stores: Any,
    bare: Any,
    machine: list[int],
    actions: list[tuple[str, str]],
    order_a: list[bool],
    order_b: list[bool],
) -> None:
    url, built, held, config = bare
    a = _run(stores.copy(url), built, held, config, machine, actions, order_a)
    b = _run(stores.copy(url), built, held, config, list(reversed(machine)), actions, order_b)
    assert a == b


def test_evidence_added_by_hand_counts_and_names_its_author(small: Any) -> None:
    from claimledger.pipeline.manual_evidence import manual_evidence

    ledger, built, config = small
    bridge = built.claims["bridge"]
    assert status(ledger, config, bridge)[0] == "unverified"
    act(
        ledger,
        config,
        {
            "action": "add_evidence",
            "claim": bridge,
            "source": "Joint Border Monitoring Mission",
            "date": "2025-03-08",
            "stance": "refutes",
            "url": "https://jbmm.example/2025/03/08/no-bridge",
        },
        reason="the mission's patrol found no bridge at Kasto",
    )
    shown, reasons = status(ledger, config, bridge)
    assert shown == "refuted" and "INDEPENDENT_REFUTATION(1)" in reasons
    [item] = manual_evidence(ledger, [bridge])[bridge]
    assert item.added_by == "alice" and item.url == "https://jbmm.example/2025/03/08/no-bridge"
    [event] = review_events(ledger, claim_id=bridge)
    assert event.action.action == "add_evidence" and event.reason.startswith("the mission")
    with pytest.raises(ConfigError):  # neither a URL nor a note
        act(
            ledger,
            config,
            {
                "action": "add_evidence",
                "claim": bridge,
                "source": "X",
                "date": "2025-03-08",
                "stance": "refutes",
            },
        )


def test_a_statement_taken_from_a_claim_is_no_longer_a_way_into_it(small: Any) -> None:
    """Regression guard: a rejected (or not-a-claim) statement's vector stops drawing new
    statements to the claim, so the machine does not bring the same mistake back."""
    from claimledger.store.models import ClaimMemberRow

    ledger, built, config = small
    w = built.claims["withdrawal"]
    with ledger.session() as s:
        for key in ("meridian0", "jbmm0"):
            ledger.add_member(s, w, built.statements[key], b"\x00" * 16)
    act(
        ledger, config, {"action": "reject_link", "link": link_id(built, "withdrawal", "meridian0")}
    )
    act(ledger, config, {"action": "not_a_claim", "statement": built.statements["jbmm0"]})
    with ledger.session() as s:
        left = s.scalars(
            select(ClaimMemberRow.statement_id).where(ClaimMemberRow.claim_id == w)
        ).all()
    assert left == []


def test_cli_writes_are_audited_with_their_author(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from claimledger.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    monkeypatch.setenv("CLAIMLEDGER_ANALYST", "carol")
    assert runner.invoke(app, ["--db", db, "init"]).exit_code == 0
    made = runner.invoke(app, ["--db", db, "review", "analyst", "add", "dora", "--role", "reader"])
    assert made.exit_code == 0 and json.loads(made.output)["token"].startswith("cla_")
    assert runner.invoke(app, ["--db", db, "recompute"]).exit_code == 0
    assert runner.invoke(app, ["--db", db, "claims"]).exit_code == 0  # a read: not audited
    # A review command acting as a reader is refused and writes nothing.
    refused = runner.invoke(
        app, ["--db", db, "review", "override", "cnone", "refuted", "-r", "x", "--as", "dora"]
    )
    assert refused.exit_code != 0
    out = runner.invoke(app, ["--db", db, "review", "audit", "--format", "jsonl"])
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [(r["author"], r["action"]) for r in rows] == [
        ("carol", "cli init"),
        (rows[1]["author"], "add_analyst"),
        ("carol", "cli recompute"),
    ]
    assert rows[1]["author"].startswith("cli:") and rows[1]["target"] == "dora"


def test_an_override_of_a_tracked_claim_is_alerted(stores: Any) -> None:
    """The webhook gets the analyst's status event as it gets the machine's."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = make_config(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        built = build_small(stores.new(), config)
        ledger = Ledger.open(built.url)
        w = built.claims["withdrawal"]  # tracked
        act(ledger, config, {"action": "override_status", "claim": w, "status": "contested"})
        ledger.close()
    finally:
        server.shutdown()
    events = [e for body in got for e in body["events"]]
    assert any(e.get("new") == "contested" for e in events), got


@pytest.mark.slow
def test_a_later_statement_of_a_split_claim_links_to_it(small: Any, tmp_path: Path) -> None:
    """The claim a split opens stands in the claim index with its own vector and the
    statements split off: a later report of it (real pipeline) joins it, not the claim it
    was split from."""
    from claimledger.pipeline.local import ingest
    from claimledger.review.overlay import split_claim_id

    ledger, built, config = small
    w = built.claims["withdrawal"]
    split = act(
        ledger,
        config,
        {
            "action": "split_claim",
            "claim": w,
            "statements": [built.statements["jbmm1"]],
            "text": "Vehicles remained at the Drovny field camp.",
        },
    )
    new_id = split_claim_id(split.action)  # type: ignore[arg-type]
    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps(
            {
                "url": "https://www.lakesidegazette.example/2025/03/09/drovny-camp",
                "title": "Vehicles still at Drovny camp",
                "text": "A Joint Border Monitoring Mission patrol reported on Sunday that the"
                " vehicles remained at the Drovny field camp.",
                "published": "2025-03-09T10:00:00+00:00",
                "outlet": "Lakeside Gazette",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    report = ingest([str(later)], ledger=ledger, config=config)
    assert report.added and not report.failures
    with ledger.session() as s:
        linked = set(
            s.scalars(select(LinkRow.claim_id).where(LinkRow.article_id == report.added[0]))
        )
    assert new_id in linked, linked
    assert w not in linked
