"""The words the question engine knows for things that are not COCO classes: shapes, solids, colours,
generic nouns, region nouns, and the things no bundled tool can see.

The parser reads questions with them and the executor decides from them which tool looks for a
thing; COCO labels and their synonyms live with the detector (``argus.tools.coco``).
"""

from __future__ import annotations

import re

# The words a yes/no question and a wh-question start with, as regular-expression alternatives.
AUX_WORDS = r"(?:is|are|was|were|do|does|did|can|could|has|have|will|would|should)"
WH_WORDS = r"(?:what|which|who|whom|whose|where|when|why|how)"
YES_NO_START = re.compile(rf"^{AUX_WORDS}\b")
WH_START = re.compile(rf"^{WH_WORDS}\b")

# 2D shapes the colour-and-shape tool names, and the words for them.
SHAPE_WORDS = {
    "circle": "circle", "circles": "circle", "round": "circle", "disc": "circle", "disk": "circle",
    "dot": "circle", "dots": "circle", "ring": "circle",
    "triangle": "triangle", "triangles": "triangle", "triangular": "triangle",
    "square": "square", "squares": "square",
    "rectangle": "rectangle", "rectangles": "rectangle", "rectangular": "rectangle", "oblong": "oblong",
    "pentagon": "pentagon", "pentagons": "pentagon", "hexagon": "hexagon", "hexagons": "hexagon",
    "ellipse": "ellipse", "ellipses": "ellipse", "oval": "ellipse", "ovals": "ellipse",
    "star": "star", "stars": "star",
    "sphere": "sphere", "spheres": "sphere", "ball-shaped": "sphere", "orb": "sphere",
    "cube": "cube", "cubes": "cube", "block": "cube", "blocks": "cube", "box-shaped": "cube",
    "cylinder": "cylinder", "cylinders": "cylinder", "cylindrical": "cylinder", "can-shaped": "cylinder",
    "cone": "cone", "cones": "cone",
    "oblongs": "oblong", "six-sided shape": "hexagon", "six-sided shapes": "hexagon",
    "six-sided figure": "hexagon", "five-sided shape": "pentagon", "five-sided shapes": "pentagon",
    "three-sided shape": "triangle", "three-sided shapes": "triangle", "discs": "circle", "disks": "circle",
    "balls": "sphere", "ball": "sphere", "boxes": "cube", "box": "cube",
    "round shape": "circle", "round shapes": "circle", "round thing": "circle", "round things": "circle",
    "round object": "circle", "round objects": "circle", "round item": "circle", "round figure": "circle",
}  # fmt: skip
# Nouns the detector knows that, in a scene of drawn or rendered things, mean the solid or shape.
SHAPE_ANALOGUES = {"sports ball": "sphere"}
SHAPES = tuple(dict.fromkeys(SHAPE_WORDS.values()))
SOLIDS = ("sphere", "cube", "cylinder", "cone")
# Shapes that answer "is there a square?" too: a square is a rectangle, a circle is an ellipse; an
# oblong is a rectangle that is not a square, which the tools name "rectangle".
SHAPE_ALSO = {
    "rectangle": ("square",),
    "oblong": ("rectangle",),
    "ellipse": ("circle",),
    "polygon": ("triangle", "square", "rectangle", "pentagon", "hexagon"),
}

# Nouns for any separable thing: counted by the class-agnostic tools, not the COCO detector.
GENERIC_NOUNS = {
    "object",
    "objects",
    "thing",
    "things",
    "item",
    "items",
    "shape",
    "shapes",
    "figure",
    "figures",
    "solid",
    "solids",
}
# Things counted as regions of a plain background (coins on a table, cells on a slide).
REGION_NOUNS = {
    "coin": "coin", "coins": "coin", "cell": "cell", "cells": "cell", "blob": "blob", "blobs": "blob",
    "region": "region", "regions": "region", "spot": "spot", "spots": "spot", "piece": "piece",
    "pieces": "piece", "pebble": "pebble", "pebbles": "pebble", "bead": "bead", "beads": "bead",
    "seed": "seed", "seeds": "seed", "grain": "grain", "grains": "grain", "nucleus": "nucleus", "nuclei": "nucleus",
}  # fmt: skip
TEXT_NOUNS = {
    "text",
    "words",
    "word",
    "writing",
    "letters",
    "letter",
    "sign",
    "signs",
    "label",
    "caption",
    "title",
}

