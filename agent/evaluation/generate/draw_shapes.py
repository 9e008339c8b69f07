"""Flat 2D shapes of known colour, size and place on a plain background, drawn with Pillow.

Three layouts: ``free`` (1-8 shapes, well apart), ``nested`` (a small shape inside a large one, plus
a few others) and ``pair`` (two shapes side by side a few pixels apart, the others well away), and
``tiny`` pictures (64 px, one shape). Sizes come in two classes a person tells apart at a glance:
small (12-17 px from centre to edge) and large (30-40 px).
"""

from __future__ import annotations

import math
import random
from typing import Any

from PIL import Image, ImageDraw

from argus.agent.evaluation.generate.language import (
    BACKGROUNDS,
    PALETTE,
    SHAPE_WORDS,
    SHAPES,
    confusable,
)
from argus.agent.evaluation.generate.scene import Box, Scene, Size, Thing

WIDTH, HEIGHT = 320, 240
TINY = 64
GAP = 12  # px kept free around every shape in the free layout
SMALL = (12, 17)
LARGE = (30, 40)
MIN_CONTRAST = 120.0  # RGB distance between a shape and what it is drawn on


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return math.dist(a, b)


def shape_points(kind: str, cx: float, cy: float, h: float) -> list[tuple[float, float]]:
    """The outline of ``kind`` centred on (cx, cy) with half-size ``h`` (circles: none, see draw_shape)."""

    def ring(count: int, start: float, radii: tuple[float, ...]) -> list[tuple[float, float]]:
        return [
            (
                cx + radii[k % len(radii)] * math.cos(math.radians(start + k * 360 / count)),
                cy + radii[k % len(radii)] * math.sin(math.radians(start + k * 360 / count)),
            )
            for k in range(count)
        ]

    if kind == "square":
        s = 0.85 * h
        return [(cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s)]
    if kind == "rectangle":
        w, t = 1.15 * h, 0.55 * h
        return [(cx - w, cy - t), (cx + w, cy - t), (cx + w, cy + t), (cx - w, cy + t)]
    if kind == "triangle":
        return ring(3, -90, (h * 1.1,))
    if kind == "hexagon":
        return ring(6, 0, (h,))
    if kind == "star":
        return ring(10, -90, (h * 1.05, h * 0.45))
    raise ValueError(f"no outline for {kind!r}")


def shape_box(kind: str, cx: float, cy: float, h: float) -> Box:
    if kind == "circle":
        return (round(cx - h), round(cy - h), round(cx + h) + 1, round(cy + h) + 1)
    xs, ys = zip(*shape_points(kind, cx, cy, h), strict=True)
    return (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)) + 1, math.ceil(max(ys)) + 1)


def draw_shape(draw: ImageDraw.ImageDraw, kind: str, cx: float, cy: float, h: float, fill) -> Box:
    if kind == "circle":
        draw.ellipse((round(cx - h), round(cy - h), round(cx + h), round(cy + h)), fill=fill)
    else:
        draw.polygon([(round(x), round(y)) for x, y in shape_points(kind, cx, cy, h)], fill=fill)
    return shape_box(kind, cx, cy, h)


def pick_background(rng: random.Random) -> str:
    return rng.choice(sorted(BACKGROUNDS))


def pick_colours(rng: random.Random, count: int, background: str, avoid: tuple[str, ...] = ()) -> list[str]:
    """``count`` colours that stand out from the background and from each other (no confusable pair)."""
    chosen: list[str] = list(avoid)
    names = sorted(PALETTE)
    rng.shuffle(names)
    for name in names:
        if len(chosen) - len(avoid) == count:
            break
        if contrast(PALETTE[name], BACKGROUNDS[background]) < MIN_CONTRAST:
            continue
        if any(name == c or confusable(name, c) for c in chosen):
            continue
        chosen.append(name)
    return chosen[len(avoid) :]


def _size(rng: random.Random, size: str) -> float:
    low, high = SMALL if size == "small" else LARGE
    return rng.uniform(low, high)


def _free_spot(
    rng: random.Random, kind: str, h: float, taken: list[Box], width: int, height: int, gap: int
) -> tuple[float, float, Box] | None:
    for _ in range(300):
        cx, cy = rng.uniform(h + 6, width - h - 6), rng.uniform(h + 6, height - h - 6)
        box = shape_box(kind, cx, cy, h)
        if box[0] < 3 or box[1] < 3 or box[2] > width - 3 or box[3] > height - 3:
            continue
        if all(_apart(box, other, gap) for other in taken):
            return cx, cy, box
    return None


def _apart(a: Box, b: Box, gap: int) -> bool:
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


def _types(rng: random.Random, n: int, background: str) -> list[tuple[str, str]]:
    """The (shape, colour) of each of ``n`` shapes: a few types, some repeated, so counts vary."""
    kinds = rng.sample(SHAPES, k=min(len(SHAPES), rng.randint(1, 4)))
    colours = pick_colours(rng, rng.randint(1, 4), background)
    return [(rng.choice(kinds), rng.choice(colours)) for _ in range(n)]


def _thing(kind: str, colour: str, size: Size, box: Box, **extra: Any) -> Thing:
    return Thing(kind=kind, words=tuple(SHAPE_WORDS[kind]), box=box, colour=colour, size=size, **extra)


