"""'Are the corners of the image black?', 'what colour is the background on the right?': the colour of a
part of the picture (``tools.image_parts``), named by the colour tool from that part's pixels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from argus.agent.core.finding import Finding
from argus.tools.image_parts import part_mask, portrait_subject, side_mask
from argus.tools.masks import encode_rle, mask_box

PORTRAIT = 0.1  # objects leaving less than this share of the picture uncovered fill it, as in a portrait
MIN_BACKGROUND = 0.02  # a background (or its side) under this share of the picture is too little to name


def image_part_colour(
    call: Callable[[str, dict[str, Any] | None], Any], height: int, width: int, part: str, side: str | None
) -> Finding:
    """The colour of ``part`` of the picture ('corners', 'top-left corner', 'edges', 'background'),
    narrowed to ``side`` when given; ``call`` runs a tool (segment, analyze_colors_shapes)."""
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
    return Finding(name, lead, why, value=name)
