"""Server-sent events for ``/v1/ask/stream``: a question's step events as they happen, then the answer."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from argus.agent.service.deps import Service
from argus.agent.service.errors import error_type, redact_paths, status_for
from argus.agent.service.jobs import AskOptions, ImageSource, ask_job, public_answer
from argus.agent.service.pool import deadline_error
from argus.tools.errors import ArgusError

log = logging.getLogger("argus.server")

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
