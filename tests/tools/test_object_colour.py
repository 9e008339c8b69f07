"""The colour of one object from its own pixels: shadows, highlights, two tones, what is in front."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.image_io import as_loaded
from argus.tools.object_colour import colour_of_pixels, in_front, region_pixels
from tests.support import samples

BLUE, BLACK, WHITE, GRAY, RED = (30, 90, 210), (12, 12, 14), (250, 250, 250), (128, 128, 130), (200, 30, 30)


def pixels(*parts: tuple[tuple[int, int, int], int]) -> np.ndarray:
    return np.concatenate([np.tile(np.array(rgb, np.uint8), (n, 1)) for rgb, n in parts])


def test_a_coloured_object_is_named_by_its_paint_not_its_shadows_and_windows():
    found = colour_of_pixels(pixels((BLUE, 50), (BLACK, 30), (GRAY, 20)))
    assert found.colour == "blue" and found.shade == "blue"
    assert found.fraction == pytest.approx(50 / 70, abs=0.01)  # the black was left out as shadow
    assert found.second == "gray"


def test_a_mostly_black_object_stays_black():
    found = colour_of_pixels(pixels((BLACK, 60), (BLUE, 40)))
    assert found.colour == "black" and found.second == "blue"


def test_black_is_kept_when_the_rest_is_not_one_chromatic_colour():
    """A black and white cow is black and white, not white with its black left out as shadow."""
    found = colour_of_pixels(pixels((BLACK, 45), (WHITE, 55)))
    assert {found.colour, found.second} == {"black", "white"}


def test_a_dull_brown_does_not_hide_the_paint():
    """A red machine seen among gray metal and a grayish-brown floor: the nearly gray brown (CIELAB chroma
    about 20) ranks below the vivid red, which is named as the second colour, and so the paint."""
    dull_brown = (125, 95, 70)
    found = colour_of_pixels(pixels((GRAY, 40), (BLACK, 15), (dull_brown, 24), (RED, 19)))
    assert found.colour == "gray" and found.second == "red"


def test_a_brown_object_stays_brown():
    found = colour_of_pixels(pixels(((150, 105, 60), 55), ((125, 95, 70), 20), (GRAY, 25)))
    assert found.colour == "brown"


def test_a_small_highlight_is_not_the_colour():
    found = colour_of_pixels(pixels((RED, 92), (WHITE, 8)))
    assert found.colour == "red" and found.fraction == 1.0 and found.second is None


def test_a_chromatic_colour_outranks_a_little_more_gray():
    found = colour_of_pixels(pixels((BLUE, 45), (GRAY, 55)))
    assert found.colour == "blue" and found.second == "gray"
    assert colour_of_pixels(pixels((BLUE, 30), (GRAY, 70))).colour == "gray"


def test_weights_count():
    found = colour_of_pixels(pixels((RED, 50), (BLUE, 50)), weights=np.r_[np.ones(50), np.full(50, 3.0)])
    assert found.colour == "blue" and found.fraction == pytest.approx(0.75)


@pytest.mark.parametrize("weights", [None, np.zeros(10)])
def test_no_pixels_or_no_weight_is_no_colour(weights):
    if weights is None:
        assert colour_of_pixels(np.zeros((0, 3), np.uint8)) is None
    else:
        assert colour_of_pixels(pixels((RED, 10)), weights) is None


def test_people_in_front_of_a_bus_are_in_front_of_it():
    bus, person, far_person, twin = (
        [6, 214, 810, 758],
        [53, 394, 228, 898],
        [900, 0, 950, 50],
        [8, 216, 808, 756],
    )
    fronts = in_front([bus, person, far_person, twin])
    assert fronts[0] == [1]  # not the far one, and not the box of about the same size
    assert fronts[1] == [] and fronts[3] == [1]


def scene() -> tuple[np.ndarray, list[int], np.ndarray]:
    """A blue box with a dark shadow band on a light gray page, and its exact mask."""
    image = np.full((200, 300, 3), 225, np.uint8)
    image[60:140, 80:220] = BLUE
    image[125:140, 80:220] = (15, 20, 40)  # its shaded underside
    mask = np.zeros((200, 300), bool)
    mask[60:140, 80:220] = True
    return image, [70, 50, 230, 150], mask


def test_the_box_alone_finds_the_object_against_its_background():
    image, box, _ = scene()
    found = colour_of_pixels(*region_pixels(as_loaded(image), box))
    assert found.colour == "blue" and found.fraction > 0.9  # the page around it is not counted


def test_a_mask_gives_exactly_its_pixels_and_what_is_in_front_is_left_out():
    image, box, mask = scene()
    loaded = as_loaded(image)
    rgb, weights = region_pixels(loaded, box, mask)
    assert len(rgb) < mask.sum() and (weights == 1).all()  # its outermost ring is left out
    front = np.zeros_like(mask)
    front[60:140, 80:200] = True
    rgb, _ = region_pixels(loaded, box, mask, exclude=front)
    assert 0 < len(rgb) <= 20 * 80


def test_a_box_outside_the_image_has_no_pixels():
    image, _, _ = scene()
    rgb, weights = region_pixels(as_loaded(image), [400, 300, 500, 400])
    assert rgb.shape == (0, 3) and weights.shape == (0,)


def test_a_box_grabcut_misses_is_coloured_by_what_it_adds_to_its_surroundings():
    # the motorcycle's box is mostly brown wall and gray floor, like the ring around it: the red is its own
    image = as_loaded(samples.MOTORCYCLE)
    found = colour_of_pixels(*region_pixels(image, [102.6, 64.8, 679.8, 444.7]))
    assert found is not None and found.colour == "red"
