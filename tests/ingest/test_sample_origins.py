"""Syndication grouping measured on the sample corpus against its expected origin groups."""

from __future__ import annotations

import itertools
import json

from claimledger.config import load_config
from claimledger.ingest.sources import Defaults
from claimledger.pipeline.local import store_sources
from tests_paths import SAMPLE  # type: ignore[import-not-found]


def test_sample_corpus_origins(ledger) -> None:  # type: ignore[no-untyped-def]
    config = load_config(environ={"CLAIMLEDGER_EXTRACT__ACTORS_FILE": str(SAMPLE / "actors.yaml")})
    report = store_sources(
        [str(SAMPLE / "corpus")],
        ledger=ledger,
        config=config,
        defaults=Defaults(),
        run_id="t",
    )
    assert not report.failures
    expected = json.loads((SAMPLE / "expected.json").read_text("utf-8"))
    by_url = {a.url: a.origin_id for a in ledger.articles()}
    group_of = {url: i for i, group in enumerate(expected["origins"]) for url in group}
    urls = sorted(by_url)
    tp = fp = fn = 0
    for a, b in itertools.combinations(urls, 2):
        same_true = a in group_of and group_of.get(a) == group_of.get(b)
        same_pred = by_url[a] == by_url[b]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    assert tp > 0
    assert fp == 0, "articles of different stories were merged"
    assert fn == 0, "syndicated copies were not grouped"
