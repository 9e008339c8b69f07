"""``argus tools``, ``argus detect`` and ``argus fall``: the tool cards and the two detectors."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from argus.agent.commands.common import (
    DeviceOpt,
    ImageArg,
    JsonOpt,
    console,
    print_json,
    runtime_for,
    user_errors,
)

if TYPE_CHECKING:
    from argus.tools.evidence import ToolResult
    from argus.tools.image_io import LoadedImage
    from argus.tools.runtime import Runtime

AnnotateOpt = Annotated[
    Path | None,
    typer.Option("--annotate", help="Also write the image with the boxes and their ids to this PNG."),
]
MinScoreOpt = Annotated[float, typer.Option("--min-score", help="Lowest confidence reported.")]
MaxDetOpt = Annotated[int, typer.Option("--max-detections", help="Report at most this many boxes.")]


def register(app: typer.Typer) -> None:
    app.command("tools")(tools)
    app.command("detect")(detect)
    app.command("fall")(fall)


# ------------------------------------------------------------------ argus tools


def tools(as_json: JsonOpt = False) -> None:
    """List the vision tools: evidence ids, backends, versions, weights and whether each runs here."""
    import os

    from argus.tools.cards import live_cards
    from argus.tools.runtime import Runtime, parse_weights

    with user_errors():
        cards = live_cards(
            Runtime(device="cpu", weights=parse_weights(os.environ.get("ARGUS_WEIGHTS"))), as_json
        )
    if as_json:
        print_json(cards)
        return
    show_cards(cards)


def show_cards(cards: list[dict[str, Any]]) -> None:
    """One block per tool: its name and ids, what it does, then each backend and whether it runs here, with
    long details wrapped under it. Readable at 80 columns and in a pipe, and nothing cut (``--json`` adds
    the full descriptions and schemas)."""
    import textwrap

    from rich.text import Text

    width = max(40, console.width)
    out = Text()

    def say(text: str | Text, indent: int = 0) -> None:
        plain = text.plain if isinstance(text, Text) else text
        if isinstance(text, Text) and indent + len(plain) <= width:
            out.append(" " * indent).append_text(text).append("\n")
            return
        for line in textwrap.wrap(plain, width - indent, break_on_hyphens=False) or [""]:
            out.append(" " * indent + line + "\n")

    ready = sum(any(b["available"] for b in card["backends"]) for card in cards)
    say(Text.assemble(("Vision tools", "bold"), f": {len(cards)}, {ready} of them run here"))
    for card in cards:
        out.append("\n")
        ids = ", ".join(card["evidence_prefixes"])
        say(Text.assemble((card["name"], "bold"), f"  evidence ids {ids}" if ids else ""))
        say(_gist(card["description"]), 2)
        for backend in card["backends"]:
            here = ("runs here", "green") if backend["available"] else ("not here", "red")
            say(Text.assemble((backend["name"], "cyan"), f" {backend['version']}: ", here), 2)
            if not backend["available"]:
                say(backend["detail"], 4)
            if backend["weights"]:
                say(f"weights: {_short_path(backend['weights'])}", 4)
    out.rstrip()
    console.print(out, highlight=False, soft_wrap=True)


def _gist(description: str) -> str:
    """The description's first sentence (an ellipsis such as "D1, D2, ..." does not end it)."""
    return re.split(r"(?<=[^.])\.\s+", description, maxsplit=1)[0].rstrip(".") + "."


def _short_path(weights: str | None) -> str:
    """Package files are shown from site-packages on, so the table stays readable."""
    if not weights:
        return ""
    marker = "site-packages/"
    return weights.split(marker, 1)[1] if marker in weights else weights


# ------------------------------------------------------------------ argus detect / fall


