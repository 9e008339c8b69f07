"""The things on a plain background, described: each one's outline or solid name, colour, shade,
size, box and area. ``analyze_colors_shapes`` lists them as shapes, ``find_objects`` as objects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from argus.tools.colour_names import colour_of, lab, name_shade
from argus.tools.foreground import Foreground, find_foreground, shrink
from argus.tools.shape_names import classify_contour, classify_solid, is_shaded
from argus.tools.sizes import size_classes

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage


@dataclass(frozen=True)
class Thing:
    """One thing on the background: ``mask`` is its boolean crop of the image, whose top-left corner
    is ``origin`` (x, y); ``box`` is [x1, y1, x2, y2] in image pixels."""

    shape: str
    box: list[float]
    area: int
    colour: str
    shade: str
    mask: np.ndarray
    origin: tuple[int, int]
    size: str = ""


def describe_things(image: LoadedImage, min_area: int) -> tuple[Foreground, list[Thing]]:
    """The background and the things on it, largest first.

    A thing the image border cuts is "other": its true shape is not in the picture. A shaded thing
    (lit like a 3D object) is named as a solid, a flat one by its outline.
    """
    import cv2
    from scipy import ndimage

    foreground = find_foreground(image, min_area)
    labels = foreground.labels
    height, width = labels.shape
    found = []
    for index, window in enumerate(ndimage.find_objects(labels), start=1):
        if window is None:
            continue
        region = labels[window] == index
        contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        contour = max(contours, key=cv2.contourArea)
        x0, y0 = window[1].start, window[0].start
        x, y, w, h = cv2.boundingRect(contour)
        x, y = x + x0, y + y0
        cut = x == 0 or y == 0 or x + w == width or y + h == height
        inner = _inner(region)
        pixels = image.rgb[window][region if inner is None else inner]
        if cut:
            shape = "other"  # the frame cuts it: shape unknown
        elif inner is not None and not image.is_grayscale and is_shaded(lab(pixels)[:, 0]):
            shape = classify_solid(contour)
        else:
            shape = classify_contour(contour)
        shade = name_shade(np.median(pixels, axis=0))
        box = [float(x), float(y), float(x + w), float(y + h)]
        found.append(
            Thing(shape, box, int(np.count_nonzero(region)), colour_of(shade), shade, region, (x0, y0))
        )
    sizes = size_classes([t.area for t in found], height * width)
    return foreground, [replace(thing, size=size) for thing, size in zip(found, sizes, strict=True)]


def _inner(region: np.ndarray) -> np.ndarray | None:
    """The region away from its anti-aliased edge, or None when that leaves too little of it (a thin
    outline: all edge, so neither its shading nor its colour can be read away from the edge)."""
    inner = shrink(region, 2)
    return inner if np.count_nonzero(inner) >= 0.2 * np.count_nonzero(region) else None
