"""'Is the background blurred?' is judged on the background against the subject, not on the whole picture:
a portrait's soft background is blurred though the picture is sharp."""

from __future__ import annotations

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
        (samples.ZIDANE, "Is the background blurred?", "yes"),
        (samples.ZIDANE, "is the background in focus", "no"),
        (samples.CHELSEA, "Does this photo have a blurry background?", "yes"),
        (samples.FLOWER, "Is the background out of focus?", "yes"),
        (samples.BUS, "Is the background blurry?", "no"),
        (samples.CAMERA, "Is the background sharp?", "yes"),
    ],
)
def test_background_focus_is_answered_yes_or_no(assistant, image, question, short):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short, answer.answer
    assert answer.answer.startswith(short.capitalize()), answer.answer
    assert "the background is" in answer.answer


def test_the_whole_picture_can_be_sharp_while_its_background_is_not(assistant):
    assert assistant.ask(samples.ZIDANE, "Is the photo sharp?").short_answer == "yes"
    assert assistant.ask(samples.ZIDANE, "Is the background sharp?").short_answer == "no"


def test_a_plain_background_is_not_called_blurred(assistant):
    answer = assistant.ask(samples.HORSE, "Is the background blurred?")
    assert answer.short_answer == "no" and "plain" in answer.answer, answer.answer
