"""What every command shares: consoles, JSON output, and turning user errors into one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.tools.runtime import Runtime

console = Console()
err_console = Console(stderr=True)

EXIT_USER_ERROR = 2

ImageArg = Annotated[Path, typer.Argument(help="Image file: JPEG, PNG, WebP, BMP, TIFF, GIF or DICOM.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        metavar="ADDRESS",
        help="With --engine ray: auto (the cluster running on this machine) or ray://HOST:10001; "
        "default: a local Ray started for this run.",
    ),
]
ENGINES = ("local", "ray")


def engine_choice(engine: str) -> str:
    """``--engine``'s value, ``local`` or ``ray``; anything else is an error a user can fix."""
    chosen = engine.strip().lower()
    if chosen not in ENGINES:
        raise ArgusError(f"--engine: engine must be local or ray, got {engine!r}")
    return chosen


def runtime_for(device: str) -> Runtime:
    """A runtime on ``device``, checked now (``Runtime.check``) so a typo or an absent GPU fails before
    any work."""
    from argus.tools.runtime import Runtime

    return Runtime(device=device).check()


@contextmanager
def user_errors() -> Iterator[None]:
    """Print an error a user caused as one line on stderr and exit 2; let bugs raise."""
    try:
        yield
    except ArgusError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(130) from None


def print_json(data: Any) -> None:
    """JSON on stdout and nothing else, for scripts."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
