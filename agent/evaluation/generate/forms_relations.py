"""Where things are relative to each other: "Is the star left of the cube?", "What is inside the blue
square?", "How many shapes are right of the triangle?"."""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.language import SHAPES, SOLIDS, colour_answers
from argus.agent.evaluation.generate.referents import OBJECT_FAMILIES, colour_ok, pick_present, refer
from argus.agent.evaluation.generate.scene import (
    Scene,
    above,
    below,
    far_apart,
    in_front,
    left_of,
    next_to,
    right_of,
)
from argus.agent.evaluation.generate.templates import (
    Question,
    Template,
    fill,
    name_slots,
    names_for,
    templates,
    thing_word,
    yes_no,
)

RELATE = templates(
    "relate",
    [
        ("yn:left_of", "relate", "is the {obj} to the left of the {obj2}?"),
        ("yn:left_of", "relate", "is the {obj} left of the {obj2}?"),
        ("yn:right_of", "relate", "is the {obj} on the right of the {obj2}?"),
        ("yn:right_of", "relate", "is the {obj} to the right of the {obj2}?"),
        ("yn:above", "relate", "is the {obj} above the {obj2}?"),
        ("yn:below", "relate", "is the {obj} below the {obj2}?"),
        ("yn:above", "relate", "is the {obj} higher up than the {obj2}?"),
        ("yn:below", "relate", "is the {obj} lower down than the {obj2}?"),
        ("yn:left_of", "relate", "does the {obj} sit left of the {obj2}?"),
        ("exists:left_of", "relate", "is there {a_obj} to the left of the {obj2}?"),
        ("exists:right_of", "relate", "is there {a_obj} right of the {obj2}?"),
        ("yn:next_to", "relate", "is the {obj} next to the {obj2}?"),
        ("yn:next_to", "relate", "is the {obj} beside the {obj2}?"),
        ("yn:next_to", "relate", "is the {obj} right next to the {obj2}?"),
        ("yn:inside", "relate", "is the {obj} inside the {obj2}?"),
        ("yn:inside", "relate", "is the {obj} within the {obj2}?"),
        ("yn:on", "relate", "is the {obj} on top of the {obj2}?"),
        ("yn:on", "relate", "is the {obj} sitting on the {obj2}?"),
        ("yn:in_front", "relate", "is the {obj} in front of the {obj2}?"),
        ("yn:behind", "relate", "is the {obj} behind the {obj2}?"),
        ("yn:left_of", "relate", "reading from left to right, does the {obj} come before the {obj2}?"),
        ("yn:left_of", "relate", "is the {obj} further left than the {obj2}?"),
        ("what:left_of", "relate", "what is to the left of the {obj2}?"),
        ("what:right_of", "relate", "what is right of the {obj2}?"),
        ("what:above", "relate", "what is above the {obj2}?"),
        ("what:below", "relate", "what is below the {obj2}?"),
        ("what:inside", "relate", "what is inside the {obj2}?"),
        ("what:on", "relate", "what is on top of the {obj2}?"),
        ("what:next_to", "relate", "what is next to the {obj2}?"),
        ("what:left_of", "relate", "which {thing} is left of the {obj2}?"),
        ("what:right_of", "relate", "which {thing} lies to the right of the {obj2}?"),
        ("what:on", "relate", "what sits on the {obj2}?"),
        ("what:next_to", "relate", "what do you see directly beside the {obj2}?"),
        ("what:in_front", "relate", "what is in front of the {obj2}?"),
        ("what:below", "relate", "name the {thing} that is below the {obj2}."),
        ("what:behind", "relate", "what is behind the {obj2}?"),
        ("colour:left_of", "attribute", "what {colour} is the {thing} to the left of the {obj2}?"),
        ("colour:inside", "attribute", "what {colour} is the {thing} inside the {obj2}?"),
        ("shape:right_of", "attribute", "what shape is the {thing} right of the {obj2}?"),
        ("colour:on", "attribute", "what {colour} is the {thing} on the {obj2}?"),
        ("count:left_of", "count", "how many {things} are to the left of the {obj2}?"),
        ("count:right_of", "count", "how many {things} are right of the {obj2}?"),
        ("count_sel:above", "count", "how many {objs} are above the {obj2}?"),
        ("count:below", "count", "how many {things} are below the {obj2}?"),
    ],
)

