"""The not-a-claim rules as ``analyse_articles`` applies them to a real article's lines.

Real spaCy parse and MiniLM embeddings; what is asserted is which statement a rule marks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from claimledger.config import load_config
from claimledger.eval.rules import with_rule_off
from claimledger.pipeline.analyse import analyse_articles, told_with_frame
from claimledger.records import Article, Statement, hash_id

BODY = (
    "KYIV, March 3 - Ukraine's army said on Monday that it had repelled an attack near Lerin.\n"
    "Read also: Ukraine's army says it has repelled an attack near Hollin\n"
    "The general staff said the fighting continued through the night.\n"
)


def _article(text: str) -> Article:
    return Article(
        id=hash_id(text, prefix="a"),
        text=text,
        url="https://example.example/a",
        outlet="example.example",
        published=datetime(2025, 3, 3, 9, tzinfo=UTC),
    )


def test_a_line_opened_by_a_link_label_opens_no_claim() -> None:
    (an,) = analyse_articles([_article(BODY)], config=load_config())
    teaser = BODY.index("Read also:")
    by_line = {
        st.id: (st.content[0] > teaser and st.content[0] < BODY.index("The general"))
        for st in an.statements
    }
    assert any(by_line.values()), "the teaser's sentence was not read as a statement"
    for sid, on_link_line in by_line.items():
        if on_link_line:
            assert an.not_claim.get(sid) == "NC_LINK_LINE"
        else:
            assert an.not_claim.get(sid) != "NC_LINK_LINE"


PRONOUNS = (
    "Russia's ambassador Vasily Nebenzya slammed the West on Monday, claiming it is trying "
    "to start a war in Ukraine.\n"
    "The French President said he will ask Mr Putin for clarification.\n"
)


def test_a_pronoun_subject_is_the_speaker_only_if_they_agree() -> None:
    art = _article(PRONOUNS)
    config = load_config()
    (an,) = analyse_articles([art], config=config)
    texts = {p.text for p in an.propositions.values()}
    assert "It is trying to start a war in Ukraine" in texts
    assert "French President will ask Mr Putin for clarification" in texts
    (an,) = analyse_articles([art], config=with_rule_off(config, "PR_PRONOUN_AGREES"))
    assert any(
        p.text.endswith("is trying to start a war in Ukraine") and not p.text.startswith("It")
        for p in an.propositions.values()
    )


def _said(text: str, source: str | None, cue: str, content: str) -> Statement:
    c0 = text.index(content)
    q0 = text.index(cue)
    return Statement(
        id="s1",
        article_id="a1",
        content=(c0, c0 + len(content)),
        content_text=content,
        kind="indirect",
        source=(text.index(source), text.index(source) + len(source)) if source else None,
        source_text=source,
        cue=(q0, q0 + len(cue)),
        cue_text=cue,
        attributed=True,
    )


def test_a_fragment_is_told_with_its_frame_only_when_someone_said_it() -> None:
    accused = "Moscow accused Washington of trying to draw Russia into a war."
    st = _said(accused, "Moscow", "accused", "Washington of trying to draw Russia into a war")
    assert told_with_frame(accused, st)
    promo = "To learn more about the history of the conflict, subscribe to Example Nation."
    st = _said(promo, None, "To learn more about", "the history of the conflict")
    assert not told_with_frame(promo, st)


def test_an_announced_act_is_told_with_its_frame() -> None:
    text = "President Joe Biden has announced a new $1 billion security package for Ukraine."
    st = _said(text, "President Joe Biden", "has announced", "a new $1 billion security package")
    assert told_with_frame(text, st)
    assert not told_with_frame(text, st, rules_off=("CL_ANNOUNCED_ACT",))
    # Another verb of saying with a noun phrase tells no act: "stressed | the importance".
    text = "President Joe Biden stressed the importance of unity."
    st = _said(text, "President Joe Biden", "stressed", "the importance of unity")
    assert not told_with_frame(text, st)


OUTLET_PRONOUN = (
    "Ukrainian President Volodymyr Zelensky said on Monday that the army had held the line "
    "near Bakhmut through the night.\n"
    "He was due to meet the defence ministers of Poland and Lithuania in Kyiv on Tuesday.\n"
)


def test_an_outlet_he_is_the_person_quoted_before() -> None:
    config = load_config()
    (an,) = analyse_articles([_article(OUTLET_PRONOUN)], config=config)
    texts = {p.text for p in an.propositions.values()}
    assert any(t.startswith("Volodymyr Zelensky was due to meet") for t in texts), texts
    (off,) = analyse_articles(
        [_article(OUTLET_PRONOUN)], config=with_rule_off(config, "PR_OUTLET_PRONOUN")
    )
    assert any(p.text.startswith("He was due to meet") for p in off.propositions.values())


def _line(text: str, speaker: str | None, start: int) -> Statement:
    return Statement(
        id=hash_id(text, prefix="s"),
        article_id="a1",
        content=(start, start + len(text)),
        content_text=text,
        kind="indirect",
        speaker=speaker,
        source_text=speaker,
        actor_id="volodymyr-zelensky" if speaker else None,
        attributed=speaker is not None,
    )


def test_pronoun_antecedents_are_quoted_in_the_sentence_before() -> None:
    from claimledger.pipeline.actor_tables import actor_table
    from claimledger.pipeline.analyse import pronoun_antecedents

    table = actor_table()
    text = (
        "Volodymyr Zelensky said the army had held the line. "
        "He was due to meet the ministers. "
        "It was due to meet the ministers. "
        "Fighting went on in the east. Kyiv was calm. "
        "He was due to fly to Warsaw."
    )

    def line(words: str, speaker: str | None = None) -> Statement:
        at = text.index(words)
        return _line(words, speaker, at)

    quoted = line("the army had held the line", "Volodymyr Zelensky")
    he = line("He was due to meet the ministers")
    it = line("It was due to meet the ministers")
    far = line("He was due to fly to Warsaw")
    sts = [far, it, he, quoted, line("Fighting went on in the east"), line("Kyiv was calm")]
    # The sentence just before quotes him; "It" is no person's; two sentences between the
    # quote and the last "He" may name anyone.
    assert pronoun_antecedents(sts, table, text) == {he.id: "Volodymyr Zelensky"}
    assert pronoun_antecedents(sts, table, text, rules_off=("PR_OUTLET_PRONOUN",)) == {}
