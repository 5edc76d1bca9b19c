"""``create_app``: the FastAPI application serving the API, the dashboard and the alerts feed."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from claimledger import __version__
from claimledger.api import errors
from claimledger.api.auth import derive_secret
from claimledger.api.feed import atom_feed
from claimledger.api.pages import make_templates, page_router
from claimledger.api.review import install_audit, review_router
from claimledger.api.review_pages import review_page_router
from claimledger.api.routes import api_router
from claimledger.api.state import AppState, get_state
from claimledger.config import Config
from claimledger.store.ledger import Ledger
from claimledger.web import STATIC_DIR

log = logging.getLogger(__name__)
access_log = logging.getLogger("claimledger.api.access")

# No inline script anywhere, no third-party origin; inline SVG needs nothing extra.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(
    *,
    db_url: str,
    config: Config,
    dev: bool = False,
    token: str | None = None,
    ledger: Ledger | None = None,
) -> FastAPI:
    """Build the application over the ledger at ``db_url``.

    Args:
        db_url: SQLAlchemy URL of the store (opened and migrated here).
        config: The resolved configuration (``api`` and ``ingest`` sections are used).
        dev: Allow writes without a token (``claimledger serve --dev``, loopback only).
        token: The write token (``CLAIMLEDGER_TOKEN``); None or empty disables writes outside dev.
        ledger: An already open ledger to use instead of opening ``db_url``.
    """
    token = token or None
    if ledger is None:
        ledger = Ledger.open(
            db_url, pool_size=config.store.pool_size, max_overflow=config.store.max_overflow
        )
    state = AppState(ledger=ledger, config=config, token=token, dev=dev)
    secret = derive_secret(token)
    if secret is not None:
        state.secret = secret

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if ledger is None:
            state.ledger.close()

    app = FastAPI(
        lifespan=lifespan,
        title="claimledger",
        version=__version__,
        description="Who claimed what, when, and what later reports say about it.",
        # Swagger UI and ReDoc load assets from a CDN; only the schema is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.claimledger = state
    app.state.templates = make_templates()
    errors.install(app)
    install_audit(app)  # every write's author in the audit log (docs/review.md)

    @app.middleware("http")
    async def headers_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # The path only: a query string could carry a secret someone pasted there.
        access_log.info(
            "%s %s %d %.1fms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - start) * 1e3,
        )
        return response

    app.include_router(api_router(config))
    app.include_router(review_router())
    app.include_router(page_router())
    app.include_router(review_page_router())
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/alerts.atom", include_in_schema=False)
    def alerts(request: Request) -> Response:
        led = get_state(request).ledger
        events = led.recent_events(tracked_only=True, limit=100)
        claims = (
            {c.id: c for c in led.claims(ids=sorted({e.claim_id for e in events}))}
            if events
            else {}
        )
        body = atom_feed(events, claims, base_url=str(request.base_url).rstrip("/"))
        return Response(body, media_type="application/atom+xml")

    return app
