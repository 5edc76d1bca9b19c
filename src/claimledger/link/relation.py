"""Same claim, or evidence about a claim: two relations, not one.

Every report on one conflict is close to every other in embedding space: "Moscow has
deployed 100,000 soldiers near the border", "900 U.S. troops are already in Romania" and
"Russia is pulling back some of its troops" share a topic, and cosine similarity alone
files them under one claim. Two statements are the *same claim* only when they have the
same truth conditions: the same subject, the same predicate, compatible numbers. A
statement is *evidence about* a claim when it supports, refutes or questions it; it may
be a claim of its own besides ("7,000 more troops have arrived" refutes a pull-back).

``relation`` decides which of the two a candidate pair from the claim index may be,
from the two propositions (``extract/proposition.py``) and their subjects' sides; the
stance model then decides whether an evidence pair takes a side at all
(``keeps_evidence``). Each check is a named rule that can be switched off by id
(``claims.rules_off``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from claimledger.extract.proposition import Proposition
from claimledger.records import Stance

Relation = Literal["same", "evidence", "none"]


@dataclass(frozen=True, slots=True)
class RelationRule:
    """A same-claim rule: its id and what it is for."""

    id: str
    purpose: str


RULES: tuple[RelationRule, ...] = (
    RelationRule("SC_SUBJECT", "claims about different actors' doings are different claims"),
    RelationRule("SC_NUMBERS", "claims with different figures are different claims"),
    RelationRule(
        "SC_PREDICATE", "below paraphrase similarity a same claim shares a verb or its words"
    ),
    RelationRule("SC_POLARITY", "a negated restatement is evidence against, not the claim"),
    RelationRule(
        "SC_FRAGMENT", "what was said with no verb names a topic unless it holds the claim's words"
    ),
    RelationRule("SC_MOOD", "a deed done and one still open (planned, urged, possible) differ"),
    RelationRule(
        "SC_SPEAKER", "below paraphrase, another side's words on the topic are not its claim"
    ),
    RelationRule(
        "SC_LATE", "below paraphrase, a statement a month after a claim is no restatement of it"
    ),
    RelationRule("EV_SIDED_SUPPORT", "support from a pair that fails a same-claim rule is topic"),
    RelationRule("EV_WEAK_OPENS", "a contradiction of one claim may open a claim of its own"),
    RelationRule(
        "EV_SUPPORT_WORDS", "evidence that supports a claim shares its words, not only its topic"
    ),
    RelationRule(
        "EV_ARTICLE_SUPPORT", "a later sentence of an article may support the news it reports"
    ),
    RelationRule(
        "EV_PARAPHRASE",
        "the claimant's side saying its claim again (cosine 0.7) needs no shared word",
    ),
    RelationRule(
        "EV_MUTUAL", "two claims of one article that contradict each other doubt each other"
    ),
    RelationRule(
        "EV_PLURAL_ANAPHOR", "'such claims', judged, judge the like claims of one side before"
    ),
    RelationRule("ST_RESTATES", "a restatement of a claim supports it, though worded as news"),
    RelationRule("ST_NO_REFUTE", "a restatement of a claim does not refute it: it says the same"),
    RelationRule(
        "EV_CONTRAST", "another side's 'But ...' after a claim in the same story questions it"
    ),
    RelationRule(
        "EV_SAME_ARTICLE", "the claims an article opens are offered its other sentences as evidence"
    ),
)
RULE_IDS = frozenset(r.id for r in RULES)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cosine bars of the two relations (``link.same_similarity``, ``link.evidence_similarity``)."""

    same: float = 0.7
    # The same-claim bar when the statement's speaker is of the claimant's side: the claimant
    # saying its claim again, or outlets quoting it, in other words
    # (``link.same_own_side_similarity``).
    same_own_side: float = 0.6
    evidence: float = 0.55
    # From here a pair is a paraphrase whatever its verbs ("deployed" / "massed").
    paraphrase: float = 0.75
    # Below paraphrase, a statement made this many days after a claim is no restatement of
    # it (``link.same_within_days``, ``SC_LATE``).
    same_within_days: int = 30


