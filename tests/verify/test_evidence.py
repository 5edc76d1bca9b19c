"""Evidence records and the lexical retraction detector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from claimledger.errors import ConfigError
from claimledger.records import Article, Link, Outlet, Statement
from claimledger.verify.evidence import evidence_from_records, is_retraction


@pytest.mark.parametrize(
    "text",
    [
        "The ministry later withdrew its statement.",
        "The ministry has withdrawn the claim",
        "Moscow retracted the report on Friday",
        "the agency corrects an earlier statement about casualties",
        "The figures were issued in error, a spokesman said",
        "the statement had been published by mistake",
        "The ministry no longer stands by the account",
        "The army said it was issuing a retraction",
        "It walked back its earlier remarks",
        "The ministry deleted the post",
        "The ministry apologised for the erroneous report",
        "We withdraw it and regret the error,",
        "the ministry regretted the error",
        "its protest of 6 March was withdrawn",
        "lodged a formal protest, which it has now withdrawn.",
        "Tarsk has publicly withdrawn a military statement",
        "The Varnian Defence Ministry on Saturday withdrew its statement that units had",
        "The ministry corrected its earlier statement",
    ],
)
def test_retraction_cues_are_found(text: str) -> None:
    assert is_retraction(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Russia withdrew troops from the area",
        "The ministry did not retract the claim",
        "The ministry refused to withdraw its statement",
        "Officials have not withdrawn the report",
        "The ministry denied retracting the claim",
        "Kyiv said the strike was a provocation",
        "He stands by the report",
        "The figures were issued on Monday",
        "\x00\ufffd odd bytes",
        "Reports that troops were withdrawn from the border",
        "Moscow said Russia has withdrawn.",
        "The ministry corrected Western reports on the strike",
        "Units withdrew two battalions from the area",
    ],
)
def test_non_retractions_are_not_flagged(text: str) -> None:
    assert not is_retraction(text)


def _records() -> tuple[Link, Article, Statement, Outlet]:
    article = Article(
        id="a1",
        text="x" * 200,
        title="Ministry backtracks",
        outlet="RT",
        published=datetime(2024, 3, 2, 14, 0, tzinfo=timezone(timedelta(hours=3))),
        origin_id="o1",
    )
    stmt = Statement(
        id="s1",
        article_id="a1",
        content=(40, 80),
        content_text="the figures had been issued in error",
        kind="indirect",
        cue_text="said",
        speaker="Igor Konashenkov",
        actor_id="ru-mod-spox",
    )
    link = Link(
        id="l1",
        claim_id="c1",
        article_id="a1",
        stance="refutes",
        confidence=0.8,
        similarity=0.7,
        statement_id="s1",
    )
    return link, article, stmt, Outlet(id="rt", name="RT", actor_id="rt")


def test_evidence_joins_link_article_statement_outlet() -> None:
    link, article, stmt, outlet = _records()
    ev = evidence_from_records(link, article=article, statement=stmt, outlet=outlet)
    assert ev.id == "l1"
    assert (ev.claim_id, ev.statement_id, ev.article_id, ev.origin_id) == ("c1", "s1", "a1", "o1")
    assert (ev.outlet, ev.outlet_actor_id) == ("RT", "rt")
    assert (ev.speaker, ev.speaker_actor_id) == ("Igor Konashenkov", "ru-mod-spox")
    assert (ev.stance, ev.confidence, ev.role) == ("refutes", 0.8, "report")
    assert ev.date == datetime(2024, 3, 2, 11, 0, tzinfo=UTC)
    assert ev.date.tzinfo == UTC
    assert ev.retracts
    assert ev.text == "the figures had been issued in error"


def test_unattributed_statement_is_the_outlets_own() -> None:
    link, article, stmt, _ = _records()
    own = Statement(
        id="s1",
        article_id="a1",
        content=(0, 40),
        content_text="Satellite images show craters near the plant",
        kind="direct",
        speaker="ignored",
        actor_id="ignored",
        attributed=False,
    )
    ev = evidence_from_records(link, article=article, statement=own)
    assert (ev.speaker, ev.speaker_actor_id) == (None, None)
    assert (ev.outlet, ev.outlet_actor_id) == ("RT", None)
    assert not ev.retracts


@pytest.mark.parametrize(
    ("source", "speaker", "actor", "unknown"),
    [
        (None, None, None, True),  # a cue without a source
        ('"He', None, None, True),  # a pronoun nobody resolved
        ("Two weapons experts who reviewed our photographs", None, None, False),
        ("Kuleba", "Dmytro Kuleba", "dmytro-kuleba", False),
        ("He", "Dmytro Kuleba", "dmytro-kuleba", False),  # resolved
    ],
)
def test_a_speaker_is_unknown_only_without_a_source_or_behind_a_bare_pronoun(
    source: str | None, speaker: str | None, actor: str | None, unknown: bool
) -> None:
    from dataclasses import replace

    link, article, stmt, _ = _records()
    said = replace(stmt, source_text=source, speaker=speaker, actor_id=actor, attributed=True)
    assert evidence_from_records(link, article=article, statement=said).speaker_unknown is unknown
    own = replace(stmt, source_text=None, speaker=None, actor_id=None, attributed=False)
    assert not evidence_from_records(link, article=article, statement=own).speaker_unknown


def test_article_level_link_uses_title_and_fallback_date() -> None:
    link, article, _, _ = _records()
    undated = Article(id="a1", text="body", title="Ministry retracted the claim", outlet=None)
    ev = evidence_from_records(
        link, article=undated, statement=None, fallback_date=datetime(2024, 3, 3)
    )
    assert ev.statement_id is None
    assert ev.origin_id == "a1"  # an article without origin is its own origin
    assert ev.date == datetime(2024, 3, 3, tzinfo=UTC)
    assert ev.retracts
    assert ev.outlet == ""


def test_bad_joins_are_refused_with_a_coded_error() -> None:
    link, article, stmt, _ = _records()
    undated = Article(id="a1", text="body")
    with pytest.raises(ConfigError, match=r"^E402 l1: invalid input: article a1 has no date$"):
        evidence_from_records(link, article=undated, statement=None)
    other = Article(id="a2", text="body", published=datetime(2024, 3, 3, tzinfo=UTC))
    with pytest.raises(ConfigError, match="statement s1 is not in article a2"):
        evidence_from_records(link, article=other, statement=stmt)
