"""``POST /v1/triage``: several medical images in, a worklist out (each item the Answer contract).

The images of one request run as one job in the worker pool, one after another, through
``argus.agent.domains.medical.batch.triage_image``, the same function ``argus triage`` calls for each file. Findings
come as JSON: one object for every image, or an object keyed by file name or sha256. Nothing is
read from the server's disk: sidecar findings files do not apply to uploads.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.agent.core.findings import validate_findings
from argus.agent.errors import FindingsError
from argus.agent.service.images import SHA256, check_sha256, upload_name
from argus.agent.service.jobs import ImageSource, json_field, png_data_uri, public_answer
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from fastapi import UploadFile

    from argus.agent.assistant import Assistant
    from argus.agent.core.answer import Answer
    from argus.agent.service.deps import Service
    from argus.agent.service.images import ImageStore


@dataclass
class TriageFindings:
    """Findings for every image, or per image by file name or sha256."""

    shared: dict[str, Any] | None = None
    per_image: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_image(self, name: str, sha256: str) -> dict[str, Any] | None:
        if self.per_image:
            return self.per_image.get(sha256) or self.per_image.get(name)
        return self.shared


def parse_triage_findings(text: str | None, names: list[str], shas: list[str]) -> TriageFindings:
    if text is None or not text.strip():
        return TriageFindings()
    data = json_field(text, "findings", FindingsError)
    if not isinstance(data, dict):
        raise FindingsError(f"findings: expected a JSON object, got {type(data).__name__}")
    keys = set(names) | set(shas)
    if data and all(isinstance(v, dict) and (k in keys or SHA256.match(str(k))) for k, v in data.items()):
        return TriageFindings(
            per_image={str(k): validate_findings(v, f"findings[{k!r}]") for k, v in data.items()}
        )
    return TriageFindings(shared=validate_findings(data, "findings"))


def sort_worklist(answers: list[Answer]) -> list[Answer]:
    """In the report's order: U4 to U1, then abstentions, then U0; otherwise in the order given."""
    from argus.agent.domains.medical.batch import GROUPS, group

    def rank(answer: Answer) -> int:
        return GROUPS.index(group(answer.urgency.level if answer.urgency else None, answer.abstention))

    return sorted(answers, key=rank)


def triage_job(
    assistant: Assistant,
    store: ImageStore,
    sources: list[ImageSource],
    findings: TriageFindings,
    annotate: bool,
    run_id: str,
) -> list[Answer]:
    from argus.agent.domains.medical.batch import triage_image

    images = [source.resolve(store) for source in sources]  # every image decodes before any is triaged
    answers = []
    with tempfile.TemporaryDirectory(prefix="argus-triage-") as tmp:
        for image in images:
            answer = triage_image(
                assistant,
                image,
                findings=findings.for_image(image.name, image.sha256),
                sidecar=False,
                run_id=run_id,
                annotate_dir=Path(tmp) if annotate else None,
            )
            if annotate:
                answer.annotated_image = png_data_uri(answer.annotated_image)
            answers.append(answer)
    return sort_worklist(answers)


async def triage_request(
    service: Service, uploads: list[UploadFile], shas: list[str], findings: str | None, annotate: bool
) -> dict[str, Any]:
    deadline = service.deadline()
    limit = service.settings.max_triage_images
    count = len(uploads) + len(shas)
    if count == 0:
        raise ArgusError("give at least one image: an 'images' file field or an 'image_sha256' field")
    if count > limit:
        raise ArgusError(f"{count} images in one triage request; this server takes at most {limit}")
    wanted = [check_sha256(s) for s in shas]
    plan = parse_triage_findings(findings, [upload_name(u.filename) for u in uploads], wanted)
    sources = [ImageSource(data=await u.read(), filename=u.filename) for u in uploads]
    sources += [ImageSource(loaded=service.store.get(s)) for s in wanted]
    from argus.agent.domains.medical.pipeline import new_run_id

    run_id = new_run_id()
    answers = await service.workers.run(
        triage_job,
        service.assistant,
        service.store,
        sources,
        plan,
        annotate,
        run_id,
        deadline=deadline,
        deadline_s=service.settings.deadline_s,
    )
    return {"run_id": run_id, "count": len(answers), "items": [public_answer(a) for a in answers]}
