"""Structured findings given to Argus (a sidecar file, ``--findings``, the HTTP API): facts that no
tool can see, such as a measured nodule or the patient's age. They are validated here: only the
namespaces a person may state are accepted, values must be scalars, and nested mappings flatten
to dotted names ({"nodule": {"size_mm": 7}} -> nodule.size_mm)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from argus.agent.errors import FindingsError
from argus.tools.yaml_guard import read_data_file

# Namespaces a model or a user may state facts in; what the tools see (labels, zones, falls,
# quality, image tags, time, requests) can never be overridden by a stated fact.
STATABLE_NAMESPACES = (
    "patient",
    "nodule",
    "finding",
    "device",
    "vitals",
    "esi",
    "birads",
    "lungrads",
    "scene",
)


MAX_FINDINGS_BYTES = 256_000
MAX_FINDINGS = 200
MAX_NESTING = 8  # findings flatten from at most five levels of mappings
CATEGORY_FACTS = ("lungrads.category", "birads.category")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def load_findings(source: str | Path | dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Read findings from a mapping or a YAML/JSON file and validate them."""
    if isinstance(source, dict):
        return validate_findings(source, "findings")
    path = Path(source)
    return validate_findings(read_mapping(path), path.name)


def read_mapping(path: Path, max_bytes: int = MAX_FINDINGS_BYTES) -> dict[str, Any]:
    """A findings file's top-level mapping, unvalidated: size-limited, JSON or YAML without aliases."""
    data = read_data_file(
        path, kind="findings", max_bytes=max_bytes, max_depth=MAX_NESTING, error=FindingsError
    )
    if not isinstance(data, dict):
        raise FindingsError(f"{path.name}: expected a mapping of findings, got {type(data).__name__}")
    return data


def validate_findings(data: dict[str, Any], source: str) -> dict[str, str | int | float | bool]:
    flat: dict[str, Any] = {}
    _flatten(data, "", flat, source)
    if len(flat) > MAX_FINDINGS:
        raise FindingsError(f"{source}: {len(flat)} findings, over the limit of {MAX_FINDINGS}")
    for name, value in flat.items():
        if not _NAME.match(name):
            raise FindingsError(
                f"{source}: finding names are dotted lower case like nodule.size_mm, got {name!r}"
            )
        if name.split(".")[0] not in STATABLE_NAMESPACES:
            raise FindingsError(
                f"{source}: {name!r} cannot be stated; findings may use {', '.join(STATABLE_NAMESPACES)} "
                "(what the tools see comes from the tools)"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise FindingsError(f"{source}: {name} must be a finite number, got {value}")
        if isinstance(value, str) and len(value) > 200:
            raise FindingsError(f"{source}: {name} is {len(value)} characters; the limit is 200")
        if name in CATEGORY_FACTS and not isinstance(value, bool):
            flat[name] = str(value).upper()  # categories are labels ("3", "4A"), never numbers
    return flat


def _flatten(data: Any, prefix: str, out: dict[str, Any], source: str, depth: int = 0) -> None:
    if depth > 4:
        raise FindingsError(f"{source}: findings nest too deeply at {prefix!r}")
    for key, value in data.items():
        if not isinstance(key, str):
            raise FindingsError(f"{source}: finding names must be text, got {key!r}")
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, name, out, source, depth + 1)
        elif isinstance(value, bool | int | float | str):
            out[name] = value
        else:
            raise FindingsError(
                f"{source}: {name} must be a number, text or true/false, got {type(value).__name__}"
            )
