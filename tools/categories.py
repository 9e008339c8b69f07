"""What kind of thing a label is, and which labels are a kind of thing.

Two vocabularies: the detector's 80 COCO classes, in COCO's own 12 supercategories (person, vehicle,
outdoor, animal, accessory, sports, kitchen, food, furniture, electronic, appliance, indoor), and the
classifier's 1,000 ImageNet classes, each in a category and a finer group (``imagenet_classes``).
``category_of("Egyptian cat")`` is animal/cat; ``labels_in("cat", "imagenet")`` the five domestic
cats; ``labels_in("rocket", "imagenet")`` missile, projectile and space shuttle, so "is there a
rocket?" can be answered from the classifier when the detector, which has no rocket class, is silent.

A kind can be asked for as a category ("animal", "vehicles", "electronic devices"), a group ("dog",
"big cat"), a word people use for one ("monkey", "puppy", "spaceship") or, for animals, a wider kind
made of several groups ("mammal", "reptile", "canine").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from argus.tools.coco import COCO_SUPERCATEGORIES, compact, match_label, singular_forms
from argus.tools.imagenet_classes import NAMES, TAXONOMY

Vocabulary = Literal["coco", "imagenet"]

# Animal kinds wider than one group.
WIDER_GROUPS: dict[str, tuple[str, ...]] = {
    "mammal": (
        "dog", "wild dog", "fox", "cat", "big cat", "bear", "elephant", "marsupial", "marine mammal",
        "rabbit", "rodent", "horse", "zebra", "pig", "hoofed mammal", "cattle", "sheep", "goat", "antelope",
        "camel", "primate", "mammal", "giraffe",
    ),
    "reptile": ("turtle", "lizard", "crocodile", "snake", "reptile"),
    "canine": ("dog", "wild dog", "fox"),
    "feline": ("cat", "big cat"),
    "hoofed mammal": ("horse", "zebra", "pig", "hoofed mammal", "cattle", "sheep", "goat", "antelope", "camel"),
    "invertebrate": ("insect", "spider", "arachnid", "mollusc", "crustacean", "invertebrate"),
    "arachnid": ("spider", "arachnid"),
    "sea creature": ("fish", "marine mammal", "crustacean", "mollusc", "invertebrate"),
}  # fmt: skip

# Words people use for a category or group, keyed by their compact form.
KIND_WORDS: dict[str, str] = {
    "electronics": "electronic",
    "electronicdevice": "electronic",
    "electronicitem": "electronic",
    "gadget": "electronic",
    "sport": "sports",
    "sportsitem": "sports",
    "sportsequipment": "sports",
    "sportinggoods": "sports",
    "instrument": "musical instrument",
    "clothes": "clothing",
    "apparel": "clothing",
    "foodstuff": "food",
    "fooditem": "food",
    "meal": "dish",
    "kitchenware": "kitchen",
    "kitchenitem": "kitchen",
    "homeappliance": "appliance",
    "houseplant": "potted plant",
    "building": "building",
    "house": "building",
    "store": "shop",
    "people": "person",
    "human": "person",
    "monkey": "primate",
    "ape": "primate",
    "puppy": "dog",
    "kitten": "cat",
    "bug": "insect",
    "butterfly": "insect",
    "wolf": "wild dog",
    "cow": "cattle",
    "rocket": "rocket",
    "spaceship": "rocket",
    "spacecraft": "rocket",
    "airplane": "aircraft",
    "aeroplane": "aircraft",
    "plane": "aircraft",
    "ship": "boat",
    "automobile": "car",
    "lorry": "truck",
    "tram": "train",
    "bike": "bicycle",
    "gun": "gun",
    "firearm": "gun",
    "hat": "headwear",
    "helmet": "headwear",
    "shoe": "footwear",
    "beverage": "drink",
    "phone": "phone",
    "telephone": "phone",
    "tv": "screen",
    "television": "screen",
    "sofa": "couch",
    "mushroom": "fungus",
    "landscape": "landscape",
    "scenery": "landscape",
}


@dataclass(frozen=True)
class Category:
    """A label's kind: ``name`` is the category (animal, vehicle, ...), ``group`` the finer kind
    within it (dog, bus, ...; a COCO label is its own group)."""

    name: str
    group: str


@cache
def _imagenet() -> tuple[Category, ...]:
    """The category of each ImageNet class id, from ``TAXONOMY``."""
    table: dict[int, Category] = {}
    for line in TAXONOMY.strip().splitlines():
        kind, _, ids = line.partition(":")
        name, _, group = kind.strip().partition("/")
        for token in ids.split():
            first, _, last = token.partition("-")
            for class_id in range(int(first), int(last or first) + 1):
                if class_id in table:
                    raise ValueError(f"ImageNet class {class_id} is in {table[class_id]} and {kind}")
                table[class_id] = Category(name, group)
    missing = [i for i in range(len(NAMES)) if i not in table]
    if missing:
        raise ValueError(f"ImageNet classes without a category: {missing}")
    return tuple(table[i] for i in range(len(NAMES)))


@cache
def _coco() -> dict[str, Category]:
    return {label: Category(name, label) for name, labels in COCO_SUPERCATEGORIES.items() for label in labels}


def imagenet_category(class_id: int) -> Category:
    """The category of an ImageNet class id (0..999)."""
    table = _imagenet()
    if not 0 <= class_id < len(table):
        raise ValueError(f"ImageNet class ids are 0..{len(table) - 1}, got {class_id}")
    return table[class_id]


def imagenet_kind(class_id: int, label: str) -> Category | None:
    """The category of an ImageNet class as a classifier reports it (id and name), or None when the
    classifier's classes are not the ImageNet-1k list this table describes (the name differs)."""
    if not 0 <= class_id < len(NAMES) or NAMES[class_id] != label:
        return None
    return imagenet_category(class_id)


