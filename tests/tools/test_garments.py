"""Where a garment is on a person, on a drawn figure and on real photos."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from argus.tools.colour_names import name_colour
from argus.tools.garments import garment_region, skin_mask
from tests.support import samples

SKIN = (224, 172, 140)


def _figure(
    shirt: tuple[int, int, int], legs: tuple[int, int, int], jacket: tuple[int, int, int] | None = None
):
    """A standing figure on gray: a skin-coloured face, a torso (a jacket open over the shirt when
    given), legs; its box is (100, 20, 200, 420)."""
    rgb = np.full((440, 300, 3), 150, np.uint8)
    rgb[20:70, 125:175] = SKIN  # face
    rgb[70:80, 140:160] = SKIN  # neck
    rgb[80:230, 100:200] = jacket or shirt
    if jacket:
        rgb[80:230, 138:162] = shirt  # the shirt down the middle, between the lapels
    rgb[230:400, 110:195] = legs
    rgb[400:420, 110:195] = (20, 20, 20)  # shoes
    return rgb


def _colour(rgb: np.ndarray, garment: str) -> str:
    region = garment_region(rgb, (100, 20, 200, 420), garment)
    assert region.visible and region.mask.any()
    values, counts = np.unique(rgb[region.mask].reshape(-1, 3), axis=0, return_counts=True)
    return name_colour(values[counts.argmax()])


@pytest.mark.parametrize(
    ("garment", "expected"),
    [("shirt", "red"), ("t-shirt", "red"), ("trousers", "blue"), ("jeans", "blue"), ("pants", "blue")],
)
def test_each_garment_is_taken_from_where_it_is_worn(garment, expected):
    assert _colour(_figure(shirt=(210, 30, 30), legs=(30, 60, 200)), garment) == expected


@pytest.mark.parametrize(
    ("garment", "expected"), [("shirt", "white"), ("blouse", "white"), ("jacket", "black"), ("coat", "black")]
)
def test_a_shirt_under_an_open_jacket_is_told_from_the_jacket(garment, expected):
    rgb = _figure(shirt=(245, 245, 245), legs=(40, 40, 40), jacket=(15, 15, 15))
    assert _colour(rgb, garment) == expected
    region = garment_region(rgb, (100, 20, 200, 420), garment)
    assert (region.outer, region.inner) == ("black", "white")


def test_skin_is_not_the_garment():
    rgb = _figure(shirt=(30, 130, 40), legs=(30, 60, 200))
    region = garment_region(rgb, (100, 20, 200, 420), "shirt")
    assert not skin_mask(rgb[region.mask].reshape(-1, 1, 3)).any()


@pytest.mark.parametrize(
    ("rgb", "skin"),
    [
        (SKIN, True),
        ((140, 95, 70), True),
        ((230, 215, 190), False),
        ((200, 40, 50), False),
        ((20, 20, 20), False),
        ((240, 240, 240), False),
    ],
)
def test_skin_colours_and_cloth_colours(rgb, skin):
    assert bool(skin_mask(np.array(rgb, np.uint8).reshape(1, 1, 3))[0, 0]) is skin


def test_legs_cut_off_by_the_picture_are_not_in_view():
    rgb = _figure(shirt=(210, 30, 30), legs=(30, 60, 200))[:150]  # a portrait cut at the chest
    assert not garment_region(rgb, (100, 20, 200, 150), "trousers").visible


def test_a_portrait_shows_the_uniform_over_a_white_shirt():
    rgb = np.asarray(Image.open(samples.GRACE_HOPPER).convert("RGB"))
    box = (1, 22, 511, 592)  # the detector's box round her
    uniform = garment_region(rgb, box, "uniform")
    assert (uniform.outer, uniform.inner) == ("black", "white")
