"""Prompt templates as text files, rendered strictly: a missing variable is an error."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template


@cache
def load(name: str) -> str:
    """The text of ``prompts/<name>.txt``."""
    return files("argus.prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")


def render(name: str, **values: str) -> str:
    """Fill ``$variables`` in a prompt; a variable the template uses but ``values`` lacks raises KeyError."""
    return Template(load(name)).substitute(values)
