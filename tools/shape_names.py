"""Naming the shape of one region: a flat outline (circle, ellipse, triangle, square, rectangle,
pentagon, hexagon, star) or, when the region is shaded like a lit 3D object, a solid (sphere, cube,
cylinder).

Each flat shape fills its own smallest enclosing figure: a triangle its enclosing triangle, a square
or rectangle its rotated bounding rectangle, a circle its enclosing circle, an ellipse its fitted
ellipse. Those fill ratios do not change with rotation or size, and tolerate the ragged edge of a
small or anti-aliased shape far better than counting polygon vertices; vertices are counted only
for pentagons and hexagons, and only when the polygon they make has the region's own area. A star
is a non-convex region whose outline dips inwards between five to eight points.

Solids are told apart by the same outline and by their light: a sphere's outline is a circle; a
cube's is a polygon of straight edges (four to seven of them, depending on the view) and its faces
are planes, each evenly lit, so most of it has no gradient of lightness; a cylinder's side curves,
so its lightness changes steadily across it (a small cylinder's outline alone can pass for a
polygon). Only the outer outline is used for flat shapes, so a thin outline and a filled shape get
the same name.
"""

from __future__ import annotations

import math

import numpy as np

FLAT_SHAPES = ("circle", "ellipse", "triangle", "square", "rectangle", "pentagon", "hexagon", "star")
SOLIDS = ("sphere", "cube", "cylinder")
SHAPE_NAMES = (*FLAT_SHAPES, *SOLIDS, "other")

MIN_AREA = 12.0  # outlines smaller than this (pixels) are "other": too few pixels for a shape
TRIANGLE_FILL = 0.86  # area over the enclosing triangle's
RECTANGLE_FILL = 0.9  # area over the rotated bounding rectangle's
SQUARE_ASPECT = 0.88
CIRCLE_FILL = 0.87  # area over the enclosing circle's; a regular hexagon fills 0.83, an octagon 0.90
ROUND_ASPECT = 0.85  # a circle's rotated bounding rectangle is about square
ELLIPSE_FILL = (0.93, 1.07)  # area over the fitted ellipse's
POLYGON_EPSILON = 0.035  # approxPolyDP tolerance as a share of the perimeter
POLYGON_AREA_MATCH = 0.1  # the polygon's area may differ from the region's by this share
CONVEX = 0.9  # solidity (area over convex hull area) of a convex region
STAR_SOLIDITY = (0.3, 0.85)
STAR_DIP = 0.12  # a dip between points is at least this share of the enclosing circle's radius
SOLID_EPSILON = 0.015  # a cube's outline is straight edges: a tight tolerance ...
SOLID_AREA_MATCH = 0.04  # ... and a close area match (a cylinder's curved ends miss by 5-10%)
PLANAR_GRADIENT = 0.3  # L* per pixel under which a solid's surface is evenly lit (a plane) ...
PLANAR_SHARE = 0.6  # ... over this share of it for a cube (cubes 0.74-0.92, cylinders 0.13-0.54)
FACE_EDGE = 4.0  # L* per pixel above which a pixel is an edge between a box's faces, not surface
SHADED_RANGE = 22.0  # L* spread (5th to 95th percentile) inside a region that makes it a lit solid ...
FACE_STEP = 8.0  # ... or two faces of even light whose L* differs by this much ...
FACE_CONTRAST = 4.0  # ... and by this many times the spread within each face


def classify_contour(contour: np.ndarray) -> str:
    """The flat shape an outer contour (OpenCV (N, 1, 2) points) has, or "other"."""
    import cv2

    area = cv2.contourArea(contour)
    if area < MIN_AREA or len(contour) < 3:
        return "other"
    hull = cv2.convexHull(contour)
    solidity = area / max(cv2.contourArea(hull), 1e-9)
    if solidity < CONVEX:
        return "star" if _is_star(contour, hull, solidity) else "other"
    fills = _fills(contour, hull, area)
    if fills["triangle"] >= TRIANGLE_FILL:
        return "triangle"
    if fills["rectangle"] >= RECTANGLE_FILL:
        return "square" if fills["aspect"] >= SQUARE_ASPECT else "rectangle"
    vertices = _polygon_vertices(hull, area, POLYGON_EPSILON, POLYGON_AREA_MATCH)
    if vertices in (5, 6):
        return {5: "pentagon", 6: "hexagon"}[vertices]
    if fills["circle"] >= CIRCLE_FILL and fills["aspect"] >= ROUND_ASPECT:
        return "circle"
    if ELLIPSE_FILL[0] <= fills["ellipse"] <= ELLIPSE_FILL[1]:
        # round with a bumpy edge (a coin's segmentation): its enclosing circle grows with every bump,
        # its fitted ellipse does not
        return "circle" if fills["aspect"] >= ROUND_ASPECT else "ellipse"
    return "other"


