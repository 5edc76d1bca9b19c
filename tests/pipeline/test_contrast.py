"""A reply in contrast: another side's "But ..." after a claim in the same story questions it.

Stories written for these tests, shaped like real reporting; the whole pipeline runs
(spaCy, MiniLM, the stance model, a SQLite ledger) through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimledger.cli import app
from tests_stories import ingest_story  # type: ignore[import-not-found]

EXERCISE = (
    "MINSK (Example News) - Russia's defence ministry said on Monday that the troops it "
    "had sent to Belarus were there for a joint training exercise.\n\n"
)
STORIES = {
    # An analyst firm of no side, in contrast: a doubt about the ministry's claim.
    "other_side": EXERCISE
    + "But according to Janes, the troops are deploying as close to ready to go as you can "
    "be, with field hospitals and fuel stocks.",
    # The same side in contrast adds to its own claim: no doubt.
    "same_side": EXERCISE
    + "But the Kremlin said the troops would return to their bases once the drills ended.",
}


def _claims(tmp_path: Path, text: str, rules_off: str) -> list[dict[str, Any]]:
    db, env = ingest_story(
        tmp_path,
        text,
        title="Russia says its troops in Belarus are there for drills",
        published="2022-01-24T09:00:00Z",
        rules_off=rules_off,
    )
    res = CliRunner().invoke(app, ["--db", str(db), "claims", "--format", "json"], env=env)
    assert res.exit_code == 0, res.output
    return list(json.loads(res.stdout))


def _exercise(claims: list[dict[str, Any]]) -> dict[str, Any]:
    [claim] = [c for c in claims if "training exercise" in c["text"]]
    return claim


@pytest.mark.slow
@pytest.mark.parametrize(
    ("story", "rules_off", "doubted"),
    [
        ("other_side", "[]", True),
        ("other_side", '["EV_CONTRAST"]', False),
        ("same_side", "[]", False),
    ],
)
def test_another_sides_but_questions_the_claim_before_it(
    tmp_path: Path, embedder: Any, story: str, rules_off: str, doubted: bool
) -> None:
    claims = _claims(tmp_path, STORIES[story], rules_off)
    claim = _exercise(claims)
    assert claim["claimant"]["actor"] in ("russia", "russia/defence-ministry")
    doubts = [e for e in claim["evidence"] if e["stance"] == "questions"]
    assert bool(doubts) == doubted, claim["evidence"]
    if doubted:
        assert {e["actor"] for e in doubts} == {"janes"}
        assert any(r.startswith("QUESTIONED_BY(") for r in claim["reasons"]), claim["reasons"]
        # A doubt moves no status.
        assert claim["status"] == "unverified"


@pytest.mark.slow
@pytest.mark.parametrize(("rules_off", "mutual"), [("[]", True), ('["EV_MUTUAL"]', False)])
def test_a_contradicted_claim_doubts_the_claim_of_its_contradiction(
    tmp_path: Path, embedder: Any, rules_off: str, mutual: bool
) -> None:
    # Janes's "But ..." questions the ministry's claim, and opens a claim of its own: the
    # ministry's account of drills is, in turn, a doubt about it (EV_MUTUAL).
    claims = _claims(tmp_path, STORIES["other_side"], rules_off)
    [ready] = [c for c in claims if "ready to go" in c["text"]]
    assert ready["claimant"]["actor"] == "janes"
    doubts = [e for e in ready["evidence"] if e["stance"] == "questions"]
    if mutual:
        assert {e["actor"] for e in doubts} <= {"russia", "russia/defence-ministry"}, doubts
        assert doubts and ready["status"] == "unverified"
    else:
        assert doubts == []


def test_known_side_is_the_state_of_a_known_actor_only() -> None:
    from claimledger.pipeline.actor_tables import actor_table
    from claimledger.pipeline.matching import known_side

    table = actor_table()
    assert known_side(table, "sergei-lavrov") == "russia"
    assert known_side(table, "nato") == "nato"  # an alliance speaks for no member state
    assert known_side(table, None) is None
    assert known_side(table, "unknown") is None
    assert known_side(table, "auto:1a2b3c") is None
