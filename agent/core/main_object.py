"""Taking the one object of a product shot for the thing a question names when no tool knows that thing:
"what colour is the gift?" on a picture of one gift box on a white page.

A careful person answers about the main object and says so. Strictly: the picture must be things on a
plain background (``find_objects`` counted them) with one of them clearly the main one (it holds
``MAIN_SHARE`` of everything that stands out and covers ``MAIN_SIZE`` of the picture), that object must
have no shape name of its own (a drawn circle is a circle, not "the gift"), and the noun must not name
a part or the trim of a thing (the ribbon on a box is not the box). Nouns the detector knows never come
here: they go to the detector, which looks for them itself.
"""

from __future__ import annotations

import re
from typing import Any

MAIN_SHARE = 0.8
MAIN_SIZE = 0.05
# Parts, trim and surfaces of a thing, and what is not a thing: never the whole object in the picture.
PART_WORDS = frozenset(
    [
        "ribbon", "ribbons", "bow", "bows", "lid", "lids", "cap", "caps", "handle", "handles", "strap", "straps",
        "label", "labels", "tag", "tags", "sticker", "stickers", "wrapping", "wrapper", "paper", "tape", "string",
        "strings", "knot", "knots", "button", "buttons", "wheel", "wheels", "logo", "logos", "text", "writing",
        "letter", "letters", "word", "words", "pattern", "patterns", "stripe", "stripes", "dot", "dots", "spot",
        "spots", "edge", "edges", "corner", "corners", "top", "bottom", "side", "sides", "base", "front", "back",
        "inside", "outside", "rim", "trim", "border", "frame", "shadow", "shadows", "reflection", "reflections",
        "highlight", "background", "foreground", "floor", "table", "wall", "sky", "light",
    ]
)  # fmt: skip
# Everyday objects the parser takes for solids: a box is drawn as a cube, but a photographed box is a box.
EVERYDAY_SOLIDS = {"box": "cube", "boxes": "cube", "ball": "sphere", "balls": "sphere"}


def main_object(objects: Any) -> Any | None:
    """The one clear main object of a ``find_objects`` result, or None (no plain background, no object
    that dominates, or a drawn shape)."""
    if objects is None or not objects.count or not objects.objects:
        return None
    main = max(objects.objects, key=lambda o: o.area_px)
    total = sum(o.area_px for o in objects.objects)
    if main.shape or main.area_px < MAIN_SHARE * total or main.area_fraction < MAIN_SIZE:
        return None
    return main


def stands_for(objects: Any, noun: str) -> bool:
    """Whether the picture's main object may be taken for the thing ``noun`` names."""
    return noun.lower() not in PART_WORDS and main_object(objects) is not None


def everyday_word(question: str, shape: str | None) -> str | None:
    """The question's own word for a solid when it names an everyday object ("box" for a cube, "ball"
    for a sphere), or None: a plain "cube" or "sphere" asks for the drawn solid."""
    words = re.findall(r"[a-z]+", question.lower())
    return next((w for w in words if shape and EVERYDAY_SOLIDS.get(w) == shape), None)
