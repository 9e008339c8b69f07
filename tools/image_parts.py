"""Parts of a picture named by where they are: its corners, its edges, one side, its background.

Each part is a boolean mask of the image (so a part of several pieces, like the four corners, is one
region to name the colour of). The background is what no outlined object covers, given those objects'
masks; a side narrows it ("the background on the right").
"""

from __future__ import annotations

import numpy as np

CORNER = 0.12  # a corner is this share of the image's width and height
EDGE = 0.06  # an edge is a band this share of the image's width or height
SIDES = ("left", "right", "top", "bottom", "middle")
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
PARTS = frozenset(
    ["corners", "edges", "background", *(f"{c} corner" for c in CORNERS), *(f"{s} edge" for s in SIDES[:4])]
)


def side_mask(height: int, width: int, side: str) -> np.ndarray:
    """The third of the image on that side (left, right, top, bottom), or its middle ninth."""
    mask = np.zeros((height, width), bool)
    h3, w3 = height // 3, width // 3
    if side == "left":
        mask[:, :w3] = True
    elif side == "right":
        mask[:, width - w3 :] = True
    elif side == "top":
        mask[:h3] = True
    elif side == "bottom":
        mask[height - h3 :] = True
    elif side == "middle":
        mask[h3 : height - h3, w3 : width - w3] = True
    else:
        raise ValueError(f"a side is one of {', '.join(SIDES)}, got {side!r}")
    return mask


def part_mask(height: int, width: int, part: str, objects: np.ndarray | None = None) -> np.ndarray:
    """The mask of a named part: 'corners', 'top-left corner', 'edges', 'bottom edge', 'background'
    (the pixels outside ``objects``, a full-image mask of the objects found)."""
    mask = np.zeros((height, width), bool)
    ch, cw = max(1, int(CORNER * height)), max(1, int(CORNER * width))
    eh, ew = max(1, int(EDGE * height)), max(1, int(EDGE * width))
    corners = {
        "top-left": (slice(0, ch), slice(0, cw)), "top-right": (slice(0, ch), slice(width - cw, width)),
        "bottom-left": (slice(height - ch, height), slice(0, cw)),
        "bottom-right": (slice(height - ch, height), slice(width - cw, width)),
    }  # fmt: skip
    edges = {
        "top": (slice(0, eh), slice(None)), "bottom": (slice(height - eh, height), slice(None)),
        "left": (slice(None), slice(0, ew)), "right": (slice(None), slice(width - ew, width)),
    }  # fmt: skip
    if part == "corners":
        for rows, cols in corners.values():
            mask[rows, cols] = True
    elif part.endswith(" corner") and part.removesuffix(" corner") in corners:
        mask[corners[part.removesuffix(" corner")]] = True
    elif part == "edges":
        for rows, cols in edges.values():
            mask[rows, cols] = True
    elif part.endswith(" edge") and part.removesuffix(" edge") in edges:
        mask[edges[part.removesuffix(" edge")]] = True
    elif part == "background":
        mask = ~objects if objects is not None else np.ones((height, width), bool)
    else:
        raise ValueError(f"a part is one of {', '.join(sorted(PARTS))}, got {part!r}")
    return mask


def portrait_subject(height: int, width: int) -> np.ndarray:
    """Where the subject of a portrait is: everything but the upper half beside the middle third, which
    is what one sees of the background around a head and shoulders."""
    subject = np.ones((height, width), bool)
    subject[: height // 2, : width // 3] = False
    subject[: height // 2, width - width // 3 :] = False
    return subject