# Numbers below this are counts of days, units or percentages that vary with wording
# ("two", "3 days"): only larger figures (troops, casualties, money) must agree.
_FIGURE = 100.0


def _figures(numbers: frozenset[str]) -> frozenset[float]:
    out = set()
    for n in numbers:
        try:
            value = float(n)
        except ValueError:
            continue
        if value >= _FIGURE and not (1900 <= value <= 2100 and n.isdigit() and len(n) == 4):
            out.add(value)
    return frozenset(out)


def numbers_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of figures are compatible: one side has none, or they share one
    within 10% ("100,000" and "an estimated 100,000"; not "900" and "100,000")."""
    fa, fb = _figures(a), _figures(b)
    if not fa or not fb:
        return True
    return any(abs(x - y) <= 0.1 * max(x, y) for x in fa for y in fb)


def subjects_agree(a: str | None, b: str | None) -> bool:
    """Whether two subjects' sides (state or actor ids; None if unknown) are compatible."""
    return a is None or b is None or a == b


# Share of the shorter side's content words the other must have when no verb is shared,
# and how many words that is at least: one shared noun is the topic ("invasion" in "an
# invasion would be horrific" and "Russia would pay a heavy price for an invasion").
CONTENT_OVERLAP = 0.25
CONTENT_SHARED = 2


def predicates_agree(a: Proposition, b: Proposition) -> bool:
    """Whether two propositions say the same kind of thing happens: a shared verb, or a
    good part of their content words ("blowing up a fuel depot" / "the depot was
    destroyed in an act of sabotage"). Unknown (no verbs, few words) counts as agreeing."""
    if not a.predicates or not b.predicates or a.predicates & b.predicates:
        return True
    small = min(len(a.lemmas), len(b.lemmas))
    if small < CONTENT_SHARED:
        return True
    shared = len(a.lemmas & b.lemmas)
    return shared >= CONTENT_SHARED and shared / small >= CONTENT_OVERLAP


# Share of a claim's content words a verbless content must hold to restate it (and at least
# ``CONTENT_SHARED`` of them: "aggression" alone is the topic of "a resumed aggression").
FRAGMENT_COVERAGE = 0.5


def _covers(stmt: Proposition, claim: Proposition) -> bool:
    """Whether ``stmt`` holds most of ``claim``'s content words (``SC_FRAGMENT``)."""
    shared = len(claim.lemmas & stmt.lemmas)
    return shared >= CONTENT_SHARED and shared >= FRAGMENT_COVERAGE * len(claim.lemmas)


def failed_same_rules(
    stmt: Proposition,
    claim: Proposition,
    *,
    stmt_side: str | None,
    claim_side: str | None,
    similarity: float = 0.0,
    thresholds: Thresholds = Thresholds(),
    rules_off: Collection[str] = (),
    speakers: tuple[str | None, str | None] = (None, None),
    days_apart: int | None = None,
) -> list[str]:
    """Ids of the same-claim rules the pair fails (empty: it may be the same claim).

    ``speakers``: the sides of the statement's speaker and of the claim's claimant, when
    both are known actors (None: unknown or an outlet's own words). ``days_apart``: days
    between the statement and the claim's first assertion (None: not both dated).
    """
    failed = []
    if not subjects_agree(stmt_side, claim_side):
        failed.append("SC_SUBJECT")
    if not numbers_agree(stmt.numbers, claim.numbers):
        failed.append("SC_NUMBERS")
    if similarity < thresholds.paraphrase and not predicates_agree(stmt, claim):
        failed.append("SC_PREDICATE")
    if stmt.negated != claim.negated:
        failed.append("SC_POLARITY")
    if stmt.attributed and not stmt.finite and not _covers(stmt, claim):
        # "Xi is concerned about | Russian aggression on Ukraine" names what a claim is about
        # ("Russian aggression on Ukraine violates international law"), at any cosine, and
        # asserts nothing of it; "Biden warned of | a distinct possibility of an invasion in
        # February" holds most of the claim's words and restates it.
        failed.append("SC_FRAGMENT")
    if {stmt.mood, claim.mood} == {"done", "open"}:
        failed.append("SC_MOOD")
    said, claimed = speakers
    if similarity < thresholds.paraphrase and said and claimed and said != claimed:
        # A claimant's side says its claim again in other words (a general's warning that
        # a war would be terrible, echoed by his ministry's spokesman); another side's words
        # on the same topic are its own point (one capital's remark on the enemy's tanks
        # for another's list of the arms it can send), evidence at most.
        failed.append("SC_SPEAKER")
    if (
        similarity < thresholds.paraphrase
        and days_apart is not None
        and days_apart > thresholds.same_within_days
    ):
        # Restatements of a claim come in its news cycle; months on, a statement on the
        # same topic is about a new turn of events ("the West must make Russia pay a price",
        # June, against "an invasion would have enormous consequences", January): evidence
        # at most.
        failed.append("SC_LATE")
    return [r for r in failed if r not in rules_off]


