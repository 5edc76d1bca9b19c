"""The review on the dashboard: a panel on each claim page, the review queue, the audit log.

Forms post to ``/review/...`` with the page's CSRF value (signed for the visitor) and act
as the analyst signed in on this browser (``/login`` with an analyst's token sets a signed
``cl_analyst`` cookie); in dev mode without a server token they act as ``dev``. A form
that fails the CSRF check, or comes without an analyst allowed to review, writes nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from claimledger.api.auth import sign, signed_ok
from claimledger.api.pages import SESSION_COOKIE, render, user_of
from claimledger.api.review import (
    ANALYST_COOKIE,
    DEV_AUTHOR,
    TOKEN_AUTHOR,
    analyst_cookie,
    session_analyst,
)
from claimledger.api.routes import ID_PATTERN
from claimledger.api.state import AppState, get_state
from claimledger.errors import AccessDenied, Code
from claimledger.records import STANCES, STATUSES
from claimledger.review.analysts import Analyst, find_analyst, may, require_role

State = Annotated[AppState, Depends(get_state)]
ClaimId = Annotated[str, Path(pattern=ID_PATTERN)]
Field = Annotated[str, Form(max_length=5000)]

# Which form fields each dashboard action reads (the rest of the form is ignored).
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "confirm_link": ("link",),
    "reject_link": ("link",),
    "set_stance": ("link", "stance"),
    "move_statement": ("statement", "from_claim", "to_claim"),
    "merge_claims": ("claim", "into"),
    "not_a_claim": ("statement",),
    "set_claimant": ("claim", "name", "actor"),
    "add_evidence": ("claim", "source", "date", "stance", "url", "note"),
    "override_status": ("claim", "status"),
    "clear_override": ("claim",),
    "split_claim": ("claim", "statements", "text"),
    "set_parties": ("claim", "parties"),
    "add_actor": ("actor", "name", "type", "aliases"),
    "add_affiliation": ("actor", "parent", "role", "start", "end"),
}
# The actions taken on the actor pages (``/review/actors``); the rest on a claim page.
ACTOR_ACTIONS = frozenset({"add_actor", "add_affiliation"})
# Fields that hold a list: every value posted under the name (checkboxes), each split on
# the separators (ids never hold a comma or a space; names may, so aliases split on ";").
LIST_FIELDS: dict[str, str] = {"statements": r"[,\s]+", "parties": r"[,\s]+", "aliases": r"[;\n]+"}


def dashboard_analyst(request: Request, state: AppState) -> Analyst | None:
    """Who acts from this browser: the signed-in analyst, or ``dev`` in dev mode."""
    user, _ = user_of(request)
    found = session_analyst(request, state, user)
    if found is not None:
        return found
    if state.token is None and state.dev:
        return DEV_AUTHOR
    return None


def review_context(request: Request, state: AppState, claim_id: str) -> dict[str, Any]:
    """What the claim page's review panel shows: who may act, the override, the decisions
    of machine and analysts apart, in time order."""
    from claimledger.review.apply import Review
    from claimledger.review.overlay import is_analyst_event
    from claimledger.review.views import describe

    analyst = dashboard_analyst(request, state)
    review = Review.load(state.ledger)
    override = review.state.overrides.get(claim_id)
    rows: list[dict[str, Any]] = []
    for e in state.ledger.history(claim_id):
        analyst_event = is_analyst_event(e)
        rows.append(
            {
                "at": e.at,
                "by": e.policy_version.split(":", 1)[1] if analyst_event else "machine",
                "kind": "analyst" if analyst_event else "machine",
                "what": f"{e.old or '—'} → {e.new}",
                "why": ", ".join(e.reasons),
            }
        )
    for ev in review.state.claim_events(claim_id):
        rows.append(
            {
                "at": ev.at,
                "by": ev.author,
                "kind": "analyst",
                "what": describe(ev),
                "why": ev.reason,
            }
        )
    rows.sort(key=lambda r: (r["at"], r["kind"] == "analyst"))
    return {
        "analyst": analyst,
        "may_review": analyst is not None and may(analyst, "reviewer"),
        "override": override,
        "merged_into": review.state.home(claim_id) if claim_id in review.state.merged else None,
        "parties": sorted(review.state.parties[claim_id])
        if claim_id in review.state.parties
        else None,
        "decisions": rows,
        "stances": STANCES,
        "statuses": STATUSES,
    }


def _form_action(
    form: dict[str, str], lists: dict[str, list[str]], *, actors: bool = False
) -> dict[str, Any]:
    """The action a form posts, as plain values for ``parse_action`` (``actors``: the
    actor pages' route, which takes only actor actions; a claim page's takes the others)."""
    name = form.get("action", "")
    if name not in FORM_FIELDS or (name in ACTOR_ACTIONS) != actors:
        from claimledger.errors import ConfigError

        raise ConfigError(Code.E402, "form action", reason=f"unknown review action {name!r}")
    data: dict[str, Any] = {"action": name}
    for key in FORM_FIELDS[name]:
        if key in LIST_FIELDS:  # always a list: none checked is an empty list, not a gap
            parts = (re.split(LIST_FIELDS[key], v) for v in lists.get(key, []))
            data[key] = [p.strip() for ps in parts for p in ps if p.strip()]
            continue
        value = (form.get(key) or "").strip()
        if value:
            data[key] = value
    return data


async def _posted(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A posted form's single values, and every value of its list fields."""
    raw = await request.form()
    form = {k: str(v)[:5000] for k, v in raw.items() if isinstance(v, str)}
    lists = {
        k: [str(v)[:5000] for v in raw.getlist(k) if isinstance(v, str)][:500] for k in LIST_FIELDS
    }
    return form, lists


