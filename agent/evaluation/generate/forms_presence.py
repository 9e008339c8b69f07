"""Presence and counting: "Is there a red circle?", "How many cubes can you see?"."""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.language import colour_name
from argus.agent.evaluation.generate.referents import OBJECT_FAMILIES, pick_absent, pick_present, sizes_shown
from argus.agent.evaluation.generate.scene import Scene, Selector
from argus.agent.evaluation.generate.templates import (
    SIZE_WORDS,
    Question,
    Template,
    fill,
    name_slots,
    templates,
    thing_word,
    yes_no,
)

EXISTS = templates(
    "exists",
    [
        ("sel", "exists", "is there {a_obj} in the picture?"),
        ("sel", "exists", "is there {a_obj}?"),
        ("sel", "exists", "can you see {a_obj}?"),
        ("sel", "exists", "do you see any {objs}?"),
        ("sel", "exists", "are there any {objs} in this image?"),
        ("sel", "exists", "does the image contain {a_obj}?"),
        ("sel", "exists", "does this picture have {a_obj} in it?"),
        ("sel", "exists", "any {objs} here?"),
        ("sel", "exists", "is {a_obj} visible?"),
        ("sel", "exists", "is {a_obj} present?"),
        ("sel", "exists", "I'm looking for {a_obj}. Is there one?"),
        ("sel", "exists", "can you find {a_obj} anywhere?"),
        ("sel", "exists", "is there at least one {obj}?"),
        ("sel", "exists", "do I see {a_obj} here?"),
        ("sel", "exists", "is {a_obj} shown?"),
        ("sel", "exists", "does {a_obj} appear in this image?"),
        ("sel", "exists", "are any {objs} visible?"),
        ("sel", "exists", "has this picture got {a_obj}?"),
        ("sel", "exists", "is there {a_obj} somewhere in the scene?"),
        ("sel", "exists", "do you spot {a_obj}?"),
        ("sel", "exists", "can I find {a_obj} in this photo?"),
        ("sel", "exists", "are there {objs}?"),
        ("sel", "exists", "is {a_obj} in there?"),
        ("sel", "exists", "would I find {a_obj} if I looked?"),
        ("sel", "exists", "quick check: {a_obj}, yes or no?"),
        ("sel", "exists", "does the scene include {a_obj}?"),
        ("sel", "exists", "is there {a_obj} anywhere?"),
        ("sel", "exists", "are {objs} present in the image?"),
        ("sel", "exists", "do any {objs} appear?"),
        ("sel", "exists", "is {a_obj} part of this picture?"),
        ("sel", "exists", "tell me if there is {a_obj}."),
        ("sel", "exists", "is one of the {things} {a_obj}?"),
        ("sel", "exists", "does the picture show {a_obj}?"),
        ("sel", "exists", "can {a_obj} be seen here?"),
        ("sel", "exists", "is there even one {obj}?"),
        ("sel", "exists", "are there {objs} in this one?"),
        ("sel", "exists", "do we have {a_obj} here?"),
        ("sel", "exists", "is {a_obj} among the {things}?"),
        ("sel", "exists", "yes or no: is there {a_obj}?"),
        ("sel", "exists", "see {a_obj} anywhere?"),
        ("sel", "exists", "is {a_obj} depicted?"),
        ("sel", "exists", "does it have {a_obj}?"),
        ("sel", "exists", "is there any {obj} at all?"),
        ("sel", "exists", "could you tell me whether there is {a_obj}?"),
    ],
)

