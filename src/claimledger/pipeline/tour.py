"""What to try next on a ledger: where the dashboard is and three commands with real ids.

``claimledger next-steps`` prints it; ``make demo`` runs it before serving the dashboard, so
that a newcomer's first ``explain`` names a claim that is actually in the ledger.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from claimledger.config import Config
from claimledger.store.ledger import Ledger

# The claim shown first: a settled or disputed one says more about the policy than a lone
# assertion. Within a status, the claim with the most reports.
SHOWCASE_STATUSES = ("contested", "refuted", "corroborated", "retracted", "unverified")
# Claims of one status weighed to pick the showcase (the first ones stored).
SHOWCASE_CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class Step:
    """One command to try, as typed in a shell, and what it shows."""

    command: str
    purpose: str


@dataclass(frozen=True, slots=True)
class NextSteps:
    """The dashboard address and the commands to try next."""

    dashboard: str
    steps: tuple[Step, ...]
    claim_id: str | None = None


def dashboard_url(host: str, port: int) -> str:
    """The address ``claimledger serve`` prints for ``host`` and ``port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def shown_db(db: str) -> str:
    """``--db`` as it may be printed: a URL's password is masked."""
    if "://" not in db or "@" not in db:
        return db
    from sqlalchemy.engine import make_url

    return make_url(db).render_as_string(hide_password=True)


def environment_settings(environ: Mapping[str, str]) -> list[str]:
    """``export`` lines for the configuration this process took from ``environ``.

    Another terminal needs them to see the ledger as this one does (``make demo`` takes the
    sample corpus's cast from ``CLAIMLEDGER_EXTRACT__ACTORS_FILE``, and that cast decides
    who is independent of whom). Only ``CLAIMLEDGER_CONFIG`` and ``CLAIMLEDGER_SECTION__KEY``
    settings are repeated (never the token); a URL's password is masked.
    """
    return [
        f"export {name}={shlex.quote(shown_db(environ[name]))}"
        for name in sorted(environ)
        if name == "CLAIMLEDGER_CONFIG" or (name.startswith("CLAIMLEDGER_") and "__" in name)
    ]


def showcase_claim(ledger: Ledger, *, config: Config) -> dict[str, Any] | None:
    """The JSON view of the claim to explain first (``SHOWCASE_STATUSES``), or None."""
    from claimledger.pipeline.views import claim_views

    for status in SHOWCASE_STATUSES:
        found = ledger.claims(status=status, limit=SHOWCASE_CANDIDATES)
        if found:
            views = claim_views(ledger, config=config, ids=[c.id for c in found])
            return max(views, key=itemgetter("reports"))
    return None


def _first_article(ledger: Ledger, claim_id: str) -> str | None:
    """The article where the claim was first asserted (else any stored article)."""
    claim = ledger.get_claim(claim_id)
    if claim.first_statement_id:
        return ledger.get_statement(claim.first_statement_id).article_id
    found = ledger.articles(limit=1)
    return found[0].id if found else None


def next_steps(
    ledger: Ledger, *, config: Config, db: str | None, host: str, port: int
) -> NextSteps:
    """The dashboard address and three commands to try on ``ledger``, with its real ids.

    Args:
        ledger: The ledger the commands read.
        config: The resolved configuration (the verdict policy of the shown status).
        db: The ``--db`` the commands should carry (None: the default store, no option).
        host: The dashboard's host.
        port: The dashboard's port.
    """
    prog = "claimledger" + (f" --db {shlex.quote(shown_db(db))}" if db else "")
    dashboard = dashboard_url(host, port)
    claim = showcase_claim(ledger, config=config)
    if claim is None:
        return NextSteps(
            dashboard=dashboard,
            steps=(
                Step(f"{prog} ingest FILE_OR_URL...", "add articles: the ledger has no claims yet"),
                Step(f"{prog} claims", "the claims found, with their status"),
                Step(f"{prog} articles", "the articles stored"),
            ),
        )
    cid, status = claim["id"], claim["status"]
    steps = [
        Step(f"{prog} explain {cid}", f"why this claim is {status}: evidence chain, history"),
        Step(f"{prog} claims --status {status}", f"every {status} claim"),
    ]
    article = _first_article(ledger, cid)
    if article is not None:
        steps.append(
            Step(f"{prog} show {article}", "the article that first reported it, with its quotes")
        )
    else:
        steps.append(Step(f"{prog} claims --format json", "the claims as JSON"))
    return NextSteps(dashboard=dashboard, steps=tuple(steps), claim_id=cid)
