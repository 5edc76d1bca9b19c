"""Same claim or evidence about a claim (link/relation.py): one test per rule id."""

from __future__ import annotations

import dataclasses

import pytest

from claimledger.extract.proposition import Proposition
from claimledger.link.relation import (
    RULE_IDS,
    Thresholds,
    keeps_article_reaction,
    keeps_evidence,
    numbers_agree,
    predicates_agree,
    relation,
)


def _prop(
    predicates: set[str],
    lemmas: set[str],
    *,
    numbers: set[str] | None = None,
    negated: bool = False,
    mood: str | None = None,
) -> Proposition:
    return Proposition(
        mood=mood,
        text="",
        subject=None,
        predicate=None,
        negated=negated,
        finite=True,
        question=False,
        lemmas=frozenset(lemmas),
        numbers=frozenset(numbers or ()),
        predicates=frozenset(predicates),
    )


DEPLOY = _prop({"deploy"}, {"deploy", "soldier", "border"}, numbers={"100000"})
MASS = _prop({"concentrate"}, {"concentrate", "soldier", "border"}, numbers={"100000"})


def test_a_close_restatement_is_the_same_claim() -> None:
    assert relation(0.8, MASS, DEPLOY, stmt_side="russia", claim_side="russia") == ("same", [])


def test_below_the_evidence_bar_nothing() -> None:
    assert relation(0.5, MASS, DEPLOY, stmt_side=None, claim_side=None)[0] == "none"


def test_SC_SUBJECT() -> None:
    kind, failed = relation(0.8, MASS, DEPLOY, stmt_side="usa", claim_side="russia")
    assert (kind, failed) == ("evidence", ["SC_SUBJECT"])
    # An unknown side (reporters, monitors, a satellite firm) does not decide.
    assert relation(0.8, MASS, DEPLOY, stmt_side=None, claim_side="russia")[0] == "same"


def test_SC_NUMBERS() -> None:
    few = _prop({"deploy"}, {"deploy", "soldier", "border"}, numbers={"900"})
    assert relation(0.8, few, DEPLOY, stmt_side=None, claim_side=None) == (
        "evidence",
        ["SC_NUMBERS"],
    )
    assert numbers_agree(frozenset({"95000"}), frozenset({"100000"}))
    assert numbers_agree(frozenset({"3"}), frozenset({"5"}))  # small counts vary with wording
    assert numbers_agree(frozenset({"2014"}), frozenset({"2022"}))  # years are not figures


def test_SC_PREDICATE() -> None:
    warn = _prop({"warn", "attack"}, {"warning", "attack", "alliance", "day", "force"})
    withdraw = _prop({"start", "withdraw"}, {"start", "withdraw", "troop", "alliance", "drill"})
    assert relation(0.68, warn, withdraw, stmt_side=None, claim_side=None) == (
        "evidence",
        ["SC_PREDICATE"],
    )
    # A paraphrase needs no shared verb; nor do texts sharing most of their words.
    assert relation(0.8, warn, withdraw, stmt_side=None, claim_side=None)[0] == "same"
    blow = _prop({"blow", "raise"}, {"blow", "depot", "fuel", "force", "town"})
    destroy = _prop({"destroy", "carry"}, {"destroy", "depot", "fuel", "force", "sabotage"})
    assert predicates_agree(blow, destroy)
    # One shared noun is the topic, not the predicate, however short the claim.
    horrific = _prop({"be", "lead"}, {"invasion", "horrific", "lead", "casualty"})
    price = _prop({"pay"}, {"pay", "heavy", "price", "invasion"})
    assert not predicates_agree(horrific, price)


def test_SC_POLARITY() -> None:
    denial = _prop({"deploy"}, {"deploy", "soldier", "border"}, numbers={"100000"}, negated=True)
    assert relation(0.8, denial, DEPLOY, stmt_side=None, claim_side=None) == (
        "evidence",
        ["SC_POLARITY"],
    )


def test_SC_FRAGMENT() -> None:
    # "Xi is concerned about | Russian aggression on Ukraine": what was said names the
    # claim's topic, at any cosine, and restates nothing of it.
    violates = _prop(
        {"violate", "undermine"},
        {"aggression", "military", "violate", "international", "law", "undermine", "security"},
    )
    topic = dataclasses.replace(
        _prop(set(), {"aggression", "russian"}), finite=False, attributed=True
    )
    assert relation(0.85, topic, violates, stmt_side=None, claim_side=None) == (
        "evidence",
        ["SC_FRAGMENT"],
    )
    # One shared word is the topic even of a short claim ("a resumed aggression").
    resumed = _prop({"be", "resume"}, {"resume", "aggression"})
    assert relation(0.85, topic, resumed, stmt_side=None, claim_side=None)[1] == ["SC_FRAGMENT"]
    # "Biden warned of | a distinct possibility of an invasion in February" holds most of
    # the claim's words: it restates it.
    possibility = _prop({"be", "launch"}, {"distinct", "possibility", "launch", "invasion"})
    warned = dataclasses.replace(
        _prop(set(), {"distinct", "possibility", "invasion", "russian"}),
        finite=False,
        attributed=True,
    )
    assert relation(0.85, warned, possibility, stmt_side=None, claim_side=None) == ("same", [])
    # An outlet's own sentence the parser found no verb in is not judged by this rule.
    own = dataclasses.replace(topic, attributed=False)
    assert relation(0.85, own, violates, stmt_side=None, claim_side=None) == ("same", [])
    assert relation(
        0.85, topic, violates, stmt_side=None, claim_side=None, rules_off={"SC_FRAGMENT"}
    ) == ("same", [])


