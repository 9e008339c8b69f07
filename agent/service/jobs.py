"""The work one HTTP request hands to a worker thread, and the checks done before it is queued.

Options arrive as form text (zones and findings as JSON) and are validated on the event loop,
where they are cheap, so a malformed request is refused before it takes a place in the queue.
Decoding the image and answering run in the worker. The answer leaves with no server path in
it: the annotated image travels inside the JSON as a PNG data URI.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.agent.core.answer import Answer
from argus.agent.core.findings import validate_findings
from argus.agent.errors import FindingsError
from argus.agent.service.errors import redact_paths
from argus.tools.errors import ArgusError
from argus.tools.zones import Zone, ZoneFileError, parse_zones

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.service.images import ImageStore
    from argus.tools.image_io import LoadedImage

DOMAINS = ("general", "medical", "security")
MAX_JSON_FIELD_CHARS = 1_000_000


@dataclass
class ImageSource:
    """Exactly one of: uploaded bytes (with the client's file name), or an image already decoded."""

    data: bytes | None = None
    filename: str | None = None
    loaded: LoadedImage | None = None

    def resolve(self, store: ImageStore) -> LoadedImage:
        if self.loaded is not None:
            return self.loaded
        assert self.data is not None
        return store.load(self.data, self.filename)


@dataclass
class AskOptions:
    domain: str | None = None
    zones: list[Zone] | None = None
    findings: dict[str, Any] | None = None
    time_of_day: str | None = None
    annotate: bool = False


def parse_options(
    domain: str | None, zones: str | None, findings: str | None, time_of_day: str | None, annotate: bool
) -> AskOptions:
    """Validate the form options; raises the same typed errors as the Python API."""
    from argus.agent.assistant import parse_time

    domain = (domain or "").strip().lower() or None
    if domain is not None and domain not in DOMAINS:
        raise ArgusError(f"domain must be general, medical or security, got {domain[:40]!r}")
    time_of_day = (time_of_day or "").strip() or None
    if time_of_day is not None:
        parse_time(time_of_day)
    return AskOptions(
        domain=domain,
        zones=parse_zones_field(zones),
        findings=parse_findings_field(findings),
        time_of_day=time_of_day,
        annotate=annotate,
    )


def json_field(text: str, name: str, error: type[ArgusError]) -> Any:
    if len(text) > MAX_JSON_FIELD_CHARS:
        raise error(f"{name}: {len(text):,} characters, over the {MAX_JSON_FIELD_CHARS:,}-character limit")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise error(f"{name}: JSON nests too deeply") from None
    except ValueError:  # the only other: an integer past Python's digit limit for int() (4,300)
        raise error(f"{name}: a number in it has too many digits to be read") from None


def parse_zones_field(text: str | None) -> list[Zone] | None:
    if text is None or not text.strip():
        return None
    return parse_zones(json_field(text, "zones", ZoneFileError), "zones")


def parse_findings_field(text: str | None) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    data = json_field(text, "findings", FindingsError)
    if not isinstance(data, dict):
        raise FindingsError(f"findings: expected a JSON object of findings, got {type(data).__name__}")
    return validate_findings(data, "findings")


# ----------------------------------------------------------------------------- jobs


def ask_job(
    assistant: Assistant,
    store: ImageStore,
    source: ImageSource,
    question: str,
    options: AskOptions,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> Answer:
    """Decode, ask, and embed the annotated PNG; runs in a worker thread."""
    image = source.resolve(store)
    conversation = assistant.conversation(
        image,
        domain=options.domain,
        zones=options.zones,
        findings=options.findings,
        time_of_day=options.time_of_day,
    )
    # The final answer event is sent by the caller, after the annotated PNG is embedded.
    steps = None if on_event is None else (lambda e: None if e.get("type") == "answer" else on_event(e))
    if not options.annotate:
        return conversation.ask(question, on_event=steps)
    with tempfile.TemporaryDirectory(prefix="argus-serve-") as tmp:
        answer = conversation.ask(question, annotate=Path(tmp) / "annotated.png", on_event=steps)
        answer.annotated_image = png_data_uri(answer.annotated_image)
    return answer


def png_data_uri(path: str | None) -> str | None:
    if not path:
        return None
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def public_answer(answer: Answer) -> dict[str, Any]:
    """The answer contract as JSON for a client: no server path in the image block, notes or trace."""
    data = answer.model_dump(mode="json")
    if data.get("image"):
        data["image"]["path"] = None
    if data.get("annotated_image") and not str(data["annotated_image"]).startswith("data:"):
        data["annotated_image"] = None
    data["notes"] = [redact_paths(n) for n in data.get("notes", [])]
    data["unsupported_claims"] = [redact_paths(c) for c in data.get("unsupported_claims", [])]
    data["backend"] = {k: redact_paths(str(v)) for k, v in (data.get("backend") or {}).items()}
    for step in data.get("trace", []):
        if step.get("error"):
            step["error"] = redact_paths(step["error"])
    return data
