"""The things on a plain background, on scenes drawn here whose truth is known: a shape drawn on
another, a solid standing on another, solids before a wall, and shaded solids named by shape and
colour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from argus.tools.image_io import load_image
from argus.tools.things import describe_things
from tests.support.scenes import render_cube, render_cylinder, render_sphere, solids_scene

PALETTE = {
    "red": (215, 35, 35), "orange": (245, 140, 25), "yellow": (245, 215, 35), "green": (45, 165, 60),
    "blue": (35, 85, 215), "purple": (125, 55, 165), "pink": (245, 135, 185), "brown": (125, 80, 40),
    "black": (20, 20, 20), "white": (250, 250, 250), "gray": (128, 128, 128),
}  # fmt: skip


def things_in(image: Image.Image, tmp_path, min_area: int = 30) -> list[tuple[str, str]]:
    path = tmp_path / "scene.png"
    image.save(path)
    _, found = describe_things(load_image(str(path)), min_area)
    return sorted((t.shape, t.colour) for t in found)


def outline(kind: str, cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """The points of a regular polygon or a five-pointed star around (cx, cy)."""
    if kind == "star":
        return [
            (cx + (r if k % 2 == 0 else 0.45 * r) * math.cos(math.radians(-90 + 36 * k)),
             cy + (r if k % 2 == 0 else 0.45 * r) * math.sin(math.radians(-90 + 36 * k)))
            for k in range(10)
        ]  # fmt: skip
    sides, turn = {"triangle": (3, -90), "square": (4, 45), "hexagon": (6, 0)}[kind]
    return [
        (cx + r * math.cos(math.radians(turn + k * 360 / sides)), cy + r * math.sin(math.radians(turn + k * 360 / sides)))
        for k in range(sides)
    ]  # fmt: skip


def draw(image: Image.Image, kind: str, cx: float, cy: float, r: float, colour: str) -> None:
    pen = ImageDraw.Draw(image)
    if kind == "circle":
        pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=PALETTE[colour])
    else:
        pen.polygon(outline(kind, cx, cy, r), fill=PALETTE[colour])


@pytest.mark.parametrize(
    ("outer", "inner", "background"),
    [
        (("hexagon", "blue"), ("star", "yellow"), "lightgray"),
        (("circle", "blue"), ("triangle", "red"), "white"),
        (("square", "black"), ("circle", "white"), "beige"),  # two colours of one chromaticity
        (("hexagon", "gray"), ("star", "pink"), "white"),
        (("square", "green"), ("star", "black"), "lavender"),
        (("circle", "purple"), ("square", "orange"), "black"),
    ],
)
def test_a_shape_drawn_inside_another_is_a_thing_of_its_own(tmp_path, outer, inner, background):
    image = Image.new("RGB", (320, 240), background)
    draw(image, outer[0], 160, 120, 50, outer[1])
    draw(image, inner[0], 160, 122, 20, inner[1])
    draw(image, "circle", 50, 50, 16, "red" if outer[1] != "red" else "green")
    found = things_in(image, tmp_path)
    assert outer in found and inner in found
    assert len(found) == 3


def test_the_outer_shape_counts_what_it_encloses(tmp_path):
    image = Image.new("RGB", (320, 240), "white")
    draw(image, "square", 160, 120, 60, "blue")
    draw(image, "circle", 160, 120, 20, "yellow")
    path = tmp_path / "nested.png"
    image.save(path)
    _, found = describe_things(load_image(str(path)), 30)
    square, circle = found  # largest first
    assert (square.shape, circle.shape) == ("square", "circle")
    assert square.area > 0.95 * (60 * math.sqrt(2)) ** 2
    assert (square.size, circle.size) == ("large", "small")


@pytest.mark.parametrize(
    ("below", "above"),
    [
        ("cube", "sphere"),
        ("cube", "cylinder"),
        ("cube", "cube"),
    ],
)
@pytest.mark.parametrize(("low", "high"), [("purple", "yellow"), ("red", "blue"), ("brown", "green")])
def test_a_solid_standing_on_another_is_a_thing_of_its_own(tmp_path, below, above, low, high):
    canvas = np.broadcast_to(np.linspace(165, 125, 240)[:, None, None], (240, 320, 3)).copy()
    render_cube(canvas, 160, 200, 90, PALETTE[low], 0.35)
    if above == "sphere":
        render_sphere(canvas, 160, 99, 24, PALETTE[high])
    elif above == "cylinder":
        render_cylinder(canvas, 160, 118, 20, 34, PALETTE[high])
    else:
        render_cube(canvas, 160, 122, 36, PALETTE[high], 0.8)
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    assert things_in(image, tmp_path) == sorted([(below, low), (above, high)])


@pytest.mark.parametrize("wall", [(0.3, 0.3), (0.25, 0.38), (0.4, 0.3)])
@pytest.mark.parametrize("seed", [3, 11])
def test_solids_before_a_wall_are_found_and_named(tmp_path, wall, seed):
    """The wall meets the floor in a straight line, level or tilted; solids at the back cross it."""
    rng = np.random.default_rng(seed)
    names = ["red", "blue", "green", "yellow", "purple", "orange"]
    chosen = [
        (str(rng.choice(["sphere", "cube", "cylinder"])), name, PALETTE[name])
        for name in rng.choice(names, size=4, replace=False)
    ]
    image, placed = solids_scene(chosen, seed, wall=wall)
    assert things_in(image, tmp_path) == sorted((p.shape, p.colour) for p in placed)


@pytest.mark.parametrize("colour", ["orange", "yellow", "pink", "brown", "red", "green"])
@pytest.mark.parametrize("kind", ["sphere", "cylinder", "cube"])
def test_a_shaded_solid_is_named_by_the_colour_it_has_in_the_light(tmp_path, colour, kind):
    """The shadowed side of an orange ball is brown; the ball is orange."""
    image, placed = solids_scene([(kind, colour, PALETTE[colour])], 5)
    assert things_in(image, tmp_path) == [(kind, colour)]


@pytest.mark.parametrize("radius", [12, 16, 22, 30])
def test_small_cylinders_are_not_taken_for_cubes(tmp_path, radius):
    """A small cylinder's outline alone can pass for a polygon; its curved, steadily shaded side cannot."""
    canvas = np.broadcast_to(np.linspace(165, 125, 240)[:, None, None], (240, 320, 3)).copy()
    render_cylinder(canvas, 100, 160, radius, 1.5 * radius, PALETTE["orange"])
    render_cube(canvas, 230, 160, 1.6 * radius, PALETTE["orange"], 0.5)
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    assert things_in(image, tmp_path) == [("cube", "orange"), ("cylinder", "orange")]


