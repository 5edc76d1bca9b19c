"""The pair model: MiniLM read as a cross-encoder, its top layers trained, stored and read back.

The real packaged MiniLM runs; training is a few steps on a handful of written pairs (the
full run is ``make train-pair``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from claimledger.stance.pair import PAIR_LABELS, base_pair_model, read_pair_model, save_pair_model
from claimledger.stance.train_pair import acceptable, gold_pairs, same_article_pairs, train

ROWS = [
    ("Russia is pulling troops back from the border.", "Troops were seen leaving.", "supports"),
    ("Russia is pulling troops back from the border.", "No troops have left.", "refutes"),
    ("Russia is pulling troops back from the border.", "Is there any proof?", "questions"),
    ("Russia is pulling troops back from the border.", "Grain ships sailed.", "unrelated"),
]


@pytest.mark.slow
def test_only_the_top_layers_train_and_they_read_back(tmp_path: Path) -> None:
    import torch

    model = base_pair_model(layers=1)
    before = {n: p.detach().clone() for n, p in model.encoder.named_parameters()}
    train(model, ROWS * 2, epochs=1, lr=1e-3)
    after = dict(model.encoder.named_parameters())
    moved = {n for n in before if not torch.equal(before[n], after[n])}
    assert moved and all(n.startswith("encoder.layer.5.") for n in moved)

    save_pair_model(model, tmp_path, meta={"metrics": {}})
    again = read_pair_model(tmp_path)
    pairs = [(c, s) for c, s, _ in ROWS]
    first, second = model.probabilities(pairs), again.probabilities(pairs)
    assert first.shape == (4, len(PAIR_LABELS))
    # Stored in half precision: the same reading to a few thousandths.
    assert abs(first - second).max() < 0.02
    assert [s for s, _ in again.predict(pairs)] == [s for s, _ in model.predict(pairs)]
    assert set(acceptable(again, ROWS)) == {"supports", "refutes", "questions", "unrelated"}


def test_a_missing_pair_model_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make train-pair"):
        read_pair_model(tmp_path)


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


BETA = "Beta denied that the bridge had fallen at all."


def _tiny_gold(tmp_path: Path) -> Path:
    """Two stories of one article each: an assertion, its reaction, and (in the first) a
    sentence that is neither."""
    texts = {
        "a.txt": (
            "Alpha said the bridge fell. Beta denied that the bridge had fallen at all. "
            "The river rose again on the third night.\n"
        ),
        "b.txt": "Gamma said grain ships sailed. Delta confirmed it.\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def span(name: str, start: int, end: int) -> dict[str, object]:
        return {"file": name, "span": [start, end], "sha1": _sha(texts[name][start:end])}

    def claim(cid: str, story: str, name: str, stance: str) -> dict[str, object]:
        said, reply = texts[name].split(". ")[:2]
        at = len(said) + 2
        return {
            "id": cid,
            "split": "dev",
            "story": story,
            "kind": "event",
            "gist": "x",
            "claimant": "x",
            "side": "x",
            "asserted": span(name, 0, len(said) + 1),
            "reactions": [
                {
                    **span(name, at, at + len(reply.rstrip(".\n")) + 1),
                    "stance": stance,
                    "speaker": "y",
                    "side": "y",
                    "independent": True,
                }
            ],
            "status": [{"date": "2022-02-01", "status": "unverified"}],
        }

    gold = {
        "version": 1,
        "articles": [
            {"file": n, "published": "2022-02-01T10:00:00Z", "splits": ["dev"]} for n in texts
        ],
        "claims": [
            claim("c1", "bridge", "a.txt", "refutes"),
            claim("c2", "grain", "b.txt", "supports"),
        ],
        "not_claims": [],
    }
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump(gold), encoding="utf-8")
    return path


def test_gold_pairs_are_assertion_reaction_pairs_and_other_stories(tmp_path: Path) -> None:
    path = _tiny_gold(tmp_path)
    rows = gold_pairs(path, tmp_path, "dev", negatives=1)
    assert ("Alpha said the bridge fell.", BETA, "refutes") in rows
    assert ("Gamma said grain ships sailed.", "Delta confirmed it.", "supports") in rows
    # A claim's negative is another story's reaction.
    assert ("Alpha said the bridge fell.", "Delta confirmed it.", "unrelated") in rows
    assert ("Gamma said grain ships sailed.", BETA, "unrelated") in rows
    assert gold_pairs(path, tmp_path, "test") == []


def test_same_article_negatives_and_pairs(tmp_path: Path) -> None:
    path = _tiny_gold(tmp_path)
    river = "The river rose again on the third night."
    rows = gold_pairs(path, tmp_path, "dev", negatives=0, same_article=2)
    # The rest of the claim's own article is unrelated to it; its reaction is not.
    assert ("Alpha said the bridge fell.", river, "unrelated") in rows
    assert ("Alpha said the bridge fell.", BETA, "unrelated") not in rows
    assert not any(r[0].startswith("Gamma") and r[2] == "unrelated" for r in rows)
    pairs = same_article_pairs(path, tmp_path, "dev")
    got = {(r[0][:5], r[1], gold) for r, gold in pairs}
    assert ("Alpha", BETA, True) in got
    assert ("Alpha", river, False) in got
    assert len(pairs) == 3  # two in the bridge story, the grain reaction alone


def _fnc_dir(folder: Path) -> Path:
    """A tiny FNC-1 folder: twenty bodies on two topics, each with four headlines."""
    import csv

    folder.mkdir()
    topics = [
        ("troops", "Russian troops are leaving the border area after the drills ended."),
        ("grain", "Grain ships sailed from Odesa under the deal brokered by Turkey."),
    ]
    with (folder / "train_bodies.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Body ID", "articleBody"])
        for b in range(20):
            _, text = topics[b % 2]
            w.writerow([b, f"{text} Officials said so on day {b}. Observers watched the area."])
    with (folder / "train_stances.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        for b in range(20):
            word, _ = topics[b % 2]
            other = topics[(b + 1) % 2][0]
            w.writerow([f"The {word} are leaving as officials said", b, "agree"])
            w.writerow([f"No {word} have left, observers said", b, "disagree"])
            w.writerow([f"Officials discuss the {word} in the area", b, "discuss"])
            w.writerow([f"The {other} story of another day", b, "unrelated"])
    return folder


@pytest.mark.slow
def test_the_training_entry_point_on_tiny_input(tmp_path: Path) -> None:
    """``python -m claimledger.stance.train_pair`` trains, measures, saves and reads back."""
    import json

    from claimledger.stance.train_pair import main

    rumours = tmp_path / "re"
    rumours.mkdir()
    posts = [("is this true? source?", "query"), ("they have left, I saw it", "support"),
             ("no they have not", "deny"), ("so sad", "comment")]  # fmt: skip
    lines = [
        json.dumps(
            {
                "id": str(n),
                "thread": "t",
                "event": "e",
                "text": text,
                "stance": stance,
                "source_text": "Troops are leaving the border.",
            }
        )  # fmt: skip
        for n, (text, stance) in enumerate(posts)
    ]
    for name in ("train.jsonl", "dev.jsonl"):
        (rumours / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts = tmp_path / "arts"
    arts.mkdir()
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        yaml.safe_dump({"version": 1, "articles": [], "claims": [], "not_claims": []}),
        encoding="utf-8",
    )
    out = tmp_path / "pair"
    argv = ["--fnc", str(_fnc_dir(tmp_path / "fnc")), "--rumoureval", str(rumours),
            "--articles", str(arts), "--gold", str(gold), "--out", str(out),
            "--per-class", "4", "--layers", "1"]  # fmt: skip
    assert main(argv) == 0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["layers"] == 1 and meta["labels"] == list(PAIR_LABELS)
    assert meta["metrics"]["train_pairs"] == 16 + 5  # four FNC pairs a stance; replies
    assert set(meta["metrics"]["rumoureval_dev_f1"]) == {"questions", "refutes", "supports",
                                                         "discusses"}  # fmt: skip
    assert read_pair_model(out).predict([("Troops leave.", "They left.")])[0][0] in PAIR_LABELS