def relation(
    similarity: float,
    stmt: Proposition,
    claim: Proposition,
    *,
    stmt_side: str | None,
    claim_side: str | None,
    thresholds: Thresholds = Thresholds(),
    rules_off: Collection[str] = (),
    speakers: tuple[str | None, str | None] = (None, None),
    days_apart: int | None = None,
) -> tuple[Relation, list[str]]:
    """The relation a statement may have to a candidate claim, and the rules it failed.

    ``same``: the statement restates the claim (a report on it, one of its ways in).
    ``evidence``: it is about the claim without being it; kept only if the stance
    model finds it takes a side (``keeps_evidence``). ``none``: too far apart.
    """
    if similarity < thresholds.evidence:
        return "none", []
    failed = failed_same_rules(
        stmt,
        claim,
        stmt_side=stmt_side,
        claim_side=claim_side,
        similarity=similarity,
        thresholds=thresholds,
        rules_off=rules_off,
        speakers=speakers,
        days_apart=days_apart,
    )
    said, claimed = speakers
    bar = thresholds.same_own_side if said is not None and said == claimed else thresholds.same
    if similarity >= bar and not failed:
        return "same", []
    return "evidence", failed


# From here a supporting pair whose speaker is of the claimant's side says the claim in
# other words ("the Kremlin denies any intention to invade" / "Russia does not plan to enter
# Ukraine"), though it shares no content word with it (``EV_PARAPHRASE``); the other
# same-claim rules still hold.
PARAPHRASE_SUPPORT = 0.7

# Stances an evidence link may stand on, and the confidence each needs.
EVIDENCE_STANCES = {"refutes": 0.5, "questions": 0.5, "supports": 0.6}


def keeps_evidence(
    stance: str,
    confidence: float,
    failed: Collection[str],
    *,
    shared: int | None = None,
    similarity: float = 0.0,
    own_side: bool = False,
    rules_off: Collection[str] = (),
) -> bool:
    """Whether an evidence pair (``relation`` said ``evidence``) stands given its stance.

    It must take a side with confidence. A "supports" from a pair that failed a
    same-claim rule on its subject or figures is a neighbouring fact the model reads
    as agreement ("U.S. troops arrive in Poland" for "Russia masses troops"): dropped
    (``EV_SIDED_SUPPORT``). Disagreement across subjects stays: "there are no signs of
    de-escalation" refutes "Russia is pulling back" though NATO says it.

    A "supports" must also share ``CONTENT_SHARED`` content words with the claim
    (``shared``, when known; ``EV_SUPPORT_WORDS``): among reports on one conflict the
    stance model reads the topic as agreement ("There is no security for Europeans if
    there is no security for Russia" supporting "Russia does not plan to enter Ukraine").
    Except (``EV_PARAPHRASE``) a pair at ``PARAPHRASE_SUPPORT`` or more whose speaker is of
    the claimant's side (``own_side``): the claimant saying its claim again in other words.
    """
    bar = EVIDENCE_STANCES.get(stance)
    if bar is None or confidence < bar:
        return False
    if (
        stance == "supports"
        and shared is not None
        and shared < CONTENT_SHARED
        and "EV_SUPPORT_WORDS" not in rules_off
        and not (own_side and similarity >= PARAPHRASE_SUPPORT and "EV_PARAPHRASE" not in rules_off)
    ):
        return False
    if (
        stance == "supports"
        and "EV_SIDED_SUPPORT" not in rules_off
        and ({"SC_SUBJECT", "SC_NUMBERS", "SC_POLARITY"} & set(failed))
    ):
        return False
    return True


