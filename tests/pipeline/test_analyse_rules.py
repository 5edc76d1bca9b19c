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
