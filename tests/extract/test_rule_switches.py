"""The doubt and nested-attribution rules switch off by id (``claims.rules_off``), and
``claimledger eval rules`` can ablate them: judgement cues, the doubt gate, table names."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.config import Config, load_config
from claimledger.errors import ConfigError
from claimledger.eval.rules import TABLES, choose_rules, switchable_rules, with_rule_off
from claimledger.extract.nested import find_nested
from claimledger.extract.nested_patterns import CUE_IDS, DEFAULT_RULES
from claimledger.extract.proposition import CONTENT_RULE_IDS
from claimledger.pipeline.analyse import check_rules_off
from claimledger.stance.doubt import RULE_IDS as DOUBT_IDS
from claimledger.stance.doubt import doubt_rules


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(environ={}, user_file=None)


FALSE = (
    "Russia's claim that it is moving troops away from Ukraine's border is false, "
    "according to a senior White House official."
)
NO_REASON = (
    "The minister said there was no reason to doubt Russia's claim that it is pulling back troops."
)


def test_a_judgement_cue_switches_off(nlp: Any) -> None:
    [on] = find_nested(nlp(FALSE))
    assert (on.stance, on.cue) == ("refutes", "false")
    [off] = find_nested(nlp(FALSE), cues_off=["false"])
    # The embedded claim is still found; nobody judges it any more.
    assert off.proposition == on.proposition and off.cue is None and off.stance == "discusses"
    # Ids of other tables are ignored here.
    assert find_nested(nlp(FALSE), cues_off=["NC_FRAGMENT", "CAST_DOUBT"]) == [on]


def test_a_cue_switched_off_lets_a_shorter_one_match(nlp: Any) -> None:
    [on] = find_nested(nlp(NO_REASON))
    assert (on.stance, on.cue) == ("supports", "no_doubt")
    [off] = find_nested(nlp(NO_REASON), cues_off=["no_doubt"])
    assert (off.stance, off.cue) == ("questions", "doubt")


def test_a_doubt_rule_switches_off() -> None:
    text = "We have no evidence of that. Is this true?"
    assert doubt_rules(text) == ["IS_IT_TRUE", "NO_EVIDENCE", "YES_NO_QUESTION"]
    assert doubt_rules(text, off=["NO_EVIDENCE", "anaphor"]) == ["IS_IT_TRUE", "YES_NO_QUESTION"]


def test_rules_off_knows_cues_and_doubt_rules(config: Config) -> None:
    for rid in (*CUE_IDS, *DOUBT_IDS, *DEFAULT_RULES, *sorted(CONTENT_RULE_IDS)):
        check_rules_off(with_rule_off(config, rid))
    with pytest.raises(ConfigError, match="E401 claims.rules_off: .*'cast_dobut'"):
        check_rules_off(with_rule_off(config, "cast_dobut"))


def test_eval_rules_ablates_the_nested_cue_and_doubt_tables(config: Config) -> None:
    rules = switchable_rules()
    by_table: dict[str, list[str]] = {}
    for r in rules:
        by_table.setdefault(r.table, []).append(r.id)
    assert set(TABLES) <= set(by_table)
    assert by_table["nested"] == list(DEFAULT_RULES)
    assert by_table["cue"] == list(CUE_IDS)
    assert by_table["doubt"] == list(DOUBT_IDS)
    assert by_table["content"] == [
        "PR_CUE_CASE",
        "PR_DENIED_NOUN",
        "PR_PRONOUN_AGREES",
        "PR_POSSESSIVE",
        "PR_NOMINAL",
        "PR_LEADING_LINK",
        "PR_SPLIT_QUOTE",
        "PR_OUTLET_PRONOUN",
        "PR_ACCUSED",
    ]
    assert all(r.purpose for r in rules)
    chosen, skipped = choose_rules(["cue", "NO_EVIDENCE"], config)
    assert [r.id for r in chosen] == [*CUE_IDS, "NO_EVIDENCE"] and skipped == []
    off = with_rule_off(config, "false")
    chosen, skipped = choose_rules(["cue"], off)
    assert "false" not in [r.id for r in chosen] and skipped == ["false"]
    with pytest.raises(ConfigError, match="E402 eval rules --rules: .*'nope'"):
        choose_rules(["nope"], config)


def test_the_claim_opening_rules_sit_in_the_claimhood_table(config: Config) -> None:
    from claimledger.extract.claimhood import RULE_IDS as NOT_A_CLAIM
    from claimledger.pipeline.opening import RULE_IDS as OPENING

    check_rules_off(with_rule_off(config, "CL_UNNAMED_SOURCE"))
    claimhood = {r.id for r in switchable_rules() if r.table == "claimhood"}
    assert claimhood == NOT_A_CLAIM | OPENING and "CL_UNNAMED_SOURCE" in OPENING
    assert "CL_UNNAMED_SOURCE" not in {r.id for r in switchable_rules() if r.table == "relation"}


def test_the_extraction_rules_switch_off_by_id(config: Config) -> None:
    from claimledger.extract.attribution import (
        EXTRACTION_RULES,
        extract_doc,
        extraction_switches,
    )

    for rid in EXTRACTION_RULES:
        check_rules_off(with_rule_off(config, rid))
    assert [r.id for r in switchable_rules() if r.table == "extraction"] == list(EXTRACTION_RULES)
    # Every id names a real switch of extract_doc; other tables' ids are ignored.
    params = extract_doc.__code__.co_varnames[: extract_doc.__code__.co_kwonlyargcount + 1]
    assert all(flag in params for flag, _ in EXTRACTION_RULES.values())
    assert extraction_switches(["AT_UNQUOTED_SIGNATURE", "NC_FRAGMENT", "SP_LAST_SPEAKER"]) == {
        "unquoted_signatures": False,
        "last_speaker": False,
    }


@pytest.mark.slow
def test_an_extraction_rule_off_changes_what_is_extracted() -> None:
    from claimledger.extract.attribution import extract_texts

    text = (
        "The summit opened on Thursday.\n\n- We must leave the dependence on fossil fuels "
        "from Russia - the head of the European Commission emphasized.\n"
    )

    def sources(rules_off: list[str]) -> set[str]:
        [found] = extract_texts([text], rules_off=rules_off)
        return {text[a.source[0] : a.source[1]] for a in found if a.source}

    assert "the head of the European Commission" in sources([])
    assert "the head of the European Commission" not in sources(["AT_UNQUOTED_SIGNATURE"])
