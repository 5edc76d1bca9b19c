"""Every article is stored; only languages the models cover are analysed, the others say so."""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.config import load_config
from claimledger.ingest.language import analysed, analysis_note, detect_language
from claimledger.ingest.sources import make_article
from claimledger.ingest.store import Stored, store_articles
from claimledger.pipeline.views import article_json

ENGLISH = (
    "The Varnian Defence Ministry said on Sunday that units deployed for the winter exercises "
    "had begun returning to their permanent bases. Observers on the border said they had seen "
    "no sign of it."
)
# Written for this test: the same story in Russian and in French.
RUSSIAN = (
    "Министерство обороны Варнии заявило в воскресенье, что подразделения, участвовавшие в "
    "зимних учениях, начали возвращаться в места постоянной дислокации. Наблюдатели на "
    "границе сообщили, что не видели никаких признаков отвода войск."
)
FRENCH = (
    "Le ministère de la Défense de Varnie a annoncé dimanche que les unités déployées pour les "
    "exercices d'hiver avaient commencé à regagner leurs bases. Les observateurs à la frontière "
    "ont déclaré n'en avoir vu aucun signe."
)


@pytest.mark.parametrize(
    ("text", "code"), [(ENGLISH, "en"), (RUSSIAN, "ru"), (FRENCH, "fr")], ids=["en", "ru", "fr"]
)
def test_news_paragraphs_are_told_apart(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    ["", "OK", "12 34 56 78", "\x00\x01\x02 \ufffe \x7f" * 20, "\ud800 lone surrogate " * 5],
    ids=["empty", "one-word", "digits", "controls", "surrogates"],
)
def test_text_that_cannot_be_told_has_no_language_and_is_analysed(text: str) -> None:
    assert detect_language(text) is None
    assert analysed(None) and analysis_note(None) is None


def test_only_english_is_analysed() -> None:
    assert analysed("en") and not analysed("ru")
    assert analysis_note("ru") == "not analysed: language ru"


def test_a_russian_article_is_stored_not_analysed_and_says_so(ledger: Any) -> None:
    dedup = load_config(environ={}).dedup
    items = [make_article(ENGLISH, item="en.txt"), make_article(RUSSIAN, item="ru.txt")]
    stored = {
        s.article.source: s
        for s in store_articles(items, ledger=ledger, config=dedup)
        if isinstance(s, Stored)
    }
    assert {k: s.article.language for k, s in stored.items()} == {"en.txt": "en", "ru.txt": "ru"}
    pending = {a.id for a in ledger.articles(unprocessed=True)}
    assert pending == {stored["en.txt"].article.id}
    russian = ledger.get_article(stored["ru.txt"].article.id)
    assert russian.language == "ru"
    assert article_json(russian)["analysis"] == "not analysed: language ru"
    assert article_json(ledger.get_article(stored["en.txt"].article.id))["analysis"] is None
