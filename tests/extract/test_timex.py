"""Tests of time expressions resolved against the publication date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from claimledger.extract.timex import is_future, resolve_times

MONDAY = date(2022, 2, 14)  # a Monday


def _one(text: str, published: date | datetime | None = MONDAY) -> tuple[str, date | None]:
    refs = resolve_times(text, published=published)
    assert len(refs) == 1, refs
    ref = refs[0]
    assert text[ref.span[0] : ref.span[1]] == ref.phrase
    return ref.phrase, ref.resolved


@pytest.mark.parametrize(
    ("text", "phrase", "resolved"),
    [
        # future cues: the coming day
        (
            "US officials said Russia could attack as early as Wednesday.",
            "as early as Wednesday",
            date(2022, 2, 16),
        ),
        ("Units will return to base by Friday.", "by Friday", date(2022, 2, 18)),
        ("Talks will be held on Thursday.", "on Thursday", date(2022, 2, 17)),
        ("On Saturday, leaders will meet in Munich.", "On Saturday", date(2022, 2, 19)),
        ("The troops would leave next Monday.", "next Monday", date(2022, 2, 21)),
        # otherwise: the past week
        (
            "Russia's defence ministry said on Tuesday that units were leaving.",
            "on Tuesday",
            date(2022, 2, 8),
        ),
        ("On Sunday, Kuleba said talks had failed.", "On Sunday", date(2022, 2, 13)),
        ("The minister spoke on Friday night.", "on Friday night", date(2022, 2, 11)),
        ("Lavrov said last Monday that the talks failed.", "last Monday", date(2022, 2, 7)),
        # the publication day's own weekday is the publication day
        ("Kuleba said on Monday that nothing had changed.", "on Monday", MONDAY),
    ],
)
def test_weekdays_around_a_known_date(text: str, phrase: str, resolved: date) -> None:
    assert _one(text) == (phrase, resolved)


@pytest.mark.parametrize(
    ("text", "phrase", "resolved"),
    [
        ("He said so yesterday.", "yesterday", date(2022, 2, 13)),
        ("Tomorrow the council meets.", "Tomorrow", date(2022, 2, 15)),
        ("Kuleba said last week that talks failed.", "last week", date(2022, 2, 7)),
        ("Talks would resume next month.", "next month", date(2022, 3, 31)),
        ("The drills end on February 20.", "on February 20", date(2022, 2, 20)),
        ("It began on 10 February.", "on 10 February", date(2022, 2, 10)),
        ("It happened on Feb. 16, 2022 at dawn.", "on Feb. 16, 2022", date(2022, 2, 16)),
        ("The report of 2022-02-16 says so.", "2022-02-16", date(2022, 2, 16)),
        ("Russia must answer within 48 hours.", "within 48 hours", date(2022, 2, 16)),
        ("More troops will arrive in the coming days.", "in the coming days", date(2022, 2, 21)),
        ("They will decide in two weeks.", "in two weeks", date(2022, 2, 28)),
        ("Two days ago, officials met.", "Two days ago", date(2022, 2, 12)),
        ("Troops arrived over the weekend.", "over the weekend", date(2022, 2, 12)),
        (
            "A decision is due by the end of the month.",
            "by the end of the month",
            date(2022, 2, 28),
        ),
        ("Officials met earlier this week.", "earlier this week", MONDAY),
        ("Sanctions have applied since January.", "since January", date(2022, 1, 1)),
    ],
)
def test_relative_and_absolute_expressions(text: str, phrase: str, resolved: date) -> None:
    assert _one(text) == (phrase, resolved)


def test_year_rollover() -> None:
    thursday = date(2021, 12, 30)
    assert _one("They will meet on Monday.", thursday)[1] == date(2022, 1, 3)
    assert _one("Talks on January 3 are planned.", thursday)[1] == date(2022, 1, 3)
    assert _one("He said on January 3 it was over.", thursday)[1] == date(2021, 1, 3)
    assert _one("Officials said on December 28 it was over.", date(2022, 1, 2))[1] == date(
        2021, 12, 28
    )
    assert _one("A deal will come next month.", date(2021, 12, 15))[1] == date(2022, 1, 31)
    assert _one("The talks broke down last week.", date(2022, 1, 4))[1] == date(2021, 12, 27)
    assert _one("Tomorrow is a holiday.", date(2021, 12, 31))[1] == date(2022, 1, 1)


def test_datetime_publication_counts_by_its_date() -> None:
    published = datetime(2022, 2, 14, 23, 30, tzinfo=UTC)
    assert _one("Units will return by Friday.", published)[1] == date(2022, 2, 18)


def test_no_publication_date_gives_no_relative_date() -> None:
    refs = resolve_times(
        "Kuleba said on Tuesday and on Feb. 16, 2022 that tomorrow", published=None
    )
    assert [r.phrase for r in refs] == ["on Tuesday", "on Feb. 16, 2022", "tomorrow"]
    assert [r.resolved for r in refs] == [None, date(2022, 2, 16), None]
    assert is_future("an attack as early as Wednesday", None) is None


def test_several_expressions_in_order() -> None:
    text = "Russia said on Tuesday that units will return to base by Friday."
    refs = resolve_times(text, published=MONDAY)
    assert [(r.phrase, r.resolved) for r in refs] == [
        ("on Tuesday", date(2022, 2, 8)),
        ("by Friday", date(2022, 2, 18)),
    ]
    assert refs[0].span < refs[1].span


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("an attack as early as Wednesday", date(2022, 2, 16)),
        ("units will return to base by Friday", date(2022, 2, 18)),
        ("Russia said on Tuesday that units will return to base by Friday.", date(2022, 2, 18)),
        ("Russia must withdraw within 48 hours", date(2022, 2, 16)),
        ("The exercises will end on February 20.", date(2022, 2, 20)),
        ("Russia will invade today, officials warned.", MONDAY),
        ("Russia could invade on Wednesday or at the latest by Friday.", date(2022, 2, 16)),
    ],
)
def test_is_future(text: str, due: date) -> None:
    assert is_future(text, MONDAY) == due


@pytest.mark.parametrize(
    "text",
    [
        "Russia said on Tuesday that units had returned to base.",
        "Troops left last week.",
        "Units will return to base.",  # a promise without a date has no resolution date
        "Kuleba spoke today.",
        # A counted duration told in the past is not a span ahead.
        "Her team had run out of energy after playing their third game in five days.",
        "",
    ],
)
def test_not_future(text: str) -> None:
    assert is_future(text, MONDAY) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Russia may attack.",  # "may" the verb is not the month
        "The Sunday Times reported it.",  # a newspaper, not a day
        "«Ça va», dit-il. 今日は",
        "On on on by by Friday Friday",
        "Feb. 30, 2022 and 31 February",
        "((((" * 1000,
    ],
)
def test_odd_text_does_not_crash(text: str) -> None:
    for ref in resolve_times(text, published=MONDAY):
        assert text[ref.span[0] : ref.span[1]] == ref.phrase


def test_may_and_newspaper_names_are_not_times() -> None:
    assert resolve_times("Russia may attack.", published=MONDAY) == []
    assert resolve_times("The Sunday Times reported it.", published=MONDAY) == []
    assert _one("Elections are due in May.")[1] == date(2022, 5, 31)


def test_abbreviations_do_not_split_sentences() -> None:
    # "U.S." must not end the sentence, or "will" would be cut off from "Wednesday"
    text = "The U.S. will send troops on Wednesday."
    assert _one(text)[1] == date(2022, 2, 16)


@pytest.mark.parametrize(
    "text",
    [
        "Varnia announced it was pulling back troops over the coming days.",
        "Officials said an attack was possible within days.",
    ],
)
def test_reported_spans_ahead_stay_ahead_in_past_tense(text: str) -> None:
    assert is_future(text, MONDAY) is not None
