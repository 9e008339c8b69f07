"""The colour of one object: named from its own pixels, not from the whole image.

The pixels come from the object's mask when there is one, else from GrabCut's foreground inside its
box (the box's surroundings teach GrabCut what the background looks like), weighted towards the box's
centre; when GrabCut misses (an object against a busy background of like colours), each colour in the
box counts only by how much more of the box it covers than of a ring around it. Smaller objects in front
of it (people before a bus) are left out. Every pixel is named
(``colour_names``) and the colours vote, with two corrections for what a camera adds to an object:

- near-black pixels on a coloured object are shadows, windows, tyres or gaps (a blue bus has black
  windows and a dark underside; nobody calls it black), so they are left out when a chromatic colour
  leads the rest of the object; an object that is mostly black stays black;
- a small share of white pixels (under ``HIGHLIGHT_SHARE``) on an object of another colour is
  specular highlight or small print, and is left out the same way.

Of the rest, a chromatic colour outranks an achromatic one that covers up to ``CHROMATIC_SALIENCE``
times as many pixels: gray on a coloured object is mostly glass, metal trim or reflections (a blue
bus's windows), and people name such an object by its paint.

The second colour is reported when it covers at least ``SECOND_SHARE`` of the counted pixels (a
two-toned object: a white-and-blue bus, a black suit over a white shirt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from argus.tools.colour_names import COLOUR_NAMES, SHADE_NAMES, colour_of, lab, name_shades

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

SHADOW_SHARE = 0.5  # near-black pixels are left out while they are under this share of the object ...
CHROMATIC_MAJORITY = 1 / 3  # ... and a chromatic colour leads the rest, holding this share of it
HIGHLIGHT_SHARE = 0.1  # white below this share of an object of another colour is highlight or print
CHROMATIC_SALIENCE = 1.25  # a chromatic colour outranks gray, black or white covering up to 1.25x its share
DULL_CHROMA = 25.0  # CIELAB chroma under which a pixel named by a colour is nearly gray
SECOND_SHARE = (
    0.2  # a second colour at least this share of the counted pixels (weighed as ranked) is named too
)
GRABCUT_SIDE = 128  # the box and its surroundings are scaled to at most this many pixels a side ...
GRABCUT_ITERATIONS = 3  # ... for this many rounds of GrabCut
GRABCUT_CONTEXT = 0.15  # share of the box's size added on each side for GrabCut to learn the background
MIN_FOREGROUND = 0.3  # GrabCut keeping less of the box than this has missed the object ...
MIN_RING = 0.1  # ... and then the box's colours are weighed against a ring around it this large ...
MIN_CONTRAST = 0.1  # ... when the colours over-represented in the box cover at least this share of it
FRONT_AREA = 0.8  # a box under this share of another's area, ...
FRONT_INSIDE = 0.5  # ... with this share of it inside the other, is an object in front of it
MAX_PIXELS = 60_000  # pixels named per object (an even stride over larger ones)
ACHROMATIC = frozenset({"black", "white", "gray"})
_BLACK = COLOUR_NAMES.index("black")
_WHITE = COLOUR_NAMES.index("white")
_SHADE_COLOUR = np.array([COLOUR_NAMES.index(colour_of(s)) for s in SHADE_NAMES], np.int8)
_CHROMATIC = [i for i, name in enumerate(COLOUR_NAMES) if name not in ACHROMATIC]
_SALIENCE = np.array([1.0 if name in ACHROMATIC else CHROMATIC_SALIENCE for name in COLOUR_NAMES])


@dataclass(frozen=True)
class ObjectColour:
    """An object's colour: its basic name and shade, the share of the counted pixels it covers, their
    median RGB, and the second colour of a two-toned object."""

    colour: str
    shade: str
    fraction: float
    rgb: tuple[int, int, int]
    pixels: int
    second: str | None = None
    second_shade: str | None = None
    second_fraction: float | None = None


def colour_of_pixels(pixels: np.ndarray, weights: np.ndarray | None = None) -> ObjectColour | None:
    """The colour of an object from its (N, 3) uint8 RGB pixels, each counted with its weight (default
    1); None when no pixel has weight."""
    pixels = np.asarray(pixels, np.uint8).reshape(-1, 3)
    weights = np.ones(len(pixels), np.float64) if weights is None else np.asarray(weights, np.float64)
    if len(pixels) > MAX_PIXELS:
        step = int(np.ceil(len(pixels) / MAX_PIXELS))
        pixels, weights = pixels[::step], weights[::step]
    if len(pixels) == 0 or weights.sum() <= 0:
        return None
    shades = name_shades(pixels)
    colours = _SHADE_COLOUR[shades]
    keep = weights > 0
    for excluded, limit in ((_BLACK, SHADOW_SHARE), (_WHITE, HIGHLIGHT_SHARE)):
        rest = keep & (colours != excluded)
        share = 1 - weights[rest].sum() / weights[keep].sum()
        if 0 < share < limit and _chromatic_majority(colours[rest], weights[rest]):
            keep = rest
    votes = np.bincount(colours[keep], weights=weights[keep], minlength=len(COLOUR_NAMES))
    votes = votes / votes.sum()
    # a chromatic name on a nearly gray pixel (a dull brown of shadow, grime or the floor behind) is
    # weak evidence of that colour: it ranks below gray, as a vivid one ranks above it
    vivid = np.where(_chroma(pixels[keep]) >= DULL_CHROMA, CHROMATIC_SALIENCE, 1 / CHROMATIC_SALIENCE)
    salience = np.where(np.isin(colours[keep], _CHROMATIC), vivid, 1.0)
    ranked = np.bincount(colours[keep], weights=weights[keep] * salience, minlength=len(COLOUR_NAMES))
    order = [int(i) for i in np.argsort(-ranked, kind="stable") if votes[i] > 0]
    top = order[0]
    in_top = keep & (colours == top)
    red, green, blue = (int(v) for v in np.median(pixels[in_top], axis=0))
    result = ObjectColour(
        colour=COLOUR_NAMES[top],
        shade=_main_shade(shades[in_top], weights[in_top]),
        fraction=round(float(votes[top]), 4),
        rgb=(red, green, blue),
        pixels=int(np.count_nonzero(keep)),
    )
    if len(order) > 1 and ranked[order[1]] >= SECOND_SHARE * ranked.sum():
        second = order[1]
        in_second = keep & (colours == second)
        result = replace(
            result,
            second=COLOUR_NAMES[second],
            second_shade=_main_shade(shades[in_second], weights[in_second]),
            second_fraction=round(float(votes[second]), 4),
        )
    return result


def _chroma(pixels: np.ndarray) -> np.ndarray:
    """Each pixel's CIELAB chroma: how far from gray it is."""
    ab = lab(pixels.reshape(-1, 3))[:, 1:]
    return np.hypot(ab[:, 0], ab[:, 1])