def classify_solid(contour: np.ndarray, planar: float) -> str:
    """The solid a shaded region's outer contour shows: sphere, cube, cylinder, or "other";
    ``planar`` is the share of it that is evenly lit (``planar_share``)."""
    import cv2

    area = cv2.contourArea(contour)
    if area < MIN_AREA or len(contour) < 3:
        return "other"
    hull = cv2.convexHull(contour)
    if area / max(cv2.contourArea(hull), 1e-9) < CONVEX:
        return "other"
    fills = _fills(contour, hull, area)
    if fills["circle"] >= CIRCLE_FILL and fills["aspect"] >= ROUND_ASPECT:
        return "sphere"
    if planar >= PLANAR_SHARE and 4 <= _polygon_vertices(hull, area, SOLID_EPSILON, SOLID_AREA_MATCH) <= 7:
        return "cube"
    return "cylinder"


def planar_share(lightness: np.ndarray, mask: np.ndarray) -> float:
    """The share of a thing's inside (its (H, W) ``mask`` less a 3-pixel edge) where L* (an (H, W)
    crop) changes by less than ``PLANAR_GRADIENT`` a pixel, after a slight blur against 8-bit steps:
    high for the flat faces of a box, low for the curved side of a can or a ball."""
    import cv2

    from argus.tools.foreground import shrink

    inside = shrink(mask, 3)
    if not inside.any():
        return 0.0
    smooth = cv2.GaussianBlur(lightness.astype(np.float32), (0, 0), 1.0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8
    gradient = np.hypot(gx, gy)[inside]
    surface = gradient[gradient < FACE_EDGE]  # a box's faces and a can's side, without the box's edges
    return float(np.mean(surface < PLANAR_GRADIENT)) if surface.size else 0.0


def is_shaded(lightness: np.ndarray) -> bool:
    """Whether the L* values inside a region vary like a lit 3D surface (a wide spread, or faces of
    different but even light) rather than a flat fill with noise or a mild gradient."""
    if lightness.size < 20:
        return False
    low, high = np.percentile(lightness, [5, 95])
    if high - low >= SHADED_RANGE:
        return True
    values = np.sort(lightness.ravel())
    cut = _two_levels(values)
    if cut is None:
        return False
    dark, light = values[:cut], values[cut:]
    step = light.mean() - dark.mean()
    spread = np.sqrt((dark.var() * len(dark) + light.var() * len(light)) / len(values))
    return bool(step >= FACE_STEP and step >= FACE_CONTRAST * max(spread, 1e-6))


def _two_levels(values: np.ndarray) -> int | None:
    """Where sorted values split best into two groups (Otsu's criterion), each at least 15% of them."""
    n = len(values)
    low, high = int(0.15 * n), int(0.85 * n)
    if high <= low:
        return None
    cumulative = np.cumsum(values, dtype=np.float64)
    total = cumulative[-1]
    k = np.arange(low, high)
    mean_low = cumulative[k - 1] / k
    mean_high = (total - cumulative[k - 1]) / (n - k)
    between = k * (n - k) * (mean_high - mean_low) ** 2
    return int(k[int(np.argmax(between))])


def _fills(contour: np.ndarray, hull: np.ndarray, area: float) -> dict[str, float]:
    """How much of each enclosing figure the region fills, and its bounding rectangle's aspect."""
    import cv2

    _, radius = cv2.minEnclosingCircle(hull)
    (_, _), (w, h), _ = cv2.minAreaRect(hull)
    triangle_area, _ = cv2.minEnclosingTriangle(hull.astype(np.float32))
    ellipse = math.nan
    if len(contour) >= 5:
        (_, _), (major, minor), _ = cv2.fitEllipse(contour)
        ellipse = area / max(math.pi * major * minor / 4, 1e-9)
    return {
        "circle": area / max(math.pi * radius * radius, 1e-9),
        "rectangle": area / max(w * h, 1e-9),
        "triangle": area / max(triangle_area, 1e-9),
        "ellipse": ellipse,
        "aspect": min(w, h) / max(w, h, 1e-9),
    }


def _polygon_vertices(hull: np.ndarray, area: float, epsilon: float, match: float) -> int:
    """Vertices of the hull simplified with ``epsilon`` (a share of its perimeter), or 0 when that
    polygon's area differs from the region's by more than ``match``."""
    import cv2

    approx = cv2.approxPolyDP(hull, epsilon * cv2.arcLength(hull, True), True)
    if abs(cv2.contourArea(approx) / area - 1) > match:
        return 0
    return len(approx)


def _is_star(contour: np.ndarray, hull: np.ndarray, solidity: float) -> bool:
    """Five to eight points with deep, evenly counted dips between them."""
    import cv2

    if not STAR_SOLIDITY[0] <= solidity <= STAR_SOLIDITY[1]:
        return False
    _, radius = cv2.minEnclosingCircle(contour)
    indices = cv2.convexHull(contour, returnPoints=False)
    try:
        defects = cv2.convexityDefects(contour, indices)
    except cv2.error:  # a self-touching contour has no well-defined defects
        return False
    if defects is None:
        return False
    depths = defects.reshape(-1, 4)[:, 3] / 256.0  # fixed-point, 8 fractional bits
    deep = int(np.count_nonzero(depths >= STAR_DIP * radius))
    return 5 <= deep <= 8
