"""What one op of a program concluded: the answer, why, and caveats, in the answer's order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Finding:
    """What one op concluded, in the answer's order: the answer, why, caveats."""

    short: str | None
    lead: str
    why: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    value: Any = None  # True/False for yes/no ops, a number for counts


def verdict(yes: bool, lead: str, why: list[str] | None = None, caveats: list[str] | None = None) -> Finding:
    """A yes/no finding whose short answer, value and first word agree by construction; ``lead`` is what
    follows 'Yes' or 'No', with its own punctuation (': it is red', ', it is sharp')."""
    return Finding(
        "yes" if yes else "no", f"{'Yes' if yes else 'No'}{lead}", why or [], caveats or [], value=yes
    )
