"""Answers about everything on the background taken as one object: the overall shape of a logo made of
several coloured pieces, the colours that fill a colour wheel.

The colour-and-shape tool outlines things one colour at a time, so a thing of several colours has no
outline of its own there. ``find_objects`` also gives the silhouette of all of them together (its
``whole`` item) where that makes one outline of a known shape. It answers two questions only, and only
when nothing else does: the shape of "the object" (the logo, the wheel, the badge: a noun no tool
outlines, which the parser takes for the main object) when no outline of it has a shape, and the colours
of a named flat shape that no single outline is, when the whole is that shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from argus.tools.shape_names import FLAT_SHAPES
from argus.tools.words import join_words

if TYPE_CHECKING:
    from argus.agent.core.program import Selection

WHY = "Taken together, everything on the background makes one {shape} of {colours} [{id}]."


def asks_whole(target: Selection, attribute: str, outlined: bool) -> bool:
    """Whether the question is about the whole: its shape asked of "the object" that no outline names, or
    its colour asked of a flat shape that no outline is (``outlined``: an outline answered it)."""
    if outlined:
        return False
    plain = not (target.colour or target.shape or target.size or target.position or target.relation)
    if attribute == "shape":
        return plain and target.label == "object" and target.rank in (None, "largest")
    return attribute == "colour" and plain and target.label in FLAT_SHAPES and target.rank is None


def whole_answer(whole: Any, target: Selection, attribute: str) -> tuple[str, str, list[str]] | None:
    """(short answer, lead, why) about the ``whole`` object proposal, or None when it does not answer."""
    if whole is None or not whole.shape:
        return None
    colours = join_words(whole.colours) or "many colours"
    why = [WHY.format(shape=whole.shape, colours=colours, id=whole.id)]
    if attribute == "shape":
        article = "an" if whole.shape[0] in "aeiou" else "a"
        return whole.shape, f"It is {article} {whole.shape} as a whole [{whole.id}].", why
    if whole.shape != target.label or not whole.colours:
        return None
    return colours, f"The {whole.shape} is {colours} [{whole.id}].", why
