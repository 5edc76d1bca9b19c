"""What is not a claim: named rules over a statement's text and parse.

A claim is an actor's assertion about facts, events, intentions or the future. Some
sentences that the check-worthiness model (trained on debate transcripts) scores high
are none of that: a fragment without a verb, a photo caption, a request for comment, an
outlet's background. Each rule here has an id, a one-line purpose, its own test
(``tests/extract/test_claimhood.py``) and can be switched off by id (``claims.rules_off``);
``claimledger eval rules`` measures them. Rules for newsletter boxes, bylines, outlets' own
questions and "did not comment" lines were tried and dropped: on the real-news dev gold
they changed nothing (the fragment rule, the check-worthiness model and
``checkworthy.is_no_comment`` already keep those out; docs/claims.md, "Rule ablation").

Word patterns are data (``PATTERNS``), matched with spaCy's ``Matcher`` on lower-cased
tokens of the text's tokenisation; parse-based rules read the ``Proposition``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from claimledger.extract.proposition import Proposition, bare_content, read_proposition


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of what is a claim (``NC_`` not a claim, ``CL_`` opens one): id and purpose."""

    id: str
    purpose: str


RULES: tuple[Rule, ...] = (
    Rule("NC_FRAGMENT", "a content without a finite verb is a phrase, not a proposition"),
    Rule("NC_REQUEST_COMMENT", "an outlet asking someone for comment is not news"),
    Rule("NC_CAPTION", "photo captions and picture credits"),
    Rule("NC_BACKGROUND", "an outlet's own sentence about years before the story is history"),
    Rule("NC_LINK_BOX", "a body line in capitals is a teaser for another page, not a sentence"),
    Rule("NC_LINK_LINE", "a line opened by a link label ('Read also:') teases another story"),
    Rule("NC_SOURCE_NOTE", "'X said this in its report' names the source of what came before"),
)
# Labels that open a line of links to other stories ("Read also: German MoD says another
# Patriot system to be sent", Kyiv Post's "Other Topics of Interest Estonia's PM: ..."):
# whatever the line says is another story's, not this one's news.
LINK_LINE_LABELS: tuple[str, ...] = (
    "other topics of interest",
    "read also",
    "also read",
    "read more",
    "see also",
    "related:",
    "related articles",
    "related stories",
    "more on this story",
    "you may also like",
    "most read",
)
_LINE_MARKS = " \t>*-•#"
# Words a line must have to be read as a capitals teaser ("US WILL STAY IN NATO IF ...").
LINK_BOX_WORDS = 4
# How far before an article an outlet's own sentence must be dated to be background.
BACKGROUND_DAYS = 365
RULE_IDS = frozenset(r.id for r in RULES)

# Verbs by which a source note names where the sentence before came from.
_NOTE_VERBS = ["say", "report", "state", "announce", "write", "tell", "post", "publish"]
# Token patterns (spaCy Matcher, LOWER) per word rule. Several patterns per rule.
PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "NC_REQUEST_COMMENT": [
        [
            {"LEMMA": {"IN": ["contact", "reach", "ask", "approach"]}},
            {"OP": "{0,6}"},
            {"LOWER": "for"},
            {"LOWER": {"IN": ["comment", "comments", "reaction", "response"]}},
        ],
        [
            {"LOWER": {"IN": ["request", "requests"]}},
            {"LOWER": "for"},
            {"LOWER": {"IN": ["comment", "comments"]}},
        ],
        [{"LOWER": "reached"}, {"LOWER": "out"}, {"LOWER": "to"}],
    ],
    "NC_CAPTION": [
        [
            {"LOWER": {"IN": ["photo", "photograph", "picture", "image", "file", "pictured"]}},
            {"LOWER": {"IN": [":", "by", "credit", "credits", "photo"]}},
        ],
        [{"LOWER": "getty"}, {"LOWER": "images"}],
        [
            {"LOWER": {"IN": ["ap", "afp", "reuters", "epa", "tass", "sputnik"]}},
            {"LOWER": {"IN": ["photo", "/", "via"]}},
        ],
        [
            {"LOWER": "(", "OP": "?"},
            {"LOWER": {"IN": ["photo", "image", "video", "illustration"]}},
            {"LOWER": ":"},
        ],
    ],
    # Agency copy names the source of the sentence before: "The institute said this in its
    # daily assessment", "This was reported by Radio Liberty". The sentence before is the
    # claim (the attribution reader gives it that source); the note says nothing itself.
    "NC_SOURCE_NOTE": [
        [
            {"LEMMA": {"IN": _NOTE_VERBS}, "DEP": "ROOT"},
            {"LOWER": {"IN": ["this", "so"]}},
            {"LOWER": {"IN": ["in", "on", "at", "during", "via", "with", "to", "when", "while"]}},
        ],
        [
            {"LOWER": {"IN": ["this", "that"]}, "IS_SENT_START": True},
            {"LEMMA": "be"},
            {"LEMMA": {"IN": _NOTE_VERBS}, "DEP": "ROOT"},
            {"LOWER": {"IN": ["by", "in", "on", "at"]}},
        ],
    ],
    "NC_BACKGROUND": [
        [
            {"LOWER": {"IN": ["for", "over"]}},
            {"LOWER": {"IN": ["centuries", "decades", "generations"]}},
        ],
        [
            {"LOWER": {"IN": ["centuries", "decades"]}},
            {"LOWER": {"IN": ["ago", "later", "earlier"]}},
        ],
        [
            {"LOWER": "in"},
            {"LOWER": "the"},
            {"LOWER": "past"},
            {"LOWER": {"IN": ["century", "centuries"]}},
        ],
        [{"LOWER": {"IN": ["historic", "historical", "historically"]}}],
    ],
}


