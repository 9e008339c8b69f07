"""'Are the corners of the image black?', 'what colour is the background on the right?': the colour of a
part of the picture (``tools.image_parts``), named by the colour tool from that part's pixels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from argus.agent.core.finding import Finding, verdict
from argus.tools.colour_names import lab
from argus.tools.image_parts import part_mask, portrait_subject, side_mask
from argus.tools.masks import encode_rle, mask_box

PORTRAIT = 0.1  # objects leaving less than this share of the picture uncovered fill it, as in a portrait
DARK, LIGHT = 35.0, 65.0  # median CIELAB lightness under which a part is dark, over which it is light
MIN_BACKGROUND = 0.02  # a background (or its side) under this share of the picture is too little to name


def image_part_colour(
    call: Callable[[str, dict[str, Any] | None], Any],
    rgb: np.ndarray,
    part: str,
    side: str | None,
    lightness: str | None = None,
) -> Finding:
    """The colour of ``part`` of the (H, W, 3) ``rgb`` picture ('corners', 'top-left corner', 'edges',
    'background'), narrowed to ``side`` when given; with ``lightness`` ('dark' or 'light') whether it
    is that: its median CIELAB lightness under ``DARK`` or over ``LIGHT``. ``call`` runs a tool."""
    height, width = rgb.shape[:2]
    objects = None
    cites = ""
    portrait = False
    if part == "background":
        detected = call("detect_objects", None)
        if detected is None:
            return Finding(
                None,
                "I can't tell: the object detector failed, so I can't tell the background from the objects.",
            )
        things = [d for d in detected.items() if getattr(d, "box", None)]
        objects = np.zeros((height, width), bool)
        for thing in things:
            x1, y1, x2, y2 = (int(round(v)) for v in thing.box)
            objects[max(0, y1) : y2, max(0, x1) : x2] = True
        if np.count_nonzero(~objects) < PORTRAIT * height * width:
            objects = portrait_subject(height, width)
            portrait = True
        cites = "".join(f"[{t.id}]" for t in things[:6])
    mask = part_mask(height, width, part, objects)
    if side is not None:
        mask &= side_mask(height, width, side)
    where = (
        f"{part} on the {side}" if side and side != "middle" else f"{part} in the middle" if side else part
    )
    if np.count_nonzero(mask) < MIN_BACKGROUND * height * width and part == "background":
        return Finding(None, f"I can't tell: the objects fill the picture, leaving almost no {where} to see.")
    box = mask_box(mask)
    if box is None:
        return Finding(None, f"I can't tell: there is no {where} in this picture.")
    result = call(
        "analyze_colors_shapes",
        {"regions": [{"box": box, "rle": encode_rle(mask), "label": where}], "shapes": False},
    )
    if result is None or not result.object_colours:
        return Finding(None, "I can't tell: the colour analysis failed.")
    colour = result.object_colours[0]
    name = colour.label
    also = f" with some {colour.second_colour}" if colour.second_colour else ""
    plural = part in ("corners", "edges")
    lead = f"The {where} {'are' if plural else 'is'} {name}{also} [{colour.id}]."
    why = []
    if portrait:
        why = [
            f"The objects found {cites} fill the picture, so the background is taken from beside the subject's head."
        ]
    elif cites:
        why = [f"The background is what the objects found {cites} leave uncovered."]
    if lightness is not None:
        middle = float(np.median(lab(rgb[mask][:: max(1, int(np.count_nonzero(mask)) // 20_000)])[:, 0]))
        yes = middle < DARK if lightness == "dark" else middle > LIGHT
        return verdict(yes, f": {lead[:1].lower()}{lead[1:]}", why)
    return Finding(name, lead, why, value=name)
