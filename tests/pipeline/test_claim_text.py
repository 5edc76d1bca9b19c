"""What a claim opened from a noun phrase says (PR_NOMINAL, ``opening.claim_text``), read
with a real parse: a leader promises a package "as he warned that ...". What was promised
is a noun phrase, so the claim is told with its speaker and cue, and the rest of the
content (a quoted word, the warning) stays in it.
"""

from __future__ import annotations

from typing import Any

import pytest

from claimledger.extract.claimhood import assess
from claimledger.pipeline.opening import claim_text
from claimledger.records import Statement

TEXT = (
    'He has promised the "biggest ever" package of military aid for Ostrela as he warned '
    "that the war would spread to the region if Ostrela fell."
)
SOURCE, CUE = "He", "has promised"


def _statement() -> Statement:
    c0 = len("He has promised ")
    content = TEXT[c0:].rstrip(".")
    return Statement(
        id="s1",
        article_id="a1",
        content=(c0, c0 + len(content)),
        content_text=content,
        kind="indirect",
        source=(0, len(SOURCE)),
        source_text=SOURCE,
        cue=(len(SOURCE) + 1, len(SOURCE) + 1 + len(CUE)),
        cue_text=CUE,
        speaker="Ivo Marden",
        attributed=True,
    )


@pytest.mark.parametrize("rules_off", [(), ("PR_NOMINAL",)])
def test_a_promised_noun_phrase_is_told_with_its_speaker_and_cue(
    nlp: Any, rules_off: tuple[str, ...]
) -> None:
    st = _statement()
    [(prop, _)] = assess([st.content_text], [st.speaker], nlp=nlp, rules_off=rules_off)
    text = claim_text(TEXT, st, prop)
    if rules_off:
        # Off: the noun phrase stands as the claim, as if it were a proposition.
        assert text.startswith('The "biggest ever" package')
    else:
        # The pronoun source is told by its speaker; the quote and the warning stay.
        assert text.startswith('Ivo Marden has promised the "biggest ever" package'), text
        assert text.endswith("if Ostrela fell"), text
