"""Nested attribution: statements whose content is someone else's claim.

"Russia's claim that it is moving troops away from Ukraine's border is 'false',
according to a senior White House official" holds two things: Russia's claim
(the *embedded* claim: a claimant and a proposition) and the official's
judgement of it (the *outer* statement: a speaker and a stance). This module
finds such sentences on the spaCy parse and returns one :class:`NestedClaim`
per embedded claim, with the outer stance toward it (``refutes``,
``questions``, ``supports`` or ``discusses``) and the ids of the rule and the
judgement cue that decided. The rules and the judgement lexicon are data in
:mod:`claimledger.extract.nested_patterns`.

Usage (one parse per article; pass the Doc the attribution stage already has)::

    from claimledger.extract.nested import find_nested, judgement_stance

    for nc in find_nested(doc, earlier=[stmt.content for stmt in earlier_statements]):
        nc.claimant, nc.proposition, nc.speaker, nc.stance, nc.rule, nc.cue

    judgement_stance("Reuters could not verify the report.", nlp=nlp)  # ("questions", "cannot_verify")
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from claimledger.extract.features import quote_regions
from claimledger.extract.nested_patterns import (
    ANAPHOR_NOUNS,
    CLAIM_MAKING_VERBS,
    CLAIM_NOUNS,
    CONTRAST_CC,
    CONTRAST_OPENERS,
    CUES,
    DEFAULT_RULES,
    NEGATING_HEADS,
    NEGATING_SUBJECTS,
    OUTER_VERBS,
    RULE_IDS,
    RULES,
    STANCE_ORDER,
    JudgedStance,
)

CharSpan = tuple[int, int]

# A cue counts for a claim when it lies at most this many dependency arcs from the claim's
# anchor (the claim noun, the "said" of "what X said"): "Russia's claim ... is false" is 2,
# "cast doubt on Russia's assertions" 3; further cues judge something else in the sentence.
MAX_CUE_DISTANCE = 4
# "X says P, but <judgement>" / "X said P. However, <judgement>": the cue lies within two arcs
# of the clause after "but" (or of the next sentence's root) — deeper, it judges something
# else ("but accused China of doing the opposite of ...").
CONTRAST_CUE_DISTANCE = 2
# "Moscow repeatedly denied these accusations", "the U.S. has not been able to verify that claim".
ANAPHOR_CUE_DISTANCE = 3
# Subject pronouns of a that-clause read as the claimant ("Russia's claim that it is ...").
_SUBJECT_PRONOUNS = {"it", "they", "he", "she"}
# Words never taken for an outer speaker: they stand for the claim or for nothing.
_NOT_SPEAKERS = {"it", "that", "this", "which", "what", "these", "those", "there", "who"}
# Predicates whose subject is an event, never a speaker ("that has not happened").
_EVENT_HEADS = {"happen", "occur", "take", "materialize", "materialise"}
_CLAIM_WORDS = {*CLAIM_NOUNS, *ANAPHOR_NOUNS}
_NP_DROP = {"appos", "relcl", "acl", "punct", "case", "advcl", "parataxis"}
_NOT_YET = {"overnight", "soon", "immediately", "quickly", "yet"}
_PLURAL_TAGS = {"NNS", "NNPS"}


@dataclass(frozen=True, slots=True)
class NestedClaim:
    """An embedded claim and the outer statement's judgement of it.

    Spans are ``(start, end)`` character offsets into the text passed to
    :func:`find_nested`. ``proposition`` is a self-contained clause: the
    embedded clause with a pronoun subject replaced by the claimant
    ("Russia is moving troops away ..."), a gerund given the claimant as
    subject ("Russia is pulling back troops"), or the noun phrase of
    "announcement of a partial withdrawal". It is ``None`` for an anaphor
    ("the claim"), which points at an earlier claim instead: ``antecedent``
    indexes the ``earlier`` spans the caller passed, ``antecedent_nested``
    the records returned before it (at most one of the two is set).
    """

    rule: str
    sentence: CharSpan
    anchor: CharSpan
    claimant: str | None
    claimant_span: CharSpan | None
    proposition: str | None
    proposition_span: CharSpan | None
    speaker: str | None
    speaker_span: CharSpan | None
    stance: JudgedStance
    cue: str | None
    cue_span: CharSpan | None
    antecedent: int | None = None
    antecedent_nested: int | None = None


@dataclass(frozen=True, slots=True)
class _CueHit:
    cue: str
    stance: JudgedStance
    start: int  # token indices, end exclusive
    end: int
    root: int  # the phrase's syntactic head: distances are measured from it


class _Matchers:
    """The compiled rules and cues for one vocabulary."""

    def __init__(self, vocab: Vocab) -> None:
        self.cues = Matcher(vocab)
        for cue in CUES:
            self.cues.add(cue.id, [list(p) for p in cue.patterns])
        self.rules = DependencyMatcher(vocab)
        # One key per pattern: DependencyMatcher returns tokens in pattern order, so the
        # key tells which names (RIGHT_ID) they carry.
        self.names: dict[str, tuple[str, tuple[str, ...]]] = {}
        for rule in RULES:
            for k, pattern in enumerate(rule.patterns):
                key = f"{rule.id}#{k}"
                self.rules.add(key, [list(pattern)])
                self.names[key] = (rule.id, tuple(str(node["RIGHT_ID"]) for node in pattern))


@lru_cache(maxsize=4)
def _matchers(vocab: Vocab) -> _Matchers:
    return _Matchers(vocab)


def _parse(doc_or_text: Doc | str, nlp: Language | None) -> Doc:
    if isinstance(doc_or_text, Doc):
        return doc_or_text
    if nlp is None:
        from claimledger.extract.attribution import load_nlp

        nlp = load_nlp()
    return nlp(doc_or_text)


# ---------------------------------------------------------------- judgement cues


def _negated(tok: Token) -> bool:
    """Whether ``tok`` is under a negation: its own, or its governor's up a short chain.

    "has not happened", "could not verify", "has not been able to verify",
    "unable to confirm", "no way to verify".
    """
    cur = tok
    for _ in range(4):
        if any(c.dep_ == "neg" for c in cur.children):
            return True
        if any(c.dep_ == "nsubj" and _negating_subject(c) for c in cur.children):
            return True
        if any(c.dep_ == "det" and c.lower_ == "no" for c in cur.children) and cur.i != tok.i:
            return True
        if cur.i != tok.i and cur.lemma_.lower() in NEGATING_HEADS:
            return True
        if cur.dep_ not in (
            "xcomp",
            "acomp",
            "attr",
            "dobj",
            "pobj",
            "prep",
            "auxpass",
            "aux",
            "advcl",
            "acl",
        ):
            return False
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _negating_subject(subj: Token) -> bool:
    if subj.lower_ in NEGATING_SUBJECTS:
        return True
    return any(c.lower_ in NEGATING_SUBJECTS for c in subj.children if c.dep_ in ("preconj", "det"))


def _cue_hits(doc: Doc | Span, m: _Matchers, off: Collection[str] = ()) -> list[_CueHit]:
    by_span: dict[tuple[int, int], str] = {}
    found: list[Span] = []
    offset = doc.start if isinstance(doc, Span) else 0
    for match_id, start, end in m.cues(doc):
        if doc.vocab.strings[match_id] in off:
            continue  # switched off before the longest match is chosen: a shorter cue may win
        key = (start + offset, end + offset)
        by_span.setdefault(key, doc.vocab.strings[match_id])
        found.append(doc.doc[key[0] : key[1]] if isinstance(doc, Span) else doc[start:end])
    table = {c.id: c for c in CUES}
    hits: list[_CueHit] = []
    for span in filter_spans(found):  # longest first: "no reason to doubt" over "doubt"
        cue = table[by_span[(span.start, span.end)]]
        head = span.root
        # A negation inside the phrase belongs to it ("not the case", "no evidence").
        inside_neg = any(t.dep_ == "neg" or t.lower_ == "no" for t in span)
        neg = False if inside_neg else _negated(head)
        if cue.id == "not_happened" and any(c.lower_ in _NOT_YET for c in head.children):
            continue  # "it is not going to happen overnight": a matter of time, not a denial
        stance = cue.negated if neg else cue.stance
        if stance is not None:
            hits.append(_CueHit(cue.id, stance, span.start, span.end, span.root.i))
    return hits


def _best(hits: Iterable[_CueHit], key: dict[int, int] | None = None) -> _CueHit | None:
    """The strongest hit: refutes over questions over supports, then the nearest."""
    ranked = sorted(
        hits,
        key=lambda h: (STANCE_ORDER.index(h.stance), (key or {}).get(h.root, 0), h.start),
    )
    return ranked[0] if ranked else None


def judgement_stance(
    text: str | Doc | Span, *, nlp: Language | None = None
) -> tuple[JudgedStance, str] | None:
    """The judgement a sentence passes on a claim, from the cue lexicon.

    For sentences that judge a claim named elsewhere ("Reuters could not verify
    the report", "Such claims are baseless"). Returns ``(stance, cue id)`` or
    ``None`` when no cue is present; a text is parsed with ``nlp`` (default
    :func:`claimledger.extract.attribution.load_nlp`).
    """
    target: Doc | Span = text if isinstance(text, (Doc, Span)) else _parse(text, nlp)
    best = _best(_cue_hits(target, _matchers(target.vocab)))
    return (best.stance, best.cue) if best else None


# ---------------------------------------------------------------- spans and phrases


def _distances(anchor: Token, limit: int) -> dict[int, int]:
    """Tree distance (arcs) from ``anchor`` to tokens of its sentence, up to ``limit``."""
    dist = {anchor.i: 0}
    frontier = [anchor]
    for d in range(1, limit + 1):
        nxt = []
        for t in frontier:
            for n in (*t.children, t.head):
                if n.i not in dist:
                    dist[n.i] = d
                    nxt.append(n)
        frontier = nxt
    return dist


def _trim(doc: Doc, ids: Iterable[int]) -> tuple[int, int] | None:
    """Contiguous token range over ``ids`` without punctuation or spaces at either end."""
    ids = sorted(ids)
    if not ids:
        return None
    lo, hi = ids[0], ids[-1]
    while lo <= hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi >= lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return (lo, hi + 1) if lo <= hi else None


def _subtree_ids(tok: Token, drop: Collection[str] = (), skip: Collection[int] = ()) -> set[int]:
    ids: set[int] = set()
    stack = [tok]
    while stack:
        t = stack.pop()
        if t.i in skip:
            continue
        ids.add(t.i)
        stack.extend(c for c in t.children if c.dep_ not in drop)
    return ids


def _np(tok: Token) -> tuple[int, int] | None:
    """Token range of the noun phrase headed by ``tok``, without appositions, clauses, "'s"."""
    return _trim(tok.doc, _subtree_ids(tok, drop=_NP_DROP))


def _chars(doc: Doc, rng: tuple[int, int]) -> CharSpan:
    return (doc[rng[0]].idx, doc[rng[1] - 1].idx + len(doc[rng[1] - 1]))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _is_plural(doc: Doc, rng: tuple[int, int]) -> bool:
    root = doc[rng[0] : rng[1]].root
    return root.tag_ in _PLURAL_TAGS or root.lower_ in ("they", "we")


def _compatible(pronoun: str, claimant: Span) -> bool:
    ent = claimant.root.ent_type_
    if claimant.root.pos_ == "PRON":
        return False
    if pronoun in ("he", "she"):
        return ent in ("PERSON", "") and claimant.root.tag_ not in _PLURAL_TAGS
    return ent != "PERSON"


_POSS_PRONOUNS = {"its": "it", "their": "they", "his": "he", "her": "she"}
_POSS_TO_SUBJECT = {
    "his": "he",
    "her": "she",
    "its": "it",
    "their": "they",
    "my": "I",
    "our": "we",
    "your": "you",
}
_AGREE = {"are": "is", "were": "was", "have": "has"}


def _clause(
    head: Token, claimant: tuple[int, int] | None, skip: Collection[int] = ()
) -> tuple[str, CharSpan] | None:
    """The embedded clause under ``head`` as a self-contained sentence and its span.

    The complementiser is dropped ("that it is moving ..."), and a pronoun
    subject compatible with the claimant is replaced by it ("Russia is moving
    ..."; "they are" becomes "Russia is" for a singular claimant).
    """
    doc = head.doc
    ids = _subtree_ids(head, skip=skip)
    ids = {i for i in ids if not (doc[i].dep_ == "mark" and doc[i].head.i == head.i and i < head.i)}
    rng = _trim(doc, ids)
    if rng is None:
        return None
    words = {i: doc[i].text for i in range(*rng)}
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if claimant is not None and subj is not None and subj.i in words:
        cl = doc[claimant[0] : claimant[1]]
        extraposed = subj.lower_ == "it" and any(
            c.dep_ in ("xcomp", "ccomp", "csubj") and c.i > head.i for c in head.children
        )  # "it was a mistake to use ...": no one's "it"
        if subj.lower_ in _SUBJECT_PRONOUNS and _compatible(subj.lower_, cl) and not extraposed:
            words[subj.i] = cl.text
            nxt = subj.i + 1
            if subj.lower_ == "they" and not _is_plural(doc, claimant) and nxt in words:
                words[nxt] = _AGREE.get(doc[nxt].lower_, words[nxt])
        # "that its forces are leaving" -> "Moscow's forces are leaving"
        poss = next((c for c in subj.children if c.dep_ == "poss"), None)
        if poss is not None and poss.i in words and poss.lower_ in _POSS_PRONOUNS:
            if _compatible(_POSS_PRONOUNS[poss.lower_], cl):
                words[poss.i] = f"{cl.text}'s"
    last = rng[1] - 1
    text = "".join(words[i] + (doc[i].whitespace_ if i < last else "") for i in range(*rng))
    return _capitalise(text), _chars(doc, rng)


def _gerund(obj: Token, claimant: tuple[int, int] | None) -> tuple[str, CharSpan] | None:
    """ "about pulling back troops" -> "Russia is pulling back troops"; a noun phrase as it is."""
    doc = obj.doc
    rng = _trim(doc, _subtree_ids(obj))
    if rng is None:
        return None
    span = _chars(doc, rng)
    text = doc.text[span[0] : span[1]]
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "poss") for c in obj.children)
    having = next((c for c in obj.children if c.dep_ == "aux" and c.lower_ == "having"), None)
    if having is not None and claimant is not None and not own_subject:
        # "claims of having stopped the smuggling" -> "the minister has stopped the smuggling"
        cl = doc[claimant[0] : claimant[1]]
        who = _POSS_TO_SUBJECT.get(cl.text.lower(), cl.text) if len(cl) == 1 else cl.text
        has = "have" if _is_plural(doc, claimant) or who in ("they", "we", "you", "I") else "has"
        return f"{_capitalise(who)} {has}{text[len(having.text) :]}", span
    if obj.tag_ == "VBG" and claimant is not None and not own_subject:
        cl = doc[claimant[0] : claimant[1]]
        who = _POSS_TO_SUBJECT.get(cl.text.lower(), cl.text) if len(cl) == 1 else cl.text
        be = "are" if _is_plural(doc, claimant) or who in ("they", "we", "you") else "is"
        if who == "I":
            be = "am"
        if obj.lower_ == "being":  # "claims of being a successful businessman"
            return f"{_capitalise(who)} {be}{text[len(obj.text) :]}", span
        return f"{_capitalise(who)} {be} {text}", span
    if obj.pos_ == "VERB" and claimant is None:
        return _capitalise(text), span
    # "accusations of the West attempting to destroy Russia": the parser hangs the gerund
    # on the claim noun; it is the noun phrase's predicate
    verb = next((c for c in obj.head.head.children if c.dep_ == "acl" and c.tag_ == "VBG"), None)
    if obj.pos_ in ("NOUN", "PROPN") and verb is not None and verb.i > obj.i:
        end = _trim(doc, _subtree_ids(verb))
        if end is not None:
            be = "are" if obj.tag_ in _PLURAL_TAGS else "is"
            tail = doc.text[verb.idx : _chars(doc, end)[1]]
            return f"{_capitalise(text)} {be} {tail}", (span[0], _chars(doc, end)[1])
    return text, span


def _accused_deed(
    accused: Token, gerund: Token, skip: Collection[int] = ()
) -> tuple[str, CharSpan] | None:
    """ "accused Ukraine of attacking targets" -> "Ukraine has been attacking targets" (as
    ``proposition.accused_clause`` reads an accusation's content); None for a pronoun, which
    no reader could tell."""
    doc = accused.doc
    who = _np(accused)
    deed = _trim(doc, _subtree_ids(gerund, skip=skip))
    if who is None or deed is None or accused.pos_ == "PRON":
        return None
    has = "have" if _is_plural(doc, who) else "has"
    (w0, w1), (d0, d1) = _chars(doc, who), _chars(doc, deed)
    return f"{_capitalise(doc.text[w0:w1])} {has} been {doc.text[d0:d1]}", (w0, d1)


def _owner(tok: Token | None) -> tuple[int, int] | None:
    return _np(tok) if tok is not None else None


def _according_to(sent: Span, skip: Collection[int]) -> tuple[int, int] | None:
    for t in sent:
        if t.lower_ == "according" and t.i not in skip:
            to = next((c for c in t.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if obj is not None:
                return _np(obj)
    return None


def _speaker(
    sent: Span,
    start: Token,
    *,
    skip: Collection[int],
    stop: Collection[int] = (),
    nearest_ok: bool = True,
) -> tuple[int, int] | None:
    """The outer speaker: "according to X", else the subject of a saying verb above ``start``.

    Walking up from ``start`` (the judgement cue, or the claim's anchor), the
    subject of the nearest saying verb wins ("Western officials say they have
    seen no evidence ..."), else the nearest agent-like subject ("The official
    cast doubt on ..."); subjects of "is false"/"has not happened" are the
    claim, not a speaker. ``stop`` ends the walk (the claimant's own "says").
    Without a judgement (``nearest_ok`` false) only a saying verb's subject counts:
    the subject of "Putin's announcement was followed by ..." is no speaker.
    """
    acc = _according_to(sent, skip)
    if acc is not None:
        return acc
    if start.dep_ in ("prep", "advmod", "npadvmod") or (
        start.dep_ == "advcl" and start.pos_ != "VERB"
    ):
        nearest_ok = (
            False  # "Contrary to X's claim, the figures fell": no one judges but the outlet
        )
    nearest: Token | None = None
    path = {start.i}
    cur = start
    while True:
        if cur.i in stop:
            break
        for c in cur.children:
            if c.i in path or c.i in skip:
                continue
            if c.dep_ == "agent":
                c = next((g for g in c.children if g.dep_ == "pobj"), c)
            elif c.dep_ != "nsubj" or cur.lemma_ in _EVENT_HEADS:
                continue
            # "the reports are false": a claim is judged, it does not judge
            if c.lower_ in _NOT_SPEAKERS or c.lemma_ in _CLAIM_WORDS or c.i in skip:
                continue
            if cur.lemma_ in OUTER_VERBS:
                return _np(c)
            if nearest is None:
                nearest = c
        if cur.head.i == cur.i:
            break
        cur = cur.head
        path.add(cur.i)
    return _np(nearest) if nearest is not None and nearest_ok else None


# ---------------------------------------------------------------- rules


@dataclass
class _Ctx:
    doc: Doc
    hits: list[_CueHit]
    enabled: frozenset[str]
    used: set[int]
    out: list[NestedClaim]
    quotes: list[int]  # quotation id of each character, -1 outside (features.quote_regions)

    def quoted_apart(self, inner: Token, outer: Token) -> bool:
        """Whether ``inner`` lies in a quotation that ``outer`` is not in: the quote's own words."""
        q = self.quotes[inner.idx]
        return q >= 0 and self.quotes[outer.idx] != q


def _own_content(ctx: _Ctx, hit: _CueHit, anchor: Token) -> bool:
    """Whether the cue is a verb stating content of its own ("denied that she ...", "confirmed
    [a death]"), which then is what it judges, unless the claim lies in that content."""
    for c in ctx.doc[hit.root].children:
        if c.dep_ in ("ccomp", "csubj") and anchor.i not in _subtree_ids(c):
            return True
    return False


def _judge(ctx: _Ctx, anchor: Token, region: Collection[int], limit: int | None) -> _CueHit | None:
    dist = _distances(anchor, limit if limit is not None else 64)
    cands = [
        h
        for h in ctx.hits
        if h.root in region
        and (limit is None or h.root in dist)
        and not _own_content(ctx, h, anchor)
    ]
    return _best(cands, dist)


def _record(
    ctx: _Ctx,
    rule: str,
    sent: Span,
    anchor: tuple[int, int],
    claimant: tuple[int, int] | None,
    prop: tuple[str, CharSpan] | None,
    speaker: tuple[int, int] | None,
    hit: _CueHit | None,
    antecedent: tuple[int | None, int | None] = (None, None),
) -> NestedClaim:
    doc = ctx.doc
    return NestedClaim(
        rule=rule,
        sentence=(sent.start_char, sent.end_char),
        anchor=_chars(doc, anchor),
        claimant=doc[claimant[0] : claimant[1]].text if claimant else None,
        claimant_span=_chars(doc, claimant) if claimant else None,
        proposition=prop[0] if prop else None,
        proposition_span=prop[1] if prop else None,
        speaker=doc[speaker[0] : speaker[1]].text if speaker else None,
        speaker_span=_chars(doc, speaker) if speaker else None,
        stance=hit.stance if hit else "discusses",
        cue=hit.cue if hit else None,
        cue_span=_chars(doc, (hit.start, hit.end)) if hit else None,
        antecedent=antecedent[0],
        antecedent_nested=antecedent[1],
    )


def _claim_noun(ctx: _Ctx, rule: str, tokens: dict[str, Token]) -> None:
    noun = tokens["noun"]
    if noun.i in ctx.used:
        return
    if rule == "claim_unattributed_that" and any(
        c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "by") for c in noun.children
    ):
        return
    if noun.dep_ == "ROOT":
        return  # "Ukraine's military claims that ...": a verb the tagger took for a noun
    claimant = _owner(tokens.get("owner"))
    if claimant is None and noun.dep_ == "dobj" and noun.head.lemma_ in CLAIM_MAKING_VERBS:
        maker = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        claimant = _owner(maker)  # "Medvedev made claims that ...": the maker claims
    if "clause" in tokens:
        prop = _clause(tokens["clause"], claimant)
        prop_ids = _subtree_ids(tokens["clause"])
    else:
        prop = _gerund(tokens["obj"], claimant)
        prop_ids = _subtree_ids(tokens["obj"])
    if prop is None:
        return
    sent = noun.sent
    skip = prop_ids | set(range(*claimant)) if claimant else prop_ids
    region = {t.i for t in sent} - skip
    hit = _judge(ctx, noun, region, MAX_CUE_DISTANCE)
    if hit is not None and ctx.doc[hit.root].head.i == noun.i:
        # "Russia's unsubstantiated claim": the outlet's own word, no one else's
        speaker = _according_to(sent, skip)
    else:
        start = ctx.doc[hit.root] if hit else noun
        speaker = _speaker(sent, start, skip=skip | {noun.i}, nearest_ok=hit is not None)
    anchor = _trim(ctx.doc, {noun.i} | (set(range(*claimant)) if claimant else set())) or (
        noun.i,
        noun.i + 1,
    )
    ctx.used.add(noun.i)
    ctx.out.append(_record(ctx, rule, sent, anchor, claimant, prop, speaker, hit))


def _what_said(ctx: _Ctx, tokens: dict[str, Token]) -> None:
    verb, what = tokens["verb"], tokens["what"]
    if verb.i in ctx.used:
        return
    obj = tokens["obj"]
    if obj.pos_ != "VERB" or any(c.dep_ == "aux" and c.lemma_ == "do" for c in verb.children):
        return  # "what he said about Romney's phrase", "what does it say about us": a topic
    claimant = _owner(tokens["owner"])
    prop = _gerund(obj, claimant)
    if prop is None:
        return
    sent = verb.sent
    inner = _subtree_ids(verb)
    region = {t.i for t in sent} - inner
    hit = _judge(ctx, verb, region, MAX_CUE_DISTANCE)
    speaker = _speaker(
        sent, ctx.doc[hit.root] if hit else verb, skip=inner, nearest_ok=hit is not None
    )
    ctx.used.add(verb.i)
    anchor = (min(what.i, verb.i), verb.i + 1)
    ctx.out.append(_record(ctx, "what_said_about", sent, anchor, claimant, prop, speaker, hit))


def _says_but(ctx: _Ctx, tokens: dict[str, Token]) -> None:
    verb, clause = tokens["verb"], tokens["clause"]
    if verb.i in ctx.used:
        return
    # The "but" clause is coordinated with the saying verb; one with its own subject or
    # complementiser coordinated inside the content ("said critics had predicted a withdrawal,
    # but this would not happen", "said ... but that the requests were denied") is more of
    # what the claimant said.
    for holder in (verb, clause):
        cc = next((c for c in holder.children if c.dep_ == "cc" and c.lower_ in CONTRAST_CC), None)
        conj = next(
            (c for c in holder.children if c.dep_ == "conj" and cc is not None and c.i > cc.i), None
        )
        if cc is None or conj is None or conj.i < clause.i or ctx.quoted_apart(cc, verb):
            continue  # a "but" inside the claimant's quotation is the claimant's own
        if (
            clause.i < verb.i
            or _wh_clause(clause)
            or any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in conj.children)
        ):
            return  # content before its verb (a misparse), "reported what ...", "but this would not
            # happen" (backshifted: still reported speech)
        if holder.i == clause.i and any(
            c.dep_ in ("mark", "nsubj", "nsubjpass") for c in conj.children
        ):
            continue  # only a subjectless "..., but offered no proof" is the claimant's doing
        judged = _subtree_ids(conj)
        hit = _judge(ctx, conj, judged, CONTRAST_CUE_DISTANCE)
        if hit is None or any(
            c.dep_ == "dobj"
            and c.lemma_ in _CLAIM_WORDS
            and any(g.dep_ == "poss" for g in c.children)
            for c in ctx.doc[hit.root].children
        ):
            return  # "..., but his findings contradicted her statements": another claim judged
        claimant = _owner(tokens["owner"])
        if "accused" in tokens:
            prop = _accused_deed(tokens["accused"], clause, skip=judged | {cc.i})
        else:
            prop = _clause(clause, claimant, skip=judged | {cc.i})
        if prop is None:
            return
        sent = verb.sent
        said = _subtree_ids(verb, skip=judged)
        speaker = _speaker(sent, ctx.doc[hit.root], skip=said, stop={verb.i})
        ctx.used.add(verb.i)
        ctx.out.append(
            _record(ctx, "says_but", sent, (verb.i, verb.i + 1), claimant, prop, speaker, hit)
        )
        return


def _wh_clause(clause: Token) -> bool:
    first = clause.doc[clause.left_edge.i]
    return first.tag_ in ("WP", "WRB", "WDT") or first.lower_ == "whether"


def _opens_with_contrast(sent: Span) -> bool:
    first = next((t for t in sent if not (t.is_punct or t.is_space)), None)
    return first is not None and first.lower_ in CONTRAST_OPENERS


def _says_then_but(ctx: _Ctx, matches: list[dict[str, Token]]) -> None:
    # The last saying verb of each sentence whose next sentence opens with But/However.
    last: dict[int, dict[str, Token]] = {}
    for tokens in matches:
        verb = tokens["verb"]
        if verb.dep_ in ("ROOT", "conj") and verb.i not in ctx.used:
            prev = last.get(verb.sent.start)
            if prev is None or prev["verb"].i < verb.i:
                last[verb.sent.start] = tokens
    for tokens in last.values():
        verb = tokens["verb"]
        sent = verb.sent
        if sent.end >= len(ctx.doc):
            continue
        nxt = ctx.doc[sent.end].sent
        if not _opens_with_contrast(nxt) or "\n" in ctx.doc.text[sent.end_char : nxt.start_char]:
            continue
        region = {t.i for t in nxt}
        hit = _judge(ctx, nxt.root, region, CONTRAST_CUE_DISTANCE)
        if hit is None:
            continue
        claimant = _owner(tokens["owner"])
        prop = _clause(tokens["clause"], claimant)
        if prop is None:
            continue
        speaker = _speaker(nxt, ctx.doc[hit.root], skip=())
        opener = next((t for t in nxt if not (t.is_punct or t.is_space)), nxt.root)
        named = speaker is not None and ctx.doc[speaker[1] - 1].pos_ != "PRON"
        if _same_name(ctx.doc, speaker, claimant) or (not named and ctx.quoted_apart(opener, verb)):
            continue  # '"But I hope they are fake."': a quotation going on, its speaker's own
        ctx.used.add(verb.i)
        ctx.used.update(t.i for t in nxt)  # the judging sentence is spoken for
        ctx.out.append(
            _record(ctx, "says_then_but", nxt, (verb.i, verb.i + 1), claimant, prop, speaker, hit)
        )


def _same_name(doc: Doc, a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and doc[a[1] - 1].lower_ == doc[b[1] - 1].lower_


def _anaphor(ctx: _Ctx, tokens: dict[str, Token], earlier: Sequence[CharSpan]) -> None:
    noun = tokens["noun"]
    sent = noun.sent
    if noun.i in ctx.used or any(r.sentence == (sent.start_char, sent.end_char) for r in ctx.out):
        return
    for c in noun.children:
        if c.dep_ in ("poss", "acl", "relcl", "appos") or (
            c.dep_ == "prep" and c.lower_ in ("of", "by", "about", "from")
        ):
            return
    if noun.dep_ == "nsubj" and noun.head.pos_ == "VERB":
        return  # "the statement said/confirms/continued ...": a source, not a judged claim
    hit = _judge(ctx, noun, {t.i for t in sent}, ANAPHOR_CUE_DISTANCE)
    if hit is None:
        return
    at = noun.idx
    best: tuple[int, int | None, int | None] | None = None
    for k, (s, e) in enumerate(earlier):
        if s < at and not (s <= at < e) and (best is None or s >= best[0]):
            best = (s, k, None)
    for k, rec in enumerate(ctx.out):
        ps = rec.proposition_span or rec.anchor
        if ps[0] < at and not (ps[0] <= at < ps[1]) and (best is None or ps[0] > best[0]):
            best = (ps[0], None, k)
    speaker = _speaker(sent, ctx.doc[hit.root], skip={noun.i})
    det = tokens["det"]
    anchor = (min(det.i, noun.i), noun.i + 1)
    ctx.used.add(noun.i)
    ante = (best[1], best[2]) if best else (None, None)
    ctx.out.append(_record(ctx, "anaphor", sent, anchor, None, None, speaker, hit, ante))


def find_nested(
    doc_or_text: Doc | str,
    *,
    nlp: Language | None = None,
    earlier: Sequence[CharSpan] = (),
    rules: Collection[str] | None = None,
    cues_off: Collection[str] = (),
) -> list[NestedClaim]:
    """Find claims embedded in other statements, with the outer judgement of each.

    Args:
        doc_or_text: A parsed ``Doc`` (preferred: the article's one parse) or a
            text, parsed with ``nlp``.
        nlp: Pipeline for a text (default
            :func:`claimledger.extract.attribution.load_nlp`).
        earlier: Character spans of the article's claims (statement contents),
            the antecedents of an anaphoric "the claim"; the last one starting
            before the anaphor is taken.
        rules: Rule ids to apply (default
            :data:`claimledger.extract.nested_patterns.DEFAULT_RULES`; all are in
            :data:`~claimledger.extract.nested_patterns.RULE_IDS`).
        cues_off: Judgement cue ids (:data:`~claimledger.extract.nested_patterns.CUE_IDS`)
            switched off; other ids are ignored (``claims.rules_off`` names all tables).

    Returns:
        One record per embedded claim, in rule order then text order; offsets
        relative to the text of ``doc_or_text``.
    """
    doc = _parse(doc_or_text, nlp)
    enabled = frozenset(DEFAULT_RULES if rules is None else rules)
    m = _matchers(doc.vocab)
    ctx = _Ctx(doc, _cue_hits(doc, m, cues_off), enabled, set(), [], quote_regions(doc.text))
    found: dict[str, list[dict[str, Token]]] = {r: [] for r in RULE_IDS}
    for match_id, ids in m.rules(doc):
        rule, names = m.names[doc.vocab.strings[match_id]]
        found[rule].append({n: doc[i] for n, i in zip(names, ids, strict=True)})
    for rule in RULE_IDS:
        if rule not in enabled:
            continue
        matches = sorted(found[rule], key=_first_token)
        if rule == "says_then_but":
            _says_then_but(ctx, matches)
            continue
        for tokens in matches:
            if rule == "what_said_about":
                _what_said(ctx, tokens)
            elif rule == "says_but":
                _says_but(ctx, tokens)
            elif rule == "anaphor":
                _anaphor(ctx, tokens, earlier)
            else:
                _claim_noun(ctx, rule, tokens)
    order = sorted(
        range(len(ctx.out)), key=lambda k: (ctx.out[k].sentence[0], ctx.out[k].anchor[0])
    )
    new_index = {old: new for new, old in enumerate(order)}
    result = []
    for k in order:
        rec = ctx.out[k]
        if rec.antecedent_nested is not None:
            rec = replace(rec, antecedent_nested=new_index[rec.antecedent_nested])
        result.append(rec)
    return result


def _first_token(tokens: dict[str, Token]) -> int:
    return min(t.i for t in tokens.values())


__all__ = ["NestedClaim", "find_nested", "judgement_stance"]
