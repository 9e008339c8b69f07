"""``argus segment``, ``argus quality`` and ``argus colors``: masks, image quality, colours and shapes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    from argus.tools.analyze_colors_shapes import ColorsShapes
    from argus.tools.assess_quality import QualityReport
    from argus.tools.evidence import ToolResult
    from argus.tools.image_io import LoadedImage
    from argus.tools.runtime import Runtime
    from argus.tools.segment import Segmentation


def register(app: typer.Typer) -> None:
    app.command("segment")(segment)
    app.command("quality")(quality)
    app.command("colors")(colors)


def _load(path: Path, runtime: Runtime) -> LoadedImage:
    from argus.tools.image_io import as_loaded

    return as_loaded(path, max_pixels=runtime.max_pixels)


def _json(result: ToolResult, **extra: object) -> None:
    data = result.model_dump(mode="json")
    data.update({k: v for k, v in extra.items() if v is not None})
    print_json(data)


def _notes(result: ToolResult) -> None:
    for note in result.notes:
        console.print(f"[dim]note: {note}[/]", highlight=False)


# ------------------------------------------------------------------------------ segment


def segment(
    image: ImageArg,
    mode: Annotated[
        str, typer.Option("--mode", help="auto, objects (one mask per detected object) or regions (blobs).")
    ] = "auto",
    labels: Annotated[
        str | None, typer.Option("--labels", help="Objects mode: only these classes, comma-separated.")
    ] = None,
    backend: Annotated[str, typer.Option("--backend", help="auto, yolo-seg, grabcut or threshold.")] = "auto",
    weights: Annotated[
        str | None, typer.Option("--weights", help="A local Ultralytics YOLO *-seg weights file.")
    ] = None,
    min_area: Annotated[
        int | None, typer.Option("--min-area", help="Smallest mask in pixels (default 0.1% of the image).")
    ] = None,
    max_masks: Annotated[int, typer.Option("--max-masks", help="Report at most this many masks.")] = 50,
    foreground: Annotated[
        str, typer.Option("--foreground", help="Regions mode: auto, bright or dark objects.")
    ] = "auto",
    output: Annotated[
        str, typer.Option("--output", help="Mask encoding in --json: rle, polygons or both.")
    ] = "rle",
    as_json: JsonOpt = False,
    annotate: Annotated[
        Path | None,
        typer.Option("--annotate", help="Also write the image with the masks and their ids to this PNG."),
    ] = None,
    device: DeviceOpt = "auto",
) -> None:
    """Outline objects or regions pixel by pixel: area, share of the image and box per mask, ids M1, M2, ..."""
    from argus.tools import get_tool

    with user_errors():
        runtime = runtime_for(device)
        tool = get_tool("segment", runtime)
        loaded = _load(image, runtime)
        start = time.perf_counter()
        result: Segmentation = tool(
            loaded,
            mode=mode,
            labels=labels,
            backend=backend,
            weights=weights,
            min_area=min_area,
            max_masks=max_masks,
            foreground=foreground,
            output=output,
        )
        elapsed = (time.perf_counter() - start) * 1000
        written = None
        if annotate is not None:
            items = [m.model_dump() for m in result.masks]
            written = get_tool("annotate", runtime)(loaded, items=items, out=str(annotate)).path
    if as_json:
        _json(result, annotated_image=written)
        return
    _segment_table(result, elapsed)
    if written:
        console.print(f"annotated image: {written}", highlight=False)


def _segment_table(result: Segmentation, elapsed_ms: float) -> None:
    from rich.table import Table

    columns = [
        ("id", lambda m: m.id),
        ("label", lambda m: m.label),
        ("score", lambda m: f"{m.score:.2f}" if m.score is not None else ""),
        ("area px", lambda m: f"{m.area_px:,}"),
        ("area mm²", lambda m: f"{m.area_mm2:,.1f}" if m.area_mm2 is not None else ""),
        ("% image", lambda m: f"{100 * m.area_fraction:.2f}"),
        ("box x1, y1, x2, y2", lambda m: "[" + ", ".join(f"{v:.0f}" for v in m.box) + "]"),
        ("from", lambda m: m.source or ""),
    ]
    # a column no mask fills (scores of GrabCut, mm² of a photo) is left out
    columns = [(name, cell) for name, cell in columns if any(cell(m) for m in result.masks)] or columns[:2]
    table = Table(title=f"segment: {result.mode} ({result.backend} {result.backend_version})")
    for name, _ in columns:
        table.add_column(name, justify="right" if name.startswith(("area", "%", "score")) else "left")
    for m in result.masks:
        table.add_row(*(cell(m) for _, cell in columns))
    console.print(table)
    counts = ", ".join(f"{label}: {n}" for label, n in result.counts.items()) or "no masks"
    width, height = result.image_size
    console.print(
        f"{result.count} found ({counts})  ({width}x{height} px, {elapsed_ms:.0f} ms)", highlight=False
    )
    _notes(result)


# ------------------------------------------------------------------------------ quality


def quality(
    image: ImageArg,
    min_side: Annotated[
        int, typer.Option("--min-side", help="Shorter side (px) below which it is too small.")
    ] = 64,
    min_sharpness: Annotated[
        float, typer.Option("--min-sharpness", help="Laplacian variance below which it is blurred.")
    ] = 50.0,
    as_json: JsonOpt = False,
) -> None:
    """Is the image fit to read? Exposure, contrast, sharpness, noise, colour and size, ids Q1, Q2, ..."""
    from argus.tools import get_tool

    with user_errors():
        runtime = runtime_for("cpu")
        result: QualityReport = get_tool("assess_quality", runtime)(
            _load(image, runtime), min_side_px=min_side, min_sharpness=min_sharpness
        )
    if as_json:
        _json(result)
        return
    from rich.table import Table

    table = Table(title=f"quality ({result.backend} {result.backend_version})")
    for column in ("id", "metric", "value", "unit", "verdict", "threshold"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for m in result.measurements:
        style = "red" if m.verdict not in ("ok", "colour", "grayscale") else ""
        table.add_row(
            m.id,
            m.label,
            f"{m.value:.4g}",
            m.unit,
            f"[{style}]{m.verdict}[/]" if style else m.verdict,
            m.threshold or "",
        )
    console.print(table)
    if result.ok:
        console.print("[green]ok[/]: nothing failed")
    else:
        console.print("[red]fails[/]: " + "; ".join(result.reasons), highlight=False)
    _notes(result)


# ------------------------------------------------------------------------------- colors


def colors(
    image: ImageArg,
    max_colours: Annotated[int, typer.Option("--max-colors", help="List at most this many colours.")] = 6,
    shapes: Annotated[
        bool, typer.Option("--shapes/--no-shapes", help="Also find and classify outlines.")
    ] = True,
    min_area: Annotated[
        int | None, typer.Option("--min-area", help="Smallest shape in pixels (default 0.05% of the image).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Dominant colour names (ids K1, ...) and the shapes in simple scenes with their colours (ids S1, ...)."""
    from argus.tools import get_tool

    with user_errors():
        runtime = runtime_for("cpu")
        result: ColorsShapes = get_tool("analyze_colors_shapes", runtime)(
            _load(image, runtime), max_colours=max_colours, shapes=shapes, min_area=min_area
        )
    if as_json:
        _json(result)
        return
    from rich.table import Table

    table = Table(title=f"colours ({result.backend} {result.backend_version})")
    for column in ("id", "colour", "rgb", "", "% image"):
        table.add_column(column)
    for c in result.colours:
        r, g, b = c.rgb
        table.add_row(
            c.id, c.label, f"{r}, {g}, {b}", f"[on rgb({r},{g},{b})]    [/]", f"{100 * c.fraction:.1f}"
        )
    console.print(table)
    if shapes:
        table = Table(title=f"shapes on a {result.background} background")
        for column in ("id", "shape", "colour", "area px", "box"):
            table.add_column(column)
        for s in result.shapes:
            table.add_row(
                s.id,
                s.label,
                s.colour or "",
                f"{s.area_px:,}",
                "[" + ", ".join(f"{v:.0f}" for v in s.box) + "]",
            )
        console.print(table)
        counts = ", ".join(f"{k}: {n}" for k, n in sorted(result.counts.items(), key=lambda kv: -kv[1]))
        console.print(counts or "no shapes found", highlight=False)
    _notes(result)
