"""find_objects: counts of things on plain backgrounds (drawn here, coins.png) and refusals on
cluttered photos, text pages and noise."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.errors import ToolInputError
from argus.tools.find_objects import MAX_COUNTABLE, FindObjects
from argus.tools.masks import decode_rle
from argus.tools.runtime import Runtime
from tests.support import samples
from tests.support.scenes import solids_scene, table_scene


@pytest.fixture(scope="module")
def find() -> FindObjects:
    return FindObjects(Runtime(device="cpu"))


def test_coins_are_24(find):
    result = find(samples.COINS)
    assert result.count == 24 and len(result.objects) == 24 and result.plain_background
    assert result.shape_counts.get("circle", 0) >= 22
    assert [o.id for o in result.objects] == [f"O{i}" for i in range(1, 25)]
    areas = [o.area_px for o in result.objects]
    assert areas == sorted(areas, reverse=True)


@pytest.mark.parametrize(
    ("name", "count", "shapes", "colours"),
    [
        ("shapes.png", 6, {"circle": 3, "square": 2, "triangle": 1}, {"red": 3, "blue": 2, "green": 1}),
        ("circles.png", 5, {"circle": 5}, {"orange": 5}),
        ("blank.png", 0, {}, {}),
    ],
)
def test_drawn_scenes_are_counted_by_shape_and_colour(find, name, count, shapes, colours):
    result = find(samples.SUITES / name)
    assert (result.count, result.shape_counts, result.colour_counts) == (count, shapes, colours)
    assert result.notes == []


def test_solids_with_shadows_are_counted_once_each(find):
    things = [("sphere", "red", (200, 30, 30)), ("cube", "blue", (40, 80, 200)),
              ("cylinder", "green", (40, 160, 60)), ("sphere", "yellow", (230, 200, 40)),
              ("cube", "purple", (120, 50, 160))]  # fmt: skip
    image, placed = solids_scene(things, seed=3)
    result = find(np.asarray(image))
    assert result.count == 5
    assert sorted((o.colour, o.shape) for o in result.objects) == sorted((t.colour, t.shape) for t in placed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_items_on_a_wooden_table_are_four(find, seed):
    image, placed = table_scene(seed)
    result = find(np.asarray(image))
    assert result.count == 4 and result.background == "brown"
    plate = result.objects[0]  # the largest
    assert (plate.colour, plate.shape, plate.size) == ("white", "ellipse", "large")
    assert {(o.colour, o.shape) for o in result.objects[1:]} == {
        ("red", "sphere"),
        ("blue", "cylinder"),
        ("yellow", "cube"),
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "image", [samples.BUS, samples.ZIDANE, samples.CHELSEA, samples.COFFEE, samples.ASTRONAUT, samples.CAMERA]
)
def test_cluttered_photos_get_no_count_and_a_reason(find, image):
    result = find(image)
    assert result.count is None and result.objects == [] and not result.plain_background
    (note,) = result.notes
    assert note.startswith("no plain background") and "nothing was counted" in note


def test_a_page_of_text_is_not_a_set_of_objects(find):
    result = find(samples.PAGE)
    assert result.count is None and result.plain_background
    assert f"more than {MAX_COUNTABLE}" in result.notes[0]


def test_noise_is_not_counted(find):
    rng = np.random.default_rng(0)
    result = find(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8))
    assert result.count is None and result.objects == []


def test_masks_on_request_cover_the_object(find):
    result = find(samples.SUITES / "circles.png", masks=True)
    for item in result.objects:
        mask = decode_rle(item.rle)
        assert mask.shape == (320, 480) and int(mask.sum()) == item.area_px
    assert all(o.rle is None for o in find(samples.SUITES / "circles.png").objects)


def test_min_area_and_max_objects(find):
    assert find(samples.COINS, min_area=2500).count < 24
    capped = find(samples.COINS, max_objects=5)
    assert capped.count == 24 and len(capped.objects) == 5 and "the largest 5 are listed" in capped.notes[0]


def test_tiny_images_have_nothing_to_count(find):
    assert find(np.full((1, 1, 3), 200, np.uint8)).count == 0
    assert find(np.zeros((3, 2), np.uint8)).count == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_area": 0}, "min_area"),
        ({"max_objects": 0}, "max_objects"),
        ({"max_objects": 10**6}, "max_objects"),
        ({"masks": "yes please"}, "masks"),
        ({"labels": ["coin"]}, "Extra inputs"),
    ],
)
def test_bad_arguments(find, kwargs, message):
    with pytest.raises(ToolInputError, match=message):
        find(samples.COINS, **kwargs)
