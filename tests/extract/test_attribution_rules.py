"""Rules around the attribution CRFs: split quotations, dash signatures, NYT-style quotes."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.attribution_rules import (
    colon_attributions,
    content_parts,
    dash_attributions,
    extend_coordination,
    extend_interrupted_subject,
    extend_split_quote,
    point_back,
    token_range,
    trim_paragraphs,
)
from claimledger.extract.features import doc_info, quote_regions, span_kind


def _sub(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def test_dash_signature_after_quotation() -> None:
    text = (
        "Readers wrote in.\n"
        "\u201cHe represents our greatest shame.\u201d \u2015 Sonya Herridge\n"
        '"I went to Wall Street before the crash." - Bernie Sanders.\n'
    )
    found = dash_attributions(text)
    assert [(_sub(text, c), _sub(text, q), _sub(text, s)) for c, q, s in found] == [
        ("\u201cHe represents our greatest shame.\u201d", "\u2015", "Sonya Herridge"),
        ('"I went to Wall Street before the crash."', "-", "Bernie Sanders"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a dash inside a sentence, not a signature at the end of a line
        '"We will win" - and he meant it, said the aide.\n',
        # no quotation before the dash
        "The vote was close \u2014 Jane Doe\n",
        # what follows the dash is prose, not a name
        '"It is over," she said \u2014 the crowd cheered loudly at the news\n',
        # a hyphenated word is no dash
        '"It is over." Anti-Trump\n',
    ],
)
def test_dash_signature_needs_quote_dash_and_name(text: str) -> None:
    assert dash_attributions(text) == []


def test_doubled_apostrophes_are_quotation_marks() -> None:
    text = "He said ''we won't go,'' and left. It's ``done'' now."
    regions = quote_regions(text)
    inside = "".join(ch for ch, r in zip(text, regions, strict=True) if r >= 0)
    assert inside == "''we won't go,''``done''"
    # a lone apostrophe neither opens nor closes a quotation
    assert regions[text.index("It's") + 2] == -1
    start = text.index("''we")
    assert span_kind(text, (start, text.index(" and"))) == "direct"


@pytest.mark.slow
@pytest.mark.parametrize("mark", ['"', "''"])
def test_split_quotation_joins_both_parts(nlp: Any, mark: str) -> None:
    q1 = f"{mark}We are ready for this,{mark}"
    q2 = f"{mark}We have been ready for weeks. Nobody should doubt it.{mark}"
    text = f"{q1} said Jane Doe, a spokeswoman for the group. {q2}\n\nOthers disagreed."
    doc = nlp(text)
    info = doc_info(doc, {})
    cue = doc.char_span(text.index("said"), text.index("said") + 4)
    first = token_range(doc, (0, len(q1)))
    assert cue is not None and first is not None
    start, end = extend_split_quote(info, first, cue.start, cue.end)
    assert doc[start:end].text == text[: text.index(q2) + len(q2)]
    # starting from the second part, the first part is added
    second = token_range(doc, (text.index(q2), text.index(q2) + len(q2)))
    assert second is not None
    assert extend_split_quote(info, second, cue.start, cue.end) == (start, end)


@pytest.mark.slow
def test_split_quotation_not_joined_across_paragraph_or_narration(nlp: Any) -> None:
    text = (
        '"We are ready," said Jane Doe.\n\n"That is a different speaker," said John Roe. '
        'She left. "Nothing new," he added.'
    )
    doc = nlp(text)
    info = doc_info(doc, {})
    cue = doc.char_span(text.index("said"), text.index("said") + 4)
    first = token_range(doc, (0, len('"We are ready,"')))
    assert cue is not None and first is not None
    assert extend_split_quote(info, first, cue.start, cue.end) == first
    # the next sentence is narration, not a quotation: no extension
    cue2 = doc.char_span(text.index("said John"), text.index("said John") + 4)
    q = text.index('"That')
    second = token_range(doc, (q, q + len('"That is a different speaker,"')))
    assert cue2 is not None and second is not None
    assert extend_split_quote(info, second, cue2.start, cue2.end) == second


@pytest.mark.slow
def test_colon_speaker_lines(nlp: Any) -> None:
    text = (
        "Partial transcript as follows:\n\n"
        '"WALLACE: Let us start with the debate story tonight.\n\n'
        '"PENCE: Well, look, the question really should be asked.\n\n'
        "Note: this transcript was edited for length.\n"
        "Update: Pence spoke.\n"
        "Rush Limbaugh: Hillary Asking Moderator To Fact Check Trump.\n"
    )
    doc = nlp(text)
    found = [
        (doc[c[0] : c[1]].text, doc[q[0] : q[1]].text, doc[s[0] : s[1]].text)
        for c, q, s in colon_attributions(doc)
    ]
    assert found == [
        ("Let us start with the debate story tonight.", ":", "WALLACE"),
        ("Well, look, the question really should be asked.", ":", "PENCE"),
        ("Hillary Asking Moderator To Fact Check Trump.", ":", "Rush Limbaugh"),
    ]


@pytest.mark.slow
def test_a_dateline_in_capitals_is_no_speaker(nlp: Any) -> None:
    text = "WASHINGTON: The Senate passed the bill on Friday after a long debate.\n"
    assert colon_attributions(nlp(text)) == []


@pytest.mark.slow
def test_colon_needs_a_name_and_a_sentence(nlp: Any) -> None:
    # a common noun before the colon, and a name with a two-word remainder
    text = "The result: a close race in the state.\nPence: no comment.\n"
    assert colon_attributions(nlp(text)) == []


@pytest.mark.slow
def test_coordination_extends_over_a_conjunct_of_the_content(nlp: Any) -> None:
    text = (
        "The police chief said the videos were inconclusive and that the footage "
        "did not show a gun."
    )
    doc = nlp(text)
    info = doc_info(doc, {})
    start = text.index("the videos")
    content = token_range(doc, (start, text.index(" and that")))
    assert content is not None
    new = extend_coordination(doc, info, content)
    assert doc[new[0] : new[1]].text == text[start:-1]


@pytest.mark.slow
def test_coordination_does_not_follow_a_conjunct_of_the_cue(nlp: Any) -> None:
    text = "The senator said the bill was dead, and he walked out."
    doc = nlp(text)
    info = doc_info(doc, {})
    and_ = doc.char_span(text.index(" and") + 1, text.index(" and") + 4)
    assert and_ is not None and and_.root.head.text == "said"  # the parse this test relies on
    start = text.index("the bill")
    content = token_range(doc, (start, text.index(", and")))
    assert content is not None
    assert extend_coordination(doc, info, content) == content


@pytest.mark.slow
def test_an_interrupted_subject_is_carried_over_to_its_clause(nlp: Any) -> None:
    text = (
        "Officials say a new satellite image, not yet released to the public, shows a "
        "second bridge over the river."
    )
    doc = nlp(text)
    info = doc_info(doc, {})
    say = doc.char_span(text.index("say "), text.index("say ") + 3)
    assert say is not None
    # The parse this test relies on: the subject as the cue's object, its clause subjectless.
    assert {(t.text, t.dep_) for t in say.root.children} >= {("image", "dobj"), ("shows", "ccomp")}
    start = text.index("a new")
    content = token_range(doc, (start, text.index(", not yet")))
    assert content is not None
    new = extend_interrupted_subject(doc, info, content, (say.start, say.end))
    assert doc[new[0] : new[1]].text == text[start:-1]


@pytest.mark.slow
def test_a_second_act_of_the_speaker_is_no_interrupted_clause(nlp: Any) -> None:
    text = "He praised the plan, and left the room."
    doc = nlp(text)
    info = doc_info(doc, {})
    cue = doc.char_span(text.index("praised"), text.index("praised") + 7)
    assert cue is not None
    content = token_range(doc, (text.index("the plan"), text.index(", and")))
    assert content is not None
    assert extend_interrupted_subject(doc, info, content, (cue.start, cue.end)) == content


def _pointed(nlp: Any, text: str, content: str, cue: str) -> str:
    doc = nlp(text)
    info = doc_info(doc, {})
    at = text.index(cue)
    cue_span = doc.char_span(at, at + len(cue))
    span = token_range(doc, (text.index(content), text.index(content) + len(content)))
    assert cue_span is not None and span is not None
    new = point_back(doc, info, span, cue_span.start)
    return str(doc[new[0] : new[1]].text)


@pytest.mark.slow
def test_a_content_that_points_back_is_the_sentence_before(nlp: Any) -> None:
    text = (
        "Russia is preparing a new offensive near Kharkiv and has massed troops. "
        "The Institute for the Study of War said this in a new assessment."
    )
    assert _pointed(nlp, text, "this in a new assessment", "said") == text[: text.index(" The")]
    # Across a paragraph break: the attribution opens its own paragraph.
    text = (
        "Ukraine will receive more air defence systems before the winter.\n\n"
        "Juri Ratas, chairman of the Estonian parliament, said this at a briefing in Kyiv."
    )
    assert _pointed(nlp, text, "this at a briefing in Kyiv", "said") == text[: text.index("\n")]


@pytest.mark.slow
def test_a_pointer_under_no_verb_of_saying_or_with_a_clause_stays(nlp: Any) -> None:
    # "blame" is no verb of saying: "this" names no statement.
    text = "The losses mounted quickly. They can't blame this on President Bush."
    assert _pointed(nlp, text, "this on President Bush", "blame") == "this on President Bush"
    # "this is a turning point": "this" is the content's subject, not a pointer.
    text = "The talks ended. She said this is a turning point for Europe."
    content = "this is a turning point for Europe"
    assert _pointed(nlp, text, content, "said") == content
    # Nothing before the attribution to point at.
    assert _pointed(nlp, "He said this at a briefing.", "this at a briefing", "said") == (
        "this at a briefing"
    )


@pytest.mark.slow
def test_a_pointed_sentence_another_attribution_holds_is_not_repeated(nlp: Any) -> None:
    from claimledger.extract.attribution import extract_doc, load_model

    text = (
        "Ukraine will get more air defence soon, the minister promised.\n\n"
        "Juri Ratas, chairman of the Estonian parliament, said this at a joint briefing."
    )
    found = extract_doc(nlp(text), model=load_model())
    held = [text[a.content[0] : a.content[1]] for a in found]
    assert not any(h.startswith("this") for h in held)
    assert sum(h.startswith("Ukraine will get") for h in held) == 1


def test_content_parts_drop_the_attribution_between_quotations() -> None:
    text = '"Wall Street is cynical," said Tim Hess, a developer. "But you listen." Next.'
    content = (0, text.index(" Next"))
    cue = (text.index("said"), text.index("said") + 4)
    source = (text.index("Tim"), text.index("Tim") + len("Tim Hess"))
    parts = content_parts(text, content, cue, source)
    assert [_sub(text, p) for p in parts] == ['"Wall Street is cynical,"', '"But you listen."']
    # a content that does not contain its cue is one part
    assert content_parts(text, (0, 25), cue, source) == ((0, 25),)


def test_content_parts_of_reported_speech_keep_words_next_to_quoted_words() -> None:
    text = 'He was "ready" for it, Mr. Morgan said, and "willing" to go.'
    cue = (text.index("said"), text.index("said") + 4)
    source = (text.index("Mr."), text.index("Mr.") + len("Mr. Morgan"))
    parts = content_parts(text, (0, len(text) - 1), cue, source)
    assert [_sub(text, p) for p in parts] == ['He was "ready" for it', 'and "willing" to go']


@pytest.mark.slow
def test_paragraph_break_cuts_unquoted_content(nlp: Any) -> None:
    text = (
        "She said the Mission had asked for access, so far without an answer.\n\n"
        "## Kasel region\n\nMonitors counted vehicles."
    )
    doc = nlp(text)
    info = doc_info(doc, {})
    start = text.index("the Mission")
    span = token_range(doc, (start, text.index("region") + len("region")))
    assert span is not None
    cut = trim_paragraphs(info, span, doc.char_span(4, 8).start)  # type: ignore[union-attr]
    assert (
        doc[cut[0] : cut[1]].text == "the Mission had asked for access, so far without an answer."
    )


@pytest.mark.slow
def test_paragraph_break_inside_a_quotation_is_kept(nlp: Any) -> None:
    text = '"We are ready.\n\n"We have been ready for weeks," she said.'
    doc = nlp(text)
    info = doc_info(doc, {})
    span = token_range(doc, (0, text.index(" she")))
    assert span is not None
    said = doc.char_span(text.index("said"), text.index("said") + 4)
    assert said is not None
    assert trim_paragraphs(info, span, said.start) == span


# An agency story as one site prints it: an advertisement line and a dash-framed heading
# before the paragraph with the attribution, none ending a sentence, so the parser runs them
# into it.
FURNITURE = (
    "EU states accuse it of squeezing supplies.\n\nAdvertisement\n\n"
    "\u2013 Grain deliveries to start \u2018this week\u2019 \u2013\n\n"
    "Ukraine expects the first grain shipments under a UN-Turkey brokered deal to leave its "
    "ports \u201cthis week\u201d, its infrastructure minister says, despite Russian strikes on "
    "the Black Sea port of Odessa.\n"
)


@pytest.mark.slow
@pytest.mark.parametrize(("rules_off", "cut"), [([], True), (["AT_PARAGRAPHS"], False)])
def test_a_fallback_content_stops_at_the_paragraph_break(rules_off: list[str], cut: bool) -> None:
    from claimledger.extract.attribution import extract_texts

    [found] = extract_texts([FURNITURE], rules_off=rules_off)
    contents = [FURNITURE[a.content[0] : a.content[1]] for a in found]
    assert any("first grain shipments" in c for c in contents)
    assert any("Advertisement" in c for c in contents) is not cut
    if cut:
        assert all("Grain deliveries" not in c for c in contents)


def _signed(nlp: Any, text: str, cue: str = "said") -> tuple[str, str] | None:
    from claimledger.extract.attribution_rules import inverted_signature

    doc = nlp(text)
    at = text.rindex(cue)
    cue_span = doc.char_span(at, at + len(cue))
    assert cue_span is not None
    found = inverted_signature(doc, doc_info(doc, {}), cue_span)
    if found is None:
        return None
    (c0, c1), (s0, s1) = found
    return doc[c0:c1].text, doc[s0:s1].text


@pytest.mark.slow
def test_a_quotation_signed_dash_said_speaker_has_its_speaker_as_source(nlp: Any) -> None:
    text = (
        "There will be no war with Ukraine on the part of Russia - said on Friday the head "
        "of Russian diplomacy Sergei Lavrov in an interview with radio stations."
    )
    assert _signed(nlp, text) == (
        "There will be no war with Ukraine on the part of Russia",
        "the head of Russian diplomacy Sergei Lavrov",
    )
    # A line that opens with a dash is one quotation, its sentences included.
    text = (
        "Talks went on in Geneva.\n\n"
        "- We do not want a war. We will not let our interests be ignored - said the "
        "minister."
    )
    assert _signed(nlp, text) == (
        "We do not want a war. We will not let our interests be ignored",
        "the minister",
    )


@pytest.mark.slow
def test_no_signature_without_the_dash_or_a_speaker_after_the_verb(nlp: Any) -> None:
    assert _signed(nlp, "The minister said on Friday that there will be no war.") is None
    assert _signed(nlp, "There will be no war with Ukraine - he said.") is None


@pytest.mark.slow
def test_a_deed_is_no_cue(nlp: Any) -> None:
    from claimledger.extract.attribution_rules import is_act_cue

    doc = nlp("The House on Saturday approved the aid bill for the allies.")
    info = doc_info(doc, {})
    approved = next(t.i for t in doc if t.text == "approved")
    assert is_act_cue(info, approved)
    doc = nlp("The minister said on Saturday that the bill would pass.")
    said = next(t.i for t in doc if t.text == "said")
    assert not is_act_cue(doc_info(doc, {}), said)


def _unquoted(nlp: Any, text: str) -> list[tuple[str, str, str]]:
    from claimledger.extract.attribution_rules import signed_lines

    doc = nlp(text)
    return [
        (doc[c0:c1].text, source.text, cue.text)
        for (c0, c1), source, cue in signed_lines(doc, doc_info(doc, {}))
    ]


@pytest.mark.slow
def test_a_statement_signed_after_a_dash_without_quotation_marks(nlp: Any) -> None:
    # Translated agency copy: a line opened by a dash, signed "- said <speaker>", the next
    # sentence run on without a space.
    text = (
        "Talks went on.\n\n- If Belarus is attacked or Russia is attacked, there will be war - "
        "said Lukashenko.He also threatened the Baltic States."
    )
    assert _unquoted(nlp, text) == [
        (
            "If Belarus is attacked or Russia is attacked, there will be war",
            "Lukashenko",
            "said",
        )
    ]
    # The speaker before the verb, a particle kept with the verb.
    text = (
        "Energy matters because we must end the dependence on fossil fuels from Russia - the "
        "head of the European Commission emphasized."
    )
    assert _unquoted(nlp, text) == [
        (
            "Energy matters because we must end the dependence on fossil fuels from Russia",
            "the head of the European Commission",
            "emphasized",
        )
    ]
    text = "No one can think they will be immune to these sanctions - the minister pointed out."
    assert _unquoted(nlp, text)[0][1:] == ("the minister", "pointed out")


@pytest.mark.slow
def test_a_signature_verb_parsed_as_a_modifier_of_the_speaker(nlp: Any) -> None:
    # The parser reads "assessed" as an adjective of "director": the speaker is the name the
    # verb modifies, not the verb with it.
    text = (
        "The leadership in Beijing is worried about the war, partly because its own services "
        "did not foresee that the invasion would happen - assessed CIA director William Burns."
    )
    assert _unquoted(nlp, text) == [
        (
            "The leadership in Beijing is worried about the war, partly because its own "
            "services did not foresee that the invasion would happen",
            "CIA director William Burns",
            "assessed",
        )
    ]


@pytest.mark.slow
def test_a_dash_aside_is_no_signature(nlp: Any) -> None:
    # A dash that opens an aside, a hyphen in a word, a signature with no verb of saying.
    assert _unquoted(nlp, "The army - which had waited for weeks - said it would move.") == []
    assert _unquoted(nlp, "The long-range missiles were fired at the city at night.") == []
    assert _unquoted(nlp, "Sanctions will bite within months - the report in March.") == []


@pytest.mark.slow
def test_extraction_gives_a_dash_signed_statement_its_speaker(nlp: Any) -> None:
    from claimledger.extract.attribution import extract_doc, load_model

    text = (
        "The summit opened on Thursday.\n\n- We must leave the dependence on fossil fuels "
        "from Russia - the head of the European Commission emphasized.\n"
    )
    doc = nlp(text)
    found = extract_doc(doc, model=load_model())
    sourced = {
        text[a.source[0] : a.source[1]]: text[a.content[0] : a.content[1]]
        for a in found
        if a.source
    }
    assert sourced.get("the head of the European Commission") == (
        "We must leave the dependence on fossil fuels from Russia"
    )
    off = extract_doc(doc, model=load_model(), unquoted_signatures=False)
    assert not any(
        a.source and text[a.source[0] : a.source[1]] == "the head of the European Commission"
        for a in off
    )
