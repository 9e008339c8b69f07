"""Typed results of the vision tools and the evidence items that answers cite.

Every item a tool reports carries an evidence id: a one-letter prefix that names its kind
and a number (D1, M2, T3). A tool numbers its own items from 1; when several results meet in
one answer, `ToolResult.renumbered` gives them ids that are unique within that answer.
Boxes are always ``xyxy`` in the original image's pixels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

# How answers cite: [D1] for an evidence item, [R:SEC-EXIT-01] for a rule; [D1, D2] groups items.
# The one definition the verifier, the descriptions and the evaluation all read.
CITATION = re.compile(r"\[(R:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|[A-Z]\d+)\]")
GROUPED = re.compile(r"\[((?:[A-Z]\d+\s*,\s*)+[A-Z]\d+)\]")

# One prefix per kind of evidence. Rules are cited as [R:RULE-ID] and are not listed here.
PREFIXES: dict[str, str] = {
    "D": "object detection",
    "F": "person fall state",
    "M": "segmentation mask",
    "T": "text line",
    "C": "image description",
    "L": "image-level class label",
    "Q": "image quality measurement",
    "S": "shape",
    "K": "colour",
    "Z": "zone fact",
    "X": "structured finding",
    "V": "event over video frames",
    "O": "object proposal (any kind of thing)",
    "P": "person pose",
}


class EvidenceItem(BaseModel):
    """One thing a tool saw, in the shape the answer contract lists under ``evidence``."""

    model_config = ConfigDict(extra="forbid")

    prefix: ClassVar[str] = ""

    id: str = Field(description="Evidence id cited by answers, e.g. D1.")
    tool: str = Field(description="Name of the tool that produced it.")
    label: str = Field(description="What it is: a class label, 'text', a metric name.")
    score: float | None = Field(default=None, description="Confidence in [0, 1] where the backend gives one.")
    box: list[float] | None = Field(
        default=None, description="[x1, y1, x2, y2] in original-image pixels, where the item has a place."
    )


class Detection(EvidenceItem):
    prefix: ClassVar[str] = "D"
    class_id: int = Field(description="The backend's own class id.")
    box: list[float]


class FallState(EvidenceItem):
    """A person and whether the fall model sees them fallen (label 'Fall') or not ('Normal')."""

    prefix: ClassVar[str] = "F"
    box: list[float]


class Mask(EvidenceItem):
    prefix: ClassVar[str] = "M"
    box: list[float]
    area_px: int = Field(description="Pixels inside the mask.")
    area_fraction: float = Field(description="Mask area over image area.")
    area_mm2: float | None = Field(
        default=None, description="Area in square millimetres, where the image states its pixel spacing."
    )
    rle: dict[str, Any] | None = Field(
        default=None,
        description="COCO-style uncompressed RLE: {'size': [h, w], 'counts': [...]}, column-major.",
    )
    polygons: list[list[list[float]]] | None = Field(
        default=None, description="Outer contours as [[x, y], ...]."
    )
    source: str | None = Field(
        default=None, description="Evidence id of the detection that seeded it, if any."
    )


class TextLine(EvidenceItem):
    prefix: ClassVar[str] = "T"
    text: str
    box: list[float]
    polygon: list[list[float]] = Field(description="The four corners as the OCR returned them.")


class Caption(EvidenceItem):
    prefix: ClassVar[str] = "C"
    text: str
    backend: str = Field(description="Which backend wrote the text.")
    sources: list[str] = Field(
        default_factory=list, description="Evidence ids the text was composed from and cites, e.g. D1, L1."
    )


class ImageLabel(EvidenceItem):
    """A class for the whole image from a classifier (ImageNet, chest X-ray findings, ...)."""

    prefix: ClassVar[str] = "L"
    rank: int = Field(description="1 for the top class.")
    class_id: int | None = Field(
        default=None, description="The classifier's own class index (ImageNet has two 'crane's)."
    )
    category: str | None = Field(
        default=None, description="What kind of thing the class is: animal, vehicle, food, furniture, ..."
    )
    group: str | None = Field(
        default=None, description="A finer kind within the category: dog, cat, bird, car, fruit, ..."
    )


class Measurement(EvidenceItem):
    """A number measured on the image (sharpness, exposure, ...) with a plain-words verdict."""

    prefix: ClassVar[str] = "Q"
    value: float
    unit: str = ""
    verdict: str = Field(description="e.g. 'ok', 'blurred', 'underexposed'.")
    threshold: str | None = Field(default=None, description="The threshold the verdict came from.")


class Shape(EvidenceItem):
    prefix: ClassVar[str] = "S"
    box: list[float]
    area_px: int
    colour: str | None = None
    shade: str | None = Field(
        default=None, description="Finer colour name (navy, teal, beige, ...); colour is its basic name."
    )
    size: str | None = Field(
        default=None, description="'small', 'medium' or 'large' next to the other shapes and the image."
    )


class Colour(EvidenceItem):
    """A named colour: of the whole image (no box), or of one object (its box, and the evidence id of
    the detection or mask it came from)."""

    prefix: ClassVar[str] = "K"
    rgb: list[int]
    fraction: float = Field(
        description="Share of the image's pixels closest to this colour; for an object, share of the "
        "object's counted pixels (shadows and highlights left out)."
    )
    shade: str | None = Field(
        default=None, description="Finer colour name (navy, teal, beige, ...); the label is its basic name."
    )
    source: str | None = Field(default=None, description="Evidence id of the object this colour is of.")
    object_label: str | None = Field(default=None, description="What the object is, e.g. 'bus'.")
    second_colour: str | None = Field(
        default=None, description="A two-toned object's second colour (basic name)."
    )
    second_shade: str | None = None
    second_fraction: float | None = None


class ObjectProposal(EvidenceItem):
    """A distinct thing standing out from a plain background, of any kind (not only detector classes)."""

    prefix: ClassVar[str] = "O"
    box: list[float]
    area_px: int
    area_fraction: float = Field(description="Object area over image area.")
    colour: str | None = Field(default=None, description="Basic colour name of its pixels.")
    shade: str | None = Field(default=None, description="Finer colour name (navy, teal, beige, ...).")
    shape: str | None = Field(
        default=None, description="Outline or solid name (circle, square, sphere, cube, ...), where clear."
    )
    size: str | None = Field(default=None, description="'small', 'medium' or 'large' next to the others.")
    colours: list[str] = Field(
        default_factory=list, description="Each colour covering a fair share of it, largest first."
    )
    rle: dict[str, Any] | None = Field(
        default=None, description="COCO-style uncompressed RLE of its pixels, column-major."
    )


class Keypoint(BaseModel):
    """One body keypoint (COCO order and names) in original-image pixels, with the model's confidence."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="COCO keypoint name: nose, left_eye, ..., right_ankle (the person's own left)."
    )
    x: float
    y: float
    score: float


