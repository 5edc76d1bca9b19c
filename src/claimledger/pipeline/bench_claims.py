"""The claim stage's cost per article, beside the spaCy parse of the same articles.

One process, one run, so that the ratios cancel most machine noise. The sample corpus's
articles are stored in a fresh SQLite ledger, then timed stage by stage:

- *parse*: spaCy's whole pipeline over the article texts (what extraction starts from);
- *analysis*: ``analyse_articles`` (extraction, check-worthiness, propositions, vectors);
- *propositions*: the claim stage's reading of each statement (``claimhood.assess``: a
  parse of each content, its proposition and its not-a-claim words), timed on its own;
- *linking*: ``link_analysed`` (candidates from the index, same claim or evidence,
  stance, claims opened, the store).

The claim stage is propositions plus linking. Used by ``make bench``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from claimledger.config import load_config
from claimledger.store.ledger import Ledger

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "corpus" / "articles.jsonl"


def bench_claim_stage(articles: int = 0) -> dict[str, Any]:
    """Milliseconds per article of each stage and the claim stage's ratio to the parse.

    Args:
        articles: How many of the sample corpus's articles to use (0: all of them).
    """
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.claimhood import assess
    from claimledger.extract.proposition import is_denial
    from claimledger.pipeline.analyse import analyse_articles
    from claimledger.pipeline.local import ingest
    from claimledger.pipeline.process import link_analysed
    from claimledger.pipeline.statements import asserted_content, speaker_name

    config = load_config(environ={})
    nlp = load_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(f"sqlite:///{tmp}/bench.db")
        ingest([str(SAMPLE)], ledger=ledger, config=config, analyse=False)
        todo = ledger.articles(unprocessed=True)
        todo = todo[:articles] if articles else todo
        texts = [a.text for a in todo]
        list(nlp.pipe(texts[:2]))  # models loaded before the clocks start
        analyse_articles(todo[:1], config=config)

        t0 = time.perf_counter()
        list(nlp.pipe(texts))
        parse = time.perf_counter() - t0

        t0 = time.perf_counter()
        analysed = analyse_articles(todo, config=config)
        analysis = time.perf_counter() - t0

        statements = [st for an in analysed for st in an.statements]
        t0 = time.perf_counter()
        assess(
            [asserted_content(st) for st in statements],
            [speaker_name(st) for st in statements],
            nlp=nlp,
            denials=[st.attributed and is_denial(st.cue_text) for st in statements],
        )
        propositions = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = link_analysed(analysed, ledger=ledger, config=config)
        linking = time.perf_counter() - t0
        claims = ledger.count("claims")
        ledger.close()

    n = max(len(todo), 1)

    def ms(seconds: float) -> float:
        return round(1000 * seconds / n, 1)

    claim_stage = propositions + linking
    return {
        "articles": len(todo),
        "statements": len(statements),
        "claims": claims,
        "links": report.links,
        "parse_ms_per_article": ms(parse),
        "analysis_ms_per_article": ms(analysis),
        "propositions_ms_per_article": ms(propositions),
        "linking_ms_per_article": ms(linking),
        "claim_stage_ms_per_article": ms(claim_stage),
        "ratio_claim_stage_vs_parse": round(claim_stage / parse, 2) if parse else None,
        "ratio_analysis_vs_parse": round(analysis / parse, 2) if parse else None,
    }
