"""``--help`` that names each value (FILE, N, HH:MM) instead of printing its Python type.

Typer lists a type beside every parameter: ``<bool>`` beside flags that take no value, and raw
annotations such as ``<list[Path]>`` or ``<str>`` beside the rest. It has no setting to turn that
off, but it prints an option's ``metavar`` when one is set. ``ArgusGroup``, the root app's group
class, gives every command it hands out a metavar for each option (the one the command set, else a
plain name for its type; nothing for flags) and drops the type beside arguments, whose name
already says what they are. It also joins the lines of each help paragraph, which typer's rich
help would otherwise break where the docstring's source lines end rather than at the terminal's
edge.
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

# Typer's type labels and the value names shown instead.
VALUE_NAMES = {
    "path": "PATH",
    "str": "TEXT",
    "int": "N",
    "float": "NUMBER",
    "bool": "BOOL",
    "datetime": "TIME",
}


def value_name(type_label: str) -> str:
    """``<list[Path]>`` -> ``PATH``, ``<int>`` -> ``N``; an unknown label keeps its bare name in capitals."""
    bare = type_label.strip("<>")
    if bare.startswith("list[") and bare.endswith("]"):
        bare = bare[5:-1]
    return VALUE_NAMES.get(bare.lower(), bare.upper())


class _NamedArgument(TyperArgument):
    """A positional argument shown by its name alone (IMAGE, PATHS...), without a type beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def reflow(text: str) -> str:
    """Each paragraph of ``text`` on one line, so the terminal wraps it; paragraphs that start with
    the no-rewrap marker ``\\b`` or hold indented or bulleted lines keep their line breaks."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    out = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        keep = paragraph.startswith("\b") or any(line[:1] in (" ", "-", "*", "|") for line in lines[1:])
        out.append(paragraph if keep else " ".join(line.strip() for line in lines))
    return "\n\n".join(out)


def name_values(command: Any, ctx: Any) -> None:
    """Set the help-only names on ``command``'s parameters (and its subcommands'); idempotent."""
    if command.help:
        command.help = reflow(command.help)
    for param in command.get_params(ctx):
        if isinstance(param, TyperOption):
            if param.metavar is None:
                param.metavar = "" if param.is_flag or param.count else value_name(param.display_type(ctx))
        elif type(param) is TyperArgument:
            param.__class__ = _NamedArgument
            if param.metavar is None:
                param.metavar = (param.name or "value").upper()
    for sub in getattr(command, "commands", {}).values():
        name_values(sub, ctx)


class ArgusGroup(TyperGroup):
    """The root command group: its commands' help names values instead of Python types."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            name_values(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        name_values(self, ctx)
        super().format_help(ctx, formatter)
