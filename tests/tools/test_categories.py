"""Categories: every COCO and ImageNet class is one kind of thing, and a user's word for a kind
finds its labels."""

from __future__ import annotations

from collections import Counter

import pytest

from argus.tools.categories import Category, category_of, imagenet_category, imagenet_kind, kinds, labels_in
from argus.tools.coco import COCO_80, COCO_SUPERCATEGORIES, match_label
from argus.tools.imagenet_classes import NAMES


def test_the_twelve_coco_supercategories_hold_each_class_once():
    assert list(COCO_SUPERCATEGORIES) == [
        "person", "vehicle", "outdoor", "animal", "accessory", "sports", "kitchen", "food", "furniture",
        "electronic", "appliance", "indoor",
    ]  # fmt: skip
    listed = [label for labels in COCO_SUPERCATEGORIES.values() for label in labels]
    assert sorted(listed) == sorted(COCO_80) and len(set(listed)) == 80


def test_every_imagenet_class_has_one_category_and_the_names_are_the_classifiers():
    from argus.tools.backend_facts import detect_models_dir

    labels = (detect_models_dir() / "efficientnet_labels.txt").read_text(encoding="utf-8").splitlines()
    assert list(NAMES) == [line.split(",")[0].strip() for line in labels]
    per_category = Counter(imagenet_category(i).name for i in range(1000))
    assert per_category["animal"] == 398  # ImageNet's first 398 classes are animals
    assert all(imagenet_category(i).name == "animal" for i in range(398))
    assert sum(per_category.values()) == 1000


@pytest.mark.parametrize(
    ("class_id", "category", "group"),
    [
        (0, "animal", "fish"), (21, "animal", "bird"), (134, "animal", "bird"), (151, "animal", "dog"),
        (207, "animal", "dog"), (276, "animal", "mammal"), (281, "animal", "cat"), (285, "animal", "cat"),
        (291, "animal", "big cat"), (339, "animal", "horse"), (383, "animal", "primate"),
        (388, "animal", "bear"), (403, "vehicle", "boat"), (407, "vehicle", "car"), (413, "weapon", "gun"),
        (435, "household", "bathtub"), (504, "kitchen", "tableware"), (517, "device", "machine"),
        (527, "electronic", "computer"), (532, "furniture", "table"), (579, "musical instrument", "keyboard instrument"),
        (654, "vehicle", "bus"), (657, "vehicle", "rocket"), (664, "electronic", "screen"), (673, "electronic", "computer"),
        (738, "plant", "potted plant"), (744, "vehicle", "rocket"), (779, "vehicle", "bus"), (812, "vehicle", "rocket"),
        (834, "clothing", "garment"), (850, "toy", "teddy bear"), (851, "electronic", "screen"),
        (913, "vehicle", "boat"), (950, "food", "fruit"), (963, "food", "dish"), (967, "food", "drink"),
        (968, "kitchen", "tableware"), (980, "nature", "landscape"), (983, "person", "person"),
        (985, "plant", "flower"), (999, "household", "textile"),
    ],
)  # fmt: skip
def test_hand_checked_imagenet_classes(class_id, category, group):
    assert imagenet_category(class_id) == Category(category, group), NAMES[class_id]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Egyptian cat", Category("animal", "cat")),
        ("missile", Category("vehicle", "rocket")),
        ("space shuttle", Category("vehicle", "rocket")),
        ("minibus", Category("vehicle", "bus")),  # a COCO synonym first
        ("bus", Category("vehicle", "bus")),
        ("people", Category("person", "person")),
        ("sofa", Category("furniture", "couch")),
        ("kite", Category("sports", "kite")),  # COCO's kite is a toy ...
        ("tv", Category("electronic", "tv")),
        ("crane", None),  # two ImageNet classes: the bird and the machine
        ("no such thing", None),
        ("", None),
        ("x" * 10_000, None),
    ],
)
def test_category_of_a_label(label, expected):
    assert category_of(label) == expected


def test_the_vocabulary_and_class_id_settle_shared_names():
    assert category_of("kite", vocabulary="imagenet") == Category("animal", "bird")  # ... ImageNet's a bird
    assert category_of("crane", class_id=517) == Category("device", "machine")
    assert category_of("crane", class_id=134) == Category("animal", "bird")
    assert category_of("Egyptian cat", vocabulary="coco") is None
    assert imagenet_kind(285, "Egyptian cat") == Category("animal", "cat")
    assert imagenet_kind(285, "some other model's class") is None
    with pytest.raises(ValueError, match="0..999"):
        imagenet_category(1000)


@pytest.mark.parametrize(
    ("kind", "coco", "imagenet_has", "imagenet_count"),
    [
        ("animal", ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"], "tabby", 398),
        ("vehicles", ["bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"], "minibus", None),
        ("electronic devices", ["tv", "laptop", "mouse", "remote", "keyboard", "cell phone"], "laptop", None),
        ("sports items", ["frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
                          "skateboard", "surfboard", "tennis racket"], "soccer ball", None),
        ("food", ["banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake"], "pizza", None),
        ("furniture", ["chair", "couch", "potted plant", "bed", "dining table", "toilet"], "rocking chair", None),
        ("cats", ["cat"], "Persian cat", 5),
        ("dogs", ["dog"], "golden retriever", 118),
        ("puppies", ["dog"], "beagle", 118),
        ("rocket", [], "missile", 3),
        ("spaceship", [], "space shuttle", 3),
        ("musical instruments", [], "violin", 28),
        ("mammals", ["cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"], "lion", None),
        ("reptile", [], "green mamba", 36),
        ("monkeys", [], "gorilla", 20),
        ("building", [], "castle", None),
        ("clothes", [], "suit", None),
    ],
)  # fmt: skip
def test_labels_in_a_kind(kind, coco, imagenet_has, imagenet_count):
    assert labels_in(kind, "coco") == coco
    found = labels_in(kind, "imagenet")
    assert imagenet_has in found
    if imagenet_count is not None:
        assert len(found) == imagenet_count


@pytest.mark.parametrize("kind", ["", "nonsense", "x" * 5000, "[D1]", "../../etc/passwd"])
def test_unknown_kinds_have_no_labels(kind):
    assert labels_in(kind, "coco") == [] and labels_in(kind, "imagenet") == []


def test_kinds_lists_categories_with_their_groups():
    coco = kinds("coco")
    assert coco["animal"][:3] == ["bird", "cat", "dog"]
    imagenet = kinds("imagenet")
    assert "rocket" in imagenet["vehicle"] and "cat" in imagenet["animal"]


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("man", "person"), ("woman", "person"), ("kid", "person"), ("child", "person"), ("people", "person"),
        ("boys", "person"), ("automobile", "car"), ("motorbike", "motorcycle"), ("ball", "sports ball"),
        ("football", "sports ball"), ("sofa", "couch"), ("tv", "tv"), ("television", "tv"), ("puppy", "dog"),
        ("puppies", "dog"), ("kitten", "cat"), ("kittens", "cat"), ("mug", "cup"), ("fridge", "refrigerator"),
        ("cattle", "cow"), ("jet", "airplane"), ("rucksack", "backpack"), ("Cell-Phones", "cell phone"),
    ],
)  # fmt: skip
def test_coco_synonyms(word, label):
    assert match_label(word, COCO_80) == label
