"""The HTTP service behind ``argus serve``: the Assistant as a programmatic API.

    from agent.server import create_app
    from agent.server_settings import ServerSettings
    app = create_app(ServerSettings(no_auth=True))      # then: uvicorn.run(app)

Endpoints (JSON unless stated; every /v1 route needs ``Authorization: Bearer <token>`` unless the
server runs on loopback with ``--no-auth``):

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

Models load once, at start-up, in a background thread; questions run on a bounded pool of worker
threads with a bounded queue (429 with Retry-After when full) under a per-request deadline (504).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, FastAPI, File, Form, Query, Security, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer

from agent.answer import Answer
from agent.server_auth import BearerAuthMiddleware, BodyLimitMiddleware
from agent.server_errors import error_response, error_type, install_error_handlers, redact_paths, status_for
from agent.server_images import ImageStore
from agent.server_jobs import AskOptions, ImageSource, ask_job, parse_options, public_answer
from agent.server_pool import WorkerPool, deadline_error
from agent.server_settings import ServerSettings
from agent.url_fetch import fetch_image_url
from tools.errors import ArgusError

if TYPE_CHECKING:
    from agent.assistant import Assistant

log = logging.getLogger("argus.server")

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


class Service:
    """What the routes share: settings, the Assistant, the worker pool, the image store, readiness."""

    def __init__(self, settings: ServerSettings, assistant: Assistant) -> None:
        self.settings = settings
        self.assistant = assistant
        self.store = ImageStore(settings.image_cache, settings.max_pixels)
        self.pool: WorkerPool | None = None
        self.ready = threading.Event()
        self.warm_error: str | None = None

    def warm(self) -> None:
        """Load the knowledge base and its index, the planner's embedder and the detector."""
        import numpy as np

        from agent.planner.intents import default_model
        from tools import get_tool

        start = time.perf_counter()
        try:
            kb = self.assistant.knowledge()
            kb.search("person in a restricted zone", k=1)
            kb.graph  # noqa: B018 - builds the rule graph once
            self.assistant.chat_model()
            default_model()
            get_tool("detect_objects", self.assistant.runtime)(np.zeros((64, 64, 3), np.uint8))
        except ArgusError as exc:
            self.warm_error = f"{type(exc).__name__}: {exc}"
            log.error("warm-up failed: %s", exc)
            return
        except Exception as exc:  # any failure here means "not ready"; /readyz says so, the log has the trace
            self.warm_error = f"{type(exc).__name__} while loading models"
            log.exception("warm-up failed")
            return
        log.info("models loaded in %.1f s", time.perf_counter() - start)
        self.ready.set()

    @property
    def workers(self) -> WorkerPool:
        if self.pool is None:
            raise ArgusError("the server is not started")
        return self.pool

    def deadline(self) -> float:
        return time.monotonic() + self.settings.deadline_s

    async def image_source(
        self, image: UploadFile | None, image_sha256: str | None, image_url: str | None
    ) -> ImageSource:
        given = [
            n for n, v in (("image", image), ("image_sha256", image_sha256), ("image_url", image_url)) if v
        ]
        if len(given) != 1:
            got = ", ".join(given) or "none"
            raise ArgusError(
                f"give exactly one of image (a file upload), image_sha256 or image_url; got {got}"
            )
        if image is not None:
            return ImageSource(data=await image.read(), filename=image.filename)
        if image_sha256:
            return ImageSource(loaded=self.store.get(image_sha256))
        data, name = await fetch_image_url(
            str(image_url),
            self.settings.allow_url_hosts,
            self.settings.max_body_bytes,
            self.settings.url_timeout_s,
        )
        return ImageSource(data=data, filename=name)


