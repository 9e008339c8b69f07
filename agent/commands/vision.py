"""The vision tools' commands, one module per tool family."""

from __future__ import annotations

import typer

from agent.commands import describe, detect, segment


def register(app: typer.Typer) -> None:
    """Add the vision commands (tools, detect, segment, ocr, describe) to the root app."""
    for module in (detect, segment, describe):
        module.register(app)
