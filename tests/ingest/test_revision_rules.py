"""Revision rules: correction and editor's notes, withdrawal cues, statement diffs.

Texts written for these tests. Each rule of ``NOTE_RULES`` and ``WITHDRAW_RULES`` has a
test named after it, and the rules are switched off by id.
"""

from __future__ import annotations

import pytest

from claimledger.ingest.revisions import (
    NOTE_RULES,
    RULE_IDS,
    WITHDRAW_RULES,
    diff,
    in_notes,
    notes,
    statement_key,
)
from claimledger.records import Statement

BODY = "The council said the bridge would reopen on Monday.\n\n"


def _rules(text: str) -> list[str]:
    return [n.rule for n in notes(text)]


def test_REV_CORRECTION() -> None:
    text = BODY + "Correction: The bridge reopens on Tuesday, not Monday."
    [note] = notes(text)
    assert note.rule == "REV_CORRECTION"
    assert text[note.span[0] : note.span[1]] == note.text
    assert _rules(BODY + "CORRECTION - The mayor's name was misspelled.") == ["REV_CORRECTION"]
    # A correction mentioned inside a sentence is no note.
    assert _rules("The paper issued a correction: nothing else changed.") == []


def test_REV_CLARIFICATION() -> None:
    assert _rules(BODY + "Clarification: the closure covers cars only.") == ["REV_CLARIFICATION"]


def test_REV_EARLIER_VERSION() -> None:
    text = BODY + "An earlier version of this story misstated the bridge's length."
    [note] = notes(text)
    assert note.rule == "REV_EARLIER_VERSION" and note.withdraws == ("REVW_MIS",)


def test_REV_UPDATE() -> None:
    [note] = notes(BODY + "Update: This story has been updated with the mayor's comments.")
    assert note.rule == "REV_UPDATE" and not note.withdrawal
    assert _rules(BODY + "He gave an update: the works were on time.") == []


def test_REV_AMENDED() -> None:
    assert _rules(BODY + "This article has been amended to add the council's vote.") == [
        "REV_AMENDED"
    ]


def test_REV_EDITORS_NOTE() -> None:
    assert _rules(BODY + "Editor's note: a quote was removed at the speaker's request.") == [
        "REV_EDITORS_NOTE"
    ]


@pytest.mark.parametrize(
    ("rule", "note"),
    [
        ("REVW_WRONGLY", "Correction: An earlier version incorrectly gave the date as Monday."),
        ("REVW_MIS", "Correction: This story misquoted the mayor."),
        ("REVW_REMOVED", "Editor's note: A paragraph about the tender has been removed."),
        ("REVW_DID_NOT", "Correction: The mayor did not say the bridge was unsafe."),
    ],
)
def test_withdrawal_rules(rule: str, note: str) -> None:
    [found] = notes(BODY + note)
    assert rule in found.withdraws
    # Switched off by id, the rule finds nothing; switching every note rule off finds no note.
    [again] = notes(BODY + note, rules_off={rule})
    assert rule not in again.withdraws
    assert notes(BODY + note, rules_off={r.id for r in NOTE_RULES}) == []


def test_every_rule_has_an_id_and_purpose() -> None:
    ids = [r.id for r in (*NOTE_RULES, *WITHDRAW_RULES)]
    assert len(ids) == len(set(ids)) == len(RULE_IDS)
    assert all(r.purpose for r in (*NOTE_RULES, *WITHDRAW_RULES))


def test_a_note_runs_to_the_end_of_its_paragraph() -> None:
    text = BODY + "Correction: The bridge reopens on Tuesday.\nIt was Monday.\n\nWeather follows."
    [note] = notes(text)
    assert note.text == "Correction: The bridge reopens on Tuesday.\nIt was Monday."


def _st(sid: str, start: int, content: str, speaker: str | None = "Mayor") -> Statement:
    return Statement(
        id=sid,
        article_id="a",
        content=(start, start + len(content)),
        content_text=content,
        kind="indirect",
        speaker=speaker,
        attributed=speaker is not None,
    )


def test_diff_matches_by_content_and_speaker_not_by_id() -> None:
    before = [
        _st("s1", 0, "the bridge would reopen on Monday"),
        _st("s2", 50, "traffic would be diverted", speaker="Police"),
        _st("s3", 90, "Works cost 2 million."),
    ]
    after = [
        _st("t1", 10, "The bridge would reopen on  Monday!"),  # re-typeset: unchanged
        _st("t2", 60, "traffic would be diverted", speaker="Mayor"),  # another speaker: new
        _st("t4", 99, "Works cost 3 million."),  # new
    ]
    d = diff(before, after)
    assert d.unchanged == (("s1", "t1"),)
    assert d.new == ("t2", "t4")
    assert d.removed == ("s2", "s3")
    assert statement_key(before[0]) == statement_key(after[0])


def test_statements_inside_notes() -> None:
    text = BODY + "Correction: The council said the bridge reopens on Tuesday."
    found = notes(text)
    start = text.index("the bridge reopens")
    assert in_notes((start, len(text)), found)
    assert not in_notes((0, 20), found)
