"""Where a garment is on a person: the part of the person's box it covers, without the skin.

No tool here outlines clothing, so a garment is found by where it is worn on a body seen upright, measured
from the face (found by skin colour; else a head of usual size at the top middle of the box):

- a hat is above the face, no wider than the face;
- a shirt, a jacket, a coat, a uniform is on the torso: from under the face to the hips (3.6 heads below
  the top of the head; the picture's edge for a portrait cut at the chest), ``SHOULDERS`` face widths to
  either side of the face's centre line, so that an arm held out and the people beside stay out;
- trousers, jeans and skirts are on the legs, from the hips to above the feet; a person cut off at the
  waist shows none, and the answer says so.

Skin is left out (a YCrCb rule with a CIELAB check, so beige and cream cloth stay in): a neck, hands and
arms are not the shirt. A torso may show two layers: a jacket open over a shirt shows the shirt between
its lapels, so another colour lying between the main colour's pixels on its rows, and narrower than it,
is the inner layer (the shirt) and the main colour the outer (the jacket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from argus.tools.colour_names import COLOUR_NAMES, name_colours

Part = Literal["head", "torso", "legs", "dress"]
Layer = Literal["inner", "outer", "whole"]

# garment word -> (where it is worn, which layer of the torso it is)
GARMENTS: dict[str, tuple[Part, Layer]] = {
    **{
        w: ("head", "whole")
        for w in ("hat", "cap", "helmet", "beanie", "hood", "turban", "headscarf", "hair")
    },
    **{w: ("torso", "inner") for w in ("shirt", "t-shirt", "tshirt", "blouse", "top", "tank top", "polo")},
    **{
        w: ("torso", "outer")
        for w in (
            "jacket",
            "coat",
            "blazer",
            "suit",
            "uniform",
            "sweater",
            "jumper",
            "hoodie",
            "cardigan",
            "vest",
            "jersey",
            "spacesuit",
            "overcoat",
            "raincoat",
            "parka",
            "tuxedo",
        )
    },  # fmt: skip
    **{
        w: ("dress", "outer")
        for w in ("dress", "gown", "robe", "clothes", "clothing", "outfit", "costume", "overalls")
    },
    **{w: ("legs", "whole") for w in ("trousers", "pants", "jeans", "shorts", "skirt", "leggings", "slacks")},
}

CUT_OFF = 0.97  # a box reaching this far down the picture is a figure cut off by the picture's edge
FIGURE_HEADS = 7.5  # a standing adult is about seven and a half heads tall ...
HIP_HEADS = 3.6  # ... with the hips about this many heads below the top of the head
FACE_SKIN = 0.2  # a row of the box's middle half this much skin is part of the face ...
FACE_COLUMN = 0.3  # ... and a column of the face's rows this much skin is across the face
SHOULDERS = 1.3  # the torso reaches this many face widths either side of the face's centre line ...
HAT_REACH = 0.45  # ... and a hat this many
SKIN_MIN = 0.02  # a band with less than this share of garment pixels left is answered from all of them
LAYER_SHARE = 0.04  # a torso's second colour covering at least this share may be an inner layer ...
ENCLOSED = 0.7  # ... when this share of it lies between the first colour's pixels on its rows ...
LAYER_CENTRE = 0.7  # ... and it spreads across less than this share of the first colour's width


@dataclass(frozen=True)
class GarmentRegion:
    """The pixels of the image (a full-image boolean mask) taken for a garment, whether the body part
    that wears it is in the picture, and the layers seen on the torso (basic colour names) where it
    shows two."""

    mask: np.ndarray
    visible: bool = True
    outer: str | None = None
    inner: str | None = None


def garment_region(rgb: np.ndarray, box: Sequence[float], garment: str) -> GarmentRegion:
    """The part of the (H, W, 3) ``rgb`` image a garment of the person in ``box`` (xyxy) covers;
    ``visible`` is False when the body part that wears it is outside the picture."""
    height, width = rgb.shape[:2]
    x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    part, layer = GARMENTS.get(garment, ("torso", "outer"))
    crop = rgb[y1:y2, x1:x2]
    box_h, box_w = crop.shape[:2]
    skin = skin_mask(crop)
    face = _face(skin)
    cut = y2 >= CUT_OFF * height
    if face is None:  # no face seen: a figure of usual proportions, centred in its box
        head = min(box_h / FIGURE_HEADS if not cut else 0.4 * box_h, 1.2 * box_w)
        face = (0, int(head), int(0.35 * box_w), int(0.65 * box_w))
    top_face, bottom_face, left_face, right_face = face
    head = bottom_face - top_face
    hips = top_face + HIP_HEADS * head if cut else 0.55 * box_h
    rows = {
        "head": (0, max(top_face, int(0.5 * head))),
        "torso": (bottom_face + 0.05 * head, hips),
        "dress": (bottom_face + 0.05 * head, box_h if cut else 0.8 * box_h),
        "legs": (hips if cut else hips + 0.05 * box_h, box_h if cut else 0.93 * box_h),
    }[part]
    top, bottom = int(rows[0]), min(box_h, int(rows[1]))
    centre = (left_face + right_face) / 2
    reach = (SHOULDERS if part != "head" else HAT_REACH) * (right_face - left_face)
    left, right = max(0, int(centre - reach)), min(box_w, int(centre + reach) + 1)
    mask = np.zeros((height, width), bool)
    if bottom - top < 2 or right - left < 2:
        return GarmentRegion(mask, visible=False)
    keep = np.zeros(crop.shape[:2], bool)
    keep[top:bottom, left:right] = True
    clothed = keep & ~skin
    if np.count_nonzero(clothed) >= SKIN_MIN * np.count_nonzero(keep):
        keep = clothed
    outer = inner = None
    if part == "torso":
        outer, inner, keep = _layers(crop, keep, layer)
    mask[y1:y2, x1:x2] = keep
    return GarmentRegion(mask, outer=outer, inner=inner)


def skin_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of skin in an (H, W, 3) RGB array: lit (R over 95), red over green over blue with green
    at least near blue (saturated reds, crowds in red and orange stay out), Cr 138-173, and reddish
    in CIELAB (a* 8-35: beige, cream and tan cloth is yellower)."""
    from argus.tools.colour_names import lab

    pixels = rgb.astype(np.int32)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    cr = 128 + 0.5 * r - 0.4187 * g - 0.0813 * b
    rule = (r > 95) & (g > 40) & (r - g > 12) & (g >= b - 5) & (r - g <= 0.5 * r) & (cr >= 138) & (cr <= 173)
    out = np.zeros(rule.shape, bool)
    if rule.any():
        a_star = lab(rgb[rule])[:, 1]
        out[rule] = (a_star >= 8) & (a_star <= 35)
    return out


