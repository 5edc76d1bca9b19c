"""A statement kept as a contradiction of one claim may still open a claim of its own.

``EV_WEAK_OPENS``: "Washington says a fake video shows a staged attack on Russian forces"
contradicts "Russia may attack at any moment" and is an accusation worth tracking in its
own right. The candidate search is replaced by a fixed answer (one contradiction
candidate, nothing above the threshold): what is tested is what the matcher makes of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from claimledger.config import Config, load_config
from claimledger.link import linker
from claimledger.link.linker import Candidate, ClaimCandidate, PairScore
from claimledger.pipeline.analyse import DIM, Analysed
from claimledger.pipeline.matching import match_statements
from claimledger.records import Article, Statement

TEXT = "Washington says a fake video shows a staged attack on Russian forces."


def _config(*rules_off: str) -> Config:
    from pathlib import Path

    return load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"claims": {"rules_off": list(rules_off)}},
    )


def _analysed() -> tuple[Analysed, Statement]:
    art = Article(id="a1", text=TEXT, published=datetime(2022, 2, 6, tzinfo=UTC))
    st = Statement(
        id="s1",
        article_id="a1",
        content=(16, len(TEXT) - 1),
        content_text=TEXT[16:-1],
        kind="indirect",
        source=(0, 10),
        source_text="Washington",
        cue=(11, 15),
        cue_text="says",
        speaker="Washington",
        actor_id="usa",
        attributed=True,
    )
    an = Analysed(article=art, statements=[st])
    an.vectors[st.id] = np.ones(DIM, dtype=np.float32).tobytes()
    return an, st


@pytest.fixture()
def only_a_contradiction(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = Candidate(
        pair=PairScore(0.4, 1.0, False, 0, 0.4, True),
        key=7,
        claim=ClaimCandidate(claim_id="c-attack", text="Russia may attack at any moment"),
    )

    def scored(*_: Any, **__: Any) -> tuple[list[Candidate], Candidate | None]:
        return [], weak

    monkeypatch.setattr(linker, "scored_candidates", scored)


@pytest.mark.usefixtures("only_a_contradiction")
@pytest.mark.parametrize(("rules_off", "opens"), [((), True), (("EV_WEAK_OPENS",), False)])
def test_a_contradiction_still_opens_its_own_claim(rules_off: tuple[str, ...], opens: bool) -> None:
    an, st = _analysed()
    matched, unmatched = match_statements(
        an,
        index=None,
        lookup=None,
        config=_config(*rules_off),
        facts=None,  # type: ignore[arg-type]
    )
    assert [(m.claim_id, m.weak) for m in matched] == [("c-attack", True)]
    assert (st in unmatched) is opens
