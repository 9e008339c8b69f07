"""How the HTTP service reports errors: ``{"error": {"type", "message"}}`` with a fitting status.

A user error (an ArgusError) keeps its message, since those are written to be shown; a bug
becomes a 500 whose message holds only an incident id, while the traceback goes to the server
log. Messages pass through ``redact_paths`` so no server file path ever reaches a client.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from argus.agent.errors import (
    AuthError,
    DeadlineExceededError,
    NotFoundError,
    ServerBusyError,
    ToolExecutionError,
    UnknownImageError,
    UrlFetchError,
    UrlNotAllowedError,
)
from argus.knowledge.errors import UnknownRuleError
from argus.tools.errors import ArgusError, BackendUnavailableError, ImageLoadError, ImageTooLargeError

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

log = logging.getLogger("argus.server")

# An absolute path: /a/b..., ~/a/..., C:\a\... that does not continue a word or a URL.
_PATH = re.compile(r"(?<![\w.:/\\~-])(?:[A-Za-z]:[\\/]|~?/)(?:[^\s/\\:'\"<>|]+[/\\])+([^\s/\\:'\"<>|,;)\]]*)")


# Every error type and its HTTP status, most specific first: the first class an error is an instance
# of decides. Any other ArgusError is the client's input (422); anything else is a bug (500).
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (AuthError, 401),
    (ImageTooLargeError, 413),
    (ImageLoadError, 422),
    (UnknownImageError, 404),
    (UnknownRuleError, 404),
    (NotFoundError, 404),
    (UrlNotAllowedError, 403),
    (UrlFetchError, 502),
    (ServerBusyError, 429),
    (DeadlineExceededError, 504),
    (BackendUnavailableError, 503),
    (ToolExecutionError, 502),
)


def status_for(exc: BaseException) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 422


def error_type(exc: BaseException) -> str:
    """``ImageTooLargeError`` -> ``image_too_large``; a plain ArgusError is ``invalid_input``."""
    if type(exc) is ArgusError:
        return "invalid_input"
    name = type(exc).__name__.removesuffix("Error") or type(exc).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def redact_paths(text: str) -> str:
    """Replace absolute file paths with their last component (``/srv/models/x.pb`` -> ``x.pb``)."""
    return _PATH.sub(lambda m: m.group(1) or "<path>", text)


def error_response(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"type": kind, "message": redact_paths(message)}}
    return JSONResponse(body, status_code=status, headers=headers)


def body_too_large_response(max_body_mb: float) -> JSONResponse:
    return error_response(
        413,
        "body_too_large",
        f"the request body is over this server's {max_body_mb:g} MB limit (--max-body-mb)",
    )


def argus_error_response(exc: ArgusError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, ServerBusyError) else None
    if isinstance(exc, AuthError):
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(status_for(exc), error_type(exc), str(exc), headers)


def install_error_handlers(app: FastAPI, max_body_mb: float) -> None:
    """Every error the app can produce leaves as the JSON error shape."""

    async def on_argus(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ArgusError)
        return argus_error_response(exc)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        if status == 413:
            return body_too_large_response(max_body_mb)
        if status == 404:
            message = "no such endpoint; see /docs for the API"
        elif status == 405:
            message = "this endpoint does not take that HTTP method; see /docs for the API"
        else:
            message = str(exc.detail)
        kind = {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            413: "body_too_large",
        }.get(status, "http_error")
        return error_response(status, kind, message, dict(exc.headers or {}) or None)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, "invalid_request", describe_validation(exc.errors()))

    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        log.error("incident %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
        return error_response(
            500, "internal_error", f"the server failed on this request; it is logged as incident {incident}"
        )

    app.add_exception_handler(ArgusError, on_argus)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_bug)


def describe_validation(errors: Any) -> str:
    """FastAPI's validation errors as one line: ``question: Field required; k: ...``."""
    parts = []
    for err in list(errors)[:5]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        where = ".".join(loc) or "request"
        message = str(err.get("msg", "invalid"))
        if err.get("type") in ("missing", "value_error.missing"):
            message = "required"
        elif "UploadFile" in message:
            message = "expected a file upload"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
