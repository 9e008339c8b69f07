"""``POST /v1/ask`` and ``POST /v1/ask/stream``: one question about one image."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, StreamingResponse

from argus.agent.core.answer import Answer
from argus.agent.service.deps import ServiceDep
from argus.agent.service.forms import AskForm
from argus.agent.service.jobs import ask_job, public_answer
from argus.agent.service.stream import StepStream

router = APIRouter(tags=["ask"])


@router.post("/ask", responses={200: {"model": Answer}})
async def ask(form: Annotated[AskForm, Form()], service: ServiceDep) -> JSONResponse:
    """Answer one question about one image; the answer cites its evidence, rules and sources."""
    deadline = service.deadline()
    options = form.options()
    source = await service.image_source(form.image, form.image_sha256, form.image_url)
    answer = await service.workers.run(
        ask_job,
        service.assistant,
        service.store,
        source,
        form.question,
        options,
        deadline=deadline,
        deadline_s=service.settings.deadline_s,
    )
    return JSONResponse(public_answer(answer))


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "step events, then the answer"}},
)
async def ask_stream(form: Annotated[AskForm, Form()], service: ServiceDep) -> StreamingResponse:
    """The same question as server-sent events: ``tool_started`` and ``tool_finished`` as each step
    runs, then ``answer`` (the Answer contract), or ``error`` if it fails once streaming began."""
    deadline = service.deadline()
    options = form.options()
    source = await service.image_source(form.image, form.image_sha256, form.image_url)
    stream = StepStream(service, deadline)
    await stream.start(source, form.question, options)
    return StreamingResponse(
        stream.events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
