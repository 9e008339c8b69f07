"""What must not appear in an answer's prose: a library version, an internal field name, a Python repr,
or the composer's own backend tag. Each finding names its kind and the offending text.

Citations ([D1], [R:SEC-EXIT-01]) are removed first; a snake_case word inside a path or file name
(``zones/bus_zones.yaml``) is a name the user gave, not an internal field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argus.agent.core.fact_words import NAME as FACT_NAME
from argus.agent.evaluation.answers import strip_citations

VERSION = "library version"
FIELD = "internal field name"
REPR = "python repr"
BACKEND = "backend tag"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        VERSION,
        re.compile(
            r"(?<![\w.])v\d+(?:\.\d+)+\b|(?<![\w.])\d+(?:\.\d+){2,}\b|\bversion\s+\d+(?:\.\d+)+\b", re.I
        ),
    ),
    (FIELD, re.compile(r"(?<![\w/\\.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?![./\\]\w)")),
    (FIELD, FACT_NAME),  # a dotted fact name: patient.age, nodule.size_mm
    (
        REPR,
        re.compile(
            r"=\s*'[^']*'"
            r"|=\s*(?:True|False|None)\b"
            r"|\{\s*'[^']*'\s*:"
            r"|\[\s*'[^']*'(?:\s*,\s*'[^']*')*\s*\]"
        ),
    ),
    (BACKEND, re.compile(r"backend:\s*composed", re.I)),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def lint_prose(answer: str) -> list[Finding]:
    """Every version, field name, repr and backend tag in ``answer``, in order of appearance."""
    plain = strip_citations(answer)
    found = [
        (m.start(), Finding(kind, m.group(0))) for kind, pattern in PATTERNS for m in pattern.finditer(plain)
    ]
    return [finding for _, finding in sorted(found, key=lambda item: item[0])]
