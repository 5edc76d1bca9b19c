"""Rules applied around the two CRFs of the attribution extractor.

News conventions the CRFs see too rarely to learn, each measured on PolNeAR
dev (see ``docs/extraction.md``) and switchable in ``extract_doc``:

* A quotation interrupted by its attribution and resumed in the next
  sentence (``"We are ready," said X, a spokesman. "We have been ready."``)
  is one content: PolNeAR annotates both parts as fragments of one content,
  whose hull runs over the attribution. The role CRF tags the part next to
  the cue; :func:`extend_split_quote` adds the other, and
  :func:`content_parts` gives the parts without the attribution.
* A quotation signed with a dash (``"..." ― Sonya Herridge``): the dash is
  the cue and the name the source (:func:`dash_attributions`).
* ``PENCE: Well, look, ...`` lines of transcripts and headlines
  (:func:`colon_attributions`).
* A content cut before a conjunct of its own clause
  (:func:`extend_coordination`), or running over a paragraph break outside
  any quotation (:func:`trim_paragraphs`).
* A content that only points back ("X said *this* in ..."): the sentence
  before (:func:`point_back`).
* A "cue" that is a deed, not a way of saying or thinking ("the House *approved*
  a $61 billion aid bill"): no attribution (:func:`is_act_cue`).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from claimledger.extract.features import QUOTE_TOKENS, DocInfo, quote_regions
from claimledger.extract.nested_patterns import OUTER_VERBS, SAY_VERBS

# A dash cue: horizontal bar, em or en dash, or a hyphen between spaces.
_DASH_LINE = re.compile(
    r"(?P<content>[“\"”«„][^\n]*?[”\"“»])[ \t\u00a0]*(?P<cue>[―—–]|(?<=\s)-(?=\s)|--)"
    r"[ \t\u00a0]*(?P<source>[A-Z][^\n“\"”]{1,60}?)[ \t\u00a0.,]*$",
    re.MULTILINE,
)
# A signature is a name: capitalised words (with initials, hyphens, apostrophes), a few
# lower-case particles ("de", "van") and an optional short role after a comma.
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’\-]*|de|da|van|von|del|la|le|bin|al|of|the|and|&)$")
MAX_SIGNATURE_WORDS = 8
_WORDS = re.compile(r"\w")


def _is_quote(info: DocInfo, i: int) -> bool:
    return info.static[i][0][2:] in QUOTE_TOKENS  # static[i][0] is "w=" + lower-case text


def _quotation_end(info: DocInfo, i: int) -> int:
    """End (exclusive) of the quotation whose first token is ``i``."""
    qid = info.qid[i]
    j = i
    while j + 1 < len(info.qid) and info.qid[j + 1] == qid:
        j += 1
    return j + 1


def _first_word(info: DocInfo, start: int, end: int, step: int = 1) -> int | None:
    rng = range(start, end) if step > 0 else range(end - 1, start - 1, -1)
    for i in rng:
        if info.pos[i] != "SPACE":
            return i
    return None


def _opens_next_quotation(info: DocInfo, i: int, k: int) -> bool:
    """Whether token ``i`` opens a quotation that starts the sentence after sentence ``k``.

    The parser sometimes leaves the opening mark at the end of sentence ``k``
    (``... said X. ''We have ...''``): then the quotation runs past that end.
    """
    if not (_is_quote(info, i) and info.qid[i] >= 0):
        return False
    s_end = info.sents[k][1]
    if i >= s_end:
        return _first_word(info, s_end, i + 1) == i
    return _quotation_end(info, i) > s_end and all(
        info.qid[j] == info.qid[i] or info.pos[j] == "SPACE" for j in range(i, s_end)
    )


def extend_split_quote(
    info: DocInfo, span: tuple[int, int], cue_start: int, cue_end: int
) -> tuple[int, int]:
    """Extend a quoted content over its attribution to the other part of a split quotation.

    ``span`` is a content ``[start, end)`` in token indices. When it is a
    quotation closing before the cue, in the cue's sentence, and the next
    sentence of the same paragraph opens a new quotation, the content runs
    to the end of that quotation. The mirror case (content is the quotation
    opening the next sentence, the cue's sentence opens with a quotation that
    closes before the cue) extends the start. Otherwise ``span`` is returned.
    """
    start, end = span
    k = info.sent_index[cue_start]
    s_start, s_end = info.sents[k]
    para = info.para_index[cue_start]
    n = len(info.pos)
    last = _first_word(info, start, end, step=-1)
    if (
        last is not None
        and end <= cue_start
        and info.sent_index[last] == k
        and _is_quote(info, last)
        and info.qid[last] >= 0
    ):
        nxt = next((j for j in range(cue_end, min(n, s_end + 3)) if info.quoted[j]), None)
        if (
            nxt is not None
            and not any(info.quoted[j] for j in range(end, cue_end))
            and info.para_index[nxt] == para
            and info.qid[nxt] != info.qid[last]
            and _opens_next_quotation(info, nxt, k)
        ):
            return start, _quotation_end(info, nxt)
    first = _first_word(info, start, end)
    opener = _first_word(info, s_start, s_end)
    if (
        first is not None
        and opener is not None
        and first >= cue_end
        and info.para_index[first] == para
        and _opens_next_quotation(info, first, k)
        and not any(info.quoted[j] for j in range(cue_end, first))
        and _is_quote(info, opener)
        and info.qid[opener] >= 0
        and info.qid[opener] != info.qid[first]
    ):
        close = _quotation_end(info, opener)
        if close <= cue_start and not any(info.quoted[j] for j in range(close, cue_start)):
            return opener, end
    return span


def _is_signature(source: str) -> bool:
    words = source.replace(",", " ").split()
    if not words or len(words) > MAX_SIGNATURE_WORDS:
        return False
    # the name part (before any comma) must be capitalised words only
    name = source.split(",")[0].split()
    return 1 <= len(name) <= 5 and all(_NAME_WORD.match(w) for w in name)


def dash_attributions(text: str) -> list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]]:
    """Find quotations signed with a dash at the end of a line.

    Returns ``(content, cue, source)`` character spans; the content keeps its
    quotation marks, the source drops a trailing full stop.
    """
    out: list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = []
    for match in _DASH_LINE.finditer(text):
        source = match.group("source").rstrip()
        if not _is_signature(source):
            continue
        s0 = match.start("source")
        out.append(
            (
                (match.start("content"), match.end("content")),
                (match.start("cue"), match.end("cue")),
                (s0, s0 + len(source)),
            )
        )
    return out


def token_range(doc: Doc, span: tuple[int, int]) -> tuple[int, int] | None:
    """Token ``[start, end)`` covering a character span, or None when it covers no token."""
    chars = doc.char_span(span[0], span[1], alignment_mode="expand")
    if chars is None or len(chars) == 0:
        return None
    return chars.start, chars.end


# "PENCE: Well, look, ..." (a transcript) or "Rush Limbaugh: Hillary ... ‘Reeks of Fear’"
# (a headline): a name at the start of a line, a colon, and what was said up to the line end.
_COLON_LINE = re.compile(
    r"^[ \t]*[\"“]?(?P<source>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,3})"
    r"(?P<cue>:)[ \t]+(?P<content>[^\n]*[^\s])",
    re.MULTILINE,
)
# Labels that end in a colon without being speakers.
_NOT_SPEAKERS = frozenset(
    """note update editor editors photo photos video watch read related source sources
    correction clarification disclosure example q a question answer transcript warning
    caption credit image listen see also updated here""".split()
)
MIN_COLON_CONTENT_WORDS = 3


def colon_attributions(
    doc: Doc, text: str | None = None
) -> list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]]:
    """Find ``Name: what was said`` lines (transcripts, headlines).

    The name must be proper nouns in the parse (or a person or organisation
    entity); the content runs to the end of the line and has at least three
    words. Returns ``(content, cue, source)`` token ranges. ``text`` is
    ``doc.text`` when the caller has it at hand (``Doc.text`` joins every token).
    """
    text = doc.text if text is None else text
    out: list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = []
    for match in _COLON_LINE.finditer(text):
        source = match.group("source")
        if source.lower().rstrip(".") in _NOT_SPEAKERS or source.split()[0].lower() in (
            _NOT_SPEAKERS
        ):
            continue
        if len(match.group("content").split()) < MIN_COLON_CONTENT_WORDS:
            continue
        src = token_range(doc, match.span("source"))
        cue = token_range(doc, match.span("cue"))
        con = token_range(doc, match.span("content"))
        if src is None or cue is None or con is None:
            continue
        if not all(
            doc[i].pos_ == "PROPN" or doc[i].ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            for i in range(*src)
            if doc[i].is_alpha
        ):
            continue
        if source.isupper() and all(
            doc[i].ent_type_ in ("GPE", "LOC") for i in range(*src) if doc[i].is_alpha
        ):
            continue  # "WASHINGTON: The Senate passed ...": a dateline, not a speaker
        out.append((con, cue, src))
    return out


def extend_coordination(doc: Doc, info: DocInfo, span: tuple[int, int]) -> tuple[int, int]:
    """Extend an unquoted content over a coordinated part of its own clause.

    ``said [the videos were inconclusive] and that the footage did not show
    ...``: when the word after the content is a conjunction attached to a word
    of the content, and that word's conjunct follows, the content runs to the
    end of the conjunct. A conjunction attached to the cue verb (``said ...
    and left``) is not followed.
    """
    start, end = span
    j = end
    while j < len(info.pos) and info.pos[j] == "PUNCT" and info.lemmas[j] == ",":
        j += 1
    if j >= len(info.pos) or info.deps[j] != "cc" or not start <= info.heads[j] < end:
        return span
    if info.sent_index[j] != info.sent_index[start] or info.quoted[j]:
        return span
    head = info.heads[j]
    conjuncts = [c.i for c in doc[head].children if c.dep_ == "conj" and c.i > j]
    if not conjuncts:
        return span
    new_end = doc[conjuncts[0]].right_edge.i + 1
    while new_end > end and info.pos[new_end - 1] in ("PUNCT", "SPACE"):
        new_end -= 1
    return (start, new_end) if new_end > end else span


def extend_interrupted_subject(
    doc: Doc, info: DocInfo, span: tuple[int, int], cue: tuple[int, int]
) -> tuple[int, int]:
    """Carry a content that is the subject of a clause cut off by an interruption over it.

    ``says [a fake video], not yet seen by anyone, shows a staged attack``: the parser
    takes the noun phrase after the cue for its object and the clause after the
    interruption for a second, subjectless complement of the cue. When the content is
    such an object and that complement follows it in the same sentence, beyond a comma,
    the content runs to the complement's end (the noun phrase is its subject). In an
    article the parser may attach that clause as a conjunct of the cue instead.
    """
    start, end = span
    verbs = [i for i in range(cue[0], cue[1]) if info.pos[i] in ("VERB", "AUX")]
    if not verbs:
        return span
    verb = doc[verbs[-1]]
    objects = [c for c in verb.children if c.dep_ == "dobj" and start <= c.i < end]
    if not objects:
        return span
    obj = objects[0]
    for comp in verb.children:
        # A complement, or a conjunct joined by a comma alone (with "and" it is the
        # speaker's second act: "said the plan was ready, and left").
        if comp.dep_ not in ("ccomp", "conj") or comp.i < end or comp.pos_ not in ("VERB", "AUX"):
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in comp.children):
            continue
        between = range(obj.right_edge.i + 1, comp.left_edge.i)
        if not any(info.lemmas[i] == "," for i in between) or any(
            info.deps[i] == "cc" for i in between
        ):
            continue
        if info.sent_index[comp.i] != info.sent_index[start] or info.quoted[comp.i]:
            continue
        new_end = comp.right_edge.i + 1
        while new_end > end and info.pos[new_end - 1] in ("PUNCT", "SPACE"):
            new_end -= 1
        if new_end > end:
            return (start, new_end)
    return span


# Contents that only point at what was said before ("the ISW said *this* in its latest
# assessment", "he said *so* on Tuesday").
POINTER_WORDS = frozenset({"this", "so"})
# The verbs of saying a pointer hangs from ("they can't blame *this* on Bush" points at
# no statement).
_SAYING = frozenset(SAY_VERBS) | frozenset(OUTER_VERBS)
# A sentence pointed at has at least this many words (not a heading or a dateline).
POINTED_MIN_WORDS = 4


def point_back(doc: Doc, info: DocInfo, span: tuple[int, int], cue_start: int) -> tuple[int, int]:
    """A content that is only a pointer stands for the sentence before its attribution.

    News agencies put the source after what it said: "Russia is preparing a new offensive
    near Kharkiv. The Institute for the Study of War (ISW) said this in its latest
    assessment." The role CRF tags "this" as the content; what the ISW said is the
    sentence before. A pointer is "this" or "so" governed by the cue's verb of saying, alone or with a
    verbless phrase of where and when ("this at a briefing in Kyiv on Tuesday"). The
    content becomes the sentence before, in the paragraph before when the attribution
    opens its own. Left as it is when the cue's sentence opens the text, or the sentence
    before is too short to be a statement.
    """
    start, end = span
    words = [i for i in range(start, end) if info.pos[i] not in ("PUNCT", "SPACE")]
    # "this", alone or with where and when it was said ("this at a briefing on Tuesday").
    if (
        not words
        or doc[words[0]].lower_ not in POINTER_WORDS
        or any(info.pos[i] in ("VERB", "AUX") for i in words[1:])
        or doc[words[0]].head.i == words[0]
        or doc[words[0]].head.lemma_.lower() not in _SAYING
        or doc[words[0]].head.i >= start
    ):
        return span
    sent = doc[cue_start].sent
    before = [i for i in range(sent.start) if info.pos[i] != "SPACE"]
    if not before:
        return span
    prev = doc[before[-1]].sent
    tokens = [i for i in range(prev.start, prev.end) if info.pos[i] != "SPACE"]
    if sum(info.pos[i] != "PUNCT" for i in tokens) < POINTED_MIN_WORDS:
        return span
    return (tokens[0], tokens[-1] + 1)


# The signature's dash: a hyphen standing alone, an en or an em dash.
_SIGNATURE_DASHES = frozenset({"-", "–", "—", "--"})
# Dependents of a saying verb that are its speaker when it comes after the verb.
_INVERTED_SPEAKER_DEPS = frozenset({"nsubj", "dobj", "attr"})


def inverted_signature(
    doc: Doc, info: DocInfo, cue: Span
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """What was said and who said it, in a quotation signed "- said <speaker>".

    Translated agency copy puts the verb before the speaker and what was said before the
    dash: "There will be no war on the part of Russia - said on Friday the head of Russian
    diplomacy Sergei Lavrov in an interview." The role CRF reads the speaker as the content
    and finds no source. When a verb of saying follows a dash and governs a noun phrase
    after it (subject or object in the parse), that phrase, without the phrases of where
    and when after its head, is the source; the content runs back from the dash to the
    start of its line when the line opens with a dash (a quotation of several sentences),
    else to the start of its sentence. Returns ``(content, source)`` token ranges, or None.
    """
    verb = next((w for w in cue if w.lemma_.lower() in _SAYING), None)
    dash = cue.start - 1
    while dash >= 0 and info.pos[dash] == "SPACE":
        dash -= 1
    if verb is None or dash <= 0 or doc[dash].text not in _SIGNATURE_DASHES:
        return None
    head = next(
        (c for c in verb.children if c.dep_ in _INVERTED_SPEAKER_DEPS and c.i >= cue.end), None
    )
    if head is None:
        return None
    end = head.i + 1
    for c in head.rights:
        if c.dep_ == "prep" and c.lower_ != "of":
            break
        end = c.right_edge.i + 1
    source = (head.left_edge.i, end)
    content = _signed_content(doc, info, dash)
    return None if content is None else (content, source)


def _signed_content(doc: Doc, info: DocInfo, dash: int) -> tuple[int, int] | None:
    """What a dash signature signs: back from the dash to the start of its line when the
    line opens with a dash (a quotation of several sentences), else to the start of its
    sentence; None when that is fewer than ``POINTED_MIN_WORDS`` words."""
    line = dash
    while line > 0 and "\n" not in doc[line - 1].whitespace_ + doc[line - 1].text:
        line -= 1
    first = next((i for i in range(line, dash) if info.pos[i] != "SPACE"), dash)
    if doc[first].text in _SIGNATURE_DASHES:
        start = first + 1
    else:
        start = doc[dash - 1].sent.start
    words = [i for i in range(start, dash) if info.pos[i] not in ("SPACE", "PUNCT")]
    if len(words) < POINTED_MIN_WORDS:
        return None
    return words[0], dash


# Verbs that sign a statement after a dash in translated agency copy ("- said Lukashenko.",
# "- the head of British diplomacy pointed out."), as lemmas.
SIGNATURE_VERBS: frozenset[str] = frozenset(
    {
        *_SAYING,
        "emphasize",
        "emphasise",
        "assess",
        "point",
        "admit",
        "recall",
        "reply",
        "conclude",
        "assure",
        "announce",
        "claim",
    }
)
# At most this many tokens between the dash and the end of the sentence it signs.
MAX_SIGNATURE_TOKENS = 16
_SENTENCE_ENDS = frozenset({".", "!", "?"})


def signed_lines(doc: Doc, info: DocInfo) -> list[tuple[tuple[int, int], Span, Span]]:
    """Statements signed after a dash, without quotation marks, in the way of translated
    agency copy: "- If Belarus is attacked, there will be war - said Lukashenko." or "...
    dependence on fossil fuels from Russia - the head of the European Commission emphasized."

    The signature runs from a dash between spaces to the end of its sentence and holds a
    verb of ``SIGNATURE_VERBS``: the speaker is the noun phrase after the verb (its subject
    or object in the parse, without the phrases of where and when) or the words between the
    dash and the verb. Returns ``(content, source, cue)``: a token range, the source span and
    the verb as cue.
    """
    out: list[tuple[tuple[int, int], Span, Span]] = []
    for dash in range(1, len(doc) - 2):
        if doc[dash].text not in _SIGNATURE_DASHES or not doc[dash - 1].whitespace_:
            continue
        end = None
        for j in range(dash + 1, min(len(doc), dash + 2 + MAX_SIGNATURE_TOKENS)):
            t = doc[j]
            if t.text in _SENTENCE_ENDS or "\n" in t.text:
                end = j
                break
            if t.text in _SIGNATURE_DASHES or _is_quote(info, j):
                break
        else:
            end = len(doc) if len(doc) - dash - 1 <= MAX_SIGNATURE_TOKENS else None
        if end is None or end <= dash + 2:
            continue
        verb = next(
            (
                t
                for t in doc[dash + 1 : end]
                if t.pos_ == "VERB" and t.lemma_.lower() in SIGNATURE_VERBS
            ),
            None,
        )
        if verb is None:
            continue
        if verb.i == dash + 1:
            head = next(
                (c for c in verb.children if c.dep_ in _INVERTED_SPEAKER_DEPS and c.i > verb.i),
                None,
            ) or _modified_speaker(verb, end)
            if head is None or head.i >= end:
                continue
            stop = head.i + 1
            for c in head.rights:
                if (c.dep_ == "prep" and c.lower_ != "of") or c.i >= end:
                    break
                stop = c.right_edge.i + 1
            source = doc[max(head.left_edge.i, verb.i + 1) : min(stop, end)]
        else:
            source = doc[dash + 1 : verb.i]
            if any(t.pos_ in ("VERB", "AUX") for t in source) or not any(
                t.pos_ in ("NOUN", "PROPN", "PRON") for t in source
            ):
                continue
        content = _signed_content(doc, info, dash)
        if content is None:
            continue
        cue_end = verb.i + 1
        if cue_end < end and doc[cue_end].dep_ == "prt":  # "pointed out"
            cue_end += 1
        out.append((content, source, doc[verb.i : cue_end]))
    return out


def _modified_speaker(verb: Token, end: int) -> Token | None:
    """The speaker noun of "- assessed CIA director William Burns." when the parser reads the
    verb as a modifier of the name ("assessed" an ``amod`` of "director"): the head of the
    noun phrase the verb modifies, if it lies between the verb and ``end``."""
    if verb.dep_ != "amod":
        return None
    noun = verb.head
    while noun.dep_ == "compound" and verb.i < noun.head.i < end:
        noun = noun.head
    if noun.pos_ in ("NOUN", "PROPN") and verb.i < noun.i < end:
        return noun
    return None


def trim_paragraphs(info: DocInfo, span: tuple[int, int], cue_start: int) -> tuple[int, int]:
    """Keep a content within one paragraph unless a quotation carries it over the break.

    The parser sometimes runs a sentence over a paragraph break (a heading
    such as ``## Region`` after a paragraph), and the role CRF follows it. A
    content that crosses a break with a word outside quotation marks on
    either side is cut to the paragraph part nearest the cue.
    """
    start, end = span
    if info.para_index[start] == info.para_index[end - 1]:
        return span
    words = [i for i in range(start, end) if info.pos[i] != "SPACE"]
    parts: list[list[int]] = [[start, start]]
    for prev, cur in zip(words, words[1:], strict=False):
        if info.para_index[prev] != info.para_index[cur] and not (
            info.quoted[prev] and info.quoted[cur]
        ):
            parts[-1][1] = prev + 1
            parts.append([cur, cur])
    parts[-1][1] = end
    if len(parts) == 1:
        return span
    best = min(parts, key=lambda p: (0 if p[0] <= cue_start < p[1] else 1, abs(p[0] - cue_start)))
    return best[0], best[1]


def content_parts(
    text: str, content: tuple[int, int], cue: tuple[int, int] | None, source: tuple[int, int] | None
) -> tuple[tuple[int, int], ...]:
    """Split a content that runs over its own attribution into the parts that were said.

    A split quotation is one content whose hull includes the attribution
    (``"Q1," said X, a developer. "Q2."``); for a claim's text the parts
    without the attribution are wanted: ``('"Q1,"', '"Q2."')``. The middle
    runs from the cue (or the source, if it lies inside the content and comes
    first) to the end of the cue and source, widened to the quotation marks
    on either side when the parts are quotations. A content that does not
    contain its cue is returned whole.
    """
    start, end = content
    if cue is None or not start < cue[0] < end:
        return (content,)
    mid_start, mid_end = cue
    if source is not None and start <= source[0] and source[1] <= end:
        mid_start, mid_end = min(mid_start, source[0]), max(mid_end, source[1])
    regions = quote_regions(text[start:end])
    # the left part ends with its quotation when only punctuation follows it before the middle
    left_end, left_quoted = mid_start, False
    for k in range(mid_start - start - 1, -1, -1):
        if regions[k] >= 0:
            if not _WORDS.search(text, start + k + 1, mid_start):
                left_end, left_quoted = start + k + 1, True
            break
    # after a quoted first part, the second part starts with the next quotation
    right_start = mid_end
    if left_quoted:
        for k in range(mid_end - start, end - start):
            if regions[k] >= 0:
                right_start = start + k
                break
    parts = []
    for s, e in ((start, left_end), (right_start, end)):
        while s < e and (text[s].isspace() or text[s] in ",;"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
            e -= 1
        if e > s:
            parts.append((s, e))
    return tuple(parts) or (content,)


# Verbs of deeds the cue tagger sometimes takes for cues: what they govern is what was
# done, not what someone said, and the sentence is the outlet's report of the deed. Deeds
# that are also ways of taking a position ("attacked" a rival, "voted against", "signed"
# or "released" a letter) are cues in PolNeAR's annotation and are not listed.
ACT_VERBS = frozenset(
    {
        "adopt",
        "approve",
        "bomb",
        "deploy",
        "destroy",
        "fire",
        "invade",
        "kill",
        "launch",
        "pass",
        "ratify",
        "shell",
        "strike",
    }
)


def is_act_cue(info: DocInfo, head: int) -> bool:
    """Whether a cue whose head token is ``head`` names a deed (``ACT_VERBS``), not speech.

    "The House on Saturday approved the aid bill": read as an attribution, the House
    "says" a fragment and the outlet's report of the vote is lost.
    """
    return info.pos[head] in ("VERB", "AUX") and info.lemmas[head].lower() in ACT_VERBS