COUNT = templates(
    "count",
    [
        ("sel", "count", "how many {objs} are there?"),
        ("sel", "count", "how many {objs} are in the picture?"),
        ("sel", "count", "how many {objs} can you see?"),
        ("sel", "count", "count the {objs}."),
        ("sel", "count", "what is the number of {objs}?"),
        ("sel", "count", "tell me how many {objs} there are."),
        ("sel", "count", "how many {objs} do you count?"),
        ("sel", "count", "number of {objs}?"),
        ("sel", "count", "how many {objs} does this image have?"),
        ("sel", "count", "can you count the {objs} for me?"),
        ("sel", "count", "how many {objs} appear here?"),
        ("sel", "count", "what's the count of {objs}?"),
        ("sel", "count", "how many {objs} are visible?"),
        ("sel", "count", "how many {objs} are shown?"),
        ("sel", "count", "give me the number of {objs}."),
        ("sel", "count", "how many {objs} in total?"),
        ("sel", "count", "in this picture, how many {objs} are there?"),
        ("sel", "count", "count how many {objs} you see."),
        ("sel", "count", "how many {objs} can be seen in this image?"),
        ("sel", "count", "how many {objs} does the scene contain?"),
        ("sel", "count", "how many {objs} are there altogether?"),
        ("sel", "count", "I need the number of {objs}, please."),
        ("colour_only", "count", "how many of the {things} are {c}?"),
        ("colour_only", "count", "how many {c} {things} are there?"),
        ("all", "count", "how many {things} are there in total?"),
        ("all", "count", "how many {things} are in the image?"),
        ("sel", "count", "what number of {objs} is shown?"),
        ("sel", "count", "total number of {objs}?"),
        ("sel", "count", "if you count the {objs}, what do you get?"),
        ("sel", "count", "how many {objs} are present?"),
        ("sel", "count", "how many {objs} do I have here?"),
        ("sel", "count", "how many {objs} are pictured?"),
        ("sel", "count", "how many {objs} would you say there are?"),
        ("sel", "count", "quick count: {objs}?"),
        ("sel", "count", "exactly how many {objs} are there?"),
        ("size_only", "count", "how many {things} are {size}?"),
        ("size_only", "count", "how many {size} {things} can you see?"),
        ("sel", "count", "how many {objs} are in this photo?"),
        ("sel", "count", "please count every {obj} in the image."),
        ("sel", "count", "how many {objs} are there in this scene?"),
        ("sel", "count", "what's the total of {objs} here?"),
        ("sel", "count", "how many {objs} do you notice?"),
    ],
)


def build_exists(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES:
        return None
    present = rng.random() < 0.5
    sel = pick_present(scene, rng) if present else pick_absent(scene, rng)
    if sel is None:
        return None
    tags: set[str] = set()
    values = name_slots(template, scene, sel, rng, tags)
    text = fill(template, rng, tags, things=thing_word(scene, rng, plural_form=True), **values)
    return Question(text, template.op, short_answer=yes_no(present), tags=tags)


def build_count(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES:
        return None
    tags: set[str] = set()
    things = thing_word(scene, rng, plural_form=True)
    if template.kind == "all":
        if scene.family == "pasted":
            return None  # "how many things" in a photo has no one answer
        return Question(
            fill(template, rng, tags, things=things), "count", [str(len(scene.things))], tags=tags
        )
    if template.kind == "colour_only":
        options = [s for s in _count_selectors(scene, rng) if s.colour and not s.kind and not s.size]
        if not options:
            return None
        sel = rng.choice(options)
        c = colour_name(sel.colour or "", rng)
        if c == "grey":
            tags.add("grey")
        return Question(
            fill(template, rng, tags, c=c, things=things), "count", [str(sel.count(scene))], tags=tags
        )
    if template.kind == "size_only":
        if not sizes_shown(scene):
            return None
        size = rng.choice(("small", "large"))
        n = Selector(size=size).count(scene)
        text = fill(template, rng, tags, size=rng.choice(SIZE_WORDS[size]), things=things)
        return Question(text, "count", [str(n)], tags=tags)
    options = [s for s in _count_selectors(scene, rng) if s.kind or s.colour]
    if not options:
        return None
    sel = rng.choice(options)
    text = fill(template, rng, tags, **name_slots(template, scene, sel, rng, tags))
    return Question(text, "count", [str(sel.count(scene))], tags=tags)


def _count_selectors(scene: Scene, rng: random.Random) -> list[Selector]:
    """Mostly things that are there, now and then something that is not (a count of zero)."""
    sel = pick_absent(scene, rng) if rng.random() < 0.15 else pick_present(scene, rng)
    return [sel] if sel is not None else []
