"""Questions that offer two answers ('above or below?', 'sharp or blurry?') get the one that holds, never
Yes or No. The phrasings differ from the evaluation suites' on purpose."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from argus import Assistant
from argus.agent.core import program as p
from argus.agent.planner.parser import parse
from tests.support import samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.fixture(scope="module")
def stacked(tmp_path_factory) -> str:
    """A red triangle drawn well above a blue rectangle, on white."""
    image = Image.new("RGB", (320, 320), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(160, 30), (110, 120), (210, 120)], fill=(220, 30, 30))
    draw.rectangle([90, 200, 230, 270], fill=(30, 60, 210))
    path = tmp_path_factory.mktemp("choice") / "stacked.png"
    image.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "choices"),
    [
        ("Is the triangle above or below the rectangle?", ["above", "below"]),
        ("is the cat on or under the table", ["on", "below"]),
        ("Are the people in front of the bus or behind it?", ["in_front_of", "behind"]),
        ("Is the dog bigger or smaller than the cat?", ["larger_than", "smaller_than"]),
    ],
)
def test_offered_relations_parse_as_a_choice(question, choices):
    program = parse(question).program.root
    assert isinstance(program, p.Relate)
    assert program.relation is None and program.choices == choices


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Is the triangle above or below the rectangle?", "above"),
        ("Is the rectangle above the triangle or below it?", "below"),
        ("is the blue rectangle under or over the red triangle", "below"),
    ],
)
def test_shapes_stacked_answer_with_the_side_that_holds(assistant, stacked, question, short):
    answer = assistant.ask(stacked, question)
    assert answer.short_answer == short, answer.answer
    assert not answer.answer.startswith(("Yes", "No")), answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Are the people standing in front of the bus or behind it?",
        "Are the men in front of or behind the bus?",
    ],
)
def test_people_before_the_bus_are_in_front(assistant, question):
    answer = assistant.ask(samples.BUS, question)
    assert answer.short_answer == "in front", answer.answer
    assert "in front of the bus" in answer.answer


def test_bus_is_larger_than_the_person(assistant):
    answer = assistant.ask(samples.BUS, "Is the bus bigger or smaller than the person on the left?")
    assert answer.short_answer == "larger", answer.answer


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        (samples.CAMERA, "Is this picture in colour or black and white?", "black and white"),
        (samples.ASTRONAUT, "is the photo black and white or colour", "colour"),
        (samples.CLOCK_MOTION, "Is the photo sharp or blurry?", "blurry"),
        (samples.CLOCK_MOTION, "is this image blurred or in focus", "blurry"),
        (samples.BUS, "Is the picture blurry or sharp?", "sharp"),
        (samples.ASTRONAUT, "Is the picture dark or bright?", "well exposed"),
    ],
)
def test_quality_choices_name_the_state(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert not answer.answer.startswith(("Yes", "No")), answer.answer


def test_a_dark_photo_is_dark_of_the_two(assistant, tmp_path):
    from argus.tools.image_io import load_image

    dark = (load_image(samples.CAMERA).gray * 0.12).astype(np.uint8)
    path = tmp_path / "dark.png"
    Image.fromarray(dark).save(path)
    answer = assistant.ask(str(path), "Is this photo dark or light?")
    assert answer.short_answer == "dark", answer.answer
    assert answer.answer.startswith("Dark: it is too dark [Q1]"), answer.answer


@pytest.fixture(scope="module")
def corners(tmp_path_factory) -> str:
    """A red circle top left, a blue square top right, a green triangle bottom left, a small orange
    circle bottom right."""
    image = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse([60, 50, 180, 170], fill=(220, 30, 30))
    draw.rectangle([420, 50, 540, 170], fill=(30, 60, 220))
    draw.polygon([(120, 250), (50, 370), (190, 370)], fill=(30, 170, 50))
    draw.ellipse([470, 290, 510, 330], fill=(240, 140, 20))
    path = tmp_path_factory.mktemp("corners") / "corners.png"
    image.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("What shape is in the top right corner?", "square"),
        ("what shape is in the lower left corner", "triangle"),
        ("Which circle is bigger, the red one or the orange one?", "red circle"),
        ("Which circle is smaller, the red or the orange?", "orange circle"),
    ],
)
def test_things_named_by_their_corner_or_by_one(assistant, corners, question, short):
    answer = assistant.ask(corners, question)
    assert answer.short_answer == short, answer.answer


def test_the_smaller_one_is_said_to_be_smaller(assistant, corners):
    answer = assistant.ask(corners, "Which circle is smaller, the red one or the orange one?")
    assert "the other" in answer.answer and "covers" in answer.answer
    assert answer.answer.index("the other") < answer.answer.index("covers"), answer.answer
