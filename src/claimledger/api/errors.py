"""One JSON error shape for every error the server returns.

``{"error": {"code": "E501", "message": "not found", "item": "claim c12"}}``:
catalogue errors raised by the library, unknown routes (404), wrong methods
(405), request validation (422) and unexpected failures (500) all take it.
Dashboard pages asked for by a browser get the same fields as an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from claimledger.errors import ClaimledgerError, Code

log = logging.getLogger(__name__)

# Codes the catalogue lacks; the lead is asked to add them (see docs/api.md).
METHOD_NOT_ALLOWED = Code.E402.name
INTERNAL = "E500"

_STATUS_OF = {
    "E501": 404,
    "E502": 401,
    "E503": 403,
    "E401": 400,
    "E402": 400,
    "E303": 503,
    "E301": 500,
    "E302": 500,
    "E304": 507,
    "E201": 500,
}


class ErrorDetail(BaseModel):
    """The body of every error."""

    code: str
    message: str
    item: str


class ErrorBody(BaseModel):
    """``{"error": {...}}``."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid input"},
    401: {"model": ErrorBody, "description": "Authentication required"},
    403: {"model": ErrorBody, "description": "Forbidden"},
    404: {"model": ErrorBody, "description": "Not found"},
    405: {"model": ErrorBody, "description": "Method not allowed"},
    422: {"model": ErrorBody, "description": "Validation error"},
    500: {"model": ErrorBody, "description": "Internal error"},
}


def status_of(err: ClaimledgerError) -> int:
    """The HTTP status of a catalogue error."""
    name = err.code.name
    if name in _STATUS_OF:
        return _STATUS_OF[name]
    return 400 if name.startswith("E1") else 500


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path.endswith((".json", ".atom")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    item: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render one error as JSON (or, for a browser on a dashboard page, HTML)."""
    body = {"error": {"code": code, "message": message, "item": item}}
    if _wants_html(request):
        templates = getattr(request.app.state, "templates", None)
        if templates is not None:
            return templates.TemplateResponse(  # type: ignore[no-any-return]
                request,
                "error.html",
                {"error": body["error"], "status": status},
                status_code=status,
                headers=headers,
            )
        return HTMLResponse(f"{code} {item}: {message}", status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


async def _catalogue(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ClaimledgerError):
        raise exc
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(request, status, exc.code.name, exc.reason, exc.item, headers)


async def _http(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, StarletteHTTPException):
        raise exc
    path = request.url.path
    if exc.status_code == 404:
        return error_response(request, 404, Code.E501.name, Code.E501.value, path)
    if exc.status_code == 405:
        return error_response(
            request,
            405,
            METHOD_NOT_ALLOWED,
            "method not allowed",
            f"{request.method} {path}",
            {"Allow": ", ".join(allowed_methods(request))},
        )
    code = Code.E502.name if exc.status_code == 401 else Code.E402.name
    return error_response(
        request, exc.status_code, code, str(exc.detail), path, dict(exc.headers or {})
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts at this path (Starlette lists only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if match is not Match.NONE and route_methods:
            methods.update(route_methods)
        elif route_methods:
            for method in route_methods:
                got, _ = route.matches({**request.scope, "method": method})
                if got is Match.FULL:
                    methods.add(method)
    return sorted(methods)


async def _validation(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):
        raise exc
    errors = exc.errors()
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or request.url.path
    message = str(first.get("msg", "invalid request"))
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return error_response(request, 422, Code.E402.name, message, where)


async def _internal(request: Request, exc: Exception) -> Response:
    # Logged with its type only: an exception message may quote request data.
    log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return error_response(request, 500, INTERNAL, "internal error", request.url.path)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""
    app.add_exception_handler(ClaimledgerError, _catalogue)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _internal)
