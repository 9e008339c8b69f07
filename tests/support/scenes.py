"""Scenes drawn here whose truth is known by construction: flat shapes (filled or outlined,
rotated, anti-aliased by drawing at 4x and scaling down) and lit 3D solids (sphere, cube,
cylinder) on a gray floor with soft shadows. Every function takes a seed and draws the same
pixels for the same seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SUPERSAMPLE = 4
LIGHT = np.array([-0.45, -0.6, 0.66])  # towards the light: up and to the left, in front
LIGHT = LIGHT / np.linalg.norm(LIGHT)


@dataclass(frozen=True)
class Placed:
    """One thing drawn: its shape name, colour name, RGB and box [x1, y1, x2, y2]."""

    shape: str
    colour: str
    rgb: tuple[int, int, int]
    box: tuple[float, float, float, float]


def polygon(
    sides: int, centre: tuple[float, float], radius: float, rotation: float
) -> list[tuple[float, float]]:
    cx, cy = centre
    return [
        (
            cx + radius * math.cos(rotation + 2 * math.pi * k / sides),
            cy + radius * math.sin(rotation + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def star(
    centre: tuple[float, float], radius: float, rotation: float, points: int = 5
) -> list[tuple[float, float]]:
    outer = polygon(points, centre, radius, rotation)
    inner = polygon(points, centre, radius * 0.42, rotation + math.pi / points)
    return [p for pair in zip(outer, inner, strict=True) for p in pair]


def flat_outline(
    shape: str, centre: tuple[float, float], size: float, rotation: float
) -> list[tuple[float, float]] | tuple:
    """Points of a flat shape (a polygon), or ("ellipse", (rx, ry), angle) for round ones."""
    if shape == "circle":
        return ("ellipse", (size, size), 0.0)
    if shape == "ellipse":
        return ("ellipse", (size, size * 0.5), rotation)
    if shape == "triangle":
        return polygon(3, centre, size, rotation)
    if shape == "square":
        return polygon(4, centre, size * 1.05, rotation + math.pi / 4)
    if shape == "rectangle":
        w, h = size * 1.2, size * 0.6
        corners = [(-w, -h), (w, -h), (w, h), (-w, h)]
        c, s = math.cos(rotation), math.sin(rotation)
        return [(centre[0] + x * c - y * s, centre[1] + x * s + y * c) for x, y in corners]
    if shape == "pentagon":
        return polygon(5, centre, size, rotation)
    if shape == "hexagon":
        return polygon(6, centre, size, rotation)
    if shape == "star":
        return star(centre, size * 1.15, rotation)
    raise ValueError(f"unknown shape {shape!r}")


def _ellipse_points(
    centre: tuple[float, float], radii: tuple[float, float], angle: float, n: int = 180
) -> list[tuple[float, float]]:
    c, s = math.cos(angle), math.sin(angle)
    out = []
    for k in range(n):
        t = 2 * math.pi * k / n
        x, y = radii[0] * math.cos(t), radii[1] * math.sin(t)
        out.append((centre[0] + x * c - y * s, centre[1] + x * s + y * c))
    return out


def draw_flat(
    draw: ImageDraw.ImageDraw,
    shape: str,
    centre: tuple[float, float],
    size: float,
    rotation: float,
    rgb: tuple[int, int, int],
    outline_width: float | None = None,
    scale: int = SUPERSAMPLE,
) -> tuple[float, float, float, float]:
    """Draw one flat shape on a supersampled canvas (coordinates in output pixels); its output box."""
    points = flat_outline(shape, centre, size, rotation)
    if isinstance(points, tuple):
        points = _ellipse_points(centre, points[1], points[2])
    scaled = [(x * scale, y * scale) for x, y in points]
    if outline_width is None:
        draw.polygon(scaled, fill=rgb)
    else:
        draw.line([*scaled, scaled[0]], fill=rgb, width=max(1, round(outline_width * scale)), joint="curve")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def flat_shape_image(
    shape: str,
    rgb: tuple[int, int, int],
    seed: int,
    side: int = 64,
    outline: bool = False,
    background: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """One shape, randomly rotated and sized, anti-aliased, on a plain ``side``-pixel image."""
    rng = np.random.default_rng(seed)
    big = Image.new("RGB", (side * SUPERSAMPLE, side * SUPERSAMPLE), background)
    draw = ImageDraw.Draw(big)
    size = side * rng.uniform(0.22, 0.32)
    centre = (side / 2 + rng.uniform(-2, 2), side / 2 + rng.uniform(-2, 2))
    rotation = rng.uniform(0, 2 * math.pi)
    points = flat_outline(shape, centre, size, rotation)
    if not isinstance(points, tuple):  # keep the whole shape (and its outline's width) in the picture
        reach = max(max(abs(x - side / 2), abs(y - side / 2)) for x, y in points) + 3
        size *= min(1.0, (side / 2) / reach)
    draw_flat(
        draw, shape, centre, size, rotation, rgb, outline_width=rng.uniform(1.2, 2.5) if outline else None
    )
    return big.resize((side, side), Image.Resampling.BOX)


def shaded_colour_scene(
    colours: list[tuple[str, tuple[int, int, int]]], seed: int, noise: float = 5.0
) -> tuple[Image.Image, list[Placed]]:
    """Filled squares and circles of the given colours on a light gray page, each lit by a mild
    gradient (+-15% brightness across it) and the whole image with Gaussian noise."""
    rng = np.random.default_rng(seed)
    cols = 4
    rows = math.ceil(len(colours) / cols)
    cell = 90
    width, height = cols * cell, rows * cell
    image = np.full((height, width, 3), 232.0)
    placed = []
    ys, xs = np.mgrid[0:height, 0:width]
    for k, (name, rgb) in enumerate(colours):
        cx, cy = (k % cols) * cell + cell / 2, (k // cols) * cell + cell / 2
        half = rng.uniform(22, 32)
        if k % 2:
            inside = (xs - cx) ** 2 + (ys - cy) ** 2 <= half * half
        else:
            inside = (abs(xs - cx) <= half) & (abs(ys - cy) <= half)
        angle = rng.uniform(0, 2 * math.pi)
        ramp = ((xs - cx) * math.cos(angle) + (ys - cy) * math.sin(angle)) / half  # -1 .. 1 across it
        shade = 1.0 + 0.15 * ramp
        for c in range(3):
            image[..., c] = np.where(inside, np.clip(rgb[c] * shade, 0, 255), image[..., c])
        placed.append(
            Placed("circle" if k % 2 else "square", name, rgb, (cx - half, cy - half, cx + half, cy + half))
        )
    image += rng.normal(0, noise, image.shape)
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)), placed


# ------------------------------------------------------------------------------ 3D solids


def _floor(
    width: int, height: int, rng: np.random.Generator, wall: tuple[float, float] | None = None
) -> np.ndarray:
    """A gray floor, lighter at the back (top) than at the front, with a little grain; with ``wall``
    (its share of the height at the left and right edges) a pale, warm wall stands behind it, meeting
    the floor along a straight, possibly tilted, line."""
    top, bottom = rng.uniform(150, 175), rng.uniform(115, 135)
    rows = np.linspace(top, bottom, height)[:, np.newaxis, np.newaxis]
    canvas = np.broadcast_to(rows, (height, width, 3)).copy()
    if wall is not None:
        ys, xs = np.mgrid[0:height, 0:width]
        horizon = height * (wall[0] + (wall[1] - wall[0]) * xs / (width - 1))
        shade = 1.0 - 0.06 * ys / height
        colour = np.array([rng.uniform(220, 235), rng.uniform(215, 228), rng.uniform(200, 215)])
        above = ys < horizon
        canvas[above] = (colour * shade[..., np.newaxis])[above]
    return canvas + rng.normal(0, 2.0, (height, width, 3))


def _lambert(normal: np.ndarray) -> np.ndarray:
    return np.clip(normal @ LIGHT, 0, 1)


def _paint(
    canvas: np.ndarray,
    mask: np.ndarray,
    rgb: tuple[int, int, int],
    shade: np.ndarray,
    spec: np.ndarray | None = None,
) -> None:
    colour = np.asarray(rgb, float)
    value = colour[np.newaxis] * (0.3 + 0.75 * shade[mask])[:, np.newaxis]
    if spec is not None:
        value = value + 255 * spec[mask][:, np.newaxis]
    canvas[mask] = np.clip(value, 0, 255)


def render_sphere(
    canvas: np.ndarray, cx: float, cy: float, r: float, rgb: tuple[int, int, int]
) -> tuple[float, float, float, float]:
    h, w = canvas.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    dx, dy = (xs - cx) / r, (ys - cy) / r
    inside = dx * dx + dy * dy <= 1
    dz = np.sqrt(np.clip(1 - dx * dx - dy * dy, 0, 1))
    normal = np.stack((dx, dy, dz), axis=-1)
    half = LIGHT + np.array([0, 0, 1.0])
    half = half / np.linalg.norm(half)
    spec = 0.45 * np.clip(normal @ half, 0, 1) ** 40
    _paint(canvas, inside, rgb, _lambert(normal), spec)
    return (cx - r, cy - r, cx + r, cy + r)


def render_cube(
    canvas: np.ndarray, cx: float, cy: float, s: float, rgb: tuple[int, int, int], turn: float
) -> tuple[float, float, float, float]:
    """A cube seen from above and in front: its top and two side faces, each lit evenly."""
    depth = 0.5
    c, sn = math.cos(turn), math.sin(turn)
    half = s / 2
    base = [(-half, -half), (half, -half), (half, half), (-half, half)]
    ground = [(cx + x * c - y * sn, cy + (x * sn + y * c) * depth) for x, y in base]
    top = [(x, y - s * 0.85) for x, y in ground]
    faces = []
    for i in range(4):
        a, b = ground[i], ground[(i + 1) % 4]
        # a side faces the camera when its outward normal points down the image
        nx, ny = (b[1] - a[1]), -(b[0] - a[0])
        if ny > 0:
            faces.append(([a, b, top[(i + 1) % 4], top[i]], np.array([nx, 0.0, ny * 0.6])))
    faces.append((top, np.array([0.0, -0.75, 0.66])))
    h, w = canvas.shape[:2]
    for points, normal in faces:
        layer = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
        ImageDraw.Draw(layer).polygon([(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in points], fill=255)
        mask = np.asarray(layer.resize((w, h), Image.Resampling.BOX)) >= 128
        shade = np.full((h, w), float(np.clip(normal / np.linalg.norm(normal) @ LIGHT, 0, 1)))
        _paint(canvas, mask, rgb, shade)
    xs = [p[0] for p in ground + top]
    ys = [p[1] for p in ground + top]
    return (min(xs), min(ys), max(xs), max(ys))


def render_cylinder(
    canvas: np.ndarray, cx: float, cy: float, r: float, height: float, rgb: tuple[int, int, int]
) -> tuple[float, float, float, float]:
    """An upright cylinder standing at (cx, cy) (its base's centre), seen from above and in front."""
    h, w = canvas.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    squash = 0.45
    top_y = cy - height
    dx = (xs - cx) / r
    bottom = cy + r * squash * np.sqrt(np.clip(1 - dx * dx, 0, 1))
    side = (abs(dx) <= 1) & (ys >= top_y) & (ys <= bottom)
    nx = np.clip(dx, -1, 1)
    normal = np.stack((nx, np.zeros_like(nx), np.sqrt(np.clip(1 - nx * nx, 0, 1))), axis=-1)
    _paint(canvas, side, rgb, _lambert(normal))
    cap = dx * dx + ((ys - top_y) / (r * squash)) ** 2 <= 1
    _paint(
        canvas,
        cap,
        rgb,
        np.full((h, w), float(np.array([0.0, -0.75, 0.66]) / np.linalg.norm([0.0, -0.75, 0.66]) @ LIGHT)),
    )
    return (cx - r, top_y - r * squash, cx + r, cy + r * squash)


def _shadow(floor: np.ndarray, box: tuple[float, float, float, float], strength: float) -> None:
    """Darken the floor under and behind a thing (towards the lower right), softly."""
    h, w = floor.shape[:2]
    x1, y1, x2, y2 = box
    layer = Image.new("L", (w, h), 0)
    rx, ry = (x2 - x1) * 0.55, (y2 - y1) * 0.22
    cx, cy = (x1 + x2) / 2 + rx * 0.45, y2 - ry * 0.4
    ImageDraw.Draw(layer).ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
    soft = np.asarray(layer.filter(ImageFilter.GaussianBlur(max(2.0, ry * 0.6))), float) / 255
    floor *= (1 - strength * soft)[..., np.newaxis]


def solids_scene(
    things: list[tuple[str, str, tuple[int, int, int]]],
    seed: int,
    width: int = 320,
    height: int = 240,
    wall: tuple[float, float] | None = None,
) -> tuple[Image.Image, list[Placed]]:
    """Solids (shape, colour name, RGB) laid out left to right, back to front, on a gray floor with
    soft shadows (and a wall behind, see ``_floor``), each a random size; returns the image and where
    each thing is."""
    rng = np.random.default_rng(seed)
    canvas = _floor(width, height, rng, wall)
    n = len(things)
    cols = max(1, math.ceil(math.sqrt(n * width / height)))
    rows = math.ceil(n / cols)
    cell_w, cell_h = width / cols, height / rows
    slots = []
    for k in range(n):
        col, row = k % cols, k // cols
        size = min(cell_w, cell_h) * rng.uniform(0.22, 0.3)
        cx = (col + 0.5) * cell_w + rng.uniform(-0.08, 0.08) * cell_w
        cy = (row + 0.5) * cell_h + rng.uniform(-0.05, 0.05) * cell_h + size * 0.4
        slots.append((cx, cy, size))
    boxes = []
    for (shape, _, _), (cx, cy, size) in zip(things, slots, strict=True):
        if shape in ("sphere", "cube"):
            box = (cx - size, cy - 2 * size, cx + size, cy)
        else:
            box = (cx - size * 0.8, cy - 1.9 * size, cx + size * 0.8, cy)
        boxes.append(box)
        _shadow(canvas, box, rng.uniform(0.3, 0.45))
    placed = []
    for (shape, name, rgb), (cx, cy, size) in sorted(zip(things, slots, strict=True), key=lambda t: t[1][1]):
        if shape == "sphere":
            box = render_sphere(canvas, cx, cy - size, size, rgb)
        elif shape == "cube":
            box = render_cube(canvas, cx, cy - size * 0.25, size * 1.25, rgb, rng.uniform(0.2, 1.3))
        elif shape == "cylinder":
            box = render_cylinder(canvas, cx, cy - size * 0.3, size * 0.8, size * 1.3, rgb)
        else:
            raise ValueError(f"unknown solid {shape!r}")
        placed.append(Placed(shape, name, rgb, box))
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(0.6)), placed


