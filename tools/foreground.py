"""Separating the things in a picture from a plain background: the pixels that are not floor, table
or page, labelled one region per thing.

Colour images: the background's colour is modelled as a smooth surface (a quadratic in x and y per
CIELAB channel, fitted to the image border and then to every pixel that fits it), so a floor lit
unevenly or a vignetted photo still counts as one background. A pixel belongs to a thing when it is
more than ``BACKGROUND_DISTANCE`` (CIE76) from the model, or more than ``EDGE_DISTANCE`` and joined to
such a pixel (hysteresis, as in Canny's edge detector: the faint anti-aliased pixels of a thin line
keep it in one piece). Shadows that things cast on the background
(darker, with the background's own chromaticity) are trimmed from a region when the rest of it is not
shadow-like; a region that is all shadow-like is kept (a gray or black thing on a light background)
unless it is faint (a detached soft shadow).

A grayscale photo (its border not all clean background: coins on a textured tray, cells on a slide)
takes the ``segment`` tool's threshold regions instead, which cope with uneven lighting and split
touching objects.

``plain`` says whether the picture is things on a background at all: most of the border must fit
the background model and a fair share of the image must be background. A street photo is not, and
its regions are pieces of the scene, not things.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from argus.tools.threshold_regions import threshold_regions

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

BACKGROUND_DISTANCE = 12.0  # CIE76 distance from the background model above which a pixel is a thing
EDGE_DISTANCE = 6.0  # a pixel this far from it belongs to a thing it touches (a faint anti-aliased edge)
SHADOW_CHROMATICITY = 0.03  # a shadow moves r, g, b over r + g + b by less than this ...
SHADOW_DEPTH = 0.55  # ... and darkens by at most this share of the background's lightness
FAINT_SHADOW = 14.0  # a region that is all shadow and darkens less than this (mean) is a detached shadow
FIT_ITERATIONS = 2
FIT_SAMPLE = 20_000  # background pixels the model is fitted to (an even stride over more)
HORIZON_STEP = 4  # rows either side of a horizon whose colours must differ by BACKGROUND_DISTANCE
SEAM = 2  # pixels either side of a horizon measured from the nearer of its two surfaces
BORDER_FIT = 0.7  # share of the border that must fit the model for a plain background
CLEAN_BORDER = 0.97  # a grayscale image with this much of its border clean background is drawn, not shot
PLAIN_BACKGROUND = 0.3  # share of the image that must be background for a plain background
CLEAN_SIDE = 200  # images with both sides at least this long lose isolated specks (a 3x3 opening)


@dataclass(frozen=True)
class Foreground:
    """``labels`` is (H, W) int32: 0 for background, 1..count for the things, largest first."""

    labels: np.ndarray
    count: int
    background_rgb: tuple[int, int, int]
    background_share: float
    border_fit: float
    method: str  # "colour", "threshold" or "grid" (the cells of a board: see ``things.describe_things``)

    @property
    def plain(self) -> bool:
        """Whether the picture is things on a background (or a board of cells), not a cluttered scene."""
        return self.method == "grid" or (
            self.border_fit >= BORDER_FIT and self.background_share >= PLAIN_BACKGROUND
        )


def find_foreground(image: LoadedImage, min_area: int) -> Foreground:
    """The things on the background of ``image``, each at least ``min_area`` pixels."""
    found = _colour_foreground(image, min_area)
    if not image.is_grayscale or found.border_fit >= CLEAN_BORDER:
        return found
    regions = threshold_regions(image.gray, min_area)
    labels = _by_size(regions.labels)
    share = float(np.count_nonzero(labels == 0)) / labels.size
    background = found.background_rgb
    if share > 0:
        red, green, blue = (int(v) for v in np.median(image.rgb[labels == 0], axis=0))
        background = (red, green, blue)
    # how plain the background is: threshold regions always leave the border background (it picks the
    # class the border is not), so the border's fit to a smooth background says it instead
    return Foreground(labels, int(labels.max()), background, share, found.border_fit, "threshold")


def _colour_foreground(image: LoadedImage, min_area: int) -> Foreground:
    rgb = image.rgb
    pixels = _lab(rgb)
    model, *others = _fit_background(pixels)
    difference = pixels - model
    distance = _norm(difference)
    things = _hysteresis(distance > BACKGROUND_DISTANCE, distance > EDGE_DISTANCE)
    border_fit = float(np.mean(~_border(things[..., np.newaxis])[:, 0]))
    shadow = np.zeros(distance.shape, bool)
    for surface in (model, *others):  # along a horizon, a shadow may fall on either surface
        darker = surface[..., 0] - pixels[..., 0]
        shadow |= (darker > 0) & (darker <= SHADOW_DEPTH * surface[..., 0]) & _same_chromaticity(rgb, surface)
    labels = _components(_clean(things), min_area)
    labels = _trim_shadows(labels, shadow, -difference[..., 0], min_area)
    share = float(np.count_nonzero(labels == 0)) / labels.size
    red, green, blue = (int(v) for v in np.median(rgb[labels == 0] if share > 0 else _border(rgb), axis=0))
    return Foreground(labels, int(labels.max()), (red, green, blue), share, border_fit, "colour")


def shrink(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The mask less ``pixels`` pixels all round (3x3 erosion; outside the array counts as outside
    the mask, so a tight crop is eroded from its edges too)."""
    import cv2

    return (
        cv2.erode(
            mask.astype(np.uint8),
            np.ones((3, 3), np.uint8),
            iterations=pixels,
            borderType=cv2.BORDER_CONSTANT,
            borderValue=0,
        )  # fmt: skip
        > 0
    )


