"""What a statement asserts, read off its parse: the claim's own words.

A statement's content is what a speaker said, cut out of a sentence: often it has no
subject of its own ("Russia's defence ministry said *it is pulling back troops*", "the
ministry announced *pulling back some units*"). A claim's text must stand alone, so the
subject is resolved from the speaker, while negation, modality and dates are kept and the
reporting frame is dropped.

One parse per statement content (tagger and parser, no NER), made once in the
per-article stage; what the later stages need of it travels in a ``Proposition``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from claimledger.records import SPEAKER_PRONOUNS

# Parts of speech that carry the content of a proposition (for same-claim checks).
_CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "NUM"})
_QUOTES = "\"'“”‘’«»„"
_NEGATIONS = frozenset({"not", "n't", "no", "never", "neither", "nor", "nobody", "nothing"})
# Words before a number that make it a year: "in 2014", "since 1991", "of 1915".
_YEAR_LEAD = frozenset({"in", "since", "of", "from", "until", "till", "by", "before", "after"})
_FINITE = frozenset({"Fin"})
# A decade names its first year: "in the 1960s", "1990s-era".
_DECADE = re.compile(r"^1[0-9]{2}0s$|^20[0-9]0s$")
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
# A first-person or plural subject replaced by a speaker's name takes a singular verb.
_AGREE = {
    "are": "is",
    "am": "is",
    "'re": "is",
    "'m": "is",
    "were": "was",
    "have": "has",
    "'ve": "has",
    "do": "does",
}


@dataclass(frozen=True, slots=True)
class Proposition:
    """A statement's content as a self-contained proposition, with what linking needs."""

    text: str  # the content with its subject resolved from the speaker where it had none
    subject: str | None  # the subject as written in ``text``
    predicate: str | None  # lemma of the main verb (or of the root)
    negated: bool  # the main verb is negated ("has not happened")
    finite: bool  # has a finite verb: a proposition rather than a fragment
    question: bool  # ends with a question mark
    lemmas: frozenset[str]  # content lemmas, lower case, names excluded
    numbers: frozenset[str]  # numbers as written, digits only ("7,000" -> "7000")
    years: frozenset[int] = frozenset()  # years named ("in 2014", "since 1991")
    # Names in the subject, longest first ("Russia's defence ministry" -> "Russia"; "Russian
    # troops" -> "Russian"): what the subject's side is looked up by.
    subject_names: tuple[str, ...] = ()
    # What is said to happen: the root's lemma and every full verb's ("warning", "attack").
    predicates: frozenset[str] = frozenset()
    # Whether the main verb tells a deed done ("done": "the House approved the bill") or
    # one still open ("open": "Congress might vote", "he urged Congress to pass"); None
    # for the present and what cannot be told (``mood_of``).
    mood: str | None = None
    # What was said is no clause of its own (``PR_NOMINAL``): a noun phrase, with or without a
    # finite verb in a clause hanging off it; a claim's text tells it with its source and cue.
    nominal: bool = False
    # Someone said it (a speaker was given): not an outlet's own sentence.
    attributed: bool = False


def _not_only(token: Any) -> bool:
    """ "not only ... but": an addition, not a negation ("has not only amassed troops but")."""
    doc = token.doc
    return bool(
        token.lower_ == "not" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "only"
    )


def _finite_verb(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") and bool(
        set(tok.morph.get("VerbForm")) & _FINITE or tok.tag_ in ("MD", "VBD", "VBP", "VBZ")
    )


def _own_clause(tok: Any) -> bool:
    """Whether a root's child is a clause that says something of its own: a conjunct, or
    the clause a noun of saying or thinking takes ("careful optimism *that lawmakers would
    pass* the bill", "a distinct possibility *Russia could launch* an invasion"; the parser
    may label it relative). A relative clause (with "which", "who" or a relative "that")
    and an adverbial one ("as he warned") are not."""
    if tok.dep_ == "conj":
        return True
    if tok.dep_ not in ("acl", "relcl"):
        return False
    return not any(
        c.dep_ != "mark" and (c.tag_ in ("WDT", "WP", "WP$") or c.lower_ == "that")
        for c in tok.children
    )


# Children that make their head's clause finite: "is *pulling*", "will *be*", "was *false*".
_FINITE_DEPS = frozenset({"aux", "auxpass", "cop"})


