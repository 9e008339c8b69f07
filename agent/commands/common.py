"""What every command shares: consoles, JSON output, and turning user errors into one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from tools.errors import ArgusError

console = Console()
err_console = Console(stderr=True)

EXIT_USER_ERROR = 2


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
