"""The things a program selects: one view of what the tools saw (detections, shapes, object proposals,
fall states, regions), and the filters a ``Selection`` applies to them.

Which tool looks for a thing follows from its name: a COCO class goes to the detector, a shape or solid
to the colour-and-shape tool, a coin or cell to region segmentation, a generic "object" to the
class-agnostic tools, a fallen person to the fall model. The executor asks for the tool's result
(cached, cited by evidence id) and these functions do the rest on boxes and names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Any, Literal

from argus.agent.core.lexicon import (
    ACHROMATIC,
    GENERIC_NOUNS,
    OWN_NAME_SHADES,
    REGION_NOUNS,
    SHAPES,
    UNSEEABLE,
    colours_match,
    shape_matches,
)
from argus.tools import box_geometry as geometry

if TYPE_CHECKING:
    from argus.agent.core.program import Selection

Source = Literal["detections", "shapes", "objects", "regions", "falls", "classifier", "text", "unseeable"]


@dataclass
class Thing:
    """One thing seen, as the program reasons about it."""

    id: str  # the evidence id answers cite
    label: str
    box: list[float] | None = None
    score: float | None = None
    colour: str | None = None
    colour_id: str | None = None  # the colour item (K) that named it, cited with it
    shade: str | None = None  # a finer colour name (navy, teal), where the tool gave one
    second_colour: str | None = None  # a two-toned thing's other colour
    shape: str | None = None
    category: str | None = None
    suggested: str | None = None  # what the detector took a shape on a plain background for
    cites: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.cites:
            self.cites = [self.id]

    @property
    def paint(self) -> str | None:
        """The colour a person names the thing by: a red motorcycle with black parts and chrome is red."""
        if self.colour in ACHROMATIC and self.second_colour and self.second_colour not in ACHROMATIC:
            return self.second_colour
        return self.colour

    @property
    def area(self) -> float:
        return geometry.area(self.box) if self.box else 0.0


def source_for(selection: Selection, coco_labels: tuple[str, ...]) -> Source:
    """The kind of tool that finds the selected things: a kind of thing with COCO classes (animal,
    vehicle) goes to the detector, one without (musical instrument, insect) to the image classifier."""
    from argus.tools.categories import labels_in

    label = selection.label
    if selection.state == "fallen":
        return "falls"
    if label in UNSEEABLE:
        return "unseeable"
    if label in ("text", "word", "words", "letter", "writing", "sign"):
        return "text"
    if label in SHAPES or selection.shape in SHAPES and label in (None, *GENERIC_NOUNS):
        return "shapes"
    if label in coco_labels or (label is None and selection.category and labels_in(selection.category)):
        return "detections"
    if label is None and selection.category:
        return "classifier"
    if label in REGION_NOUNS.values():
        return "regions"
    if label is None or label in GENERIC_NOUNS:
        return "objects"
    return "classifier"


def filter_things(
    things: list[Thing],
    selection: Selection,
    *,
    width: float,
    height: float,
    related: list[Thing] | None = None,
    zone_members: set[str] | None = None,
    category_labels: tuple[str, ...] | None = None,
) -> list[Thing]:
    """The things that meet every condition of ``selection`` except ``relation``'s target, which the
    caller resolves (``related``); ``zone_members`` are the ids standing in the selection's zone."""
    out = list(things)
    label = selection.label
    if label and label not in GENERIC_NOUNS and label not in REGION_NOUNS.values():
        out = [t for t in out if t.label == label or shape_matches(label, t.shape)]
    if category_labels is not None:
        out = [t for t in out if t.label in category_labels or t.category == selection.category]
    if selection.shape:  # "a ball": a drawn sphere, or the detector's sports ball (which has no shape)
        out = [
            t
            for t in out
            if shape_matches(selection.shape, t.shape or t.label) or (t.shape is None and t.label == label)
        ]
    if selection.colour:
        out = [
            t
            for t in out
            if colours_match(selection.colour, t.shade or t.colour)
            or (t.shade not in OWN_NAME_SHADES and colours_match(selection.colour, t.colour))
            or (t.paint != t.colour and colours_match(selection.colour, t.paint))
        ]
    if zone_members is not None:
        out = [t for t in out if t.id in zone_members]
    if selection.relation is not None and related is not None:
        diagonal = math.hypot(width, height)
        kind = selection.relation.relation
        out = [
            t
            for t in out
            if t.box
            and any(r.box and not same_thing(r, t) and relation_holds(kind, t, r, diagonal) for r in related)
        ]
    if selection.size:
        out = by_size(out, selection.size, things, width * height)
    if selection.position:
        out = by_position(out, selection.position, width, height)
    if selection.rank:
        out = by_rank(out, selection.rank)
    return out


def relation_holds(relation: str, a: Thing, b: Thing, diagonal: float) -> bool:
    """Whether ``a`` stands in ``relation`` to ``b``; things that stand on a floor (solids, people, cars)
    are in front of or behind each other by depth even when apart, shapes drawn on a page never."""
    standing = a.shape not in FLAT_SHAPES and b.shape not in FLAT_SHAPES
    return geometry.holds(relation, a.box or [], b.box or [], diagonal, standing=standing)


