"""The dashboard pages: server-rendered, autoescaped, no inline script.

Users are told apart by a random ``cl_user`` cookie (watchlists). Dashboard
writes (watch/unwatch) are forms carrying a CSRF value signed for the user;
they need a signed-in session (the token entered once on ``/login``) unless
the server runs in dev mode without a token.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from claimledger.api.auth import check_token, sign, signed_ok
from claimledger.api.queries import ClaimFilters, claim_page, independent_counts, parse_when
from claimledger.api.routes import ID_PATTERN
from claimledger.api.state import AppState, get_state
from claimledger.errors import AccessDenied, Code, ConfigError
from claimledger.records import STANCES, STATUSES
from claimledger.web import TEMPLATES_DIR
from claimledger.web.highlight import highlight
from claimledger.web.timeline import Change, Report, build_timeline

USER_COOKIE = "cl_user"
SESSION_COOKIE = "cl_session"
State = Annotated[AppState, Depends(get_state)]
ClaimId = Annotated[str, Path(pattern=ID_PATTERN)]


def make_templates() -> Jinja2Templates:
    """The dashboard's templates, with autoescaping on for every file."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["when"] = _when
    env.filters["safe_url"] = safe_url
    return Jinja2Templates(env=env)


def _day(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).strftime("%d %b %Y") if isinstance(value, datetime) else str(value)


