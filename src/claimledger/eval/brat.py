"""Reader of PolNeAR-layout brat standoff splits into typed gold attributions.

A split folder holds ``text/NAME.txt`` and ``attributions/NAME_ANNO.ann``
(``ANNO`` is a four-hex-digit annotator id). ``T`` lines are spans
(``T3<TAB>Content 120 211;215 230<TAB>text``); ``E`` lines tie them together
(``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``, or
``Attribution-no-source:...`` without a source; a second content part is
``Content2``). A span's text may run over several lines when it contains a
newline. Offsets are Python ``str`` indices into the UTF-8 text.

Several annotators' files for one article: the reader keeps one, the
*medoid* annotator, whose content spans agree best (mean token-Jaccard F1)
with the other annotators' — one consistent reading per article, never
duplicated or conflicting labels. Ties go to the smallest annotator id.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from claimledger.errors import Code, ExtractError
from claimledger.extract.features import quote_mask, span_kind
from claimledger.records import Kind, Span

logger = logging.getLogger(__name__)

_ANN_NAME = re.compile(r"^(?P<base>.+)_(?P<anno>[0-9a-f]{4})\.ann$")
_LINE_ID = re.compile(r"^[TERAMN#*]\d*\t")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One gold attribution; spans are hulls of possibly discontinuous brat fragments."""

    content: Span
    kind: Kind
    source: Span | None = None
    cue: Span | None = None
    content_fragments: tuple[Span, ...] = ()
    id: str = ""


@dataclass(frozen=True, slots=True)
class BratDoc:
    """One article of a split with the annotations of the chosen annotator."""

    name: str
    text: str
    annotator: str
    attributions: tuple[GoldAttribution, ...]


def _hull(fragments: list[Span]) -> Span:
    return (min(s for s, _ in fragments), max(e for _, e in fragments))


def _fail(path: Path, lineno: int, reason: str) -> ExtractError:
    return ExtractError(Code.E202, f"{path}:{lineno}", reason=reason)


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """Read one ``.ann`` file against its text.

    Raises:
        ExtractError: E202 naming the file and line for a malformed line, an
            offset outside the text or a relation to an unknown span.
    """
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[tuple[int, str, list[tuple[str, str]]]] = []
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractError(Code.E202, str(path), reason=f"cannot read: {exc}") from exc
    i = 0
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        i += 1
        if not line.strip():
            continue
        if not _LINE_ID.match(line):
            raise _fail(path, lineno, f"unrecognised line {line[:40]!r}")
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                raise _fail(path, lineno, "span line without type and offsets")
            head = parts[1].split(" ", 1)
            if len(head) != 2:
                raise _fail(path, lineno, f"span without offsets {parts[1]!r}")
            label, ranges = head
            fragments: list[Span] = []
            for frag in ranges.split(";"):
                nums = frag.split()
                if len(nums) != 2 or not all(n.isdigit() for n in nums):
                    raise _fail(path, lineno, f"bad offsets {frag!r}")
                s, e = int(nums[0]), int(nums[1])
                if not 0 <= s <= e <= len(text):
                    raise _fail(path, lineno, f"offsets {s}-{e} outside text of {len(text)}")
                fragments.append((s, e))
            # A span text containing newlines continues on the following lines.
            expected = " ".join(text[s:e] for s, e in fragments)
            got = parts[2] if len(parts) > 2 else ""
            while got != expected and i < len(lines) and expected.startswith(got + "\n"):
                got = got + "\n" + lines[i]
                i += 1
            spans[parts[0]] = (label, fragments)
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) < 2 or not parts[1].strip():
                raise _fail(path, lineno, "event line without arguments")
            args: list[tuple[str, str]] = []
            for arg in parts[1].split():
                role, sep, ref = arg.partition(":")
                if not sep or not ref:
                    raise _fail(path, lineno, f"bad event argument {arg!r}")
                args.append((role, ref))
            events.append((lineno, parts[0], args))
        # Notes (#), attributes (A/M), relations (R) and normalisations (N) are ignored.
    mask = quote_mask(text)
    out: list[GoldAttribution] = []
    for lineno, eid, args in events:
        content: list[Span] = []
        cue: list[Span] = []
        source: list[Span] = []
        for role, ref in args:
            if ref not in spans:
                raise _fail(path, lineno, f"event {eid} refers to unknown span {ref}")
            base = role.rstrip("0123456789")
            if base == "Content":
                content.extend(spans[ref][1])
            elif base == "Cue":
                cue.extend(spans[ref][1])
            elif base == "Source":
                source.extend(spans[ref][1])
        if not content:
            logger.debug("%s:%d: attribution %s without content skipped", path, lineno, eid)
            continue
        hull = _hull(content)
        out.append(
            GoldAttribution(
                content=hull,
                kind=span_kind(text, hull, mask),
                source=_hull(source) if source else None,
                cue=_hull(cue) if cue else None,
                content_fragments=tuple(sorted(content)),
                id=eid,
            )
        )
    out.sort(key=lambda a: (a.content, a.id))
    return out


