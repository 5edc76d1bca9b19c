"""Hand-labelled news sentences with their stance towards a claim, kept as references.

``models/stance/doubt/news_stance.jsonl`` holds one JSON object per sentence: the article
(``corpus`` ``ukraine-news`` or ``polnear``, ``file`` relative to the corpus folder), the
sentence's character offsets ``start``/``end`` (Python ``str`` indices of the UTF-8
decoded file, end exclusive), ``sha1`` of the sentence text, ``claim`` (the claim the
stance is towards, in the labeller's own words), ``stance`` (questions, refutes, supports,
discusses) and ``split`` (train or dev). The sentences themselves are never stored: they
are read back from ``../shared/datasets`` and checked against their SHA-1.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from claimledger.errors import Code, IngestError
from claimledger.records import STANCES, Stance

NEWS_GOLD = (
    Path(__file__).resolve().parent.parent / "models" / "stance" / "doubt" / "news_stance.jsonl"
)
# Where each corpus's files live under the datasets folder.
CORPUS_DIRS: dict[str, str] = {
    "ukraine-news": "ukraine-news/articles",
    "polnear-train": "polnear/train/text",
    "polnear-dev": "polnear/dev/text",
}


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One labelled sentence, resolved to its text."""

    id: str
    claim: str
    text: str
    stance: Stance
    split: str
    article: str  # corpus/file: sentences of one article stay in one split


def sentence_sha1(text: str) -> str:
    """The SHA-1 of a sentence as stored in the gold file."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_news_gold(datasets: Path, gold: Path = NEWS_GOLD) -> list[NewsItem]:
    """Resolve the gold references against the datasets folder.

    Raises:
        IngestError: E101 when a file cannot be read, E104 naming the gold line when a
            reference is malformed or its sentence no longer matches its SHA-1.
    """
    try:
        lines = gold.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(Code.E101, str(gold), reason=str(exc)) from exc
    texts: dict[str, str] = {}
    out: list[NewsItem] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            ref = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise IngestError(Code.E104, str(gold), line=n, reason=exc.msg) from exc
        keys = ("corpus", "file", "start", "end", "sha1", "claim", "stance", "split")
        if not isinstance(ref, dict) or any(k not in ref for k in keys):
            raise IngestError(Code.E104, str(gold), line=n, reason=f"needs {', '.join(keys)}")
        if ref["corpus"] not in CORPUS_DIRS or ref["stance"] not in STANCES:
            raise IngestError(Code.E104, str(gold), line=n, reason="unknown corpus or stance")
        path = datasets / CORPUS_DIRS[ref["corpus"]] / ref["file"]
        if str(path) not in texts:
            try:
                texts[str(path)] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise IngestError(Code.E101, str(path), reason=str(exc)) from exc
        sentence = texts[str(path)][int(ref["start"]) : int(ref["end"])]
        if sentence_sha1(sentence) != ref["sha1"]:
            raise IngestError(Code.E104, str(gold), line=n, reason="sentence SHA-1 mismatch")
        out.append(
            NewsItem(
                id=f"{ref['corpus']}/{ref['file']}:{ref['start']}",
                claim=str(ref["claim"]),
                text=sentence,
                stance=ref["stance"],
                split=str(ref["split"]),
                article=f"{ref['corpus']}/{ref['file']}",
            )
        )
    return out
