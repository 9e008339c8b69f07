"""What a generated picture holds, by construction: its things (kind, colour, size, box), its text,
its modality or its quality, and the spatial relations between its things.

A relation is stated only where a person would not hesitate: "left of" means the whole box is left of
the other's whole box, "next to" means a gap of a few pixels with nothing between, and so on. The
question builders ask only about relations and referents that are clear in this sense.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Box = tuple[int, int, int, int]  # x1, y1, x2, y2 in pixels, x2/y2 exclusive
NEXT_TO_GAP = 16  # px: the widest gap two things "next to" each other leave
FAR_GAP = 40  # px: the narrowest gap between two things clearly not next to each other
FRONT_GAP = 20  # px of floor depth between two solids one of which is clearly in front
SIDE_MARGIN = 0.38  # a thing is "on the left" when its centre lies in the left 38% of the width
Family = Literal["shapes", "tiny", "solids", "pasted", "signs", "medical", "quality"]
Size = Literal["small", "large"]


@dataclass(frozen=True)
class Thing:
    """One object in a scene. ``words`` are the nouns a question may call it by (first = canonical)."""

    kind: str
    words: tuple[str, ...]
    box: Box
    colour: str | None = None
    size: Size | None = None
    inside: int | None = None  # index of the thing that contains it
    on: int | None = None  # index of the thing it rests on
    depth: int = 0  # solids: the y of its base on the floor (larger = nearer the camera)
    category: str | None = None  # pasted photos: animal, vehicle, person or object

    @property
    def centre(self) -> tuple[float, float]:
        x1, y1, x2, y2 = self.box
        return (x1 + x2) / 2, (y1 + y2) / 2


@dataclass
class Scene:
    """A picture and its truth. ``image`` is the suite's reference to it (a path relative to the
    suite file, ``sample:NAME`` or ``dicom:NAME``)."""

    id: str
    family: Family
    image: str
    width: int
    height: int
    things: list[Thing] = field(default_factory=list)
    background: str | None = None
    surface: Literal["sign", "label", "page"] | None = None  # what the text is written on
    sign: str | None = None  # the short text of a sign or label
    title: str | None = None  # the title line of a page
    body: list[str] = field(default_factory=list)  # the other lines of a page
    modality: str | None = None  # CT, MRI, ultrasound, fundus, microscopy, photo
    sharp: bool | None = None
    exposure: Literal["dark", "ok"] | None = None
    people: int = 0  # people shown (pasted photos): refusal questions need at least one

    @property
    def text_lines(self) -> list[str]:
        lines = [self.sign] if self.sign else []
        return lines + ([self.title] if self.title else []) + self.body


# ------------------------------------------------------------------------------------ relations


def left_of(a: Thing, b: Thing) -> bool:
    return a.box[2] <= b.box[0]


def right_of(a: Thing, b: Thing) -> bool:
    return left_of(b, a)


def above(a: Thing, b: Thing) -> bool:
    return a.box[3] <= b.box[1] and a.on is None


def below(a: Thing, b: Thing) -> bool:
    return above(b, a)


def next_to(scene: Scene, i: int, j: int) -> bool:
    """The gap between the boxes is small and no third thing lies between them."""
    a, b = scene.things[i], scene.things[j]
    if a.inside is not None or b.inside is not None or a.on is not None or b.on is not None:
        return False
    gap_x = max(a.box[0] - b.box[2], b.box[0] - a.box[2], 0)
    gap_y = max(a.box[1] - b.box[3], b.box[1] - a.box[3], 0)
    if max(gap_x, gap_y) > NEXT_TO_GAP or min(gap_x, gap_y) > 0:
        return False
    between = _span(a.box, b.box)
    return not any(_overlaps(t.box, between) for k, t in enumerate(scene.things) if k not in (i, j))


def far_apart(a: Thing, b: Thing) -> bool:
    """Clearly not next to each other."""
    gap_x = max(a.box[0] - b.box[2], b.box[0] - a.box[2], 0)
    gap_y = max(a.box[1] - b.box[3], b.box[1] - a.box[3], 0)
    return max(gap_x, gap_y) >= FAR_GAP


def in_front(a: Thing, b: Thing) -> bool:
    """Solids: a stands clearly nearer the camera than b (neither rests on another)."""
    return a.on is None and b.on is None and a.depth >= b.depth + FRONT_GAP


def side(scene: Scene, thing: Thing) -> str | None:
    """left or right when the thing's centre is clearly on one side, else None."""
    x, _ = thing.centre
    if x < SIDE_MARGIN * scene.width:
        return "left"
    if x > (1 - SIDE_MARGIN) * scene.width:
        return "right"
    return None


def level(scene: Scene, thing: Thing) -> str | None:
    """top or bottom when the thing's centre is clearly in that half, else None."""
    _, y = thing.centre
    if y < SIDE_MARGIN * scene.height:
        return "top"
    if y > (1 - SIDE_MARGIN) * scene.height:
        return "bottom"
    return None


def _span(a: Box, b: Box) -> Box:
    return (min(a[2], b[2]), min(a[3], b[3]), max(a[0], b[0]), max(a[1], b[1]))


def _overlaps(a: Box, b: Box) -> bool:
    x1, y1, x2, y2 = min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])
    return a[0] < x2 and x1 < a[2] and a[1] < y2 and y1 < a[3]


# ---------------------------------------------------------------------------------- referents


@dataclass(frozen=True)
class Selector:
    """A set of things a question names: "red circles", "large shapes", "cats"."""

    kind: str | None = None
    colour: str | None = None
    size: str | None = None

    def matches(self, thing: Thing) -> bool:
        return (
            (self.kind is None or thing.kind == self.kind)
            and (self.colour is None or thing.colour == self.colour)
            and (self.size is None or thing.size == self.size)
        )

    def count(self, scene: Scene) -> int:
        return sum(self.matches(t) for t in scene.things)

    def members(self, scene: Scene) -> list[int]:
        return [i for i, t in enumerate(scene.things) if self.matches(t)]


def unique_selectors(scene: Scene, i: int) -> list[Selector]:
    """Every way of naming thing ``i`` that fits it alone, shortest first."""
    thing = scene.things[i]
    candidates = [
        Selector(kind=thing.kind),
        Selector(colour=thing.colour),
        Selector(kind=thing.kind, colour=thing.colour),
        Selector(kind=thing.kind, size=thing.size),
        Selector(colour=thing.colour, size=thing.size),
        Selector(kind=thing.kind, colour=thing.colour, size=thing.size),
    ]
    seen: list[Selector] = []
    for sel in candidates:
        if (sel.colour is None and sel.kind is None) or sel in seen:
            continue
        if sel.size is not None and thing.size is None:
            continue
        if sel.count(scene) == 1:
            seen.append(sel)
    return seen
