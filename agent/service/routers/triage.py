"""``POST /v1/triage``: several medical images in, a worklist out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from argus.agent.service.deps import ServiceDep
from argus.agent.service.triage import triage_request

router = APIRouter(tags=["triage"])


@router.post("/triage")
async def triage(
    service: ServiceDep,
    images: Annotated[
        list[UploadFile] | None, File(description="Images to triage (repeat the field).")
    ] = None,
    image_sha256: Annotated[list[str] | None, Form(description="sha256 of images uploaded earlier.")] = None,
    findings: Annotated[
        str | None,
        Form(description="JSON: one findings object for every image, or {file name or sha256: findings}."),
    ] = None,
    annotate: Annotated[
        bool, Form(description="Return each image's cited evidence drawn on it as a PNG data URI.")
    ] = False,
) -> JSONResponse:
    """Triage one or more medical images: a worklist sorted by urgency, each item an Answer.

    Findings come only in this request (the server reads no sidecar files), and no audit log is
    written here: the caller keeps the worklist. ``argus triage`` is the audited batch path."""
    return JSONResponse(await triage_request(service, images or [], image_sha256 or [], findings, annotate))
