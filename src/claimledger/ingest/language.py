"""The language of an article, and whether the models cover it.

The extraction, check-worthiness and stance models are English; an article in
another language is stored but not analysed, and says so.
"""

from __future__ import annotations

# ISO 639-1 codes of the languages the analysis models cover.
ANALYSED_LANGUAGES: frozenset[str] = frozenset({"en"})


def analysed(language: str | None) -> bool:
    """Whether an article in ``language`` is analysed (unknown languages are tried)."""
    return language is None or language in ANALYSED_LANGUAGES


def analysis_note(language: str | None) -> str | None:
    """``"not analysed: language xx"`` for a language the models do not cover, else None."""
    return None if analysed(language) else f"not analysed: language {language}"
