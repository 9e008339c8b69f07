"""A security assessment of an uploaded image (or video) against zones, for the web app and MCP.

The same assessment ``argus assess`` makes (``argus.agent.domains.security.assessment``): a still
image is asked the assessment question in the security domain with the zones bound to it; a video
or folder of frames goes through the tracker. The annotated frame comes back as PNG bytes.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from argus.tools.zones import Zone

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.core.answer import Answer
    from argus.tools.image_io import LoadedImage


def assess_image(
    assistant: Assistant, image: LoadedImage, zones: list[Zone], time_of_day: str | None = None
) -> tuple[Answer, bytes]:
    """Threat level, alerts with their rules and the annotated image for one still image."""
    from argus.agent.domains.security.assessment import QUESTION, report

    conversation = assistant.conversation(image, domain="security", zones=zones, time_of_day=time_of_day)
    with tempfile.TemporaryDirectory(prefix="argus-assess-") as tmp:
        out = Path(tmp) / "assessed.png"
        answer = conversation.ask(QUESTION, annotate=out)
        png = out.read_bytes()
    answer.annotated_image = None
    answer.security = report(answer, assistant.knowledge()).model_dump()
    return answer, png


def assess_video(
    assistant: Assistant, video: Path, zones: list[Zone], time_of_day: str | None = None
) -> tuple[Answer, bytes]:
    """The same over a video file's frames: tracking adds loitering and items left alone."""
    from argus.agent.domains.security.assessment import assess

    with tempfile.TemporaryDirectory(prefix="argus-assess-") as tmp:
        zones_file = Path(tmp) / "zones.json"
        zones_file.write_text(json.dumps({"zones": [z.model_dump(mode="json") for z in zones]}), "utf-8")
        out = Path(tmp) / "assessed.png"
        answer, _ = assess(assistant, video, zones=zones_file, time_of_day=time_of_day, annotate=out)
        png = out.read_bytes()
    answer.annotated_image = None
    return answer, png
