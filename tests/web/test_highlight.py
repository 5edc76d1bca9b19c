"""The highlighted article HTML: every text piece escaped, spans marked, anchors for each statement."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from claimledger.records import Statement
from claimledger.web.highlight import highlight

TEXT = 'Officials said "the <b>bridge</b> is down". Monitors reported nothing & moved on.'


def stmt(
    sid: str,
    content: tuple[int, int],
    source: tuple[int, int] | None = None,
    cue: tuple[int, int] | None = None,
    attributed: bool = True,
) -> Statement:
    return Statement(
        id=sid,
        article_id="a1",
        content=content,
        content_text=TEXT[content[0] : content[1]],
        kind="direct",
        source=source,
        cue=cue,
        attributed=attributed,
    )


class Tags(HTMLParser):
    """Collects start tags and the text, to check the markup is only ours."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(markup: str) -> Tags:
    p = Tags()
    p.feed(markup)
    p.close()
    return p


def test_roles_get_distinct_classes_and_the_statement_an_anchor() -> None:
    start = TEXT.index("the <b>")
    s = stmt("s1", (start, TEXT.index(" is down") + 8), source=(0, 9), cue=(10, 14))
    out = str(highlight(TEXT, [s]))
    assert '<span class="stmt stmt-attributed" id="s-s1">' in out
    assert '<span class="hl-source">Officials</span>' in out
    assert '<span class="hl-cue">said</span>' in out
    assert '<span class="hl-content">the &lt;b&gt;bridge&lt;/b&gt; is down</span>' in out
    assert "<b>" not in out and "&amp;" in out


def test_text_survives_exactly() -> None:
    stmts = [
        stmt("s1", (16, 42), source=(0, 9), cue=(10, 14)),
        stmt("s2", (44, 80), attributed=False),
    ]
    tags = parse(str(highlight(TEXT, stmts)))
    assert tags.text == TEXT
    assert {t for t, _ in tags.tags} == {"span"}


def test_overlapping_statement_gets_an_empty_anchor() -> None:
    outer = stmt("s1", (0, 42))
    inner = stmt("s2", (16, 42))
    out = str(highlight(TEXT, [inner, outer]))
    assert 'id="s-s1"' in out and '<span class="anchor" id="s-s2"></span>' in out
    assert parse(out).text == TEXT


def test_spans_outside_the_text_are_cut_or_ignored() -> None:
    bad = [stmt("s1", (70, 10_000)), stmt("s2", (50, 40)), stmt("s3", (-5, 3))]
    out = str(highlight(TEXT, bad))
    assert parse(out).text == TEXT
    assert 'id="s-s2"' not in out


def test_hostile_statement_id_is_escaped() -> None:
    s = Statement(
        id='x" onmouseover="alert(1)',
        article_id="a",
        content=(0, 9),
        content_text="Officials",
        kind="direct",
    )
    out = str(highlight(TEXT, [s]))
    assert 'onmouseover="' not in out
    assert "&#34;" in out or "&quot;" in out


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            list("ab <>&\"'/=\n\u00e9\u202e") + ["<script>", "onerror=", "javascript:"]
        ),
        max_size=40,
    ).map("".join),
    spans=st.lists(st.tuples(st.integers(-3, 90), st.integers(-3, 90), st.booleans()), max_size=6),
)
def test_any_text_and_spans_give_only_our_markup(
    text: str, spans: list[tuple[int, int, bool]]
) -> None:
    stmts = [
        Statement(
            id=f"s{i}",
            article_id="a",
            content=(a, b),
            content_text="",
            kind="direct",
            cue=(a, a + 2),
            attributed=own,
        )
        for i, (a, b, own) in enumerate(spans)
    ]
    out = str(highlight(text, stmts))
    tags = parse(out)
    assert tags.text == text.replace("\r", "\r")
    assert {t for t, _ in tags.tags} <= {"span"}
    for _, attrs in tags.tags:
        assert set(attrs) <= {"class", "id"}
        assert re.fullmatch(r"[a-z -]+", attrs["class"] or "")
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
