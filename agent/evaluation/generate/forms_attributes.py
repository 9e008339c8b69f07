"""What a thing is and what it is like: "What animal is this?", "What colour is the cube?", "Is the star
big or small?", "Which side is the hexagon on?"."""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.language import (
    PALETTE,
    SHAPES,
    SOLIDS,
    colour_answers,
    colour_name,
    confusable,
)
from argus.agent.evaluation.generate.referents import OBJECT_FAMILIES, colour_ok, refer, sizes_shown
from argus.agent.evaluation.generate.scene import Scene, Selector, Thing, level, side
from argus.agent.evaluation.generate.templates import (
    SIZE_ANSWERS,
    SIZE_WORDS,
    Question,
    Template,
    fill,
    kind_word,
    names_for,
    templates,
    thing_word,
    with_article,
    yes_no,
)

IDENTIFY = templates(
    "identify",
    [
        ("single", "identify", "what is this?"),
        ("single", "identify", "what is shown in this picture?"),
        ("single", "identify", "what is drawn here?"),
        ("single", "identify", "what object is this?"),
        ("single", "identify", "what's the object in the image?"),
        ("single", "identify", "name the object in this picture."),
        ("by_colour", "identify", "what is the {c} {thing}?"),
        ("by_size", "identify", "what is the {size} {thing}?"),
        ("by_colour", "identify", "identify the {c} {thing}."),
        ("by_colour", "identify", "what's that {c} {thing}?"),
        ("by_colour", "identify", "which kind of {thing} is {c}?"),
        ("by_size_colour", "identify", "tell me what the {size} {c} {thing} is."),
        ("by_colour", "identify", "what do you call the {c} {thing}?"),
        ("by_colour", "identify", "the {c} {thing} is a what?"),
        ("by_colour", "identify", "what is the only {c} {thing}?"),
        ("by_size", "identify", "what sort of {thing} is the {size} one?"),
        ("animal", "identify", "what animal is this?"),
        ("animal", "identify", "what animal is in the picture?"),
        ("animal", "identify", "what kind of animal do you see?"),
        ("animal", "identify", "which animal is shown?"),
        ("animal", "identify", "name the animal."),
        ("animal", "identify", "what type of animal is pictured here?"),
        ("vehicle", "identify", "what vehicle is this?"),
        ("vehicle", "identify", "what kind of vehicle is in the image?"),
        ("vehicle", "identify", "which vehicle can you see?"),
        ("vehicle", "identify", "what type of vehicle is shown?"),
        ("vehicle", "identify", "name the vehicle in this photo."),
        ("vehicle", "identify", "what is this vehicle called?"),
        ("single", "identify", "what kind of object is this?"),
        ("single", "identify", "what item is shown?"),
        ("single", "identify", "what thing is in this picture?"),
        ("single", "identify", "can you tell what this is?"),
        ("animal", "identify", "what creature is in the photo?"),
        ("animal", "identify", "what is the animal in this image?"),
        ("vehicle", "identify", "what mode of transport is shown?"),
        ("single", "identify", "what am I looking at?"),
        ("single", "identify", "what is the main object here?"),
        ("animal", "identify", "identify the animal."),
        ("vehicle", "identify", "identify the vehicle."),
        ("by_colour", "identify", "what would you call the {c} {thing}?"),
        ("single", "identify", "what's pictured?"),
        ("by_colour", "identify", "which object is {c}?"),
    ],
)

