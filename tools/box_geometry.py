"""Box geometry, in one place: sizes, gaps, overlaps, and the spatial relations questions ask about.

Boxes are ``[x1, y1, x2, y2]`` in image pixels, y growing downwards. Pure Python on four numbers,
except ``iou_matrix`` (numpy, for the tracker's many-to-many matching). The relations read an image as
a person looking at it would: "left of" is the viewer's left, "above" is higher in the frame, and "in
front of" is nearer the camera, which in a photo of a ground plane means lower bottom edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

Box = Sequence[float]

# Relation names the question engine uses, with their plain-words forms.
RELATIONS = {
    "left_of": "to the left of",
    "right_of": "to the right of",
    "above": "above",
    "below": "below",
    "near": "next to",
    "inside": "inside",
    "on": "on top of",
    "under": "under",  # a holds up b: b is on a ("what is the cup sitting on?")
    "in_front_of": "in front of",
    "behind": "behind",
    "overlapping": "overlapping",
    "larger_than": "larger than",
    "smaller_than": "smaller than",
    "taller_than": "taller than",
    "wider_than": "wider than",
}


def width(box: Box) -> float:
    return max(0.0, box[2] - box[0])


def height(box: Box) -> float:
    return max(0.0, box[3] - box[1])


def area(box: Box) -> float:
    return width(box) * height(box)


def centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0


def bottom_centre(box: Box) -> tuple[float, float]:
    """Where an object stands on the ground: the reference point for zones and for who is near what."""
    return (box[0] + box[2]) / 2.0, float(box[3])


def gap(a: Box, b: Box) -> float:
    """Distance between two boxes in pixels: 0 when they touch or overlap."""
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return math.hypot(dx, dy)


def intersection(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def iou(a: Box, b: Box) -> float:
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def covered(a: Box, b: Box) -> float:
    """The share of ``a``'s area that lies inside ``b``."""
    return intersection(a, b) / area(a) if area(a) > 0 else 0.0


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``a`` (N, 4) with every box in ``b`` (M, 4), xyxy: an (N, M) array."""
    import numpy as np

    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def near(a: Box, b: Box, diagonal: float, share: float = 0.05) -> bool:
    """Boxes touch, overlap, or lie within ``share`` of the image diagonal of each other."""
    return gap(a, b) <= share * diagonal


def standing_near(a: Box, b: Box, radius: float) -> bool:
    """Two objects stand within ``radius`` pixels of each other on the ground (bottom centres): the one
    rule for "a person is near an item", in a single image and across tracked frames alike."""
    return math.dist(bottom_centre(a), bottom_centre(b)) <= radius


DEPTH_GAP = 0.04  # share of the image diagonal by which a base must stand lower to be clearly nearer


def nearer(a: Box, b: Box, diagonal: float) -> bool:
    """On a floor seen from above, a thing whose base stands clearly lower in the picture is nearer the
    camera, wherever it stands left or right."""
    return a[3] >= b[3] + DEPTH_GAP * diagonal


def holds(relation: str, a: Box, b: Box, diagonal: float, standing: bool = False) -> bool:
    """Whether ``a`` stands in ``relation`` (a key of RELATIONS) to ``b``. ``standing``: both stand on
    one floor (solids, people, cars; not shapes drawn on a page), so that apart they are in front of or
    behind each other by depth alone."""
    ax, ay = centre(a)
    if relation == "left_of":
        return ax < centre(b)[0] and covered(a, b) < 0.9
    if relation == "right_of":
        return ax > centre(b)[0] and covered(a, b) < 0.9
    if relation == "above":
        return ay < b[1] or (a[3] <= centre(b)[1] and ay < centre(b)[1])
    if relation == "below":
        return ay > b[3] or (a[1] >= centre(b)[1] and ay > centre(b)[1])
    if relation == "inside":
        return covered(a, b) >= 0.8
    if relation == "under":
        return holds("on", b, a, diagonal)
    if relation == "on":
        # resting on top: mostly within b's width, bottom edge near b's top or within its upper half
        overlap_x = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) / max(width(a), 1e-9)
        resting = overlap_x >= 0.5 and b[1] - 0.1 * height(b) <= a[3] <= centre(b)[1] + 0.1 * height(b)
        # a smaller thing within a surface seen from above (a cup on a table filling the frame)
        return resting or (covered(a, b) >= 0.9 and area(a) < 0.5 * area(b))
    apart = intersection(a, b) == 0
    if relation == "in_front_of":
        if apart:
            return standing and nearer(a, b, diagonal)
        return a[3] > b[3] - 0.02 * height(b) and covered(a, b) < 0.95
    if relation == "behind":
        if apart:
            return standing and nearer(b, a, diagonal)
        return a[3] < b[3] - 0.02 * height(b)
    if relation == "overlapping":
        return intersection(a, b) > 0
    if relation == "near":
        return near(a, b, diagonal)
    if relation == "larger_than":
        return area(a) > 1.1 * area(b)
    if relation == "smaller_than":
        return area(a) < area(b) / 1.1
    if relation == "taller_than":
        return height(a) > 1.05 * height(b)
    if relation == "wider_than":
        return width(a) > 1.05 * width(b)
    raise ValueError(f"unknown relation {relation!r}; known: {', '.join(RELATIONS)}")


def describe_relation(a: Box, b: Box, diagonal: float) -> str:
    """The most telling relation of ``a`` to ``b``, as a key of RELATIONS (for "where is X relative to Y")."""
    for relation in ("inside", "on", "in_front_of", "behind"):
        if holds(relation, a, b, diagonal):
            return relation
    ax, ay = centre(a)
    bx, by = centre(b)
    dx, dy = ax - bx, ay - by
    if abs(dx) / max(width(b), 1.0) >= abs(dy) / max(height(b), 1.0):
        return "left_of" if dx < 0 else "right_of"
    return "above" if dy < 0 else "below"


def place_in_image(box: Box, image_width: float, image_height: float) -> tuple[str, str]:
    """(horizontal, vertical) thirds of the image the box's centre lies in: left/middle/right,
    top/middle/bottom."""
    x, y = centre(box)
    horizontal = "left" if x < image_width / 3 else "right" if x > 2 * image_width / 3 else "middle"
    vertical = "top" if y < image_height / 3 else "bottom" if y > 2 * image_height / 3 else "middle"
    return horizontal, vertical