# Things people ask about that no bundled tool can see: said plainly, never "absent".
UNSEEABLE = {
    "gun": "guns", "guns": "guns", "pistol": "guns", "rifle": "guns", "firearm": "guns", "firearms": "guns",
    "weapon": "weapons", "weapons": "weapons", "fire": "fire", "flame": "fire", "flames": "fire",
    "smoke": "smoke", "helmet": "helmets", "helmets": "helmets", "hard hat": "helmets", "hardhat": "helmets",
    "vest": "high-visibility vests", "vests": "high-visibility vests", "hi-vis": "high-visibility vests",
    "high-visibility vest": "high-visibility vests", "mask": "face masks", "face mask": "face masks",
    "glasses": "glasses", "sunglasses": "glasses", "hat": "hats", "cap": "hats", "shoe": "shoes",
    "shoes": "shoes", "shirt": "shirts", "jacket": "jackets",
}  # fmt: skip

# Colour words: the tools' names and what people also say.
COLOUR_WORDS = {
    "red": "red", "orange": "orange", "yellow": "yellow", "green": "green", "blue": "blue",
    "purple": "purple", "pink": "pink", "brown": "brown", "black": "black", "white": "white",
    "gray": "gray", "grey": "gray", "teal": "teal", "navy": "navy", "maroon": "maroon", "olive": "olive",
    "beige": "beige", "gold": "gold", "golden": "gold", "silver": "silver", "cyan": "cyan",
    "magenta": "magenta", "tan": "tan", "violet": "purple", "crimson": "red", "scarlet": "red",
    "turquoise": "teal", "aqua": "cyan", "lime": "green", "indigo": "blue", "lavender": "purple",
    "cream": "beige", "khaki": "tan", "reddish": "red", "bluish": "blue", "greenish": "green",
    "yellowish": "yellow", "blonde": "yellow", "dark blue": "navy", "light blue": "blue", "sky blue": "blue",
    "dark red": "maroon", "dark green": "green", "light green": "green",
}  # fmt: skip
# The basic colour each finer name belongs to, so "anything blue?" finds a navy object and "is it navy?"
# about a blue one is answered with the colour seen.
COLOUR_FAMILY = {
    "navy": "blue", "teal": "green", "cyan": "blue", "maroon": "red", "olive": "green", "beige": "brown",
    "gold": "yellow", "silver": "gray", "tan": "brown", "magenta": "pink",
}  # fmt: skip


# Colours of no hue: a thing of such a colour with a chromatic second colour is named by the latter.
ACHROMATIC = ("gray", "black", "white", "silver")


# Shades between two basic colours, named as colours of their own: teal is neither plainly blue nor green.
OWN_NAME_SHADES = frozenset({"teal", "cyan", "magenta"})


def colour_family(name: str) -> str:
    return COLOUR_FAMILY.get(name, name)


def colours_match(asked: str, seen: str | None) -> bool:
    """Whether a thing seen as ``seen`` answers a question about ``asked`` (families count)."""
    if not seen:
        return False
    if seen in OWN_NAME_SHADES or asked in OWN_NAME_SHADES:
        return asked == seen
    return asked == seen or colour_family(asked) == colour_family(seen)


def shape_matches(asked: str, seen: str | None) -> bool:
    return bool(seen) and (asked == seen or seen in SHAPE_ALSO.get(asked, ()))


SIZE_WORDS = {
    "big": "large", "large": "large", "huge": "large", "giant": "large", "larger": "large", "bigger": "large",
    "small": "small", "tiny": "small", "little": "small", "smaller": "small", "mini": "small",
}  # fmt: skip
