"""What the routes share, and how they get it: one ``Service`` per app, handed to each route by
``Depends`` (``ServiceDep``), never through a module global."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request, UploadFile

from argus.agent.service.images import ImageStore
from argus.agent.service.jobs import ImageSource
from argus.agent.service.pool import WorkerPool
from argus.agent.service.settings import ServerSettings
from argus.agent.service.url_fetch import fetch_image_url
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant

log = logging.getLogger("argus.server")


class Service:
    """Settings, the Assistant, the worker pool, the image store and readiness, for one app."""

    def __init__(self, settings: ServerSettings, assistant: Assistant) -> None:
        self.settings = settings
        self.assistant = assistant
        self.store = ImageStore(settings.image_cache, settings.max_pixels, max_frames=settings.max_frames)
        self.pool: WorkerPool | None = None
        self.ready = threading.Event()
        self.warm_error: str | None = None

    def warm(self) -> None:
        """Load the knowledge base and its index, the planner's embedder and the detector."""
        import numpy as np

        from argus.agent.planner.intents import default_model
        from argus.tools import get_tool

        start = time.perf_counter()
        try:
            kb = self.assistant.knowledge()
            kb.search("person in a restricted zone", k=1)
            kb.graph  # noqa: B018 - builds the rule graph once
            if self.assistant.llm_spec.kind != "planner":
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


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]
