"""``argus tools|detect|ocr|segment|describe``: the vision tools one at a time."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the vision commands to the root app."""
