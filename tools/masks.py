"""Binary masks in the forms evidence carries them: COCO uncompressed RLE, polygons, boxes.

RLE follows COCO's convention so any COCO tool can read it: ``{"size": [h, w], "counts": [...]}``
where ``counts`` are run lengths over the mask flattened in column-major (Fortran) order, starting
with a run of zeros (0 when the first pixel is set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from argus.tools.errors import ToolInputError

MAX_RLE_PIXELS = 256_000_000
MAX_POLYGON_POINTS = 100_000


@dataclass(frozen=True)
class CropMask:
    """A mask kept as the (h, w) boolean crop that holds it and the crop's top-left corner in the
    image, so many masks on a large image do not each cost a full-size array."""

    crop: np.ndarray
    x0: int
    y0: int

    @classmethod
    def from_full(cls, mask: np.ndarray) -> CropMask:
        """The tight crop of a full-size mask (an empty mask gives an empty crop at 0, 0)."""
        box = mask_box(mask)
        if box is None:
            return cls(np.zeros((0, 0), bool), 0, 0)
        x1, y1, x2, y2 = (int(v) for v in box)
        return cls(np.ascontiguousarray(mask[y1:y2, x1:x2], dtype=bool), x1, y1)

    @property
    def area(self) -> int:
        return int(np.count_nonzero(self.crop))

    @property
    def frame(self) -> list[float]:
        """[x1, y1, x2, y2] of the crop itself (for GrabCut, the box it was asked to fill)."""
        h, w = self.crop.shape
        return [float(self.x0), float(self.y0), float(self.x0 + w), float(self.y0 + h)]

    def box(self) -> list[float] | None:
        inner = mask_box(self.crop)
        if inner is None:
            return None
        return [inner[0] + self.x0, inner[1] + self.y0, inner[2] + self.x0, inner[3] + self.y0]

    def full(self, height: int, width: int) -> np.ndarray:
        out = np.zeros((height, width), bool)
        h, w = self.crop.shape
        out[self.y0 : self.y0 + h, self.x0 : self.x0 + w] = self.crop
        return out

    def rle(self, height: int, width: int) -> dict[str, Any]:
        """COCO RLE of the mask in the full (height, width) image, computed from the crop alone:
        the columns left and right of the crop only lengthen the first and last zero runs."""
        h, w = self.crop.shape
        if h == 0 or w == 0 or not self.crop.any():
            return {"size": [height, width], "counts": [height * width]}
        strip = np.zeros((height, w), bool)
        strip[self.y0 : self.y0 + h] = self.crop
        counts = _runs(strip.ravel(order="F"))
        counts[0] += self.x0 * height
        if len(counts) % 2 == 1:  # ends on a zero run: the columns to the right extend it
            counts[-1] += (width - self.x0 - w) * height
        else:
            counts.append((width - self.x0 - w) * height)
        if counts[-1] == 0:
            counts.pop()
        return {"size": [height, width], "counts": counts}

    def polygons(self) -> list[list[list[float]]]:
        return [[[x + self.x0, y + self.y0] for x, y in poly] for poly in mask_polygons(self.crop)]


def encode_rle(mask: np.ndarray) -> dict[str, Any]:
    """COCO uncompressed RLE of an (H, W) boolean mask."""
    if mask.ndim != 2:
        raise ValueError(f"a mask must have shape (H, W), got {mask.shape}")
    height, width = mask.shape
    if mask.size == 0:
        return {"size": [height, width], "counts": []}
    return {"size": [height, width], "counts": _runs(np.asarray(mask, dtype=bool).ravel(order="F"))}


def _runs(flat: np.ndarray) -> list[int]:
    """Alternating run lengths of a flat boolean array, starting with zeros (possibly 0 of them)."""
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], change, [flat.size]))
    counts = np.diff(bounds).tolist()
    if flat[0]:
        counts.insert(0, 0)
    return counts


def decode_rle(rle: dict[str, Any]) -> np.ndarray:
    """The (H, W) boolean mask an uncompressed RLE describes; malformed RLE raises ``ToolInputError``."""
    if not isinstance(rle, dict) or "size" not in rle or "counts" not in rle:
        raise ToolInputError(f"an RLE must be a dict with 'size' and 'counts', got {_brief(rle)}")
    size, counts = rle["size"], rle["counts"]
    if not (isinstance(size, list | tuple) and len(size) == 2 and all(_is_int(v) and v >= 0 for v in size)):
        raise ToolInputError(
            f"RLE 'size' must be [height, width] of non-negative integers, got {_brief(size)}"
        )
    if isinstance(counts, str):
        raise ToolInputError("compressed (string) RLE counts are not supported; give the list of run lengths")
    if not isinstance(counts, list | tuple) or not all(_is_int(v) and v >= 0 for v in counts):
        raise ToolInputError("RLE 'counts' must be a list of non-negative integers")
    height, width = int(size[0]), int(size[1])
    total = height * width
    if total > MAX_RLE_PIXELS:
        raise ToolInputError(f"RLE size {height}x{width} is over the {MAX_RLE_PIXELS:,}-pixel limit")
    runs = np.asarray(counts, dtype=np.int64)
    if int(runs.sum()) != total:
        raise ToolInputError(
            f"RLE counts add up to {int(runs.sum()):,} pixels but size {height}x{width} has {total:,}"
        )
    values = np.zeros(runs.size, dtype=bool)
    values[1::2] = True
    flat = np.repeat(values, runs)
    return flat.reshape((height, width), order="F")


def mask_box(mask: np.ndarray) -> list[float] | None:
    """[x1, y1, x2, y2] of the set pixels (x2, y2 exclusive, so a one-pixel mask has width 1)."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)]


def mask_polygons(mask: np.ndarray, min_points: int = 3) -> list[list[list[float]]]:
    """Outer contours of the mask as [[x, y], ...] lists, largest first."""
    import cv2

    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)
    return [c.reshape(-1, 2).astype(float).tolist() for c in contours if len(c) >= min_points]


def polygons_to_mask(polygons: list[list[list[float]]], height: int, width: int) -> np.ndarray:
    """Rasterise polygons ([[x, y], ...] each) into an (H, W) boolean mask."""
    import cv2

    canvas = np.zeros((height, width), np.uint8)
    points = [polygon_points(p) for p in polygons]
    cv2.fillPoly(canvas, points, 1)
    return canvas.astype(bool)


def polygon_points(polygon: Any) -> np.ndarray:
    """One polygon as an (N, 2) int32 array for OpenCV; malformed input raises ``ToolInputError``."""
    try:
        arr = np.asarray(polygon, dtype=np.float64)
    except (TypeError, ValueError):
        raise ToolInputError(f"a polygon must be a list of [x, y] points, got {_brief(polygon)}") from None
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 3:
        raise ToolInputError(f"a polygon needs >= 3 [x, y] points, got an array of shape {arr.shape}")
    if arr.shape[0] > MAX_POLYGON_POINTS:
        raise ToolInputError(
            f"a polygon may have at most {MAX_POLYGON_POINTS:,} points, got {arr.shape[0]:,}"
        )
    if not np.isfinite(arr).all():
        raise ToolInputError("a polygon's coordinates must be finite numbers")
    return np.round(arr).astype(np.int32)


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
