"""Classical region segmentation: threshold, clean up, label, split touching objects.

The steps, each chosen for a reason a reader can check:

1. Otsu on the blurred gray image gives a first split; unless told, the foreground is the side
   the image border mostly is not (so dark objects on a light page work as well as bright on dark).
2. If the background level drifts across the image by more than half the contrast between
   the two classes (uneven lighting, vignetting), one global threshold merges objects with the
   bright side of the background; a Gaussian-weighted local threshold over a window of half the
   image replaces it.
3. Opening removes specks, holes are filled, components smaller than ``min_area`` go.
4. A component that is not convex (solidity < 0.95) is split by a watershed on its
   distance transform, seeded at distance peaks, so touching coins or cells count as two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

UNEVEN_LIGHTING = 0.5  # lighting drift over class contrast that switches to a local threshold
SPLIT_SOLIDITY = (
    0.95  # less convex components are candidates for the watershed split; a convex one has one peak anyway
)
NECK_DEPTH = 0.25  # a seed must rise this share of the component's half-width above its neck
TILES = 8
SEED_PIXELS = 40_000  # regions larger than this are seeded on a shrunk copy


@dataclass(frozen=True)
class Regions:
    """Labelled regions: ``labels`` is (H, W) int32 with 0 for background and 1..n per region."""

    labels: np.ndarray
    count: int
    method: str
    foreground: str  # "bright" or "dark"
    threshold: float


def threshold_regions(
    gray: np.ndarray, min_area: int, foreground: str = "auto", split_touching: bool = True
) -> Regions:
    """Segment an (H, W) uint8 image into separable regions.

    Args:
        gray: the image.
        min_area: smallest region kept, in pixels.
        foreground: "bright", "dark", or "auto" (the class the image border mostly is not).
        split_touching: split non-convex regions at their necks.
    """
    import cv2

    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    otsu, binary = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = _foreground_is_bright(binary) if foreground == "auto" else foreground == "bright"
    fg_mask = binary > 0 if bright else binary == 0
    method = "otsu"
    fg_values, bg_values = blurred[fg_mask], blurred[~fg_mask]
    if fg_values.size and bg_values.size:
        contrast = abs(float(fg_values.mean()) - float(bg_values.mean()))
        if contrast > 0 and _background_drift(blurred, ~fg_mask) > UNEVEN_LIGHTING * contrast:
            fg_mask = _local_threshold(blurred, bright, contrast)
            method = "local"
    cleaned = _clean(fg_mask)
    labels = _label(cleaned, min_area)
    if split_touching:
        labels = _split_touching(labels, min_area)
    count = int(labels.max())
    return Regions(labels, count, method, "bright" if bright else "dark", float(otsu))


def _foreground_is_bright(binary: np.ndarray) -> bool:
    """Objects rarely fill the image border: the class the border mostly holds is background."""
    border = np.concatenate((binary[0], binary[-1], binary[:, 0], binary[:, -1]))
    return bool((border > 0).mean() <= 0.5)


def _background_drift(blurred: np.ndarray, background: np.ndarray) -> float:
    """How far the lighting moves across the image: the range of a plane fitted to the median
    background level of the tiles that are mostly background. A plane follows gradients and
    vignetting but not anatomy or clutter, which change from tile to tile."""
    height, width = blurred.shape
    points = []
    for i in range(TILES):
        rows = slice(i * height // TILES, (i + 1) * height // TILES)
        for j in range(TILES):
            cols = slice(j * width // TILES, (j + 1) * width // TILES)
            tile_bg = background[rows, cols]
            if tile_bg.size and tile_bg.mean() >= 0.5:
                points.append(((j + 0.5) / TILES, (i + 0.5) / TILES, np.median(blurred[rows, cols][tile_bg])))
    if len(points) < 3:
        return 0.0
    x, y, level = np.asarray(points, dtype=np.float64).T
    design = np.stack([np.ones_like(x), x, y], axis=1)
    (_, slope_x, slope_y), *_ = np.linalg.lstsq(design, level, rcond=None)
    return float(abs(slope_x) + abs(slope_y))  # the plane's range over the unit square


def _local_threshold(blurred: np.ndarray, bright: bool, contrast: float) -> np.ndarray:
    import cv2

    block = max(15, min(blurred.shape) // 2) | 1
    offset = 0.15 * contrast
    kind = cv2.THRESH_BINARY if bright else cv2.THRESH_BINARY_INV
    out = cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, kind, block, -offset if bright else offset
    )
    return out > 0


def _clean(mask: np.ndarray) -> np.ndarray:
    import cv2
    from scipy import ndimage

    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    return ndimage.binary_fill_holes(opened > 0)


def _label(mask: np.ndarray, min_area: int) -> np.ndarray:
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, np.int32)
    next_id = 1
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] >= max(1, min_area):
            keep[i] = next_id
            next_id += 1
    return keep[labels]


def _split_touching(labels: np.ndarray, min_area: int) -> np.ndarray:
    """Watershed on the distance transform inside each non-convex component, seeded at distance
    maxima that rise clearly above the neck joining them (h-maxima), so an elongated or ragged
    object is not cut at every small bulge."""
    import cv2
    from scipy import ndimage
    from skimage.segmentation import watershed

    out = labels.copy()
    next_id = int(labels.max()) + 1
    for index, window_slice in enumerate(ndimage.find_objects(labels), start=1):
        if window_slice is None:
            continue
        crop = np.pad(labels[window_slice] == index, 1)
        if _solidity(crop) >= SPLIT_SOLIDITY:
            continue
        crop_u8 = crop.astype(np.uint8)
        distance = cv2.distanceTransform(crop_u8, cv2.DIST_L2, 5)
        markers, n_seeds = _seeds(crop_u8)
        if n_seeds < 2:
            continue
        parts = watershed(-distance, markers, mask=crop)[1:-1, 1:-1]
        areas = np.bincount(parts.ravel(), minlength=n_seeds + 1)[1:]
        if (areas < max(1, min_area)).any():
            continue  # a split that leaves a sliver is not two objects
        window = out[window_slice]  # a view: writes land in ``out``
        for k in range(2, n_seeds + 1):  # the first part keeps the component's id
            window[parts == k] = next_id
            next_id += 1
    return out


def _seeds(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Labelled h-maxima of the mask's distance transform: one seed per object.

    h-maxima (a grayscale reconstruction) costs a sort of the whole crop, so a large region is
    seeded on a copy shrunk to about ``SEED_PIXELS``; the seeds are scaled back for the
    full-resolution watershed. Neck depths are relative, so the scale does not change them.
    """
    import cv2
    from skimage.measure import label
    from skimage.morphology import h_maxima

    scale = min(1.0, math.sqrt(SEED_PIXELS / mask.size))
    small = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else mask
    distance = cv2.distanceTransform(small, cv2.DIST_L2, 5)
    depth = max(2.0 * scale, NECK_DEPTH * float(distance.max()))
    markers, count = label(h_maxima(distance, depth), return_num=True)
    if scale < 1:
        markers = cv2.resize(markers.astype(np.int32), mask.shape[::-1], interpolation=cv2.INTER_NEAREST)
        markers[mask == 0] = 0
        count = len(np.unique(markers)) - 1
        if count >= 2:
            markers = np.unique(markers, return_inverse=True)[1].reshape(markers.shape).astype(np.int32)
    return markers, count


def _solidity(mask: np.ndarray) -> float:
    """Area of the outer contour over the area of its convex hull."""
    import cv2

    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea)
    hull_area = cv2.contourArea(cv2.convexHull(contour))
    return cv2.contourArea(contour) / hull_area if hull_area > 0 else 1.0
