"""The checks made before a request body is read: bearer-token auth, then the body size limit.

Both are ASGI middleware rather than route dependencies because FastAPI reads (and spools) a
form body before it runs dependencies: an unauthenticated client must not be able to make the
server take in 50 MB first. Every path needs the token except the probes and the API docs; the
comparison is constant-time. The size limit is checked against Content-Length when one is sent
and, since a client may lie or send chunks, against the bytes actually read.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from argus.agent.errors import AuthError
from argus.agent.service.errors import argus_error_response, body_too_large_response

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


class BearerAuthMiddleware:
    """``api_prefixes`` None: every path but the public ones needs the token; a tuple: only paths under
    those prefixes (the web app, mounted beside the API, signs its pages in itself)."""

    def __init__(self, app: ASGIApp, token: str | None, api_prefixes: tuple[str, ...] | None = None) -> None:
        self.app = app
        self._token = token.encode() if token else None
        self._prefixes = api_prefixes

    def _open(self, path: str) -> bool:
        if path in PUBLIC_PATHS:
            return True
        return self._prefixes is not None and not any(
            path == p or path.startswith(p + "/") for p in self._prefixes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._token is None or scope["type"] != "http" or self._open(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization")
        problem = None
        if header is None:
            problem = "this server needs a bearer token: send the header 'Authorization: Bearer <token>'"
        else:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                problem = "the Authorization header must be 'Bearer <token>'"
            elif not secrets.compare_digest(value.strip().encode(), self._token):
                problem = "the bearer token is not valid for this server"
        if problem is None:
            await self.app(scope, receive, send)
            return
        response = argus_error_response(AuthError(problem))
        await response(scope, receive, send)


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` once a body passes the limit; FastAPI re-raises HTTPExceptions met
    while parsing a form, so the app's handler answers it as JSON."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, max_mb: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_mb = max_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await body_too_large_response(self.max_mb)(scope, receive, send)
            return
        read = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.max_bytes:
                    raise BodyTooLargeError()
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLargeError:
            if started:
                raise
            await body_too_large_response(self.max_mb)(scope, receive, send)
