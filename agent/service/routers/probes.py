"""``/healthz`` and ``/readyz``: for load balancers and orchestrators (no auth)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from argus.agent.service.deps import ServiceDep
from argus.agent.service.errors import error_response, redact_paths

router = APIRouter(tags=["probes"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "models still loading"}})
async def readyz(service: ServiceDep) -> JSONResponse:
    """Ready once the detector, the planner's embedder and the knowledge base are loaded; says which
    models are loaded, how busy the workers are, and the limits a request is held to."""
    if not service.ready.is_set():
        message = service.warm_error or "loading models"
        return error_response(503, "not_ready", f"not ready: {message}")
    from argus.tools.runtime import default_runtime

    keys = dict.fromkeys([*service.assistant.runtime.models.loaded(), *default_runtime().models.loaded()])
    loaded = [redact_paths(key) for key in keys]
    return JSONResponse(
        {
            "status": "ready",
            "models": loaded,
            "pool": service.workers.stats(),
            "limits": service.settings.limits(),
        }
    )
