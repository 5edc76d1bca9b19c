"""The doubt lexicon (one test per rule, named after its id), features and the learned model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimledger.errors import ExtractError, IngestError
from claimledger.stance.doubt import (
    DOUBT_RULES,
    LEXICAL_NAMES,
    RULE_IDS,
    clean_text,
    doubt_matrix,
    doubt_rules,
    lexical_features,
    read_doubt_model,
)
from claimledger.stance.news_gold import NEWS_GOLD, read_news_gold, sentence_sha1
from claimledger.stance.rumoureval import read_rumoureval


def _fires(rule: str, text: str) -> bool:
    return rule in doubt_rules(text)


def test_rule_ids_are_unique_and_documented() -> None:
    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert all(r.purpose and r.pattern for r in DOUBT_RULES)
    doc = (Path(__file__).resolve().parents[2] / "docs" / "stance.md").read_text(encoding="utf-8")
    assert all(f"`{rid}`" in doc for rid in RULE_IDS)


def test_ASK_SOURCE() -> None:
    assert _fires("ASK_SOURCE", "@newsdesk source?")
    assert _fires("ASK_SOURCE", "Any proof ?")
    assert not _fires("ASK_SOURCE", "The source said the column left at dawn.")


def test_IS_IT_TRUE() -> None:
    assert _fires("IS_IT_TRUE", "Is this true? Can't find it anywhere")
    assert _fires("IS_IT_TRUE", "Really?")
    assert not _fires("IS_IT_TRUE", "This is what they said on Tuesday.")


def test_ASK_CONFIRMATION() -> None:
    assert _fires("ASK_CONFIRMATION", "Can anyone confirm this")
    assert _fires("ASK_CONFIRMATION", "Confirmed?")
    assert not _fires("ASK_CONFIRMATION", "The ministry confirmed the figures.")


def test_NO_EVIDENCE() -> None:
    assert _fires("NO_EVIDENCE", "He offered no proof that the convoy had left.")
    assert _fires("NO_EVIDENCE", "There is little evidence the pressure was kept up.")
    assert not _fires("NO_EVIDENCE", "Investigators gathered evidence of the shelling.")


def test_CANNOT_VERIFY() -> None:
    assert _fires("CANNOT_VERIFY", "The figures could not be independently verified.")
    assert _fires("CANNOT_VERIFY", "Washington has not been able to verify the reports.")
    assert _fires("CANNOT_VERIFY", "Kyiv has not confirmed any strikes.")
    assert not _fires("CANNOT_VERIFY", "The ministry confirmed the strikes.")


def test_UNCONFIRMED() -> None:
    assert _fires("UNCONFIRMED", "These are unconfirmed reports.")
    assert _fires("UNCONFIRMED", "The withdrawal is yet to be confirmed.")
    assert not _fires("UNCONFIRMED", "The withdrawal was confirmed on Monday.")


def test_CAST_DOUBT() -> None:
    assert _fires("CAST_DOUBT", "The official cast doubt on the announcement.")
    assert _fires("CAST_DOUBT", "Western leaders are sceptical of the plan.")
    assert _fires("CAST_DOUBT", "She questioned whether the troops had left.")
    assert not _fires("CAST_DOUBT", "The troops left on Tuesday morning.")


def test_WAIT_AND_SEE() -> None:
    assert _fires("WAIT_AND_SEE", "We will see, then we will believe.")
    assert _fires("WAIT_AND_SEE", "Whether it works remains to be seen.")
    assert _fires("WAIT_AND_SEE", "We won't believe when we hear, we'll believe when we see.")
    assert _fires("WAIT_AND_SEE", "Seeing is believing, the minister said.")
    assert not _fires("WAIT_AND_SEE", "We believe the column will leave.")
    assert not _fires("WAIT_AND_SEE", "We saw the column leave.")


def test_DEMAND_EVIDENCE() -> None:
    assert _fires("DEMAND_EVIDENCE", "Kyiv asked to see evidence that the soldiers had left.")
    assert _fires("DEMAND_EVIDENCE", "Show us the proof.")
    assert _fires("DEMAND_EVIDENCE", "Where is the evidence?")
    assert not _fires("DEMAND_EVIDENCE", "The report shows the evidence gathered in May.")


def test_UNSURE() -> None:
    assert _fires("UNSURE", "I'm not sure that is what happened.")
    assert _fires("UNSURE", "It is unclear whether the vote will be held.")
    assert not _fires("UNSURE", "It is clear the vote will be held.")


def test_ASKED_WHETHER() -> None:
    assert _fires("ASKED_WHETHER", "Reporters asked on Wednesday whether the units had left.")
    assert not _fires("ASKED_WHETHER", "Reporters asked for a comment.")


def test_WH_QUESTION() -> None:
    assert _fires("WH_QUESTION", "Why would they pull back now?")
    assert not _fires("WH_QUESTION", "Why they pulled back is known.")


def test_YES_NO_QUESTION() -> None:
    assert _fires("YES_NO_QUESTION", "Did they really leave? Nobody saw it.")
    assert not _fires("YES_NO_QUESTION", "They did leave. Everybody saw it.")


def test_clean_text_drops_links_and_handles() -> None:
    assert clean_text("@a @b_c is this true? http://t.co/xyz &amp; more") == "is this true? & more"
    assert clean_text("") == ""


def test_lexical_features_shape_and_counts() -> None:
    row = lexical_features("@x source? really??")
    assert row.shape == (len(LEXICAL_NAMES),)
    named = dict(zip(LEXICAL_NAMES, row.tolist(), strict=True))
    assert named["ASK_SOURCE"] == 1.0 and named["IS_IT_TRUE"] == 1.0
    assert named["question_marks"] == 3.0 and named["ends_with_question"] == 1.0
    assert named["DEMAND_EVIDENCE"] == 0.0


def test_doubt_matrix_rows() -> None:
    rng = np.random.default_rng(0)
    c = rng.normal(size=(2, 8)).astype(np.float32)
    t = rng.normal(size=(2, 8)).astype(np.float32)
    x = doubt_matrix(c, t, ["source?", "They left."])
    assert x.shape == (2, 8 + 1 + len(LEXICAL_NAMES))
    assert np.allclose(x[:, 8], (c * t).sum(axis=1))
    assert doubt_matrix(c[:0], t[:0], []).shape == (0, 8 + 1 + len(LEXICAL_NAMES))


def test_missing_doubt_model_is_e201(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="E201"):
        read_doubt_model(tmp_path)


def test_packaged_doubt_model_loads_and_scores() -> None:
    model = read_doubt_model()
    assert 0.0 < model.threshold < 1.0
    v = np.zeros((2, 384), dtype=np.float32)
    v[:, 0] = 1.0
    p = model.predict_proba(v, v, ["Is this true? Source?", "They left on Tuesday."])
    assert p.shape == (2,) and np.all((p >= 0) & (p <= 1))
    assert p[0] > p[1]  # same vectors: the lexicon alone separates them


def test_read_rumoureval_maps_labels_and_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "re.jsonl"
    rows = [
        {"id": "1", "thread": "t", "event": "e", "source_text": "R", "text": "src?",
         "stance": "query", "is_source": False},
        {"id": "2", "source_text": "R", "text": "yes", "stance": "support"},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    posts = read_rumoureval(path)
    assert [(p.id, p.stance, p.claim) for p in posts] == [
        ("1", "questions", "R"),
        ("2", "supports", "R"),
    ]
    path.write_text(json.dumps(dict(rows[0], stance="maybe")) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"E104 .*line 1: unknown stance 'maybe'"):
        read_rumoureval(path)
    path.write_text("{nope\n", encoding="utf-8")
    with pytest.raises(IngestError, match="E104"):
        read_rumoureval(path)


def test_news_gold_holds_references_not_text() -> None:
    refs = [json.loads(line) for line in NEWS_GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(refs) >= 150
    keys = {"corpus", "file", "start", "end", "sha1", "claim", "stance", "split"}
    assert all(set(r) == keys for r in refs)
    assert {r["stance"] for r in refs} == {"questions", "refutes", "supports", "discusses"}
    assert {r["split"] for r in refs} == {"train", "dev"}
    # No article is in both splits, and no held-out article (10-28 Feb 2022) is used.
    split_of: dict[str, set[str]] = {}
    for r in refs:
        split_of.setdefault(r["file"], set()).add(r["split"])
        if r["corpus"] == "ukraine-news":
            assert not "20220210" <= r["file"][:8] <= "20220228", r["file"]
    assert all(len(s) == 1 for s in split_of.values())


def test_news_gold_resolves_against_datasets(datasets: Path) -> None:
    items = read_news_gold(datasets)
    assert len(items) >= 150
    assert all(i.text.strip() == i.text and len(i.text) > 20 for i in items)


def test_news_gold_sha1_mismatch_is_e104(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    art = root / "ukraine-news" / "articles"
    art.mkdir(parents=True)
    (art / "a.txt").write_text("First one. Second one.", encoding="utf-8")
    ref = {"corpus": "ukraine-news", "file": "a.txt", "start": 0, "end": 10,
           "sha1": sentence_sha1("First one."), "claim": "c", "stance": "questions",
           "split": "dev"}  # fmt: skip
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(ref) + "\n", encoding="utf-8")
    assert [i.text for i in read_news_gold(root, gold)] == ["First one."]
    gold.write_text(json.dumps(dict(ref, end=9)) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"E104 .*line 1: .*SHA-1 mismatch"):
        read_news_gold(root, gold)


@pytest.mark.slow
def test_training_entry_point_on_tiny_input(tmp_path: Path, embedder: Any) -> None:
    """``python -m claimledger.stance.train_doubt`` fits, saves and reloads a model."""
    from claimledger.stance.train_doubt import main

    queries = ["is this true? source?", "Really? any proof?", "who confirmed this?",
               "can anyone confirm?", "source please?", "is that real?"]  # fmt: skip
    others = ["so sad for the families", "Police confirmed it an hour ago", "this is awful",
              "prayers for everyone there", "yes it was on the news", "terrible news today"]  # fmt: skip
    lines = []
    for n, (text, stance) in enumerate(
        [(q, "query") for q in queries] + [(o, "comment") for o in others]
    ):
        event = f"e{n % 3}"
        lines.append(json.dumps({"id": str(n), "thread": event, "event": event,
                                 "source_text": "Gunmen attacked the office.", "text": text,
                                 "stance": stance}))  # fmt: skip
    folder = tmp_path / "re"
    folder.mkdir()
    (folder / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "dev.jsonl").write_text("\n".join(lines[:4] + lines[-4:]) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    assert (
        main(["--rumoureval", str(folder), "--out", str(out), "--cache", str(tmp_path / "c")]) == 0
    )
    model = read_doubt_model(out)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["metrics"]["n_train"] == {"rumoureval": 12, "news": 0}
    assert 0.3 <= meta["threshold"] <= 0.95
    vecs = embedder.encode(["Gunmen attacked the office.", "is it true? source?"])
    p = model.predict_proba(vecs[:1], vecs[1:], ["is it true? source?"])
    assert p.shape == (1,) and 0.0 <= p[0] <= 1.0


P_ST = np.array([0.6, 0.1, 0.3])  # agree, disagree, discuss


@pytest.mark.parametrize(
    ("label", "p_doubt", "expected"),
    [
        ("agree", 0.9, "questions"),
        ("disagree", 0.9, "questions"),
        ("discuss", 0.9, "questions"),
        ("unrelated", 0.9, "questions"),
        ("agree", 0.5, "supports"),
        ("unrelated", 0.5, "unrelated"),
        ("agree", None, "supports"),
    ],
)
def test_learned_doubt_in_refine_stance(label: str, p_doubt: float | None, expected: str) -> None:
    from claimledger.stance.predict import refine_stance

    text = "They left on Tuesday."  # no lexical cue: only the classifier can say questions
    stance, conf = refine_stance(
        label, 0.7, 0.1 if label == "unrelated" else 0.9, P_ST, text,
        short=True, p_doubt=p_doubt, doubt_threshold=0.75,
    )  # fmt: skip
    assert stance == expected
    if expected == "questions":
        assert p_doubt is not None and conf >= p_doubt
    assert 0.0 <= conf <= 1.0


def test_observed_absence_stays_refutes_before_learned_doubt() -> None:
    from claimledger.stance.predict import refine_stance

    claim = "Varnian units are pulling back from the border."
    text = "Monitors found no withdrawal of units from the border area."
    got = refine_stance(
        "discuss", 0.5, 0.8, P_ST, text, short=True, claim=claim, p_doubt=0.99, doubt_threshold=0.75
    )
    assert got[0] == "refutes"


WITHDRAWAL = "Varnia is pulling its troops back from the border with Ostrela."


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Is this true? Who confirmed it?",
        "Ostrela asked to see evidence that the soldiers had really left.",
        "Washington has not been able to verify reports of troops moving away.",
        "We have no confirmation of that so far, the minister said.",
    ],
)
def test_doubt_about_a_withdrawal_is_questions(text: str, embedder: Any) -> None:
    from claimledger.stance.predict import predict_stance

    ((stance, conf),) = predict_stance([(WITHDRAWAL, text)], embedder=embedder)
    assert stance == "questions", text
    assert 0.0 < conf <= 1.0


@pytest.mark.slow
def test_reply_asking_for_a_source_needs_the_classifier(embedder: Any) -> None:
    """A bare demand for a source shares no word with the claim: only the model sees doubt."""
    from claimledger.stance.predict import predict_stance

    pair = [(WITHDRAWAL, "source? any link for this?")]
    assert predict_stance(pair, embedder=embedder)[0][0] == "questions"
    assert predict_stance(pair, embedder=embedder, use_doubt_model=False)[0][0] != "questions"


@pytest.mark.slow
def test_plain_confirmation_is_not_questions(embedder: Any) -> None:
    from claimledger.stance.predict import predict_stance

    text = "The defence ministry confirmed that the last units left the border area on Monday."
    ((stance, _),) = predict_stance([(WITHDRAWAL, text)], embedder=embedder)
    assert stance != "questions"
