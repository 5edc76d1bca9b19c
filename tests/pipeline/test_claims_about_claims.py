"""Claims about claims and doubts about an article's news, through the whole pipeline.

Stories written for these tests, shaped like real reporting: a party announces a
withdrawal, the other side asks for proof, an alliance's chief sees no sign of it on the
ground, and an official calls the party's claim false.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimledger.cli import app

STORY = {
    "url": "https://example.org/2022/03/01/pull-back",
    "title": "Russia says it is pulling back troops from Ukraine border",
    "published": "2022-03-01T09:00:00Z",
    "text": (
        "MOSCOW (Example News) - Russia's defence ministry said on Tuesday that some of its "
        "units were pulling back from the border with Ukraine after completing exercises.\n\n"
        "Ukraine's foreign minister Dmytro Kuleba said Kyiv wanted to see evidence that the "
        'troops had indeed withdrawn. "We will see, then we will believe," he said.\n\n'
        "NATO Secretary General Jens Stoltenberg said there were no signs of de-escalation "
        "on the ground so far.\n\n"
        "Russia's claim that it is moving troops away from Ukraine's border is false, "
        "according to a senior White House official."
    ),
}

LATER = {
    "url": "https://example.org/2022/03/03/no-sign",
    "title": "No sign of Russian withdrawal, Western officials say",
    "published": "2022-03-03T09:00:00Z",
    "text": (
        "WASHINGTON (Example Wire) - Western officials said on Thursday that they had seen no "
        "evidence of a Russian pull-back. British Defence Secretary Ben Wallace said Moscow's "
        "claim that it was withdrawing forces from the border was not true.\n\n"
        "Satellite images showed new field hospitals near the border, a private imaging "
        "company said."
    ),
}


def _claims(tmp_path: Path, *stories: dict[str, str]) -> list[dict[str, Any]]:
    src = tmp_path / "stories.jsonl"
    src.write_text("".join(json.dumps(s) + "\n" for s in stories), encoding="utf-8")
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    env = {"CLAIMLEDGER_CONFIG": "/nonexistent"}
    res = runner.invoke(app, ["--db", db, "ingest", str(src)], env=env)
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", db, "claims", "--format", "json"], env=env)
    assert res.exit_code == 0, res.output
    return list(json.loads(res.stdout))


def _withdrawal(claims: list[dict[str, Any]]) -> dict[str, Any]:
    [claim] = [
        c for c in claims if c["text"] == "Russia is moving troops away from Ukraine's border"
    ]
    return claim


@pytest.mark.slow
def test_the_seed_story_puts_doubts_and_the_refutation_on_the_partys_claim(
    tmp_path: Path, embedder: Any
) -> None:
    claim = _withdrawal(_claims(tmp_path, STORY))
    # The claim is the party's, told as a proposition of its own.
    assert claim["claimant"]["actor"] == "russia"
    by_actor = {(e["actor"], e["stance"]) for e in claim["evidence"]}
    # The demand for evidence, "we will see" and "no signs on the ground" question it ...
    assert ("dmytro-kuleba", "questions") in by_actor
    assert ("jens-stoltenberg", "questions") in by_actor or (
        "jens-stoltenberg",
        "refutes",
    ) in by_actor
    # ... and the official's "Russia's claim ... is false" refutes it.
    assert ("usa", "refutes") in by_actor
    assert claim["status"] != "corroborated"
    assert any(r.startswith("QUESTIONED_BY(") for r in claim["reasons"]), claim["reasons"]


@pytest.mark.slow
def test_a_later_claim_about_the_claim_refutes_it_from_another_origin(
    tmp_path: Path, embedder: Any
) -> None:
    claim = _withdrawal(_claims(tmp_path, STORY, LATER))
    later = [e for e in claim["evidence"] if e["date"].startswith("2022-03-03")]
    # Wallace's "Moscow's claim that it was withdrawing forces ... was not true" reaches the
    # claim it judges, from an origin of its own: an independent refutation.
    assert any(e["stance"] == "refutes" and e["independent"] for e in later), later
    assert claim["status"] == "refuted", claim["reasons"]


def test_nested_rules_switch_off_by_id() -> None:
    from claimledger.config import load_config
    from claimledger.ingest.sources import Defaults, article_from_record
    from claimledger.pipeline.actor_tables import actor_table
    from claimledger.pipeline.statements import extract_statements, nested_statements

    config = load_config()
    art = article_from_record(dict(STORY), item="story", defaults=Defaults())
    [sts] = extract_statements([art], config=config)
    table = actor_table("")
    _, judgements, _ = nested_statements(art, sts, actors=table)
    assert {j.rule for j in judgements} == {"claim_possessive_that"}
    _, judgements, _ = nested_statements(
        art, sts, actors=table, rules_off=["claim_possessive_that"]
    )
    assert judgements == []
