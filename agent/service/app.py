"""The HTTP service behind ``argus serve``: the Assistant as a programmatic API.

    from argus.agent.service.app import create_app
    from argus.agent.service.settings import ServerSettings
    app = create_app(ServerSettings(no_auth=True))      # then: uvicorn.run(app)

Endpoints (JSON unless stated; every /v1 route needs ``Authorization: Bearer <token>`` unless the
server runs on loopback with ``--no-auth``), one router module each under ``routers/``:

    POST /v1/ask          multipart: image | image_sha256 | image_url, question, domain, zones (JSON),
                          findings (JSON), time (HH:MM), annotate -> the Answer contract
    POST /v1/ask/stream   the same form -> server-sent events tool_started, tool_finished, answer
    POST /v1/triage       multipart: images (repeatable) and/or image_sha256, findings -> worklist items
    GET  /v1/tools        the vision tools' cards
    GET  /v1/kb/search    ?q=&k=&domain= -> rules nearest the query
    GET  /v1/kb/rules/ID  one rule in full
    GET  /healthz         the process is up
    GET  /readyz          the models are loaded (503 until then)
    GET  /docs            OpenAPI documentation
    POST /mcp             MCP over streamable HTTP (settings.mcp; same token): argus.agent.service.mcp
    GET  /                the web app (settings.web; signs in with the token): argus.agent.service.web

Models load once, at start-up, in a background thread; questions run on a bounded pool of worker
threads with a bounded queue (429 with Retry-After when full) under a per-request deadline (504).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Security
from fastapi.security import HTTPBearer

from argus import __version__
from argus.agent.service.auth import BearerAuthMiddleware, BodyLimitMiddleware
from argus.agent.service.deps import Service
from argus.agent.service.errors import install_error_handlers
from argus.agent.service.pool import WorkerPool
from argus.agent.service.routers import ask, catalogue, probes, triage
from argus.agent.service.settings import ServerSettings

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text}
    for status, text in {
        401: "missing or wrong bearer token",
        404: "unknown image_sha256 or rule id",
        413: "body or image over the configured limit",
        422: "invalid input (bad image, zones, findings, question)",
        429: "every worker busy and the queue full; see Retry-After",
        504: "past the per-request deadline",
    }.items()
}


def make_assistant(settings: ServerSettings) -> Assistant:
    from argus.agent.assistant import Assistant
    from argus.agent.core.loop import Limits
    from argus.tools.runtime import Runtime

    return Assistant(
        llm=settings.llm,
        llm_url=settings.llm_url,
        llm_model=settings.llm_model,
        device=settings.device,
        rules_dirs=settings.rules_dirs or None,
        runtime=Runtime(device=settings.device, max_pixels=settings.max_pixels),
        limits=Limits(deadline_s=settings.deadline_s),
        tool_timeout_s=min(60.0, settings.deadline_s),
    )


def create_app(settings: ServerSettings, assistant: Assistant | None = None) -> FastAPI:
    """The FastAPI app for ``settings`` (checked first: unsafe settings raise ServerConfigError).

    ``assistant`` lets a program share an Assistant (and its loaded models) with the service.
    """
    settings.check()
    service = Service(settings, assistant or make_assistant(settings))
    mcp_server: Any = None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.pool = WorkerPool(settings.workers, settings.queue)
        warm_up = threading.Thread(target=service.warm, name="argus-warm-up", daemon=True)
        warm_up.start()
        async with AsyncExitStack() as stack:
            if mcp_server is not None:
                await stack.enter_async_context(mcp_server.session_manager.run())
            yield
        await asyncio.to_thread(service.pool.shutdown)  # lets admitted questions finish
        # A warm-up still loading models when the server stops is waited for: a thread left inside a
        # native library while Python tears down can abort the process.
        await asyncio.to_thread(warm_up.join)

    app = FastAPI(
        title="Argus",
        summary="Ask questions about images; every answer cites its evidence.",
        version=__version__,
        lifespan=lifespan,
        form_limits={"max_fields": 64, "max_files": settings.max_triage_images, "max_part_size": 2_000_000},
    )
    app.state.service = service
    install_error_handlers(app, settings.max_body_mb)
    token = settings.token.get_secret_value() if settings.token is not None else None
    # The last added runs first: auth, then the body limit, then the app.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, max_mb=settings.max_body_mb)
    api_prefixes = ("/v1", "/mcp") if settings.web else None  # the web app signs its own pages in
    app.add_middleware(
        BearerAuthMiddleware, token=None if settings.no_auth else token, api_prefixes=api_prefixes
    )

    app.include_router(probes.router)
    # HTTPBearer here only documents the scheme in /docs; BearerAuthMiddleware enforces it.
    v1 = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERRORS)
    for module in (ask, triage, catalogue):
        v1.include_router(module.router)
    app.include_router(v1)
    if settings.mcp:
        from argus.agent.service.mcp.server import mount_mcp

        mcp_server = mount_mcp(app, service)
    if settings.web:
        from argus.agent.service.web import mount_web

        mount_web(app, service)  # last: it serves every path not taken above
    return app
