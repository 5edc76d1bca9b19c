"""``eval rules``: the ablation diff and table on hand-built reports, rule selection, and one
run over two real articles of the packaged gold with one rule switched off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from claimledger.cli import app
from claimledger.config import Config
from claimledger.errors import ConfigError
from claimledger.eval.ledger import DEFAULT_GOLD, ClaimResult, LedgerReport
from claimledger.eval.rules import (
    FIGURES,
    RulesReport,
    SwitchableRule,
    choose_rules,
    compare,
    format_rules_report,
    rules_report_json,
    switchable_rules,
    with_rule_off,
)
from claimledger.pipeline.analyse import check_rules_off

RULE = SwitchableRule("NC_CAPTION", "claimhood", "photo captions and picture credits")


def _result(cid: str, outcome: str, linked: int, status: str | None) -> ClaimResult:
    return ClaimResult(
        id=cid,
        split="dev",
        kind="denial",
        outcome=outcome,  # type: ignore[arg-type]
        claim_ids=[],
        merged_with=["c2"] if outcome == "merged" else [],
        reactions=2,
        reactions_linked=linked,
        statuses=[{"date": "2022-02-01", "gold": "unverified", "ledger": status}],
    )


def _report(
    *results: ClaimResult, opened: tuple[int, ...] = (), ledger_claims: int = 8
) -> LedgerReport:
    return LedgerReport(
        gold="gold.yaml",
        split="dev",
        articles=4,
        claims=len(results),
        found=sum(r.outcome == "found" for r in results),
        merged=sum(r.outcome == "merged" for r in results),
        missing=sum(r.outcome == "missing" for r in results),
        reactions=sum(r.reactions for r in results),
        reactions_linked=sum(r.reactions_linked for r in results),
        statuses=len(results),
        statuses_right=sum(r.statuses[0]["ledger"] == "unverified" for r in results),
        not_claims=5,
        not_claims_opened=len(opened),
        ledger_claims=ledger_claims,
        results=list(results),
        opened_not_claims=[
            {"file": "a.txt", "span": [s, s + 10], "reason": "caption", "claims": ["k"]}
            for s in opened
        ],
    )


BASE = _report(
    _result("c1", "found", 2, "unverified"), _result("c2", "found", 1, "unverified"), opened=(0,)
)


def test_an_identical_run_is_no_effect() -> None:
    twin = _report(
        _result("c1", "found", 2, "unverified"),
        _result("c2", "found", 1, "unverified"),
        opened=(0,),
    )
    effect = compare(BASE, twin, RULE)
    assert effect.no_effect
    assert set(effect.counts) == set(FIGURES) and not any(effect.counts.values())
    assert effect.items == []


def test_changes_are_counted_and_named() -> None:
    ablated = _report(
        _result("c1", "merged", 0, "contested"),
        _result("c2", "found", 1, "unverified"),
        opened=(0, 50),
        ledger_claims=12,
    )
    effect = compare(BASE, ablated, RULE)
    assert not effect.no_effect
    assert effect.counts == {
        "found": -1,
        "merged": 1,
        "reactions_linked": -2,
        "statuses_right": -1,
        "not_claims_opened": 1,
        "claims_per_article": 4,
    }
    assert effect.shares["found"] == -0.5
    assert effect.shares["not_claims_opened"] == 0.2
    assert effect.shares["claims_per_article"] == 1.0
    assert len(effect.items) == 2
    assert effect.items[0].startswith("c1: found, reactions 2/2")
    assert "-> merged with c2, reactions 0/2, statuses 2022-02-01=contested" in effect.items[0]
    assert effect.items[1] == "not-claim a.txt[50:60]: not opened -> opened"


def test_a_moved_item_with_equal_figures_is_still_an_effect() -> None:
    # c1 loses a linked reaction, c2 gains one: the figures stay, the ledger did change.
    swapped = _report(
        _result("c1", "found", 1, "unverified"),
        _result("c2", "found", 2, "unverified"),
        opened=(0,),
    )
    effect = compare(BASE, swapped, RULE)
    assert not any(effect.counts.values())
    assert not effect.no_effect
    assert [i.split(":")[0] for i in effect.items] == ["c1", "c2"]


def test_fewer_claims_with_no_gold_change_is_ledger_only() -> None:
    merged_more = _report(
        _result("c1", "found", 2, "unverified"),
        _result("c2", "found", 1, "unverified"),
        opened=(0,),
        ledger_claims=6,
    )
    effect = compare(BASE, merged_more, RULE)
    assert effect.ledger_only and not effect.no_effect
    assert effect.counts["claims_per_article"] == -2
    report = RulesReport(gold="gold.yaml", split="dev", baseline=BASE, effects=[effect])
    row = next(x for x in format_rules_report(report).splitlines() if x.startswith("NC_CAPTION"))
    assert row.endswith("-0.50  ledger only")
    assert rules_report_json(report)["ledger_only"] == ["NC_CAPTION"]
    # A gold item that moved is more than the ledger.
    assert not compare(
        BASE,
        _report(
            _result("c1", "found", 1, "unverified"),
            _result("c2", "found", 2, "unverified"),
            opened=(0,),
            ledger_claims=6,
        ),
        RULE,
    ).ledger_only


def test_a_not_claim_no_longer_opened_is_reported() -> None:
    fewer = _report(
        _result("c1", "found", 2, "unverified"), _result("c2", "found", 1, "unverified")
    )
    effect = compare(BASE, fewer, RULE)
    assert effect.counts["not_claims_opened"] == -1
    assert effect.items == ["not-claim a.txt[0:10]: opened -> not opened"]


def test_runs_of_different_golds_are_refused() -> None:
    other = _report(_result("c1", "found", 2, "unverified"))
    with pytest.raises(ConfigError, match="E402 eval rules NC_CAPTION"):
        compare(BASE, other, RULE)


def test_table_marks_worse_changes_and_rules_without_effect() -> None:
    worse = _report(
        _result("c1", "merged", 0, "contested"),
        _result("c2", "found", 1, "unverified"),
        opened=(0, 50),
        ledger_claims=12,
    )
    same = SwitchableRule("SC_NUMBERS", "relation", "figures")
    report = RulesReport(
        gold="gold.yaml",
        split="dev",
        baseline=BASE,
        effects=[compare(BASE, worse, RULE), compare(BASE, BASE, same)],
    )
    text = format_rules_report(report)
    lines = text.splitlines()
    base_row = next(line for line in lines if line.startswith("baseline"))
    assert base_row.split()[3:] == ["2/2", "0/2", "3/4", "2/2", "1/5", "2.00"]
    caption = next(line for line in lines if line.startswith("NC_CAPTION off"))
    # Fewer found, more merged, fewer reactions and statuses, more not-claims opened: worse;
    # more claims per article is not marked either way.
    assert caption.split()[2:] == ["-1!", "+1!", "-2!", "-1!", "+1!", "+1.00"]
    numbers = next(line for line in lines if line.startswith("SC_NUMBERS off"))
    assert numbers.endswith("no effect")
    assert "rules that change nothing on this data: SC_NUMBERS" in text
    assert "no gold figure: none" in text
    assert "  c1: found" in text
    data = rules_report_json(report)
    assert data["no_effect"] == ["SC_NUMBERS"]
    assert data["baseline"]["counts"]["found"] == {"count": 2, "of": 2}
    assert data["rules"][0]["count_change"]["merged"] == 1
    json.dumps(data)


def test_every_switchable_rule_is_a_valid_rules_off_id(config: Config) -> None:
    rules = switchable_rules()
    assert {r.table for r in rules} == {
        "claimhood",
        "content",
        "relation",
        "nested",
        "cue",
        "doubt",
        "extraction",
    }
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        off = with_rule_off(config, rule.id)
        check_rules_off(off)
        assert off.claims.rules_off == [*config.claims.rules_off, rule.id]
    assert config.claims.rules_off == []  # the copy leaves the original alone


def test_rule_choice(config: Config) -> None:
    chosen, skipped = choose_rules(None, config)
    assert [r.id for r in chosen] == [r.id for r in switchable_rules()] and skipped == []
    chosen, _ = choose_rules(["SC_NUMBERS", "NC_CAPTION", "SC_NUMBERS"], config)
    assert [r.id for r in chosen] == ["SC_NUMBERS", "NC_CAPTION"]
    with pytest.raises(ConfigError, match="E402 eval rules --rules: .*'NC_NOPE'"):
        choose_rules(["NC_NOPE"], config)
    off = with_rule_off(config, "NC_CAPTION")
    chosen, skipped = choose_rules(None, off)
    assert "NC_CAPTION" not in [r.id for r in chosen] and skipped == ["NC_CAPTION"]
    with pytest.raises(ConfigError, match="already off"):
        choose_rules(["NC_CAPTION"], off)


def test_cli_refuses_an_unknown_rule(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "rules", "--articles", str(tmp_path), "--rules", "NC_NOPE"]
    )
    assert result.exit_code != 0
    assert "E402" in str(result.exception) or "E402" in result.output


# -- on the real articles ---------------------------------------------------------------------------

# Two articles of eval ledger's end-to-end test (three Lukashenko claims, reactions across
# them): the first holds a verbless content that NC_FRAGMENT keeps from opening a claim, so
# switching it off must change the ledger — this guards that ``claims.rules_off`` reaches the
# claim stage through the library.
FILES = (
    "20220128T094500Z_PL_en_283eee190d.txt",
    "20220128T100000Z_PL_en_d803b0ccf0.txt",
)


@pytest.mark.slow
def test_eval_rules_on_two_articles(datasets: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_GOLD.read_text("utf-8"))

    def inside(item: dict[str, Any]) -> bool:
        spans = [item.get("asserted") or item, *item.get("reactions", [])]
        return all(s["file"] in FILES for s in spans)

    data["articles"] = [dict(a, splits=["dev"]) for a in data["articles"] if a["file"] in FILES]
    data["claims"] = [dict(c, split="dev") for c in data["claims"] if inside(c)]
    data["not_claims"] = [dict(n, split="dev") for n in data["not_claims"] if inside(n)]
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    articles = datasets / "ukraine-news" / "articles"
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "rules",
            "--gold",
            str(path),
            "--articles",
            str(articles),
            "--rules",
            "NC_FRAGMENT",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    base = out["baseline"]["counts"]
    assert base["found"]["of"] == len(data["claims"])
    assert base["not_claims_opened"]["of"] == len(data["not_claims"])
    assert base["claims_per_article"]["of"] == 2
    [rule] = out["rules"]
    assert rule["rule"] == "NC_FRAGMENT" and rule["table"] == "claimhood"
    # A rule that stops claims: off, the ledger opens at least as many.
    assert rule["count_change"]["claims_per_article"] >= 0
    assert not rule["no_effect"] and out["no_effect"] == []
    assert rule["items_changed"] or any(rule["count_change"].values())
