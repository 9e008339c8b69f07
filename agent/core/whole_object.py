"""Answers about everything on the background taken as one object: the overall shape of a logo made of
several coloured pieces, the colours that fill a colour wheel.

The colour-and-shape tool outlines things one colour at a time, so a thing of several colours has no
outline of its own there. ``find_objects`` also gives the silhouette of all of them together (its
``whole`` item) where that makes one outline of a known shape. It answers only where no single outline
does: the shape of "the object" (the logo, the wheel, the badge: a noun no tool outlines, which the parser takes for the
main object) when the whole is made of pieces or no outline has a shape, and the colours or the presence
of a named flat shape that no single outline is ("is the logo a circle?").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from argus.agent.core.lexicon import shape_matches
from argus.tools.shape_names import FLAT_SHAPES
from argus.tools.words import article, join_words

if TYPE_CHECKING:
    from argus.agent.core.program import Selection

PIECE = 0.5  # an object this much of the whole is the thing asked about, not a piece of it
GAP = 0.03  # outlines this far apart (a share of the image's longer side) may be pieces of one thing
WHY = "Taken together, everything on the background makes one {shape} of {colours} [{id}]."


def asks_whole(target: Selection, attribute: str, seen: bool) -> bool:
    """Whether the question may be about the whole: its shape asked of "the object", or the colour or
    presence of a flat shape that no outline is (``seen`` says an outline answers)."""
    plain = not (target.colour or target.shape or target.size or target.position or target.relation)
    if attribute == "shape":
        return plain and target.label == "object" and target.rank in (None, "largest")
    flat = plain and target.label in FLAT_SHAPES and target.rank is None
    return attribute in ("colour", "exists") and flat and not seen


def lie_together(boxes: list[list[float]], gap: float) -> bool:
    """Whether the outlines' boxes, each grown by ``gap`` pixels, make one cluster: only things that touch
    or nearly touch can be the pieces of one whole (five circles apart are five things)."""
    if not boxes:
        return False
    joined, todo = [boxes[0]], boxes[1:]
    while todo:
        near = [b for b in todo if any(_close(a, b, gap) for a in joined)]
        if not near:
            return False
        joined += near
        todo = [b for b in todo if b not in near]
    return True


def _close(a: list[float], b: list[float], gap: float) -> bool:
    return a[0] - gap <= b[2] and b[0] - gap <= a[2] and a[1] - gap <= b[3] and b[1] - gap <= a[3]


def whole_answer(
    objects: Any, target: Selection, attribute: str, seen: bool
) -> tuple[str, str, list[str]] | None:
    """(short answer, lead, why) about the ``whole`` of a ``find_objects`` result, or None when it does not
    answer: its shape when it is made of pieces (no object is ``PIECE`` of it) or no outline has a shape
    (``seen`` says one has); its colours when it is the flat shape asked and no outline is (``seen``); and
    whether it is the flat shape asked ("exists") when no outline is."""
    whole = getattr(objects, "whole", None)
    if whole is None or not whole.shape:
        return None
    colours = join_words(whole.colours) or "many colours"
    why = [WHY.format(shape=whole.shape, colours=colours, id=whole.id)]
    if attribute == "shape":
        if seen and max(o.area_px for o in objects.objects) >= PIECE * whole.area_px:
            return None
        return whole.shape, f"It is {article(whole.shape)} as a whole [{whole.id}].", why
    if seen:
        return None
    if attribute == "exists":  # "is the logo a circle?"
        if shape_matches(target.label or "", whole.shape):
            return "yes", f"Yes: taken as a whole, it is {article(whole.shape)} [{whole.id}].", why
        return "no", f"No: taken as a whole, it is {article(whole.shape)} [{whole.id}].", why
    if whole.shape != target.label or not whole.colours:
        return None
    return colours, f"The {whole.shape} is {colours} [{whole.id}].", why
