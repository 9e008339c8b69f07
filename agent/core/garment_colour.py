"""'What colour is his jacket?': the colour of the part of a person a garment covers.

The region comes from ``tools.garments`` (the torso for a shirt or a jacket, the legs for trousers, the
top of the head for a hat; skin left out); its pixels are named as an object's are
(``object_colour``). Where the torso shows two layers, the answer names both ("white, under a black
jacket"), so that whichever garment was meant, the answer says what is seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from argus.agent.core.finding import Finding
from argus.tools.garments import GARMENTS, garment_region
from argus.tools.object_colour import colour_of_pixels

if TYPE_CHECKING:
    import numpy as np

    from argus.agent.core.things import Thing

PART_WORDS = {"head": "head", "torso": "upper body", "dress": "body", "legs": "legs"}


def garment_colour(rgb: np.ndarray, person: Thing, garment: str, subject: str, cites: str) -> Finding:
    """The colour of ``garment`` on ``person`` (a detection with a box) in the (H, W, 3) ``rgb`` image;
    ``subject`` names the person as the answer should ("the man on the left"), ``cites`` their ids."""
    part, layer = GARMENTS[garment]
    region = garment_region(rgb, person.box or [0, 0, 0, 0], garment)
    owner = f"{subject[:1].lower()}{subject[1:]}'s {garment}"
    if not region.visible:
        return Finding(
            None,
            f"I can't tell: {subject[:1].lower()}{subject[1:]}'s {PART_WORDS[part]} {'is' if part != 'legs' else 'are'} not in the picture {cites}.",
        )
    found = colour_of_pixels(rgb[region.mask])
    if found is None:
        return Finding(None, f"I can't tell the colour of {owner} {cites}: its pixels could not be named.")
    colour = found.colour
    plural = garment.endswith("s") or garment in ("clothing",)
    layered = ""
    if region.inner and region.outer and region.inner != region.outer:
        other = region.outer if layer == "inner" else region.inner
        layered = f", under a {other} jacket" if layer == "inner" else f", over a {other} shirt"
    return Finding(
        colour,
        f"{_cap(owner)} {'look' if plural else 'looks'} {colour}{layered} {cites}.",
        caveats=[
            f"No tool here outlines hair: this is the colour of the top of the head in the {person.label}'s box, "
            "with skin left out; a hat there would be taken for hair."
            if garment == "hair"
            else f"No tool here outlines clothing: this is the colour of the {PART_WORDS[part]} of the {person.label}'s "
            f"box where {garment if plural else 'a ' + garment} {'are' if plural else 'is'} worn, with skin left out."
        ],
        value=colour,
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
