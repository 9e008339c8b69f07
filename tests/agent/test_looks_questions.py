"""How things look, end to end: the colour of text, of a part of the picture, of what a person wears.
The phrasings differ from the evaluation suites' on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from argus import Assistant
from tests.support import samples

pytestmark = pytest.mark.slow

LOGO = samples.GRACE_HOPPER.with_name("logo2.png")  # the matplotlib logo: dark blue letters


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.fixture(scope="module")
def signs(tmp_path_factory) -> dict[str, Path]:
    """Signs drawn here: red letters on white, white on blue, black on yellow."""
    folder = tmp_path_factory.mktemp("signs")
    out = {}
    for name, ground, ink, words in [
        ("red", (255, 255, 255), (205, 25, 25), "NO PARKING"),
        ("white", (25, 65, 190), (255, 255, 255), "TOWN HALL"),
        ("black", (250, 215, 0), (15, 15, 15), "SLOW DOWN"),
    ]:
        image = Image.new("RGB", (640, 200), ground)
        ImageDraw.Draw(image).text((30, 60), words, fill=ink, font=ImageFont.load_default(size=66))
        out[name] = folder / f"{name}.png"
        image.save(out[name])
    return out


@pytest.mark.parametrize(
    ("sign", "question", "short"),
    [
        ("red", "Which colour is the lettering?", "red"), ("red", "Is the writing black?", "no"),
        ("white", "What color are the words on the sign?", "white"), ("white", "Are the letters white?", "yes"),
        ("black", "What colour is the text written in?", "black"),
        ("white", "What colour is the sign?", "blue"), ("black", "what color is this street sign", "yellow"),
        ("red", "What is the colour of the sign?", "white"),
    ],
)  # fmt: skip
def test_the_colour_of_drawn_text(assistant, signs, sign, question, short):
    answer = assistant.ask(signs[sign], question)
    assert answer.short_answer == short, answer.answer
    if short in ("yes", "no"):
        assert answer.answer.startswith(short.capitalize()), answer.answer


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        (samples.PAGE, "What colour is the print on this page?", "black"),
        (samples.TEXT, "Tell me the colour of the characters.", "black"),
        (LOGO, "Which color is the font?", "blue"),
        (samples.RETINA, "What colour is the top right corner of the picture?", "black"),
        (samples.RETINA, "Are all four corners dark?", "yes"),
        (samples.RETINA, "Is the top edge of the image bright?", "no"),
        (samples.RETINA, "Is the lower-left corner black?", "yes"),
        (samples.GRACE_HOPPER, "What shade is the backdrop behind her?", "blue"),
        (samples.GRACE_HOPPER, "Is the backdrop red?", "no"),
        (samples.GRACE_HOPPER, "Is her shirt white?", "yes"),
        (samples.GRACE_HOPPER, "What colour is the lady's jacket?", "black"),
        (samples.ZIDANE, "Is the man on the right wearing a black jacket?", "yes"),
        (samples.ZIDANE, "What colour is the hair of the man on the right?", "gray"),
        (samples.ZIDANE, "Does the man on the right have grey hair?", "yes"),
        (samples.BUS, "what color is the left man's hair", "black"),
        (
            samples.ZIDANE,
            "What colour are the trousers of the man on the left?",
            None,
        ),  # his legs are out of view
    ],
)
def test_how_things_look_in_photos(assistant, image, question, short):
    answer = assistant.ask(image, question)
    if short is None:
        assert answer.short_answer is None, answer.answer
        return
    assert answer.short_answer == short, answer.answer
    if short in ("yes", "no"):
        assert answer.answer.startswith(short.capitalize()), answer.answer


def test_legs_out_of_view_are_said_to_be(assistant):
    answer = assistant.ask(samples.ZIDANE, "What colour are the trousers of the man on the left?")
    assert answer.short_answer is None and "not in the picture" in answer.answer


def test_clothing_answers_keep_the_caveat(assistant):
    answer = assistant.ask(samples.GRACE_HOPPER, "What colour is her uniform?")
    assert answer.short_answer in ("black", "blue") and "No tool here outlines clothing" in answer.answer