def category_of(
    label: str, class_id: int | None = None, vocabulary: Vocabulary | None = None
) -> Category | None:
    """The category of a COCO or ImageNet label, or None when it is neither.

    ``class_id`` settles an ImageNet label that two classes share ("crane"); ``vocabulary`` says which
    list the label comes from when it is in both ("kite" is a COCO toy and an ImageNet bird, "orange"
    and "mouse" are in both); without it COCO is tried first.
    """
    if vocabulary in (None, "coco"):
        name = match_label(label, list(_coco()))
        if name is not None:
            return _coco()[name]
        if vocabulary == "coco":
            return None
    if class_id is not None:
        return imagenet_category(class_id)
    ids = _imagenet_ids().get(compact(label), ())
    kinds = {_imagenet()[i] for i in ids}
    return kinds.pop() if len(kinds) == 1 else None


def labels_in(kind: str, vocabulary: Vocabulary = "coco") -> list[str]:
    """The labels of ``vocabulary`` that are a ``kind`` of thing, in class order; [] when none are or
    the kind is unknown. ``kind`` is a category, a group, a wider animal kind or a word for one of
    them, in the singular or plural ("vehicles", "dogs", "electronic devices", "mammals")."""
    groups = _groups_meant(kind, vocabulary)
    if vocabulary == "coco":
        # groups named after ImageNet's wider kinds (cattle, big cat) reach COCO labels through synonyms
        labels = set(_coco())
        named = {match_label(group, labels) for group in groups} | groups
        return [label for label, found in _coco().items() if found.name in named or label in named]
    out: list[str] = []
    for name, found in zip(NAMES, _imagenet(), strict=True):
        if (found.name in groups or found.group in groups) and name not in out:
            out.append(name)
    return out


def kinds(vocabulary: Vocabulary = "coco") -> dict[str, list[str]]:
    """Every category of a vocabulary with its groups."""
    table = _coco().values() if vocabulary == "coco" else _imagenet()
    out: dict[str, list[str]] = {}
    for found in table:
        groups = out.setdefault(found.name, [])
        if found.group not in groups:
            groups.append(found.group)
    return out


def _groups_meant(kind: str, vocabulary: Vocabulary) -> set[str]:
    """The category and group names a user's word for a kind stands for."""
    known = {name for name, groups in kinds(vocabulary).items() for name in (name, *groups)}
    by_compact = {compact(name): name for name in known | set(WIDER_GROUPS)}
    key = compact(kind)
    for candidate in (key, *singular_forms(key)):
        word = KIND_WORDS.get(candidate)
        if word is not None and compact(word) in by_compact:
            candidate = compact(word)
        if candidate in by_compact:
            name = by_compact[candidate]
            return set(WIDER_GROUPS.get(name, ())) | {name}
    if vocabulary == "coco":  # a COCO label or a synonym of one is its own group
        label = match_label(kind, list(_coco()))
        if label is not None:
            return {label}
    return set()


@cache
def _imagenet_ids() -> dict[str, tuple[int, ...]]:
    """Compact name -> the class ids with that name."""
    out: dict[str, list[int]] = {}
    for class_id, name in enumerate(NAMES):
        out.setdefault(compact(name), []).append(class_id)
    return {name: tuple(ids) for name, ids in out.items()}