def keeps_article_reaction(
    stance: str, confidence: float, *, shared: int, rules_off: Collection[str] = ()
) -> bool:
    """Whether a sentence about its article's own news (the headline's claim) stands.

    The usual story reports the news, then the reactions to it: doubts and denials, and
    confirmations ("this record package of military aid will give ..."). Each stance
    needs the confidence an evidence link needs. Support also needs ``CONTENT_SHARED``
    content words ``shared`` with the claim, and ``EV_ARTICLE_SUPPORT`` on: every
    sentence of a story is on its topic, and the stance model reads topic as agreement.
    """
    if stance == "supports" and ("EV_ARTICLE_SUPPORT" in rules_off or shared < CONTENT_SHARED):
        return False
    bar = EVIDENCE_STANCES.get(stance)
    return bar is not None and confidence >= bar


# A sentence that opens in contrast with what came before: "But according to Janes, ...",
# "However, ...", "Yet ...", "Zelenskyy, though, said ...", "At this point, though, the
# Pentagon said ...". In a news story that follows one side's claim with another side's
# words, it is the reporter marking a disagreement the words may not state.
CONTRAST_OPENING = re.compile(
    r"^\W*(?:but|however|yet)\b|^[^.;:!?]{0,60}?,\s*(?:though|however),", re.IGNORECASE
)
# How far back (characters from the contrast's sentence to the end of the claim's
# statement) the claim it answers may be: the sentence or two before it.
CONTRAST_REACH = 400


def opens_in_contrast(opening: str) -> bool:
    """Whether a sentence's opening words (``CONTRAST_OPENING``) set it against the last."""
    return bool(CONTRAST_OPENING.search(opening[:120]))


# Words of an outlet's sentence that relays someone else's word rather than stating a fact.
RELAY_LEMMAS = frozenset(
    {
        "report",
        "claim",
        "allege",
        "allegation",
        "say",
        "accord",
        "assert",
        "announce",
        "announcement",
        "statement",
        "accuse",
        "accusation",
        "deny",
        "denial",
    }
)


def relays(prop: Proposition | None) -> bool:
    """Whether an outlet's own sentence relays someone's word ("following reports that the
    village had been shelled", "according to the ministry"): unknown counts as relaying."""
    return prop is None or bool(prop.lemmas & RELAY_LEMMAS)


def restated_stance(stance: Stance, *, rules_off: Collection[str] = ()) -> Stance:
    """The stance of a statement that restates its claim (``relation`` said ``same``).

    The stance model learned "discusses" from articles that report a claim without taking
    it up; a statement whose own content says what the claim says asserts it ("The Kremlin
    has amassed roughly 100,000 troops" for "Moscow has deployed an estimated 100,000
    soldiers"): it supports the claim (``ST_RESTATES``). Doubt stands.

    A restatement passed every same-claim rule (its subject, figures, predicate and
    polarity agree with the claim's), so a "refutes" there is the model reading a
    neighbouring dispute as disagreement ("the condition for dialogue is the withdrawal
    of Russian troops from the border" for "Moscow has deployed 100,000 soldiers near the
    border"): it is read as discussion, which no status counts (``ST_NO_REFUTE``). A
    denial or a negated restatement fails ``SC_POLARITY`` and is evidence, never here.
    """
    if stance == "discusses" and "ST_RESTATES" not in rules_off:
        return "supports"
    if stance == "refutes" and "ST_NO_REFUTE" not in rules_off:
        return "discusses"
    return stance