def detect(
    image: ImageArg,
    backend: Annotated[
        str, typer.Option("--backend", help="auto, ssd-mobilenet-v2-coco or yolo (yolo needs --weights).")
    ] = "auto",
    weights: Annotated[
        str | None, typer.Option("--weights", help="A local Ultralytics YOLO weights file (.pt or .onnx).")
    ] = None,
    labels: Annotated[
        str | None, typer.Option("--labels", help="Only these classes, comma-separated: person,bus.")
    ] = None,
    min_score: MinScoreOpt = 0.3,
    max_detections: MaxDetOpt = 100,
    nms_iou: Annotated[
        float, typer.Option("--nms-iou", help="Drop a box overlapping a better one of its class by more.")
    ] = 0.7,
    as_json: JsonOpt = False,
    annotate: AnnotateOpt = None,
    device: DeviceOpt = "auto",
) -> None:
    """Find objects in an image: label, score and box in pixels for each, ids D1, D2, ..."""
    with user_errors():
        result, elapsed, written = _run_and_annotate(
            "detect_objects",
            image,
            device,
            annotate,
            labels=labels,
            min_score=min_score,
            max_detections=max_detections,
            nms_iou=nms_iou,
            backend=backend,
            weights=weights,
        )
    from argus.tools.detect_objects import ObjectDetections

    assert isinstance(result, ObjectDetections)
    _show(result, elapsed, written, as_json, counts=result.counts)


def fall(
    image: ImageArg,
    min_score: MinScoreOpt = 0.3,
    max_detections: MaxDetOpt = 100,
    as_json: JsonOpt = False,
    annotate: AnnotateOpt = None,
    device: DeviceOpt = "auto",
) -> None:
    """Find people and whether each has fallen (Normal or Fall), ids F1, F2, ..."""
    with user_errors():
        result, elapsed, written = _run_and_annotate(
            "detect_falls", image, device, annotate, min_score=min_score, max_detections=max_detections
        )
    from argus.tools.detect_falls import FallStates

    assert isinstance(result, FallStates)
    _show(result, elapsed, written, as_json, counts={"fallen": result.fallen_count})


def _run_and_annotate(
    name: str, image: Path, device: str, annotate: Path | None, **args: Any
) -> tuple[ToolResult, float, Path | None]:
    """Run one tool on the image: (result, milliseconds the call took, annotated PNG written or None).
    A bad --annotate path is refused before the model runs."""
    from argus.tools import get_tool
    from argus.tools.image_io import as_loaded

    tool = get_tool(name, runtime_for(device))
    _check_annotate_path(annotate, tool.runtime)
    loaded = as_loaded(image, max_pixels=tool.runtime.max_pixels)
    start = time.perf_counter()
    result = tool(loaded, **args)
    elapsed = (time.perf_counter() - start) * 1000
    return result, elapsed, _annotate(loaded, result, annotate, tool.runtime)


def _check_annotate_path(out: Path | None, runtime: Runtime) -> None:
    """Refuse a bad --annotate path before the detector runs, with the annotate tool's own message."""
    if out is not None:
        from argus.tools import get_tool

        get_tool("annotate", runtime).parse_args(items=[], out=str(out))


def _annotate(image: LoadedImage, result: ToolResult, out: Path | None, runtime: Runtime) -> Path | None:
    """Draw the result's items with their ids through the annotate tool; the path written, if asked."""
    if out is None:
        return None
    from argus.tools import get_tool

    drawn = get_tool("annotate", runtime)(
        image, items=[item.model_dump() for item in result.items()], out=str(out)
    )
    return Path(drawn.path)


def _show(
    result: ToolResult, elapsed_ms: float, annotated: Path | None, as_json: bool, counts: dict[str, int]
) -> None:
    if as_json:
        data = result.model_dump(mode="json")
        if annotated is not None:
            data["annotated_image"] = str(annotated)
        print_json(data)
        return
    from rich.table import Table

    table = Table(title=f"{result.tool} ({result.backend} {result.backend_version})")
    for column in ("id", "label", "score", "box x1, y1, x2, y2 (px)"):
        table.add_column(column)
    for item in result.items():
        box = "[" + ", ".join(f"{v:.0f}" for v in item.box) + "]" if item.box else ""
        table.add_row(item.id, item.label, f"{item.score:.2f}" if item.score is not None else "", box)
    console.print(table)
    summary = ", ".join(f"{label}: {n}" for label, n in counts.items()) or "nothing found"
    width, height = result.image_size
    console.print(f"{summary}  ({width}x{height} px, {elapsed_ms:.0f} ms)", highlight=False)
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]")
    if annotated is not None:
        console.print(f"annotated image: {annotated}")