ATTRIBUTE = templates(
    "attribute",
    [
        ("colour", "attribute", "what {colour} is the {obj}?"),
        ("colour", "attribute", "what {colour} is the {obj} in the picture?"),
        ("colour", "attribute", "which {colour} is the {obj}?"),
        ("colour", "attribute", "the {obj} is what {colour}?"),
        ("colour", "attribute", "tell me the {colour} of the {obj}."),
        ("colour", "attribute", "what {colour} does the {obj} have?"),
        ("colour", "attribute", "what's the {colour} of the {obj}?"),
        ("colour", "attribute", "in what {colour} is the {obj} shown?"),
        ("colour", "attribute", "can you name the {colour} of the {obj}?"),
        ("colour", "attribute", "what {colour} would you call the {obj}?"),
        ("colour_verify", "attribute", "is the {obj} {c}?"),
        ("colour_choice", "attribute", "is the {obj} {c} or {c2}?"),
        ("colour", "attribute", "of what {colour} is the {obj}?"),
        ("colour", "attribute", "which {colour} has the {obj} got?"),
        ("colour", "attribute", "how would you describe the {colour} of the {obj}?"),
        ("shape", "attribute", "what shape is the {obj}?"),
        ("shape", "attribute", "what is the shape of the {obj}?"),
        ("shape", "attribute", "which shape does the {obj} have?"),
        ("shape", "attribute", "what form does the {obj} have?"),
        ("shape", "attribute", "the {obj} has what shape?"),
        ("shape_verify", "attribute", "is the {obj} {a_shape}?"),
        ("shape_choice", "attribute", "is the {obj} {a_shape} or {a_shape2}?"),
        ("shape", "attribute", "tell me the shape of the {obj}."),
        ("shape", "attribute", "what kind of shape is the {obj}?"),
        ("size", "attribute", "is the {obj} big or small?"),
        ("size", "attribute", "how big is the {obj}: large or small?"),
        ("size_verify", "attribute", "is the {obj} {size}?"),
        ("size", "attribute", "what size is the {obj}, small or large?"),
        ("size", "attribute", "is the {obj} one of the large {things} or one of the small ones?"),
        ("size", "attribute", "is the {obj} a little one or a big one?"),
        ("size", "attribute", "what is the size of the {obj}, large or small?"),
        ("side", "attribute", "which side of the picture is the {obj} on?"),
        ("side", "attribute", "is the {obj} on the left or the right?"),
        ("level", "attribute", "is the {obj} at the top or the bottom of the image?"),
        ("side", "attribute", "where is the {obj}, left or right?"),
        ("level", "attribute", "in which half of the image is the {obj}, top or bottom?"),
        ("side_verify", "attribute", "is the {obj} on the {side} side?"),
        ("level_verify", "attribute", "is the {obj} near the {level} of the picture?"),
        ("side", "attribute", "which part of the image holds the {obj}: the left or the right?"),
        ("level", "attribute", "is the {obj} in the upper or the lower half?"),
        ("side_verify", "attribute", "does the {obj} sit on the {side}-hand side?"),
        ("where", "attribute", "where in the picture is the {obj}?"),
    ],
)

SIDE_ANSWERS = {
    "left": ["left", "left side", "on left", "on left side", "left hand side"],
    "right": ["right", "right side", "on right", "on right side", "right hand side"],
    "top": ["top", "upper", "upper half", "top half", "at top", "near top"],
    "bottom": ["bottom", "lower", "lower half", "bottom half", "at bottom", "near bottom"],
}


def _single(scene: Scene) -> int | None:
    if len(scene.things) == 1 and scene.things[0].kind != "person":
        return 0
    return None


def _unique(scene: Scene, sel: Selector) -> int | None:
    members = sel.members(scene)
    return members[0] if len(members) == 1 else None


