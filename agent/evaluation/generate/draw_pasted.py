"""Objects of known class cut from the sample photos that ship in installed packages and pasted onto
plain, graded or textured backgrounds: one or two per picture, large enough for the bundled COCO
detector to find (a slow test checks that it finds every one).

The crops are rectangles (the horse is a silhouette with its own transparency), chosen so that each
holds one object a person would name and nothing else of a class a question asks about.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image

from argus.agent.evaluation.generate.scene import Scene, Thing

WIDTH, HEIGHT = 256, 192


@dataclass(frozen=True)
class Crop:
    name: str
    package: str
    path: str
    box: tuple[int, int, int, int]
    label: str  # the COCO class a detector reports
    words: tuple[str, ...]  # what a question may call it (first = canonical)
    category: str  # animal, vehicle, person, object
    colour: str | None = None  # the colour a person would give it, where it has one


CROPS = (
    Crop("cat", "skimage", "data/chelsea.png", (20, 0, 420, 300), "cat", ("cat", "kitty"), "animal"),
    Crop("horse", "skimage", "data/horse.png", (0, 0, 400, 328), "horse", ("horse",), "animal", "black"),
    Crop(
        "motorcycle",
        "skimage",
        "data/motorcycle_left.png",
        (90, 50, 700, 460),
        "motorcycle",
        ("motorcycle", "motorbike"),
        "vehicle",
        "red",
    ),
    Crop("bus", "ultralytics", "assets/bus.jpg", (350, 225, 720, 700), "bus", ("bus",), "vehicle", "blue"),
    Crop("cup", "skimage", "data/coffee.png", (150, 5, 430, 335), "cup", ("cup", "coffee cup"), "object"),
    Crop(
        "astronaut",
        "skimage",
        "data/astronaut.png",
        (0, 0, 400, 512),
        "person",
        ("person", "woman"),
        "person",
    ),
    Crop(
        "officer",
        "matplotlib",
        "mpl-data/sample_data/grace_hopper.jpg",
        (0, 0, 512, 600),
        "person",
        ("person", "woman"),
        "person",
    ),
    Crop("cameraman", "skimage", "data/camera.png", (0, 40, 330, 512), "person", ("person", "man"), "person"),
    Crop(
        "coach",
        "ultralytics",
        "assets/zidane.jpg",
        (740, 40, 1160, 720),
        "person",
        ("person", "man"),
        "person",
    ),
)
TEXTURES = ("data/grass.png", "data/brick.png", "data/gravel.png")
PLAIN = ((238, 238, 238), (210, 226, 240), (240, 230, 205), (200, 220, 200), (90, 90, 100), (230, 215, 230))


@cache
def _crop_pixels(crop: Crop) -> Image.Image:
    from argus.tools.base import package_sample

    with Image.open(package_sample(crop.package, crop.path)) as im:
        return im.convert("RGBA").crop(crop.box)


@cache
def _texture(path: str) -> np.ndarray:
    from argus.tools.base import package_sample

    with Image.open(package_sample("skimage", path)) as im:
        return np.asarray(im.convert("L").resize((WIDTH * 2, HEIGHT * 2)), dtype=np.float32) / 255.0


def background(rng: random.Random) -> tuple[Image.Image, str]:
    """A plain colour, a vertical gradient or a tinted texture, and what it is."""
    choice = rng.random()
    if choice < 0.35:
        return Image.new("RGB", (WIDTH, HEIGHT), rng.choice(PLAIN)), "plain"
    if choice < 0.7:
        top, bottom = (np.array(c, dtype=np.float32) for c in rng.sample(PLAIN, 2))
        t = np.linspace(0.0, 1.0, HEIGHT, dtype=np.float32)[:, None, None]
        rows = top * (1 - t) + bottom * t
        return Image.fromarray(np.broadcast_to(rows, (HEIGHT, WIDTH, 3)).astype(np.uint8)), "gradient"
    texture = _texture(rng.choice(TEXTURES))
    x, y = rng.randrange(0, WIDTH), rng.randrange(0, HEIGHT)
    patch = texture[y : y + HEIGHT, x : x + WIDTH]
    tint = np.array(rng.choice(PLAIN), dtype=np.float32)
    pixels = (0.35 + 0.65 * patch[:, :, None]) * tint
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), "texture"


def _scaled(crop: Crop, max_w: int, max_h: int, rng: random.Random) -> Image.Image:
    pixels = _crop_pixels(crop)
    scale = min(max_w / pixels.width, max_h / pixels.height) * rng.uniform(0.85, 1.0)
    return pixels.resize(
        (max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale))), Image.Resampling.LANCZOS
    )


def pasted_scene(scene_id: str, rng: random.Random, crops: list[Crop]) -> tuple[Image.Image, Scene]:
    """One crop (placed left, centre or right) or two side by side, on a background."""
    image, _ = background(rng)
    things: list[Thing] = []
    if len(crops) == 1:
        piece = _scaled(crops[0], WIDTH - 40, HEIGHT, rng)
        slack = WIDTH - piece.width
        x = rng.choice(
            (rng.randint(4, max(4, slack // 4)), slack // 2, slack - rng.randint(4, max(4, slack // 4)))
        )
        slots = [(x, piece)]
    else:
        pieces = [_scaled(c, WIDTH // 2 - 8, HEIGHT, rng) for c in crops]
        gap = WIDTH - pieces[0].width - pieces[1].width
        left = rng.randint(2, max(2, gap // 3))
        slots = [(left, pieces[0]), (WIDTH - pieces[1].width - rng.randint(2, max(2, gap // 3)), pieces[1])]
    for (x, piece), crop in zip(slots, crops, strict=True):
        y = (HEIGHT - piece.height) // 2 + rng.randint(-6, 6)
        y = min(max(0, y), HEIGHT - piece.height)
        image.paste(piece, (x, y), piece)
        things.append(
            Thing(
                kind=crop.label,
                words=crop.words,
                box=(x, y, x + piece.width, y + piece.height),
                colour=crop.colour,
                category=crop.category,
            )
        )
    scene = Scene(
        id=scene_id,
        family="pasted",
        image=f"img/{scene_id}.png",
        width=WIDTH,
        height=HEIGHT,
        things=things,
        people=sum(c.label == "person" for c in crops),
    )
    return image, scene


def crop_named(name: str) -> Crop:
    return next(c for c in CROPS if c.name == name)
