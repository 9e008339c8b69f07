"""analyze_colors_shapes on scenes drawn here (exact counts) and on real photos (what is true of them)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from argus.tools.analyze_colors_shapes import AnalyzeColorsShapes
from argus.tools.colour_names import COLOUR_NAMES, name_colour
from argus.tools.errors import ToolInputError
from argus.tools.runtime import Runtime
from tests.support import samples

RED, BLUE, GREEN = (220, 30, 30), (30, 60, 200), (40, 170, 60)


@pytest.fixture
def analyze() -> AnalyzeColorsShapes:
    return AnalyzeColorsShapes(Runtime(device="cpu"))


def canvas(height: int = 400, width: int = 600) -> np.ndarray:
    return np.full((height, width, 3), 255, np.uint8)


def regular_polygon(sides: int, centre: tuple[int, int], radius: float, rotation: float = 0.0) -> np.ndarray:
    cx, cy = centre
    return np.array(
        [
            [
                cx + radius * math.cos(rotation + 2 * math.pi * k / sides),
                cy + radius * math.sin(rotation + 2 * math.pi * k / sides),
            ]
            for k in range(sides)
        ],
        np.int32,
    )


def scene() -> np.ndarray:
    """3 red circles, 2 blue squares and 1 green triangle on white."""
    import cv2

    image = canvas()
    for centre in ((80, 80), (220, 90), (360, 70)):
        cv2.circle(image, centre, 40, RED, -1)
    for x in (60, 220):
        cv2.rectangle(image, (x, 200), (x + 90, 290), BLUE, -1)
    cv2.fillPoly(image, [np.array([[400, 330], [560, 330], [480, 190]], np.int32)], GREEN)
    return image


def test_drawn_scene_counts_exactly(analyze):
    result = analyze(scene())
    assert result.counts == {"red circle": 3, "blue square": 2, "green triangle": 1}
    assert result.shape_counts == {"circle": 3, "square": 2, "triangle": 1}
    assert result.colour_counts == {"red": 3, "blue": 2, "green": 1}
    assert result.background == "white"
    assert [s.id for s in result.shapes] == [f"S{i}" for i in range(1, 7)]
    for shape in result.shapes:
        x1, y1, x2, y2 = shape.box
        assert 0 <= x1 < x2 <= 600 and 0 <= y1 < y2 <= 400
    circle = next(s for s in result.shapes if s.label == "circle")
    assert circle.area_px == pytest.approx(math.pi * 40**2, rel=0.05)


def test_drawn_scene_colours(analyze):
    result = analyze(scene())
    names = [c.label for c in result.colours]
    assert names[0] == "white" and result.colours[0].fraction > 0.7
    assert set(names[1:4]) == {"red", "blue", "green"}
    assert result.colours[0].id == "K1"
    red = next(c for c in result.colours if c.label == "red")
    assert red.rgb == list(RED)
    assert sum(c.fraction for c in result.colours) == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("draw", "expected"),
    [
        ("pentagon", "pentagon"),
        ("hexagon", "hexagon"),
        ("rotated square", "square"),
        ("rectangle", "rectangle"),
        ("ellipse", "ellipse"),
        ("circle", "circle"),
        ("star", "star"),
    ],
)
def test_each_shape_is_named(analyze, draw, expected):
    import cv2

    image = canvas(300, 300)
    colour = (250, 140, 0)
    centre = (150, 150)
    if draw == "pentagon":
        cv2.fillPoly(image, [regular_polygon(5, centre, 70, -math.pi / 2)], colour)
    elif draw == "hexagon":
        cv2.fillPoly(image, [regular_polygon(6, centre, 70)], colour)
    elif draw == "rotated square":
        cv2.fillPoly(image, [regular_polygon(4, centre, 70, 0.3)], colour)
    elif draw == "rectangle":
        cv2.rectangle(image, (60, 110), (240, 190), colour, -1)
    elif draw == "ellipse":
        cv2.ellipse(image, centre, (100, 45), 25, 0, 360, colour, -1)
    elif draw == "circle":
        cv2.circle(image, centre, 70, colour, -1)
    else:
        outer = regular_polygon(5, centre, 100, -math.pi / 2)
        inner = regular_polygon(5, centre, 40, -math.pi / 2 + math.pi / 5)
        star = np.array([p for pair in zip(outer, inner, strict=True) for p in pair], np.int32)
        cv2.fillPoly(image, [star], colour)
    (shape,) = analyze(image).shapes
    assert shape.label == expected
    assert shape.colour == "orange"


def test_shape_cut_by_the_frame_is_other(analyze):
    import cv2

    image = canvas(200, 200)
    cv2.circle(image, (0, 100), 60, BLUE, -1)
    (shape,) = analyze(image).shapes
    assert shape.label == "other" and shape.colour == "blue"


@pytest.mark.parametrize(
    ("name", "rgb"),
    [
        ("red", (255, 0, 0)),
        ("red", (180, 20, 30)),
        ("orange", (255, 140, 0)),
        ("yellow", (240, 220, 40)),
        ("green", (0, 128, 0)),
        ("green", (120, 200, 80)),
        ("blue", (0, 0, 255)),
        ("blue", (70, 130, 180)),
        ("purple", (128, 0, 128)),
        ("purple", (120, 60, 200)),
        ("pink", (255, 192, 203)),
        ("pink", (255, 0, 255)),
        ("brown", (139, 69, 19)),
        ("brown", (195, 173, 146)),
        ("black", (10, 10, 10)),
        ("black", (40, 10, 10)),
        ("white", (250, 250, 250)),
        ("gray", (128, 128, 128)),
        ("gray", (175, 175, 180)),
        ("white", (215, 215, 220)),  # a white bus in daylight
        ("gray", (192, 192, 192)),  # silver, as CSS defines it
        ("blue", (0, 0, 139)),  # dark blue is navy, never black
        ("blue", (20, 30, 90)),
        ("red", (128, 0, 0)),  # maroon
    ],
)
def test_colour_names(name, rgb):
    assert name_colour(rgb) == name


def test_the_palette_is_the_eleven_common_names():
    assert set(COLOUR_NAMES) == {
        "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "gray",
    }  # fmt: skip


def test_coins_are_gray_and_round(analyze):
    result = analyze(samples.COINS)
    assert {c.label for c in result.colours} <= {"black", "gray", "white"}
    round_ones = result.shape_counts.get("circle", 0) + result.shape_counts.get("ellipse", 0)
    assert round_ones >= 22  # of the 24 coins


def test_bus_photo_colours(analyze):
    result = analyze(samples.BUS)
    names = [c.label for c in result.colours]
    assert names[0] == "gray"  # street, shadows and the bus's windows
    assert "blue" in names  # the bus is blue
    blue = next(c for c in result.colours if c.label == "blue")
    assert blue.rgb[2] > blue.rgb[0] and blue.fraction > 0.05
    assert any("no plain background" in note for note in result.notes)


def test_options(analyze):
    image = scene()
    assert analyze(image, shapes=False).shapes == []
    assert len(analyze(image, max_colours=2).colours) == 2
    assert [c.label for c in analyze(image, min_fraction=0.2).colours] == ["white"]
    assert len(analyze(image, max_shapes=2).shapes) == 2
    only_big = analyze(image, min_area=6000)
    assert only_big.shape_counts == {"square": 2, "triangle": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_colours": 0}, "max_colours: Input should be greater than or equal to 1"),
        ({"max_colours": 12}, "max_colours: Input should be less than or equal to 11"),
        ({"min_fraction": 2}, "min_fraction: Input should be less than or equal to 1"),
        ({"min_area": 0}, "min_area: Input should be greater than or equal to 1"),
        ({"shapes": "many"}, "shapes: Input should be a valid boolean"),
    ],
)
def test_bad_arguments(analyze, kwargs, message):
    with pytest.raises(ToolInputError) as info:
        analyze(scene(), **kwargs)
    assert message in str(info.value)
