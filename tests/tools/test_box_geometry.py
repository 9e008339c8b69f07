"""Box geometry: the numbers and the spatial relations the question engine reads off boxes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from argus.tools import box_geometry as g

DIAG = math.hypot(640, 480)


def test_iou_matrix() -> None:
    a = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], float)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [100, 100, 110, 110]], float)
    np.testing.assert_allclose(g.iou_matrix(a, b), [[1.0, 50 / 150, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize(
    ("a", "b", "gap", "iou"),
    [
        ([0, 0, 10, 10], [0, 0, 10, 10], 0.0, 1.0),
        ([0, 0, 10, 10], [5, 0, 15, 10], 0.0, 50 / 150),
        ([0, 0, 10, 10], [13, 14, 20, 20], 5.0, 0.0),  # 3 across, 4 down
        ([0, 0, 10, 10], [10, 0, 20, 10], 0.0, 0.0),  # touching
    ],
)
def test_gap_and_iou(a, b, gap, iou) -> None:
    assert g.gap(a, b) == pytest.approx(gap) and g.gap(b, a) == pytest.approx(gap)
    assert g.iou(a, b) == pytest.approx(iou)


# A bus across the middle, a person standing in front of its left end, a bird above it, a cup on a table.
BUS = [100, 150, 500, 350]
PERSON_FRONT_LEFT = [80, 200, 160, 420]
BIRD = [300, 20, 340, 60]
TABLE = [200, 300, 600, 460]
CUP = [350, 240, 400, 310]
FAR_RIGHT = [580, 200, 630, 300]


@pytest.mark.parametrize(
    ("relation", "a", "b", "expected"),
    [
        ("left_of", PERSON_FRONT_LEFT, BUS, True),
        ("right_of", PERSON_FRONT_LEFT, BUS, False),
        ("right_of", FAR_RIGHT, BUS, True),
        ("above", BIRD, BUS, True),
        ("below", BIRD, BUS, False),
        ("below", TABLE, BIRD, True),
        ("in_front_of", PERSON_FRONT_LEFT, BUS, True),
        ("behind", BUS, PERSON_FRONT_LEFT, True),
        ("on", CUP, TABLE, True),
        ("on", BIRD, TABLE, False),
        ("inside", [120, 200, 140, 240], BUS, True),
        ("inside", PERSON_FRONT_LEFT, BUS, False),
        ("near", [520, 200, 560, 300], BUS, True),  # 20 px apart, within 5% of the 800 px diagonal
        ("near", FAR_RIGHT, BUS, False),  # 80 px apart
        ("near", BIRD, [600, 400, 640, 480], False),
        ("overlapping", PERSON_FRONT_LEFT, BUS, True),
    ],
)
def test_relations(relation, a, b, expected) -> None:
    assert g.holds(relation, a, b, DIAG) is expected


# Two solids on one floor, apart: a ball at the back left, a box at the front right (its base 100 px lower).
BALL_BACK = [60, 100, 120, 160]
BOX_FRONT = [400, 190, 480, 260]


@pytest.mark.parametrize(
    ("relation", "a", "b", "standing", "expected"),
    [
        ("in_front_of", BOX_FRONT, BALL_BACK, True, True),
        ("behind", BALL_BACK, BOX_FRONT, True, True),
        ("behind", BOX_FRONT, BALL_BACK, True, False),
        ("in_front_of", BALL_BACK, BOX_FRONT, True, False),
        ("in_front_of", BOX_FRONT, BALL_BACK, False, False),  # shapes drawn on a page have no depth
        ("in_front_of", BOX_FRONT, [300, 175, 340, 250], True, False),  # bases 10 px apart: side by side
        ("behind", BUS, PERSON_FRONT_LEFT, True, True),  # overlapping: as before
    ],
)
def test_things_on_a_floor_are_in_front_by_depth(relation, a, b, standing, expected) -> None:
    assert g.holds(relation, a, b, DIAG, standing=standing) is expected


def test_unknown_relation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown relation 'beneath'"):
        g.holds("beneath", BUS, BIRD, DIAG)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (PERSON_FRONT_LEFT, BUS, "in_front_of"),
        (BIRD, BUS, "above"),
        (FAR_RIGHT, BUS, "right_of"),
        (CUP, TABLE, "on"),
    ],
)
def test_describe_relation(a, b, expected) -> None:
    assert g.describe_relation(a, b, DIAG) == expected


def test_place_in_image_and_standing_near() -> None:
    assert g.place_in_image(PERSON_FRONT_LEFT, 640, 480) == ("left", "middle")
    assert g.place_in_image(BIRD, 640, 480) == ("middle", "top")
    # bottom centres (120, 420) and (150, 430): 31.6 px apart
    assert g.standing_near(PERSON_FRONT_LEFT, [130, 380, 170, 430], 40)
    assert not g.standing_near(PERSON_FRONT_LEFT, [130, 380, 170, 430], 30)
