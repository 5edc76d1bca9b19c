"""Article context: an article that relays a claim lends it its other, nameless sentences.

Also what else one article does to its claims: a second sentence on a claim the
article has just opened is a report on it, and only a supporting report dates a
prediction.

Linking runs for real (vector index, linker, store); the stance model is replaced
by a table of stances per statement text, so each test fixes what the stance
stage would say and checks what linking does with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimledger.config import load_config
from claimledger.pipeline.actor_tables import actor_table
from claimledger.pipeline.analyse import DIM, Analysed
from claimledger.pipeline.claim_index import forget_open_indexes
from claimledger.pipeline.process import link_analysed
from claimledger.records import Article, Origin, Statement, hash_id
from claimledger.store.ledger import Ledger

CLAIM = "Varnian artillery shelled the Ostrelan village of Lerin overnight."
RELAY = "Varnian artillery had shelled the village of Lerin."
EVIDENCE = "The fragments and the craters were consistent with recent artillery fire."
CHATTER = "The shell fragments and the craters will be examined again by the monitors."
FAR = "The weather was mild for the time of year."
OTHER_CLAIM = "A fuel depot exploded in the Varnian town of Hollin."


def _unit(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = (v / np.linalg.norm(v)).astype(np.float32)
    return out


RNG = np.random.default_rng(11)
BASE = _unit(RNG.standard_normal(DIM))
OTHER = _unit(RNG.standard_normal(DIM))


def _near(cos: float, to: np.ndarray = BASE) -> np.ndarray:
    """A unit vector at cosine ``cos`` from ``to``."""
    noise = RNG.standard_normal(DIM)
    noise -= (noise @ to) * to
    return _unit(cos * to + np.sqrt(1.0 - cos**2) * _unit(noise))


class _Stances:
    """Stand-in for ``predict_stance``: a stance per statement text, recorded as asked."""

    def __init__(self, table: dict[str, tuple[str, float]]) -> None:
        self.table = table
        self.asked: list[tuple[str, str]] = []

    def __call__(self, pairs: list[tuple[str, str]]) -> list[tuple[str, float]]:
        self.asked.extend(pairs)
        return [self.table.get(text, ("unrelated", 0.9)) for _, text in pairs]


@pytest.fixture
def config() -> Any:
    return load_config(environ={}, user_file=Path("/nonexistent"))


def _article(ledger: Ledger, key: str, day: int, outlet: str) -> Article:
    art = Article(
        id=hash_id(key, prefix="a"),
        text=key,
        url=f"https://{key}.example/",
        outlet=outlet,
        published=datetime(2025, 3, day, 9, tzinfo=UTC),
    )
    with ledger.session() as s:
        ledger.add_article(
            s,
            art,
            canonical_url=art.url,
            minhash=None,
            buckets=[],
            origin=Origin(id=hash_id(key, prefix="g"), first_article_id=art.id),
        )
    return art


def _analysed(art: Article, items: list[tuple[str, np.ndarray, float]]) -> Analysed:
    """An article's statements with their vectors and check-worthiness (all attributed)."""
    from claimledger.link.linker import linking_entities

    an = Analysed(article=art, statements=[])
    for i, (text, vec, worth) in enumerate(items):
        st = Statement(
            id=hash_id(art.id, i, prefix="s"),
            article_id=art.id,
            content=(i * 100, i * 100 + len(text)),
            content_text=text,
            kind="indirect",
            speaker="someone",
            checkworthiness=worth,
        )
        an.statements.append(st)
        an.vectors[st.id] = vec.tobytes()
        an.entities[st.id] = sorted(linking_entities(text))
    return an


def _run(
    ledger: Ledger,
    config: Any,
    monkeypatch: pytest.MonkeyPatch,
    article: list[tuple[str, np.ndarray, float]],
    stances: dict[str, tuple[str, float]],
    *,
    claims: list[tuple[str, np.ndarray]],
    resolution: dict[str, date] | None = None,
) -> tuple[dict[str, Any], _Stances]:
    """Open ``claims`` (one article each), then link ``article``; links by statement text."""
    from claimledger.stance import predict

    stub = _Stances(stances)
    monkeypatch.setattr(predict, "predict_stance", stub)
    forget_open_indexes()
    table = actor_table("")
    for n, (text, vec) in enumerate(claims):
        art = _article(ledger, f"claim{n}", 9, "Claimant News")
        link_analysed(
            [_analysed(art, [(text, vec, 0.9)])], ledger=ledger, config=config, actors=table
        )
    art = _article(ledger, "report", 10, "Observer")
    an = _analysed(art, article)
    for st in an.statements:
        if st.content_text in (resolution or {}):
            an.resolution[st.id] = (resolution or {})[st.content_text]
    link_analysed([an], ledger=ledger, config=config, actors=table)
    text_of = {st.id: st.content_text for st in an.statements}
    links = {text_of[lk.statement_id or ""]: lk for lk in ledger.links(article_id=art.id)}
    return links, stub


def test_a_nameless_supporting_sentence_links_to_the_claim_its_article_relays(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    links, stub = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3), (EVIDENCE, _near(0.42), 0.3), (FAR, _near(0.2), 0.3)],
        {RELAY: ("supports", 0.8), EVIDENCE: ("supports", 0.64), FAR: ("supports", 0.9)},
        claims=[(CLAIM, BASE)],
    )
    [claim_id] = sqlite_ledger.all_claim_ids()
    assert set(links) == {RELAY, EVIDENCE}
    ev = links[EVIDENCE]
    assert (ev.claim_id, ev.role, ev.stance) == (claim_id, "evidence", "supports")
    assert 0.35 <= ev.similarity < 0.55  # below the linking threshold: only the article ties it
    # Too far from the claim even for context: never offered to the stance model.
    assert all(text != FAR for _, text in stub.asked)


