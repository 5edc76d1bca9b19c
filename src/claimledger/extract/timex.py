"""Time expressions in news text and the dates they point to.

``resolve_times`` finds expressions such as "on Tuesday", "last week", "as
early as Wednesday", "by Friday", "next month", "tomorrow", "on February 16",
"Feb. 16, 2022", "within 48 hours" and "in the coming days", and resolves each
against the publication date. ``is_future`` returns the date a prediction or
promise falls due ("an attack as early as Wednesday").

Rules (also in ``docs/actors.md``):

* A weekday alone is the nearest such day in the direction of the tense: future
  when a cue says so (a prefix "as early as", "by", "until", "before", "next", or
  the nearest tense word in the sentence: will, would, could, may, expected,
  plans, ...), otherwise the past seven days ("said on Tuesday"). The
  publication day's own weekday is the publication day. "last Monday" and
  "next Monday" never mean the publication day itself.
* A day and month without a year take the year that puts the date nearest the
  publication date, unless the tense points one way (then the nearest date on
  that side).
* A period (week, month, year, weekend, a month name) resolves to its first day
  when it lies in the past, and to its last day when it lies in the future or
  the tense is future ("next month", "later this week", "by the end of the
  month"): the date by which the thing should have happened.
* Spans of time ahead: "within 48 hours" -> +2 days (hours round up to days),
  "in three weeks" -> +21 days, "in the coming hours/days/weeks/months" -> +1,
  +7, +28, +90 days.
* Without a publication date, relative expressions resolve to None; dates with
  a year ("Feb. 16, 2022") still resolve.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from claimledger.records import TimeRef

Tense = Literal["future", "past"]

__all__ = ["is_future", "resolve_times"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3,
    "a few": 3, "several": 3, "a couple of": 2, "couple of": 2, "a couple": 2,
}  # fmt: skip

_FUTURE_WORDS = frozenset(
    """will would shall could might may can won't wouldn't ll going expected expects expect
    plans plan planned planning scheduled set due intends intend intended aims aim aiming
    promised promises promise vowed vows pledged pledges threatens threatened threatening
    prepared preparing ready upcoming""".split()
)
_PAST_WORDS = frozenset(
    """was were had did said told announced reported claimed began came went took met left
    held made gave saw fell struck launched killed fired shelled attacked wounded arrived
    signed denied accused confirmed added wrote spoke sent ago""".split()
)
_NOT_PAST = frozenset("indeed united armed based hundred speed need needed red bed".split())
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen lt col maj sgt capt adm sen rep gov st jr sr prof jan feb mar apr jun
    jul aug sep sept oct nov dec no vs etc inc corp ltd co u.s u.k u.n e.u""".split()
)

# Prefixes that fix the direction of a weekday or a month name.
_FUTURE_PREFIX = frozenset(
    "as early as|as soon as|no later than|by|until|till|before|next|this coming|from|later on".split(
        "|"
    )
)
_PAST_PREFIX = frozenset("last|since|earlier on|late on|early on|past|previous".split("|"))

_WD = r"(?P<wd>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
# Month names must be capitalised ("May" the month, not "may" the verb).
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUM = (
    r"(?P<n>\d+|(?i:a\s+couple\s+of|a\s+few|several|few|an|a|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve))"
)
_UNIT = r"(?P<unit>(?i:hours?|days?|weeks?|months?|years?))"
_PERIOD = r"(?P<period>(?i:week|month|year|weekend))"

_DATE_MD = rf"{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?"
_DATE_DM = rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"


