"""The colour of written text: the ink inside each box the text reader found.

Inside a line's box the letters are the minority: the box's edge is mostly what they are written on
(its median colour is the background), and the ink is the pixels that differ from it by more than
``INK_STEP`` in CIELAB, the larger share of the difference taken when the letters are thick. Of those, the half
farthest from the background is the letters' core: anti-aliased, blurred or compressed letter edges mix
ink and background, and are left out. The ink is then
named as an object's pixels are (``object_colour``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argus.tools.colour_names import lab

INK_STEP = 25.0  # CIELAB distance from the background over which a pixel is ink ...
INK_SHARE = 0.6  # ... unless more of the box than this differs: then the edge was not the background
EDGE = 2  # pixels of the box's edge taken for its background


def ink_pixels(rgb: np.ndarray, box: Sequence[float]) -> np.ndarray:
    """The (N, 3) RGB pixels of the letters inside ``box`` (xyxy) of the (H, W, 3) ``rgb`` image; empty
    when the box holds no contrast (no letters told from their background)."""
    height, width = rgb.shape[:2]
    x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    crop = rgb[y1:y2, x1:x2]
    if crop.shape[0] <= 2 * EDGE or crop.shape[1] <= 2 * EDGE:
        return np.zeros((0, 3), np.uint8)
    colours = lab(crop)
    edge = np.ones(crop.shape[:2], bool)
    edge[EDGE:-EDGE, EDGE:-EDGE] = False
    background = np.median(colours[edge], axis=0)
    distance = np.linalg.norm(colours - background, axis=-1)
    ink = distance > INK_STEP
    if ink.mean() > INK_SHARE:  # the edge was ink (a box cut tight round thick letters): the rest is paper
        ink = ~ink & (distance < INK_STEP / 2)
    if not ink.any():
        return np.zeros((0, 3), np.uint8)
    core = distance[ink] >= np.median(distance[ink])  # the letters' cores, away from their blurred edges
    return crop[ink][core]


def background_pixels(rgb: np.ndarray, box: Sequence[float]) -> np.ndarray:
    """The (N, 3) RGB pixels of a text box's edge: what its letters are written on."""
    height, width = rgb.shape[:2]
    x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    crop = rgb[y1:y2, x1:x2]
    edge = np.ones(crop.shape[:2], bool)
    edge[EDGE:-EDGE, EDGE:-EDGE] = False
    return crop[edge]