def test_a_context_sentence_that_only_discusses_is_not_linked_and_opens_its_claim(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    links, stub = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3), (CHATTER, _near(0.42), 0.8)],
        {RELAY: ("supports", 0.8), CHATTER: ("discusses", 0.9)},
        claims=[(CLAIM, BASE)],
    )
    assert sum(text == CHATTER for _, text in stub.asked) == 1  # offered once, then refused
    assert links[CHATTER].role == "assertion"  # check-worthy and unlinked: a claim of its own
    assert links[CHATTER].claim_id != links[RELAY].claim_id


def test_a_check_worthy_context_sentence_is_evidence_and_a_claim_of_its_own(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Evidence about the claim the article relays is not a way of saying it: the lead of
    # a story that relays an older claim still opens the claim it makes itself.
    _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3), (EVIDENCE, _near(0.42), 0.8)],
        {RELAY: ("supports", 0.8), EVIDENCE: ("supports", 0.64)},
        claims=[(CLAIM, BASE)],
    )
    art_id = hash_id("report", prefix="a")
    [evidence_id] = [
        st.id for st in sqlite_ledger.statements(article_id=art_id) if st.content_text == EVIDENCE
    ]
    roles = {
        lk.role: lk.claim_id
        for lk in sqlite_ledger.links(article_id=art_id)
        if lk.statement_id == evidence_id
    }
    assert set(roles) == {"evidence", "assertion"}
    assert roles["evidence"] != roles["assertion"]


def test_no_context_without_a_relay(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    links, stub = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(EVIDENCE, _near(0.42), 0.3)],
        {EVIDENCE: ("supports", 0.9)},
        claims=[(CLAIM, BASE)],
    )
    assert links == {} and stub.asked == []


def test_an_article_relaying_two_claims_lends_neither_its_other_sentences(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hollin = "The Hollin depot fire was reported by the ministry."
    links, stub = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3), (hollin, _near(0.9, OTHER), 0.3), (EVIDENCE, _near(0.42), 0.3)],
        {RELAY: ("supports", 0.8), hollin: ("supports", 0.8), EVIDENCE: ("supports", 0.9)},
        claims=[(CLAIM, BASE), (OTHER_CLAIM, OTHER)],
    )
    assert set(links) == {RELAY, hollin}
    assert links[RELAY].claim_id != links[hollin].claim_id
    assert all(text != EVIDENCE for _, text in stub.asked)


@pytest.mark.parametrize(
    ("sentence", "cos"),
    [
        # Names only other places.
        ("Shells also fell near Pellin and Kasto during the same week.", 0.42),
        # A line about the speaker, near in embedding space, shares no word with the shelling.
        ("The spokesman, a former army officer, has held the post since 2021.", 0.45),
    ],
)
def test_a_context_sentence_about_something_else_is_not_offered(
    sqlite_ledger: Ledger,
    config: Any,
    monkeypatch: pytest.MonkeyPatch,
    sentence: str,
    cos: float,
) -> None:
    links, stub = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3), (sentence, _near(cos), 0.3)],
        {RELAY: ("supports", 0.8), sentence: ("supports", 0.9)},
        claims=[(CLAIM, BASE)],
    )
    assert set(links) == {RELAY}
    assert all(text != sentence for _, text in stub.asked)


def test_a_second_sentence_on_a_claim_the_article_opens_is_a_report_on_it(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = "Varnian artillery shelled Lerin again before dawn, the ministry added."
    # Another point of the same article on the same subject, not a paraphrase.
    other = "Varnian artillery has shelled border villages every week since February."
    links, _ = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(CLAIM, _near(0.99), 0.9), (again, _near(0.85), 0.9), (other, _near(0.6), 0.9)],
        {again: ("supports", 0.8), other: ("supports", 0.8)},
        claims=[],
    )
    claim_id = links[CLAIM].claim_id
    assert links[CLAIM].role == "assertion"
    assert len(sqlite_ledger.all_claim_ids()) == 2  # the paraphrase joins, the other point not
    # The other point opens a claim of its own and is evidence about the first one
    # (EV_SAME_ARTICLE): a statement may be evidence about several claims.
    roles = {
        (lk.claim_id == claim_id, lk.role)
        for lk in sqlite_ledger.links()
        if lk.statement_id == links[other].statement_id
    }
    assert roles == {(False, "assertion"), (True, "evidence")}
    assert (links[again].claim_id, links[again].role, links[again].stance) == (
        claim_id,
        "report",
        "supports",
    )


@pytest.mark.parametrize(("stance", "dated"), [("supports", True), ("discusses", False)])
def test_only_a_supporting_report_dates_a_claim(
    sqlite_ledger: Ledger,
    config: Any,
    monkeypatch: pytest.MonkeyPatch,
    stance: str,
    dated: bool,
) -> None:
    when = date(2025, 3, 12)
    _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(RELAY, _near(0.9), 0.3)],
        {RELAY: (stance, 0.8)},
        claims=[(CLAIM, BASE)],
        resolution={RELAY: when},
    )
    [claim_id] = sqlite_ledger.all_claim_ids()
    assert sqlite_ledger.get_claim(claim_id).resolution_date == (when if dated else None)


def test_a_restatement_the_stance_model_finds_unrelated_is_a_claim_of_its_own(
    sqlite_ledger: Ledger, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = "Varnian artillery shelled Lerin again before dawn, the ministry added."
    links, _ = _run(
        sqlite_ledger,
        config,
        monkeypatch,
        [(CLAIM, _near(0.99), 0.9), (again, _near(0.85), 0.9)],
        {},  # every stance "unrelated"
        claims=[],
    )
    assert links[again].role == "assertion"
    assert links[again].claim_id != links[CLAIM].claim_id
