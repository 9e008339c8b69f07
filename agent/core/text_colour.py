"""'What colour are the letters?': the colour of the ink of the lines the text reader found.

Each line's ink is named from its own pixels (``tools.ink_colour``). Print is named the way readers name
it: gray ink much darker than its paper is black (a photographed or scanned page turns black print gray),
gray ink much lighter than its ground is white. Lines of different colours are each said with their ids,
the colour with the most ink first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from argus.agent.core.finding import Finding
from argus.tools.colour_names import lab
from argus.tools.ink_colour import background_pixels, ink_pixels
from argus.tools.object_colour import colour_of_pixels
from argus.tools.words import join_words

PRINT_STEP = 30.0  # L* between gray ink and its ground over which the ink is read as black or white ...
DARK_INK = 40.0  # ... when it is darker than this (black) ...
LIGHT_INK = 70.0  # ... or lighter than this (white)


def text_colour(rgb: np.ndarray, lines: list[Any], noun: str) -> Finding:
    """The colour of the text in ``lines`` (the text reader's items, with ``id`` and ``box``) of the
    (H, W, 3) ``rgb`` image; ``noun`` is what the question called it ('text', 'title')."""
    if not lines:
        return Finding(
            None, f"I can't tell: I found no text in the image, so no {noun} to name the colour of."
        )
    inked: dict[str, list[tuple[Any, int]]] = {}
    for line in lines:
        ink = ink_pixels(rgb, line.box)
        colour = _ink_name(ink, background_pixels(rgb, line.box))
        if colour is not None:
            inked.setdefault(colour, []).append((line, len(ink)))
    if not inked:
        return Finding(
            None,
            f"I can't tell the colour of the {noun}: its letters do not stand out from what they are written on.",
        )
    ranked = sorted(inked, key=lambda c: -sum(n for _, n in inked[c]))
    first = ranked[0]
    parts = [f"{c} {''.join(f'[{line.id}]' for line, _ in inked[c])}" for c in ranked]
    verb = "are" if noun.endswith("s") else "is"
    if len(ranked) == 1:
        lead = f"The {noun} {verb} {parts[0]}."
    else:
        lead = f"The {noun} {verb} mostly {parts[0]}; also {join_words(parts[1:])}."
    return Finding(
        first,
        lead,
        caveats=["This is the colour of the letters' cores inside the boxes the text reader found."],
        value=first,
    )


# What letters are written on: "what colour is the sign?" asks its colour, not the letters'.
TEXT_GROUNDS = frozenset(["sign", "label", "plate", "board", "banner", "poster", "plaque"])


def ground_colour(rgb: np.ndarray, lines: list[Any], noun: str) -> Finding:
    """The colour of what the text in ``lines`` is written on (the edges of its boxes), with the
    letters' colour after it: 'The sign is green [T1], with white letters.'"""
    if not lines:
        return Finding(
            None, f"I can't tell: I found no text in the image, so no {noun} to name the colour of."
        )
    ground = np.concatenate([background_pixels(rgb, line.box) for line in lines])
    found = colour_of_pixels(ground) if len(ground) else None
    if found is None:
        return Finding(None, f"I can't tell the colour of the {noun}.")
    letters = text_colour(rgb, lines, "letters")
    cites = "".join(f"[{line.id}]" for line in lines)
    tail = f", with {letters.short} letters" if letters.short and letters.short != found.colour else ""
    return Finding(
        found.colour,
        f"The {noun} is {found.colour} {cites}{tail}.",
        caveats=[
            f"This is the colour around the letters the text reader found; no tool here outlines the {noun} itself."
        ],
        value=found.colour,
    )


def _ink_name(ink: np.ndarray, ground: np.ndarray) -> str | None:
    found = colour_of_pixels(ink) if len(ink) else None
    if found is None:
        return None
    if found.colour != "gray" or not len(ground):
        return found.colour
    ink_l = float(lab(np.array(found.rgb, np.uint8))[0])
    ground_l = float(np.median(lab(ground)[:, 0]))
    if ink_l <= DARK_INK and ground_l - ink_l >= PRINT_STEP:
        return "black"
    if ink_l >= LIGHT_INK and ink_l - ground_l >= PRINT_STEP:
        return "white"
    return "gray"
