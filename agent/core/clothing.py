"""'What is the woman wearing?': the clothes the ImageNet classifier names in the wearer's own box, and the
COCO things worn there (a tie, a backpack, a handbag).

The classifier looks at the crop around each wearer and only its clothing classes are kept (a suit, a
military uniform, a fur coat, a cowboy hat, sunglasses...): on a whole picture those classes drown under
the scene's. What the classifier is not sure of is said as a guess, and a class is never stated alone
below a floor, so a crowd scene's noise is not read as clothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from argus.tools import box_geometry as geometry
from argus.tools.words import join_words

if TYPE_CHECKING:
    from argus.agent.core import program as p
    from argus.agent.core.executor import Executor
    from argus.agent.core.finding import Finding
    from argus.agent.core.things import Thing

# COCO classes one wears.
WORN = frozenset(["tie", "backpack", "handbag"])
# Words people use for clothes, to the ImageNet classes that show them (a class's own name matches too).
IMAGENET_CLOTHES: dict[str, tuple[str, ...]] = {
    "sunglasses": ("sunglass", "sunglasses"), "shades": ("sunglass", "sunglasses"),
    "uniform": ("military uniform",), "t-shirt": ("jersey",), "tshirt": ("jersey",), "tee": ("jersey",),
    "shirt": ("jersey",), "jeans": ("jean",), "coat": ("fur coat", "lab coat", "trench coat"),
    "jacket": ("suit", "trench coat"), "sweater": ("cardigan", "sweatshirt"), "hoodie": ("sweatshirt",),
    "jumper": ("cardigan", "sweatshirt"), "dress": ("gown", "overskirt", "hoopskirt", "miniskirt"),
    "skirt": ("miniskirt", "overskirt", "hoopskirt", "sarong"), "swimsuit": ("maillot", "bikini", "swimming trunks"),
    "pyjamas": ("pajama",), "pajamas": ("pajama",), "robe": ("vestment", "cloak", "kimono"),
    "hat": ("cowboy hat", "sombrero", "bonnet", "mortarboard", "bearskin", "pickelhaube", "shower cap", "bathing cap"),
    "helmet": ("crash helmet", "football helmet", "pickelhaube"), "cap": ("bathing cap", "shower cap", "mortarboard"),
    "mask": ("mask", "ski mask", "gasmask"), "tie": ("Windsor tie", "bow tie", "bolo tie"),
    "shoes": ("Loafer", "running shoe", "sandal", "clog", "cowboy boot"), "boots": ("cowboy boot",),
    "sneakers": ("running shoe",), "trainers": ("running shoe",), "gloves": ("mitten",), "armour": ("cuirass", "breastplate", "chain mail"),
}  # fmt: skip
CLOTHING_FLOOR = 0.04  # a clothing class below this share of the crop's probability is not said
SURE = 0.3  # at or above this, said without "possibly"
SAID = 2  # at most this many clothing classes per wearer


def what_is_worn(executor: Executor, wearer: p.Selection) -> Finding:
    from argus.agent.core.executor import _article, _cite_things, _noun
    from argus.agent.core.finding import Finding

    _, wearers = executor.select(wearer)
    name = _noun(wearer)
    if wearers is None:
        return Finding(None, "I can't tell: the detector failed.")
    boxed = [w for w in wearers if w.box]
    if not boxed:
        return Finding(None, f"I can't tell: I don't see {_article(name)}.")
    one = boxed[0] if wearer.rank or wearer.position or len(boxed) == 1 else None
    if one is None:  # several people, none named: the largest, said as such
        one = max(boxed, key=lambda t: t.area)
    clothes = _clothes(executor, one)
    worn = _worn_things(executor, one)
    who = f"the {name} {_cite_things([one])}"
    if not clothes and not worn:
        return Finding(
            None,
            f"I can't tell what {who} is wearing: the image classifier names no clothing in their box.",
            caveats=["No tool here outlines clothing; the classifier knows a few dozen kinds of clothes."],
        )
    sure = [label for label in clothes if (label.score or 0) >= SURE]
    guesses = [label for label in clothes if label not in sure]
    named = [f"{_article(label.label)} [{label.id}]" for label in sure or ([] if worn else guesses)]
    named += [f"{_article(thing.label)} [{thing.id}]" for thing in worn]
    lead = join_words(named)
    lead = f"{lead[0].upper()}{lead[1:]}" if sure or worn else f"Possibly {lead}"
    why = []
    if clothes:
        why.append(
            "The clothes are the image classifier's guesses for the crop around the "
            f"{name}, clothing classes only ({', '.join(f'{label.label} {label.score:.0%}' for label in clothes)})."
        )
    if guesses and (sure or worn):
        why.append(f"Possibly also {join_words([f'{_article(g.label)} [{g.id}]' for g in guesses])}.")
    short = clothes[0].label if clothes else worn[0].label
    return Finding(
        short,
        f"{lead}, on {who}.",
        why,
        ["No tool here outlines clothing: this rests on the classifier's view of the whole box."],
        value=short,
    )


def clothing_classes(word: str) -> frozenset[str]:
    """The ImageNet classes that show the clothing ``word`` names: 'uniform' -> military uniform."""
    from argus.tools.categories import labels_in

    word = word.lower().strip()
    candidates = {word, word.removesuffix("s"), word.removesuffix("es")}
    named = {c for c in labels_in("clothing", "imagenet") if c.lower() in candidates}
    for candidate in candidates:
        named |= set(IMAGENET_CLOTHES.get(candidate, ()))
    return frozenset(named)


def wears(executor: Executor, op: p.Exists) -> Finding | None:
    """'Is anyone wearing a uniform?', 'does the man wear sunglasses?': the classifier's view of each
    person's box; None when the clothing asked for is no class the classifier knows."""
    from argus.agent.core.executor import _article, _cite_things, _noun, _plural_statement
    from argus.agent.core.finding import Finding, verdict
    from argus.tools.words import plural

    asked = re.match(
        r"^(?:is |are )?(?:wearing|wears|wear|in|dressed in|has on|have on) (?:(?:a|an|the|any|some|his|her|their) )?(\w+(?:-\w+)?)$",
        op.unchecked or "",
    )
    classes = clothing_classes(asked.group(1)) if asked else frozenset()
    if op.target.label != "person" or not classes:
        return None
    _, people = executor.select(op.target)
    if not people:
        return None
    boxed = sorted((t for t in people if t.box), key=lambda t: -t.area)[:4]
    seen = []
    for person in boxed:
        result = executor.call("classify_image", {"box": person.box, "top_k": 10})
        for label in [] if result is None else result.labels:
            if label.label in classes and (label.score or 0) >= CLOTHING_FLOOR:
                seen.append((person, label))
                break
    thing = asked.group(1) if asked else ""
    if seen:
        person, label = max(seen, key=lambda pair: pair[1].score or 0)
        hedge = "" if (label.score or 0) >= SURE else " possibly"
        return verdict(
            True,
            f",{hedge} {'the' if len(boxed) == 1 else 'a'} person [{person.id}] wears what the classifier "
            f"calls {_article(label.label)} [{label.id}] ({label.score:.0%}).",
            caveats=[
                "No tool here outlines clothing: this rests on the classifier's view of the person's box."
            ],
        )
    on = "the person" if len(boxed) == 1 else f"the {len(boxed)} {plural('person', len(boxed))}"
    one = _noun(op.target)
    noun = plural(one) if _plural_statement(op.unchecked or "") else one
    doing = op.unchecked or ""
    doing = f"is {doing}" if re.match(r"^\w+ing\b", doing) else doing
    return Finding(
        None,
        f"I can't tell whether the {noun} {doing}: the image classifier names no {thing} on {on} "
        f"{_cite_things(boxed)}, and it can miss what is worn.",
        caveats=["A classifier naming a kind of clothing can confirm it; not naming it proves nothing."],
    )


def _clothes(executor: Executor, wearer: Thing) -> list[Any]:
    """The clothing classes the classifier gives the wearer's box, most probable first."""
    result = executor.call("classify_image", {"box": wearer.box, "top_k": 10})
    labels = [] if result is None else result.labels
    return [
        label for label in labels if label.category == "clothing" and (label.score or 0) >= CLOTHING_FLOOR
    ][:SAID]


def _worn_things(executor: Executor, wearer: Thing) -> list[Thing]:
    """COCO things one wears whose box lies mostly on the wearer's."""
    return [
        t
        for t in executor.things("detections") or []
        if t.label in WORN and t.box and wearer.box and geometry.covered(t.box, wearer.box) >= 0.5
    ]
