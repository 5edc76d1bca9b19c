"""Attributions highlighted in an article's text, built from escaped segments.

The article text is untrusted. It is cut at the span boundaries of its
statements and every piece goes through :func:`markupsafe.escape`; the only
markup added is ours (``<span>`` elements with fixed class names and ids made
of the statement id, itself escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from claimledger.records import Span, Statement

# Display classes of the three parts of an attribution; order is nesting priority.
ROLES = ("source", "cue", "content")


@dataclass(frozen=True, slots=True)
class _Part:
    start: int
    end: int
    role: str


def _clamp(span: Span | None, size: int) -> tuple[int, int] | None:
    """A span cut to the text; None when it is empty or inverted."""
    if span is None:
        return None
    start, end = max(0, int(span[0])), min(size, int(span[1]))
    return (start, end) if end > start else None


def _extent(stmt: Statement, size: int) -> tuple[int, int] | None:
    spans = [
        s
        for s in (_clamp(stmt.content, size), _clamp(stmt.source, size), _clamp(stmt.cue, size))
        if s
    ]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _parts(stmt: Statement, size: int) -> list[_Part]:
    out = []
    for role, span in (("source", stmt.source), ("cue", stmt.cue), ("content", stmt.content)):
        got = _clamp(span, size)
        if got:
            out.append(_Part(got[0], got[1], role))
    return out


def _segments(text: str, start: int, end: int, parts: Sequence[_Part], attributed: bool) -> Markup:
    """Escaped text from ``start`` to ``end`` with role spans around the covered pieces."""
    cuts = {start, end}
    for p in parts:
        cuts.update(x for x in (p.start, p.end) if start < x < end)
    bounds = sorted(cuts)
    out = Markup("")
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = escape(text[a:b])
        roles = [
            r for r in ROLES if any(p.role == r and p.start <= a and b <= p.end for p in parts)
        ]
        if not roles:
            out += piece
            continue
        # Source and cue win over content where spans overlap (a cue inside content).
        role = roles[0]
        cls = f"hl-{role}" if attributed or role != "content" else "hl-own"
        out += Markup('<span class="{}">{}</span>').format(cls, piece)
    return out


def _order(item: tuple[tuple[int, int], Statement]) -> tuple[int, int, str]:
    (start, end), st = item
    return (start, -end, st.id)


def highlight(text: str, statements: Sequence[Statement]) -> Markup:
    """Return the article text as HTML with each statement's source, cue and content marked.

    Each statement that does not overlap an earlier one is wrapped in
    ``<span class="stmt" id="s-{id}">`` so that ``/articles/{id}#s-{statement}``
    lands on it; an overlapping statement gets an empty anchor at its start.

    Args:
        text: The article text (untrusted).
        statements: The article's statements, any order; spans outside the text are cut.
    """
    size = len(text)
    placed: list[tuple[int, int, Statement]] = []
    anchors: list[tuple[int, Statement]] = []
    ordered = sorted(
        ((ext, st) for st in statements if (ext := _extent(st, size)) is not None),
        key=_order,
    )
    last_end = 0
    for (start, end), st in ordered:
        if start >= last_end:
            placed.append((start, end, st))
            last_end = end
        else:
            anchors.append((start, st))
    out = Markup("")
    pos = 0
    anchor_at: dict[int, list[Statement]] = {}
    for at, st in anchors:
        anchor_at.setdefault(at, []).append(st)

    def plain(a: int, b: int) -> Markup:
        # Text outside placed statements, with empty anchors of overlapping statements.
        got = Markup("")
        cuts = sorted({a, b, *(x for x in anchor_at if a <= x < b)})
        for x, y in zip(cuts, cuts[1:], strict=False):
            for st in anchor_at.get(x, []):
                got += Markup('<span class="anchor" id="s-{}"></span>').format(st.id)
            got += escape(text[x:y])
        return got

    for start, end, st in placed:
        out += plain(pos, start)
        kind = "attributed" if st.attributed else "own"
        inner = _segments(text, start, end, _parts(st, size), st.attributed)
        for at in sorted(x for x in anchor_at if start <= x < end):
            for other in anchor_at.pop(at):
                inner = Markup('<span class="anchor" id="s-{}"></span>').format(other.id) + inner
        out += Markup('<span class="stmt stmt-{}" id="s-{}">{}</span>').format(kind, st.id, inner)
        pos = end
    out += plain(pos, size)
    return out
