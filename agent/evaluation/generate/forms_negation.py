"""Negated yes/no questions: "Is it true that there is no dog?", "There are no stars, right?", "Is the
cube not red?", "Is this image not an MRI?".

Two kinds of negative wording are told apart. A question that asks whether something is *not* so
("Is there no cat?") is answered "yes" when the thing is absent: its root op is ``not``. A question
whose negation is only rhetorical ("Isn't there a cat?", "There's no cat, is there?") asks about the
thing itself and is answered "yes" when it is there, as people answer it: its root op is the
positive one (exists, attribute, modality, quality).
"""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.forms_imaging import ARTICLE_NAMES, quality_truth
from argus.agent.evaluation.generate.forms_relations import relation
from argus.agent.evaluation.generate.language import PALETTE, colour_name, confusable
from argus.agent.evaluation.generate.referents import (
    OBJECT_FAMILIES,
    colour_ok,
    pick_absent,
    pick_present,
    refer,
)
from argus.agent.evaluation.generate.scene import Scene
from argus.agent.evaluation.generate.templates import (
    Question,
    Template,
    fill,
    name_slots,
    templates,
    thing_word,
    yes_no,
)

NEGATION = templates(
    "not",
    [
        ("exists", "not", "is it true that there is no {obj}?", True),
        ("exists", "not", "there are no {objs}, right?", True),
        ("exists", "not", "is there no {obj} in the picture?", True),
        ("exists", "not", "are there no {objs}?", True),
        ("exists", "not", "is the picture free of {objs}?", True),
        ("exists", "not", "is it correct that the image has no {objs}?", True),
        ("exists", "not", "no {objs} here, correct?", True),
        ("exists", "not", "am I right that there isn't {a_obj}?", True),
        ("exists", "not", "is there not a single {obj}?", True),
        ("exists", "not", "is it false that there is {a_obj}?", True),
        ("exists", "not", "does the image lack {a_obj}?", True),
        ("exists", "not", "is {a_obj} missing from the picture?", True),
        ("exists", "not", "are {objs} absent?", True),
        ("exists", "not", "would you say there are zero {objs}?", True),
        ("exists", "not", "is it the case that no {obj} appears?", True),
        ("exists", "not", "nothing here is {a_obj}, true?", True),
        ("exists", "not", "confirm there is no {obj}.", True),
        ("exists", "not", "is the number of {objs} zero?", True),
        ("exists", "not", "none of the {things} is {a_obj}, right?", True),
        ("exists", "not", "I don't think there's {a_obj}. Am I right?", True),
        ("exists", "not", "is the image without any {objs}?", True),
        ("exists", "not", "can you confirm the picture contains no {objs}?", True),
        ("exists", "not", "so there's no {obj} at all?", True),
        ("exists", "not", "would it be wrong to say there is {a_obj}?", True),
        ("exists", "not", "is no {obj} to be seen?", True),
        ("exists", "exists", "isn't there {a_obj}?"),
        ("exists", "exists", "don't you see {a_obj}?"),
        ("exists", "exists", "aren't there any {objs}?"),
        ("exists", "exists", "isn't {a_obj} visible?"),
        ("exists", "exists", "can't you find {a_obj}?"),
        ("exists", "exists", "there isn't {a_obj} in this image, is there?"),
        ("exists", "exists", "there's no {obj}, is there?"),
        ("colour", "not", "is the {obj} not {c}?", True),
        ("colour", "attribute", "isn't the {obj} {c}?"),
        ("colour", "attribute", "the {obj} isn't {c}, is it?"),
        ("colour", "not", "is it true that the {obj} is not {c}?", True),
        ("colour", "not", "is the {obj} any {colour} other than {c}?", True),
        ("relation:left_of", "not", "is the {obj} not to the left of the {obj2}?", True),
        ("relation:above", "not", "is it true that the {obj} is not above the {obj2}?", True),
        ("relation:inside", "not", "is the {obj} not inside the {obj2}?", True),
        ("relation:right_of", "not", "is it false that the {obj} is right of the {obj2}?", True),
        ("modality", "not", "is this image not {a_modality}?", True),
        ("modality", "modality", "this isn't {a_modality}, is it?"),
        ("modality", "not", "is it true that this is not {a_modality}?", True),
        ("quality:sharp", "not", "is the image not sharp?", True),
        ("quality:dark", "quality", "isn't this photo too dark?"),
        ("quality:exposure_ok", "not", "is it true that the photo is not well exposed?", True),
        ("quality:blurry", "quality", "isn't this picture blurry?"),
    ],
)


def build_negation(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    kind, _, detail = template.kind.partition(":")
    tags: set[str] = {"negation"}
    truth: bool | None
    values: dict[str, str] = {}
    if kind == "modality":
        if scene.modality is None:
            return None
        named = (
            scene.modality
            if rng.random() < 0.5
            else rng.choice([m for m in ARTICLE_NAMES if m != scene.modality])
        )
        values["a_modality"] = ARTICLE_NAMES[named]
        truth = scene.modality == named
    elif kind == "quality":
        if scene.family != "quality":
            return None
        answer = quality_truth(scene, detail)
        if answer is None:
            return None
        truth = answer == ["yes"]
    elif scene.family not in OBJECT_FAMILIES:
        return None
    elif kind == "exists":
        present = rng.random() < 0.5
        sel = pick_present(scene, rng) if present else pick_absent(scene, rng)
        if sel is None:
            return None
        values |= name_slots(template, scene, sel, rng, tags)
        values["things"] = thing_word(scene, rng, plural_form=True)
        truth = present
    elif kind == "colour":
        i = rng.randrange(len(scene.things))
        thing = scene.things[i]
        if thing.colour is None or not colour_ok(scene, thing.colour):
            return None
        obj = refer(scene, i, rng, tags, without="colour")
        if obj is None:
            return None
        truth = rng.random() < 0.5
        named = (
            thing.colour
            if truth
            else rng.choice(
                [c for c in sorted(PALETTE) if c != thing.colour and not confusable(c, thing.colour)]
            )
        )
        values |= {"obj": obj, "c": colour_name(named, rng)}
    else:
        n = len(scene.things)
        if n < 2:
            return None
        i, j = rng.sample(range(n), 2)
        truth = relation(detail, scene, i, j)
        obj, obj2 = refer(scene, i, rng, tags), refer(scene, j, rng, tags)
        if truth is None or obj is None or obj2 is None or obj == obj2:
            return None
        values |= {"obj": obj, "obj2": obj2}
    answer = yes_no(not truth if template.negated else bool(truth))
    return Question(fill(template, rng, tags, **values), template.op, answer, tags=tags)