def make_assistant(settings: ServerSettings) -> Assistant:
    from agent.assistant import Assistant
    from agent.orchestrator import Limits
    from tools.runtime import Runtime

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

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.pool = WorkerPool(settings.workers, settings.queue)
        threading.Thread(target=service.warm, name="argus-warm-up", daemon=True).start()
        yield
        await asyncio.to_thread(service.pool.shutdown)  # lets admitted questions finish

    app = FastAPI(
        title="Argus",
        summary="Ask questions about images; every answer cites its evidence.",
        version="0.1.0",
        lifespan=lifespan,
        form_limits={"max_fields": 64, "max_files": settings.max_triage_images, "max_part_size": 2_000_000},
    )
    app.state.service = service
    install_error_handlers(app, settings.max_body_mb)
    token = settings.token.get_secret_value() if settings.token is not None else None
    # The last added runs first: auth, then the body limit, then the app.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, max_mb=settings.max_body_mb)
    app.add_middleware(BearerAuthMiddleware, token=None if settings.no_auth else token)

    @app.get("/healthz", tags=["probes"])
    async def healthz() -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"], responses={503: {"description": "models still loading"}})
    async def readyz() -> JSONResponse:
        """Ready once the detector, the planner's embedder and the knowledge base are loaded."""
        if not service.ready.is_set():
            message = service.warm_error or "loading models"
            return error_response(503, "not_ready", f"not ready: {message}")
        from tools.runtime import default_runtime

        keys = dict.fromkeys([*service.assistant.runtime.models.loaded(), *default_runtime().models.loaded()])
        loaded = [redact_paths(key) for key in keys]
        return JSONResponse({"status": "ready", "models": loaded, "pool": service.workers.stats()})

    # HTTPBearer here only documents the scheme in /docs; BearerAuthMiddleware enforces it.
    v1 = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERRORS)
    _ask_routes(v1, service)
    _triage_route(v1, service)
    _catalogue_routes(v1, service)
    app.include_router(v1)
    return app


# ----------------------------------------------------------------------------- ask

ImageFile = Annotated[
    UploadFile | None, File(description="The image file (JPEG, PNG, WebP, BMP, TIFF, GIF, DICOM).")
]
ImageSha = Annotated[str | None, Form(description="sha256 of an image uploaded earlier to this server.")]
ImageUrl = Annotated[
    str | None, Form(description="An http(s) URL on a host the server allows (off by default).")
]
Question = Annotated[str, Form(description="The question, in plain words.")]
DomainField = Annotated[str | None, Form(description="general, medical or security (default: inferred).")]
ZonesField = Annotated[str | None, Form(description='Zones as JSON: {"zones": [{"name", "polygon", ...}]}.')]
FindingsField = Annotated[
    str | None, Form(description='Stated findings as JSON, e.g. {"nodule.size_mm": 7}.')
]
TimeField = Annotated[str | None, Form(description="Time of day the image was taken, HH:MM.")]
AnnotateField = Annotated[
    bool, Form(description="Return the cited evidence drawn on the image as a PNG data URI.")
]


