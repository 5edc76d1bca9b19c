"""Storing articles: idempotent re-ingest and syndication grouping, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from claimledger.config import load_config
from claimledger.ingest.sources import make_article
from claimledger.ingest.store import Stored, store_articles
from claimledger.records import Article

DEDUP = load_config(environ={}).dedup
SUBJECTS = [
    "The defence ministry",
    "The foreign minister",
    "A military spokesman",
    "Border guards",
    "The alliance chief",
    "Monitors",
    "The prime minister",
    "Local officials",
]
VERBS = ["said", "reported", "warned", "announced", "denied", "claimed", "confirmed", "insisted"]
OBJECTS = [
    "troops were returning to base",
    "columns of tanks moved toward the border",
    "a field hospital was being built",
    "exercises would end on Sunday",
    "no withdrawal had been observed",
    "new sanctions were being prepared",
    "talks would resume next week",
    "the bridge had been destroyed",
    "artillery was seen near the river",
    "the convoy stretched for miles",
]
PLACES = [
    "near the northern border",
    "in the capital",
    "at a briefing",
    "on state television",
    "in a statement",
    "after a meeting",
    "late on Monday",
    "on Tuesday morning",
]


def _story(rng: random.Random, n: int = 9) -> list[str]:
    return [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(PLACES)} that {rng.choice(OBJECTS)}, "
        f"adding that {rng.choice(OBJECTS)} {rng.choice(PLACES)}."
        for _ in range(n)
    ]


def _variants(rng: random.Random, paras: list[str], agency: str | None) -> list[str]:
    """Syndicated copies: trimmed tail, an inserted local sentence, a reworded sentence, a byline."""
    lead = f"MOSCOW ({agency}) - " if agency else ""
    base = lead + " ".join(paras)
    trimmed = lead + " ".join(paras[:-2])
    local = lead + " ".join(
        paras[:4] + ["Our correspondent added local reaction from the town square."] + paras[4:]
    )
    reworded = lead + " ".join(
        p.replace(" said ", " stated ", 1) if i == 2 else p for i, p in enumerate(paras)
    )
    return rng.sample([base, trimmed, local, reworded], k=rng.randint(2, 4))


def build_grouping_set(seed: int = 11) -> tuple[list[Article], dict[str, int]]:
    """Articles and their true group: 12 stories with 2-4 copies each, plus 12 singletons on the same topic."""
    rng = random.Random(seed)
    arts: list[Article] = []
    truth: dict[str, int] = {}
    t0 = datetime(2022, 2, 15, tzinfo=UTC)
    for g in range(12):
        paras = _story(rng)
        agency = rng.choice([None, "Reuters", "AP", "AFP"])
        for v, text in enumerate(_variants(rng, paras, agency)):
            art = make_article(
                text,
                item=f"g{g}v{v}",
                url=f"https://site{v}.example/story-{g}",
                outlet=f"Outlet {v}",
                published=t0 + timedelta(hours=g + v),
            )
            arts.append(art)
            truth[art.id] = g
    for s in range(12):
        art = make_article(
            " ".join(_story(rng)),
            item=f"s{s}",
            url=f"https://solo.example/{s}",
            outlet="Solo",
            published=t0 + timedelta(days=1, hours=s),
        )
        arts.append(art)
        truth[art.id] = 100 + s
    rng.shuffle(arts)
    return arts, truth


def pair_scores(pred: dict[str, str], truth: dict[str, int]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(truth), 2):
        same_true = truth[a] == truth[b]
        same_pred = pred[a] == pred[b]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def _store(ledger, arts):  # type: ignore[no-untyped-def]
    return [x for x in store_articles(arts, ledger=ledger, config=DEDUP) if isinstance(x, Stored)]


def test_reingest_is_a_noop(ledger) -> None:  # type: ignore[no-untyped-def]
    arts, _ = build_grouping_set()
    first = _store(ledger, arts[:10])
    counts = {t: ledger.count(t) for t in ("articles", "origins", "outlets")}
    again = _store(ledger, arts[:10])
    assert all(s.new for s in first) and not any(s.new for s in again)
    assert {t: ledger.count(t) for t in counts} == counts


def test_same_canonical_url_with_other_text_is_a_revision(ledger) -> None:  # type: ignore[no-untyped-def]
    from claimledger.store.models import RevisionRow

    art = make_article(
        "One text about troops near the border today.",
        item="x",
        url="https://www.e.example/a?utm_source=t",
        published=datetime(2022, 2, 1, 9, tzinfo=UTC),
    )
    other = replace(
        make_article(
            "A slightly edited text about troops near the border.",
            item="y",
            published=datetime(2022, 2, 1, 15, tzinfo=UTC),
        ),
        url="https://e.example/a/",
    )
    third = replace(
        make_article(
            "A text edited twice about troops near the border.",
            item="z",
            published=datetime(2022, 2, 2, 8, tzinfo=UTC),
        ),
        url="https://e.example/a",
    )
    [a, b, c] = _store(ledger, [art, other, third])
    assert a.new and a.revision is None
    assert b.new and b.revision == 2 and b.article.id != art.id
    assert c.new and c.revision == 3
    # Syndicated copies and revisions share the first revision's origin.
    assert a.article.origin_id == b.article.origin_id == c.article.origin_id
    assert ledger.count("articles") == 3 and ledger.count("origins") == 1
    stored = {x.id: x for x in ledger.articles()}
    assert stored[b.article.id].published == datetime(2022, 2, 1, 15, tzinfo=UTC)
    assert not stored[b.article.id].date_estimated
    with ledger.session() as s:
        chain = {
            r.article_id: (r.document_id, r.seq, r.previous_id) for r in s.query(RevisionRow).all()
        }
    assert chain == {
        b.article.id: (a.article.id, 2, a.article.id),
        c.article.id: (a.article.id, 3, b.article.id),
    }


def test_reingesting_a_revision_is_a_duplicate(ledger) -> None:  # type: ignore[no-untyped-def]
    first = make_article(
        "The mayor said the bridge would reopen on Monday.",
        item="x",
        url="https://news.example/bridge",
        published=datetime(2022, 3, 1, tzinfo=UTC),
    )
    edit = make_article(
        "The mayor said the bridge would reopen on Tuesday.",
        item="y",
        url="https://news.example/bridge",
        published=datetime(2022, 3, 2, tzinfo=UTC),
    )
    _store(ledger, [first, edit])
    again = _store(ledger, [first, edit, edit])
    assert [s.new for s in again] == [False, False, False]
    assert ledger.count("articles") == 2 and ledger.count("origins") == 1


def test_a_revision_without_a_later_date_is_dated_by_its_ingest_time(ledger) -> None:  # type: ignore[no-untyped-def]
    when = datetime(2022, 3, 1, tzinfo=UTC)
    first = make_article(
        "The port said ferries would sail at noon.",
        item="p",
        url="https://p.example/f",
        published=when,
    )
    edit = make_article(
        "The port said ferries would sail at dusk.",
        item="q",
        url="https://p.example/f",
        published=when,
    )
    before = datetime.now(UTC)
    [_, b] = _store(ledger, [first, edit])
    got = ledger.get_article(b.article.id)
    assert got.published is not None and got.published >= before - timedelta(seconds=1)
    assert got.date_estimated and got.date_source == "ingest"


def test_syndication_grouping_precision_recall(ledger) -> None:  # type: ignore[no-untyped-def]
    arts, truth = build_grouping_set()
    stored = _store(ledger, arts)
    pred = {s.article.id: s.article.origin_id or "" for s in stored}
    precision, recall = pair_scores(pred, truth)
    assert precision >= 0.95, precision
    assert recall >= 0.9, recall
    assert ledger.count("origins") == len(set(pred.values()))


def test_grouping_does_not_depend_on_order(ledger, stores) -> None:  # type: ignore[no-untyped-def]
    from claimledger.store.ledger import Ledger

    arts, truth = build_grouping_set(seed=5)
    other = Ledger.open(stores.new())
    p1 = {s.article.id: s.article.origin_id for s in _store(ledger, arts)}
    p2 = {s.article.id: s.article.origin_id for s in _store(other, list(reversed(arts)))}
    groups1 = {frozenset(a for a in p1 if p1[a] == o) for o in p1.values()}
    groups2 = {frozenset(a for a in p2 if p2[a] == o) for o in p2.values()}
    assert groups1 == groups2
    other.close()


def test_concurrent_revisions_of_one_article_take_turns(ledger, ledger_url) -> None:  # type: ignore[no-untyped-def]
    """Writers storing different edits of one article at once: each gets its own place."""
    from concurrent.futures import ThreadPoolExecutor

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import RevisionRow

    url = "https://news.example/ferry"
    first = make_article(
        "The port said the ferry would sail at noon.",
        item="f",
        url=url,
        published=datetime(2022, 3, 1, tzinfo=UTC),
    )
    _store(ledger, [first])
    edits = [
        make_article(
            f"The port said the ferry would sail at {hour} o'clock.",
            item=f"e{hour}",
            url=url,
            published=datetime(2022, 3, 1, hour, tzinfo=UTC),
        )
        for hour in (2, 3, 4, 5)
    ]
    writers = [Ledger.open(ledger_url) for _ in edits]
    try:
        with ThreadPoolExecutor(len(edits)) as pool:
            got = list(pool.map(_store, writers, [[e] for e in edits]))
    finally:
        for w in writers:
            w.close()
    assert all(s.new for [s] in got)
    with ledger.session() as s:
        seqs = sorted(r.seq for r in s.query(RevisionRow).all())
    assert seqs == [2, 3, 4, 5]
    assert ledger.count("articles") == 5 and ledger.count("origins") == 1
