"""Revisions of an article: statement diffs, corrections and editor's notes.

The same canonical URL with different text is a new revision of the article
(``ingest.store``). Once a revision is analysed, its statements are compared
with the previous revision's by what they say and who says it (normalised
content and speaker, never by id: ids hash the article), and the notes an
outlet appends when it edits a story are read: a correction, an earlier-version
note, an update, an amendment, an editor's note. A note that withdraws what the
article said before (``WITHDRAW_RULES``) becomes the outlet's own evidence
against the claim it corrects (``pipeline.revisions``).

Rules are named data with ids (``NOTE_RULES``, ``WITHDRAW_RULES``), each with a
one-line purpose; ``claims.rules_off`` switches one off by its id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from claimledger.records import Statement


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern: ``id``, what it recognises, and the pattern itself."""

    id: str
    purpose: str
    pattern: re.Pattern[str]


def _rule(rule_id: str, purpose: str, pattern: str) -> Rule:
    return Rule(rule_id, purpose, re.compile(pattern, re.IGNORECASE))


# Notes an outlet adds when it edits a story. Each opens a sentence or a paragraph; the
# note runs to the end of its paragraph.
NOTE_RULES: tuple[Rule, ...] = (
    _rule(
        "REV_CORRECTION",
        "a correction note: 'Correction:', 'Corrections:', 'CORRECTION -'",
        r"corrections?\s*[:\-\u2013\u2014]",
    ),
    _rule(
        "REV_CLARIFICATION",
        "a clarification note: 'Clarification:'",
        r"clarification\s*[:\-\u2013\u2014]",
    ),
    _rule(
        "REV_EARLIER_VERSION",
        "'An earlier version of this article/story/report ...'",
        r"(?:an?\s+)?(?:earlier|previous|prior)\s+versions?\s+of\s+this\s+"
        r"(?:article|story|report|piece|post|page)\b",
    ),
    _rule(
        "REV_UPDATE",
        "an update note: 'Update:', 'Updated:', 'UPDATE 2 -'",
        r"update[ds]?(?:\s+\d+)?\s*[:\-\u2013\u2014]",
    ),
    _rule(
        "REV_AMENDED",
        "'This article has been amended/corrected/updated ...'",
        r"this\s+(?:article|story|report|piece|post)\s+(?:has\s+been|was)\s+"
        r"(?:amended|corrected|updated|changed|edited)\b",
    ),
    _rule(
        "REV_EDITORS_NOTE",
        "an editor's note: \"Editor's note:\", 'Editors' note -'",
        r"editors?['\u2019]?s?['\u2019]?\s+note\s*[:\-\u2013\u2014]?",
    ),
)

# A note withdraws what the article said when it says the earlier text was wrong or is gone.
WITHDRAW_RULES: tuple[Rule, ...] = (
    _rule(
        "REVW_WRONGLY",
        "the earlier text was wrong: 'incorrectly', 'wrongly', 'erroneously', 'in error'",
        r"\b(?:incorrect(?:ly)?|wrong(?:ly)?|erroneous(?:ly)?|mistaken(?:ly)?|"
        r"inaccurate(?:ly)?|in\s+error|by\s+mistake|false(?:ly)?)\b",
    ),
    _rule(
        "REVW_MIS",
        "the earlier text misreported: 'misstated', 'misquoted', 'misattributed'",
        r"\bmis(?:stated|quoted|reported|attributed|identified|characteri[sz]ed|represented)\b",
    ),
    _rule(
        "REVW_REMOVED",
        "the earlier text was taken out: 'has been removed', 'was deleted', 'withdrawn'",
        r"\b(?:has|have|was|were|had)\s+been\s+(?:removed|deleted|withdrawn|retracted)\b|"
        r"\b(?:was|were)\s+(?:removed|deleted|withdrawn|retracted)\b",
    ),
    _rule(
        "REVW_DID_NOT",
        "the earlier text said what did not happen: 'did not say', 'was not', 'not all'",
        r"\b(?:did\s+not|didn['\u2019]t|does\s+not|was\s+not|were\s+not|has\s+not|had\s+not)\s+"
        r"(?:say|said|state|announce|confirm|report|claim|happen|take\s+place)\b|"
        r"\bonly\s+(?:some|part|a\s+few|one|two|three)\b|\bshould\s+have\s+(?:said|read)\b",
    ),
)

