"""Zones: named polygons on the image with attributes, read from a YAML or JSON file.

An object is in a zone when the bottom centre of its box lies inside the polygon (or on its
edge), as video-analytics products define it. Coordinates are pixels unless ``normalized`` is
true, in which case they are fractions of the image's width and height.

    zones:
      - name: dock
        polygon: [[0.1, 0.5], [0.9, 0.5], [0.9, 1.0], [0.1, 1.0]]
        normalized: true
        attributes: [restricted]
        labels: [person]            # absent: every label
        schedule: ["22:00-06:00"]   # optional: when the zone's alerts apply
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from argus.tools.errors import ArgusError
from argus.tools.yaml_guard import read_data_file

ZoneAttribute = Literal[
    "restricted",
    "exit_route",
    "ppe_required",
    "private",
    "public",
    "walkway",
    "roadway",
    "extinguisher_access",
    "unprotected_edge",
]
ZONE_ATTRIBUTES: tuple[str, ...] = get_args(ZoneAttribute)
MAX_ZONE_FILE_BYTES = 1_000_000
MAX_ZONES = 256
MAX_POINTS = 1024
MAX_NESTING = 8  # a zones file needs five: the file, its list of zones, a zone, its polygon, a point

_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class ZoneFileError(ArgusError):
    """A zones file that cannot be used; the message names the file, the zone and the problem."""


class Zone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    polygon: list[tuple[float, float]]
    normalized: bool = False
    attributes: list[ZoneAttribute] = Field(default_factory=list)
    labels: list[str] | None = None
    schedule: list[str] = Field(default_factory=list)
    loitering_seconds: float | None = Field(default=None, gt=0)

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: list[str]) -> list[str]:
        for item in value:
            if not _TIME_RANGE.match(item):
                raise ValueError(f"schedule entries look like '22:00-06:00', got {item!r}")
        return value

    def active_at(self, hour: int, minute: int = 0) -> bool:
        """Whether the zone's schedule covers this time of day (no schedule: always)."""
        if not self.schedule:
            return True
        now = hour * 60 + minute
        for item in self.schedule:
            m = _TIME_RANGE.match(item)
            assert m is not None
            start = int(m[1]) * 60 + int(m[2])
            end = int(m[3]) * 60 + int(m[4])
            inside = start <= now < end if start <= end else (now >= start or now < end)
            if inside:
                return True
        return False

    def watches(self, label: str) -> bool:
        return self.labels is None or label in self.labels


class ZoneSet(BaseModel):
    """Zones bound to one image size: polygons in pixels, ready for membership tests."""

    zones: list[Zone]
    width: int
    height: int
    source: str = ""

    def pixel_polygon(self, zone: Zone) -> list[tuple[float, float]]:
        if zone.normalized:
            return [(x * self.width, y * self.height) for x, y in zone.polygon]
        return list(zone.polygon)

    def containing(self, box: list[float]) -> list[Zone]:
        """The zones whose polygon holds the bottom centre of ``box`` (xyxy pixels)."""
        from shapely.geometry import Point, Polygon

        x1, _, x2, y2 = box
        point = Point((x1 + x2) / 2.0, y2)
        return [z for z in self.zones if Polygon(self.pixel_polygon(z)).covers(point)]


def parse_zones(data: Any, source: str = "zones") -> list[Zone]:
    """Validate already-parsed zone data (a dict with ``zones`` or a bare list)."""
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"zones"})
        if unknown:
            raise ZoneFileError(f"{source}: unknown top-level key(s) {unknown}; expected 'zones'")
        data = data.get("zones")
    if not isinstance(data, list) or not data:
        raise ZoneFileError(f"{source}: expected a non-empty list under 'zones', got {type(data).__name__}")
    if len(data) > MAX_ZONES:
        raise ZoneFileError(f"{source}: {len(data)} zones, over the limit of {MAX_ZONES}")
    zones: list[Zone] = []
    seen: set[str] = set()
    for index, raw in enumerate(data):
        label = (
            raw.get("name") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else f"#{index + 1}"
        )
        if (
            isinstance(raw, dict)
            and isinstance(raw.get("polygon"), list)
            and len(raw["polygon"]) > MAX_POINTS
        ):
            raise ZoneFileError(
                f"{source}: zone {label!r}: {len(raw['polygon'])} points, over the limit of {MAX_POINTS}"
            )
        try:
            zone = Zone.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "zone"
            raise ZoneFileError(f"{source}: zone {label!r}: {where}: {err['msg']}") from None
        if zone.name in seen:
            raise ZoneFileError(f"{source}: zone {zone.name!r} is defined twice")
        seen.add(zone.name)
        _check_geometry(zone, source)
        if zone.labels is not None:
            zone.labels = [_known_label(lbl, zone, source) for lbl in zone.labels]
        zones.append(zone)
    return zones


def _check_geometry(zone: Zone, source: str) -> None:
    from shapely.geometry import Polygon
    from shapely.validation import explain_validity

    where = f"{source}: zone {zone.name!r}"
    if len(zone.polygon) < 3:
        raise ZoneFileError(f"{where}: polygon needs >= 3 points, got {len(zone.polygon)}")
    for x, y in zone.polygon:
        if not (abs(x) < float("inf") and abs(y) < float("inf")):
            raise ZoneFileError(f"{where}: coordinates must be finite numbers, got ({x}, {y})")
        if zone.normalized and not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ZoneFileError(f"{where}: normalized coordinates must lie in [0, 1], got ({x}, {y})")
        if x < 0 or y < 0:
            raise ZoneFileError(f"{where}: coordinates must not be negative, got ({x}, {y})")
    poly = Polygon(zone.polygon)
    if poly.convex_hull.area <= 0:
        raise ZoneFileError(
            f"{where}: polygon is degenerate (zero area: its points are collinear or repeated)"
        )
    if not poly.is_valid:
        raise ZoneFileError(f"{where}: polygon is not simple ({explain_validity(poly)})")


def _known_label(label: str, zone: Zone, source: str) -> str:
    from argus.tools.coco import COCO_80, resolve_labels

    try:
        return resolve_labels([label], COCO_80, "the COCO label set")[0]
    except ArgusError as exc:
        raise ZoneFileError(f"{source}: zone {zone.name!r}: {exc}") from None


def load_zones(path: str | Path) -> list[Zone]:
    """Read and validate a zones file (YAML or JSON)."""
    p = Path(path)
    data = read_data_file(
        p, kind="zones", max_bytes=MAX_ZONE_FILE_BYTES, max_depth=MAX_NESTING, error=ZoneFileError
    )
    return parse_zones(data, p.name)


def bind_zones(zones: list[Zone], width: int, height: int, source: str = "zones") -> ZoneSet:
    """Fix zones to an image size; pixel coordinates outside the image are an error."""
    for zone in zones:
        if zone.normalized:
            continue
        for x, y in zone.polygon:
            if x > width or y > height:
                raise ZoneFileError(
                    f"{source}: zone {zone.name!r}: point ({x:g}, {y:g}) lies outside the {width}x{height} image"
                )
    return ZoneSet(zones=zones, width=width, height=height, source=source)
