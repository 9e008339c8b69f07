"""Shaded spheres, cubes and cylinders standing on a floor, drawn with numpy and Pillow.

A fixed light from the upper left shades each solid (Lambert, a highlight on spheres) and casts a
soft shadow on the floor; solids are drawn far to near. Sizes come in two classes (large about twice
small) with a little perspective (0.85-1.0 with depth). A scene may stack a small solid on a large
cube, which gives "on" questions.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw

from argus.agent.evaluation.generate.language import PALETTE, SOLID_WORDS, SOLIDS, confusable
from argus.agent.evaluation.generate.scene import Box, Scene, Thing

WIDTH, HEIGHT = 320, 240
HORIZON = 85
NEAREST, FARTHEST = 228, 125  # y of a solid's base on the floor
SMALL, LARGE = 19.0, 38.0  # half-width at the nearest depth
SOLID_COLOURS = ("red", "green", "blue", "yellow", "purple", "brown", "teal", "pink", "orange")
LIGHT = np.array([-0.45, -0.6, 0.66]) / np.linalg.norm([-0.45, -0.6, 0.66])


def _scale(depth: float) -> float:
    return 0.85 + 0.15 * (depth - FARTHEST) / (NEAREST - FARTHEST)


def _backdrop(rng: random.Random) -> np.ndarray:
    wall = np.array(rng.choice([(226, 226, 232), (232, 226, 214), (214, 224, 232)]), dtype=np.float32)
    floor = np.array(rng.choice([(176, 172, 166), (160, 166, 172), (184, 184, 184)]), dtype=np.float32)
    rows = np.arange(HEIGHT, dtype=np.float32)[:, None]
    wall_shade = 1.0 - 0.08 * rows / HORIZON
    floor_shade = 0.82 + 0.18 * (rows - HORIZON) / (HEIGHT - HORIZON)
    shade = np.where(rows < HORIZON, wall_shade, floor_shade)[:, :, None]
    base = np.where(rows[:, :, None] < HORIZON, wall, floor)
    return np.broadcast_to(base * shade, (HEIGHT, WIDTH, 3)).copy()


def _shadow(canvas: np.ndarray, x: float, depth: float, r: float) -> None:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    d = ((xx - (x + 0.55 * r)) / (1.35 * r)) ** 2 + ((yy - (depth - 0.1 * r)) / (0.38 * r)) ** 2
    canvas *= (1.0 - 0.45 * np.clip(1.2 - d, 0.0, 1.0))[:, :, None]


def _sphere(canvas: np.ndarray, x: float, depth: float, r: float, rgb: np.ndarray) -> Box:
    cy = depth - r
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    nx, ny = (xx - x) / r, (yy - cy) / r
    inside = nx**2 + ny**2 <= 1.0
    nz = np.sqrt(np.clip(1.0 - nx**2 - ny**2, 0.0, 1.0))
    diffuse = np.clip(nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2], 0.0, 1.0)
    half = LIGHT + np.array([0.0, 0.0, 1.0])
    half /= np.linalg.norm(half)
    spec = np.clip(nx * half[0] + ny * half[1] + nz * half[2], 0.0, 1.0) ** 40
    shaded = rgb * (0.32 + 0.78 * diffuse)[:, :, None] + 170.0 * spec[:, :, None]
    canvas[inside] = shaded[inside]
    return (math.floor(x - r), math.floor(cy - r), math.ceil(x + r) + 1, math.ceil(depth) + 1)


def _cylinder(canvas: np.ndarray, x: float, depth: float, r: float, rgb: np.ndarray) -> Box:
    ry, top = 0.3 * r, depth - 2 * r
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    nx = np.clip((xx - x) / r, -1.0, 1.0)
    body = (np.abs(xx - x) <= r) & (yy >= top) & (yy <= depth)
    bottom = ((xx - x) / r) ** 2 + ((yy - depth) / ry) ** 2 <= 1.0
    lid = ((xx - x) / r) ** 2 + ((yy - top) / ry) ** 2 <= 1.0
    diffuse = np.clip(nx * LIGHT[0] + np.sqrt(1.0 - nx**2) * LIGHT[2], 0.0, 1.0)
    side = rgb * (0.3 + 0.8 * diffuse)[:, :, None]
    canvas[body | bottom] = side[body | bottom]
    canvas[lid] = np.clip(rgb * 1.12 + 12.0, 0, 255)
    return (math.floor(x - r), math.floor(top - ry), math.ceil(x + r) + 1, math.ceil(depth + ry) + 1)


def _cube(image: Image.Image, x: float, depth: float, r: float, rgb: np.ndarray) -> Box:
    k = 0.5 * r
    top = depth - 2 * r
    draw = ImageDraw.Draw(image)

    def tone(f: float) -> tuple[int, int, int]:
        return tuple(int(v) for v in np.clip(rgb * f, 0, 255))  # type: ignore[return-value]

    draw.polygon([(x - r, top), (x + r, top), (x + r + k, top - k), (x - r + k, top - k)], fill=tone(1.15))
    draw.polygon(
        [(x + r, top), (x + r + k, top - k), (x + r + k, depth - k), (x + r, depth)], fill=tone(0.55)
    )
    draw.rectangle((x - r, top, x + r, depth), fill=tone(0.85))
    return (math.floor(x - r), math.floor(top - k), math.ceil(x + r + k) + 1, math.ceil(depth) + 1)


def _extent(kind: str, x: float, depth: float, r: float) -> Box:
    if kind == "cube":
        return (
            math.floor(x - r),
            math.floor(depth - 2.5 * r),
            math.ceil(x + 1.5 * r) + 1,
            math.ceil(depth) + 1,
        )
    if kind == "cylinder":
        return (
            math.floor(x - r),
            math.floor(depth - 2.3 * r),
            math.ceil(x + r) + 1,
            math.ceil(depth + 0.3 * r) + 1,
        )
    return (math.floor(x - r), math.floor(depth - 2 * r), math.ceil(x + r) + 1, math.ceil(depth) + 1)


def _apart(a: Box, b: Box, gap: int = 10) -> bool:
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


def _colours(rng: random.Random, count: int) -> list[str]:
    names = list(SOLID_COLOURS)
    rng.shuffle(names)
    chosen: list[str] = []
    for name in names:
        if len(chosen) < count and not any(confusable(name, c) for c in chosen):
            chosen.append(name)
    return chosen


def solids_scene(scene_id: str, rng: random.Random, n: int, stack: bool = False) -> tuple[Image.Image, Scene]:
    """``n`` solids (1-6) on the floor; with ``stack`` a small solid rests on a large cube as well."""
    while True:
        colours = _colours(rng, rng.randint(1, 4))
        plan: list[tuple[str, str, str, float, float]] = []  # kind, colour, size, x, depth
        if stack:
            plan.append(("cube", rng.choice(colours), "large", 0.0, 0.0))
        plan += [
            (rng.choice(SOLIDS), rng.choice(colours), rng.choice(("small", "large")), 0.0, 0.0)
            for _ in range(n)
        ]
        boxes: list[Box] = []
        placed = []
        for index, (kind, colour, size, _, _) in enumerate(plan):
            for _ in range(300):
                depth = rng.uniform(FARTHEST, NEAREST)
                r = (LARGE if size == "large" else SMALL) * _scale(depth)
                x = rng.uniform(r + 6, WIDTH - 1.6 * r - 6)
                box = _extent(kind, x, depth, r)
                if stack and index == 0:  # room above the cube for what stands on it
                    box = (box[0], box[1] - math.ceil(2.6 * SMALL), box[2], box[3])
                if box[1] > HORIZON - 40 and all(_apart(box, b, 12 if stack else 10) for b in boxes):
                    boxes.append(box)
                    placed.append((kind, colour, size, x, depth, r))
                    break
            else:
                break
        if len(placed) == len(plan):
            return _render(scene_id, rng, placed, stack)


def _render(scene_id: str, rng: random.Random, placed, stack: bool) -> tuple[Image.Image, Scene]:
    canvas = _backdrop(rng)
    for _, _, _, x, depth, r in placed:
        _shadow(canvas, x, depth, r)
    order = sorted(range(len(placed)), key=lambda i: placed[i][4])
    things: dict[int, Thing] = {}
    extra: tuple[str, str, float, float, float] | None = None
    if stack:
        _, _, _, cx, cd, cr = placed[0]
        kind = rng.choice(("sphere", "cube", "cylinder"))
        colour = rng.choice(
            [c for c in SOLID_COLOURS if c != placed[0][1] and not confusable(c, placed[0][1])]
        )
        extra = (kind, colour, cx + 0.25 * cr, cd - 2 * cr - 0.25 * cr, SMALL * _scale(cd) * 0.9)
    for i in order:
        kind, colour, size, x, depth, r = placed[i]
        rgb = np.array(PALETTE[colour], dtype=np.float32)
        if kind == "cube":
            image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
            box = _cube(image, x, depth, r, rgb)
            canvas = np.asarray(image, dtype=np.float32).copy()
        else:
            box = (_sphere if kind == "sphere" else _cylinder)(canvas, x, depth, r, rgb)
        things[i] = Thing(kind, tuple(SOLID_WORDS[kind]), box, colour, size, depth=round(depth))
        if stack and i == 0 and extra is not None:
            ek, ec, ex, ed, er = extra
            ergb = np.array(PALETTE[ec], dtype=np.float32)
            if ek == "cube":
                image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
                ebox = _cube(image, ex, ed, er, ergb)
                canvas = np.asarray(image, dtype=np.float32).copy()
            else:
                ebox = (_sphere if ek == "sphere" else _cylinder)(canvas, ex, ed, er, ergb)
            things[len(placed)] = Thing(
                ek, tuple(SOLID_WORDS[ek]), ebox, ec, "small", on=0, depth=round(depth)
            )
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    scene = Scene(
        id=scene_id,
        family="solids",
        image=f"img/{scene_id}.png",
        width=WIDTH,
        height=HEIGHT,
        things=[things[i] for i in sorted(things)],
        background="floor",
    )
    return image, scene
