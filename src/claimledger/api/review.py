"""The review API under ``/api/review`` and who is writing.

Every review endpoint needs ``Authorization: Bearer <token>``: an analyst's own token
(``claimledger review analyst add``), or the server's ``CLAIMLEDGER_TOKEN``, which acts as
the admin ``token``. Reading the review (events, queue, audit log) needs the ``reader``
role, acting needs ``reviewer``. :func:`install_audit` records the author of every other
successful write (ingest, track, watchlists, dashboard forms) in the audit log.

No ``from __future__ import annotations``: FastAPI evaluates the annotations.
"""

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from claimledger.api.auth import bearer, refuse_query_token, same, sign, signed_ok
from claimledger.api.errors import ERROR_RESPONSES
from claimledger.api.state import AppState, get_state
from claimledger.errors import AccessDenied, Code
from claimledger.review.actions import Action
from claimledger.review.analysts import Analyst, Role, find_analyst, get_analyst, require_role

log = logging.getLogger(__name__)

State = Annotated[AppState, Depends(get_state)]
Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
TOKEN_AUTHOR = Analyst("token", "admin")
DEV_AUTHOR = Analyst("dev", "admin")
ANALYST_COOKIE = "cl_analyst"


def analyst_of_token(state: AppState, token: str | None) -> Analyst:
    """Who presents ``token``: an analyst, the server token (admin), or dev mode's ``dev``.

    Raises:
        AccessDenied: E502 without a token (outside dev mode), E503 for a wrong one.
    """
    if not token:
        if state.token is None and state.dev:
            return DEV_AUTHOR
        raise AccessDenied(Code.E502, "Authorization")
    if state.token is not None and same(token, state.token):
        return TOKEN_AUTHOR
    found = find_analyst(state.ledger, token)
    if found is None:
        raise AccessDenied(Code.E503, "Authorization", reason="wrong token")
    return found


def _analyst(
    request: Request, state: AppState, creds: HTTPAuthorizationCredentials | None
) -> Analyst:
    refuse_query_token(request, state)
    found = analyst_of_token(state, creds.credentials if creds else None)
    request.state.author = found
    return found


def reader(request: Request, state: State, creds: Creds) -> Analyst:
    """Dependency: an analyst of any role."""
    return _analyst(request, state, creds)


def reviewer(request: Request, state: State, creds: Creds) -> Analyst:
    """Dependency: an analyst who may review."""
    found = _analyst(request, state, creds)
    require_role(found, "reviewer")
    return found


# -- the dashboard's analyst session --------------------------------------------------------


def analyst_cookie(state: AppState, user: str, analyst: Analyst) -> str:
    """The signed ``cl_analyst`` cookie value binding a visitor to an analyst."""
    bound = user + "\x1f" + analyst.name
    return f"{analyst.name}:{sign(state.secret, 'analyst', bound)}"


def session_analyst(request: Request, state: AppState, user: str) -> Analyst | None:
    """The analyst signed in on the dashboard (cookie checked, analyst still active)."""
    # Bound to the dashboard session too: signing out (which drops it) ends the analyst's.
    if not signed_ok(state.secret, "session", user, request.cookies.get("cl_session")):
        return None
    raw = request.cookies.get(ANALYST_COOKIE, "")
    name, _, signature = raw.rpartition(":")
    if not name or not signed_ok(state.secret, "analyst", f"{user}\x1f{name}", signature):
        return None
    if name == TOKEN_AUTHOR.name:
        return TOKEN_AUTHOR
    return get_analyst(state.ledger, name)


# -- the audit of other writes ------------------------------------------------------------------

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _author_of(request: Request, state: AppState) -> Analyst:
    found = getattr(request.state, "author", None)
    if isinstance(found, Analyst):
        return found
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        if state.token is not None and same(token, state.token):
            return TOKEN_AUTHOR
        named = find_analyst(state.ledger, token)
        if named is not None:
            return named
    user = request.cookies.get("cl_user", "")[:64]
    signed = session_analyst(request, state, user) if user else None
    if signed is not None:
        return signed
    if state.token is None and state.dev:
        return DEV_AUTHOR
    return Analyst(f"visitor:{user or 'unknown'}", "reader")