@dataclass(frozen=True, slots=True)
class _Found:
    phrase: str
    span: tuple[int, int]
    resolved: date | None
    future: bool


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What a handler needs: the match, the text, the publication date."""

    match: re.Match[str]
    text: str
    published: date | None
    bounds: tuple[int, ...]


# ----------------------------------------------------------------------------- helpers


def _as_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _num(word: str) -> int:
    key = " ".join(word.casefold().split())
    return int(key) if key.isdigit() else _NUMBERS.get(key, 1)


def _sentence_bounds(text: str) -> tuple[int, ...]:
    """Offsets where sentences start (0 included), skipping abbreviations like "Feb." or "U.S."."""
    starts = [0]
    for m in re.finditer(r"[.!?]+[\"”’')]*\s+(?=[\"“‘'(]?[A-Z0-9])|\n\s*\n", text):
        if m.group().startswith("."):
            word = re.search(r"([\w.]+)\.+$", text[: m.start() + 1])
            token = word.group(1).casefold() if word else ""
            if token in _ABBREVIATIONS or len(token) == 1:
                continue
        starts.append(m.end())
    return tuple(starts)


def _sentence(ctx: _Ctx) -> tuple[int, int]:
    start, end = 0, len(ctx.text)
    for b in ctx.bounds:
        if b <= ctx.match.start():
            start = b
        elif b >= ctx.match.end():
            end = b
            break
    return start, end


def _word_tense(word: str) -> Tense | None:
    w = word.casefold().strip("'")
    if w in _FUTURE_WORDS:
        # "may" as a verb is lowercase; "May" is the month
        return None if word == "May" else "future"
    if w in _PAST_WORDS or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST):
        return "past"
    return None


def _prefix(ctx: _Ctx, sentence_start: int) -> str:
    """The cue right before the expression: its own "pre" group, or the 1-3 words before it."""
    own = ctx.match.groupdict().get("pre")
    if own:
        return " ".join(own.casefold().split())
    words = re.findall(r"[a-z]+", ctx.text[sentence_start : ctx.match.start()].casefold())[-3:]
    for k in (3, 2, 1):
        if len(words) >= k:
            candidate = " ".join(words[-k:])
            if candidate in _FUTURE_PREFIX or candidate in _PAST_PREFIX:
                return candidate
    return ""


def _tense(ctx: _Ctx) -> Tense | None:
    """Tense from the nearest tense word before the expression, else after it, in its sentence."""
    start, end = _sentence(ctx)
    prefix = _prefix(ctx, start)
    if prefix in _FUTURE_PREFIX:
        return "future"
    if prefix in _PAST_PREFIX:
        return "past"
    before = re.findall(r"[A-Za-z']+", ctx.text[start : ctx.match.start()])
    for k in range(len(before) - 1, -1, -1):
        tense = _word_tense(before[k])
        if tense == "past" and k > 0 and before[k - 1].casefold() == "be":
            continue  # a participle after "be": "will be held", "is to be signed"
        if tense is not None:
            return tense
    for word in re.findall(r"[A-Za-z']+", ctx.text[ctx.match.end() : end]):
        tense = _word_tense(word)
        if tense is not None:
            return tense
    return None


def _period(kind: str, pub: date, offset: int) -> tuple[date, date]:
    """First and last day of the week/month/year/weekend ``offset`` periods from ``pub``'s."""
    if kind == "week":
        first = pub - timedelta(days=pub.weekday()) + timedelta(weeks=offset)
        return first, first + timedelta(days=6)
    if kind == "weekend":
        saturday = pub - timedelta(days=pub.weekday()) + timedelta(days=5, weeks=offset)
        return saturday, saturday + timedelta(days=1)
    if kind == "month":
        first = pub.replace(day=1) + relativedelta(months=offset)
        return first, first + relativedelta(months=1, days=-1)
    first = date(pub.year + offset, 1, 1)
    return first, date(first.year, 12, 31)


def _pick(first: date, last: date, pub: date, tense: Tense | None) -> tuple[date, bool]:
    """Resolve a period: its last day if it lies ahead (or the tense is future), else its first."""
    future = first > pub or tense == "future"
    return (last if future else first), future


def _month_date(month: int, day: int, pub: date, tense: Tense | None) -> date | None:
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if tense == "future":
        ahead = [c for c in candidates if c >= pub]
        return min(ahead) if ahead else None
    if tense == "past":
        behind = [c for c in candidates if c <= pub]
        return max(behind) if behind else None
    return min(candidates, key=lambda c: abs((c - pub).days)) if candidates else None


# ----------------------------------------------------------------------------- handlers
# Each returns (resolved date, future?) or None to drop the match.