def _chromatic_majority(colours: np.ndarray, weights: np.ndarray) -> bool:
    """Whether the leading colour of these (weighted) pixels, ranked as the object's colour is, is
    chromatic and holds at least ``CHROMATIC_MAJORITY`` of them."""
    if weights.sum() <= 0:
        return False
    votes = np.bincount(colours, weights=weights, minlength=len(COLOUR_NAMES))
    top = int((votes * _SALIENCE).argmax())
    return top in _CHROMATIC and bool(votes[top] >= CHROMATIC_MAJORITY * weights.sum())


def _main_shade(shades: np.ndarray, weights: np.ndarray) -> str:
    return SHADE_NAMES[int(np.bincount(shades, weights=weights).argmax())]


def region_pixels(
    image: LoadedImage,
    box: Sequence[float],
    mask: np.ndarray | None = None,
    exclude: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The (N, 3) RGB pixels of the object in ``box`` (xyxy, clipped to the image) and their weights.

    With ``mask`` (a full-image boolean mask) they are the mask's pixels inside the box, each weighing
    1. Without one they are GrabCut's foreground in the box, weighted towards the box's centre (a
    detector's box is tight, so its centre is object while its corners are often background); when
    GrabCut keeps too little of the box (an object the colour of its surroundings) they are the box's
    inscribed ellipse instead. ``exclude`` (a full-image boolean mask: objects in front of this one)
    is left out either way.
    """
    x1, y1, x2, y2 = _clip(box, image.width, image.height)
    rgb = image.rgb[y1:y2, x1:x2]
    if rgb.size == 0:
        return np.zeros((0, 3), np.uint8), np.zeros(0)
    if mask is not None:
        inside = _interior(mask[y1:y2, x1:x2])
        weights = np.ones(inside.shape)
    else:
        weights = _centre_weights(*rgb.shape[:2])
        found = _grabcut(image.bgr, (x1, y1, x2, y2))
        missed = np.count_nonzero(found) < MIN_FOREGROUND * found.size
        inside = weights > 0 if missed else _interior(found)
        if missed:
            weights = weights * _contrast_weights(image.rgb, (x1, y1, x2, y2))
            inside &= weights > 0
    if exclude is not None:
        inside = inside & ~exclude[y1:y2, x1:x2]
    return rgb[inside], weights[inside]


def _contrast_weights(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Per pixel of ``box``, how much its colour is the object's rather than the surroundings': a colour
    covering share ``a`` of the box and ``b`` of a ring around it weighs ``max(0, 1 - b / a)``, so the
    box's votes become ``a - b``: what the object adds to its background (a red motorcycle against a
    brown wooden wall and a gray floor that also fill its box). All ones when there is no ring to compare
    with, or when no colour stands out (an object the colour of its surroundings)."""
    x1, y1, x2, y2 = box
    height, width = rgb.shape[:2]
    cx1, cy1, cx2, cy2 = _with_context(box, width, height)
    ring = np.ones((cy2 - cy1, cx2 - cx1), bool)
    ring[y1 - cy1 : y2 - cy1, x1 - cx1 : x2 - cx1] = False
    ones = np.ones((y2 - y1, x2 - x1))
    if np.count_nonzero(ring) < MIN_RING * ones.size:
        return ones
    inside = _SHADE_COLOUR[name_shades(_strided(rgb[y1:y2, x1:x2].reshape(-1, 3)))]
    around = _SHADE_COLOUR[name_shades(_strided(rgb[cy1:cy2, cx1:cx2][ring]))]
    share_in = np.bincount(inside, minlength=len(COLOUR_NAMES)) / len(inside)
    share_out = np.bincount(around, minlength=len(COLOUR_NAMES)) / len(around)
    keep = np.clip(1 - share_out / np.maximum(share_in, 1e-9), 0, 1)
    if (share_in * keep).sum() < MIN_CONTRAST:
        return ones
    colours = _SHADE_COLOUR[name_shades(rgb[y1:y2, x1:x2].reshape(-1, 3))]
    return keep[colours].reshape(ones.shape)


def _with_context(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """The box grown by ``GRABCUT_CONTEXT`` of its size on each side (and 2 px), inside the image."""
    x1, y1, x2, y2 = box
    pad_x, pad_y = int((x2 - x1) * GRABCUT_CONTEXT) + 2, int((y2 - y1) * GRABCUT_CONTEXT) + 2
    return max(0, x1 - pad_x), max(0, y1 - pad_y), min(width, x2 + pad_x), min(height, y2 + pad_y)


def _strided(pixels: np.ndarray) -> np.ndarray:
    step = max(1, int(np.ceil(len(pixels) / MAX_PIXELS)))
    return pixels[::step]


def _grabcut(bgr: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """GrabCut's foreground inside ``box`` as a boolean array of the box's shape.

    Coarser than the segment tool's masks on purpose (the box and its surroundings at most
    ``GRABCUT_SIDE`` pixels, ``GRABCUT_ITERATIONS`` rounds): a colour needs most of the object's pixels,
    not its exact edge, and this is several times faster.
    """
    import cv2

    height, width = bgr.shape[:2]
    x1, y1, x2, y2 = box
    if x2 - x1 < 4 or y2 - y1 < 4:
        return np.ones((y2 - y1, x2 - x1), bool)
    cx1, cy1, cx2, cy2 = _with_context(box, width, height)
    context = bgr[cy1:cy2, cx1:cx2]
    scale = min(1.0, GRABCUT_SIDE / max(context.shape[:2]))
    small = (
        cv2.resize(context, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else context
    )
    sh, sw = small.shape[:2]
    rx1, ry1 = int((x1 - cx1) * scale), int((y1 - cy1) * scale)
    rx2, ry2 = min(sw, int(np.ceil((x2 - cx1) * scale))), min(sh, int(np.ceil((y2 - cy1) * scale)))
    if rx1 == 0 and ry1 == 0 and rx2 == sw and ry2 == sh:  # no surroundings to learn the background from
        rx1, ry1, rx2, ry2 = 1, 1, sw - 1, sh - 1
    labels = np.zeros((sh, sw), np.uint8)
    cv2.setRNGSeed(0)  # GrabCut's colour models start from k-means: same box, same pixels
    models = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    rect = (rx1, ry1, max(1, rx2 - rx1), max(1, ry2 - ry1))
    cv2.grabCut(small, labels, rect, *models, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_RECT)
    foreground = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.uint8)
    if scale < 1:
        foreground = cv2.resize(foreground, (cx2 - cx1, cy2 - cy1), interpolation=cv2.INTER_NEAREST)
    return foreground[y1 - cy1 : y2 - cy1, x1 - cx1 : x2 - cx1] > 0


def _centre_weights(height: int, width: int) -> np.ndarray:
    """1 at the centre of a box falling to 0 on its inscribed ellipse (0 in the corners)."""
    ys = (np.arange(height) + 0.5) / height * 2 - 1
    xs = (np.arange(width) + 0.5) / width * 2 - 1
    return np.clip(1 - np.hypot(xs[np.newaxis, :], ys[:, np.newaxis]), 0, 1)


def _interior(mask: np.ndarray) -> np.ndarray:
    """The mask without its outermost pixels (they mix the object with what is behind it), unless
    that leaves too little."""
    from argus.tools.foreground import shrink

    if min(mask.shape) < 12:
        return mask
    inner = shrink(mask, 1)
    return inner if np.count_nonzero(inner) >= 0.5 * np.count_nonzero(mask) else mask


def _clip(box: Sequence[float], width: int, height: int) -> tuple[int, int, int, int]:
    x1, y1 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    return x1, y1, max(x1, x2), max(y1, y2)


def in_front(boxes: Sequence[Sequence[float]]) -> list[list[int]]:
    """For each box, the other boxes taken to be objects in front of it: smaller (under
    ``FRONT_AREA`` of its area) and mostly (``FRONT_INSIDE``) within it, like the people standing
    before a bus or the cup on a table. Their pixels are not the bigger object's colour."""
    areas = [max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1]) for b in boxes]
    out: list[list[int]] = []
    for i, outer in enumerate(boxes):
        inside = []
        for j, inner in enumerate(boxes):
            if j == i or areas[j] <= 0 or areas[j] >= FRONT_AREA * areas[i]:
                continue
            w = min(outer[2], inner[2]) - max(outer[0], inner[0])
            h = min(outer[3], inner[3]) - max(outer[1], inner[1])
            if w > 0 and h > 0 and w * h >= FRONT_INSIDE * areas[j]:
                inside.append(j)
        out.append(inside)
    return out
