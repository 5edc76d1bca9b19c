"""The JSON API under ``/api/``: thin handlers over the library.

Every list takes ``limit`` (1..``api.max_page_size``, default
``api.page_size``) and ``offset`` and answers ``{"items", "limit", "offset",
"total", "next"}``; ``total`` is given when it is cheap (unfiltered lists),
``next`` is the URL of the next page or null. Write endpoints depend on
:func:`claimledger.api.auth.require_token`.

No ``from __future__ import annotations`` here: FastAPI must evaluate the
annotations that use the per-app aliases (``Limit``...) defined in
:func:`api_router`.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from claimledger.api.auth import require_token
from claimledger.api.errors import ERROR_RESPONSES
from claimledger.api.paths import check_sources
from claimledger.api.queries import ClaimFilters, Page, as_utc, claim_page
from claimledger.api.state import AppState, get_state
from claimledger.config import Config
from claimledger.errors import Code, NotFound
from claimledger.store.ledger import Ledger

# Ids are content hashes with a one-letter prefix; anything else cannot exist.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
USER_PATTERN = r"^[A-Za-z0-9_.@-]{1,120}$"
StatusName = Literal["unverified", "corroborated", "contested", "refuted", "retracted"]
ExportFormat = Literal["claimreview", "provenance", "csv", "jsonl"]
EXPORT_TYPES = {
    "claimreview": "application/ld+json",
    "provenance": "application/x-ndjson",
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
}

State = Annotated[AppState, Depends(get_state)]


def _iso_only(value: object) -> object:
    # Pydantic's lax mode reads "0.5" as a Unix time; a date filter must look like a date.
    if (
        isinstance(value, str)
        and not value[:4].isdigit()
        or isinstance(value, str)
        and value.count("-") < 2
    ):
        raise ValueError("expected an ISO 8601 date or date-time such as 2025-03-05T09:00:00Z")
    return value


When = Annotated[datetime | None, BeforeValidator(_iso_only)]


def _as_of_moment(value: object) -> object:
    """A date is the end of that UTC day, a date-time is taken as given (pipeline/asof.py).

    Read before validation, so that a value that is no date is a validation error like any
    other malformed parameter, and the schema's date-time stands for what is accepted.
    """
    from claimledger.errors import ConfigError
    from claimledger.pipeline.asof import as_of_moment

    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError("expected a date like 2022-02-14 or 2022-02-14T18:00Z, not a blank")
    try:
        return as_of_moment(value[:40], item="as_of")
    except ConfigError as exc:
        raise ValueError(exc.reason) from exc


# The ledger as it stood then: a date (the end of that UTC day) or a date-time.
AsOf = Annotated[
    datetime | None,
    BeforeValidator(_as_of_moment),
    Field(
        description="The ledger as it stood then: 2022-02-14 (end of that UTC day) or a date-time.",
    ),
]


def _as_of(value: datetime | None) -> datetime | None:
    return as_utc(value)


class PageOut(BaseModel):
    """One page of a list."""

    items: list[dict[str, Any]]
    limit: int
    offset: int
    total: int | None = Field(description="Number of items in the whole list, when cheap to count")
    next: str | None = Field(description="URL of the next page, null on the last page")


class IngestIn(BaseModel):
    """Sources to ingest: files or folders inside ``[ingest] allowed_dirs``, or http(s) URLs."""

    model_config = ConfigDict(extra="forbid")
    sources: list[Annotated[str, Field(min_length=1, max_length=4000)]] = Field(
        min_length=1, max_length=100
    )
    outlet: Annotated[str, Field(max_length=300)] | None = None
    published: datetime | None = None
    analyse: bool = True


class FailureOut(BaseModel):
    item: str
    code: str
    reason: str


class IngestOut(BaseModel):
    added: list[str]
    duplicates: list[str]
    failures: list[FailureOut]
    not_analysed: list[str] = []  # "<article id>: not analysed: language xx"
    statements: int
    claims: int


class TrackIn(BaseModel):
    """A claim registered by hand."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)
    claimant: Annotated[str, Field(max_length=300)] | None = None
    when: datetime | None = None


class WatchOut(BaseModel):
    user: str
    claim: str
    watching: bool


def page_out(request: Request, page: Page) -> PageOut:
    """A :class:`Page` with the URL of the next page."""
    nxt = None
    if page.has_more:
        nxt = str(
            request.url.include_query_params(limit=page.limit, offset=page.offset + page.limit)
        )
    return PageOut(
        items=page.items, limit=page.limit, offset=page.offset, total=page.total, next=nxt
    )


