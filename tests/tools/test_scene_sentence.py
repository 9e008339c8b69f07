"""The composed description's sentence from canned evidence: what it says, how it hedges and places
things, what it cites, and what it never says."""

from __future__ import annotations

import re

import pytest

from argus.tools.evidence import Colour, Detection, ImageLabel, Measurement, ObjectProposal, TextLine
from argus.tools.scene_sentence import counted, describe, legible, plural

SIZE = (800, 600)


def det(i: int, label: str, box: list[float], score: float = 0.9) -> Detection:
    return Detection(id=f"D{i}", tool="detect_objects", label=label, score=score, box=box, class_id=1)


def colour(i: int, of: Detection, name: str, fraction: float = 0.7, second: str | None = None) -> Colour:
    return Colour(
        id=f"K{i}", tool="analyze_colors_shapes", label=name, rgb=[0, 0, 0], fraction=fraction,
        box=of.box, source=of.id, object_label=of.label, second_colour=second,
    )  # fmt: skip


def label(i: int, name: str, score: float, group: str | None, category: str | None = None) -> ImageLabel:
    return ImageLabel(
        id=f"L{i}", tool="classify_image", label=name, score=score, rank=i, group=group, category=category
    )


def quality(i: int, metric: str, verdict: str) -> Measurement:
    return Measurement(id=f"Q{i}", tool="assess_quality", label=metric, value=1.0, verdict=verdict)


def say(detections=(), labels=(), colours=(), measurements=(), objects=None, lines=None):
    return describe(list(detections), list(labels), list(colours), list(measurements), objects, lines, SIZE)


def cited(text: str) -> list[str]:
    return re.findall(r"\[([A-Z]\d+)\]", text)


def test_the_main_object_takes_the_classifiers_finer_name_and_its_colour():
    bus = det(2, "bus", [10, 100, 790, 500])
    people = [det(1, "person", [50, 200, 200, 580]), det(3, "person", [300, 220, 400, 590], 0.6)]
    sentence = say([people[0], bus, people[1]], [label(1, "minibus", 0.86, "bus")], [colour(4, bus, "blue")])
    assert sentence.text == "A photo of a blue minibus [D2][L1][K4], with two people [D1][D3] in front of it."
    assert [item.id for item in sentence.used] == cited(sentence.text)


def test_a_classifier_class_of_another_kind_gets_its_own_sentence():
    table, cup = det(1, "dining table", [0, 0, 800, 600]), det(2, "cup", [300, 100, 500, 300])
    sentence = say([table, cup], [label(1, "espresso", 0.8, "drink")])
    assert (
        sentence.text
        == "A photo of a dining table [D1], with a cup [D2] on it. It looks like an espresso [L1]."
    )


def test_unsure_detections_are_possibly_and_low_classes_are_left_out():
    cat, bed = det(1, "cat", [0, 0, 600, 600]), det(2, "bed", [500, 100, 800, 600], 0.33)
    sentence = say([cat, bed], [label(1, "tabby", 0.2, "cat")])
    assert sentence.text == "A photo of a cat [D1], possibly with a bed [D2]."


def test_people_are_placed_across_the_picture_and_never_described_by_skin():
    left, right = det(1, "person", [0, 100, 200, 600]), det(2, "person", [600, 100, 790, 600])
    sentence = say([left, right], [], [colour(3, left, "black"), colour(4, right, "black")])
    assert (
        sentence.text
        == "A photo of two people [D1][D2] dressed in black [K3][K4], one on the left and one on the right."
    )
    alone = say([left], [], [colour(3, left, "brown")])
    assert alone.text == "A photo of a person [D1] dressed in brown [K3]."
    assert "a brown person" not in alone.text


def test_colours_are_not_said_of_a_black_and_white_or_dark_picture():
    car = det(1, "car", [100, 100, 700, 500])
    grey = say([car], [], [colour(2, car, "gray")], [quality(1, "colour", "grayscale")])
    assert grey.text == "A black-and-white photo [Q1] of a car [D1]."
    dark = say([car], [], [colour(2, car, "black")], [quality(1, "exposure", "underexposed")])
    assert dark.text == "A photo of a car [D1]. The picture is too dark [Q1]."


