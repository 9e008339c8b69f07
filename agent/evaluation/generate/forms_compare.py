"""Comparisons and arithmetic over counts and attributes: "Are there more circles than squares?",
"Is the cube bigger than the ball?", "Subtract all red things. How many shapes are left?"."""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.language import colour_answers
from argus.agent.evaluation.generate.referents import (
    OBJECT_FAMILIES,
    absent_selectors,
    present_selectors,
    refer,
    sizes_shown,
)
from argus.agent.evaluation.generate.scene import Scene, Selector
from argus.agent.evaluation.generate.templates import (
    Question,
    Template,
    fill,
    name_slots,
    say_number,
    selector_answers,
    templates,
    thing_word,
    yes_no,
)

COMPARE = templates(
    "compare",
    [
        ("more", "compare", "are there more {objs} than {objs2}?"),
        ("fewer", "compare", "are there fewer {objs} than {objs2}?"),
        ("equal", "compare", "are there as many {objs} as {objs2}?"),
        ("equal", "compare", "is the number of {objs} equal to the number of {objs2}?"),
        ("more", "compare", "do the {objs} outnumber the {objs2}?"),
        ("fewer", "compare", "are the {objs} fewer in number than the {objs2}?"),
        ("which_more", "compare", "which are there more of, {objs} or {objs2}?"),
        ("which_fewer", "compare", "which are there fewer of: {objs} or {objs2}?"),
        ("more", "compare", "are {objs} more common than {objs2} here?"),
        ("more", "compare", "is the count of {objs} higher than that of {objs2}?"),
        ("fewer", "compare", "is the count of {objs} lower than the count of {objs2}?"),
        ("equal", "compare", "same number of {objs} and {objs2}?"),
        ("equal", "compare", "do {objs} and {objs2} appear equally often?"),
        ("equal", "compare", "is there the same amount of {objs} as {objs2}?"),
        ("which_more", "compare", "are there more {objs} or more {objs2}?"),
        ("bigger", "compare", "is the {obj} bigger than the {obj2}?"),
        ("smaller", "compare", "is the {obj} smaller than the {obj2}?"),
        ("which_larger", "compare", "which is larger, the {obj} or the {obj2}?"),
        ("which_smaller", "compare", "which is smaller: the {obj} or the {obj2}?"),
        ("same_colour", "compare", "are the {obj} and the {obj2} the same {colour}?"),
        ("same_shape", "compare", "do the {obj} and the {obj2} have the same shape?"),
        ("same_size", "compare", "is the {obj} the same size as the {obj2}?"),
        ("same_colour", "compare", "does the {obj} have the same {colour} as the {obj2}?"),
        ("same_shape", "compare", "are the {obj} and the {obj2} the same shape?"),
        ("more_than_one", "compare", "is there more than one {obj}?"),
        ("n_more", "compare", "are there more than {n} {objs}?"),
        ("n_fewer", "compare", "are there fewer than {n} {objs}?"),
        ("n_least", "compare", "are there at least {n} {objs}?"),
        ("n_exact", "compare", "are there exactly {n} {objs}?"),
        ("n_more", "compare", "is the number of {objs} greater than {n}?"),
        ("n_most", "compare", "are there at most {n} {objs}?"),
        ("n_more", "compare", "do you see more than {n} {objs}?"),
        ("add", "arithmetic", "how many {objs} would there be if you added {k} more?"),
        ("add", "arithmetic", "if {k} more {objs} were added, how many {objs} would there be?"),
        ("add", "arithmetic", "add {k} {objs}. How many {objs} are there now?"),
        ("remove", "arithmetic", "suppose {k} of the {objs} were removed. How many would be left?"),
        ("remove_all", "arithmetic", "if you took away all the {objs}, how many {things} would remain?"),
        ("remove_all", "arithmetic", "subtract all {objs}. How many {things} are left?"),
        ("remove_all", "arithmetic", "remove every {obj}: how many {things} remain?"),
        ("sum", "arithmetic", "how many {objs} and {objs2} are there altogether?"),
        ("sum", "arithmetic", "what is the total number of {objs} and {objs2}?"),
        ("diff_more", "arithmetic", "how many more {objs} than {objs2} are there?"),
        (
            "difference",
            "arithmetic",
            "what's the difference between the number of {objs} and the number of {objs2}?",
        ),
        ("double", "arithmetic", "if every {obj} were doubled, how many {objs} would there be?"),
        ("remove_one", "arithmetic", "how many {things} would there be if one {obj} were taken away?"),
        ("remove_all", "arithmetic", "ignoring the {objs}, how many {things} are there?"),
        ("double", "arithmetic", "what is twice the number of {objs}?"),
        ("add", "arithmetic", "take the number of {objs} and add {k}. What do you get?"),
    ],
)

PAIR_KINDS = ("more", "fewer", "equal", "which_more", "which_fewer", "sum", "diff_more", "difference")
THING_KINDS = ("bigger", "smaller", "which_larger", "which_smaller", "same_colour", "same_shape", "same_size")
TOTAL_KINDS = ("remove_all", "remove_one")


def _disjoint(scene: Scene, a: Selector, b: Selector) -> bool:
    return not any(a.matches(t) and b.matches(t) for t in scene.things)


