"""``argus bench ...``: benchmarks that print a table and the ratios the issues set targets on."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
