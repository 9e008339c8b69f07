"""Colour names: the nearest named swatch in CIELAB, with shades under the 11 basic colours."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.colour_names import (
    COLOUR_NAMES,
    PALETTE,
    SHADE_NAMES,
    colour_of,
    name_colour,
    name_colours,
    name_shade,
    name_shades,
    shade_swatch,
)


def test_the_palette_has_the_basic_colours_and_the_finer_shades():
    assert set(SHADE_NAMES) == {
        "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "gray",
        "teal", "navy", "maroon", "olive", "beige", "gold", "silver", "cyan", "magenta", "tan",
    }  # fmt: skip
    assert {colour_of(shade) for shade in SHADE_NAMES} == set(COLOUR_NAMES)
    for name in COLOUR_NAMES:
        assert colour_of(name) == name  # a basic colour is its own shade's colour


@pytest.mark.parametrize("shade", SHADE_NAMES)
def test_every_swatch_is_named_as_its_shade(shade):
    for rgb in PALETTE[shade][1]:
        assert name_shade(rgb) == shade, rgb


@pytest.mark.parametrize(
    ("rgb", "shade", "colour"),
    [
        ((0, 0, 139), "navy", "blue"),  # dark blue is navy, never black
        ((25, 35, 95), "navy", "blue"),
        ((10, 10, 12), "black", "black"),
        ((40, 10, 10), "black", "black"),  # almost no light: black whatever the hue
        ((192, 192, 192), "silver", "gray"),  # CSS silver
        ((230, 232, 235), "white", "white"),  # a white bus in daylight
        ((128, 0, 0), "maroon", "red"),
        ((0, 128, 128), "teal", "blue"),
        ((128, 128, 0), "olive", "green"),
        ((210, 180, 140), "tan", "brown"),
        ((255, 215, 0), "gold", "yellow"),
        ((255, 0, 255), "magenta", "pink"),
        ((135, 206, 235), ("blue", "cyan"), "blue"),  # sky blue is blue, not white
    ],
)
def test_names_people_would_use(rgb, shade, colour):
    assert name_shade(rgb) in ((shade,) if isinstance(shade, str) else shade)
    assert name_colour(rgb) == colour


def test_shading_a_colour_keeps_its_basic_name():
    """A swatch 20% darker or lighter (shade and highlight on an object) keeps its basic colour."""
    changed = []
    for shade in SHADE_NAMES:
        rgb = np.array(shade_swatch(shade), float)
        for factor in (0.8, 1.15):
            varied = np.clip(rgb * factor, 0, 255).astype(np.uint8)
            if name_colour(varied) != colour_of(shade):
                changed.append((shade, factor, name_colour(varied)))
    # silver under a highlight turns white, beige in shade turns gray or tan: within the 42, at most 3
    assert len(changed) <= 3, changed


def test_arrays_of_any_shape_are_named_pixel_by_pixel():
    image = np.zeros((2, 3, 3), np.uint8)
    image[0, 0] = (220, 30, 30)
    image[1, 2] = (30, 90, 210)
    names = name_colours(image)
    assert names.shape == (2, 3)
    assert COLOUR_NAMES[names[0, 0]] == "red" and COLOUR_NAMES[names[1, 2]] == "blue"
    assert COLOUR_NAMES[names[0, 1]] == "black"
    assert name_shades(np.zeros((0, 3), np.uint8)).shape == (0,)


def test_every_rgb_value_has_a_name():
    levels = np.arange(0, 256, 5, dtype=np.uint8)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    shades = name_shades(cube)
    assert shades.min() >= 0 and shades.max() < len(SHADE_NAMES)
    used = {SHADE_NAMES[i] for i in np.unique(shades)}
    assert used == set(SHADE_NAMES)  # no shade is unreachable


@pytest.mark.slow
def test_the_stored_lookup_table_is_the_one_this_palette_computes():
    """``python -m argus.tools.colour_names`` rewrites it after a swatch changes."""
    from argus.tools import colour_table
    from argus.tools.colour_names import _shade_table, compute_shade_table, palette_fingerprint

    assert palette_fingerprint() == colour_table.FINGERPRINT
    assert np.array_equal(_shade_table(), compute_shade_table())