def build_identify(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES:
        return None
    tags: set[str] = set()
    values: dict[str, str] = {"thing": thing_word(scene, rng)}
    index: int | None = None
    kind = template.kind
    if kind == "single":
        index = _single(scene)
    elif kind in ("animal", "vehicle"):
        members = [i for i, t in enumerate(scene.things) if t.category == kind]
        index = members[0] if len(members) == 1 else None
    elif scene.family != "pasted":
        i = rng.randrange(len(scene.things))
        t = scene.things[i]
        sel = Selector(colour=t.colour if "colour" in kind else None, size=t.size if "size" in kind else None)
        named = ("colour" not in kind or sel.colour) and ("size" not in kind or sel.size)
        if _unique(scene, sel) == i and named:
            if sel.colour and not colour_ok(scene, sel.colour):
                return None
            if sel.size and not sizes_shown(scene):
                return None
            index = i
            if sel.colour:
                values["c"] = colour_name(sel.colour, rng)
                _note_grey(tags, values["c"])
            if sel.size:
                values["size"] = rng.choice(SIZE_WORDS[sel.size])
    if index is None:
        return None
    return Question(
        fill(template, rng, tags, **values), "identify", names_for(scene.things[index]), tags=tags
    )


def build_attribute(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES:
        return None
    tags: set[str] = set()
    kind = template.kind
    i = rng.randrange(len(scene.things))
    thing = scene.things[i]
    without = {"colour": "colour", "shape": "kind", "size": "size"}.get(kind.split("_")[0], "")
    if kind.startswith("colour") and (thing.colour is None or not colour_ok(scene, thing.colour)):
        return None
    if kind.startswith("shape") and thing.kind not in SHAPES + SOLIDS:
        return None
    if kind.startswith("size") and (thing.size is None or not sizes_shown(scene)):
        return None
    obj = refer(scene, i, rng, tags, without=without)
    if obj is None:
        return None
    values = {"obj": obj, "things": thing_word(scene, rng, plural_form=True)}
    answer: list[str]
    if kind == "colour":
        answer = colour_answers(thing.colour or "")
    elif kind in ("colour_verify", "colour_choice"):
        other = _other_colour(thing.colour or "", rng)
        truth = rng.random() < 0.5 if kind == "colour_verify" else True
        values["c"] = colour_name(thing.colour if truth else other, rng)  # type: ignore[arg-type]
        if kind == "colour_choice":
            pair = [colour_name(thing.colour or "", rng), colour_name(other, rng)]
            rng.shuffle(pair)
            values["c"], values["c2"] = pair
            answer = colour_answers(thing.colour or "")
        else:
            answer = yes_no(truth)
        _note_grey(tags, *values.values())
    elif kind == "shape":
        answer = list(thing.words)
    elif kind in ("shape_verify", "shape_choice"):
        pool = SOLIDS if thing.kind in SOLIDS else SHAPES
        other = rng.choice([k for k in pool if k != thing.kind])
        truth = rng.random() < 0.5 if kind == "shape_verify" else True
        named = kind_word(scene, thing.kind if truth else other, rng, tags)
        values["a_shape"] = with_article(named)
        if kind == "shape_choice":
            pair = [
                with_article(kind_word(scene, thing.kind, rng, tags)),
                with_article(kind_word(scene, other, rng, tags)),
            ]
            rng.shuffle(pair)
            values["a_shape"], values["a_shape2"] = pair
            answer = list(thing.words)
        else:
            answer = yes_no(truth)
    elif kind == "size":
        answer = SIZE_ANSWERS[thing.size or ""]
    elif kind == "size_verify":
        asked = rng.choice(("small", "large"))
        values["size"] = rng.choice(SIZE_WORDS[asked])
        answer = yes_no(asked == thing.size)
    elif kind in ("side", "side_verify", "level", "level_verify", "where"):
        where = side(scene, thing) if kind.startswith("side") else level(scene, thing)
        if kind == "where":
            return _where(template, scene, thing, rng, tags, values)
        if where is None:
            return None
        if kind.endswith("verify"):
            asked = rng.choice(("left", "right") if kind.startswith("side") else ("top", "bottom"))
            values["side" if kind.startswith("side") else "level"] = asked
            answer = yes_no(asked == where)
        else:
            answer = SIDE_ANSWERS[where]
    else:
        return None
    return Question(fill(template, rng, tags, **values), "attribute", answer, tags=tags)


def _where(
    template: Template, scene: Scene, thing: Thing, rng: random.Random, tags: set[str], values: dict[str, str]
) -> Question | None:
    horizontal, vertical = side(scene, thing), level(scene, thing)
    if horizontal is None and vertical is None:
        return None
    answers: list[str] = []
    if horizontal and not vertical:
        answers = SIDE_ANSWERS[horizontal]
    elif vertical and not horizontal:
        answers = SIDE_ANSWERS[vertical]
    else:
        ups = ("top", "upper") if vertical == "top" else ("bottom", "lower")
        answers = [f"{u} {horizontal}" for u in ups] + [f"{u} {horizontal} corner" for u in ups]
        answers += [f"{horizontal} {u}" for u in ups]
    return Question(fill(template, rng, tags, **values), "attribute", answers, tags=tags)


def _other_colour(colour: str, rng: random.Random) -> str:
    return rng.choice([c for c in sorted(PALETTE) if c != colour and not confusable(c, colour)])


def _note_grey(tags: set[str], *words: str) -> None:
    if "grey" in words:
        tags.add("grey")