def _is_clause(doc: Any) -> bool:
    """Whether the content is a clause: a sentence root (or a root's conjunct) that is a
    finite verb or has a finite auxiliary (``PR_NOMINAL``). A noun phrase whose only finite
    verb sits in an adverbial or relative clause hanging off it is a fragment: "the UK's
    largest ever support package for Ukraine *as he warned* that ..." (the object of
    "promised"), "more sanctions *if Russia invades*"."""
    for root in (t for t in doc if t.dep_ == "ROOT"):
        spine = [root, *(c for c in root.children if _own_clause(c))]
        for head in spine:
            if _finite_verb(head) or any(
                _finite_verb(c) for c in head.children if c.dep_ in _FINITE_DEPS
            ):
                return True
    return False


def _any_finite(doc: Any) -> bool:
    return any(_finite_verb(tok) for tok in doc)


# Dependents that name who the subject is ("*Russian* troops", "*Russia*'s ministry"), not
# what it is near or does ("a depot supplying *Varnian* units", "troops *in Belarus*").
_HEAD_DEPS = frozenset({"compound", "amod", "poss", "nmod", "det", "case", "cc", "conj", "nummod"})


def _head_phrase(head: Any) -> list[Any]:
    """The subject's head with the dependents that name it, in order."""
    keep = [head]
    stack = [c for c in head.children if c.dep_ in _HEAD_DEPS]
    while stack:
        tok = stack.pop()
        keep.append(tok)
        stack.extend(c for c in tok.children if c.dep_ in _HEAD_DEPS)
    return sorted(keep, key=lambda t: t.i)


def _names(span: Any) -> tuple[str, ...]:
    """Runs of proper nouns and capitalised adjectives in ``span`` ("Russian", "White House")."""
    runs: list[str] = []
    current: list[str] = []
    for tok in span:
        if (tok.pos_ == "PROPN" and any(c.isalpha() for c in tok.text)) or (
            tok.pos_ == "ADJ" and tok.is_title
        ):
            current.append(tok.text)
            continue
        if current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return tuple(runs)


def _agree(verb: Any) -> str | None:
    """The third-person singular of a present-tense verb ("have" -> "has"), or None."""
    if verb.lower_ in _AGREE:
        return _AGREE[verb.lower_]
    if verb.tag_ != "VBP" or verb.pos_ != "VERB" or not verb.is_alpha:
        return None
    word: str = verb.text
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _first_word(doc: Any) -> int:
    """Index of the first token that is not punctuation (an opening quote)."""
    return next((t.i for t in doc if not t.is_punct), 0)


# Words that tie a sentence to the one before it. A claim must stand alone, so they are cut
# from its front (``PR_LEADING_LINK``): "But the Russians are taking their time" -> "The
# Russians are taking their time"; "However, Moscow has deployed ..." -> "Moscow has ...".
# The conjunctions go at any rate, the adverbs only before a comma, "that" before a comma or
# as the mark of a clause ("That, as of now, the operation continues"; "That is not true"
# keeps its pronoun). A list's dash or bullet in front goes too.
LEADING_CONJUNCTIONS = frozenset({"and", "but", "or", "yet", "nor"})
LEADING_ADVERBS = frozenset(
    {
        "however",
        "meanwhile",
        "moreover",
        "furthermore",
        "nevertheless",
        "nonetheless",
        "besides",
        "also",
        "still",
        "instead",
        "indeed",
        "then",
        "that",
        "thus",
        "therefore",
    }
)
# Dashes and bullets that open a list item ("- Then economic sanctions ...").
_LIST_MARKS = frozenset({"-", "–", "—", "•", "*", "·"})


def _leading_link(doc: Any) -> int | None:
    """Index of the first token after a leading list mark, link word and its comma, or None
    when there is none to cut.

    Only list marks may come before the link; a content that is nothing but the link and
    its comma keeps them.
    """
    i = _first_word(doc)
    if i >= len(doc) or any(doc[j].text not in _LIST_MARKS for j in range(i)):
        return None
    word = doc[i]
    comma = i + 1 < len(doc) and doc[i + 1].text == ","
    if word.lower_ in LEADING_CONJUNCTIONS and word.pos_ in ("CCONJ", "ADV", "SCONJ"):
        nxt = i + 2 if comma else i + 1
    elif word.lower_ in LEADING_ADVERBS and (
        comma or (word.lower_ == "that" and word.dep_ == "mark")
    ):
        nxt = i + 2 if comma else i + 1
    elif i > 0:
        nxt = i  # a list mark alone
    else:
        return None
    return nxt if nxt < len(doc) and not doc[nxt].is_punct else None