def _when(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (
        value.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
        if isinstance(value, datetime)
        else str(value)
    )


def safe_url(url: str | None) -> str | None:
    """An article's own URL for an ``href``: only http(s), else None (no ``javascript:``)."""
    if not url:
        return None
    stripped = url.strip()
    low = stripped.lower()
    if low.startswith(("http://", "https://")) and not any(
        ch in stripped for ch in "\x00\r\n\t <>\"'`"
    ):
        return stripped
    return None


def user_of(request: Request) -> tuple[str, bool]:
    """The visitor's id from the ``cl_user`` cookie, and whether it is new."""
    got = request.cookies.get(USER_COOKIE, "")
    if 8 <= len(got) <= 64 and got.replace("-", "").replace("_", "").isalnum():
        return got, False
    return secrets.token_urlsafe(16), True


def signed_in(request: Request, state: AppState, user: str) -> bool:
    """Whether the visitor may use dashboard writes."""
    if state.token is None:
        return state.dev
    return signed_ok(state.secret, "session", user, request.cookies.get(SESSION_COOKIE))


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render a page, setting the visitor cookie on first visit."""
    state = get_state(request)
    user, new = user_of(request)
    request.state.user = user
    base = {
        "user": user,
        "csrf": sign(state.secret, "csrf", user),
        "signed_in": signed_in(request, state, user),
        "token_set": state.token is not None,
        "dev": state.dev,
    }
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )
    if new:
        _set_user(response, request, user)
    return response


def _set_user(response: Response, request: Request, user: str) -> None:
    response.set_cookie(
        USER_COOKIE,
        user,
        max_age=3600 * 24 * 365,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _filters(request: Request) -> ClaimFilters:
    q = request.query_params
    status = q.get("status") or None
    if status is not None and status not in STATUSES:
        raise ConfigError(Code.E402, "status", reason=f"unknown status (use {'|'.join(STATUSES)})")
    return ClaimFilters(
        status=status,
        actor=(q.get("actor") or "")[:200] or None,
        outlet=(q.get("outlet") or "")[:300] or None,
        since=parse_when(q.get("since"), item="since"),
        until=parse_when(q.get("until"), item="until"),
        q=(q.get("q") or "")[:500] or None,
        as_of=_as_of(q.get("as_of")),
    )


def _as_of(value: str | None) -> datetime | None:
    from claimledger.pipeline.asof import as_of_moment

    return as_of_moment((value or "")[:40], item="as_of")


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(Code.E402, name, reason="expected a whole number") from exc
    if not low <= value <= high:
        raise ConfigError(Code.E402, name, reason=f"expected {low}..{high}")
    return value


def page_url(request: Request, offset: int) -> str:
    """A relative link to the same page at another offset."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    params.append(("offset", str(offset)))
    return f"{request.url.path}?{urlencode(params)}"


def page_links(
    request: Request, *, offset: int, limit: int, has_more: bool
) -> tuple[str | None, str | None]:
    """(previous, next) page links."""
    prev = page_url(request, max(0, offset - limit)) if offset else None
    nxt = page_url(request, offset + limit) if has_more else None
    return prev, nxt


def page_router() -> APIRouter:
    """The dashboard routes (not part of the OpenAPI schema)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def ledger_page(request: Request, state: State) -> Response:
        cfg = state.config.api
        filters = _filters(request)
        limit = _int(request, "limit", min(cfg.page_size, cfg.max_page_size), 1, cfg.max_page_size)
        offset = _int(request, "offset", 0, 0, 10_000_000)
        page = claim_page(
            state.ledger, config=state.config, filters=filters, limit=limit, offset=offset
        )
        rows = []
        for view in page.items:
            pro, con = independent_counts(view)
            rows.append({"view": view, "pro": pro, "con": con})
        prev, nxt = page_links(request, offset=offset, limit=limit, has_more=page.has_more)
        return render(
            request,
            "ledger.html",
            {
                "rows": rows,
                "filters": filters,
                "statuses": STATUSES,
                "outlets": [name for _, name, _ in state.ledger.outlets()],
                "page": page,
                "next_url": nxt,
                "prev_url": prev,
                "since": request.query_params.get("since", ""),
                "until": request.query_params.get("until", ""),
                "as_of": (request.query_params.get("as_of") or "")[:40],
            },
        )

    @router.get("/claims/{claim_id}", response_class=HTMLResponse)
    def claim_page_html(request: Request, state: State, claim_id: ClaimId) -> Response:
        from claimledger.pipeline.asof import history_at
        from claimledger.pipeline.views import assessments, claim_as_of
        from claimledger.verify.views import claim_json

        as_of = (request.query_params.get("as_of") or "")[:40]
        moment = _as_of(as_of)
        claim = claim_as_of(state.ledger, claim_id, moment)
        [(c, assessment, evidence)] = assessments(
            [claim], ledger=state.ledger, config=state.config, as_of=moment
        )
        view = claim_json(c, assessment, evidence)
        history = state.ledger.history(c.id)
        if moment is not None:
            history = history_at(history, moment)
        items = []
        for ev in sorted(evidence, key=lambda e: (e.date, e.link_id)):
            decision = assessment.decision(ev.link_id)
            href = f"/articles/{ev.article_id}" + (
                f"#s-{ev.statement_id}" if ev.statement_id else ""
            )
            if ev.kind != "link":  # a fact-check or an analyst's source: its own address
                web = (ev.url or "").lower().startswith(("https://", "http://"))
                href = ev.url if web else ""
            items.append(
                {
                    "ev": ev,
                    "decision": decision,
                    "href": href,
                    "counted": ev.link_id in assessment.evidence_ids,
                }
            )
        reports = [
            Report(
                when=i["ev"].date,
                stance=i["ev"].stance,
                independent=bool(i["decision"] and i["decision"].independent),
                label=f"{i['ev'].outlet}: {i['ev'].speaker or 'own reporting'}",
                href=i["href"],
            )
            for i in items
        ]
        changes = [
            Change(
                when=e.at,
                status=e.new,
                label=", ".join(e.reasons),
                by="analyst" if e.policy_version.startswith("analyst:") else "machine",
            )
            for e in history
        ]
        user, _ = user_of(request)
        watching = any(cid == c.id for cid, _ in state.ledger.watchlist(user))
        from claimledger.api.review_pages import review_context

        pro, con = independent_counts(view)
        return render(
            request,
            "claim.html",
            {
                "claim": c,
                "view": view,
                "assessment": assessment,
                "items": items,
                "history": history,
                "timeline": build_timeline(reports, changes),
                "stances": STANCES,
                "review": review_context(request, state, c.id),
                "watching": watching,
                "pro": pro,
                "con": con,
                "as_of": as_of,
            },
        )

    @router.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, state: State, article_id: ClaimId) -> Response:
        from claimledger.pipeline.revisions import document_revisions

        article = state.ledger.get_article(article_id)
        stmts = state.ledger.statements(article_id=article.id)
        links = state.ledger.links(article_id=article.id)
        claims = {c.id: c for c in state.ledger.claims(ids=sorted({lk.claim_id for lk in links}))}
        linked: dict[str, dict[str, Any]] = {}
        for lk in links:
            row = linked.setdefault(
                lk.claim_id,
                {
                    "claim_id": lk.claim_id,
                    "claim": claims.get(lk.claim_id),
                    "stances": [],
                    "statements": [],
                },
            )
            if lk.stance not in row["stances"]:
                row["stances"].append(lk.stance)
            if lk.statement_id:
                row["statements"].append(lk.statement_id)
            if lk.removed_in:  # a later revision took the statement out
                row["removed_in"] = lk.removed_in
        return render(
            request,
            "article.html",
            {
                "article": article,
                "body": highlight(article.text, stmts),
                "statements": [s for s in stmts if s.attributed],
                "own": sum(1 for s in stmts if not s.attributed),
                "linked": list(linked.values()),
                "article_url": safe_url(article.url),
                "revisions": document_revisions(state.ledger, article.id),
            },
        )

    from claimledger.api.review_pages import actor_review_context

    @router.get("/actors", response_class=HTMLResponse)
    def actors_page(request: Request, state: State) -> Response:
        cfg = state.config.api
        limit = _int(request, "limit", min(cfg.page_size, cfg.max_page_size), 1, cfg.max_page_size)
        offset = _int(request, "offset", 0, 0, 10_000_000)
        found = state.ledger.actors(limit=limit + 1, offset=offset)
        prev, nxt = page_links(request, offset=offset, limit=limit, has_more=len(found) > limit)
        return render(
            request,
            "actors.html",
            {
                "actors": found[:limit],
                "next_url": nxt,
                "prev_url": prev,
                "total": state.ledger.count("actors"),
                "review": actor_review_context(request, state),
            },
        )

    @router.get("/actors/{actor_id:path}", response_class=HTMLResponse)
    def actor_page(
        request: Request,
        state: State,
        actor_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_./:~-]{1,120}$")],
    ) -> Response:
        actor = state.ledger.get_actor(actor_id)
        cfg = state.config.api
        offset = _int(request, "offset", 0, 0, 10_000_000)
        limit = min(cfg.page_size, cfg.max_page_size)
        page = claim_page(
            state.ledger,
            config=state.config,
            filters=ClaimFilters(actor=actor.id),
            limit=limit,
            offset=offset,
        )
        fared = {s: len(state.ledger.claims(actor=actor.id, status=s)) for s in STATUSES}
        rows = []
        for view in page.items:
            pro, con = independent_counts(view)
            rows.append({"view": view, "pro": pro, "con": con})
        prev, nxt = page_links(request, offset=offset, limit=limit, has_more=page.has_more)
        return render(
            request,
            "actor.html",
            {
                "actor": actor,
                "rows": rows,
                "fared": fared,
                "next_url": nxt,
                "prev_url": prev,
                "review": actor_review_context(request, state),
            },
        )

    @router.get("/watchlist", response_class=HTMLResponse)
    def watchlist_page(request: Request, state: State) -> Response:
        from claimledger.pipeline.views import claim_views

        user, _ = user_of(request)
        watched = state.ledger.watchlist(user)
        views = {
            str(v["id"]): v
            for v in claim_views(state.ledger, config=state.config, ids=[c for c, _ in watched])
        }
        rows = []
        for cid, seen in watched:
            # Recorded since the user looked, whatever the evidence's date.
            changes = state.ledger.changes_since(cid, seen)
            rows.append({"view": views.get(cid), "id": cid, "seen": seen, "changes": changes})
        response = render(request, "watchlist.html", {"rows": rows})
        if watched:
            with state.write_lock:
                state.ledger.mark_seen(user)
        return response

    @router.post("/watchlist/{claim_id}")
    def watch_form(
        request: Request,
        state: State,
        claim_id: ClaimId,
        csrf: Annotated[str, Form(max_length=128)],
        action: Annotated[str, Form(pattern="^(watch|unwatch)$")],
    ) -> Response:
        user, new = user_of(request)
        if new or not signed_ok(state.secret, "csrf", user, csrf):
            raise AccessDenied(
                Code.E503, "form", reason="stale or missing form token; reload the page"
            )
        if not signed_in(request, state, user):
            raise AccessDenied(Code.E502, "dashboard session")
        claim = state.ledger.get_claim(claim_id)
        with state.write_lock:
            if action == "watch":
                state.ledger.watch(user, claim.id)
            else:
                state.ledger.unwatch(user, claim.id)
        return RedirectResponse(f"/claims/{claim.id}", status_code=303)

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        return render(request, "login.html", {"failed": False})

    @router.post("/login", response_class=HTMLResponse)
    def login(
        request: Request,
        state: State,
        token: Annotated[str, Form(max_length=4096)],
        csrf: Annotated[str, Form(max_length=128)],
    ) -> Response:
        user, new = user_of(request)
        if new or not signed_ok(state.secret, "csrf", user, csrf):
            raise AccessDenied(
                Code.E503, "form", reason="stale or missing form token; reload the page"
            )
        from claimledger.api.review_pages import analyst_login

        signed = analyst_login(request, state, token)  # an analyst's own token (docs/review.md)
        if signed is not None:
            return signed
        if state.token is None:
            raise AccessDenied(
                Code.E503, "login", reason="no CLAIMLEDGER_TOKEN is set on this server"
            )
        try:
            check_token(token, state)
        except AccessDenied:
            return render(request, "login.html", {"failed": True}, status_code=403)
        response = RedirectResponse("/watchlist", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            sign(state.secret, "session", user),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @router.post("/logout")
    def logout(
        request: Request, state: State, csrf: Annotated[str, Form(max_length=128)]
    ) -> Response:
        user, _ = user_of(request)
        if not signed_ok(state.secret, "csrf", user, csrf):
            raise AccessDenied(
                Code.E503, "form", reason="stale or missing form token; reload the page"
            )
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # Addresses a newcomer guesses lead to the page they meant (docs/api.md), query kept.
    @router.get("/claims")
    @router.get("/claim")
    @router.get("/ledger")
    @router.get("/dashboard")
    @router.get("/index.html")
    def guessed_ledger(request: Request) -> Response:
        return _moved(request, "/")

    @router.get("/claim/{claim_id}")
    def guessed_claim(request: Request, claim_id: ClaimId) -> Response:
        return _moved(request, f"/claims/{claim_id}")

    @router.get("/article/{article_id}")
    def guessed_article(request: Request, article_id: ClaimId) -> Response:
        return _moved(request, f"/articles/{article_id}")

    @router.get("/actor")
    def guessed_actors(request: Request) -> Response:
        return _moved(request, "/actors")

    @router.get("/actor/{actor_id:path}")
    def guessed_actor(
        request: Request, actor_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_./:~-]{1,120}$")]
    ) -> Response:
        return _moved(request, f"/actors/{actor_id}")

    @router.get("/articles")
    @router.get("/article")
    def guessed_articles(request: Request) -> Response:
        # The dashboard has no list of articles: the API's list is the page meant.
        return _moved(request, "/api/articles")

    return router


def _moved(request: Request, path: str) -> Response:
    """A redirect to ``path`` (always on this site) with the request's query string."""
    query = request.url.query
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=307)
