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


# The same story as news agencies tell it, in other words: a headline that paraphrases the
# lead, the party's claim told with "its forces", a doubt in other words than "we will
# see", and a later "despite what Russia has said about ..." from another capital.
PULLBACK = {
    "url": "https://example.net/a1",
    "title": "Russia announces partial pullback of troops near Ukraine",
    "published": "2022-03-15T10:00:00Z",
    "text": (
        "Russia on Tuesday announced that some of its forces stationed near the Ukrainian "
        "border were heading back to their garrisons, a move that could ease fears of an "
        "imminent invasion.\n\nThe defence ministry in Moscow released video footage that "
        "it said showed tanks and armoured vehicles being loaded onto trains after the "
        'end of military drills.\n\nUkraine reacted with caution. "We will believe when we '
        'see the trains actually leave," Foreign Minister Dmytro Kuleba told '
        "reporters.\n\nNATO Secretary General Jens Stoltenberg said the alliance had "
        'so far not seen any sign of de-escalation on the ground. "We have not seen any '
        'withdrawal of Russian forces," he said.\n\nRussia has massed more than 100,000 '
        "troops near Ukraine's borders in recent months, while denying any plan to attack "
        "its neighbour."
    ),
}

PULLBACK_DENIED = {
    "url": "https://example.net/a2",
    "title": "US says Russian pullback claim is false, 7,000 troops added",
    "published": "2022-03-17T02:00:00Z",
    "text": (
        "WASHINGTON - A senior Biden administration official said on Wednesday that "
        "Russia's claim that it was withdrawing troops from the border with Ukraine was "
        "false. Russia has added up to 7,000 soldiers near the border in recent days, the "
        "official said.\n\nSecretary of State Antony Blinken said that despite what Russia "
        'has said about pulling back its troops, "that has not happened." "We still see '
        'units arriving at the border, not leaving it," he said.'
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


@pytest.mark.slow
def test_the_pullback_told_in_other_words_is_doubted_and_refuted(
    tmp_path: Path, embedder: Any
) -> None:
    claims = _claims(tmp_path, PULLBACK, PULLBACK_DENIED)
    [claim] = [c for c in claims if c["text"].startswith("Some of Russia's forces")]
    assert claim["claimant"]["actor"] == "russia"
    by_actor = {(e["actor"], e["stance"]) for e in claim["evidence"]}
    # "we'll believe when we see" is a doubt; "that has not happened" after "despite what
    # Russia has said about pulling back its troops" a refutation from Washington.
    assert ("dmytro-kuleba", "questions") in by_actor
    assert ("antony-blinken", "refutes") in by_actor
    assert claim["status"] == "refuted", claim["reasons"]


# Two leaders of one side warn of a wider war in other words, and the other side ridicules
# "such claims": the plural judges both warnings, not only the nearer one.
SUCH_CLAIMS = {
    "url": "https://example.net/a3",
    "title": "Ukraine's prime minister warns of world war if Kyiv loses",
    "published": "2024-04-18T08:00:00Z",
    "text": (
        "Ukraine's Prime Minister Denys Shmyhal said on Wednesday that a third world war "
        "would follow if Ukraine lost its war with Russia.\n\n"
        "Last year, President Volodymyr Zelensky said that if Russia won in Ukraine, it "
        "would go on to attack Poland.\n\n"
        "But Kremlin officials have ridiculed such claims as Western scaremongering."
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(("rules_off", "both"), [("[]", True), ('["EV_PLURAL_ANAPHOR"]', False)])
def test_such_claims_judges_each_like_claim_of_the_side(
    tmp_path: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch, rules_off: str, both: bool
) -> None:
    monkeypatch.setenv("CLAIMLEDGER_CLAIMS__RULES_OFF", rules_off)
    claims = _claims(tmp_path, SUCH_CLAIMS)
    refuted = {
        c["claimant"]["actor"]
        for c in claims
        if any(e["actor"] == "russia" and e["stance"] == "refutes" for e in c["evidence"])
    }
    # The nearer warning is judged either way (X said P. But ...).
    assert "volodymyr-zelensky" in refuted, claims
    assert ("denys-shmyhal" in refuted) is both, claims