# The seam of a quotation its cue split in two, once the cue is out: 'pressure," "Which'.
_QUOTE_SEAM = re.compile(r"([,.;:!?])[\"”]\s+[\"“]\s*(\S)")
# Words that go on a sentence rather than begin a name: lower-cased at a seam.
_SEAM_LOWER = frozenset(
    {"that", "which", "who", "this", "it", "we", "they", "and", "but", "so", "because"}
)


def join_split_quote(text: str) -> str:
    """``text`` with the seams of a quotation split by its cue closed (``PR_SPLIT_QUOTE``):
    'the border," "(This) reduces the time' -> 'the border, (This) reduces the time'."""

    def seam(m: re.Match[str]) -> str:
        rest = text[m.start(2) :]
        word = re.match(r"[A-Za-z]+", rest)
        first = m.group(2)
        if word and word.group(0).lower() in _SEAM_LOWER:
            first = first.lower()
        return f"{',' if m.group(1) in ',;:' else m.group(1)} {first}"

    return _QUOTE_SEAM.sub(seam, text)


def _root(doc: Any) -> Any | None:
    sents = list(doc.sents)
    return sents[0].root if sents else None


def _number(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch == ".").strip(".")


# Cue verbs that deny what follows them ("Russia *denied* it plans to invade"): the claim a
# denial makes is its content negated.
DENIAL_CUES = frozenset({"deny", "reject", "refute", "rebut", "dispute"})
_DENIAL_FORMS = {"denied": "deny", "denies": "deny", "denying": "deny"}


def is_denial(cue: str | None) -> bool:
    """Whether a cue's verb denies its content ("denied", "has repeatedly rejected")."""
    for word in (cue or "").lower().split():
        word = _DENIAL_FORMS.get(word, word)
        if any(word.startswith(stem) for stem in DENIAL_CUES):
            return True
    return False


def _third_person(lemma: str) -> str:
    """The present third-person form of a verb's lemma ("plan" -> "plans", "have" -> "has")."""
    irregular = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma + "es"
    if len(lemma) > 1 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


@dataclass(frozen=True, slots=True)
class ContentRule:
    """A rule of how an attributed content is read as a proposition: its id and purpose."""

    id: str
    purpose: str


CONTENT_RULES: tuple[ContentRule, ...] = (
    ContentRule(
        "PR_CUE_CASE",
        "a content that follows its cue in lower case is parsed so ('plans to' is a verb)",
    ),
    ContentRule(
        "PR_DENIED_NOUN", "a denial of 'any intention to V' denies that the speaker intends to V"
    ),
    ContentRule(
        "PR_PRONOUN_AGREES",
        "a pronoun subject stands for the speaker only if they agree: 'it' is no person",
    ),
    ContentRule(
        "PR_POSSESSIVE",
        "'its', 'his', 'our' in the subject of what was said are the speaker's ('its troops')",
    ),
    ContentRule(
        "PR_NOMINAL",
        "what was said as a noun phrase with a clause hanging off it is no clause of its own",
    ),
    ContentRule(
        "PR_LEADING_LINK",
        "a word tying a content to the sentence before ('But', 'However,', 'That,') is cut",
    ),
    ContentRule(
        "PR_SPLIT_QUOTE",
        "a quotation split by its cue ('X,\" he said, \"Y') is read as one: 'X, Y'",
    ),
    ContentRule(
        "PR_OUTLET_PRONOUN",
        "an outlet's sentence opened by 'He' or 'She' names the person quoted just before",
    ),
    ContentRule(
        "PR_ACCUSED",
        "'accused X of V-ing Y' says that X has been V-ing Y: the accused is the subject",
    ),
)
CONTENT_RULE_IDS = frozenset(r.id for r in CONTENT_RULES)

# Verbs of accusing (as stems of the cue's words) and the preposition that brings in what the
# accused is said to do: "accused the UK of provoking Ukraine", "blames Kyiv for shelling".
ACCUSATION_CUES: dict[str, str] = {"accus": "of", "blam": "for", "suspect": "of"}


