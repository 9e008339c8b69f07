"""``argus assess``: a security assessment of an image, a folder of frames or a video against zones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from argus.agent.commands.common import console, print_json, user_errors


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)


def assess(
    source: Annotated[Path, typer.Argument(help="An image, a folder of frames, or a video file.")],
    zones: Annotated[Path, typer.Option("--zones", help="Zones file (YAML or JSON).")],
    time: Annotated[
        str | None, typer.Option("--time", help="Time of day, HH:MM (frames may carry their own).")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate", help="Write the image with the zones and cited evidence drawn to this PNG."
        ),
    ] = None,
    unattended_radius: Annotated[
        float,
        typer.Option(
            "--unattended-radius",
            min=0.01,
            max=1.0,
            help="No person within this fraction of the image diagonal.",
        ),
    ] = 0.15,
    unattended_seconds: Annotated[
        float,
        typer.Option("--unattended-seconds", min=0.1, help="Frames: an item alone this long is a candidate."),
    ] = 60.0,
    loiter_seconds: Annotated[
        float,
        typer.Option(
            "--loiter-seconds",
            min=0.1,
            help="Frames: in a zone this long is loitering (zones may set their own).",
        ),
    ] = 30.0,
    fps: Annotated[
        float | None, typer.Option("--fps", help="Frames per second of a folder of frames.")
    ] = None,
    timestamps: Annotated[
        Path | None, typer.Option("--timestamps", help="CSV or JSON of frame name -> time.")
    ] = None,
    every: Annotated[int, typer.Option("--every", min=1, help="Use every Nth frame.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer contract as JSON only.")] = False,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")] = "auto",
) -> None:
    """Threat level, alerts with their rules and sources, zone counts, and what the detector cannot see."""
    from argus.agent.assistant import Assistant
    from argus.agent.commands.ask import show_answer
    from argus.agent.domains.security.assessment import assess as run_assessment

    with user_errors():
        answer, report = run_assessment(
            Assistant(device=device),
            source,
            zones=zones,
            time_of_day=time,
            annotate=annotate,
            unattended_radius=unattended_radius,
            unattended_seconds=unattended_seconds,
            loiter_seconds=loiter_seconds,
            fps=fps,
            timestamps=timestamps,
            every=every,
        )
    if as_json:
        print_json(answer.model_dump(mode="json"))
        return
    from rich.table import Table

    show_answer(answer, compact=True)
    colour = {0: "green", 1: "yellow", 2: "red"}[report.threat_level]
    console.print(
        f"[bold {colour}]threat level {report.threat_level}[/]"
        + (f" from {report.threat_rule}" if report.threat_rule else "")
    )
    if report.zone_counts:
        table = Table(title="Zones")
        table.add_column("zone")
        table.add_column("objects")
        for zone, counts in report.zone_counts.items():
            table.add_row(zone, ", ".join(f"{n} {label}" for label, n in counts.items()))
        console.print(table)
    console.print(
        "[bold]Cannot be seen here[/] (not detected is not absent): " + "; ".join(report.cannot_see)
    )
