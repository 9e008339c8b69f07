"""The things on a plain background, described: each one's outline or solid name, colour, shade,
size, box and area. ``analyze_colors_shapes`` lists them as shapes, ``find_objects`` as objects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from argus.tools.colour_names import colour_of, lab, name_shade
from argus.tools.colour_parts import TEXTURED, chromaticity_spread, colour_parts
from argus.tools.foreground import Foreground, find_foreground, shrink
from argus.tools.grid import Grid, cell_pixels, find_grid
from argus.tools.shape_names import FLAT_SHAPES, classify_contour, classify_solid, is_shaded, planar_share
from argus.tools.sizes import size_classes

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage


HOLE_SHARE = (
    1 / 3
)  # holes covering more of a shape's filled outline than this make it an outline, not a shape
LIT = (70, 90)  # lightness percentiles of a shaded thing's pixels its colour is named from


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
    (lit like a 3D object) is named as a solid, a flat one by its outline. On a plain background in
    colour, a region of two colours is two things (``colour_parts``): a shape drawn on another, a
    ball on a box. A shape drawn in the background's colour on a flat shape is a thing too (its hole).
    A picture that is a regular grid of plain cells (a chessboard, a table of coloured
    squares) is its cells, row by row from the top left: outlines would merge the cells that meet at a
    corner and lose those the colour of the "background".
    """
    from scipy import ndimage

    foreground = find_foreground(image, min_area)
    grid = find_grid(lab(image.rgb))
    if grid is not None:  # the board's cells are its things, and no cell is background
        cells = np.zeros(foreground.labels.shape, np.int32)
        for index, (_, _, (x1, y1, x2, y2)) in enumerate(grid.cells(), start=1):
            cells[y1:y2, x1:x2] = index
        board = replace(
            foreground, labels=cells, count=len(grid.cells()), background_share=0.0, method="grid"
        )
        return board, _cells(image, grid)
    labels = foreground.labels
    split = foreground.plain and not image.is_grayscale  # things of different colour that touch
    found = []
    for index, window in enumerate(ndimage.find_objects(labels), start=1):
        if window is None:
            continue
        region = labels[window] == index
        parts = colour_parts(image.rgb[window], region, min_area) if split else [region]
        origin = (window[1].start, window[0].start)
        described = []
        for part in parts:
            # a part's area counts the parts it encloses: a hexagon with a star on it is the hexagon's size
            area = part | ndimage.binary_fill_holes(part) & region if len(parts) > 1 else part
            described.append(_describe(image, part, origin, int(np.count_nonzero(area)), len(parts) > 1))
        found.extend(described)
        if described and max(described, key=lambda thing: thing.area).shape in FLAT_SHAPES:  # a drawn shape
            found.extend(_drawn_holes(image, region, origin, min_area))
    found.sort(key=lambda thing: -thing.area)
    sizes = size_classes([t.area for t in found], labels.size)
    return foreground, [replace(thing, size=size) for thing, size in zip(found, sizes, strict=True)]


def _drawn_holes(
    image: LoadedImage, region: np.ndarray, origin: tuple[int, int], min_area: int
) -> list[Thing]:
    """The shapes drawn in the background's colour on a flat shape (the dark ellipses inside a phantom's
    oval): the holes in its region that have a shape name of their own. Only when the region is solid
    around them (the holes cover at most ``HOLE_SHARE`` of its filled outline): the inside of a drawn
    outline or a ring is no thing."""
    from scipy import ndimage

    filled = ndimage.binary_fill_holes(region)
    holes = filled & ~region
    if not holes.any() or np.count_nonzero(holes) > HOLE_SHARE * np.count_nonzero(filled):
        return []
    labels, count = ndimage.label(holes)
    drawn = []
    for index in range(1, count + 1):
        hole = labels == index
        area = int(np.count_nonzero(hole))
        if area >= min_area:
            thing = _describe(image, hole, origin, area, False)
            if thing.shape in FLAT_SHAPES:
                drawn.append(thing)
    return drawn


def _cells(image: LoadedImage, grid: Grid) -> list[Thing]:
    """The grid's cells as things, each named square or rectangle, with the colour of its middle."""
    from argus.tools.shape_names import SQUARE_ASPECT

    cells = []
    for _, _, (x1, y1, x2, y2) in grid.cells():
        w, h = x2 - x1, y2 - y1
        shade = name_shade(np.median(cell_pixels(image.rgb, (x1, y1, x2, y2)), axis=0))
        shape = "square" if min(w, h) >= SQUARE_ASPECT * max(w, h) else "rectangle"
        box = [float(x1), float(y1), float(x2), float(y2)]
        mask = np.ones((h, w), bool)
        cells.append(Thing(shape, box, w * h, colour_of(shade), shade, mask, (x1, y1)))
    sizes = size_classes([t.area for t in cells], image.width * image.height)
    return [replace(thing, size=size) for thing, size in zip(cells, sizes, strict=True)]


def _describe(
    image: LoadedImage, region: np.ndarray, origin: tuple[int, int], area: int, touched: bool
) -> Thing:
    """One thing from its boolean crop ``region`` whose top-left corner is ``origin`` (x, y) in the image;
    its colour and shading come from its own pixels only. A solid ``touched`` by another thing (a box
    with a ball on it) is named by its convex outline, which bridges the notch the other one cuts."""
    import cv2

    height, width = image.height, image.width
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    x0, y0 = origin
    x, y, w, h = cv2.boundingRect(contour)
    x, y = x + x0, y + y0
    cut = x == 0 or y == 0 or x + w == width or y + h == height
    inner = _inner(region)
    window = (slice(y0, y0 + region.shape[0]), slice(x0, x0 + region.shape[1]))
    pixels = image.rgb[window][region if inner is None else inner]
    lightness = lab(pixels)[:, 0]
    shaded = inner is not None and not image.is_grayscale and is_shaded(lightness)
    if cut:
        shape = "other"  # the frame cuts it: shape unknown
    elif shaded:
        planar = planar_share(lab(image.rgb[window])[..., 0], region)
        shape = classify_solid(cv2.convexHull(contour) if touched else contour, planar)
    else:
        shape = classify_contour(contour)
    smooth = shaded and chromaticity_spread(pixels) <= TEXTURED  # a lit surface, not a photo's texture
    shade = name_shade(np.median(_lit(pixels, lightness) if smooth else pixels, axis=0))
    box = [float(x), float(y), float(x + w), float(y + h)]
    return Thing(shape, box, area, colour_of(shade), shade, region, origin)


def _lit(pixels: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """The pixels of a smoothly shaded thing that face the light, where its own colour shows: between the
    ``LIT`` percentiles of its lightness (the shadowed side darkens orange to brown; the brightest few
    are a highlight's white)."""
    low, high = np.percentile(lightness, LIT)
    return pixels[(lightness >= low) & (lightness <= high)]


def _inner(region: np.ndarray) -> np.ndarray | None:
    """The region away from its anti-aliased edge, or None when that leaves too little of it (a thin
    outline: all edge, so neither its shading nor its colour can be read away from the edge)."""
    inner = shrink(region, 2)
    return inner if np.count_nonzero(inner) >= 0.2 * np.count_nonzero(region) else None