class Judgement(BaseModel):
    """What a pose says about one thing (posture, arms, facing): a value, how sure, and the measurements
    it came from. ``unclear`` when the keypoints it needs are too weak to judge."""

    model_config = ConfigDict(extra="forbid")

    value: str
    confidence: float = Field(description="0-1: the weakest keypoint score the judgement rests on.")
    measurements: dict[str, float] = Field(default_factory=dict)
    reason: str = Field(
        default="",
        description="What the pose shows ('an upright torso with the thighs hanging straight down'), or "
        "why it is unclear ('the knees are not in view').",
    )

    def __str__(self) -> str:
        return f"{self.value} ({self.confidence:.2f})"


class PersonPose(EvidenceItem):
    """One person's body pose: keypoints and the posture, arms and facing judged from them."""

    prefix: ClassVar[str] = "P"
    box: list[float]
    keypoints: list[Keypoint]
    posture: Judgement = Field(
        description="standing, sitting, lying, upright (standing or sitting: the knees out of view) or unclear."
    )
    arms: Judgement = Field(description="raised (a wrist above its shoulder), down, or unclear.")
    facing: Judgement = Field(description="camera, away, left or right (the image's left/right), or unclear.")
    source: str | None = Field(default=None, description="Evidence id of the person detection it was run on.")


