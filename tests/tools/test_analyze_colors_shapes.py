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


# ---------------------------------------------------------------------------------- object colours


@pytest.fixture(scope="module")
def detections():
    from argus.tools.detect_objects import DetectObjects

    detector = DetectObjects(Runtime(device="cpu"))
    return lambda image: detector(image).detections


def _regions(found):
    return [{"box": d.box, "source": d.id, "label": d.label} for d in found]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "label", "colour"),
    [
        (samples.BUS, "bus", "blue"),
        (samples.ZIDANE, "person", "black"),  # both men wear black suits
        (samples.CHELSEA, "cat", "brown"),  # a brown tabby
        (samples.ASTRONAUT, "person", "orange"),  # the orange flight suit
    ],
    ids=["bus", "zidane", "chelsea", "astronaut"],
)
def test_a_detected_object_has_the_colour_of_its_own_pixels(analyze, detections, image, label, colour):
    found = detections(image)
    result = analyze(image, shapes=False, regions=_regions(found))
    assert [c.id for c in result.object_colours] == [
        f"K{len(result.colours) + i + 1}" for i in range(len(found))
    ]
    for detection, item in zip(found, result.object_colours, strict=True):
        assert item.source == detection.id and item.object_label == detection.label
        assert item.box == detection.box and item.shade is not None
        if detection.label == label:
            assert item.label == colour, (detection, item)


@pytest.mark.slow
def test_the_whole_image_palette_is_not_the_bus_colour(analyze, detections):
    """bus.jpg is mostly gray street and yellow building; its bus is still blue, white-roofed."""
    bus = next(d for d in detections(samples.BUS) if d.label == "bus")
    result = analyze(samples.BUS, shapes=False, regions=_regions([bus]))
    assert result.colours[0].label == "gray"
    (item,) = result.object_colours
    assert item.label == "blue" and item.rgb[2] > item.rgb[0] + 60
    assert item.fraction >= 0.4


@pytest.mark.slow
def test_rendered_objects_of_every_shade_are_named_right(analyze):
    """21 shades x 10 scenes = 210 objects under a +-15% light gradient and noise, each shade's swatch
    nudged at random (hue +-6 degrees, saturation and brightness +-10%)."""
    from argus.tools.colour_names import PALETTE, colour_of, shade_swatch
    from tests.support.scenes import jittered, shaded_colour_scene

    right_colour = right_shade = total = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        order = [str(s) for s in rng.permutation(list(PALETTE))]
        image, placed = shaded_colour_scene([(s, jittered(shade_swatch(s), rng)) for s in order], seed)
        result = analyze(np.asarray(image), shapes=False, regions=[{"box": list(p.box)} for p in placed])
        for thing, item in zip(placed, result.object_colours, strict=True):
            total += 1
            right_colour += item.label == colour_of(thing.colour)
            right_shade += item.shade == thing.colour
    assert total == 210
    assert right_colour >= 0.97 * total and right_shade >= 0.9 * total, (right_colour, right_shade)


def test_a_region_with_its_mask_is_named_from_the_mask():
    from argus.tools.masks import encode_rle

    image = canvas(100, 100)
    image[20:80, 20:80] = RED
    image[40:60, 40:60] = BLUE  # a blue patch inside the box but outside the mask
    mask = np.zeros((100, 100), bool)
    mask[20:80, 20:80] = True
    mask[40:60, 40:60] = False
    tool = AnalyzeColorsShapes(Runtime(device="cpu"))
    (item,) = tool(
        image, shapes=False, regions=[{"box": [20, 20, 80, 80], "rle": encode_rle(mask), "source": "M1"}]
    ).object_colours
    assert item.label == "red" and item.fraction == 1.0 and item.source == "M1"


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ([{"box": [1, 2, 3]}], "a box is \\[x1, y1, x2, y2\\], got 3 numbers"),
        ([{"box": [10, 10, 5, 20]}], "x2 > x1"),
        ([{"box": [0, 0, float("nan"), 5]}], "finite"),
        ([{"box": [700, 500, 900, 600]}], "holds no pixels of the 600x400 image"),
        ([{"box": [0, 0, 10, 10], "source": "D1; rm -rf /"}], "source"),
        (
            [{"box": [0, 0, 10, 10], "rle": {"size": [10, 10], "counts": [100]}}],
            "mask is 10x10 but the image is 600x400",
        ),
        ([{"box": [0, 0, 10, 10], "rle": {"size": [400, 600], "counts": "abc"}}], "compressed"),
        ([{"box": [0, 0, 10, 10], "colour": "red"}], "Extra inputs"),
        ([{"box": [0, 0, 10, 10]}] * 101, "at most 100"),
    ],
)
def test_bad_regions_are_refused_with_the_reason(analyze, regions, message):
    with pytest.raises(ToolInputError, match=message):
        analyze(scene(), shapes=False, regions=regions)