def _slice(rows: list[dict[str, Any]], limit: int, offset: int) -> Page:
    return Page(
        items=rows[offset : offset + limit],
        limit=limit,
        offset=offset,
        has_more=len(rows) > offset + limit,
        total=len(rows),
    )


def _claim_detail(
    ledger: Ledger, config: Config, claim_id: str, as_of: datetime | None = None
) -> dict[str, Any]:
    from claimledger.pipeline.views import claim_as_of, claim_views

    claim = claim_as_of(ledger, claim_id, as_of)
    views = claim_views(ledger, config=config, ids=[claim.id], as_of=as_of)
    if not views:
        raise NotFound(Code.E501, f"claim {claim_id}")
    return views[0]


def _event_json(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "old": e.old,
        "new": e.new,
        "reasons": list(e.reasons),
        "evidence": list(e.evidence_ids),
        "policy_version": e.policy_version,
    }


def _watch_rows(state: AppState, user: str) -> list[dict[str, Any]]:
    from claimledger.pipeline.views import claim_views

    watched = state.ledger.watchlist(user)
    views = {
        str(v["id"]): v
        for v in claim_views(state.ledger, config=state.config, ids=[c for c, _ in watched])
    }
    rows = []
    for cid, seen in watched:
        # Recorded since the user looked, whatever the evidence's date.
        changes = [_event_json(e) for e in state.ledger.changes_since(cid, seen)]
        rows.append(
            {
                "claim": views.get(cid),
                "last_seen": seen.isoformat() if seen else None,
                "changes": changes,
            }
        )
    return rows


