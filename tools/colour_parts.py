"""Splitting one foreground region into the things of different colour it holds: a shape drawn inside
another (a star on a hexagon), a small solid standing on a larger one (a ball on a box).

The region's inner pixels (its anti-aliased edge left out) are clustered in two by chromaticity (r, g,
b over their sum, which shading scales away) and a little lightness (so that black, gray and white
differ). The larger cluster is the body; each large connected piece of the other is a thing of its
own when its chromaticity differs from the body's (another material), unless it is a highlight
(lighter, and enclosed by a shaded body); of one chromaticity (black on white), only when the body is
flat and encloses it, so that a solid's faces in light and shade stay one thing. The pixels left
over (edges, specks) join the part they are nearest. Only clean surfaces split: a photographed thing,
whose clusters vary in chromaticity (texture, many colours), stays whole.
"""

from __future__ import annotations

import numpy as np

from argus.tools.colour_names import lab
from argus.tools.shape_names import is_shaded

LIGHTNESS_WEIGHT = 0.25  # L* counts for a quarter in the clustering: shading moves it far more than hue
MATERIAL_STEP = 0.06  # chromaticities this far apart are two materials (orange and brown: 0.1)
FLAT_STEP = 25.0  # L* between two flat things of one chromaticity (black and gray: 45)
EDGE = 2  # pixels of anti-aliased edge left out of the clustering
TEXTURED = 1.2  # a cluster whose chromaticity varies more than this (``_spread``) is a photo's texture


def colour_parts(rgb: np.ndarray, region: np.ndarray, min_area: int) -> list[np.ndarray]:
    """The boolean masks (the shape of ``region``) of the things of different colour in the region of
    the (H, W, 3) ``rgb`` crop, largest first; ``[region]`` when it is one thing."""
    import cv2

    from argus.tools.foreground import shrink

    inner = shrink(region, EDGE)
    if np.count_nonzero(inner) < 2 * min_area:
        return [region]
    pixels = rgb[inner].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    labels = np.zeros((len(pixels), 1), np.int32)  # filled in by k-means (k-means++ seeds its own start)
    _, assigned, _ = cv2.kmeans(_features(pixels), 2, labels, criteria, 3, cv2.KMEANS_PP_CENTERS)
    clusters = np.zeros(region.shape, np.int32)
    clusters[inner] = assigned.ravel() + 1
    body = 1 + int(np.argmax(np.bincount(assigned.ravel(), minlength=2)))
    body_pixels, other_pixels = rgb[clusters == body], rgb[clusters == 3 - body]
    if max(chromaticity_spread(body_pixels), chromaticity_spread(other_pixels)) > TEXTURED:
        return [region]  # a photographed thing: its many colours are its own, not things apart
    body_l = lab(body_pixels)[:, 0]
    shaded = is_shaded(body_l)
    material = np.linalg.norm(_chromaticity(body_pixels) - _chromaticity(other_pixels)) >= MATERIAL_STEP
    outline = region & ~shrink(region, EDGE + 1)  # a piece reaching this band is not enclosed
    seeds = (_pieces(clusters == body, min_area) > 0).astype(np.int32)  # the body is one thing
    count = int(seeds.max())
    others = _pieces(clusters == 3 - body, min_area)
    for piece in range(1, int(others.max()) + 1):
        at = others == piece
        enclosed = not (at & outline).any()
        lighter = float(np.median(lab(rgb[at])[:, 0])) > float(np.median(body_l))
        if material:
            thing = not (shaded and lighter and enclosed)  # else a highlight on the body
        else:  # one chromaticity (black on white): only a flat shape drawn on a flat one
            step = abs(float(np.median(lab(rgb[at])[:, 0])) - float(np.median(body_l)))
            thing = enclosed and not shaded and step >= FLAT_STEP
        if thing:
            count += 1
            seeds[at] = count
    if count < 2:
        return [region]
    parts = _grow(seeds, region)
    masks = [parts == k for k in range(1, count + 1)]
    return sorted(masks, key=lambda m: -int(np.count_nonzero(m)))


def _pieces(mask: np.ndarray, min_area: int) -> np.ndarray:
    """The 8-connected pieces of ``mask`` of at least ``min_area`` pixels, labelled 1, 2, ..."""
    import cv2

    n, pieces, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, np.int32)
    big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    keep[big] = np.arange(1, len(big) + 1)
    return keep[pieces]


def _features(pixels: np.ndarray) -> np.ndarray:
    """(N, 3) float32: r and g chromaticity x100 and L* x ``LIGHTNESS_WEIGHT``."""
    chromaticity = (pixels + 1.0) / (pixels.sum(axis=1, keepdims=True) + 3.0)
    lightness = lab(pixels)[:, :1]
    return np.hstack((100 * chromaticity[:, :2], LIGHTNESS_WEIGHT * lightness)).astype(np.float32)


def chromaticity_spread(pixels: np.ndarray) -> float:
    """How much the chromaticity of (N, 3) RGB pixels varies: the median L1 distance (x100) from
    their median chromaticity (0-0.6 for a drawn or rendered surface, 1.5-30 for a photo's parts)."""
    if not len(pixels):
        return 0.0
    shifted = pixels.astype(np.float32) + 1.0
    chromaticity = shifted / shifted.sum(axis=1, keepdims=True)
    return float(100 * np.median(np.abs(chromaticity - np.median(chromaticity, axis=0)).sum(axis=1)))


def _chromaticity(pixels: np.ndarray) -> np.ndarray:
    """The median chromaticity (r, g, b over their sum) of (N, 3) RGB pixels."""
    median = np.median(pixels, axis=0) + 1.0
    return median / median.sum()


def _grow(seeds: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Every pixel of ``region`` given the label of the nearest seed inside it."""
    from skimage.segmentation import watershed

    return watershed(np.zeros(region.shape, np.uint8), seeds, mask=region)
