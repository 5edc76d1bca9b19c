"""One hostile article must not stop the analysis of the others, now or on any later run.

Found by fuzzing ``resolve_times``: "in 500000 months" overflowed the date
arithmetic. Inside ``claimledger ingest`` that exception escaped the analysis
of the whole batch, so every later run stopped at the same article again and
nothing after it was ever analysed (a poison pill).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rel_helpers import run_cli

GOOD = (
    "The Varnian Defence Ministry said on Sunday that its units had begun returning to their "
    "permanent bases after the exercises ended. Observers said they had not seen any sign of it."
)
POISON = [
    "Officials said the repairs would be finished in 500000 months, the ministry said.",
    "The minister said troops would leave within 10000000000000000000 hours.",
]


@pytest.mark.slow
def test_hostile_time_expressions_do_not_block_the_ledger(tmp_path: Path, ledger_url: str) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"text": POISON[0], "published": "2025-03-01T08:00:00Z", "outlet": "A"},
        {"text": GOOD, "published": "2025-03-02T08:00:00Z", "outlet": "B"},
        {"text": POISON[1], "published": "2025-03-03T08:00:00Z", "outlet": "C"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got = run_cli(ledger_url, "ingest", str(src))
    assert "Traceback" not in got.stderr, got.stderr[-3000:]
    from sqlalchemy import select

    from claimledger.store.ledger import Ledger
    from claimledger.store.models import ArticleRow

    ledger = Ledger.open(ledger_url)
    try:
        with ledger.session() as s:
            good_done = s.scalar(
                select(ArticleRow.processed).where(
                    ArticleRow.text.like("The Varnian Defence Ministry%")
                )
            )
    finally:
        ledger.close()
    assert good_done is True, "the good article was never analysed"
