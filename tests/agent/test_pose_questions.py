"""Questions about what people are doing, their posture, arms and which way they face, end to end on
real photos (the truth checked by eye): the first words a person checks. The phrasings are not the
ones the forms were written from."""

from __future__ import annotations

import re

import pytest

from argus import Assistant
from tests.support import samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        # camera.png: a man standing behind a camera on a tripod, side on, looking to the image's right
        (samples.CAMERA, "Is the photographer on his feet?", "yes"),
        (samples.CAMERA, "Is the guy sitting down?", "no"),
        (samples.CAMERA, "Is the man lying down?", "no"),
        (samples.CAMERA, "Which direction is the man facing?", "right"),
        (samples.CAMERA, "Is he looking toward the camera?", "no"),
        (samples.CAMERA, "Does he have his arms up?", "no"),
        # bus.jpg: the people on the pavement are all standing
        (samples.BUS, "Is anybody seated?", "no"),
        (samples.BUS, "Are all of the people standing?", "yes"),
        (samples.BUS, "Is there anyone lying down?", "no"),
        (samples.BUS, "How many people are sitting down?", "0"),
        (samples.BUS, "Which way is the person on the right facing?", "left"),
        # astronaut.png: an upright woman cut off at the waist, facing the camera
        (samples.ASTRONAUT, "Is the astronaut facing the camera?", "yes"),
        (samples.ASTRONAUT, "Is she lying down?", "no"),
        # zidane.jpg: the man on the right faces the camera
        (samples.ZIDANE, "Is the man on the right facing us?", "yes"),
        (samples.ZIDANE, "Is anybody lying down?", "no"),
    ],
)
def test_short_answers(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert re.search(r"\[P\d+\]", answer.answer), answer.answer  # the pose is cited


@pytest.mark.parametrize(
    ("question", "mentions"),
    [
        ("What is the man doing?", "photograph"),
        ("What's the guy up to?", "photograph"),
        ("What is the person in this picture doing?", "photograph"),
    ],
)
def test_the_cameraman_takes_photographs(assistant, question, mentions):
    answer = assistant.ask(samples.CAMERA, question)
    first = answer.answer.split(". ")[0]
    assert mentions in first and "[P1]" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What are the people doing?",
        "what are the people on the pavement up to",
        "How many people are standing?",
    ],
)
def test_bus_people_are_standing(assistant, question):
    answer = assistant.ask(samples.BUS, question)
    assert "standing" in answer.answer.split(". ")[0] and "sitting" not in answer.answer, answer.answer
    if question.startswith("How many"):
        assert answer.short_answer in ("3", "4"), answer.answer


@pytest.mark.parametrize(
    ("image", "question"),
    [
        (samples.ZIDANE, "Are the two men standing?"),
        (samples.ZIDANE, "Is the man on the left sitting?"),
        (samples.ASTRONAUT, "Is the woman sitting or standing?"),
    ],
)
def test_legs_out_of_view_leave_standing_or_sitting_untold(assistant, image, question):
    answer = assistant.ask(image, question)
    assert answer.answer.startswith("I can't tell") and answer.short_answer is None, answer.answer
    assert "knees" in answer.answer


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("What is the man doing?", "I can't tell"),
        ("Which way is the woman facing?", "I can't tell"),
        ("Is anyone sitting?", "No"),
        ("How many people are standing?", "None"),
    ],
)
def test_no_people_in_a_landscape(assistant, question, starts):
    answer = assistant.ask(samples.CHINA, question)
    assert answer.answer.startswith(starts), answer.answer


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        (samples.BUS, "Who is standing?", "all of them"),
        (samples.BUS, "Which person is sitting down?", "no one"),
        (samples.CAMERA, "who is standing", "the person"),
    ],
)
def test_which_of_them_is_named(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert "[P" in answer.answer