def jittered(rgb: tuple[int, int, int], rng: np.random.Generator) -> tuple[int, int, int]:
    """A nearby colour: hue turned by up to 6 degrees, saturation and brightness scaled by up to 10%."""
    import colorsys

    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    h = (h + rng.uniform(-6, 6) / 360) % 1.0
    s = min(1.0, s * rng.uniform(0.9, 1.1))
    v = min(1.0, v * rng.uniform(0.9, 1.1))
    return tuple(int(round(c * 255)) for c in colorsys.hsv_to_rgb(h, s, v))


def table_scene(seed: int, width: int = 360, height: int = 260) -> tuple[Image.Image, list[Placed]]:
    """Four things on a wooden table top seen from above at an angle: a white plate (a flat ellipse),
    a red apple (a sphere), a blue tin (a cylinder) and a yellow box (a cube), with soft shadows on
    wood that has a faint grain."""
    rng = np.random.default_rng(seed)
    rows = np.arange(height)[:, np.newaxis]
    grain = 5 * np.sin(rows / rng.uniform(3, 6) + 2 * np.sin(np.arange(width)[np.newaxis] / 40))
    wood = np.array([176.0, 128.0, 82.0])
    canvas = wood[np.newaxis, np.newaxis] + grain[..., np.newaxis] + rng.normal(0, 2.0, (height, width, 3))
    canvas *= np.linspace(1.04, 0.94, height)[:, np.newaxis, np.newaxis]
    placed = []
    plate_box = (30.0, 40.0, 150.0, 110.0)
    _shadow(canvas, plate_box, 0.25)
    cx, cy, rx, ry = 90, 75, 60, 35
    ys, xs = np.mgrid[0:height, 0:width]
    plate = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2 <= 1
    canvas[plate] = np.array([238.0, 238.0, 232.0]) * (0.97 + 0.03 * rng.random((int(plate.sum()), 1)))
    placed.append(Placed("ellipse", "white", (238, 238, 232), plate_box))
    things = [
        ("sphere", "red", (200, 30, 30), (250, 90), 28),
        ("cylinder", "blue", (40, 80, 200), (110, 215), 26),
        ("cube", "yellow", (230, 200, 40), (270, 215), 30),
    ]
    for _, _, _, (x, y), size in things:
        _shadow(canvas, (x - size, y - 2 * size, x + size, y), rng.uniform(0.3, 0.4))
    for shape, name, rgb, (x, y), size in things:
        if shape == "sphere":
            box = render_sphere(canvas, x, y - size, size, rgb)
        elif shape == "cylinder":
            box = render_cylinder(canvas, x, y - size * 0.3, size * 0.8, size * 1.3, rgb)
        else:
            box = render_cube(canvas, x, y - size * 0.25, size * 1.25, rgb, 0.5)
        placed.append(Placed(shape, name, rgb, box))
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(0.6)), placed
