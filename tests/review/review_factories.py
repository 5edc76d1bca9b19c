"""The small hand-built ledger of tests/api with review helpers (no NLP models).

Imported by plain name (pytest puts tests/review on sys.path).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_factories import Built, build_small, make_config  # noqa: E402

from claimledger.config import Config  # noqa: E402
from claimledger.records import hash_id  # noqa: E402
from claimledger.review.actions import parse_action  # noqa: E402
from claimledger.review.analysts import Analyst  # noqa: E402
from claimledger.review.apply import review  # noqa: E402
from claimledger.review.overlay import ReviewEvent  # noqa: E402
from claimledger.store.ledger import Ledger  # noqa: E402

__all__ = ["Built", "build_small", "make_config", "link_id", "act", "ALICE"]

ALICE = Analyst("alice", "reviewer")


def link_id(built: Built, claim: str, statement: str) -> str:
    """The id the pipeline gives the link of a statement to a claim."""
    return hash_id(built.claims[claim], built.statements[statement], prefix="l")


def act(
    ledger: Ledger,
    config: Config,
    data: dict[str, Any],
    *,
    reason: str = "checked against the source",
    analyst: Analyst = ALICE,
    at: datetime | None = None,
) -> ReviewEvent:
    return review(
        parse_action(data),
        ledger=ledger,
        config=config,
        analyst=analyst,
        reason=reason,
        via="test",
        at=at,
    )
