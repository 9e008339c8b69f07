"""Parts of a picture named by where they are."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.image_parts import PARTS, part_mask, portrait_subject, side_mask


@pytest.mark.parametrize(
    ("part", "inside", "outside"),
    [
        ("top-left corner", (0, 0), (99, 199)), ("bottom-right corner", (99, 199), (0, 0)),
        ("corners", (99, 0), (50, 100)), ("edges", (50, 0), (50, 100)), ("bottom edge", (99, 100), (0, 100)),
    ],
)  # fmt: skip
def test_a_part_covers_its_place_only(part, inside, outside):
    mask = part_mask(100, 200, part)
    assert mask[inside] and not mask[outside]


def test_the_background_is_what_the_objects_leave():
    objects = np.zeros((100, 200), bool)
    objects[20:80, 50:150] = True
    background = part_mask(100, 200, "background", objects)
    assert background[0, 0] and not background[50, 100]
    assert (background & side_mask(100, 200, "right"))[:, :100].sum() == 0


def test_a_portraits_background_is_beside_the_head():
    subject = portrait_subject(90, 90)
    assert not subject[10, 5] and not subject[10, 85] and subject[10, 45] and subject[80, 5]


def test_an_unknown_part_is_named_in_the_error():
    with pytest.raises(ValueError, match="got 'roof'"):
        part_mask(10, 10, "roof")
    assert "background" in PARTS