def accused_clause(cue: str | None, content: str, *, nlp: Any) -> str | None:
    """What an accusation says, as a clause, or None (``PR_ACCUSED``).

    "Russia's defence ministry has accused | the UK of "provoking" Ukraine into attacking
    Russian territory": the content is the accused and a gerund, a fragment with no subject
    that the linker would read as the topic ("the UK", "Ukraine", "attacking"). What is
    claimed is that the UK *has been provoking* Ukraine: the perfect progressive keeps the
    gerund as written and tells a deed done. Only a cue of ``ACCUSATION_CUES`` whose content
    is a noun phrase, its preposition and a gerund qualifies; "accused Russia of war crimes"
    (no gerund) is left as it is.
    """
    stems = [
        prep
        for word in (cue or "").lower().split()
        for stem, prep in ACCUSATION_CUES.items()
        if word.startswith(stem)
    ]
    if not stems or len(content) > 600:
        return None
    prep = stems[-1]
    doc = nlp(content)
    for tok in doc:
        if tok.lower_ != prep or tok.i == 0:
            continue
        # "of deliberately shelling": an adverb may come before the gerund.
        after = next((t for t in doc[tok.i + 1 :] if not t.is_punct and t.pos_ != "ADV"), None)
        accused = doc[: tok.i]
        if after is None or after.tag_ != "VBG":
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in accused) or not any(
            t.pos_ in ("NOUN", "PROPN", "PRON") for t in accused
        ):
            return None
        heads = [t for t in accused if t.head.i >= tok.i or t.head.i == t.i]
        if any(t.pos_ == "PRON" for t in heads):
            # "accused them of lying": as a subject the pronoun would be read as the speaker
            # (``read_proposition``), whom it is not.
            return None
        plural = any(t.lower_ == "and" for t in accused) or any(
            t.tag_ in ("NNS", "NNPS") for t in heads
        )
        rest = content[doc[tok.i + 1].idx :]
        return f"{accused.text} {'have' if plural else 'has'} been {rest}"
    return None


# Nouns of intent a denial takes as its object ("denies any intention to invade", "rejected
# plans to annex"), and the verb each stands for.
INTENT_NOUNS: dict[str, str] = {
    "intention": "intend",
    "intentions": "intend",
    "intent": "intend",
    "plan": "plan",
    "plans": "plan",
    "desire": "want",
    "wish": "want",
    "aim": "aim",
    "aims": "aim",
}
_DENIED_NOUN = re.compile(
    r"^(?:(?:any|all|the|such|its|his|her|their|our)\s+)?(?P<noun>[a-z]+)\s+(?P<rest>to\s+\S.*)$",
    re.I | re.S,
)


def denied_noun(cue: str | None, content: str) -> str | None:
    """The content a denial of an intention denies, with the intention as its verb.

    "The Kremlin denies | any intention to invade": the content is a noun phrase, and
    read as written it says nothing. What is denied is that the Kremlin *intends* to
    invade: "intends to invade", which the reader gives the speaker as subject and
    negates. Only a denial cue and a noun of ``INTENT_NOUNS`` followed by "to" qualify.
    """
    if not is_denial(cue):
        return None
    m = _DENIED_NOUN.match(content.strip())
    if m is None:
        return None
    verb = INTENT_NOUNS.get(m.group("noun").lower())
    if verb is None:
        return None
    return f"{_third_person(verb)} {m.group('rest')}"


def denied_verb(cue: str | None, content: str, *, nlp: Any) -> str | None:
    """The verb a denial cue took from its content, as a finite verb, or None.

    "Russia ... denies planning to enter Ukraine": the attribution's cue is "denies
    planning" and its content "to enter Ukraine", a fragment. What was denied is that
    Russia *plans* to enter Ukraine: the gerund the denial verb governs is the content's
    verb ("denied having", "rejects wanting"). Only a denial cue ending in a gerund and
    a content that is an infinitive ("to ...") qualify.
    """
    words = (cue or "").split()
    if (
        len(words) < 2
        or not words[-1].lower().endswith("ing")
        or not is_denial(" ".join(words[:-1]))
    ):
        return None
    if not content.lower().startswith("to "):
        return None
    token = nlp(words[-1].lower())[0]
    lemma = token.lemma_.lower()
    if not lemma.isalpha() or lemma.endswith("ing"):
        return None
    return _third_person(lemma)