Result = tuple[date | None, bool] | None


def _absolute(ctx: _Ctx) -> Result:
    g = ctx.match.groupdict()
    month = _MONTHS[g["month"].casefold()]
    day = int(g["day"])
    if g.get("year"):
        try:
            found = date(int(g["year"]), month, day)
        except ValueError:
            return None
        pub = ctx.published
        return found, pub is not None and found > pub
    if not 1 <= day <= 31:
        return None
    if ctx.published is None:
        return None, False
    tense = _tense(ctx)
    found_date = _month_date(month, day, ctx.published, tense)
    if found_date is None:
        return None
    return found_date, found_date > ctx.published or tense == "future"


def _iso(ctx: _Ctx) -> Result:
    y, m, d = (int(x) for x in ctx.match.group(1, 2, 3))
    try:
        found = date(y, m, d)
    except ValueError:
        return None
    return found, ctx.published is not None and found > ctx.published


def _weekday(ctx: _Ctx) -> Result:
    g = ctx.match.groupdict()
    if g.get("month"):
        return _absolute(ctx)  # "Wednesday, Feb. 16": the date decides
    pub = ctx.published
    if pub is None:
        return None, False
    target = _WEEKDAYS.index(g["wd"].casefold())
    prefix = " ".join((g.get("pre") or "").casefold().split())
    tense = _tense(ctx)
    if tense == "future":
        delta = (target - pub.weekday()) % 7
        if delta == 0 and prefix in ("next", "this coming"):
            delta = 7
        return pub + timedelta(days=delta), True
    delta = (pub.weekday() - target) % 7
    if delta == 0 and prefix == "last":
        delta = 7
    return pub - timedelta(days=delta), False


def _relative_day(ctx: _Ctx) -> Result:
    if ctx.published is None:
        return None, False
    word = " ".join(ctx.match.group("rel").casefold().split())
    offsets = {
        "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
        "yesterday": -1, "last night": -1, "the day before yesterday": -2,
        "tomorrow": 1, "the day after tomorrow": 2,
    }  # fmt: skip
    offset = offsets[word]
    found = ctx.published + timedelta(days=offset)
    return found, offset > 0 or (offset == 0 and _tense(ctx) == "future")