def test_SC_MOOD() -> None:
    # "the House approved the bill" is what "the House might vote on the bill" foretold:
    # evidence about it, not the same claim; a present or an unknown mood agrees with both.
    voted = _prop({"approve"}, {"approve", "aid", "bill"}, mood="done")
    might = _prop({"vote"}, {"vote", "aid", "bill"}, mood="open")
    assert relation(0.8, voted, might, stmt_side=None, claim_side=None) == (
        "evidence",
        ["SC_MOOD"],
    )
    assert relation(0.8, voted, voted, stmt_side=None, claim_side=None) == ("same", [])
    now = _prop({"approve"}, {"approve", "aid", "bill"})
    assert relation(0.8, now, might, stmt_side=None, claim_side=None)[1] == []
    assert (
        relation(0.8, voted, might, stmt_side=None, claim_side=None, rules_off={"SC_MOOD"})[0]
        == "same"
    )


def test_the_claimants_side_restates_from_a_lower_cosine() -> None:
    # Between the own-side bar (0.6) and the same-claim bar (0.7): the claimant's side saying
    # the claim again is its restatement; anyone else's words on the topic are evidence.
    none = {"stmt_side": None, "claim_side": None}
    assert relation(0.65, MASS, DEPLOY, **none, speakers=("russia", "russia")) == ("same", [])
    assert relation(0.65, MASS, DEPLOY, **none, speakers=(None, "russia")) == ("evidence", [])
    assert relation(0.65, MASS, DEPLOY, **none, speakers=(None, None)) == ("evidence", [])
    assert relation(0.72, MASS, DEPLOY, **none, speakers=(None, None)) == ("same", [])
    bars = Thresholds(same=0.7, same_own_side=0.7)
    assert (
        relation(0.65, MASS, DEPLOY, **none, speakers=("russia", "russia"), thresholds=bars)[0]
        == "evidence"
    )


def test_SC_LATE() -> None:
    # Months after a claim, a statement on its topic is a new turn of events, not the claim
    # again, unless it is a paraphrase; within the news cycle the other rules decide.
    same = {"stmt_side": None, "claim_side": None}
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=10) == ("same", [])
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=30) == ("same", [])
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=120) == ("evidence", ["SC_LATE"])
    assert relation(0.8, MASS, DEPLOY, **same, days_apart=120) == ("same", [])
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=None) == ("same", [])
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=120, rules_off={"SC_LATE"})[0] == "same"
    late = Thresholds(same_within_days=200)
    assert relation(0.72, MASS, DEPLOY, **same, days_apart=120, thresholds=late)[0] == "same"


def test_SC_SPEAKER() -> None:
    # Below paraphrase, the claimant's words in other words are its claim; another known
    # side's words on the topic are evidence at most; an outlet's own (None) are not judged.
    assert (
        relation(0.72, MASS, DEPLOY, stmt_side=None, claim_side=None, speakers=("usa", "usa"))[0]
        == "same"
    )
    assert relation(
        0.72, MASS, DEPLOY, stmt_side=None, claim_side=None, speakers=("poland", "usa")
    ) == ("evidence", ["SC_SPEAKER"])
    assert (
        relation(0.72, MASS, DEPLOY, stmt_side=None, claim_side=None, speakers=(None, "usa"))[0]
        == "same"
    )
    # A paraphrase is the same claim whoever says it.
    assert (
        relation(0.8, MASS, DEPLOY, stmt_side=None, claim_side=None, speakers=("poland", "usa"))[0]
        == "same"
    )
    assert (
        relation(
            0.72,
            MASS,
            DEPLOY,
            stmt_side=None,
            claim_side=None,
            speakers=("poland", "usa"),
            rules_off={"SC_SPEAKER"},
        )[0]
        == "same"
    )


def test_EV_SIDED_SUPPORT() -> None:
    # Support across actors is a neighbouring fact read as agreement: dropped.
    assert not keeps_evidence("supports", 0.9, ["SC_SUBJECT"])
    assert keeps_evidence("supports", 0.9, ["SC_SUBJECT"], rules_off=["EV_SIDED_SUPPORT"])
    # Disagreement across actors stays: NATO's "no signs" refutes Russia's pull-back.
    assert keeps_evidence("refutes", 0.6, ["SC_SUBJECT"])
    assert keeps_evidence("supports", 0.7, ["SC_PREDICATE"])
    assert not keeps_evidence("discusses", 0.99, [])
    assert not keeps_evidence("supports", 0.55, [])


