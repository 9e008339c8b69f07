"""The outline of everything on the background taken together: the whole of a logo made of several
coloured pieces, a colour wheel whose colours run into each other, a badge cut by a thin white line.

The things are outlined one by one by their colour, so a thing made of several colours is several
things, and a thing whose colours blend is one region of no clear colour. Its overall shape is the
shape of its silhouette instead: every pixel that is not background, with gaps narrower than
``GAP_SHARE`` of its size closed (a white line between two coloured halves) and holes filled. The
silhouette is a whole only when it is one piece; it may touch the image's edges (a wheel drawn to fill
the frame) along at most ``EDGE_SHARE`` of its width or height, else the frame cuts it and its shape is
not in the picture. Its colours are the named colours of its own pixels that cover ``COLOUR_SHARE`` of it,
when together they cover most of it (``NAMED_SHARE``); else it is of many colours and none is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from argus.tools.colour_names import COLOUR_NAMES, name_colours
from argus.tools.foreground import BORDER_FIT
from argus.tools.shape_names import classify_contour

if TYPE_CHECKING:
    from argus.tools.foreground import Foreground
    from argus.tools.image_io import LoadedImage

GAP_SHARE = 0.03  # gaps up to this share of the silhouette's longer side are closed
ONE_PIECE = 0.97  # the largest piece holds this share of the silhouette
EDGE_SHARE = 0.2  # share of its width (height) along which it may touch the image's top or bottom (side)
MIN_SHARE = 0.05  # the silhouette covers at least this share of the image
COLOUR_SHARE = 0.15
NAMED_SHARE = 0.7  # the colours named must cover this share of it together, else it is of many colours
COLOUR_SAMPLE = 100_000


@dataclass(frozen=True)
class Silhouette:
    shape: str
    box: list[float]
    area: int
    colours: list[tuple[str, float]]  # (colour name, share of the silhouette), largest first; [] for many


def find_silhouette(image: LoadedImage, foreground: Foreground) -> Silhouette | None:
    """The whole silhouette of the things on ``foreground``'s background, or None when there is no
    background to stand on, the things are not one piece, or the silhouette has no shape name."""
    import cv2
    from scipy import ndimage

    mask = foreground.labels > 0
    if foreground.border_fit < BORDER_FIT or np.count_nonzero(mask) < MIN_SHARE * mask.size:
        return None
    ys, xs = np.nonzero(mask)
    side = max(xs.max() - xs.min(), ys.max() - ys.min()) + 1
    radius = max(1, int(round(GAP_SHARE * side / 2)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    padded = np.pad(mask, radius, mode="edge").astype(np.uint8)  # the frame's edge does not close inwards
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, kernel)[radius:-radius, radius:-radius] > 0
    whole = ndimage.binary_fill_holes(closed)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(whole.astype(np.uint8), connectivity=8)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = int(stats[largest, cv2.CC_STAT_AREA])
    if area < ONE_PIECE * np.count_nonzero(whole):
        return None
    piece = labels == largest
    contours, _ = cv2.findContours(piece.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    x, y, w, h = cv2.boundingRect(contour)
    if _cut(piece, w, h):
        return None
    shape = classify_contour(contour)
    if shape == "other":
        return None
    return Silhouette(
        shape, [float(x), float(y), float(x + w), float(y + h)], area, _colours(image.rgb[piece])
    )


def _cut(piece: np.ndarray, width: int, height: int) -> bool:
    """Whether the frame cuts the silhouette: it runs along one of the image's edges for more than
    ``EDGE_SHARE`` of its own width (or height) there. A round thing drawn to fill the frame only
    touches each edge briefly."""
    along = (
        (np.count_nonzero(piece[0]), width),
        (np.count_nonzero(piece[-1]), width),
        (np.count_nonzero(piece[:, 0]), height),
        (np.count_nonzero(piece[:, -1]), height),
    )
    return any(touching > EDGE_SHARE * extent for touching, extent in along)


def _colours(pixels: np.ndarray) -> list[tuple[str, float]]:
    step = max(1, len(pixels) // COLOUR_SAMPLE)
    counts = np.bincount(name_colours(pixels[::step]), minlength=len(COLOUR_NAMES))
    shares = counts / max(1, counts.sum())
    order = [i for i in np.argsort(-shares, kind="stable") if shares[i] >= COLOUR_SHARE]
    if shares[order].sum() < NAMED_SHARE:
        return []  # a colour wheel: many colours, none of them most of it
    return [(COLOUR_NAMES[i], round(float(shares[i]), 3)) for i in order]