def _face(skin: np.ndarray) -> tuple[int, int, int, int] | None:
    """The face in a person's box as (top, bottom, left, right) in the box: the longest run of rows of
    the upper 60% whose middle half is at least ``FACE_SKIN`` skin (gaps of glasses and eyes bridged),
    and the columns of those rows that are mostly skin; None when no row is."""
    height, width = skin.shape
    quarter = width // 4
    middle = skin[: int(0.6 * height), quarter : max(quarter + 1, width - quarter)]
    rows = np.flatnonzero(middle.mean(axis=1) >= FACE_SKIN)
    if len(rows) == 0:
        return None
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > max(3, height // 12)) + 1)
    face = max(runs, key=lambda run: run[-1] - run[0])
    top, bottom = int(face[0]), int(face[-1]) + 1
    columns = np.flatnonzero(skin[top:bottom].mean(axis=0) >= FACE_COLUMN)
    if bottom - top < 3 or len(columns) == 0:
        return None
    runs = np.split(columns, np.flatnonzero(np.diff(columns) > max(3, width // 20)) + 1)
    across = max(runs, key=len)
    return top, bottom, int(across[0]), int(across[-1]) + 1


def _layers(crop: np.ndarray, keep: np.ndarray, layer: Layer) -> tuple[str | None, str | None, np.ndarray]:
    """The torso's outer and inner colours when it shows two layers, and the pixels of the asked layer.

    The outer layer is the torso's main colour; an inner one is another colour covering at least
    ``LAYER_SHARE`` of it that lies between the outer colour's pixels on its rows (a shirt between a
    jacket's lapels) and spreads across less than ``LAYER_CENTRE`` of the outer colour's width."""
    ys, xs = np.nonzero(keep)
    if len(xs) == 0:
        return None, None, keep
    names = name_colours(crop[ys, xs])
    counts = np.bincount(names, minlength=len(COLOUR_NAMES))
    first = int(np.argmax(counts))
    on_first = names == first
    left = np.full(crop.shape[0], np.iinfo(np.int32).max)
    right = np.full(crop.shape[0], -1)
    np.minimum.at(left, ys[on_first], xs[on_first])
    np.maximum.at(right, ys[on_first], xs[on_first])
    between = (xs > left[ys]) & (xs < right[ys])
    width = xs[on_first].std()
    inner = None
    for colour in np.argsort(-counts, kind="stable")[1:]:
        at = names == colour
        if counts[colour] < LAYER_SHARE * len(names):
            break
        if between[at].mean() >= ENCLOSED and xs[at].std() < LAYER_CENTRE * width:
            inner = int(colour)
            break
    if inner is None:
        return None, None, keep
    chosen = {"inner": inner, "outer": first}.get(layer)
    if chosen is None:
        return COLOUR_NAMES[first], COLOUR_NAMES[inner], keep
    out = np.zeros_like(keep)
    out[ys[names == chosen], xs[names == chosen]] = True
    return COLOUR_NAMES[first], COLOUR_NAMES[inner], out