def install_audit(app: FastAPI) -> None:
    """Record every other successful write, with its author, in the audit log."""
    from claimledger.review.store import record_write

    @app.middleware("http")
    async def audit_writes(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        path = request.url.path
        if (
            request.method in _WRITES
            and response.status_code < 400
            and not path.startswith(("/api/review", "/review/", "/login", "/logout"))
        ):
            state: AppState = request.app.state.claimledger
            author = await run_in_threadpool(_author_of, request, state)
            via = "api" if path.startswith("/api/") else "dashboard"
            try:
                await run_in_threadpool(
                    record_write,
                    state.ledger,
                    analyst=author,
                    via=via,
                    action=f"{request.method} {path}",
                    target=None,
                    detail={"status": response.status_code},
                )
            except Exception:  # the write is done; a failed audit row is logged, not hidden
                log.exception("audit row not written for %s %s", request.method, path)
        return response


# -- the API -------------------------------------------------------------------------------------


class ReviewIn(BaseModel):
    """A review action and why it is taken."""

    model_config = ConfigDict(extra="forbid")
    action: Action
    reason: str = Field(min_length=1, max_length=5000)


class EventOut(BaseModel):
    """A stored review event."""

    id: str
    seq: int
    at: str
    author: str
    role: str
    via: str
    action: str
    claim: str | None
    fields: dict[str, Any]
    reason: str


class ReviewOut(BaseModel):
    """The stored event, and the claim it is filed under as it now stands."""

    event: EventOut
    claim: dict[str, Any] | None


def review_router() -> APIRouter:
    """The ``/api/review`` routes."""
    router = APIRouter(prefix="/api/review", tags=["review"], responses=ERROR_RESPONSES)
    Reader = Annotated[Analyst, Depends(reader)]
    Reviewer = Annotated[Analyst, Depends(reviewer)]

    @router.post("/actions", response_model=ReviewOut, status_code=201)
    def act(state: State, who: Reviewer, body: Annotated[ReviewIn, Body()]) -> ReviewOut:
        """Take a review action (confirm, reject, stance, move, merge, split, not a claim,
        claimant, parties, actor, affiliation, evidence, override, clear override)."""
        from claimledger.review.apply import review
        from claimledger.review.views import event_json

        with state.write_lock:
            event = review(
                body.action,
                ledger=state.ledger,
                config=state.config,
                analyst=who,
                reason=body.reason,
                via="api",
            )
        claim = None
        if event.claim_id is not None:
            from claimledger.pipeline.views import claim_views

            views = claim_views(state.ledger, config=state.config, ids=[event.claim_id])
            claim = views[0] if views else None
        return ReviewOut(event=EventOut(**event_json(event)), claim=claim)

    @router.get("/events", response_model=list[EventOut])
    def events(
        state: State,
        who: Reader,
        claim: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None,
    ) -> list[EventOut]:
        """The analysts' review events, oldest first (all, or one claim's)."""
        from claimledger.review.store import review_events
        from claimledger.review.views import event_json

        cid = state.ledger.get_claim(claim).id if claim else None
        return [EventOut(**event_json(e)) for e in review_events(state.ledger, claim_id=cid)]

    @router.get("/queue")
    def queue(
        state: State, who: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50
    ) -> list[dict[str, Any]]:
        """Suggestions and conflicts that would change a status if confirmed, most
        consequential first."""
        from claimledger.review.queue import review_queue

        return review_queue(state.ledger, config=state.config)[:limit]

    @router.get("/audit")
    def audit(
        state: State,
        who: Reader,
        author: Annotated[str | None, Query(max_length=120)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """The audit log, newest first: every write and its author."""
        from claimledger.review.store import audit_rows

        rows, total = audit_rows(state.ledger, author=author, limit=limit, offset=offset)
        return {"items": rows, "total": total, "limit": limit, "offset": offset}

    @router.get(
        "/audit/export",
        responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
    )
    def audit_export(
        state: State,
        who: Reader,
        fmt: Annotated[Literal["jsonl", "csv"], Query(alias="format")] = "jsonl",
    ) -> Response:
        """The whole audit log, oldest first, as JSON lines or CSV."""
        from claimledger.review.store import export_audit

        media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
        return Response(
            export_audit(state.ledger, fmt),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="audit.{fmt}"'},
        )

    return router


def may_review(analyst: Analyst | None, role: Role = "reviewer") -> bool:
    """Whether a (possibly absent) analyst has ``role``."""
    from claimledger.review.analysts import may

    return analyst is not None and may(analyst, role)


def analyst_writer(request: Request, state: AppState, token: str | None) -> bool:
    """Let an analyst's own token (reviewer or admin) do the API's other writes.

    Returns False when ``token`` is no analyst's (the server token rule then applies).

    Raises:
        AccessDenied: E503 for a reader.
    """
    if not token or (state.token is not None and same(token, state.token)):
        return False
    found = find_analyst(state.ledger, token)
    if found is None:
        return False
    require_role(found, "reviewer")
    request.state.author = found
    return True