def _ask_routes(router: APIRouter, service: Service) -> None:
    @router.post("/ask", tags=["ask"], responses={200: {"model": Answer}})
    async def ask(
        question: Question,
        image: ImageFile = None,
        image_sha256: ImageSha = None,
        image_url: ImageUrl = None,
        domain: DomainField = None,
        zones: ZonesField = None,
        findings: FindingsField = None,
        time: TimeField = None,
        annotate: AnnotateField = False,
    ) -> JSONResponse:
        """Answer one question about one image; the answer cites its evidence, rules and sources."""
        deadline = service.deadline()
        options = parse_options(domain, zones, findings, time, annotate)
        source = await service.image_source(image, image_sha256, image_url)
        answer = await service.workers.run(
            ask_job,
            service.assistant,
            service.store,
            source,
            question,
            options,
            deadline=deadline,
            deadline_s=service.settings.deadline_s,
        )
        return JSONResponse(public_answer(answer))

    @router.post(
        "/ask/stream",
        tags=["ask"],
        response_class=StreamingResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "step events, then the answer"}
        },
    )
    async def ask_stream(
        question: Question,
        image: ImageFile = None,
        image_sha256: ImageSha = None,
        image_url: ImageUrl = None,
        domain: DomainField = None,
        zones: ZonesField = None,
        findings: FindingsField = None,
        time: TimeField = None,
        annotate: AnnotateField = False,
    ) -> StreamingResponse:
        """The same question as server-sent events: ``tool_started`` and ``tool_finished`` as each step
        runs, then ``answer`` (the Answer contract), or ``error`` if it fails once streaming began."""
        deadline = service.deadline()
        options = parse_options(domain, zones, findings, time, annotate)
        source = await service.image_source(image, image_sha256, image_url)
        stream = StepStream(service, deadline)
        await stream.start(source, question, options)
        return StreamingResponse(
            stream.events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


_DONE = object()


class StepStream:
    """Runs one question in the pool and relays its step events to an SSE response."""

    def __init__(self, service: Service, deadline: float) -> None:
        self.service = service
        self.deadline = deadline
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.future: Any = None
        self._first: Any = None

    async def start(self, source: ImageSource, question: str, options: AskOptions) -> None:
        """Queue the job and wait for its first event, so errors before any step are plain HTTP errors."""
        loop = asyncio.get_running_loop()

        def emit(event: Any) -> None:
            loop.call_soon_threadsafe(self.queue.put_nowait, event)

        pool = self.service.workers
        self.future = pool.submit(
            ask_job, self.service.assistant, self.service.store, source, question, options, emit
        )
        self.future.add_done_callback(lambda _: emit(_DONE))
        self._first = await self._next()
        if self._first is _DONE and self.future.exception() is not None:
            raise self.future.exception()

    async def _next(self) -> Any:
        remaining = self.deadline - time.monotonic()
        try:
            return await asyncio.wait_for(self.queue.get(), max(0.0, remaining))
        except TimeoutError:
            if self.future.done():
                return _DONE  # it finished just now; its done marker is on the queue
            started = not self.future.cancel()  # a job still waiting for a worker is dropped
            raise deadline_error(self.service.settings.deadline_s, started) from None

    async def events(self) -> AsyncIterator[str]:
        item = self._first
        while True:
            if item is _DONE:
                exc = self.future.exception()
                if exc is None:
                    yield sse("answer", {"type": "answer", "answer": public_answer(self.future.result())})
                else:
                    yield _sse_error(exc)
                return
            yield sse(str(item.get("type", "step")), item)
            try:
                item = await self._next()
            except ArgusError as exc:
                yield _sse_error(exc)
                return


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _sse_error(exc: BaseException) -> str:
    if isinstance(exc, ArgusError):
        kind, message, status = error_type(exc), str(exc), status_for(exc)
    else:
        log.error("stream failed", exc_info=exc)
        kind, message, status = "internal_error", "the server failed on this request", 500
    return sse(
        "error",
        {"type": "error", "status": status, "error": {"type": kind, "message": redact_paths(message)}},
    )


# -------------------------------------------------------------------------- triage


def _triage_route(router: APIRouter, service: Service) -> None:
    from agent.server_triage import triage_request

    @router.post("/triage", tags=["triage"])
    async def triage(
        images: Annotated[
            list[UploadFile] | None, File(description="Images to triage (repeat the field).")
        ] = None,
        image_sha256: Annotated[
            list[str] | None, Form(description="sha256 of images uploaded earlier.")
        ] = None,
        findings: Annotated[
            str | None,
            Form(
                description="JSON: one findings object for every image, or {file name or sha256: findings}."
            ),
        ] = None,
        annotate: AnnotateField = False,
    ) -> JSONResponse:
        """Triage one or more medical images: a worklist sorted by urgency, each item an Answer.

        Findings come only in this request (the server reads no sidecar files), and no audit log is
        written here: the caller keeps the worklist. ``argus triage`` is the audited batch path."""
        return JSONResponse(
            await triage_request(service, images or [], image_sha256 or [], findings, annotate)
        )


# ----------------------------------------------------------------------- catalogue


def _catalogue_routes(router: APIRouter, service: Service) -> None:
    @router.get("/tools", tags=["catalogue"])
    def tools() -> list[dict[str, Any]]:
        """The vision tools' cards: what each does, its inputs, evidence ids, backends and limits."""
        from tools import TOOLS, tool_class

        out = []
        for name in TOOLS:
            data = tool_class(name)(service.assistant.runtime).card().model_dump(mode="json")
            for backend in data["backends"]:
                backend["detail"] = redact_paths(backend["detail"])
                backend["weights"] = redact_paths(backend["weights"]) if backend["weights"] else None
            out.append(data)
        return out

    @router.get("/kb/search", tags=["knowledge"])
    def kb_search(
        q: Annotated[str, Query(min_length=2, max_length=500, description="What to look for.")],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
        domain: Annotated[str | None, Query(description="medical, security or general")] = None,
    ) -> list[dict[str, Any]]:
        """Rules nearest the query by meaning, best first, each with its urgency and source."""
        from knowledge.views import hit_summary

        return [hit_summary(hit) for hit in service.assistant.knowledge().search(q, k=k, domain=domain)]

    @router.get("/kb/rules/{rule_id}", tags=["knowledge"])
    def kb_rule(rule_id: str) -> dict[str, Any]:
        """One rule in full: condition, urgency, action, source and the condition in plain notation."""
        from knowledge.views import rule_detail

        return rule_detail(service.assistant.knowledge().rule(rule_id[:200]))