Edit = tuple[int, int, str]  # (start, end, replacement) in the doc's characters


def _negation(doc: Any, root: Any, agreed: dict[int, str]) -> list[Edit]:
    """Edits that negate the main verb ("plans" -> "does not plan", "was" -> "was not");
    none when the parse gives no place for "not" or it is negated already."""
    if root.pos_ not in ("VERB", "AUX") or any(c.dep_ == "neg" for c in root.children):
        return []
    base = doc[0].idx
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    head = auxes[0] if auxes else (root if root.lemma_ == "be" else None)
    if head is not None:
        word = agreed.pop(head.i, head.text)
        return [(head.idx - base, head.idx - base + len(head.text), f"{word} not")]
    if root.tag_ not in ("VBZ", "VBP", "VBD"):
        return []
    # An agreed verb ("we plan" -> "X plans") takes the third person: "X does not plan".
    do = (
        "did"
        if root.tag_ == "VBD"
        else ("does" if root.tag_ == "VBZ" or root.i in agreed else "do")
    )
    agreed.pop(root.i, None)
    return [(root.idx - base, root.idx - base + len(root.text), f"{do} not {root.lemma_}")]


# Pronouns that cannot stand for a person, and those that cannot stand for a state, a
# ministry or an agency ("the West" is "it"; "the Kremlin said he" is someone else).
NOT_A_PERSON = frozenset({"it", "they"})
NOT_AN_INSTITUTION = frozenset({"he", "she"})


def pronoun_agrees(pronoun: str, person: bool | None) -> bool:
    """Whether a subject pronoun can stand for a speaker who is (``person``) a person or not
    (None: unknown, it may)."""
    if person is None:
        return True
    return pronoun.lower() not in (NOT_A_PERSON if person else NOT_AN_INSTITUTION)


# Verbs whose object is still to happen: a wish, a plan, a request, a threat.
OPEN_VERBS = frozenset(
    {
        "aim",
        "ask",
        "call",
        "demand",
        "expect",
        "hope",
        "intend",
        "plan",
        "propose",
        "seek",
        "threaten",
        "urge",
        "want",
    }
)


def mood_of(root: Any) -> str | None:
    """``open`` for a modal, a future or a verb of wish, plan or request (``OPEN_VERBS``);
    ``done`` for a simple past or a perfect; None otherwise (``Proposition.mood``)."""
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    going = any(c.lower_ == "going" for c in auxes) or (
        root.lower_ == "going" and any(c.dep_ == "xcomp" for c in root.children)
    )
    if root.lemma_.lower() in OPEN_VERBS or going or any(c.tag_ == "MD" for c in auxes):
        return "open"
    if root.tag_ == "VBD" and not auxes:
        return "done"
    if any(c.tag_ == "VBD" and c.lemma_ != "have" for c in auxes):
        return "done"  # "was destroyed", "did not attack"
    if root.tag_ == "VBN" and any(c.lemma_ == "have" for c in auxes):
        return "done"  # "has approved", "had sent"
    return None


# Words of part before "of" whose object is the subject's head ("some of its forces").
_QUANTIFIERS = frozenset({"some", "all", "most", "many", "part", "one", "none", "several", "few"})
# Possessive pronouns that may stand for the speaker in the subject of what was said, and
# the subject pronoun each agrees like ("their" is left: it is as often the troops' own).
SPEAKER_POSSESSIVES = {"its": "it", "his": "he", "her": "she", "our": "we", "my": "i"}


def _speaker_possessive(subj: Any, person: bool | None) -> Any | None:
    """The possessive pronoun of the subject's head noun that may stand for the speaker
    ("*His* government", "some of *its* forces"), or None; not one further down ("the
    troops near *its* border": whose border says nothing of whose troops)."""
    heads = [subj]
    if subj.lower_ in _QUANTIFIERS:
        heads += [
            c for p in subj.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children
        ]
    for head in heads:
        for tok in head.children:
            if tok.dep_ == "poss" and tok.lower_ in SPEAKER_POSSESSIVES:
                return tok if pronoun_agrees(SPEAKER_POSSESSIVES[tok.lower_], person) else None
    return None


