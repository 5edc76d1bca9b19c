"""Nested attribution: claims about claims, on a hand-written corpus parsed by the real spaCy model.

Every sentence here was written for these tests. Each positive case asserts the rule that
fires, the embedded claimant, the embedded proposition (normalised), the outer speaker and the
stance; the negative cases must give no nested claim.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from claimledger.extract.nested import NestedClaim, find_nested, judgement_stance
from claimledger.extract.nested_patterns import CUE_IDS, CUES, DEFAULT_RULES, RULE_IDS, RULES


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("\u2019", "'").lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;:'\"\u201c\u201d")


# (id, text, rule, claimant, proposition, speaker, stance, cue)
POSITIVE: list[tuple[str, str, str, str | None, str | None, str | None, str, str | None]] = [
    (
        "possessive_false_according_to",
        "Russia's claim that it is moving troops away from Ukraine's border is 'false', "
        "according to a senior White House official.",
        "claim_possessive_that",
        "Russia",
        "Russia is moving troops away from Ukraine's border",
        "a senior White House official",
        "refutes",
        "false",
    ),
    (
        "possessive_cast_doubt_past",
        "The official cast doubt on Russia's assertions that it was withdrawing troops.",
        "claim_possessive_that",
        "Russia",
        "Russia was withdrawing troops",
        "The official",
        "questions",
        "doubt",
    ),
    (
        "possessive_double_quoted_false",
        "\u201cThe ministry's claim that no civilians were hurt is simply false,\u201d the mayor said.",
        "claim_possessive_that",
        "The ministry",
        "No civilians were hurt",
        "the mayor",
        "refutes",
        "false",
    ),
    (
        "possessive_not_true_present_perfect",
        "The ministry's statement that the convoy has crossed the river is not true, "
        "a spokesman for the border guard said.",
        "claim_possessive_that",
        "The ministry",
        "The convoy has crossed the river",
        "a spokesman for the border guard",
        "refutes",
        "not_true",
    ),
    (
        "possessive_could_not_verify",
        "Officials in Varnia could not verify the army's claim that the bridge had been destroyed.",
        "claim_possessive_that",
        "the army",
        "The bridge had been destroyed",
        "Officials in Varnia",
        "questions",
        "cannot_verify",
    ),
    (
        "possessive_remains_to_be_seen",
        "The minister's assurance that the talks will resume next week remains to be seen, "
        "analysts said.",
        "claim_possessive_that",
        "The minister",
        "The talks will resume next week",
        "analysts",
        "questions",
        "remains_to_be_seen",
    ),
    (
        "possessive_asked_to_see_evidence",
        "Kyiv asked to see evidence for Moscow's claim that it had withdrawn the soldiers.",
        "claim_possessive_that",
        "Moscow",
        "Moscow had withdrawn the soldiers",
        "Kyiv",
        "questions",
        "demand_evidence",
    ),
    (
        "possessive_demanded_proof",
        "Opposition leaders demanded proof of the governor's claim that the budget was balanced.",
        "claim_possessive_that",
        "the governor",
        "The budget was balanced",
        "Opposition leaders",
        "questions",
        "demand_evidence",
    ),
    (
        "possessive_skeptical",
        "Analysts were skeptical of the government's claim that inflation had peaked.",
        "claim_possessive_that",
        "the government",
        "Inflation had peaked",
        "Analysts",
        "questions",
        "doubt",
    ),
    (
        "possessive_corroborated",
        "Satellite images corroborated the navy's report that two ships had left port.",
        "claim_possessive_that",
        "the navy",
        "Two ships had left port",
        "Satellite images",
        "supports",
        "cannot_verify",
    ),
    (
        "possessive_verified",
        "Reporters verified the city's statement that the water was safe to drink.",
        "claim_possessive_that",
        "the city",
        "The water was safe to drink",
        "Reporters",
        "supports",
        "cannot_verify",
    ),
    (
        "possessive_no_reason_to_doubt",
        "The agency said it had no reason to doubt the general's claim that the missiles were "
        "in place.",
        "claim_possessive_that",
        "the general",
        "The missiles were in place",
        "The agency",
        "supports",
        "no_doubt",
    ),
    (
        "possessive_lie_they_resolved",
        "Kyiv said Moscow's claims that they had captured the town were a lie.",
        "claim_possessive_that",
        "Moscow",
        "Moscow had captured the town",
        "Kyiv",
        "refutes",
        "lie",
    ),
    (
        "possessive_no_confirmation",
        "There was no confirmation of the rebels' claim that they had shot down a helicopter.",
        "claim_possessive_that",
        "the rebels",
        "The rebels had shot down a helicopter",
        None,
        "questions",
        "no_evidence",
    ),
    (
        "possessive_contrary_to",
        "Contrary to the company's assertion that sales were rising, the figures fell again in "
        "March.",
        "claim_possessive_that",
        "the company",
        "Sales were rising",
        None,
        "refutes",
        "opposite",
    ),
    (
        "possessive_question_true",
        "The senator's claim that the plant will close: is it true?",
        "claim_possessive_that",
        "the senator",
        "The plant will close",
        None,
        "questions",
        "true_question",
    ),
    (
        "possessive_outlet_adjective",
        "The broadcaster repeated the army's unsubstantiated claim that the dam was mined.",
        "claim_possessive_that",
        "the army",
        "The dam was mined",
        None,
        "questions",
        "doubt",
    ),
    (
        "possessive_discussed",
        "The bishop's claim that the alliance shared the blame drew a large audience on Sunday.",
        "claim_possessive_that",
        "The bishop",
        "The alliance shared the blame",
        None,
        "discusses",
        None,
    ),
    (
        "by_untrue",
        "The claim by Moscow that its forces are leaving Crimea is untrue, Kyiv said.",
        "claim_by_that",
        "Moscow",
        "Moscow's forces are leaving Crimea",
        "Kyiv",
        "refutes",
        "false",
    ),
    (
        "unattributed_denied",
        "The Kremlin denied reports that it plans to invade.",
        "claim_unattributed_that",
        None,
        "It plans to invade",
        "The Kremlin",
        "refutes",
        "deny",
    ),
    (
        "unattributed_confirmed",
        "NATO confirmed reports that Russian jets had entered its airspace.",
        "claim_unattributed_that",
        None,
        "Russian jets had entered its airspace",
        "NATO",
        "supports",
        "cannot_verify",
    ),
    (
        "unattributed_dismissed_as_baseless",
        "The ministry dismissed the allegations that its staff had leaked the documents.",
        "claim_unattributed_that",
        None,
        "Its staff had leaked the documents",
        "The ministry",
        "refutes",
        "deny",
    ),
    (
        "unattributed_made_claims",
        "The colonel made claims that the airport was under his control.",
        "claim_unattributed_that",
        "The colonel",
        "The airport was under his control",
        None,
        "discusses",
        None,
    ),
    (
        "of_no_signs",
        "Despite Russia's announcement of a partial withdrawal, NATO has seen no signs of it on "
        "the ground.",
        "claim_of",
        "Russia",
        "a partial withdrawal",
        "NATO",
        "questions",
        "no_evidence",
    ),
    (
        "of_gerund_baseless",
        "Many experts say the minister's claims of having stopped the smuggling are baseless.",
        "claim_of",
        "the minister",
        "The minister has stopped the smuggling",
        "Many experts",
        "refutes",
        "false",
    ),
    (
        "what_said_not_happened",
        "Despite what Russia has said about pulling back troops, that has not happened, "
        "Blinken said.",
        "what_said_about",
        "Russia",
        "Russia is pulling back troops",
        "Blinken",
        "refutes",
        "not_happened",
    ),
    (
        "what_said_no_evidence",
        "We have found no evidence for what the mayor claimed about raising the wages.",
        "what_said_about",
        "the mayor",
        "The mayor is raising the wages",
        "We",
        "questions",
        "no_evidence",
    ),
    (
        "says_but_no_evidence",
        "Russia says it is pulling back troops, but NATO has seen no evidence of that.",
        "says_but",
        "Russia",
        "Russia is pulling back troops",
        "NATO",
        "questions",
        "no_evidence",
    ),
    (
        "accuses_but_not_confirmed",
        "Moscow accused Kyiv of shelling the village near Varnia, but monitors have not "
        "confirmed any shelling.",
        "says_but",
        "Moscow",
        "Kyiv has been shelling the village near Varnia",
        "monitors",
        "questions",
        "cannot_verify",
    ),
    (
        "blames_but_denied",
        "Kyiv blamed Russian troops for shelling the school, but Moscow denied it.",
        "says_but",
        "Kyiv",
        "Russian troops have been shelling the school",
        "Moscow",
        "refutes",
        "deny",
    ),
    (
        "says_but_did_not_happen",
        "The general said the strike hit only military targets, but that did not happen.",
        "says_but",
        "The general",
        "The strike hit only military targets",
        None,
        "refutes",
        "not_happened",
    ),
    (
        "says_but_offered_no_proof",
        "The candidate claimed his rival had hidden the tax returns but offered no proof.",
        "says_but",
        "The candidate",
        "The candidate's rival had hidden the tax returns",
        None,
        "questions",
        "no_evidence",
    ),
    (
        "says_then_however_verify",
        "Russia said it was pulling back troops. However, the U.S. has not been able to verify "
        "that claim.",
        "says_then_but",
        "Russia",
        "Russia was pulling back troops",
        "the U.S.",
        "questions",
        "cannot_verify",
    ),
    (
        "says_then_but_quoted_judge",
        'The ministry said the convoy carried only food. "But we have seen no evidence of that," '
        "the governor said.",
        "says_then_but",
        "The ministry",
        "The convoy carried only food",
        "the governor",
        "questions",
        "no_evidence",
    ),
    (
        "anaphor_neither_confirmed",
        "Neither side confirmed the reports.",
        "anaphor",
        None,
        None,
        "Neither side",
        "questions",
        "cannot_verify",
    ),
    (
        "anaphor_passive_not_verified",
        "These reports could not be independently verified.",
        "anaphor",
        None,
        None,
        None,
        "questions",
        "cannot_verify",
    ),
    (
        "anaphor_rejected",
        "Moscow repeatedly rejected these accusations.",
        "anaphor",
        None,
        None,
        "Moscow",
        "refutes",
        "deny",
    ),
]

NEGATIVE: list[tuple[str, str]] = [
    # An accused pronoun: no one could tell whom the deed is of.
    ("accused_pronoun_but", "Moscow accused them of shelling the village, but monitors denied it."),
    ("accused_no_but", "Moscow accused Kyiv of shelling the village and said it would respond."),
    ("claim_deadline", "The claim deadline is Friday."),
    ("made_a_statement", "He made a statement on Monday."),
    ("reports_say", "Reports say the bridge was hit."),
    ("the_report_said", "The report said the bridge was hit."),
    ("statement_called_for", "The statement, issued on Monday, called for calm."),
    ("insurance_claim", "She filed an insurance claim after the storm."),
    ("says_but_no_judgement", "Russia says it is pulling back troops, but talks will continue."),
    ("statement_confirms_need", "The statement confirms the need to continue the policy."),
    ("quoted_but", "\u201cWe are ready, but there is no proof they are,\u201d the minister said."),
    ("relative_that", "The report that the committee published on Monday runs to 90 pages."),
    ("and_not_but", "Reuters reported that the ship sank, and the navy confirmed its loss."),
    ("claims_verb", "Ukraine claims that the town was retaken."),
    ("own_content_deny", "The minister said the plan was ready, but she denied that it was late."),
    (
        "but_inside_content",
        "The envoy said that critics had long predicted a pullout, but that this would not happen.",
    ),
    (
        "other_claim_judged",
        "He said he could not judge her remarks, but his own report contradicted her statements.",
    ),
    (
        "not_overnight",
        'The senators said they would cooperate. "But it will not happen overnight."',
    ),
    ("backshifted_would", "The envoy said rivals predicted a pullout, but this would not happen."),
    (
        "reported_what",
        "The audit reported what looked like a breach, but there is no evidence of harm.",
    ),
    ("same_speaker_goes_on", 'He said the rate was low. "But I know that what I saw is true."'),
    (
        "claimant_goes_on",
        'The mayor said the roads were open. "But we are worried that rumours and lies spread '
        'fast," the mayor said.',
    ),
]


@pytest.fixture(scope="module")
def parsed(nlp: Any) -> dict[str, list[NestedClaim]]:
    texts = [c[1] for c in POSITIVE] + [c[1] for c in NEGATIVE]
    return {
        t: find_nested(doc, rules=RULE_IDS) for t, doc in zip(texts, nlp.pipe(texts), strict=True)
    }


@pytest.mark.parametrize(
    ("text", "rule", "claimant", "proposition", "speaker", "stance", "cue"),
    [pytest.param(*c[1:], id=c[0]) for c in POSITIVE],
)
def test_nested_claim(
    parsed: dict[str, list[NestedClaim]],
    text: str,
    rule: str,
    claimant: str | None,
    proposition: str | None,
    speaker: str | None,
    stance: str,
    cue: str | None,
) -> None:
    found = parsed[text]
    assert len(found) == 1, found
    nc = found[0]
    assert nc.rule == rule
    assert _norm(nc.claimant) == _norm(claimant)
    assert _norm(nc.proposition) == _norm(proposition)
    assert _norm(nc.speaker) == _norm(speaker)
    assert (nc.stance, nc.cue) == (stance, cue)
    # Spans point into the text passed in.
    for value, span in ((nc.claimant, nc.claimant_span), (nc.speaker, nc.speaker_span)):
        assert (value is None) == (span is None)
        if span is not None:
            assert text[span[0] : span[1]] == value
    assert text[nc.sentence[0] : nc.sentence[1]].strip()
    if nc.cue_span is not None:
        assert text[nc.cue_span[0] : nc.cue_span[1]].strip()


@pytest.mark.parametrize("text", [pytest.param(c[1], id=c[0]) for c in NEGATIVE])
def test_no_nested_claim(parsed: dict[str, list[NestedClaim]], text: str) -> None:
    assert parsed[text] == []


def test_every_rule_has_a_case() -> None:
    assert {c[2] for c in POSITIVE} == set(RULE_IDS)
    assert len(RULE_IDS) == len(set(RULE_IDS)) and all(r.purpose for r in RULES)


def test_proposition_span_holds_the_clause(parsed: dict[str, list[NestedClaim]]) -> None:
    text = POSITIVE[0][1]
    (nc,) = parsed[text]
    assert nc.proposition_span is not None
    # the span is the clause as written; the proposition replaces its pronoun subject
    assert text[nc.proposition_span[0] : nc.proposition_span[1]] == (
        "it is moving troops away from Ukraine's border"
    )
    assert text[nc.anchor[0] : nc.anchor[1]] == "Russia's claim"
    with pytest.raises(dataclasses.FrozenInstanceError):
        nc.stance = "supports"  # type: ignore[misc]


def test_text_and_doc_give_the_same_records(nlp: Any) -> None:
    text = "Russia says it is pulling back troops, but NATO has seen no evidence of that."
    assert find_nested(text, nlp=nlp) == find_nested(nlp(text))


def test_article_offsets_and_anaphor_to_earlier_claim(nlp: Any) -> None:
    text = (
        "State television said the dam had been repaired.\n\n"
        "Engineers at the site described such reports as propaganda."
    )
    claim = text.index("the dam had been repaired")
    earlier = [(claim, claim + len("the dam had been repaired"))]
    (nc,) = find_nested(nlp(text), earlier=earlier)
    assert (nc.rule, nc.stance, nc.cue, nc.antecedent, nc.antecedent_nested) == (
        "anaphor",
        "refutes",
        "disinformation",
        0,
        None,
    )
    assert nc.speaker == "Engineers at the site"
    assert text[nc.anchor[0] : nc.anchor[1]] == "such reports"
    assert text[nc.sentence[0] : nc.sentence[1]].startswith("Engineers")


def test_anaphor_to_a_nested_claim_of_the_same_article(nlp: Any) -> None:
    text = (
        "The army's claim that the village was retaken is false, the mayor said. "
        "Residents also rejected the claim."
    )
    first, second = find_nested(nlp(text), earlier=[(0, 10)])
    assert (first.rule, first.stance, first.speaker) == (
        "claim_possessive_that",
        "refutes",
        "the mayor",
    )
    assert (second.rule, second.stance, second.speaker) == ("anaphor", "refutes", "Residents")
    # the nested claim starts after the earlier span: it is the nearer antecedent
    assert (second.antecedent, second.antecedent_nested) == (None, 0)


def test_rules_switch(nlp: Any) -> None:
    doc = nlp("Russia says it is pulling back troops, but NATO has seen no evidence of that.")
    assert [nc.rule for nc in find_nested(doc)] == ["says_but"]
    assert find_nested(doc, rules=[r for r in RULE_IDS if r != "says_but"]) == []


def test_what_said_about_is_on_by_default_and_switches_off(nlp: Any) -> None:
    assert "what_said_about" in DEFAULT_RULES
    doc = nlp(POSITIVE[[c[0] for c in POSITIVE].index("what_said_not_happened")][1])
    assert [nc.rule for nc in find_nested(doc)] == ["what_said_about"]
    assert find_nested(doc, rules=[r for r in RULE_IDS if r != "what_said_about"]) == []


def test_what_said_about_a_topic_is_no_claim(nlp: Any) -> None:
    for text in (
        "Maybe the answer is what he said about the new tax plan.",
        "What does this say about your party?",
    ):
        assert find_nested(nlp(text), rules=RULE_IDS) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is false.", ("refutes", "false")),
        ("Such talk is a lie.", ("refutes", "lie")),
        ("It is pure propaganda.", ("refutes", "disinformation")),
        ("That is not true.", ("refutes", "not_true")),
        ("That is simply not the case.", ("refutes", "not_the_case")),
        ("The withdrawal has not happened.", ("refutes", "not_happened")),
        ("The opposite is happening.", ("refutes", "opposite")),
        ("The ministry denied it.", ("refutes", "deny")),
        ("We have no confirmation until now.", ("questions", "no_evidence")),
        ("They have not seen any evidence.", ("questions", "not_seen_evidence")),
        ("The ministry has not been able to verify it.", ("questions", "cannot_verify")),
        ("Officials cast doubt on it.", ("questions", "doubt")),
        ("Several lawmakers questioned it.", ("questions", "question")),
        ("We will see, then we will believe.", ("questions", "remains_to_be_seen")),
        ("Kyiv asked to see evidence.", ("questions", "demand_evidence")),
        ("Is this true? Source?", ("questions", "true_question")),
        ("There is no reason to doubt it.", ("supports", "no_doubt")),
        ("The reports were confirmed by two officials.", ("supports", "cannot_verify")),
        ("The story is true.", ("supports", "not_true")),
        ("They did not deny it.", None),
        ("The weather was fine on Sunday.", None),
    ],
)
def test_judgement_stance(nlp: Any, text: str, expected: tuple[str, str] | None) -> None:
    assert judgement_stance(text, nlp=nlp) == expected


def test_every_cue_is_named_and_tested() -> None:
    tested = {
        "false",
        "lie",
        "disinformation",
        "not_true",
        "not_the_case",
        "not_happened",
        "opposite",
        "deny",
        "no_evidence",
        "not_seen_evidence",
        "cannot_verify",
        "doubt",
        "question",
        "remains_to_be_seen",
        "demand_evidence",
        "true_question",
        "no_doubt",
    }
    assert set(CUE_IDS) == tested
    assert len(CUE_IDS) == len(set(CUE_IDS)) and all(c.purpose for c in CUES)
