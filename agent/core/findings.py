"""Structured findings given to Argus (a sidecar file, ``--findings``, the HTTP API): facts that no
tool can see, such as a measured nodule or the patient's age. They are validated here: only the
namespaces a person may state are accepted, values must be scalars, and nested mappings flatten
to dotted names ({"nodule": {"size_mm": 7}} -> nodule.size_mm).

Each value is also checked against what its fact means (``FACT_KINDS``, and the suffix rules for
facts the table does not name): a size is a number of millimetres from 0 up, an age a number of
years, a flag true or false, a category one of its scale's labels. A value no rule can use is
refused here, naming the field, instead of reaching the rules and abstaining for a reason that
does not say what was wrong."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Number:
    """A finite number of ``unit`` within [low, high] (above ``low`` when ``above``), whole if asked."""

    unit: str
    low: float
    high: float
    whole: bool = False
    above: bool = False

    def problem(self, value: object) -> str | None:
        kind = "a whole number" if self.whole else "a number"
        lower = f"greater than {self.low:g} (up to {self.high:,g})" if self.above else None
        wanted = f"must be {kind} of {self.unit} " + (lower or f"from {self.low:g} to {self.high:,g}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return wanted
        if not math.isfinite(value) or (self.whole and value != int(value)):
            return wanted
        if value < self.low or value > self.high or (self.above and value == self.low):
            return wanted
        return None


@dataclass(frozen=True)
class Flag:
    """true or false."""

    def problem(self, value: object) -> str | None:
        return None if isinstance(value, bool) else "must be true or false"


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of labels (compared without case for categories)."""

    options: tuple[str, ...]

    def problem(self, value: object) -> str | None:
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value) in self.options:
            return None
        return f"must be one of {', '.join(self.options[:-1])} or {self.options[-1]}"


Kind = Number | Flag | Choice

SIZE_MM = Number("millimetres", 0, 1000)
FLAG = Flag()

# What each fact the rule packs read means. Facts not named here are checked by their last part
# (``_SUFFIX_KINDS``); text facts with open vocabularies (scene.activity, scene.setting) only by length.
FACT_KINDS: dict[str, Kind] = {
    "patient.age": Number("years", 0, 130),
    "patient.high_risk": FLAG,
    "patient.acute_respiratory_illness": FLAG,
    "patient.post_operative": FLAG,
    "patient.context": Choice(("incidental", "screening", "known_cancer", "immunosuppressed")),
    "patient.mts_category": Choice(("red", "orange", "yellow", "green", "blue")),
    "nodule.size_mm": SIZE_MM,
    "nodule.solid_part_mm": SIZE_MM,
    "nodule.growth_mm": Number("millimetres", -1000, 1000),  # shrinking is negative growth
    "nodule.type": Choice(("solid", "ground_glass", "part_solid")),
    "nodule.multiple": FLAG,
    "nodule.new": FLAG,
    "nodule.baseline": FLAG,
    "nodule.perifissural": FLAG,
    "nodule.persistent": FLAG,
    "finding.cardiomegaly.ctr": Number("heart width over chest width", 0, 1),
    "device.ett_tip_to_carina_cm": Number("centimetres above the carina", -50, 50),  # below it: negative
    "device.ng_tube_position": Choice(("stomach", "airway", "pleura", "unknown")),
    "vitals.hr": Number("beats a minute", 0, 400),
    "vitals.rr": Number("breaths a minute", 0, 200),
    "vitals.spo2": Number("per cent", 0, 100),
    "vitals.abnormal": FLAG,
    "esi.resources": Number("resources", 0, 100, whole=True),
    "esi.high_risk": FLAG,
    "esi.life_saving_needed": FLAG,
    "birads.category": Choice(("0", "1", "2", "3", "4", "4A", "4B", "4C", "5", "6")),
    "lungrads.category": Choice(("0", "1", "2", "3", "4A", "4B", "4X")),
    "scene.edge_height_m": Number("metres", 0, 1000),
    "scene.calibrated_px_per_m": Number("pixels a metre", 0, 1_000_000, above=True),
    **dict.fromkeys(
        (
            "scene.ppe_visible",
            "scene.aggressive_use",
            "scene.electrical_hazard",
            "scene.exit_door_locked",
            "scene.falling_object_hazard",
            "scene.head_hazard",
            "scene.item_typical",
            "scene.suspicious_item",
        ),
        FLAG,
    ),
}
_SUFFIX_KINDS: tuple[tuple[str, Kind], ...] = (
    ("present", FLAG),
    ("uncertain", FLAG),
    ("probability", Number("probability", 0, 1)),
    ("count", Number("items", 0, 1_000_000, whole=True)),
    ("age", Number("years", 0, 130)),
    ("_mm", SIZE_MM),
    ("_cm", Number("centimetres", 0, 100)),
    ("_m", Number("metres", 0, 1000)),
)


def fact_kind(name: str) -> Kind | None:
    """What ``name`` must hold, or None for free text and numbers no rule bounds."""
    if name in FACT_KINDS:
        return FACT_KINDS[name]
    last = name.rsplit(".", 1)[-1]
    for suffix, kind in _SUFFIX_KINDS:
        if last == suffix or (suffix.startswith("_") and last.endswith(suffix)):
            return kind
    return None


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
        if name in CATEGORY_FACTS and isinstance(value, str | int) and not isinstance(value, bool):
            value = flat[name] = str(value).upper()  # categories are labels ("3", "4A"), never numbers
        kind = fact_kind(name)
        problem = kind.problem(value) if kind is not None else None
        if problem:
            raise FindingsError(f"{source}: {name} {problem}, got {_shown(value)}")
    return flat


def _shown(value: object) -> str:
    """A value as the user wrote it in JSON or YAML (true, "big", -4), cut to 40 characters."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, bool | str) else f"{value}"
    return text if len(text) <= 40 else text[:37] + "..."


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
