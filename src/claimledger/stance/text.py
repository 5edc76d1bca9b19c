"""Text helpers shared by stance training and prediction: sentence splitting, tokens."""

from __future__ import annotations

import re

_SENT_RE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[-*•])")
_ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|St|Jr|Sr|Inc|Corp|Co|vs|Jan|Feb|Mar|Apr|"
    r"Aug|Sept|Sep|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])\.$"
)
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_SENTENCES = 80
MAX_SENTENCE_CHARS = 600


def split_sentences(text: str, *, max_sentences: int = MAX_SENTENCES) -> list[str]:
    """Split a body into sentences with a cheap regex (no parser).

    Args:
        text: Any text; empty or odd text gives an empty list.
        max_sentences: Keep at most this many sentences (the lead of a body).

    Returns:
        Non-empty stripped sentences, each cut to ``MAX_SENTENCE_CHARS``.
    """
    out: list[str] = []
    glue = False
    for part in _SENT_RE.split(text or ""):
        for line in part.split("\n"):
            s = " ".join(line.split())
            if len(s) < 2:
                continue
            if glue and out:
                out[-1] = f"{out[-1]} {s}"
            else:
                out.append(s)
            glue = bool(_ABBREV_RE.search(s))
    return [s[:MAX_SENTENCE_CHARS] for s in out[:max_sentences]]


def tokens(text: str) -> list[str]:
    """Return lower-cased word tokens of ``text``."""
    return _TOKEN_RE.findall((text or "").lower())