@pytest.mark.parametrize(
    ("photo", "crop"),
    [
        ("ASTRONAUT", (120, 0, 380, 260)),
        ("CHELSEA", (100, 20, 360, 280)),
        ("COFFEE", (150, 60, 450, 360)),
        ("BUS", (0, 220, 300, 520)),
    ],
)
def test_a_photographed_thing_on_a_plain_background_stays_whole(tmp_path, photo, crop):
    """Its clusters of colour (a suit and a face, a cat's fur) are textured, not flat or smoothly lit
    surfaces: no region of the photo is split into things by colour."""
    from tests.support import samples

    picture = Image.open(getattr(samples, photo)).convert("RGB").crop(crop).resize((160, 160))
    image = Image.new("RGB", (320, 240), (236, 226, 200))
    image.paste(picture, (80, 40))
    path = tmp_path / "pasted.png"
    image.save(path)
    foreground, found = describe_things(load_image(str(path)), 38)
    assert foreground.plain
    assert len(found) == foreground.count


@pytest.mark.parametrize("seed", [0, 2, 3, 4, 5])  # seed 1's layout shows more gray windows than blue
def test_a_photographed_thing_keeps_the_colour_of_its_own_pixels(tmp_path, seed):
    """A photo's light and dark pixels are its texture, not the lit and shadowed sides of one surface:
    a blue bus pasted on a plain background stays blue (its lightest pixels are white and gray panels)."""
    import random

    from argus.agent.evaluation.generate.draw_pasted import crop_named, pasted_scene
    from argus.tools import box_geometry

    image, scene = pasted_scene("bus", random.Random(seed), [crop_named("bus")])
    path = tmp_path / "bus.png"
    image.convert("RGB").save(path)
    _, found = describe_things(load_image(str(path)), 38)
    bus = max(found, key=lambda t: box_geometry.iou(t.box, list(scene.things[0].box)))
    assert bus.colour == "blue"


def test_shapes_drawn_in_the_background_colour_on_a_shape_are_things(tmp_path):
    scene = Image.new("RGB", (320, 320), (0, 0, 0))
    draw = ImageDraw.Draw(scene)
    draw.ellipse((60, 20, 260, 300), fill=(110, 110, 110))
    draw.ellipse((90, 90, 140, 220), fill=(0, 0, 0))
    draw.ellipse((180, 100, 220, 200), fill=(0, 0, 0))
    draw.rectangle((130, 240, 190, 270), fill=(0, 0, 0))
    assert things_in(scene, tmp_path) == [
        ("ellipse", "black"),
        ("ellipse", "black"),
        ("ellipse", "gray"),
        ("rectangle", "black"),
    ]


def test_the_inside_of_an_outline_or_a_ring_is_no_thing(tmp_path):
    scene = Image.new("RGB", (320, 240), (245, 245, 245))
    draw = ImageDraw.Draw(scene)
    draw.ellipse((20, 40, 150, 170), outline=(200, 30, 30), width=12)
    draw.rectangle((180, 40, 300, 160), outline=(30, 60, 200), width=6)
    assert things_in(scene, tmp_path) == [("circle", "red"), ("square", "blue")]