class ZoneHit(EvidenceItem):
    """An object whose box's bottom centre lies in a zone."""

    prefix: ClassVar[str] = "Z"
    zone: str
    attributes: list[str]
    source: str = Field(description="Evidence id of the object (a D or F id).")


class StatedFinding(EvidenceItem):
    """A fact given to Argus rather than seen by a tool: a findings file, a DICOM tag, the question."""

    prefix: ClassVar[str] = "X"
    fact: str = Field(description="Dotted fact name, e.g. nodule.size_mm.")
    value: str | int | float | bool
    origin: str = Field(description="Where it came from: 'question', 'findings file', 'DICOM tag', ...")


class TrackEvent(EvidenceItem):
    """Something that lasted across frames: a person loitering in a zone, an item left alone."""

    prefix: ClassVar[str] = "V"
    track_id: int
    zone: str | None = None
    start_s: float
    end_s: float
    duration_s: float
    threshold_s: float


class ToolResult(BaseModel):
    """What every tool returns: its items plus which backend made them."""

    model_config = ConfigDict(extra="forbid")

    tool: str
    backend: str
    backend_version: str
    image_sha256: str
    image_size: tuple[int, int] = Field(description="(width, height) of the image the boxes refer to.")
    notes: list[str] = Field(default_factory=list, description="Caveats the backend reported.")

    def items(self) -> list[EvidenceItem]:
        """The evidence items of this result, in order. Subclasses list their item fields."""
        found: list[EvidenceItem] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, EvidenceItem):
                found.append(value)
            elif isinstance(value, list) and value and isinstance(value[0], EvidenceItem):
                found.extend(value)
        return found

    def renumbered(self, new_id: Callable[[str], str]) -> Self:
        """A copy whose items carry ids from ``new_id(prefix)``; references between items follow."""
        mapping: dict[str, str] = {}
        for item in self.items():
            mapping[item.id] = new_id(type(item).prefix)
        return self._with_ids(mapping)

    def _with_ids(self, mapping: dict[str, str]) -> Self:
        data = self.model_dump()

        def fix(obj: Any) -> Any:
            if isinstance(obj, dict):
                out = {k: fix(v) for k, v in obj.items()}
                if "id" in out and out["id"] in mapping and "tool" in out:
                    out["id"] = mapping[out["id"]]
                if out.get("source") in mapping:
                    out["source"] = mapping[out["source"]]
                return out
            if isinstance(obj, list):
                return [fix(v) for v in obj]
            return obj

        return type(self).model_validate(fix(data))

    def summary(self) -> str:
        """Compact text a planner or chat model reads: one line per item, ids first."""
        lines = [f"{self.tool} ({self.backend} {self.backend_version}): {len(self.items())} item(s)"]
        for item in self.items():
            lines.append(describe_item(item))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


def describe_item(item: EvidenceItem) -> str:
    parts = [f"[{item.id}] {item.label}"]
    if item.score is not None:
        parts.append(f"score={item.score:.2f}")
    if item.box is not None:
        parts.append("box=[" + ", ".join(f"{v:.0f}" for v in item.box) + "]")
    for key in (
        "text", "value", "unit", "verdict", "area_px", "colour", "shade", "shape", "size", "fraction",
        "category", "group", "object_label", "source", "second_colour", "second_fraction", "posture",
        "arms", "facing",
    ):  # fmt: skip
        value = getattr(item, key, None)
        if value not in (None, ""):
            parts.append(f"{key}={value!r}" if key == "text" else f"{key}={value}")
    return " ".join(parts)


def expand_groups(text: str) -> str:
    """Rewrite grouped citations '[D1, D2]' as '[D1][D2]' so they read and check one by one."""
    return GROUPED.sub(lambda m: "".join(f"[{p.strip()}]" for p in m.group(1).split(",")), text)


def numbered(prefix: str, index: int) -> str:
    """The id of the ``index``-th (0-based) item of a kind within one result: D1, D2, ..."""
    return f"{prefix}{index + 1}"
