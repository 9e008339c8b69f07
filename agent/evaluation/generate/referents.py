"""Which sets of things a question may name in a scene, so that its answer is not in doubt.

A colour is named only when no other colour in the scene could be called by the same name (no
"blue" question in a scene with a navy shape); a size only when the scene shows both sizes, so
"large" is plain to see; a single thing only by words that fit it alone.
"""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.language import ABSENT_CLASSES, PALETTE, SHAPES, SOLIDS, confusable
from argus.agent.evaluation.generate.scene import Scene, Selector, unique_selectors
from argus.agent.evaluation.generate.templates import phrase

OBJECT_FAMILIES = ("shapes", "tiny", "solids", "pasted")


def colour_ok(scene: Scene, colour: str) -> bool:
    return not any(t.colour and confusable(colour, t.colour) for t in scene.things)


def sizes_shown(scene: Scene) -> bool:
    return {t.size for t in scene.things} >= {"small", "large"}


def _kinds(scene: Scene) -> tuple[str, ...]:
    if scene.family == "solids":
        return SOLIDS
    if scene.family == "pasted":
        return tuple(ABSENT_CLASSES) + tuple(t.kind for t in scene.things)
    return SHAPES


def _usable(scene: Scene, sel: Selector) -> bool:
    if sel.colour is not None and not colour_ok(scene, sel.colour):
        return False
    if sel.size is not None and not sizes_shown(scene):
        return False
    if sel.colour is not None and scene.family == "pasted":
        return False  # a photo's colours are many; presence questions name pasted things by class
    return sel.kind is not None or sel.colour is not None


def present_selectors(scene: Scene) -> list[Selector]:
    found: list[Selector] = []
    for t in scene.things:
        for sel in (
            Selector(kind=t.kind),
            Selector(colour=t.colour),
            Selector(kind=t.kind, colour=t.colour),
            Selector(kind=t.kind, size=t.size),
        ):
            if sel not in found and _usable(scene, sel) and sel.count(scene) > 0:
                found.append(sel)
    return found


def absent_selectors(scene: Scene) -> list[Selector]:
    """Things a question may truthfully say are not there, hard ones first: a colour that is in the
    scene on a kind that is in the scene, but never together."""
    colours = sorted({t.colour for t in scene.things if t.colour})
    kinds = sorted({t.kind for t in scene.things})
    found: list[Selector] = []
    if scene.family != "pasted":
        found += [Selector(kind=k, colour=c) for k in kinds for c in colours]
        found += [Selector(colour=c) for c in sorted(PALETTE)]
        found += [Selector(kind=k, colour=c) for k in kinds for c in sorted(PALETTE)]
    found += [Selector(kind=k) for k in _kinds(scene)]
    persons = any(t.kind == "person" for t in scene.things)
    return [
        s
        for s in dict.fromkeys(found)
        if s.count(scene) == 0 and _usable(scene, s) and not (persons and s.kind == "person")
    ]


def pick_present(scene: Scene, rng: random.Random) -> Selector | None:
    options = present_selectors(scene)
    return rng.choice(options) if options else None


def pick_absent(scene: Scene, rng: random.Random) -> Selector | None:
    options = absent_selectors(scene)
    if not options:
        return None
    hard = [s for s in options if s.kind is not None and s.colour is not None]
    return rng.choice(hard if hard and rng.random() < 0.5 else options)


def referable(scene: Scene, i: int) -> list[Selector]:
    """Unique ways to name thing ``i`` that the scene allows (colours that cannot be confused, sizes
    only where both show)."""
    return [
        s
        for s in unique_selectors(scene, i)
        if (s.colour is None or (colour_ok(scene, s.colour) and scene.family != "pasted"))
        and (s.size is None or sizes_shown(scene))
    ]


def refer(scene: Scene, i: int, rng: random.Random, tags: set[str], *, without: str = "") -> str | None:
    """A phrase that names thing ``i`` alone; ``without`` ("kind", "colour", "size") keeps that attribute
    out of it (a question about its colour must not name its colour)."""
    options = [
        s
        for s in referable(scene, i)
        if not (without == "kind" and s.kind)
        and not (without == "colour" and s.colour)
        and not (without == "size" and s.size)
    ]
    if not options:
        return None
    return phrase(scene, rng.choice(options), rng, tags)