@lru_cache(maxsize=4)
def _matcher(nlp: Any) -> Any:
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    for rule_id, patterns in PATTERNS.items():
        matcher.add(rule_id, patterns)
    return matcher


def word_rules(doc: Any, *, nlp: Any) -> frozenset[str]:
    """Ids of the word rules whose patterns match ``doc``."""
    return frozenset(nlp.vocab.strings[m_id] for m_id, _, _ in _matcher(nlp)(doc))


def assess(
    texts: Sequence[str],
    speakers: Sequence[str | None],
    *,
    nlp: Any,
    denials: Sequence[bool] | None = None,
    persons: Sequence[bool | None] | None = None,
    rules_off: Collection[str] = (),
    batch_size: int = 64,
) -> list[tuple[Proposition, frozenset[str]]]:
    """Each content's proposition and the word rules it matches, in one parse pass.

    ``denials`` says which contents their speaker denied (``proposition.is_denial``),
    ``persons`` which speakers are persons (None: unknown; ``read_proposition``);
    ``rules_off``: content rule ids switched off (``proposition.CONTENT_RULES``).
    """
    disable = [p for p in ("ner",) if p in nlp.pipe_names]
    docs = nlp.pipe((bare_content(t) for t in texts), batch_size=batch_size, disable=disable)
    denied = denials if denials is not None else [False] * len(texts)
    person = persons if persons is not None else [None] * len(texts)
    return [
        (
            read_proposition(doc, speaker, denied=deny, person=who, rules_off=rules_off),
            word_rules(doc, nlp=nlp),
        )
        for doc, speaker, deny, who in zip(docs, speakers, denied, person, strict=True)
    ]


def in_capitals(text: str) -> bool:
    """Whether ``text`` is a line in capitals of at least ``LINK_BOX_WORDS`` words."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return len(words) >= LINK_BOX_WORDS and not any(c.islower() for c in text)


def in_link_line(text: str, offset: int) -> bool:
    """Whether the line of ``text`` holding ``offset`` opens with a ``LINK_LINE_LABELS``
    label (as a whole word: "Read also:", not "Readers also")."""
    start = text.rfind("\n", 0, offset) + 1
    head = text[start : start + 60].lstrip(_LINE_MARKS).lower()
    for label in LINK_LINE_LABELS:
        if head.startswith(label):
            rest = head[len(label) : len(label) + 1]
            if not rest or not rest.isalnum():
                return True
    return False


def not_a_claim(
    prop: Proposition,
    matched: Collection[str],
    *,
    attributed: bool,
    refers_to: date | None = None,
    published: date | None = None,
    link_line: bool = False,
    rules_off: Collection[str] = (),
) -> str | None:
    """The id of the first rule that makes a statement no claim, or None.

    Args:
        prop: The statement's proposition.
        matched: Ids of the word rules that matched its text (``word_rules``).
        attributed: Whether a speaker said it (an outlet's own sentence is not).
        refers_to: The date its first time expression resolves to, if any.
        published: Its article's date, if known.
        link_line: Whether its line opens with a link label (``in_link_line``).
        rules_off: Rule ids switched off.
    """
    # The word rules say what a sentence is (a caption, a byline): they come first.
    fired: list[str] = [r.id for r in RULES if r.id in matched and r.id != "NC_BACKGROUND"]
    if not prop.finite:
        fired.append("NC_FRAGMENT")
    if in_capitals(prop.text):
        fired.append("NC_LINK_BOX")
    if link_line:
        fired.append("NC_LINK_LINE")
    old_date = (
        refers_to is not None
        and published is not None
        and (published - refers_to).days > BACKGROUND_DAYS
    )
    # Years named that all lie before the year before the story: "In 2018, Russia opened".
    old_years = published is not None and bool(prop.years) and max(prop.years) < published.year - 1
    if not attributed and (old_date or old_years or "NC_BACKGROUND" in matched):
        fired.append("NC_BACKGROUND")
    return next((r for r in fired if r not in rules_off), None)