def test_EV_SUPPORT_WORDS() -> None:
    # Support sharing fewer than two content words with the claim is topic: dropped.
    assert not keeps_evidence("supports", 0.9, [], shared=1)
    assert keeps_evidence("supports", 0.9, [], shared=2)
    assert keeps_evidence("supports", 0.9, [], shared=0, rules_off=["EV_SUPPORT_WORDS"])
    # Disagreement needs no shared words ("no signs of de-escalation" refutes a pull-back).
    assert keeps_evidence("refutes", 0.6, [], shared=0)
    # Unknown (not given): the other rules decide.
    assert keeps_evidence("supports", 0.9, [])


def test_EV_PARAPHRASE() -> None:
    # The claimant's side saying its claim again in other words ("the Kremlin denies any
    # intention to invade" for "Russia does not plan to enter Ukraine") needs no shared word.
    assert keeps_evidence("supports", 0.9, [], shared=0, similarity=0.72, own_side=True)
    # Another side, or a looser pair, still needs the words.
    assert not keeps_evidence("supports", 0.9, [], shared=0, similarity=0.72)
    assert not keeps_evidence("supports", 0.9, [], shared=0, similarity=0.65, own_side=True)
    off = ["EV_PARAPHRASE"]
    assert not keeps_evidence(
        "supports", 0.9, [], shared=0, similarity=0.72, own_side=True, rules_off=off
    )
    # The other rules still hold: support from another actor's doings is topic.
    assert not keeps_evidence(
        "supports", 0.9, ["SC_SUBJECT"], shared=0, similarity=0.72, own_side=True
    )


def test_rules_switched_off() -> None:
    kind, failed = relation(
        0.8, MASS, DEPLOY, stmt_side="usa", claim_side="russia", rules_off=["SC_SUBJECT"]
    )
    assert (kind, failed) == ("same", [])
    assert {"SC_SUBJECT", "SC_NUMBERS", "SC_PREDICATE", "SC_POLARITY"} <= RULE_IDS
    assert Thresholds().evidence <= Thresholds().same <= Thresholds().paraphrase


def test_ST_RESTATES() -> None:
    from claimledger.link.relation import restated_stance

    # A restatement the model reads as mere discussion asserts the claim.
    assert restated_stance("discusses") == "supports"
    # Doubt stands; the rule can be switched off.
    assert restated_stance("questions") == "questions"
    assert restated_stance("supports") == "supports"
    assert restated_stance("discusses", rules_off=["ST_RESTATES"]) == "discusses"


def test_ST_NO_REFUTE() -> None:
    from claimledger.link.relation import restated_stance

    # What passed every same-claim rule says what the claim says: the model's "refutes"
    # there is read as discussion, which no status counts.
    assert restated_stance("refutes") == "discusses"
    assert restated_stance("refutes", rules_off=["ST_NO_REFUTE"]) == "refutes"
    assert restated_stance("refutes", rules_off=["ST_RESTATES"]) == "discusses"


def test_an_outlet_sentence_that_names_a_report_relays_it() -> None:
    from claimledger.link.relation import relays

    relay = _prop({"spend"}, {"patrol", "spend", "hour", "village", "report", "shell"})
    fact = _prop({"concentrate"}, {"concentrate", "soldier", "border"})
    assert relays(relay)
    assert not relays(fact)
    assert relays(None)  # nothing read: not taken for the outlet's own assertion


def test_EV_ARTICLE_SUPPORT() -> None:
    # A later sentence of the story that shares the news's words confirms it.
    assert keeps_article_reaction("supports", 0.8, shared=3)
    assert not keeps_article_reaction("supports", 0.8, shared=3, rules_off=["EV_ARTICLE_SUPPORT"])
    # A sentence merely on the story's topic: the model's "supports" is not enough.
    assert not keeps_article_reaction("supports", 0.9, shared=1)
    assert not keeps_article_reaction("supports", 0.55, shared=4)
    # Doubts and refutations need no shared words; the switch does not touch them.
    assert keeps_article_reaction("questions", 0.6, shared=0, rules_off=["EV_ARTICLE_SUPPORT"])
    assert keeps_article_reaction("refutes", 0.5, shared=0)
    assert not keeps_article_reaction("refutes", 0.45, shared=5)
    assert not keeps_article_reaction("discusses", 0.99, shared=5)


@pytest.mark.parametrize(
    ("opening", "contrast"),
    [
        ("But according to Janes, the troops are ready to go.", True),
        ('"But we will not be intimidated," he said.', True),
        ("However, Moscow has deployed 100,000 soldiers.", True),
        ("Yet the columns kept moving.", True),
        ("Zelenskyy, though, said Ukraine sees no escalation.", True),
        ("At this point, though, the Pentagon said it has clear evidence.", True),
        # No contrast: the word is elsewhere, or starts another word.
        ("Butter prices rose in Kyiv.", False),
        ("The ministry said the drills would end, but gave no date.", False),
        ("Though small, the force is ready.", False),
    ],
)
def test_EV_CONTRAST_opening(opening: str, contrast: bool) -> None:
    from claimledger.link.relation import opens_in_contrast

    assert opens_in_contrast(opening) is contrast