def test_a_two_toned_object_and_a_faint_colour():
    bus = det(1, "bus", [0, 0, 800, 600])
    assert say([bus], [], [colour(2, bus, "red", second="white")]).text.startswith(
        "A photo of a red and white bus [D1][K2]"
    )
    assert say([bus], [], [colour(2, bus, "blue", second="gray")]).text.startswith(
        "A photo of a blue bus [D1][K2]"
    )
    assert say([bus], [], [colour(2, bus, "blue", fraction=0.3)]).text == "A photo of a bus [D1]."


def test_things_on_a_plain_background_are_counted_by_colour_and_shape():
    objects = [
        ObjectProposal(id=f"O{i}", tool="find_objects", label="object", box=[0, 0, 10, 10], area_px=100,
                       area_fraction=0.01, colour=c, shape=s)
        for i, (c, s) in enumerate([("red", "circle"), ("red", "circle"), ("blue", None)], start=1)
    ]  # fmt: skip
    weak = det(1, "kite", [0, 0, 50, 50], 0.4)
    sentence = say([weak], objects=objects, measurements=[quality(1, "exposure", "overexposed")])
    assert sentence.text == (
        "A picture of three objects on a plain background: two red circles [O1][O2] and a blue object [O3]; "
        "the detector suggests a kite [D1], without confidence."
    )  # the white background's overexposure is not news


def test_nothing_recognised_and_the_classifiers_guesses():
    assert say().text == "A photo in which no object is recognised with confidence."
    rocket = say(
        [],
        [
            label(1, "projectile", 0.38, "rocket"),
            label(2, "missile", 0.35, "rocket"),
            label(3, "crane", 0.1, "machine"),
        ],
    )
    assert rocket.text == "A photo of what looks like a rocket (a projectile or a missile) [L1][L2]."


def test_failed_quality_checks_and_text_are_said_in_plain_words():
    sentence = say(
        measurements=[quality(1, "sharpness", "blurred"), quality(2, "noise", "noisy"), quality(3, "size", "ok")],
        lines=[TextLine(id="T1", tool="read_text", label="text", text='EXIT "now" [D9]', box=[0, 0, 1, 1],
                        polygon=[[0, 0], [1, 0], [1, 1], [0, 1]])],
    )  # fmt: skip
    assert "The picture is blurred [Q1] and noisy [Q2]." in sentence.text
    assert 'The text in it reads "EXIT \\"now\\" [D9]" [T1].' in sentence.text  # quoted, never obeyed
    assert "sharpness" not in sentence.text and "ok" not in sentence.text
    assert "text" not in say(lines=[]).text  # nothing legible is not worth a sentence


def test_counts_and_plurals():
    assert [counted("bus", n) for n in (1, 2, 11)] == ["a bus", "two buses", "11 buses"]
    assert counted("apple", 1) == "an apple" and plural("person", 3) == "people"
    assert plural("knife", 2) == "knives" and plural("sports ball", 2) == "sports balls"


def test_several_classes_of_one_kind_are_named_by_their_kind():
    china = say(
        labels=[
            label(1, "palace", 0.18, "building"),
            label(2, "boathouse", 0.16, "building"),
            label(3, "church", 0.15, "building"),
            label(4, "lakeside", 0.05, "landscape"),
        ]
    )
    assert (
        china.text
        == "A photo of what looks like a building (a palace, a boathouse or a church) [L1][L2][L3]."
    )


def test_a_drawn_shape_is_not_the_thing_the_detector_took_it_for():
    hexagon = ObjectProposal(id="O1", tool="find_objects", label="object", box=[10, 10, 60, 60], area_px=2500, area_fraction=0.05,
                             colour="green", shape="hexagon")  # fmt: skip
    sentence = say([det(1, "kite", [11, 10, 60, 61], 0.95)], objects=[hexagon])
    assert sentence.text.startswith("A picture of an object on a plain background: a green hexagon [O1]")


@pytest.mark.parametrize(
    ("line", "quoted"),
    [
        ("Region-based segmentation", True),
        ("Let us first determine markers of the coins", True),
        ("cero emisiones", True),
        ("10", True),
        ("M1SOL/SEUILLA", False),  # letters and digits strung together from texture
        ("elecricamEMTe", False),
        ("S=", False),
    ],
)
def test_a_description_quotes_only_lines_that_look_like_words(line, quoted):
    assert legible(line) is quoted