def _ago(ctx: _Ctx) -> Result:
    if ctx.published is None:
        return None, False
    n, unit = _num(ctx.match.group("n")), ctx.match.group("unit").casefold().rstrip("s")
    if unit == "hour":
        return ctx.published - timedelta(days=n // 24), False
    delta = {
        "day": relativedelta(days=n),
        "week": relativedelta(weeks=n),
        "month": relativedelta(months=n),
        "year": relativedelta(years=n),
    }[unit]
    return ctx.published - delta, False


def _ahead(ctx: _Ctx) -> Result:
    """ "within 48 hours", "in three weeks", "in the next few days", "over the coming days"."""
    if ctx.published is None:
        return None, True
    g = ctx.match.groupdict()
    if g.get("n") and ctx.match.group(0).casefold().startswith("in ") and _tense(ctx) == "past":
        # "their third game in five days": a counted span told in the past is a duration,
        # not a span ahead of the article ("within days", "over the coming days" still are).
        return None
    unit = g["unit"].casefold().rstrip("s")
    if g.get("n"):
        n = _num(g["n"])
        if unit == "hour":
            return ctx.published + timedelta(days=max(1, math.ceil(n / 24))), True
        delta = {
            "day": relativedelta(days=n),
            "week": relativedelta(weeks=n),
            "month": relativedelta(months=n),
            "year": relativedelta(years=n),
        }[unit]
        return ctx.published + delta, True
    # no number: "within hours", "in the coming days"
    days = {"hour": 1, "day": 7, "week": 28, "month": 90, "year": 365}[unit]
    return ctx.published + timedelta(days=days), True


def _relative_period(ctx: _Ctx) -> Result:
    """ "last week", "next month", "this year", "earlier this week", "over the weekend"."""
    if ctx.published is None:
        return None, False
    g = ctx.match.groupdict()
    which = " ".join((g.get("which") or "").casefold().split())
    kind = g["period"].casefold()
    pub = ctx.published
    if which in ("last", "past", "previous"):
        if kind != "weekend" and which != "last":
            # "the past week": the seven days before publication
            span = {"week": 7, "month": 30, "year": 365}[kind]
            return pub - timedelta(days=span), False
        if kind == "weekend":
            saturday = pub - timedelta(days=(pub.weekday() - 5) % 7 or 7)
            return saturday, False
        return _period(kind, pub, -1)[0], False
    if which in ("next", "coming"):
        if kind == "weekend":
            sunday = pub + timedelta(days=(6 - pub.weekday()) % 7 or 7)
            return sunday, True
        return _period(kind, pub, 1)[1], True
    first, last = _period(kind, pub, 0)
    qualifier = " ".join((g.get("qual") or "").casefold().split())
    if qualifier in ("earlier", "early"):
        return first, False
    if qualifier in ("later", "late", "end of", "the end of"):
        return last, True
    if kind == "weekend":  # "this weekend"
        return _the_weekend(ctx)
    return (last, True) if _tense(ctx) == "future" else (first, False)


def _deadline_period(ctx: _Ctx) -> Result:
    """ "by the end of the week/month/year", "by the end of February"."""
    if ctx.published is None:
        return None, True
    g = ctx.match.groupdict()
    pub = ctx.published
    if g.get("month"):
        month = _MONTHS[g["month"].casefold()]
        year = int(g["year"]) if g.get("year") else pub.year + (month < pub.month)
        first = date(year, month, 1)
        return first + relativedelta(months=1, days=-1), True
    offset = 1 if (g.get("which") or "").casefold() == "next" else 0
    return _period(g["period"].casefold(), pub, offset)[1], True


def _month_only(ctx: _Ctx) -> Result:
    """ "in February", "last March", "by June 2022": a month as a period."""
    g = ctx.match.groupdict()
    month = _MONTHS[g["month"].casefold()]
    pub = ctx.published
    tense = _tense(ctx) if pub is not None else None
    if g.get("year"):
        first = date(int(g["year"]), month, 1)
    elif pub is None:
        return None, False
    else:
        prefix = " ".join((g.get("pre") or "").casefold().split())
        if prefix == "last":
            year = pub.year if month < pub.month else pub.year - 1
        elif prefix == "next":
            year = pub.year if month > pub.month else pub.year + 1
        elif tense == "future":
            year = pub.year if month >= pub.month else pub.year + 1
        elif tense == "past":
            year = pub.year if month <= pub.month else pub.year - 1
        else:  # nearest
            year = pub.year + (pub.month - month > 6) - (month - pub.month > 6)
        first = date(year, month, 1)
    last = first + relativedelta(months=1, days=-1)
    if pub is None:
        return first, False
    return _pick(first, last, pub, tense)


def _the_weekend(ctx: _Ctx) -> Result:
    """ "over the weekend", "at the weekend": the coming one with a future cue, else the last."""
    pub = ctx.published
    if pub is None:
        return None, False
    if _tense(ctx) == "future":
        return pub + timedelta(days=(6 - pub.weekday()) % 7), True
    return pub - timedelta(days=(pub.weekday() - 5) % 7), False


# ----------------------------------------------------------------------------- patterns

_PRE = (
    r"(?P<pre>(?i:as\s+early\s+as|as\s+soon\s+as|no\s+later\s+than|by|until|till|before|since"
    r"|from|on|last|next|this\s+coming|this|earlier\s+on|later\s+on|late\s+on|early\s+on)\s+)?"
)
_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[_Ctx], Result]], ...] = (
    (
        re.compile(
            rf"\b(?i:by|before|until|till)\s+(?i:the\s+)?(?i:end)\s+of\s+"
            rf"(?:(?P<which>(?i:the|this|next))\s+{_PERIOD}|{_MONTH}(?:\s+{_YEAR})?)\b"
        ),
        _deadline_period,
    ),
    (
        re.compile(
            rf"\b{_PRE}{_WD}(?!\s+(?:Times|Telegraph|Express|Mirror|Post|Herald))"
            rf"(?:\s+(?i:night|morning|afternoon|evening))?(?:,?\s+(?:{_DATE_MD}))?\b"
        ),
        _weekday,
    ),
    (re.compile(rf"\b(?:(?i:on)\s+)?(?:{_DATE_MD})"), _absolute),
    (re.compile(rf"\b(?:(?i:on)\s+)?(?:{_DATE_DM})\b"), _absolute),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _iso),
    (
        re.compile(
            r"\b(?P<rel>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today"
            r"|tonight|yesterday|tomorrow|last\s+night|this\s+morning|this\s+afternoon"
            r"|this\s+evening))\b"
        ),
        _relative_day,
    ),
    (re.compile(rf"\b{_NUM}\s+{_UNIT}\s+(?i:ago)\b"), _ago),
    (
        re.compile(rf"\b(?i:within|in)\s+(?:(?i:the\s+)?(?i:next|coming)\s+)?{_NUM}\s+{_UNIT}\b"),
        _ahead,
    ),
    (
        re.compile(
            rf"\b(?i:within\s+|(?:in|over|during|within)\s+(?:the\s+)?(?:coming|next)\s+){_UNIT}\b"
        ),
        _ahead,
    ),
    (
        re.compile(
            rf"\b(?:(?P<qual>(?i:earlier|later|early|late))\s+)?"
            rf"(?P<which>(?i:last|next|this|coming|past|previous))\s+{_PERIOD}\b"
        ),
        _relative_period,
    ),
    (re.compile(r"\b(?i:over|at|during)\s+(?i:the)\s+(?i:weekend)\b"), _the_weekend),
    (
        re.compile(
            rf"\b(?P<pre>(?i:in|by|until|since|during|early|late|mid|last|next|this)[\s-]+)"
            rf"{_MONTH}(?!\s+\d{{1,2}}\b)(?:\s+{_YEAR})?\b"
        ),
        _month_only,
    ),
)