async def _apply(
    state: AppState, action: Any, analyst: Analyst, reason: str, *, file_under: str | None = None
) -> None:
    """Apply a dashboard form's review action off the event loop, one writer at a time."""
    from fastapi.concurrency import run_in_threadpool

    from claimledger.review.apply import review

    def run() -> None:
        with state.write_lock:
            review(
                action,
                ledger=state.ledger,
                config=state.config,
                analyst=analyst,
                reason=reason,
                via="dashboard",
                file_under=file_under,
            )

    await run_in_threadpool(run)


def actor_review_context(request: Request, state: AppState) -> dict[str, Any]:
    """What the actor pages' review forms need: who may act, the actor types."""
    from typing import get_args

    from claimledger.records import ActorType

    analyst = dashboard_analyst(request, state)
    return {
        "analyst": analyst,
        "may_review": analyst is not None and may(analyst, "reviewer"),
        "types": get_args(ActorType),
    }


def review_page_router() -> APIRouter:
    """The dashboard's review routes (not part of the OpenAPI schema)."""
    router = APIRouter(include_in_schema=False)

    def checked(request: Request, state: AppState, csrf: str, role: str) -> Analyst:
        user, new = user_of(request)
        if new or not signed_ok(state.secret, "csrf", user, csrf):
            raise AccessDenied(
                Code.E503, "form", reason="stale or missing form token; reload the page"
            )
        analyst = dashboard_analyst(request, state)
        if analyst is None:
            raise AccessDenied(Code.E502, "analyst session")
        require_role(analyst, role)  # type: ignore[arg-type]
        return analyst

    @router.post("/review/claims/{claim_id}")
    async def review_form(request: Request, state: State, claim_id: ClaimId) -> Response:

        from claimledger.review.actions import parse_action

        form, lists = await _posted(request)
        analyst = checked(request, state, form.get("csrf", ""), "reviewer")
        action = parse_action(_form_action(form, lists))
        await _apply(state, action, analyst, form.get("reason", ""), file_under=claim_id)
        back = form.get("back", "")
        target = "/review/queue" if back == "queue" else f"/claims/{claim_id}#review"
        return RedirectResponse(target, status_code=303)

    @router.post("/review/actors")
    async def review_actor_form(request: Request, state: State) -> Response:
        """Add an actor (actors list) or an affiliation (actor page); back to the actor."""

        from claimledger.review.actions import parse_action

        form, lists = await _posted(request)
        analyst = checked(request, state, form.get("csrf", ""), "reviewer")
        data = _form_action(form, lists, actors=True)
        action = parse_action(data)  # an actor action: ``data["actor"]`` is a valid actor id
        await _apply(state, action, analyst, form.get("reason", ""))
        return RedirectResponse(f"/actors/{data['actor']}#review", status_code=303)

    @router.get("/review/queue", response_class=HTMLResponse)
    def queue_page(request: Request, state: State) -> Response:
        from claimledger.review.queue import review_queue

        analyst = dashboard_analyst(request, state)
        items = review_queue(state.ledger, config=state.config)[:200] if analyst else []
        return render(
            request,
            "review_queue.html",
            {
                "analyst": analyst,
                "may_review": analyst is not None and may(analyst, "reviewer"),
                "items": items,
            },
        )

    @router.get("/review/audit", response_class=HTMLResponse)
    def audit_page(request: Request, state: State) -> Response:
        from claimledger.review.store import audit_rows

        analyst = dashboard_analyst(request, state)
        rows, total = audit_rows(state.ledger, limit=500) if analyst else ([], 0)
        return render(
            request, "review_audit.html", {"analyst": analyst, "rows": rows, "total": total}
        )

    @router.get("/review/audit.{fmt}")
    def audit_export(request: Request, state: State, fmt: str) -> Response:
        from claimledger.review.store import export_audit

        if fmt not in ("jsonl", "csv") or dashboard_analyst(request, state) is None:
            raise AccessDenied(Code.E502, "analyst session")
        media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
        return Response(
            export_audit(state.ledger, fmt),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="audit.{fmt}"'},
        )

    return router


def analyst_login(request: Request, state: AppState, token: str) -> Response | None:
    """Sign an analyst in on the dashboard (``/login`` with an analyst's token); None when
    the token is no analyst's."""
    found = find_analyst(state.ledger, token)
    if found is None:
        return None
    user, _ = user_of(request)
    response = RedirectResponse("/review/queue", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        ANALYST_COOKIE,
        analyst_cookie(state, user, found),
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    response.set_cookie(
        SESSION_COOKIE,
        sign(state.secret, "session", user),
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    from claimledger.review.store import record_write

    record_write(
        state.ledger, analyst=found, via="dashboard", action="login", target=None, detail={}
    )
    return response


__all__ = [
    "TOKEN_AUTHOR",
    "actor_review_context",
    "analyst_login",
    "review_context",
    "review_page_router",
]
