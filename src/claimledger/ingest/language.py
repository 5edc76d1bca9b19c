"""The language of an article, and whether the models cover it.

The extraction, check-worthiness and stance models are English; an article in
another language is stored but not analysed, and says so ("not analysed:
language ru"). Detection is CLD2 (package ``pycld2``): a compiled library of
about 10 MB with its tables built in, deterministic, no model download, and
reliable on news-length text. A text too short or too mixed to tell gets no
language and is analysed like English.
"""

from __future__ import annotations

import re

import pycld2

# ISO 639-1 codes of the languages the analysis models cover.
ANALYSED_LANGUAGES: frozenset[str] = frozenset({"en"})
# CLD2 reads at most this much of a text: the lead of an article tells its language.
_SAMPLE_CHARS = 20_000
_MIN_WORDS_ALONE = 12
# Characters CLD2 refuses as invalid input: C0 controls (but tab and line breaks), DEL,
# C1 controls and noncharacters.
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def detect_language(text: str) -> str | None:
    """The ISO 639 code of the language ``text`` is written in, or None when unsure."""
    sample = _REFUSED.sub(" ", text[:_SAMPLE_CHARS])
    sample = sample.encode("utf-8", "replace").decode("utf-8")
    if len(sample.split()) < 3:
        return None
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:  # input CLD2 still refuses: no language rather than no article
        return None
    codes = [str(d[1]) for d in details if str(d[1]) not in ("un", "xxx")]
    if not codes:
        return None
    # CLD2 calls a paragraph or two "unreliable"; one language alone in a dozen words is enough.
    if not reliable and (len(codes) > 1 or len(sample.split()) < _MIN_WORDS_ALONE):
        return None
    return codes[0].lower()


def analysed(language: str | None) -> bool:
    """Whether an article in ``language`` is analysed (unknown languages are tried)."""
    return language is None or language in ANALYSED_LANGUAGES


def analysis_note(language: str | None) -> str | None:
    """``"not analysed: language xx"`` for a language the models do not cover, else None."""
    return None if analysed(language) else f"not analysed: language {language}"
