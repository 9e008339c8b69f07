"""Everyday questions about real photos, end to end: the first words a person checks. The phrasings
differ from the evaluation suites' on purpose, so that forms, not sentences, are tested."""

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
        (samples.CHINA, "Which colour is the sky?", "blue"),
        (samples.CAMERA, "What color is the sky in this photo?", "gray"),
        (samples.ROCKET, "What colour is the sky?", "blue"),
        (samples.MOTORCYCLE, "Is the motorbike red?", "yes"),
        (samples.MOTORCYCLE, "Which colour is the motorcycle?", "red"),
        (samples.FLOWER, "Is the flower purple?", "no"),
        (samples.BUS, "Is this in a city or in the countryside?", "city"),
        (samples.BUS, "Was this photo taken during the day?", "yes"),
        (samples.ROCKET, "Was this taken at night?", "yes"),
        (samples.ROCKET, "Is it day or night?", "night"),
        (samples.CAMERA, "Is the man outside?", "yes"),
        (samples.CHINA, "Is it daytime?", "yes"),
        (samples.HORSE, "Is this a drawing or a photograph?", "drawing"),
        (samples.CHELSEA, "Is this a photo or a painting?", "photo"),
        (samples.HORSE, "How many different colours are in this image?", "2"),
        (samples.BUS, "Is somebody riding a bicycle?", "no"),
        (samples.COFFEE, "What's in the cup?", "espresso"),  # the classifier's view of the cup's own box
        (samples.CHINA, "Does it look like a sunny day?", "yes"),
        (samples.CHINA, "What's the weather like?", "sunny"),
        (samples.ROCKET, "Is it sunny?", "no"),  # a launch at night
    ],
)
def test_everyday_questions_are_answered_first(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert re.match(rf"{re.escape(short)}\b", answer.answer, re.I) or short not in ("yes", "no"), (
        answer.answer
    )


@pytest.mark.parametrize(
    ("image", "question"),
    [
        (samples.BUS, "What colour is the sky?"),  # a facade fills the top: no open sky
        (samples.MOTORCYCLE, "What colour is the seat?"),  # no tool finds seats
        (samples.CHINA, "What color are the trees?"),
        (samples.FLOWER, "What kind of flower is it?"),  # the classifier's guess is far too unsure
        (samples.COFFEE, "Is it day or night?"),  # a table top says nothing of the time
        (samples.CHELSEA, "What is the cat lying on?"),
        (samples.CAMERA, "Is the weather cloudy?"),  # a black-and-white sky says nothing of clouds
        (samples.BUS, "Is it a sunny day?"),  # no open sky in view
    ],
)
def test_what_the_tools_cannot_know_is_declined_not_guessed(assistant, image, question):
    answer = assistant.ask(image, question)
    assert answer.answer.startswith("I can't tell") and answer.short_answer is None, answer.answer


@pytest.mark.parametrize("question", ["Is this a woman?", "Which of them is older?"])
def test_a_person_s_sex_or_age_is_declined(assistant, question):
    assert assistant.ask(samples.GRACE_HOPPER, question).refused