def test_a_region_partly_outside_is_clipped(analyze):
    (item,) = analyze(scene(), shapes=False, regions=[{"box": [-50, -50, 120, 120]}]).object_colours
    assert item.box == [0.0, 0.0, 120.0, 120.0] and item.label == "red"


# ------------------------------------------------------------------------------------------ shapes

FLAT = ("circle", "ellipse", "triangle", "square", "rectangle", "pentagon", "hexagon", "star")
COLOURS = ((30, 90, 210), (220, 30, 30), (40, 160, 60), (250, 140, 0), (120, 50, 160), (20, 20, 20))


def test_small_rendered_shapes_are_named_filled_or_outlined_rotated_and_anti_aliased(analyze):
    """8 shapes x filled/outline x 64 and 160 px x 5 random sizes and rotations = 160 images."""
    from tests.support.scenes import flat_shape_image

    wrong = []
    for seed in range(5):
        for k, shape in enumerate(FLAT):
            for outline in (False, True):
                for side in (64, 160):
                    colour = COLOURS[(seed + k) % len(COLOURS)]
                    image = flat_shape_image(
                        shape, colour, 1000 * seed + 10 * k + side + outline, side, outline
                    )
                    found = analyze(np.asarray(image), max_colours=1).shapes
                    if [s.label for s in found] != [shape]:
                        wrong.append((shape, outline, side, [s.label for s in found]))
    assert len(wrong) <= 3, wrong  # of 160


def test_an_outlined_shape_has_the_colour_of_its_line(analyze):
    from tests.support.scenes import flat_shape_image

    (shape,) = analyze(np.asarray(flat_shape_image("circle", (40, 160, 60), 3, 64, outline=True))).shapes
    assert shape.label == "circle" and shape.colour == "green"


@pytest.mark.slow
def test_rendered_solids_on_a_gray_floor_are_counted_and_named(analyze):
    """Spheres, cubes and cylinders with shading and soft shadows: 15 scenes of 2-6 solids."""
    from tests.support.scenes import solids_scene

    palette = (("red", (200, 30, 30)), ("blue", (40, 80, 200)), ("green", (40, 160, 60)),
               ("yellow", (230, 200, 40)), ("purple", (120, 50, 160)), ("brown", (130, 80, 40)))  # fmt: skip
    rng = np.random.default_rng(7)
    total = right = 0
    for seed in range(15):
        things = [
            (str(rng.choice(["sphere", "cube", "cylinder"])), *palette[int(rng.integers(len(palette)))])
            for _ in range(int(rng.integers(2, 7)))
        ]
        image, placed = solids_scene(things, seed)
        result = analyze(np.asarray(image))
        assert len(result.shapes) == len(placed), seed
        assert "no plain background" not in " ".join(result.notes)
        for thing in placed:
            cx, cy = (thing.box[0] + thing.box[2]) / 2, (thing.box[1] + thing.box[3]) / 2
            (found,) = [s for s in result.shapes if s.box[0] <= cx <= s.box[2] and s.box[1] <= cy <= s.box[3]]
            total += 1
            right += found.label == thing.shape and found.colour == thing.colour
    assert right >= 0.95 * total, (right, total)


def test_sizes_are_relative_to_the_other_shapes():
    import cv2

    image = canvas()
    cv2.circle(image, (100, 100), 15, RED, -1)
    cv2.circle(image, (300, 100), 16, RED, -1)
    cv2.circle(image, (450, 250), 60, RED, -1)
    shapes = AnalyzeColorsShapes(Runtime(device="cpu"))(image).shapes
    assert [s.size for s in shapes] == ["large", "small", "small"]
    one = canvas()
    cv2.circle(one, (300, 200), 150, BLUE, -1)
    assert AnalyzeColorsShapes(Runtime(device="cpu"))(one).shapes[0].size == "large"
