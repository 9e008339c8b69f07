"""``argus describe``, ``argus ocr`` and ``argus classify``: a caption, the text, the ImageNet classes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

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
    from argus.tools.classify_image import ClassifyImageResult
    from argus.tools.describe_image import DescribeResult
    from argus.tools.evidence import ToolResult
    from argus.tools.read_text import ReadTextResult


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("describe")(describe)
    app.command("ocr")(ocr)
    app.command("classify")(classify)


def _run(tool_name: str, image: Path, device: str, **args: Any) -> tuple[ToolResult, float]:
    from argus.tools import get_tool
    from argus.tools.image_io import as_loaded

    tool = get_tool(tool_name, runtime_for(device))
    loaded = as_loaded(image, max_pixels=tool.runtime.max_pixels)
    start = time.perf_counter()
    result = tool(loaded, **args)
    return result, (time.perf_counter() - start) * 1000


def _footer(result: ToolResult, elapsed_ms: float) -> None:
    width, height = result.image_size
    console.print(
        f"{result.tool} ({result.backend} {result.backend_version}), {width}x{height} px, {elapsed_ms:.0f} ms",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)


def describe(
    image: ImageArg,
    backend: Annotated[
        str, typer.Option("--backend", help="auto, composed (offline) or transformers-captioner.")
    ] = "auto",
    model: Annotated[
        str | None,
        typer.Option("--model", help="Hub id or local folder of a transformers image-to-text model."),
    ] = None,
    prompt: Annotated[
        str | None,
        typer.Option("--prompt", help="Prompt for captioners that take one (BLIP, GIT, Florence-2)."),
    ] = None,
    ocr_mode: Annotated[
        str, typer.Option("--ocr", help="Composed: include OCR text: auto (if already read), always, never.")
    ] = "auto",
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", help="Longest model caption.")] = 40,
    as_json: JsonOpt = False,
    device: DeviceOpt = "auto",
) -> None:
    """Describe the image in one caption that says which backend wrote it and cites its evidence."""
    from rich.markup import escape
    from rich.table import Table

    with user_errors():
        found, elapsed = _run(
            "describe_image",
            image,
            device,
            backend=backend,
            model=model,
            prompt=prompt,
            ocr=ocr_mode,
            max_new_tokens=max_new_tokens,
        )
    result = cast("DescribeResult", found)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    for caption in result.captions:
        console.print(f"[bold]{caption.id}[/] {escape(caption.text)}", highlight=False)
    evidence = [item for item in result.items() if item not in result.captions]
    if evidence:
        table = Table(title="evidence cited")
        for column in ("id", "tool", "label", "score", "detail"):
            table.add_column(column, overflow="fold")
        for item in evidence:
            score = f"{item.score:.2f}" if item.score is not None else ""
            table.add_row(item.id, item.tool, escape(item.label), score, escape(_detail(item)))
        console.print(table)
    _footer(result, elapsed)


def _detail(item: Any) -> str:
    if item.box is not None and getattr(item, "text", None) is None:
        return "box [" + ", ".join(f"{v:.0f}" for v in item.box) + "]"
    if getattr(item, "text", None) is not None:
        return repr(item.text)
    if getattr(item, "fraction", None) is not None:
        return f"{item.fraction:.0%} of the image, rgb {item.rgb}"
    if getattr(item, "verdict", None) is not None:
        return f"{item.value:g} {item.unit}: {item.verdict}"
    return ""


def ocr(
    image: ImageArg,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Drop lines read with less confidence.")
    ] = 0.5,
    max_lines: Annotated[int, typer.Option("--max-lines", help="Return at most this many lines.")] = 200,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="Keep the recogniser's text as is (no spaces put back between words)."),
    ] = False,
    as_json: JsonOpt = False,
    device: DeviceOpt = "auto",
) -> None:
    """Read the text in an image: one line per row with its confidence and box, ids T1, T2, ..."""
    from rich.markup import escape
    from rich.table import Table

    with user_errors():
        found, elapsed = _run(
            "read_text", image, device, min_score=min_score, max_lines=max_lines, restore_spaces=not raw
        )
    result = cast("ReadTextResult", found)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table(title="text lines")
    for column in ("id", "text", "score", "box x1, y1, x2, y2 (px)"):
        table.add_column(column, overflow="fold")
    for line in result.lines:
        box = "[" + ", ".join(f"{v:.0f}" for v in line.box) + "]"
        table.add_row(line.id, escape(line.text), f"{line.score:.2f}", box)
    console.print(table)
    if not result.lines:
        console.print("no text found", highlight=False)
    _footer(result, elapsed)


def classify(
    image: ImageArg,
    top_k: Annotated[int, typer.Option("--top-k", help="How many ImageNet classes to list.")] = 5,
    as_json: JsonOpt = False,
    device: DeviceOpt = "auto",
) -> None:
    """Name what the whole image shows with ImageNet classes, most probable first, ids L1, L2, ..."""
    from rich.markup import escape
    from rich.table import Table

    with user_errors():
        found, elapsed = _run("classify_image", image, device, top_k=top_k)
    result = cast("ClassifyImageResult", found)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table(title="ImageNet classes")
    for column in ("id", "class", "probability", "class id"):
        table.add_column(column)
    for label in result.labels:
        table.add_row(label.id, escape(label.label), f"{label.score:.2f}", str(label.class_id))
    console.print(table)
    _footer(result, elapsed)