def _hysteresis(strong: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """The pixels of ``weak`` connected to a pixel of ``strong``: thin anti-aliased lines stay whole."""
    import cv2

    count, labels = cv2.connectedComponents(weak.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[strong])] = True
    keep[0] = False
    return keep[labels]


def _border(array: np.ndarray) -> np.ndarray:
    """The pixels along the image's four edges as (N, C)."""
    return np.concatenate((array[0], array[-1], array[:, 0], array[:, -1]))


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (L 0..100, a and b about -128..127) of an RGB image, through OpenCV's 8-bit conversion:
    a few milliseconds for a photo, within half a unit of the exact values."""
    import cv2

    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab[..., 0] *= 100 / 255
    lab[..., 1:] -= 128
    return lab


def _same_chromaticity(rgb: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Where a pixel's chromaticity (its RGB over their sum) is the background model's: less light of
    the same colour, as in a shadow. Lab's a and b shrink as a coloured surface darkens; chromaticity
    does not."""
    import cv2

    background = cv2.cvtColor(model, cv2.COLOR_LAB2RGB)  # float Lab in, RGB in 0..1 out
    pixels = rgb.astype(np.float32) + 1.0
    background = background * 255 + 1.0
    pixels /= pixels.sum(axis=2, keepdims=True)
    background /= background.sum(axis=2, keepdims=True)
    difference = pixels - background
    return np.einsum("ijk,ijk->ij", difference, difference) < SHADOW_CHROMATICITY**2


