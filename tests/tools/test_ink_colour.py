"""The colour of written text, from the ink inside a text box."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from argus.tools.ink_colour import ink_pixels
from argus.tools.object_colour import colour_of_pixels


def _written(ground: tuple[int, int, int], ink: tuple[int, int, int]) -> np.ndarray:
    image = Image.new("RGB", (400, 120), ground)
    ImageDraw.Draw(image).text((20, 20), "Hello 42", fill=ink, font=ImageFont.load_default(size=60))
    return np.asarray(image)


@pytest.mark.parametrize(
    ("ground", "ink", "expected"),
    [
        ((255, 255, 255), (200, 20, 20), "red"), ((30, 70, 200), (255, 255, 255), "white"),
        ((0, 0, 0), (250, 220, 0), "yellow"), ((245, 240, 215), (10, 10, 10), "black"),
        ((250, 250, 250), (20, 120, 40), "green"),
    ],
)  # fmt: skip
def test_the_ink_is_what_differs_from_the_ground(ground, ink, expected):
    pixels = ink_pixels(_written(ground, ink), (10, 10, 390, 110))
    found = colour_of_pixels(pixels)
    assert found is not None and found.colour == expected


def test_a_box_without_letters_has_no_ink():
    assert len(ink_pixels(np.full((50, 80, 3), 128, np.uint8), (0, 0, 80, 50))) == 0
