"""The ledger's reads and writes for the claim stage (``pipeline/process.py``,
``matching.py``, ``verdict_queries.py``): article and claim lookups inside the caller's
transaction, links by statement and by claim, the dirty flag, and outlets of origins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimledger.records import Article, Claim, Link, Origin, Outlet, Statement
from claimledger.store.ledger import MEMBER_KEY_BASE, Ledger
from claimledger.store.models import MEMBER_KEY_BASE as MODELS_MEMBER_KEY_BASE

T0 = datetime(2022, 2, 15, 9, tzinfo=UTC)


def _add(
    ledger: Ledger,
    text: str,
    *,
    outlet: str | None = "Wire",
    published: datetime | None = T0,
    origin: tuple[str, str] | None = None,
) -> Article:
    """Store one article; ``origin`` is (origin id, its first article id), else its own."""
    from claimledger.ingest.sources import make_article

    art = make_article(text, item=text[:8], outlet=outlet, published=published)
    oid, first = origin or (f"o-{art.id}", art.id)
    with ledger.session() as s:
        ledger.add_article(
            s,
            art,
            canonical_url=None,
            minhash=None,
            buckets=[],
            origin=Origin(id=oid, first_article_id=first),
        )
    return art


def _statement(sid: str, article_id: str) -> Statement:
    return Statement(
        id=sid,
        article_id=article_id,
        content=(0, 10),
        content_text=f"content of {sid}",
        kind="indirect",
    )


def _link(claim_id: str, statement_id: str | None, article_id: str, role: str) -> Link:
    return Link(
        id=f"l-{claim_id}-{statement_id}-{role}",
        claim_id=claim_id,
        article_id=article_id,
        stance="supports",
        confidence=0.9,
        similarity=1.0,
        statement_id=statement_id,
        role=role,  # type: ignore[arg-type]
    )


def _claims(ledger: Ledger, *ids: str) -> None:
    with ledger.session() as s:
        for cid in ids:
            ledger.put_claim(
                s, Claim(id=cid, text=f"text of {cid}", first_seen=T0), vector=None, entities=[]
            )


def test_member_key_base_is_the_models_constant_re_exported() -> None:
    assert MEMBER_KEY_BASE == MODELS_MEMBER_KEY_BASE


def test_article_pending_is_stored_and_not_processed(ledger: Ledger) -> None:
    art = _add(ledger, "The ministry said troops were returning to base on Tuesday.")
    with ledger.session() as s:
        assert ledger.article_pending(s, art.id)
        assert not ledger.article_pending(s, "a-missing")
        ledger.mark_processed(s, art.id)
        # The caller's transaction sees its own write: the article is no longer pending.
        assert not ledger.article_pending(s, art.id)
    with ledger.session() as s:
        assert not ledger.article_pending(s, art.id)


def test_newest_published_is_the_latest_date_and_none_when_empty(ledger: Ledger) -> None:
    assert ledger.newest_published() is None
    _add(ledger, "The governor said the bridge would reopen next week.", published=T0)
    later = T0 + timedelta(days=30)
    _add(ledger, "Observers said they had seen no sign of the columns.", published=later)
    _add(ledger, "The army said the drills had ended on schedule.", published=T0 - timedelta(1))
    # An undated article (PostgreSQL sorts it first in descending order) hides no date.
    _add(ledger, "A spokesman said the talks would resume.", published=None)
    newest = ledger.newest_published()
    assert newest == later and newest is not None and newest.tzinfo is not None


def test_outlets_by_name_are_outlet_records(ledger: Ledger) -> None:
    with ledger.session() as s:
        wire = ledger.outlet_id(s, "Wire", "x-wire")
        daily = ledger.outlet_id(s, "Daily")
        assert ledger.outlets_by_name(s) == {
            "Wire": Outlet(id=str(wire), name="Wire", actor_id="x-wire"),
            "Daily": Outlet(id=str(daily), name="Daily", actor_id=None),
        }


def test_origin_outlets_name_the_outlet_of_the_first_article_not_of_a_copy(
    ledger: Ledger,
) -> None:
    first = _add(ledger, "The ministry said troops were returning to base on Tuesday.")
    copy = _add(
        ledger,
        "The ministry said troops were returning to base on Tuesday, officials added.",
        outlet="Daily",
        origin=(f"o-{first.id}", first.id),
    )
    no_outlet = _add(ledger, "The governor said the bridge would reopen.", outlet=None)
    # An origin whose first article is not stored (removed by hand, say).
    _add(
        ledger, "Observers saw no sign of the columns.", outlet="Daily", origin=("o-gone", "a-gone")
    )
    with ledger.session() as s:
        found = ledger.origin_outlets(
            s, [f"o-{first.id}", f"o-{no_outlet.id}", "o-gone", "o-missing"]
        )
        assert found == {f"o-{first.id}": "Wire"}
        assert ledger.origin_outlets(s, []) == {}
    assert {a.id: a.outlet for a in ledger.articles()}[copy.id] == "Daily"


def test_claim_exists_sees_the_callers_uncommitted_claim(ledger: Ledger) -> None:
    with ledger.session() as s:
        assert not ledger.claim_exists(s, "c1")
        ledger.put_claim(s, Claim(id="c1", text="x", first_seen=T0), vector=None, entities=[])
        assert ledger.claim_exists(s, "c1")
        assert not ledger.claim_exists(s, "c")  # exactly the id: no prefix lookup


def test_claim_vector_is_text_vector_entities_or_none_without_a_vector(ledger: Ledger) -> None:
    with ledger.session() as s:
        ledger.put_claim(
            s,
            Claim(id="c1", text="troops return", first_seen=T0),
            vector=b"\1" * 16,
            entities=["varnia", "army"],
        )
        ledger.put_claim(s, Claim(id="c2", text="x", first_seen=T0), vector=None, entities=[])
        ledger.put_claim(s, Claim(id="c3", text="y", first_seen=T0), vector=b"", entities=[])
    with ledger.session() as s:
        assert ledger.claim_vector(s, "c1") == ("troops return", b"\1" * 16, ["army", "varnia"])
        assert ledger.claim_vector(s, "c2") is None
        assert ledger.claim_vector(s, "c3") is None  # an empty vector is no vector
        assert ledger.claim_vector(s, "c-missing") is None


def test_mark_and_clear_dirty_touch_only_that_claim(ledger: Ledger) -> None:
    _claims(ledger, "c3", "c1", "c2")
    assert ledger.dirty_claim_ids() == ["c1", "c2", "c3"]  # new claims are dirty; id order
    with ledger.session() as s:
        ledger.clear_dirty(s, "c1")
        ledger.clear_dirty(s, "c3")
    assert ledger.dirty_claim_ids() == ["c2"]
    with ledger.session() as s:
        ledger.mark_dirty(s, "c3")
        ledger.mark_dirty(s, "c-missing")  # no such claim: nothing to flag
    assert ledger.dirty_claim_ids() == ["c2", "c3"]


def test_dirty_flags_roll_back_with_the_callers_transaction(ledger: Ledger) -> None:
    _claims(ledger, "c1")

    class Boom(Exception):
        pass

    try:
        with ledger.session() as s:
            ledger.clear_dirty(s, "c1")
            raise Boom
    except Boom:
        pass
    assert ledger.dirty_claim_ids() == ["c1"]


def test_restated_claim_ids_leave_out_evidence_and_other_statements(ledger: Ledger) -> None:
    art = _add(ledger, "The ministry said troops were returning to base on Tuesday.")
    _claims(ledger, "c1", "c2", "c3")
    with ledger.session() as s:
        ledger.put_statements(s, [_statement("s1", art.id), _statement("s2", art.id)])
        ledger.put_link(s, _link("c1", "s1", art.id, "assertion"))
        ledger.put_link(s, _link("c2", "s1", art.id, "report"))
        ledger.put_link(s, _link("c3", "s1", art.id, "evidence"))
        ledger.put_link(s, _link("c3", "s2", art.id, "report"))
        assert sorted(ledger.restated_claim_ids(s, "s1")) == ["c1", "c2"]
        assert ledger.restated_claim_ids(s, "s2") == ["c3"]
        assert ledger.restated_claim_ids(s, "s-missing") == []


def test_linked_statement_ids_are_every_role_of_that_claim_only(ledger: Ledger) -> None:
    art = _add(ledger, "The ministry said troops were returning to base on Tuesday.")
    _claims(ledger, "c1", "c2")
    with ledger.session() as s:
        ledger.put_statements(s, [_statement(f"s{n}", art.id) for n in range(1, 5)])
        ledger.put_link(s, _link("c1", "s1", art.id, "assertion"))
        ledger.put_link(s, _link("c1", "s2", art.id, "report"))
        ledger.put_link(s, _link("c1", "s3", art.id, "evidence"))
        ledger.put_link(s, _link("c1", None, art.id, "evidence"))  # an article-level link
        ledger.put_link(s, _link("c2", "s4", art.id, "report"))
        assert ledger.linked_statement_ids(s, "c1") == {"s1", "s2", "s3"}
        assert ledger.linked_statement_ids(s, "c2") == {"s4"}
        assert ledger.linked_statement_ids(s, "c-missing") == set()
