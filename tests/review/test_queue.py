"""The review queue: suggestions and conflicts, those that would change a status first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review_factories import act, build_small, link_id
from sqlalchemy import update

from claimledger.config import Config, load_config
from claimledger.review.queue import review_queue
from claimledger.store.ledger import Ledger
from claimledger.store.models import LinkRow

SAMPLE_ACTORS = Path(__file__).resolve().parents[2] / "src/claimledger/data/sample/actors.yaml"


def config_with(**policy: Any) -> Config:
    return load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"extract": {"actors_file": str(SAMPLE_ACTORS)}, "policy": policy},
    )


def test_suggestions_that_would_change_a_status_come_first(stores: Any) -> None:
    config = config_with(suggest_below=0.95)
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    try:
        queue = review_queue(ledger, config=config)
        assert {q["kind"] for q in queue} == {"suggestion"}
        changing = [q for q in queue if q["would_change"]]
        assert changing and queue[: len(changing)] == changing  # changes first
        monitors = {link_id(built, "withdrawal", k) for k in ("jbmm0", "jbmm1", "orbisight0")}
        assert {q["link"] for q in changing} == monitors
        assert all(q["status_if_confirmed"] == "refuted" for q in changing)
        # The claimant's own restatement counts for nothing even if confirmed: it stays behind.
        meridian = link_id(built, "withdrawal", "meridian0")
        assert next(q for q in queue if q["link"] == meridian)["would_change"] is False
        # Confirmed, it leaves the queue, and the others no longer change the status.
        act(
            ledger,
            config,
            {"action": "confirm_link", "link": link_id(built, "withdrawal", "jbmm0")},
        )
        after = review_queue(ledger, config=config)
        assert link_id(built, "withdrawal", "jbmm0") not in {q["link"] for q in after}
        assert not any(
            q["would_change"] and q["claim"] == built.claims["withdrawal"] for q in after
        )
    finally:
        ledger.close()


def test_a_low_confidence_refutation_is_a_conflict(stores: Any) -> None:
    config = config_with(suggestions="off")
    built = build_small(stores.new(), config)
    ledger = Ledger.open(built.url)
    try:
        assert review_queue(ledger, config=config) == []  # nothing uncounted takes a side
        low = [link_id(built, "withdrawal", k) for k in ("jbmm0", "jbmm1", "orbisight0")]
        with ledger.session() as s:
            s.execute(update(LinkRow).where(LinkRow.id.in_(low)).values(confidence=0.3))
        queue = review_queue(ledger, config=config)
        assert {q["kind"] for q in queue} == {"conflict"}
        assert {q["link"] for q in queue} == set(low)
        assert all(q["computed_status"] == "unverified" for q in queue)
        assert all(q["status_if_confirmed"] == "refuted" and q["would_change"] for q in queue)
    finally:
        ledger.close()