def _norm(difference: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ijk,ijk->ij", difference, difference))


def _fit_background(pixels: np.ndarray) -> tuple[np.ndarray, ...]:
    """A model of the background's Lab values, (H, W, 3): one smooth surface, or a wall and a floor;
    with the two, a second model that differs from the first only along the horizon, where it holds
    the surface the first did not choose (a shadow there may fall on either).

    One surface (a quadratic in x and y) fits a plain page, table or backdrop, lit unevenly or not.
    When the top and bottom edges differ in colour, the picture may be a wall above a floor (or a
    backdrop above a table), which no one smooth surface follows across the line where they meet: a
    surface is fitted on each side of a straight horizon, found where each side edge of the image turns
    from the top edge's colour to the bottom edge's in a step (not a gradient), and kept when it fits
    the image border as well as one surface does and well enough for a plain background.
    """
    one = _fit_surface(pixels, np.ones(pixels.shape[:2], bool))
    below_line = _below_horizon(pixels)
    if below_line is None:
        return (one,)
    above = below_line < 0
    wall, floor = _fit_surface(pixels, above), _fit_surface(pixels, ~above)
    two = np.where(above[..., np.newaxis], wall, floor)
    if _border_fit(pixels, two) < max(_border_fit(pixels, one), BORDER_FIT):
        return (one,)  # no better, or still no plain background (a street, a landscape)
    seam = np.abs(below_line) <= SEAM  # an anti-aliased horizon: measured from the surface it is nearer
    nearer_wall = (_norm(pixels - wall) <= _norm(pixels - floor))[seam][:, np.newaxis]
    other = two.copy()
    two[seam] = np.where(nearer_wall, wall[seam], floor[seam])
    other[seam] = np.where(nearer_wall, floor[seam], wall[seam])
    return two, other


def _fit_surface(pixels: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """A smooth (quadratic in x, y) model of the background's Lab values inside ``domain``, (H, W, 3)
    (evaluated everywhere; only its values inside ``domain`` are meant).

    Fitted to the border pixels of the domain first, then to the domain's pixels within
    ``BACKGROUND_DISTANCE`` of the last fit, on a sample of at most ``FIT_SAMPLE`` pixels each time;
    the quadratic is evaluated on a coarse grid and scaled up (it is smooth, so nothing is lost).
    """
    import cv2

    height, width = pixels.shape[:2]
    step = max(1, int(np.sqrt(height * width / FIT_SAMPLE)))
    ys, xs = np.mgrid[0:height:step, 0:width:step]
    sample = pixels[::step, ::step]
    inside = domain[::step, ::step]
    terms = _quadratic(xs / max(1, width - 1), ys / max(1, height - 1))
    chosen = np.zeros(xs.shape, bool)
    chosen[0], chosen[-1], chosen[:, 0], chosen[:, -1] = True, True, True, True
    chosen &= inside
    coefficients = None
    for _ in range(FIT_ITERATIONS):
        if np.count_nonzero(chosen) < 12:
            break
        coefficients, *_ = np.linalg.lstsq(terms[chosen], sample[chosen], rcond=None)
        chosen = (_norm(sample - terms @ coefficients) <= BACKGROUND_DISTANCE) & inside
    if coefficients is None:
        border = _border(pixels)[_border(domain[..., np.newaxis])[:, 0]]
        level = np.median(border if len(border) else _border(pixels), axis=0)
        return np.broadcast_to(level, pixels.shape).astype(np.float32)
    grid_h, grid_w = min(height, 64), min(width, 64)
    gy, gx = np.mgrid[0:grid_h, 0:grid_w]
    coarse = (_quadratic(gx / max(1, grid_w - 1), gy / max(1, grid_h - 1)) @ coefficients).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)


def _border_fit(pixels: np.ndarray, model: np.ndarray) -> float:
    """Share of the image border's pixels within ``BACKGROUND_DISTANCE`` of the model."""
    return float(np.mean(_norm_rows(_border(pixels) - _border(model)) <= BACKGROUND_DISTANCE))


def _below_horizon(pixels: np.ndarray) -> np.ndarray | None:
    """(H, W) how far each pixel lies below the straight line where the image's side edges turn from
    the top edge's colour to the bottom edge's (negative above it), or None when the top and bottom
    edges are alike or a side does not turn in a step (no horizon)."""
    height, width = pixels.shape[:2]
    top, bottom = np.median(pixels[0], axis=0), np.median(pixels[-1], axis=0)
    if np.linalg.norm(top - bottom) <= BACKGROUND_DISTANCE or height < 8:
        return None
    left, right = (_turning_row(pixels[:, column], top, bottom) for column in (0, width - 1))
    if min(left, right) < HORIZON_STEP or max(left, right) > height - HORIZON_STEP:
        return None
    for row, column in ((left, pixels[:, 0]), (right, pixels[:, -1])):
        before = np.median(column[row - HORIZON_STEP : row], axis=0)
        after = np.median(column[row : row + HORIZON_STEP], axis=0)
        if np.linalg.norm(after - before) <= BACKGROUND_DISTANCE:
            return None
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    return ys - (left + (right - left) * xs / max(1, width - 1))


def _turning_row(column: np.ndarray, top: np.ndarray, bottom: np.ndarray) -> int:
    """The row that best splits an (H, 3) column of Lab pixels into top-coloured pixels above it and
    bottom-coloured ones below (the fewest, least-fitting pixels on the wrong side)."""
    to_top, to_bottom = _norm_rows(column - top), _norm_rows(column - bottom)
    # cost of splitting before row r: pixels above measured from the top colour, below from the bottom's
    above = np.concatenate(([0.0], np.cumsum(to_top)))
    below = np.concatenate((np.cumsum(to_bottom[::-1])[::-1], [0.0]))
    return int(np.argmin(above + below))


def _norm_rows(difference: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->i", difference, difference))


def _quadratic(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The terms 1, x, y, x^2, xy, y^2 for coordinates scaled to 0..1, as (..., 6)."""
    xs, ys = xs.astype(np.float32) - 0.5, ys.astype(np.float32) - 0.5
    return np.stack((np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys), axis=-1)


def _clean(mask: np.ndarray) -> np.ndarray:
    """Large images lose isolated specks of noise; small ones keep every pixel (a thin outline on a
    64-pixel image is one pixel wide)."""
    import cv2

    if min(mask.shape) < CLEAN_SIDE:
        return mask
    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0


def _components(mask: np.ndarray, min_area: int) -> np.ndarray:
    """8-connected components of at least ``min_area`` pixels, numbered largest first."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    keep.sort(key=lambda i: -stats[i, cv2.CC_STAT_AREA])
    lookup = np.zeros(count, np.int32)
    lookup[keep] = np.arange(1, len(keep) + 1)
    return lookup[labels]


def _trim_shadows(labels: np.ndarray, shadow: np.ndarray, darkening: np.ndarray, min_area: int) -> np.ndarray:
    """Each region without its shadow-like pixels when the rest of it holds at least half of it (a
    thing and the shadow it casts; two things joined by their shadows come apart); a region that is
    all shadow-like stays unless it is faint."""
    from scipy import ndimage

    out = np.zeros_like(labels)
    for index, window in enumerate(ndimage.find_objects(labels), start=1):
        if window is None:
            continue
        region = labels[window] == index
        shaded = region & shadow[window]
        rest = region & ~shaded
        if np.count_nonzero(rest) >= 0.5 * np.count_nonzero(region):
            kept = rest
        elif (
            np.count_nonzero(shaded) >= 0.8 * np.count_nonzero(region)
            and darkening[window][region].mean() < FAINT_SHADOW
        ):
            continue
        else:
            kept = region
        out[window][kept] = index
    return _components(out > 0, min_area) if out.any() else out


def _by_size(labels: np.ndarray) -> np.ndarray:
    """The same regions renumbered largest first."""
    sizes = np.bincount(labels.ravel())
    order = [i for i in np.argsort(-sizes[1:], kind="stable") + 1 if sizes[i] > 0]
    lookup = np.zeros(len(sizes), np.int32)
    lookup[order] = np.arange(1, len(order) + 1)
    return lookup[labels]
