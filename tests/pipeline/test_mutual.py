"""EV_MUTUAL (pipeline/matching.link_mutual): two claims of one article that contradict
each other, by speakers of different sides, doubt each other.

The article's links are given (a stand-in for the store's two calls, in a narrow unit
test); what is checked is which reverse links ``link_mutual`` writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from claimledger.pipeline.analyse import Analysed
from claimledger.pipeline.matching import link_mutual
from claimledger.pipeline.report import ProcessReport
from claimledger.records import Article, Link, Statement


class _Table:
    """The actor table's ``home_state`` for three speakers."""

    states = {"kremlin": "russia", "ru-ministry": "russia", "janes": None}

    def home_state(self, actor_id: str) -> str | None:
        return self.states.get(actor_id)


class _Ledger:
    def __init__(self, links: list[Link]) -> None:
        self.links = links
        self.written: list[Link] = []

    def article_links(self, session: Any, article_id: str) -> list[Link]:
        return list(self.links)

    def put_link(self, session: Any, link: Link) -> bool:
        self.written.append(link)
        return True

    def mark_dirty(self, session: Any, claim_id: str) -> None:
        pass


ART = Article(id="a1", text="", published=datetime(2022, 1, 24, tzinfo=UTC))


def _st(sid: str, actor: str | None) -> Statement:
    return Statement(
        id=sid,
        article_id="a1",
        content=(0, 1),
        content_text=sid,
        kind="indirect",
        actor_id=actor,
        attributed=actor is not None,
    )


def _link(sid: str, cid: str, role: str, stance: str = "supports") -> Link:
    return Link(
        id=f"l-{sid}-{cid}",
        claim_id=cid,
        article_id="a1",
        stance=stance,  # type: ignore[arg-type]
        confidence=0.6,
        similarity=0.0,
        statement_id=sid,
        role=role,  # type: ignore[arg-type]
    )


def _run(
    second: str | None, *, extra: tuple[Link, ...] = (), rules_off: tuple[str, ...] = ()
) -> list[tuple[str | None, str, str]]:
    # s1 (the ministry) asserts c1; s2 asserts c2 and questions c1.
    an = Analysed(article=ART, statements=[_st("s1", "ru-ministry"), _st("s2", second)])
    ledger = _Ledger(
        [
            _link("s1", "c1", "assertion"),
            _link("s2", "c2", "assertion"),
            _link("s2", "c1", "evidence", "questions"),
            *extra,
        ]
    )
    link_mutual(
        an,
        ledger=ledger,  # type: ignore[arg-type]
        session=None,
        table=_Table(),
        report=ProcessReport(),
        rules_off=rules_off,
    )
    return [(lk.statement_id, lk.claim_id, lk.stance) for lk in ledger.written]


def test_a_contradiction_across_sides_is_mutual() -> None:
    assert _run("janes") == [("s1", "c2", "questions")]


def test_one_sides_statements_set_against_each_other_are_no_dispute() -> None:
    assert _run("kremlin") == []


def test_an_unknown_speaker_has_no_side_to_dispute_with() -> None:
    assert _run(None) == []
    assert _run("auto:1a2b3c4d5e6f") == []


def test_a_pair_already_linked_is_left_alone_and_the_rule_switches_off() -> None:
    assert _run("janes", extra=(_link("s1", "c2", "evidence", "refutes"),)) == []
    assert _run("janes", rules_off=("EV_MUTUAL",)) == []