def free_scene(scene_id: str, rng: random.Random, n: int) -> tuple[Image.Image, Scene]:
    """``n`` shapes (1-8) scattered with room between them."""
    while True:
        background = pick_background(rng)
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[background])
        draw = ImageDraw.Draw(image)
        things: list[Thing] = []
        large_left = 3
        for kind, colour in _types(rng, n, background):
            size: Size = "large" if large_left and rng.random() < 0.35 else "small"
            large_left -= size == "large"
            h = _size(rng, size)
            spot = _free_spot(rng, kind, h, [t.box for t in things], WIDTH, HEIGHT, GAP)
            if spot is None:
                break
            cx, cy, _ = spot
            things.append(_thing(kind, colour, size, draw_shape(draw, kind, cx, cy, h, PALETTE[colour])))
        if len(things) == n:
            return image, _scene(scene_id, "shapes", background, things, WIDTH, HEIGHT)


def nested_scene(scene_id: str, rng: random.Random) -> tuple[Image.Image, Scene]:
    """A small shape inside a large one, and one to three other shapes around them."""
    while True:
        background = pick_background(rng)
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[background])
        draw = ImageDraw.Draw(image)
        outer_kind = rng.choice(("circle", "square", "hexagon"))
        outer_colour, inner_colour = pick_colours(rng, 2, background)
        if contrast(PALETTE[outer_colour], PALETTE[inner_colour]) < MIN_CONTRAST:
            continue
        h = rng.uniform(38, 44)
        spot = _free_spot(rng, outer_kind, h, [], WIDTH, HEIGHT, GAP)
        if spot is None:
            continue
        cx, cy, _ = spot
        outer = _thing(
            outer_kind, outer_colour, "large", draw_shape(draw, outer_kind, cx, cy, h, PALETTE[outer_colour])
        )
        inner_kind = rng.choice([k for k in ("circle", "square", "triangle", "star") if k != outer_kind])
        ih = h * rng.uniform(0.35, 0.42)
        inner_box = draw_shape(draw, inner_kind, cx, cy, ih, PALETTE[inner_colour])
        things = [outer, _thing(inner_kind, inner_colour, "small", inner_box, inside=0)]
        others = pick_colours(rng, rng.randint(1, 2), background, avoid=(outer_colour, inner_colour))
        for _ in range(rng.randint(1, 3)):
            kind, colour = rng.choice(SHAPES), rng.choice(others + [outer_colour, inner_colour])
            sh = _size(rng, "small")
            spot = _free_spot(rng, kind, sh, [t.box for t in things], WIDTH, HEIGHT, GAP)
            if spot is not None:
                things.append(
                    _thing(
                        kind, colour, "small", draw_shape(draw, kind, spot[0], spot[1], sh, PALETTE[colour])
                    )
                )
        return image, _scene(scene_id, "shapes", background, things, WIDTH, HEIGHT)


def pair_scene(scene_id: str, rng: random.Random) -> tuple[Image.Image, Scene]:
    """Two shapes side by side, 4-10 px apart, and up to three more at least 40 px from both."""
    while True:
        background = pick_background(rng)
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[background])
        draw = ImageDraw.Draw(image)
        colours = pick_colours(rng, 3, background)
        (ka, ca), (kb, cb) = (rng.choice(SHAPES), colours[0]), (rng.choice(SHAPES), colours[1])
        ha, hb = _size(rng, rng.choice(("small", "large"))), _size(rng, "small")
        cy = rng.uniform(50, HEIGHT - 50)
        ax = rng.uniform(50, WIDTH - 150)
        box_a = shape_box(ka, ax, cy, ha)
        bx = box_a[2] + rng.randint(4, 10) + (ax - shape_box(kb, ax, cy, hb)[0])
        box_b = shape_box(kb, bx, cy, hb)
        if box_b[2] > WIDTH - 4 or box_a[1] < 3 or box_a[3] > HEIGHT - 3:
            continue
        things = [
            _thing(
                ka, ca, "large" if ha >= LARGE[0] else "small", draw_shape(draw, ka, ax, cy, ha, PALETTE[ca])
            ),
            _thing(kb, cb, "small", draw_shape(draw, kb, bx, cy, hb, PALETTE[cb])),
        ]
        for _ in range(rng.randint(0, 3)):
            kind, colour = rng.choice(SHAPES), rng.choice(colours)
            sh = _size(rng, "small")
            spot = _free_spot(rng, kind, sh, [t.box for t in things], WIDTH, HEIGHT, 40)
            if spot is not None:
                things.append(
                    _thing(
                        kind, colour, "small", draw_shape(draw, kind, spot[0], spot[1], sh, PALETTE[colour])
                    )
                )
        return image, _scene(scene_id, "shapes", background, things, WIDTH, HEIGHT)


def tiny_scene(scene_id: str, rng: random.Random) -> tuple[Image.Image, Scene]:
    """A 64 px picture of one shape."""
    background = pick_background(rng)
    (colour,) = pick_colours(rng, 1, background)
    kind = rng.choice(SHAPES)
    image = Image.new("RGB", (TINY, TINY), BACKGROUNDS[background])
    h = rng.uniform(16, 22)
    cx, cy = TINY / 2 + rng.uniform(-4, 4), TINY / 2 + rng.uniform(-4, 4)
    box = draw_shape(ImageDraw.Draw(image), kind, cx, cy, h, PALETTE[colour])
    thing = Thing(kind=kind, words=tuple(SHAPE_WORDS[kind]), box=box, colour=colour)
    return image, _scene(scene_id, "tiny", background, [thing], TINY, TINY)


def _scene(scene_id: str, family, background: str, things: list[Thing], width: int, height: int) -> Scene:
    return Scene(
        id=scene_id,
        family=family,
        image=f"img/{scene_id}.png",
        width=width,
        height=height,
        things=things,
        background=background,
    )
