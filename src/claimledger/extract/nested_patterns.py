"""Data of nested attribution: structural rules and the judgement lexicon.

Two tables, both plain data read by :mod:`claimledger.extract.nested`:

* :data:`RULES` — where an attribution's content is itself someone's claim
  ("Russia's claim that P", "what X said about P", "X says P, but ...").
  Each rule has an id, a one-line purpose and, for the ones found on the
  dependency tree, spaCy ``DependencyMatcher`` patterns. The code in
  ``nested.py`` names the matched tokens by these ``RIGHT_ID`` s.
* :data:`CUES` — words and phrases by which an outer speaker judges a claim
  (``false``, ``no evidence``, ``confirmed`` ...), as spaCy ``Matcher``
  token patterns, each with the stance it gives and the stance it gives when
  negated ("has not happened", "could not verify").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

JudgedStance = Literal["supports", "refutes", "questions", "discusses"]
Pattern = tuple[dict[str, Any], ...]

# Nouns naming a claim whose content a that-clause gives: "Russia's claim that P".
CLAIM_NOUNS: tuple[str, ...] = (
    "claim",
    "assertion",
    "statement",
    "report",
    "announcement",
    "suggestion",
    "allegation",
    "accusation",
    "insistence",
    "contention",
    "assurance",
    "declaration",
    "rumor",
    "rumour",
)
# Nouns whose content an of/about phrase gives: "Russia's announcement of a withdrawal".
# "statement of", "report of" name documents or events too often to be kept here.
CLAIM_OF_NOUNS: tuple[str, ...] = (
    "claim",
    "assertion",
    "announcement",
    "allegation",
    "accusation",
    "assurance",
)
# Nouns an anaphor can head: "the claim", "these reports", "such assertions".
ANAPHOR_NOUNS: tuple[str, ...] = (
    "claim",
    "assertion",
    "report",
    "allegation",
    "accusation",
    "announcement",
    "statement",
    "rumor",
    "rumour",
)
ANAPHOR_DETERMINERS: tuple[str, ...] = ("the", "that", "this", "these", "those", "such")
# Verbs by which a claimant states the embedded claim ("Russia says P, but ...").
SAY_VERBS: tuple[str, ...] = (
    "say",
    "claim",
    "insist",
    "announce",
    "state",
    "assert",
    "maintain",
    "allege",
    "tell",
    "report",
    "argue",
    "contend",
    "declare",
    "promise",
)
# Verbs of "what X said about P".
WHAT_VERBS: tuple[str, ...] = (
    "say",
    "claim",
    "announce",
    "state",
    "assert",
    "allege",
    "report",
    "tell",
)
# Verbs whose subject is the outer speaker when the claim sits below them.
OUTER_VERBS: tuple[str, ...] = (
    "say",
    "tell",
    "add",
    "state",
    "write",
    "note",
    "insist",
    "argue",
    "declare",
    "warn",
    "stress",
    "explain",
    "believe",
    "think",
)
# Words opening a sentence that judges the claim of the sentence before.
CONTRAST_OPENERS: tuple[str, ...] = ("but", "however", "yet")
# Conjunctions of "X says P, but <judgement>".
CONTRAST_CC: tuple[str, ...] = ("but", "yet")


@dataclass(frozen=True, slots=True)
class Rule:
    """One way a claim sits inside another statement."""

    id: str
    purpose: str
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()


def _noun(lemmas: tuple[str, ...]) -> dict[str, Any]:
    return {
        "RIGHT_ID": "noun",
        "RIGHT_ATTRS": {
            "LEMMA": {"IN": list(lemmas)},
            "POS": "NOUN",
            "DEP": {"NOT_IN": ["compound"]},
        },
    }


_THAT_CLAUSE: tuple[dict[str, Any], ...] = (
    {
        "LEFT_ID": "noun",
        "REL_OP": ">",
        "RIGHT_ID": "clause",
        "RIGHT_ATTRS": {"DEP": {"IN": ["acl", "ccomp", "appos", "relcl"]}},
    },
    {
        "LEFT_ID": "clause",
        "REL_OP": ">",
        "RIGHT_ID": "that",
        "RIGHT_ATTRS": {"LOWER": "that", "DEP": "mark"},
    },
)
_POSS: dict[str, Any] = {
    "LEFT_ID": "noun",
    "REL_OP": ">",
    "RIGHT_ID": "owner",
    "RIGHT_ATTRS": {"DEP": "poss"},
}
_BY: tuple[dict[str, Any], ...] = (
    {
        "LEFT_ID": "noun",
        "REL_OP": ">",
        "RIGHT_ID": "by",
        "RIGHT_ATTRS": {"LOWER": "by", "DEP": "prep"},
    },
    {"LEFT_ID": "by", "REL_OP": ">", "RIGHT_ID": "owner", "RIGHT_ATTRS": {"DEP": "pobj"}},
)
_OF: tuple[dict[str, Any], ...] = (
    {
        "LEFT_ID": "noun",
        "REL_OP": ">",
        "RIGHT_ID": "of",
        "RIGHT_ATTRS": {"LOWER": {"IN": ["of", "about"]}, "DEP": "prep"},
    },
    {
        "LEFT_ID": "of",
        "REL_OP": ">",
        "RIGHT_ID": "obj",
        "RIGHT_ATTRS": {"DEP": {"IN": ["pobj", "pcomp"]}},
    },
)
_SAYER: tuple[dict[str, Any], ...] = (
    {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": list(SAY_VERBS)}, "POS": "VERB"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "owner", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "clause", "RIGHT_ATTRS": {"DEP": "ccomp"}},
)

# Verbs of accusing and the preposition before the deed: "X accused Y of V-ing, but ...".
ACCUSE_VERBS: tuple[str, ...] = ("accuse", "blame")
ACCUSE_PREPOSITIONS: tuple[str, ...] = ("of", "for")
_ACCUSER: tuple[dict[str, Any], ...] = (
    {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": list(ACCUSE_VERBS)}, "POS": "VERB"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "owner", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "accused", "RIGHT_ATTRS": {"DEP": "dobj"}},
    {
        "LEFT_ID": "verb",
        "REL_OP": ">",
        "RIGHT_ID": "prep",
        "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": list(ACCUSE_PREPOSITIONS)}},
    },
    {
        "LEFT_ID": "prep",
        "REL_OP": ">",
        "RIGHT_ID": "clause",
        "RIGHT_ATTRS": {"DEP": "pcomp", "TAG": "VBG"},
    },
)

RULES: tuple[Rule, ...] = (
    Rule(
        "claim_possessive_that",
        "X's claim/assertion/report/... that P: the owner is the claimant",
        ((_noun(CLAIM_NOUNS), _POSS, *_THAT_CLAUSE),),
    ),
    Rule(
        "claim_by_that",
        "the claim by X that P",
        ((_noun(CLAIM_NOUNS), *_BY, *_THAT_CLAUSE),),
    ),
    Rule(
        "claim_unattributed_that",
        "claims/reports that P with no claimant named",
        ((_noun(CLAIM_NOUNS), *_THAT_CLAUSE),),
    ),
    Rule(
        "claim_of",
        "X's announcement/claims of P, the claims by X of P (a noun phrase or a gerund)",
        ((_noun(CLAIM_OF_NOUNS), _POSS, *_OF), (_noun(CLAIM_OF_NOUNS), *_BY, *_OF)),
    ),
    Rule(
        "what_said_about",
        "what X said/has said about P",
        (
            (
                {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": list(WHAT_VERBS)}}},
                {
                    "LEFT_ID": "verb",
                    "REL_OP": ">",
                    "RIGHT_ID": "what",
                    "RIGHT_ATTRS": {"LOWER": "what", "DEP": {"IN": ["dobj", "nsubj", "nsubjpass"]}},
                },
                {
                    "LEFT_ID": "verb",
                    "REL_OP": ">",
                    "RIGHT_ID": "owner",
                    "RIGHT_ATTRS": {"DEP": "nsubj"},
                },
                {
                    "LEFT_ID": "verb",
                    "REL_OP": ">",
                    "RIGHT_ID": "of",
                    "RIGHT_ATTRS": {"LOWER": "about", "DEP": "prep"},
                },
                {
                    "LEFT_ID": "of",
                    "REL_OP": ">",
                    "RIGHT_ID": "obj",
                    "RIGHT_ATTRS": {"DEP": {"IN": ["pobj", "pcomp"]}},
                },
            ),
        ),
    ),
    Rule(
        "says_but",
        "X says P (or accuses Y of doing P), but <judgement>: the judgement after 'but'",
        (_SAYER, _ACCUSER),
    ),
    Rule(
        "says_then_but",
        "X said P. But/However <judgement>: the judgement opens the next sentence",
        (_SAYER,),
    ),
    Rule(
        "anaphor",
        "the claim / that claim / these reports / such assertions, judged, refer to an earlier claim",
        (
            (
                _noun(ANAPHOR_NOUNS),
                {
                    "LEFT_ID": "noun",
                    "REL_OP": ">",
                    "RIGHT_ID": "det",
                    "RIGHT_ATTRS": {
                        "LOWER": {"IN": list(ANAPHOR_DETERMINERS)},
                        "DEP": {"IN": ["det", "amod", "predet"]},
                    },
                },
            ),
        ),
    ),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
# Rules applied unless the caller names others: all of them. "what_said_about" fires only
# on a gerund or clause after "about" ("despite what Russia has said about pulling back
# troops, that has not happened"): in its general form ("what it says about America") 9 of
# its 10 hits were wrong; so restricted it fired on none of 1.07M words of PolNeAR and
# ukraine-news text (whose February 2022 weeks are held out), and it reads the issue's own
# example of a claim about a claim.
DEFAULT_RULES: tuple[str, ...] = RULE_IDS


@dataclass(frozen=True, slots=True)
class Cue:
    """A judgement cue: ``stance`` as it stands, ``negated`` under a negation (None: no judgement)."""

    id: str
    stance: JudgedStance | None
    negated: JudgedStance | None
    purpose: str
    patterns: tuple[Pattern, ...]


EVIDENCE = ["evidence", "proof"]
SIGNS = ["evidence", "proof", "sign", "indication", "confirmation", "sighting", "trace"]
_ADJ: dict[str, Any] = {"POS": {"IN": ["ADJ", "ADV"]}, "OP": "*"}
_NEG: dict[str, Any] = {"LOWER": {"IN": ["not", "n't", "never"]}}
_GAP: dict[str, Any] = {"IS_PUNCT": False, "IS_SENT_START": False, "OP": "?"}


def _lemma(*words: str, pos: list[str] | None = None) -> Pattern:
    attrs: dict[str, Any] = {"LEMMA": {"IN": list(words)}}
    if pos:
        attrs["POS"] = {"IN": pos}
    return (attrs,)


def _lower(*words: str, pos: list[str] | None = None) -> Pattern:
    attrs: dict[str, Any] = {"LOWER": {"IN": list(words)}}
    if pos:
        attrs["POS"] = {"IN": pos}
    return (attrs,)


def _phrase(*words: str) -> Pattern:
    return tuple({"LOWER": w} for w in words)


# One table. When several cues overlap the longest wins ("no reason to doubt" over "doubt");
# of the cues left in the judged words, refutes beats questions beats supports.
CUES: tuple[Cue, ...] = (
    # -- refutes
    Cue(
        "false",
        "refutes",
        None,
        "false, untrue, baseless, unfounded, fake, fabricated, misleading, disproven",
        (
            _lower(
                "false",
                "untrue",
                "baseless",
                "groundless",
                "unfounded",
                "fake",
                "bogus",
                "fabricated",
                "misleading",
                "disproven",
                "discredited",
                "debunked",
                "spurious",
                "absurd",
                "falsely",
                "wrongly",
            ),
        ),
    ),
    Cue(
        "lie",
        "refutes",
        None,
        "a lie, lies, a falsehood, a fabrication, a hoax",
        (
            _lemma(
                "lie",
                "liar",
                "falsehood",
                "fabrication",
                "hoax",
                "fiction",
                "fantasy",
                pos=["NOUN"],
            ),
        ),
    ),
    Cue(
        "disinformation",
        "refutes",
        None,
        "propaganda, disinformation, misinformation, nonsense, fake news; dismissed as "
        "scaremongering, fearmongering, hysteria, alarmism",
        (
            _lemma(
                "propaganda",
                "disinformation",
                "misinformation",
                "nonsense",
                "scaremongering",
                "fearmongering",
                "hysteria",
                "alarmism",
            ),
            _phrase("fake", "news"),
        ),
    ),
    Cue(
        "not_true",
        "supports",
        "refutes",
        "true, accurate, correct; not true / not accurate refute",
        (_lower("true", "accurate", "correct", pos=["ADJ"]),),
    ),
    Cue(
        "not_the_case",
        "refutes",
        None,
        "not the case, no truth, nothing of the sort",
        (
            (_NEG, {"LOWER": "the"}, {"LOWER": "case"}),
            ({"LOWER": "no"}, {"LOWER": "truth"}),
            _phrase("nothing", "of", "the", "sort"),
        ),
    ),
    Cue(
        "not_happened",
        None,
        "refutes",
        "has not happened / did not take place / never materialised",
        (
            _lemma("happen", "occur", "materialize", "materialise"),
            ({"LEMMA": "take"}, {"LOWER": "place"}),
        ),
    ),
    Cue(
        "opposite",
        "refutes",
        None,
        "the opposite is true, quite the opposite, contrary to",
        (_lower("opposite"), _phrase("contrary", "to")),
    ),
    Cue(
        "deny",
        "refutes",
        None,
        "deny, reject, dismiss, refute, rebut, debunk, contradict, dispute, ridicule the claim",
        (
            _lemma(
                "deny",
                "reject",
                "dismiss",
                "refute",
                "rebut",
                "debunk",
                "contradict",
                "disprove",
                "dispute",
                "deride",
                "ridicule",
                "mock",
                "scoff",
                pos=["VERB"],
            ),
            _lemma("denial", "rebuttal", "refutation"),
        ),
    ),
    # -- questions
    Cue(
        "no_evidence",
        "questions",
        None,
        "no evidence / no proof / no sign / no confirmation / lack of evidence / without evidence",
        (
            ({"LOWER": "no"}, _ADJ, {"LEMMA": {"IN": SIGNS}}),
            (
                {"LEMMA": {"IN": ["lack", "absence"]}},
                {"LOWER": "of"},
                _ADJ,
                {"LEMMA": {"IN": SIGNS}},
            ),
            ({"LOWER": "without"}, _ADJ, {"LEMMA": {"IN": EVIDENCE}}),
            ({"LOWER": {"IN": ["little", "scant"]}}, {"LEMMA": {"IN": SIGNS}}),
        ),
    ),
    Cue(
        "not_seen_evidence",
        None,
        "questions",
        "has not seen any evidence / did not provide evidence",
        (({"LOWER": "any"}, _ADJ, {"LEMMA": {"IN": SIGNS}}), _lemma(*EVIDENCE)),
    ),
    Cue(
        "cannot_verify",
        "supports",
        "questions",
        "confirmed / verified / corroborated; cannot verify, could not confirm question",
        (_lemma("confirm", "verify", "corroborate", "substantiate", "prove", pos=["VERB"]),),
    ),
    Cue(
        "doubt",
        "questions",
        None,
        "doubt, cast doubt, skeptical, dubious, questionable, unverified, unconfirmed",
        (
            _lemma("doubt", "skepticism", "scepticism"),
            _lower(
                "doubtful",
                "skeptical",
                "sceptical",
                "dubious",
                "questionable",
                "unverified",
                "unconfirmed",
                "unsubstantiated",
                "unproven",
                "implausible",
                "suspicious",
            ),
        ),
    ),
    Cue(
        "question",
        "questions",
        None,
        "questioned the claim, raised questions, called into question",
        (
            _lemma("question", pos=["VERB"]),
            ({"LEMMA": "raise"}, _ADJ, {"LEMMA": "question"}),
            _phrase("into", "question"),
        ),
    ),
    Cue(
        "remains_to_be_seen",
        "questions",
        None,
        "remains to be seen, we will see, wait and see",
        (
            ({"LEMMA": "remain"}, {"LOWER": "to"}, {"LOWER": "be"}, {"LOWER": "seen"}),
            ({"LOWER": "we"}, {"LOWER": {"IN": ["will", "'ll", "shall"]}}, {"LEMMA": "see"}),
            _phrase("wait", "and", "see"),
        ),
    ),
    Cue(
        "demand_evidence",
        "questions",
        None,
        "asked to see evidence, demanded proof, called for evidence",
        (
            (
                {"LEMMA": {"IN": ["ask", "demand", "request", "call", "want", "seek", "urge"]}},
                _GAP,
                _GAP,
                _GAP,
                {"LEMMA": {"IN": EVIDENCE}},
            ),
            (
                {"LEMMA": {"IN": ["demand", "request"]}, "POS": "NOUN"},
                {"LOWER": "for"},
                _ADJ,
                {"LEMMA": {"IN": EVIDENCE}},
            ),
        ),
    ),
    Cue(
        "true_question",
        "questions",
        None,
        "is this true? / is it real? — a question about the claim's truth",
        (({"LOWER": {"IN": ["true", "real", "accurate", "correct"]}}, {"ORTH": "?"}),),
    ),
    # -- supports (besides the un-negated "true" and "confirmed" above)
    Cue(
        "no_doubt",
        "supports",
        None,
        "no reason to doubt, no doubt",
        (
            ({"LOWER": "no"}, {"LOWER": "reason"}, {"LOWER": "to"}, {"LEMMA": "doubt"}),
            ({"LOWER": "no"}, {"LEMMA": "doubt"}),
        ),
    ),
)
CUE_IDS: tuple[str, ...] = tuple(c.id for c in CUES)
# Heads whose meaning negates a cue below them: "unable to verify", "declined to confirm".
NEGATING_HEADS: tuple[str, ...] = (
    "unable",
    "impossible",
    "fail",
    "refuse",
    "decline",
    "hard",
    "difficult",
    "cannot",
)
# Verbs whose subject makes the claim of a claim noun in their object: "made claims that P",
# "repeated accusations that P", "issued a statement that P".
CLAIM_MAKING_VERBS: tuple[str, ...] = (
    "make",
    "repeat",
    "reiterate",
    "issue",
    "spread",
    "voice",
    "level",
    "publish",
    "release",
    "push",
    "peddle",
)
# Subjects that negate their verb: "Neither side confirmed the reports", "nobody verified it".
NEGATING_SUBJECTS: tuple[str, ...] = ("neither", "nobody", "none", "no one", "noone")
STANCE_ORDER: tuple[JudgedStance, ...] = ("refutes", "questions", "supports")
