"""Features for the two CRF taggers of the attribution extractor.

Stage 1 tags cue tokens sentence by sentence (``B-CUE``/``I-CUE``/``O``).
Stage 2 tags, for one cue at a time, the tokens of a window around it as
``B-CON``/``I-CON`` (content), ``B-SRC``/``I-SRC`` (source) or ``O``, with
features that describe each token's position relative to that cue in the
dependency tree, so nested attributions each get their own reading.

Features are plain strings (binary features for crfsuite); everything here is
module-level functions over spaCy objects, so it pickles for Ray workers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from spacy.attrs import HEAD
from spacy.tokens import Doc, Span

from claimledger.records import Kind

# Reporting and belief cues seeded by hand; the trained lexicon adds the rest.
SEED_CUES = frozenset(
    """say tell add state claim argue insist warn urge note explain report announce
    accuse deny admit acknowledge suggest believe think write predict promise vow
    declare assert contend confirm reveal allege according call ask demand
    estimate show find indicate know expect hope fear want agree complain""".split()
)

_QUOTE_CHARS = frozenset('"“”«»„')
# Tokens that are quotation marks (NYT style writes '' for a double quotation mark).
QUOTE_TOKENS = _QUOTE_CHARS | {"''", "``"}
# What changes the quotation state: a mark (a doubled apostrophe or backtick counts as one,
# a single apostrophe never does) or a newline.
_QUOTE_EVENT = re.compile("''|``|[\"“”«»„\n]")
_WORD = re.compile(r"\w+")
# Dependents that tell a reporting verb from other verbs (stage-1 features).
_CHILD_DEPS = frozenset(
    "nsubj nsubjpass ccomp xcomp dobj advcl parataxis prep agent mark dative attr acomp "
    "conj npadvmod punct neg aux auxpass".split()
)


def quote_regions(text: str) -> list[int]:
    """Return for each character the id of the quotation it lies in, or -1.

    Curly quotes open and close explicitly; straight ``"`` and the doubled
    apostrophe ``''`` (New York Times style) toggle; `````` opens. The state
    resets at each newline: news style reopens a quotation that continues into
    the next paragraph without closing it first. The marks belong to their
    quotation; a stray closing mark gets an id of its own.
    """
    regions = [-1] * len(text)
    current = -1
    count = 0
    pos = 0  # characters before ``pos`` are filled in
    for match in _QUOTE_EVENT.finditer(text):
        i, j = match.span()
        if current >= 0:
            regions[pos:i] = [current] * (i - pos)
        mark = match.group()
        if mark == "\n":
            current = -1
            pos = j
            continue
        if mark in ("“", "«", "„", "``") or (mark in ('"', "''") and current < 0):
            current = count
            count += 1
            regions[i:j] = [current] * (j - i)
        else:  # a closing mark: ” » or a straight one closing an open quotation
            if current < 0:
                current = count
                count += 1
            regions[i:j] = [current] * (j - i)
            current = -1
        pos = j
    if current >= 0:
        regions[pos:] = [current] * (len(text) - pos)
    return regions


def quote_mask(text: str) -> list[bool]:
    """Return for each character whether it lies inside double quotation marks."""
    return [r >= 0 for r in quote_regions(text)]


def span_kind(text: str, span: tuple[int, int], mask: list[bool] | None = None) -> Kind:
    """Derive the kind of a content span from quotation marks.

    ``direct`` when at least 90% of its word characters lie inside quotation
    marks, ``mixed`` when some do (a quoted word or phrase inside reported
    speech), ``indirect`` otherwise. Gold and predicted contents use this same
    rule, so the per-kind breakdown compares like with like.
    """
    if mask is None:
        mask = quote_mask(text)
    start, end = span
    total = quoted = 0
    for match in _WORD.finditer(text, start, end):
        n = match.end() - match.start()
        total += n
        quoted += sum(mask[match.start() : match.end()])
    if total == 0 or quoted == 0:
        return "indirect"
    if quoted >= 0.9 * total:
        return "direct"
    return "mixed"


@dataclass(frozen=True, slots=True)
class DocInfo:
    """Per-document data shared by both stages: token features and quote state."""

    static: list[list[str]]
    quoted: list[bool]
    sent_index: list[int]
    para_index: list[int]
    sents: list[tuple[int, int]]
    heads: list[int]
    deps: list[str]
    lemmas: list[str]
    pos: list[str]
    child_deps: list[list[str]]
    qid: list[int]
    cue_p: list[float]


def _bucket(value: float, edges: tuple[float, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return "inf"


def doc_info(doc: Doc, lexicon: Mapping[str, float], *, text: str | None = None) -> DocInfo:
    """Compute per-token static features, quote state and sentence/paragraph ids.

    One pass over the tokens collects plain Python values; everything else
    works on indices (creating spaCy ``Token`` objects dominates the cost).
    """
    n = len(doc)
    regions = quote_regions(doc.text if text is None else text)
    lower: list[str] = []
    lemma: list[str] = []
    pos: list[str] = []
    tag: list[str] = []
    dep: list[str] = []
    shape: list[str] = []
    ent: list[str] = []
    quoted: list[bool] = []
    qid: list[int] = []
    para_index: list[int] = []
    para = 0
    for tok in doc:
        orth = tok.text
        lower.append(tok.lower_)
        lemma.append(tok.lemma_.lower())
        pos.append(tok.pos_)
        tag.append(tok.tag_)
        dep.append(tok.dep_)
        shape.append(tok.shape_[:4])
        ent.append(tok.ent_type_)
        region = regions[tok.idx] if tok.idx < len(regions) else -1
        qid.append(region)
        quoted.append(region >= 0)
        para_index.append(para)
        if "\n" in tok.whitespace_ or ("\n" in orth and not orth.strip()):
            para += 1
    heads = [i + int(h) for i, h in enumerate(doc.to_array([HEAD]).astype("int64").ravel())]
    sents = [(sent.start, sent.end) for sent in doc.sents]
    sent_index = [0] * n
    is_start = [False] * n
    for k, (s, e) in enumerate(sents):
        is_start[s] = True
        for i in range(s, e):
            sent_index[i] = k
    has_comp = [False] * n
    has_subj = [False] * n
    child_deps: list[list[str]] = [[] for _ in range(n)]
    for i, h in enumerate(heads):
        if h != i:
            if dep[i] in _CHILD_DEPS:
                child_deps[h].append(dep[i])
            if dep[i] in ("ccomp", "xcomp"):
                has_comp[h] = True
            elif dep[i] in ("nsubj", "nsubjpass"):
                has_subj[h] = True
    edges = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8)
    static: list[list[str]] = []
    cue_p = [lexicon.get(lem, 0.0) for lem in lemma]
    # the lexicon bucket of each lemma once per document, not twice per token
    buckets = {lem: _bucket(lexicon.get(lem, 0.0), edges) for lem in set(lemma)}
    for i in range(n):
        lem = lemma[i]
        h = heads[i]
        head_lemma = lemma[h]
        feats = [
            "w=" + lower[i],
            "l=" + lem,
            "p=" + pos[i],
            "t=" + tag[i],
            "d=" + dep[i],
            "hl=" + head_lemma,
            "hp=" + pos[h],
            "pd=" + pos[i] + "|" + dep[i],
            "cp=" + buckets[lem],
            "hcp=" + buckets[head_lemma],
            "q=" + ("1" if quoted[i] else "0"),
            "sh=" + shape[i],
        ]
        if lem in SEED_CUES:
            feats.append("seed")
        if ent[i]:
            feats.append("e=" + ent[i])
        if lower[i] in QUOTE_TOKENS:
            feats.append("qc")
        if is_start[i]:
            feats.append("ss")
        if i + 1 == n or is_start[i + 1]:
            feats.append("se")
        if lower[i] == "according" or (i > 0 and lower[i - 1] == "according"):
            feats.append("acc")
        if has_comp[i]:
            feats.append("has_comp")
        if has_subj[i]:
            feats.append("has_subj")
        static.append(feats)
    return DocInfo(
        static=static,
        quoted=quoted,
        sent_index=sent_index,
        para_index=para_index,
        sents=sents,
        heads=heads,
        deps=dep,
        lemmas=lemma,
        pos=pos,
        child_deps=child_deps,
        qid=qid,
        cue_p=cue_p,
    )


def cue_features(doc: Doc, info: DocInfo, sent: Span) -> list[list[str]]:
    """Stage-1 features for the tokens of one sentence."""
    out: list[list[str]] = []
    sent_quoted = any(info.quoted[i] for i in range(sent.start, sent.end))
    for i in range(sent.start, sent.end):
        st = info.static[i]
        feats = list(st)
        lem, dep = st[1][2:], info.deps[i]
        feats.append("ld=" + lem + "|" + dep)
        feats.append("lq=" + lem + "|" + st[10])
        feats.append("sq=" + str(int(sent_quoted)))
        kids = sorted(set(info.child_deps[i]))
        for k in kids:
            feats.append("cd=" + k)
            if k in ("ccomp", "nsubj", "dobj", "xcomp", "parataxis", "advcl"):
                feats.append("lcd=" + lem + "|" + k)
        if kids:
            feats.append("cds=" + "+".join(k for k in kids if k in ("nsubj", "ccomp", "dobj")))
        hd = info.heads[i]
        feats.append("hd=" + info.deps[hd] + "|" + dep)
        for off in (-2, -1, 1, 2):
            j = i + off
            if sent.start <= j < sent.end:
                other = info.static[j]
                feats.append(f"{off}:{other[0]}")
                feats.append(f"{off}:{other[2]}")
                feats.append(f"{off}:{other[8]}")
                if off in (-1, 1):
                    feats.append(f"{off}:{other[4]}")
                    feats.append(f"{off}:{other[1]}")
            else:
                feats.append(f"{off}:BOUND")
        out.append(feats)
    return out


TENSOR_DIMS = 96


def with_tensor(feats: list[list[str]], doc: Doc, start: int) -> list[dict[str, float]]:
    """Binary features as weights 1.0 plus the tok2vec vector of each token as real features.

    ``doc.tensor`` is the context vector spaCy's tagger and parser share; it lets
    the cue tagger recognise reporting verbs it never saw as cues. Tokens
    without a vector (a pipeline without tok2vec) get the binary features only.
    """
    tensor = doc.tensor
    has = tensor.ndim == 2 and tensor.shape[0] == len(doc)
    items: list[dict[str, float]] = []
    for k, row in enumerate(feats):
        item = dict.fromkeys(row, 1.0)
        if has:
            vec = tensor[start + k].tolist()
            for d in range(min(TENSOR_DIMS, len(vec))):
                item[_VEC_NAMES[d]] = vec[d]
        items.append(item)
    return items


_VEC_NAMES = tuple(f"v{d}" for d in range(TENSOR_DIMS))


def cue_head(info: DocInfo, cue: Span) -> int:
    """Return the index of the syntactic head of a cue span (prefers a verb)."""
    heads = [
        i
        for i in range(cue.start, cue.end)
        if not cue.start <= info.heads[i] < cue.end or info.heads[i] == i
    ]
    for i in heads:
        if info.pos[i] in ("VERB", "AUX"):
            return i
    for i in range(cue.start, cue.end):
        if info.pos[i] == "VERB":
            return i
    return heads[0] if heads else cue.start


def _ends_with_colon(info: DocInfo, start: int, end: int, *, last: bool = False) -> bool:
    """Whether the first (or, with ``last``, final) non-space token in range is a colon."""
    rng = range(end - 1, start - 1, -1) if last else range(start, end)
    for i in rng:
        if info.pos[i] != "SPACE":
            if not last and i == start and info.lemmas[i] != ":":
                continue  # the cue's own last word
            return info.lemmas[i] == ":"
    return False


def cue_window(doc: Doc, info: DocInfo, cue: Span, *, max_sents: int = 8) -> tuple[int, int]:
    """Token range ``[start, end)`` examined for one cue's content and source.

    The cue's sentence, the neighbouring sentence on each side within the
    paragraph, and further sentences while a quotation continues over their
    boundary (multi-sentence quotes before "..., he said." or after "He said:").
    """
    sents = info.sents
    k = info.sent_index[cue.start]
    lo = hi = k
    para = info.para_index[cue.start]
    # one neighbour each side in the same paragraph
    if lo > 0 and info.para_index[sents[lo - 1][0]] == para:
        lo -= 1
    if hi + 1 < len(sents) and info.para_index[sents[hi + 1][0]] == para:
        hi += 1
    # "He added:" introduces what follows, even in the next paragraphs
    if _ends_with_colon(info, cue.end - 1, len(info.pos)) or _ends_with_colon(
        info, sents[k][0], sents[k][1], last=True
    ):
        while hi + 1 < len(sents) and hi - k < 2:
            hi += 1
    # follow open quotations
    while (
        lo > 0
        and k - lo < max_sents
        and info.quoted[sents[lo][0]]
        and info.para_index[sents[lo - 1][0]] == info.para_index[sents[lo][0]]
    ):
        lo -= 1
    while (
        hi + 1 < len(sents)
        and hi - k < max_sents
        and info.quoted[sents[hi][1] - 1]
        and info.para_index[sents[hi + 1][0]] == info.para_index[sents[hi][0]]
    ):
        hi += 1
    return sents[lo][0], sents[hi][1]


def _relation(i: int, head: int, cue: Span, info: DocInfo) -> str:
    """Describe where token ``i`` lies relative to the cue head in the dependency tree."""
    if cue.start <= i < cue.end:
        return "C"
    if info.sent_index[i] != info.sent_index[head]:
        return "X"
    heads, deps = info.heads, info.deps
    # walk up from i until we hit the cue head or the root
    node = i
    while heads[node] != node:
        if heads[node] == head:
            return "D:" + deps[node]
        node = heads[node]
    # not a descendant: an ancestor?
    anc = head
    while heads[anc] != anc:
        anc = heads[anc]
        if anc == i:
            return "A:" + deps[head]
    # a sibling branch under the cue head's head
    top = heads[head]
    node = i
    while heads[node] != node:
        if heads[node] == top:
            return "S:" + deps[head] + ">" + deps[node]
        node = heads[node]
    return "O"


def role_features(doc: Doc, info: DocInfo, cue: Span, window: tuple[int, int]) -> list[list[str]]:
    """Stage-2 features for the tokens of ``window`` relative to ``cue``."""
    head = cue_head(info, cue)
    cue_lemma = info.lemmas[head]
    cue_sent = info.sent_index[cue.start]
    start, end = window
    rels: list[str] = []
    for i in range(start, end):
        rels.append(_relation(i, head, cue, info))
    out: list[list[str]] = []
    cue_quoted = str(int(info.quoted[cue.start]))
    left_q = right_q = -1
    for j in range(cue.start - 1, max(start, cue.start - 7) - 1, -1):
        if info.qid[j] >= 0:
            left_q = info.qid[j]
            break
    for j in range(cue.end, min(end, cue.end + 4)):
        if info.qid[j] >= 0:
            right_q = info.qid[j]
            break
    for i in range(start, end):
        st = info.static[i]
        rel = rels[i - start]
        if i < cue.start:
            side, dist = "L", cue.start - i
        elif i >= cue.end:
            side, dist = "R", i - cue.end + 1
        else:
            side, dist = "C", 0
        sdist = max(-3, min(3, info.sent_index[i] - cue_sent))
        q = st[10]
        feats = [
            st[0],
            st[1],
            st[2],
            st[4],
            st[7],
            q,
            "rel=" + rel,
            "side=" + side,
            "dist=" + _bucket(dist, (0, 1, 2, 3, 5, 8, 12, 20, 35)),
            "sd=" + str(sdist),
            "rs=" + rel + "|" + side,
            "rq=" + rel + "|" + q,
            "sq=" + side + "|" + q + "|" + str(sdist),
            "cl=" + cue_lemma + "|" + side,
            "cq=" + cue_quoted,
            "hd=" + info.deps[head] + "|" + side,
        ]
        qi = info.qid[i]
        if qi >= 0:
            qa = "L" if qi == left_q else "R" if qi == right_q else "N"
            feats.append("qa=" + qa)
            feats.append("qas=" + qa + "|" + side)
        feats.extend(f for f in st[12:] if f.startswith(("e=", "qc", "ss", "se", "acc")))
        for off in (-1, 1):
            j = i + off
            if start <= j < end:
                feats.append(f"{off}:rel={rels[j - start]}")
                feats.append(f"{off}:{info.static[j][2]}")
                feats.append(f"{off}:{info.static[j][0]}")
            else:
                feats.append(f"{off}:BOUND")
        out.append(feats)
    return out