def _scan(text: str, published: date | None) -> list[_Found]:
    bounds = _sentence_bounds(text)
    candidates: list[tuple[re.Match[str], Callable[[_Ctx], Result]]] = []
    for pattern, handler in _PATTERNS:
        candidates.extend((m, handler) for m in pattern.finditer(text) if m.end() > m.start())
    # earliest first, longest first at the same start; overlapping matches are dropped
    candidates.sort(key=_order)
    found: list[_Found] = []
    taken_until = -1
    for m, handler in candidates:
        if m.start() < taken_until:
            continue
        try:
            result = handler(_Ctx(m, text, published, bounds))
        except (OverflowError, ValueError):
            # "within 99999999999 days": a date no calendar holds is no date.
            continue
        if result is None:
            continue
        found.append(_Found(m.group(), m.span(), result[0], result[1]))
        taken_until = m.end()
    return found


def _order(candidate: tuple[re.Match[str], object]) -> tuple[int, int]:
    m = candidate[0]
    return m.start(), m.start() - m.end()


def resolve_times(text: str, *, published: datetime | date | None) -> list[TimeRef]:
    """Find time expressions in ``text`` and resolve them against ``published``.

    Args:
        text: Any text; empty or odd text gives an empty list.
        published: Publication date (a datetime counts by its own calendar date).

    Returns:
        One TimeRef per expression, in text order, with its character span.
    """
    if not text:
        return []
    return [TimeRef(f.phrase, f.span, f.resolved) for f in _scan(text, _as_date(published))]


def is_future(text: str, published: datetime | date | None) -> date | None:
    """Return the date a prediction or promise in ``text`` falls due, or None.

    A time expression counts when it resolves after the publication date, or on
    it with a future cue ("will ... today"). With several, the earliest counts.
    None when nothing points ahead or ``published`` is None.
    """
    pub = _as_date(published)
    if pub is None or not text:
        return None
    dates = [
        f.resolved
        for f in _scan(text, pub)
        if f.resolved is not None and (f.resolved > pub or (f.future and f.resolved >= pub))
    ]
    return min(dates) if dates else None