FLAT_ONLY = ("above", "below", "inside")  # meaningless or unclear for solids on a floor
SOLIDS_ONLY = ("on", "in_front", "behind")
TRIES = 24


def relation(rel: str, scene: Scene, i: int, j: int) -> bool | None:
    """Whether thing ``i`` stands in ``rel`` to thing ``j``: True, False, or None where a person
    could hesitate."""
    a, b = scene.things[i], scene.things[j]
    if (rel in FLAT_ONLY and scene.family == "solids") or (rel in SOLIDS_ONLY and scene.family != "solids"):
        return None
    if a.inside == j or b.inside == i or a.on == j or b.on == i:  # a nested or stacked pair
        if rel == "inside":
            return a.inside == j
        if rel == "on":
            return a.on == j
        return None
    if rel in ("inside", "on"):
        return False if _apart(a.box, b.box) else None
    if rel == "left_of":
        return True if left_of(a, b) else False if right_of(a, b) else None
    if rel == "right_of":
        return True if right_of(a, b) else False if left_of(a, b) else None
    if rel == "above":
        return True if above(a, b) else False if below(a, b) else None
    if rel == "below":
        return True if below(a, b) else False if above(a, b) else None
    if rel == "next_to":
        return True if next_to(scene, i, j) else False if far_apart(a, b) else None
    if rel in ("in_front", "behind"):
        near, far = (a, b) if rel == "in_front" else (b, a)
        return True if in_front(near, far) else False if in_front(far, near) else None
    raise ValueError(f"unknown relation {rel!r}")


def related(rel: str, scene: Scene, j: int, among: list[int] | None = None) -> list[int] | None:
    """The things in ``rel`` to thing ``j``, or None when any of them is unclear."""
    found = []
    for i in among if among is not None else range(len(scene.things)):
        if i == j:
            continue
        holds = relation(rel, scene, i, j)
        if holds is None:
            return None
        if holds:
            found.append(i)
    return found


def _apart(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def build_relate(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES or len(scene.things) < 2:
        return None
    mode, rel = template.kind.split(":")
    for _ in range(TRIES):
        question = _attempt(template, mode, rel, scene, rng)
        if question is not None:
            return question
    return None


def _attempt(template: Template, mode: str, rel: str, scene: Scene, rng: random.Random) -> Question | None:
    tags: set[str] = set()
    n = len(scene.things)
    j = rng.randrange(n)
    anchor = refer(scene, j, rng, tags)
    if anchor is None:
        return None
    values = {
        "obj2": anchor,
        "thing": thing_word(scene, rng),
        "things": thing_word(scene, rng, plural_form=True),
    }
    if mode == "yn":
        i = rng.randrange(n)
        truth = relation(rel, scene, i, j) if i != j else None
        subject = refer(scene, i, rng, tags) if truth is not None else None
        if subject is None or subject == anchor:
            return None
        return Question(
            fill(template, rng, tags, obj=subject, **values), "relate", yes_no(bool(truth)), tags=tags
        )
    if mode == "exists":
        sel = pick_present(scene, rng)
        members = [k for k in sel.members(scene) if k != j] if sel is not None else []
        if sel is None or not members:
            return None
        found = related(rel, scene, j, members)
        if found is None:
            return None
        text = fill(template, rng, tags, **values, **name_slots(template, scene, sel, rng, tags))
        return Question(text, "relate", yes_no(bool(found)), tags=tags)
    if mode in ("count", "count_sel"):
        if scene.family == "pasted":
            return None
        sel = pick_present(scene, rng) if mode == "count_sel" else None
        among = sel.members(scene) if sel is not None else None
        found = related(rel, scene, j, among)
        if found is None:
            return None
        if sel is not None:
            values |= name_slots(template, scene, sel, rng, tags)
        return Question(fill(template, rng, tags, **values), "count", [str(len(found))], tags=tags)
    found = related(rel, scene, j)
    if found is None or len(found) != 1:
        return None
    (i,) = found
    thing = scene.things[i]
    if mode == "what":
        return Question(fill(template, rng, tags, **values), "relate", names_for(thing), tags=tags)
    if mode == "colour" and thing.colour and colour_ok(scene, thing.colour):
        return Question(
            fill(template, rng, tags, **values), "attribute", colour_answers(thing.colour), tags=tags
        )
    if mode == "shape" and thing.kind in SHAPES + SOLIDS:
        return Question(fill(template, rng, tags, **values), "attribute", list(thing.words), tags=tags)
    return None