def _pair(scene: Scene, rng: random.Random) -> tuple[Selector, Selector] | None:
    options = [s for s in present_selectors(scene) if s.kind or s.colour]
    if rng.random() < 0.15:  # now and then one side is absent: a count of zero
        options += [s for s in absent_selectors(scene)[:4]]
    pairs = [
        (a, b)
        for a in options
        for b in options
        if a != b and _disjoint(scene, a, b) and a.count(scene) + b.count(scene) > 0
    ]
    return rng.choice(pairs) if pairs else None


def build_compare(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family not in OBJECT_FAMILIES:
        return None
    kind = template.kind
    if kind in TOTAL_KINDS and scene.family == "pasted":
        return None  # "how many things are left" in a photo has no one answer
    tags: set[str] = set()
    values = {"things": thing_word(scene, rng, plural_form=True)}
    if kind in THING_KINDS:
        return _things(template, scene, rng, tags, values)
    if kind in PAIR_KINDS:
        pair = _pair(scene, rng)
        if pair is None:
            return None
        a, b = pair
        na, nb = a.count(scene), b.count(scene)
        if kind in ("which_more", "which_fewer") and na == nb:
            return None
        if kind == "diff_more" and na < nb:
            a, b, na, nb = b, a, nb, na
        values |= name_slots(template, scene, a, rng, tags) | name_slots(template, scene, b, rng, tags, "2")
        answer = {
            "more": lambda: yes_no(na > nb),
            "fewer": lambda: yes_no(na < nb),
            "equal": lambda: yes_no(na == nb),
            "which_more": lambda: selector_answers(scene, a, b) if na > nb else selector_answers(scene, b, a),
            "which_fewer": lambda: (
                selector_answers(scene, a, b) if na < nb else selector_answers(scene, b, a)
            ),
            "sum": lambda: [str(na + nb)],
            "diff_more": lambda: [str(na - nb)],
            "difference": lambda: [str(abs(na - nb))],
        }[kind]()
        return Question(fill(template, rng, tags, **values), template.op, answer, tags=tags)
    options = [s for s in present_selectors(scene) if s.kind or s.colour]
    if not options:
        return None
    sel = rng.choice(options)
    count = sel.count(scene)
    values |= name_slots(template, scene, sel, rng, tags)
    if kind == "more_than_one":
        return Question(fill(template, rng, tags, **values), "compare", yes_no(count > 1), tags=tags)
    if kind.startswith("n_"):
        n = max(0 if kind != "n_fewer" else 1, count + rng.choice((-1, 0, 1)))
        values["n"] = say_number(n, rng, tags)
        truth = {
            "n_more": count > n,
            "n_fewer": count < n,
            "n_least": count >= n,
            "n_exact": count == n,
            "n_most": count <= n,
        }[kind]
        return Question(fill(template, rng, tags, **values), "compare", yes_no(truth), tags=tags)
    k = rng.randint(1, 4)
    if kind == "remove" and count < 2:
        return None
    if kind == "remove":
        k = rng.randint(1, count - 1)
    values["k"] = say_number(k, rng, tags)
    total = len(scene.things)
    number = {
        "add": count + k,
        "remove": count - k,
        "remove_all": total - count,
        "remove_one": total - 1,
        "double": 2 * count,
    }[kind]
    return Question(fill(template, rng, tags, **values), "arithmetic", [str(number)], tags=tags)


def _things(
    template: Template, scene: Scene, rng: random.Random, tags: set[str], values: dict
) -> Question | None:
    """Two single things compared by size, colour or shape, each named without the compared attribute."""
    kind = template.kind
    if len(scene.things) < 2:
        return None
    i, j = rng.sample(range(len(scene.things)), 2)
    a, b = scene.things[i], scene.things[j]
    if a.inside is not None or b.inside is not None:
        return None
    without = {"same_colour": "colour", "same_shape": "kind"}.get(kind, "size")
    if without == "size" and (not sizes_shown(scene) or a.size is None or b.size is None):
        return None
    if kind in ("bigger", "smaller", "which_larger", "which_smaller") and a.size == b.size:
        return None  # two things of one size class: which is bigger is not plain to see
    if kind == "same_colour" and (a.colour is None or b.colour is None or scene.family == "pasted"):
        return None
    obj, obj2 = refer(scene, i, rng, tags, without=without), refer(scene, j, rng, tags, without=without)
    if obj is None or obj2 is None or obj == obj2:
        return None
    values |= {"obj": obj, "obj2": obj2}
    bigger = a if a.size == "large" else b
    smaller = b if bigger is a else a
    answer = {
        "bigger": lambda: yes_no(a.size == "large"),
        "smaller": lambda: yes_no(a.size == "small"),
        "which_larger": lambda: [obj if bigger is a else obj2],
        "which_smaller": lambda: [obj if smaller is a else obj2],
        "same_colour": lambda: yes_no(a.colour == b.colour),
        "same_shape": lambda: yes_no(a.kind == b.kind),
        "same_size": lambda: yes_no(a.size == b.size),
    }[kind]()
    if kind in ("which_larger", "which_smaller"):
        chosen = bigger if kind == "which_larger" else smaller
        if a.kind != b.kind:
            answer += list(chosen.words)
        if a.colour != b.colour and chosen.colour:
            answer += colour_answers(chosen.colour)
        answer = list(dict.fromkeys(answer))
    return Question(fill(template, rng, tags, **values), "compare", answer, tags=tags)
