"""Short stance pairs derived from FNC-format data, and the contrast features."""

from __future__ import annotations

import pytest

from claimledger.records import Statement
from claimledger.stance.data import StancePair
from claimledger.stance.features import CONTRAST_NAMES, contrast_features
from claimledger.stance.predict import statement_stance_text
from claimledger.stance.short import headline_pairs, sentence_pairs

WITHDRAW = "Units have begun pulling back from the border and will return to their bases."


def _feats(claim: str, text: str) -> dict[str, float]:
    return dict(zip(CONTRAST_NAMES, contrast_features(claim, text), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "The number of armoured vehicles at the camp has increased since last week.",
        "There has been no withdrawal of troops from the region.",
        "Forces remain deployed near the border in greater numbers.",
    ],
)
def test_opposite_direction_is_a_clash(text: str) -> None:
    assert _feats(WITHDRAW, text)["dir_clash"] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Units were returning to their permanent bases by road and rail.",
        "The troops are leaving the border area.",
        "The football club signed a new striker.",
    ],
)
def test_same_direction_or_no_direction_is_no_clash(text: str) -> None:
    assert _feats(WITHDRAW, text)["dir_clash"] == 0.0


def test_contrast_features_cues_and_odd_text() -> None:
    f = _feats("The ministry confirmed the strike.", "The ministry denied it; that is false.")
    assert f["antonym_clash"] >= 1 and f["denial_text"] >= 2 and f["denial_claim"] == 0
    g = _feats("Artillery shelled Lerin.", "Monitors found no shelling near Lerin, however.")
    assert g["neg_object_claim_word"] == 1.0 and g["contrast_text"] == 1.0
    for claim, text in (("", ""), ("\x00", "???"), ("a", "b" * 10_000)):
        out = contrast_features(claim, text)
        assert len(out) == len(CONTRAST_NAMES) and all(v == v for v in out)


def _pair(head: str, body: str, label: str, source: str = "fnc-1") -> StancePair:
    return StancePair(head, body, f"Body {body}. Second sentence.", label, source)


def test_headline_pairs_labels_and_unrelated() -> None:
    pairs = [
        _pair("A says yes", "1", "agree"),
        _pair("A also yes", "1", "agree"),
        _pair("A denies", "1", "disagree"),
        _pair("A reported", "1", "discuss"),
        _pair("Other story", "1", "unrelated"),
    ]
    out = headline_pairs(pairs)
    got = {(p.headline, p.body): p.label for p in out}
    assert got[("A says yes", "A also yes")] == "agree"
    assert got[("A says yes", "A denies")] == "disagree"
    assert got[("A denies", "A says yes")] == "disagree"
    assert got[("A says yes", "A reported")] == "discuss"
    assert got[("A reported", "A denies")] == "disagree"
    assert [p.label for p in out if p.body == "Other story"] == ["unrelated"]
    assert all(p.body_id == "1" and p.source == "fnc-1/headlines" for p in out)
    assert len(set((p.headline, p.body) for p in out)) == len(out)
    assert headline_pairs(pairs) == out  # deterministic
    assert len(headline_pairs(pairs, max_per_body=2)) == 3  # 2 related + 1 unrelated


def test_sentence_pairs_pick_the_best_sentence() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    body = "The weather was fine. Troops crossed the river at dawn. Nobody was hurt."
    pairs = [
        StancePair("Troops crossed the river", "9", body, "agree", "fnc-1"),
        StancePair("Short post claim", "4", "I disagree. It is false.", "disagree", "arc"),
    ]
    tfidf = TfidfVectorizer().fit([body, "Troops crossed the river", "I disagree. It is false."])
    out = sentence_pairs(pairs, tfidf)
    assert out[0].body == "Troops crossed the river at dawn." and out[0].label == "agree"
    assert out[0].source == "fnc-1/sentences"
    assert out[1].body == "I disagree. It is false."  # a short post is kept whole


def test_statement_stance_text_keeps_the_cue() -> None:
    st = Statement(
        id="s1",
        article_id="a1",
        content=(10, 40),
        content_text="Varnian artillery had fired on Lerin",
        kind="indirect",
        source_text="The ministry",
        cue_text="denied that",
    )
    assert (
        statement_stance_text(st) == "The ministry denied that Varnian artillery had fired on Lerin"
    )
    bare = Statement(id="s2", article_id="a1", content=(0, 5), content_text="Plain.", kind="direct")
    assert statement_stance_text(bare) == "Plain."
    # A neutral cue is the outlet's attribution, not the speaker's stance.
    said = Statement(
        id="s3",
        article_id="a1",
        content=(0, 20),
        content_text="A bridge is being built",
        kind="indirect",
        source_text="local farmers",
        cue_text="according to",
    )
    assert statement_stance_text(said) == "A bridge is being built"
    asked = Statement(
        id="s4",
        article_id="a1",
        content=(0, 20),
        content_text="whether the assessment had been wrong",
        kind="indirect",
        cue_text="Asked on Wednesday",
    )
    assert statement_stance_text(asked).startswith("Asked on Wednesday whether")


def test_a_relayed_sentence_is_its_own_stance_text() -> None:
    sentence = "Ostrela had denied from the start that it had flown any drone near the border."
    relayed = Statement(
        id="s9",
        article_id="a1",
        content=(100, 100 + len(sentence)),
        content_text=sentence,
        kind="indirect",
        source=(100, 107),
        source_text="Ostrela",
        cue=(108, 118),
        cue_text="had denied",
        attributed=True,
    )
    # Not "Ostrela had denied Ostrela had denied ...": the sentence already says who denies.
    assert statement_stance_text(relayed) == sentence