def same_thing(a: Thing, b: Thing) -> bool:
    """The same thing seen by two tools: the same evidence id, or boxes that mostly overlap (what is
    inside the square is not the square the shape tool outlined and the object tool found again)."""
    if a.id == b.id:
        return True
    return bool(a.box and b.box and geometry.iou(a.box, b.box) >= 0.6)


def by_size(things: list[Thing], size: str, scene: list[Thing], image_area: float) -> list[Thing]:
    """Small or large, relative to the other things of the scene when sizes differ enough, else to the image."""
    areas = [t.area for t in scene if t.area > 0]
    if len(areas) >= 2 and max(areas) >= 2.0 * min(areas):
        cut = math.sqrt(max(areas) * min(areas))
    else:
        cut = 0.04 * image_area
    return [t for t in things if (t.area >= cut) == (size == "large")]


def by_position(things: list[Thing], position: str, width: float, height: float) -> list[Thing]:
    """Things in that third of the image; when none is there, the one furthest that way."""
    placed = [t for t in things if t.box]
    inside = []
    for t in placed:
        horizontal, vertical = geometry.place_in_image(t.box or [0, 0, 0, 0], width, height)
        if position in (horizontal, vertical) or (position == "middle" and horizontal == "middle"):
            inside.append(t)
    if inside:
        return inside
    extreme = {"left": "leftmost", "right": "rightmost", "top": "topmost", "bottom": "bottommost"}.get(
        position
    )
    return by_rank(placed, extreme) if extreme else []


NEAR_TIE_PX = 12  # bases this close are standing at about the same depth


def by_rank(things: list[Thing], rank: str) -> list[Thing]:
    placed = [t for t in things if t.box]
    if not placed:
        return []
    key = {
        "leftmost": lambda t: geometry.centre(t.box)[0],
        "rightmost": lambda t: -geometry.centre(t.box)[0],
        "topmost": lambda t: geometry.centre(t.box)[1],
        "bottommost": lambda t: -geometry.centre(t.box)[1],
        "largest": lambda t: -t.area,
        "smallest": lambda t: t.area,
        "first": lambda t: geometry.centre(t.box)[0],
        # on a ground plane the nearer thing stands lower in the picture; the larger one breaks a tie
        "nearest": lambda t: (-round(t.box[3] / NEAR_TIE_PX), -t.area),
        "farthest": lambda t: (round(t.box[3] / NEAR_TIE_PX), t.area),
        # nearest a corner: the least way across plus down (a board's corner square, wherever the board is)
        "top_left": lambda t: sum(geometry.centre(t.box)),
        "top_right": lambda t: geometry.centre(t.box)[1] - geometry.centre(t.box)[0],
        "bottom_left": lambda t: geometry.centre(t.box)[0] - geometry.centre(t.box)[1],
        "bottom_right": lambda t: -sum(geometry.centre(t.box)),
    }[rank]
    return [min(placed, key=key)]


def typical_area(things: list[Thing]) -> float:
    areas = [t.area for t in things if t.area > 0]
    return median(areas) if areas else 0.0


def describe_place(thing: Thing, width: float, height: float) -> str:
    """'on the left', 'at the top right', 'in the middle' of the image."""
    if not thing.box:
        return "somewhere in the image"
    horizontal, vertical = geometry.place_in_image(thing.box, width, height)
    if horizontal == vertical == "middle":
        return "in the middle"
    if vertical == "middle":
        return f"on the {horizontal}"
    if horizontal == "middle":
        return f"at the {vertical}"
    return f"at the {vertical} {horizontal}"


SURE_DETECTION = 0.8  # a solid the detector names this surely is that thing (an orange, not a sphere)
FLAT_SHAPES = frozenset(
    {"circle", "ellipse", "square", "rectangle", "triangle", "pentagon", "hexagon", "star"}
)


def name_objects(found: list[Thing], detected: list[Thing]) -> list[Thing]:
    """Name each thing found on a plain background: a clean flat shape by its shape (a detector's
    "kite" that is exactly a hexagon is a drawn hexagon), else what the detector saw there, else its
    solid's name unless the detector is sure, else "object". The detector's other reading stays with it as ``suggested``."""
    for thing in found:
        match = max(
            (d for d in detected if d.box and thing.box and geometry.iou(d.box, thing.box) >= 0.5),
            key=lambda d: d.score or 0.0,
            default=None,
        )
        sure = match is not None and (match.score or 0.0) >= SURE_DETECTION
        if thing.shape in FLAT_SHAPES or (thing.shape and not sure):
            thing.label = thing.shape
            thing.suggested = match.label if match is not None else None
        elif match is not None:
            thing.label, thing.category = match.label, match.category
            thing.suggested = thing.shape
            thing.cites = [thing.id, match.id]
    return found


def as_things(items: list[Any], categories_of: Any = None) -> list[Thing]:
    """Evidence items (D, S, O, F, M, L) as things; ``categories_of(label)`` names a label's category."""
    out = []
    for item in items:
        shape = getattr(item, "shape", None) or (item.label if item.label in SHAPES else None)
        out.append(
            Thing(
                id=item.id,
                label=item.label,
                box=list(item.box) if item.box else None,
                score=item.score,
                colour=getattr(item, "colour", None),
                shade=getattr(item, "shade", None),
                shape=shape,
                category=categories_of(item.label) if categories_of else None,
            )
        )
    return out