def api_router(config: Config) -> APIRouter:
    """The ``/api`` routes; page limits come from ``config.api``."""
    max_page = config.api.max_page_size
    default_page = min(config.api.page_size, max_page)
    Limit = Annotated[int, Query(ge=1, le=max_page, description=f"Page size (max {max_page})")]
    Offset = Annotated[int, Query(ge=0, le=10_000_000)]
    Text = Annotated[str | None, Query(max_length=500)]
    ClaimId = Annotated[str, Path(pattern=ID_PATTERN)]
    User = Annotated[str, Path(pattern=USER_PATTERN)]

    router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
    writes = [Depends(require_token)]

    @router.get("/health", tags=["meta"])
    def health(state: State) -> dict[str, Any]:
        """Liveness and the size of the ledger."""
        counts = {t: state.ledger.count(t) for t in ("articles", "statements", "claims", "actors")}
        return {"status": "ok", "counts": counts, "writes": state.token is not None or state.dev}

    # -- articles and statements -----------------------------------------------------------

    @router.get("/articles", response_model=PageOut, tags=["articles"])
    def articles(
        request: Request,
        state: State,
        outlet: Text = None,
        since: When = None,
        until: When = None,
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> PageOut:
        """Articles, oldest first (text included)."""
        from claimledger.pipeline.views import article_json

        found = state.ledger.articles(
            outlet=outlet or None,
            since=as_utc(since),
            until=as_utc(until),
            limit=limit + 1,
            offset=offset,
        )
        total = None if (outlet or since or until) else state.ledger.count("articles")
        page = Page(
            [article_json(a) for a in found[:limit]], limit, offset, len(found) > limit, total
        )
        return page_out(request, page)

    @router.get("/articles/{article_id}", tags=["articles"])
    def article(state: State, article_id: ClaimId) -> dict[str, Any]:
        """An article with its statements and their spans."""
        from claimledger.pipeline.views import article_detail

        return article_detail(state.ledger, article_id)

    @router.get("/statements", response_model=PageOut, tags=["articles"])
    def statements(
        request: Request,
        state: State,
        article: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> PageOut:
        """Statements (attributions and the outlets' own sentences)."""
        from dataclasses import asdict

        found = state.ledger.statements(article_id=article, limit=limit + 1, offset=offset)
        rows = [_jsonable(asdict(s)) for s in found[:limit]]
        total = None if article else state.ledger.count("statements")
        return page_out(request, Page(rows, limit, offset, len(found) > limit, total))

    @router.get("/statements/{statement_id}", tags=["articles"])
    def statement(state: State, statement_id: ClaimId) -> dict[str, Any]:
        """One statement."""
        from dataclasses import asdict

        row: dict[str, Any] = _jsonable(asdict(state.ledger.get_statement(statement_id)))
        return row

    # -- claims -----------------------------------------------------------------------------

    @router.get("/claims", response_model=PageOut, tags=["claims"])
    def claims(
        request: Request,
        state: State,
        status: StatusName | None = None,
        actor: Text = None,
        outlet: Text = None,
        since: When = None,
        until: When = None,
        q: Text = None,
        tracked: bool | None = None,
        as_of: AsOf = None,
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> PageOut:
        """Claims with status, reasons and evidence; filters combine with AND.

        ``as_of``: the ledger as it stood then (statuses held then, evidence dated up to it,
        claims first seen after it left out)."""
        filters = ClaimFilters(
            status, actor, outlet, as_utc(since), as_utc(until), q, tracked, _as_of(as_of)
        )
        page = claim_page(
            state.ledger, config=state.config, filters=filters, limit=limit, offset=offset
        )
        return page_out(request, page)

    @router.get("/claims/{claim_id}", tags=["claims"])
    def claim(state: State, claim_id: ClaimId, as_of: AsOf = None) -> dict[str, Any]:
        """One claim view plus its status history and the ``explain`` text (``as_of``: as
        the claim stood then; 404 for a claim first seen later)."""
        from claimledger.pipeline.asof import history_at
        from claimledger.pipeline.views import assessments, claim_as_of
        from claimledger.verify.views import claim_json, explain_text

        # One assessment serves the view and the explain text (evidence is read once).
        moment = _as_of(as_of)
        found = claim_as_of(state.ledger, claim_id, moment)
        [(c, assessment, evidence)] = assessments(
            [found], ledger=state.ledger, config=state.config, as_of=moment
        )
        events = state.ledger.history(c.id)
        if moment is not None:
            events = history_at(events, moment)
        view: dict[str, Any] = dict(claim_json(c, assessment, evidence))
        view["history"] = [_event_json(e) for e in events]
        from claimledger.review.views import review_lines

        view["explain"] = explain_text(c, assessment, evidence, events) + review_lines(
            state.ledger, c.id
        )
        from claimledger.review.views import review_summary

        view["review"] = review_summary(
            state.ledger, c.id, str(view["status"]), [str(r) for r in view["reasons"]]
        )
        return view

    @router.get("/claims/{claim_id}/evidence", response_model=PageOut, tags=["claims"])
    def evidence(
        request: Request,
        state: State,
        claim_id: ClaimId,
        as_of: AsOf = None,
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> PageOut:
        """The claim's linked reports with stance and independence, oldest first (``as_of``:
        those dated up to it)."""
        view = _claim_detail(state.ledger, state.config, claim_id, _as_of(as_of))
        return page_out(request, _slice(list(view["evidence"]), limit, offset))

    @router.get("/claims/{claim_id}/history", response_model=PageOut, tags=["claims"])
    def history(
        request: Request,
        state: State,
        claim_id: ClaimId,
        as_of: AsOf = None,
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> PageOut:
        """The claim's status changes with reasons, oldest first (``as_of``: those up to it)."""
        from claimledger.pipeline.asof import history_at
        from claimledger.pipeline.views import claim_as_of

        moment = _as_of(as_of)
        found = claim_as_of(state.ledger, claim_id, moment)
        events = state.ledger.history(found.id)
        if moment is not None:
            events = history_at(events, moment)
        return page_out(request, _slice([_event_json(e) for e in events], limit, offset))

    # -- actors and outlets ---------------------------------------------------------------------

    @router.get("/actors", response_model=PageOut, tags=["actors"])
    def actors(
        request: Request, state: State, limit: Limit = default_page, offset: Offset = 0
    ) -> PageOut:
        """Actors (people, organisations, states, media), by name."""
        from dataclasses import asdict

        found = state.ledger.actors(limit=limit + 1, offset=offset)
        rows = [_jsonable(asdict(a)) for a in found[:limit]]
        return page_out(
            request, Page(rows, limit, offset, len(found) > limit, state.ledger.count("actors"))
        )

    @router.get("/actors/{actor_id:path}", tags=["actors"])
    def actor(
        request: Request,
        state: State,
        actor_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_./:~-]{1,120}$")],
        limit: Limit = default_page,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """An actor with a page of the claims it made and how they fared."""
        from dataclasses import asdict

        found = state.ledger.get_actor(actor_id)
        page = claim_page(
            state.ledger,
            config=state.config,
            filters=ClaimFilters(actor=found.id),
            limit=limit,
            offset=offset,
        )
        return {"actor": _jsonable(asdict(found)), "claims": page_out(request, page).model_dump()}

    @router.get("/outlets", response_model=PageOut, tags=["actors"])
    def outlets(
        request: Request, state: State, limit: Limit = default_page, offset: Offset = 0
    ) -> PageOut:
        """Outlets with the actor they belong to, by name."""
        rows = [{"id": i, "name": n, "actor": a} for i, n, a in state.ledger.outlets()]
        return page_out(request, _slice(rows, limit, offset))

    # -- writes -------------------------------------------------------------------------------

    @router.post("/ingest", response_model=IngestOut, dependencies=writes, tags=["writes"])
    def ingest(state: State, body: Annotated[IngestIn, Body()]) -> IngestOut:
        """Ingest files/folders inside ``[ingest] allowed_dirs`` or http(s) URLs, then analyse."""
        from claimledger.ingest.sources import Defaults
        from claimledger.pipeline.local import ingest as run_ingest

        sources = check_sources(body.sources, config=state.config)
        defaults = Defaults(published=as_utc(body.published), outlet=body.outlet)
        with state.write_lock:
            report = run_ingest(
                sources,
                ledger=state.ledger,
                config=state.config,
                defaults=defaults,
                analyse=body.analyse,
            )
        return IngestOut(
            added=report.added,
            duplicates=report.duplicates,
            failures=[
                FailureOut(item=f.item, code=f.code, reason=f.reason) for f in report.failures
            ],
            not_analysed=[f"{a}: not analysed: language {lang}" for a, lang in report.not_analysed],
            statements=report.statements,
            claims=report.claims,
        )

    @router.post("/track", dependencies=writes, status_code=201, tags=["writes"])
    def track(state: State, body: Annotated[TrackIn, Body()]) -> dict[str, Any]:
        """Register a claim to track by hand; later reports link to it."""
        from claimledger.pipeline.process import track_claim

        with state.write_lock:
            claim = track_claim(
                body.text,
                claimant=body.claimant,
                when=as_utc(body.when),
                ledger=state.ledger,
                config=state.config,
            )
        return _claim_detail(state.ledger, state.config, claim.id)

    # -- watchlists -----------------------------------------------------------------------------

    @router.get("/watchlist/{user}", response_model=PageOut, tags=["watchlist"])
    def watchlist(
        request: Request, state: State, user: User, limit: Limit = default_page, offset: Offset = 0
    ) -> PageOut:
        """A user's watched claims with the status changes since the user last looked."""
        return page_out(request, _slice(_watch_rows(state, user), limit, offset))

    @router.put(
        "/watchlist/{user}/{claim_id}",
        response_model=WatchOut,
        dependencies=writes,
        tags=["watchlist"],
    )
    def watch(state: State, user: User, claim_id: ClaimId) -> WatchOut:
        """Add a claim to a user's watchlist."""
        found = state.ledger.get_claim(claim_id)
        with state.write_lock:
            state.ledger.watch(user, found.id)
        return WatchOut(user=user, claim=found.id, watching=True)

    @router.delete(
        "/watchlist/{user}/{claim_id}",
        response_model=WatchOut,
        dependencies=writes,
        tags=["watchlist"],
    )
    def unwatch(state: State, user: User, claim_id: ClaimId) -> WatchOut:
        """Remove a claim from a user's watchlist."""
        with state.write_lock:
            state.ledger.unwatch(user, claim_id)
        return WatchOut(user=user, claim=claim_id, watching=False)

    @router.post("/watchlist/{user}/seen", status_code=204, dependencies=writes, tags=["watchlist"])
    def seen(state: State, user: User) -> Response:
        """Mark the user's watchlist as seen now."""
        with state.write_lock:
            state.ledger.mark_seen(user)
        return Response(status_code=204)

    # -- exports ----------------------------------------------------------------------------------

    @router.get(
        "/export/{fmt}",
        tags=["exports"],
        responses={
            200: {
                "content": {t: {} for t in set(EXPORT_TYPES.values())},
                "description": "The export",
            }
        },
    )
    def export(request: Request, state: State, fmt: ExportFormat) -> Response:
        """Every claim as ClaimReview JSON-LD (settled claims only), provenance bundles, CSV or JSON lines."""
        from claimledger.pipeline.export import export_claims

        base = str(request.base_url).rstrip("/")
        text = export_claims(state.ledger, config=state.config, fmt=fmt, base_url=base)
        ext = {"claimreview": "jsonld", "provenance": "jsonl"}.get(fmt, fmt)
        return Response(
            text,
            media_type=EXPORT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="claims-{fmt}.{ext}"'},
        )

    return router


def _jsonable(value: Any) -> Any:
    """Dates to ISO strings, tuples to lists (for ``asdict`` of records)."""
    from datetime import date

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
