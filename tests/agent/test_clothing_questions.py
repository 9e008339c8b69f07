"""What people wear, from the image classifier's view of each person's own box: 'what is she wearing?',
'is anyone wearing a suit?'. The phrasings differ from the evaluation suites' on purpose."""

from __future__ import annotations

import pytest

from argus import Assistant
from argus.agent.core import program as p
from argus.agent.core.clothing import clothing_classes
from argus.agent.planner.parser import parse
from tests.support import samples

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.mark.parametrize(
    ("question", "wearer"),
    [
        ("What is the woman wearing?", "person"),
        ("what clothes is she wearing", "person"),
        ("What does he have on?", "person"),
        ("What is the cat wearing?", "cat"),
    ],
)
def test_what_is_worn_is_asked_of_the_wearer(question, wearer):
    program = parse(question).program.root
    assert isinstance(program, p.Identify) and program.worn_by is not None
    assert program.worn_by.label == wearer


@pytest.mark.parametrize(
    ("word", "shown_by"),
    [("uniform", "military uniform"), ("jeans", "jean"), ("sombrero", "sombrero"), ("hats", "cowboy hat")],
)
def test_words_for_clothes_reach_the_classes_that_show_them(word, shown_by):
    assert shown_by in clothing_classes(word)


def test_a_word_for_no_clothing_reaches_no_class():
    assert clothing_classes("bus") == frozenset()


@pytest.mark.parametrize("question", ["What is she wearing?", "What clothes is the woman wearing?"])
def test_grace_hopper_wears_a_uniform(assistant, question):
    answer = assistant.ask(samples.GRACE_HOPPER, question)
    assert answer.short_answer == "military uniform", answer.answer
    assert answer.answer.startswith("A military uniform [L"), answer.answer


def test_the_man_on_the_left_wears_a_suit(assistant):
    answer = assistant.ask(samples.ZIDANE, "What is the man on the left wearing?")
    assert answer.short_answer == "suit" and "possibly" in answer.answer.lower(), answer.answer


def test_a_cat_wears_nothing_the_classifier_names(assistant):
    answer = assistant.ask(samples.CHELSEA, "What is the cat wearing?")
    assert answer.short_answer is None and answer.answer.startswith("I can't tell"), answer.answer


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        (samples.ZIDANE, "Is anyone wearing a suit?", "yes"),
        (samples.GRACE_HOPPER, "Is she wearing a uniform?", "yes"),
    ],
)
def test_yes_to_a_kind_of_clothing_the_classifier_names(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert answer.answer.startswith(short.capitalize()), answer.answer


@pytest.mark.parametrize(
    ("image", "question"),
    [(samples.BUS, "Is anybody wearing a helmet?"), (samples.BUS, "Do the people wear hats?")],
)
def test_clothing_the_classifier_does_not_name_is_not_said_to_be_absent(assistant, image, question):
    answer = assistant.ask(image, question)
    assert answer.short_answer is None and answer.answer.startswith("I can't tell"), answer.answer
