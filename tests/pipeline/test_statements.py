"""From an article's attributions to statements: who is speaking, and what opens a claim.

Attributions are given by hand (extraction has its own tests); the actor table is
the sample scenario's, where Tarsk stands for Varnia and the Varnian News Agency
is Varnia's state agency.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from claimledger.extract.actors import ActorTable
from claimledger.pipeline.analyse import DIM, Analysed, headline_statements, headline_text
from claimledger.pipeline.statements import statements_of
from claimledger.records import Article, Attribution, Statement, hash_id
from tests_paths import SAMPLE  # type: ignore[import-not-found]


@pytest.fixture()
def table() -> ActorTable:
    return ActorTable.load(SAMPLE / "actors.yaml")


def _article(text: str, outlet: str) -> Article:
    return Article(
        id=hash_id(text, prefix="a"),
        text=text,
        url="https://example.example/a",
        outlet=outlet,
        published=datetime(2025, 3, 10, 9, tzinfo=UTC),
    )


def _said(text: str, content: str, source: str) -> Attribution:
    c, s = text.index(content), text.index(source)
    return Attribution(
        content=(c, c + len(content)),
        kind="indirect",
        source=(s, s + len(source)),
        speaker=source,
    )


@pytest.mark.parametrize(
    ("outlet", "dateline", "expected"),
    [
        # State media without a dateline: its state's ministry.
        ("Varnian News Agency", "", "varnia/defence-ministry"),
        # A dateline says which country the story is from, whoever publishes it.
        ("Varnian News Agency", "BELMORA, 10 March (VNA) — ", "ostrela/defence-ministry"),
        # An independent wire: the dateline says which country the story is from.
        ("Continental News Agency", "TARSK, 10 March (CNA) — ", "varnia/defence-ministry"),
        ("Continental News Agency", "BELMORA, 10 March (CNA) — ", "ostrela/defence-ministry"),
        # A place the table does not know, with its country after the comma.
        ("The Cardon Observer", "KASEL REGION, Varnia — ", "varnia/defence-ministry"),
        # Neither: "the Defence Ministry" stays an actor of its own.
        ("Continental News Agency", "", None),
    ],
)
def test_a_bare_ministry_is_the_ministry_of_the_country_reported_from(
    table: ActorTable, outlet: str, dateline: str, expected: str | None
) -> None:
    text = dateline + "A depot was destroyed overnight, the Defence Ministry said."
    [st] = [
        s
        for s in statements_of(
            _article(text, outlet),
            [_said(text, "A depot was destroyed overnight", "the Defence Ministry")],
            actors=table,
        )
        if s.attributed
    ]
    if expected is None:
        assert st.actor_id is not None and st.actor_id.startswith("auto:")
    else:
        assert st.actor_id == expected


def test_a_sentence_relaying_a_known_actors_denial_is_that_actors_statement(
    table: ActorTable,
) -> None:
    text = (
        "Ostrela had denied from the start that it had flown any drone near the border. "
        "The weather over the border region was clear and cold all week."
    )
    relayed, own = statements_of(_article(text, "Continental News Agency"), [], actors=table)
    assert relayed.attributed and relayed.actor_id == "ostrela"
    assert (relayed.speaker, relayed.cue_text) == ("Ostrela", "had denied")
    assert relayed.content_text.startswith("Ostrela had denied from the start that")
    # An ordinary sentence stays the outlet's own.
    assert not own.attributed and own.actor_id == "continental-news-agency"


def test_headline_speaker_is_not_what_it_reports() -> None:
    assert headline_text("Defence Ministry: Varnia building bridge") == "Varnia building bridge"
    assert headline_text("Varnia building bridge, ministry says") == "Varnia building bridge"
    assert headline_text("Storm brings snow") == "Storm brings snow"
    assert headline_text("Graham: Trump could act, Lindsey Graham Says.") == "Trump could act"
    # A long phrase before a colon is the headline itself, not its speaker.
    long = "A Curious Plan to Fight Climate Change: Buy Mines, Sell Coal"
    assert headline_text(long) == long


def _unit(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = (v / np.linalg.norm(v)).astype(np.float32)
    return out


def test_the_headline_statement_is_the_attributed_one_nearest_the_title() -> None:
    rng = np.random.default_rng(3)
    title = _unit(rng.standard_normal(DIM))

    def near(cos: float) -> np.ndarray:
        noise = rng.standard_normal(DIM)
        noise -= (noise @ title) * title
        return _unit(cos * title + np.sqrt(1 - cos**2) * _unit(noise))

    art = _article("x", "OBS")
    an = Analysed(article=art, statements=[])
    for i, (cos, attributed, worth) in enumerate(
        [(0.9, False, 0.9), (0.8, True, 0.25), (0.7, True, 0.9), (0.95, True, 0.05)]
    ):
        st = Statement(
            id=f"s{i}",
            article_id=art.id,
            content=(i, i + 1),
            content_text=f"statement {i}",
            kind="indirect",
            attributed=attributed,
            checkworthiness=worth,
        )
        an.statements.append(st)
        an.vectors[st.id] = near(cos).tobytes()
    # s0 is the outlet's own sentence, s3 too unworthy even for a headline: s1 is the news.
    assert headline_statements(an, title) == {"s1"}
    assert headline_statements(an, _unit(rng.standard_normal(DIM))) == set()


def test_a_capitalised_opening_word_is_no_dateline(table: ActorTable) -> None:
    from claimledger.pipeline.statements import home_state

    for text in (
        "TARSK-backed forces advanced, the Defence Ministry said.",
        "TARSK, BELMORA and the alliance met, the Defence Ministry said.",
    ):
        assert home_state(_article(text, "Continental News Agency"), table) is None, text
    dated = "TARSK, 10 March (CNA) — Forces advanced, the Defence Ministry said."
    assert home_state(_article(dated, "Continental News Agency"), table) == "varnia"


def test_actors_stored_by_another_process_reach_the_ledger_table(
    sqlite_ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from claimledger.config import load_config
    from claimledger.pipeline.actor_tables import ledger_actors
    from claimledger.records import Actor

    config = load_config(environ={}, user_file=Path("/nonexistent"))
    table = ledger_actors(sqlite_ledger, config)
    assert table.get("auto:newcomer") is None
    reads = []
    original = type(sqlite_ledger).actors
    monkeypatch.setattr(
        type(sqlite_ledger), "actors", lambda self: reads.append(1) or original(self)
    )
    assert ledger_actors(sqlite_ledger, config) is table and reads == []  # nothing new: no read
    sqlite_ledger.upsert_actors([Actor(id="auto:newcomer", name="Newcomer", type="person")])
    assert ledger_actors(sqlite_ledger, config).get("auto:newcomer") is not None
    assert reads == [1]