RULE_IDS = frozenset(r.id for r in (*NOTE_RULES, *WITHDRAW_RULES))


@dataclass(frozen=True, slots=True)
class Note:
    """A correction or editor's note found in an article's text."""

    rule: str  # the NOTE_RULES id that found it
    span: tuple[int, int]  # character span in the article text, end exclusive
    text: str
    withdraws: tuple[str, ...]  # the WITHDRAW_RULES ids that fired (empty: no withdrawal)

    @property
    def withdrawal(self) -> bool:
        """Whether the note withdraws what the article said before."""
        return bool(self.withdraws)


# A note starts a paragraph or a sentence (after '.', '!', '?' and spaces, or a bracket).
_STARTS = re.compile(r"(?:^|(?<=\n)|(?<=[.!?])\s+|(?<=[\[(*]))\s*", re.MULTILINE)


def notes(text: str, *, rules_off: Collection[str] = ()) -> list[Note]:
    """The correction and editor's notes of ``text``, in text order.

    A note starts where a ``NOTE_RULES`` pattern opens a paragraph or a sentence,
    and runs to the end of its paragraph (a blank line or the end of the text;
    a single line break inside a paragraph is kept). Overlapping finds keep the
    earliest note.
    """
    found: list[Note] = []
    taken_until = -1
    starts = sorted({m.end() for m in _STARTS.finditer(text)})
    for start in starts:
        if start < taken_until or start >= len(text):
            continue
        for rule in NOTE_RULES:
            if rule.id in rules_off:
                continue
            m = rule.pattern.match(text, start)
            if m is None:
                continue
            end = _paragraph_end(text, start)
            body = text[start:end].strip()
            withdraws = tuple(
                w.id for w in WITHDRAW_RULES if w.id not in rules_off and w.pattern.search(body)
            )
            found.append(Note(rule=rule.id, span=(start, end), text=body, withdraws=withdraws))
            taken_until = end
            break
    return found


def _paragraph_end(text: str, start: int) -> int:
    brk = re.compile(r"\n\s*\n").search(text, start)
    end = brk.start() if brk else len(text)
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def statement_key(stmt: Statement) -> tuple[str, str]:
    """What a statement says and who says it, normalised: the key revisions are diffed by.

    Case, accents of quotation marks, punctuation and spacing are ignored, so that
    re-typesetting a sentence does not make it new.
    """
    return (_norm(stmt.content_text), _norm(stmt.speaker or "") if stmt.attributed else "")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Diff:
    """Statements of a revision against the previous revision's."""

    new: tuple[str, ...]  # statement ids of the revision not in the previous one
    unchanged: tuple[tuple[str, str], ...]  # (previous id, revision id) saying the same
    removed: tuple[str, ...]  # statement ids of the previous revision gone from this one


def diff(previous: Sequence[Statement], current: Sequence[Statement]) -> Diff:
    """Match statements by :func:`statement_key`; repeated keys pair up in text order."""
    waiting: dict[tuple[str, str], list[str]] = {}
    for st in sorted(previous, key=lambda s: (s.content[0], s.id)):
        waiting.setdefault(statement_key(st), []).append(st.id)
    new: list[str] = []
    unchanged: list[tuple[str, str]] = []
    for st in sorted(current, key=lambda s: (s.content[0], s.id)):
        queue = waiting.get(statement_key(st))
        if queue:
            unchanged.append((queue.pop(0), st.id))
        else:
            new.append(st.id)
    removed = sorted(i for ids in waiting.values() for i in ids)
    return Diff(new=tuple(new), unchanged=tuple(unchanged), removed=tuple(removed))


def in_notes(span: tuple[int, int], found: Iterable[Note]) -> bool:
    """Whether a statement span lies (mostly) inside one of the notes."""
    for note in found:
        overlap = min(span[1], note.span[1]) - max(span[0], note.span[0])
        if overlap > 0 and overlap * 2 >= span[1] - span[0]:
            return True
    return False