def read_proposition(
    doc: Any,
    speaker: str | None,
    *,
    denied: bool = False,
    person: bool | None = None,
    rules_off: Collection[str] = (),
) -> Proposition:
    """The proposition of one parsed content, its subject resolved from ``speaker``.

    Args:
        doc: spaCy ``Doc`` of the statement's content (tagger and parser at least), as
            ``bare_content`` leaves it.
        speaker: How the article names the speaker ("Russia's defence ministry",
            "Kuleba"), or None when the statement is the outlet's own.
        denied: The speaker denied the content ("Russia denied it plans to invade"): the
            proposition is its negation ("Russia does not plan to invade").
        person: Whether the speaker is a person (None: unknown). A subject pronoun that
            cannot stand for such a speaker ("Nebenzya slammed the West, claiming *it* is
            trying ...") is left as it is (``PR_PRONOUN_AGREES``; pass None to switch it off).
        rules_off: Content rule ids switched off (``CONTENT_RULES``). With
            ``PR_POSSESSIVE`` on, a possessive pronoun in a subject that opens the content
            is the speaker's: "Russia said | some of its forces were heading back" ->
            "Some of Russia's forces were heading back".
    """
    text = doc.text
    root = _root(doc)
    subject = None
    subject_names: tuple[str, ...] = ()
    predicate = None
    negated = False
    edits: list[Edit] = []
    agreed: dict[int, str] = {}  # token index -> its form agreeing with the speaker
    base = doc[0].idx if len(doc) else 0
    first_word = _first_word(doc)
    if "PR_LEADING_LINK" not in rules_off and (after := _leading_link(doc)) is not None:
        edits.append((0, doc[after].idx - base, ""))
        first_word = after
    if root is not None:
        predicate = root.lemma_.lower()
        subj = next((c for c in root.children if c.dep_ in _SUBJECTS), None)
        # "has not happened", "there are no signs", "will never invade"
        negated = any(
            c.dep_ == "neg"
            or c.lower_ in _NEGATIONS
            or any(g.dep_ in ("det", "neg") and g.lower_ in _NEGATIONS for g in c.children)
            for c in root.children
            if c.dep_ not in ("ccomp", "xcomp", "advcl", "conj") and not _not_only(c)
        )
        if subj is not None:
            subject = doc[subj.left_edge.i : subj.right_edge.i + 1].text
            subject_names = _names(_head_phrase(subj))
            pronoun = subj.left_edge.i == subj.right_edge.i and subj.lower_ in SPEAKER_PRONOUNS
            # "It is no secret that ...", "it is likely to ...": a dummy subject, no speaker.
            if (
                subj.lower_ == "it"
                and any(
                    c.dep_ in ("ccomp", "xcomp", "csubj", "acomp", "attr") for c in root.children
                )
                and root.lemma_ == "be"
            ):
                pronoun = False
            if speaker and pronoun and subj.i == first_word and pronoun_agrees(subj.lower_, person):
                # "it is pulling back" -> "Russia is pulling back"; "we have" -> "X has"
                edits.append((subj.idx - base, subj.idx - base + len(subj.text), speaker))
                verb = doc[subj.i + 1] if subj.i + 1 < len(doc) else None
                plural = speaker.split()[-1].islower() and speaker.endswith("s")
                if verb is not None and subj.lower_ in ("we", "they", "i") and not plural:
                    form = _agree(verb)
                    if form:
                        agreed[verb.i] = form
                subject = speaker
                subject_names = (speaker,)
            elif (
                speaker
                and "PR_POSSESSIVE" not in rules_off
                and not pronoun
                and subj.left_edge.i == first_word
                and (poss := _speaker_possessive(subj, person)) is not None
            ):
                # "some of its forces are heading back" -> "some of Russia's forces ..."
                edits.append((poss.idx - base, poss.idx - base + len(poss.text), f"{speaker}'s"))
                at = poss.idx - subj.left_edge.idx
                subject = f"{subject[:at]}{speaker}'s{subject[at + len(poss.text) :]}"
                subject_names = (speaker, *subject_names)
        elif (
            speaker
            and doc[first_word].pos_ in ("AUX", "VERB")
            and root.pos_
            in (
                "AUX",
                "VERB",
            )
        ):
            # "Is pulling back some of its troops", "Will not invade": the speaker is the subject.
            first = doc[first_word]
            at = first.idx - base
            word = first.text
            if word[:1].isupper() and not word[:2].isupper():
                word = word[0].lower() + word[1:]
            edits.append((at, at + len(first.text), f"{speaker} {word}"))
            subject = speaker
            subject_names = (speaker,)
        if denied:
            negation = _negation(doc, root, agreed)
            if negation:
                # An edit of the same word (the first word of a verb-initial content)
                # gives way to the negation, keeping the speaker in front.
                for n_start, n_end, n_text in negation:
                    clash = [x for x in edits if x[0] == n_start and x[1] == n_end]
                    for x in clash:
                        edits.remove(x)
                        n_text = (
                            f"{x[2]} not"
                            if n_text.endswith(" not")
                            else f"{x[2].rsplit(' ', 1)[0]} {n_text}"
                        )
                    edits.append((n_start, n_end, n_text))
                negated = not negated
    edits.extend(
        (tok.idx - base, tok.idx - base + len(tok.text), form)
        for i, form in agreed.items()
        for tok in (doc[i],)
    )
    for e_start, e_end, e_text in sorted(edits, reverse=True):
        text = text[:e_start] + e_text + text[e_end:]
    if "PR_SPLIT_QUOTE" not in rules_off:
        text = join_split_quote(text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    lemmas = frozenset(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in _CONTENT_POS and not t.is_stop and t.pos_ != "NUM" and t.is_alpha
    )
    numbers = frozenset(n for t in doc if t.like_num and (n := _number(t.text)))
    years = frozenset(
        int(t.text)
        for t in doc
        if t.is_digit
        and len(t.text) == 4
        and 1000 <= int(t.text) <= 2100
        and t.i > 0
        and doc[t.i - 1].lower_ in _YEAR_LEAD
    ) | frozenset(int(t.text[:4]) for t in doc if _DECADE.match(t.text))
    predicates = frozenset(
        {t.lemma_.lower() for t in doc if t.pos_ == "VERB" and t.is_alpha}
        | ({predicate} if predicate and root is not None and root.pos_ != "AUX" else set())
    )
    return Proposition(
        mood=mood_of(root),
        predicates=predicates,
        subject_names=subject_names,
        years=years,
        text=text,
        subject=subject,
        predicate=predicate,
        negated=negated,
        finite=_any_finite(doc),
        # Only what someone said: its cue and source can tell a noun phrase as a proposition
        # (``pipeline.statements.claim_body``); an outlet's own sentence has no frame to lend.
        nominal=speaker is not None and "PR_NOMINAL" not in rules_off and not _is_clause(doc),
        question=text.rstrip("\"'”’ ").endswith("?"),
        attributed=speaker is not None,
        lemmas=lemmas,
        numbers=numbers,
    )


def with_antecedent(prop: Proposition, name: str) -> Proposition:
    """``prop`` with the "He" or "She" that is its whole subject and its first word told by
    ``name`` (``PR_OUTLET_PRONOUN``; ``pipeline.analyse.pronoun_antecedents`` finds it)."""
    said = prop.subject
    if said not in ("He", "She") or not prop.text.startswith(f"{said} "):
        return prop
    return replace(
        prop, text=f"{name}{prop.text[len(said) :]}", subject=name, subject_names=(name,)
    )


def bare_content(text: str) -> str:
    """``text`` without surrounding whitespace, quotation marks and a trailing comma (a
    quotation it opens inside keeps its closing mark: ``close_quotes``)."""
    text = text.strip()
    while len(text) > 1 and text[0] in _QUOTES:
        text = text[1:].lstrip()
    while len(text) > 1 and text[-1] in _QUOTES + ",":
        text = text[:-1].rstrip()
    return close_quotes(text)


def close_quotes(text: str) -> str:
    """``text`` with a quotation it opens inside closed again: stripping a content's
    surrounding marks takes the closing mark of a quotation that ends it ('Ukraine is "not
    seeing any escalation')."""
    if text.count('"') % 2:
        # A first mark that closes a word ('optimism" that') ends a quotation the text
        # began inside: it is opened again in front, not closed at the end.
        at = text.index('"')
        closing = at > 0 and not text[at - 1].isspace() and text[at + 1 : at + 2] in ("", " ")
        return '"' + text if closing and at < len(text) - 1 else text + '"'
    if text.count("“") > text.count("”"):
        return text + "”"
    return text
