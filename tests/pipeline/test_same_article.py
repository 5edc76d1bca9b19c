"""Evidence about the claims an article opens, from the article's other sentences
(``EV_SAME_ARTICLE``), and who an unnamed source is (``CL_UNNAMED_SOURCE``).

The story is written for these tests, shaped like real reporting: a ministry's claim, then
an observer's contradiction in the same article, neither in the headline nor opened by
"But". The whole pipeline runs (spaCy, MiniLM, the stance model, a SQLite ledger).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from claimledger.pipeline.opening import names_source
from claimledger.records import Statement
from tests_stories import ingest_story  # type: ignore[import-not-found]

STORY = (
    "GENEVA (Example News) - Talks between the two delegations ended on Tuesday without an "
    "agreement on the next round.\n\n"
    "Russia's defence ministry said on Tuesday that its tank units in Crimea were returning "
    "to their bases after the drills ended.\n\n"
    "The ministry released video of tanks being loaded onto trains.\n\n"
    "Satellite images taken by Maxar on Wednesday show the tank units in Crimea have not "
    "returned to their bases and remain in the field.\n"
)


def _evidence_links(tmp_path: Path, rules_off: str) -> list[tuple[str, str, str]]:
    db, _ = ingest_story(
        tmp_path,
        STORY,
        title="Talks end without an agreement",
        published="2022-02-16T09:00:00Z",
        rules_off=rules_off,
    )
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT c.text, l.stance, s.content_text FROM links l "
            "JOIN claims c ON c.id = l.claim_id JOIN statements s ON s.id = l.statement_id "
            "WHERE l.role = 'evidence'"
        ).fetchall()
    return [(str(c), str(stance), str(content)) for c, stance, content in rows]


@pytest.mark.slow
@pytest.mark.parametrize(("rules_off", "linked"), [("[]", True), ('["EV_SAME_ARTICLE"]', False)])
def test_a_later_sentence_of_the_article_refutes_the_claim_it_opened(
    tmp_path: Path, rules_off: str, linked: bool
) -> None:
    links = _evidence_links(tmp_path, rules_off)
    against = [
        stance
        for claim, stance, content in links
        if "returning to their bases" in claim and "have not returned" in content
    ]
    if linked:
        assert against and set(against) <= {"refutes", "questions"}
    else:
        assert against == []


def _said_by(source: str | None, cue: str | None = "said") -> Statement:
    return Statement(
        id="s1",
        article_id="a1",
        content=(0, 10),
        content_text="the fight would be over in days",
        kind="indirect",
        source=(0, 1) if source else None,
        source_text=source,
        cue=(0, 1) if cue else None,
        cue_text=cue,
        attributed=True,
    )


@pytest.mark.parametrize(
    ("source", "cue", "named"),
    [
        ("an expert", "tells", True),
        ("Western officials", "said", True),
        ("Analysts", "say", True),
        ("they", "said", False),
        ("Both", "believe", False),
        ("No one", "can think", False),
        ("Others", "argue", False),
        ("Each of them", "said", False),
        ("Some", "say", False),
        ("unnamed officials", "said", True),
        ("RUSSIA-UKRAINE", ":", False),
        (None, "is expected", False),
    ],
)
def test_an_unnamed_source_is_a_noun_with_a_verb_of_its_own(
    source: str | None, cue: str, named: bool
) -> None:
    assert names_source(_said_by(source, cue)) is named