def _words(text: str, span: Span) -> set[Span]:
    return {(m.start(), m.end()) for m in _WORD.finditer(text, span[0], span[1])}


def token_jaccard(text: str, a: Span, b: Span) -> float:
    """Jaccard overlap of the word tokens (``\\w+``) of two spans of ``text``."""
    wa, wb = _words(text, a), _words(text, b)
    if not wa and not wb:
        return 1.0 if a == b else 0.0
    return len(wa & wb) / len(wa | wb)


def _agreement(text: str, a: list[GoldAttribution], b: list[GoldAttribution]) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    hits = sum(1 for x in a if any(token_jaccard(text, x.content, y.content) >= 0.5 for y in b))
    p = hits / len(a)
    hits_b = sum(1 for y in b if any(token_jaccard(text, x.content, y.content) >= 0.5 for x in a))
    r = hits_b / len(b)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def choose_annotator(text: str, versions: dict[str, list[GoldAttribution]]) -> str:
    """Return the medoid annotator: best mean agreement with the others, ties by id."""
    annos = sorted(versions)
    if len(annos) == 1:
        return annos[0]
    best, best_score = annos[0], -1.0
    for anno in annos:
        others = [o for o in annos if o != anno]
        score = sum(_agreement(text, versions[anno], versions[o]) for o in others) / len(others)
        if score > best_score + 1e-12:
            best, best_score = anno, score
    return best


def read_split(data_dir: Path, *, limit: int | None = None) -> list[BratDoc]:
    """Read a PolNeAR-layout split (``text/``, ``attributions/``) sorted by name.

    Args:
        data_dir: Folder holding ``text/`` and ``attributions/``.
        limit: Keep only the first ``limit`` articles by name (deterministic subset).

    Raises:
        ExtractError: E202 when the layout is missing or an ``.ann`` file is malformed.
    """
    text_dir, ann_dir = data_dir / "text", data_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise ExtractError(
            Code.E202, str(data_dir), reason="expected text/ and attributions/ folders"
        )
    by_base: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        match = _ANN_NAME.match(path.name)
        if match is None:
            raise ExtractError(
                Code.E202, str(path), reason="annotation file name lacks an _XXXX annotator suffix"
            )
        by_base.setdefault(match["base"], []).append((match["anno"], path))
    names = sorted(by_base)
    if limit is not None:
        names = names[:limit]
    docs: list[BratDoc] = []
    for name in names:
        text_path = text_dir / f"{name}.txt"
        try:
            text = text_path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExtractError(Code.E202, str(text_path), reason=f"cannot read: {exc}") from exc
        versions = {anno: read_ann(path, text) for anno, path in by_base[name]}
        anno = choose_annotator(text, versions)
        docs.append(
            BratDoc(name=name, text=text, annotator=anno, attributions=tuple(versions[anno]))
        )
    return docs
