"""Questions about the shape and structure of whole things, end to end: the overall shape and colours of
a thing made of several coloured pieces, the squares, rows and colours of a board, shapes drawn inside
a shape, and the colour of the one object of a product shot that no tool has a name for. Boards and
badges are drawn here so the truth is exact; the phrasings differ from the evaluation suites'."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from argus import Assistant
from tests.support.samples import SKIMAGE_DATA, _package_dir

pytestmark = pytest.mark.slow

GIFT = _package_dir("matplotlib") / "mpl-data" / "sample_data" / "Minduka_Present_Blue_Pack.png"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> str:
    """A 5-row, 6-column board of red and blue squares on a light page."""
    image = Image.new("RGB", (6 * 40 + 60, 5 * 40 + 60), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    for r in range(5):
        for c in range(6):
            x, y = 30 + 40 * c, 30 + 40 * r
            draw.rectangle((x, y, x + 39, y + 39), fill=(205, 30, 30) if (r + c) % 2 else (30, 60, 200))
    path = tmp_path_factory.mktemp("board") / "board.png"
    image.save(path)
    return str(path)


@pytest.fixture(scope="module")
def badge(tmp_path_factory) -> str:
    """A round badge, purple on one side and yellow on the other, cut apart by a white band."""
    size = 320
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 300, 300), fill=(120, 40, 170))
    draw.chord((20, 20, 300, 300), -60, 120, fill=(245, 210, 30))
    draw.line([(300, 60), (20, 260)], fill=(255, 255, 255), width=8)
    path = tmp_path_factory.mktemp("badge") / "badge.png"
    image.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("How many squares does this board have?", "30"),
        ("Count the red squares.", "15"),
        ("How many blue squares are there on the board?", "15"),
        ("How many columns does the grid have?", "6"),
        ("How many rows are there?", "5"),
        ("How many squares are in each row?", "6"),
        ("How many squares does every column have?", "5"),
        ("Are there the same number of red and blue squares?", "yes"),
        ("What colour is the square in the upper left corner?", "blue"),
        ("Is the bottom-right square red?", "yes"),
        ("Is the top-right square blue?", "no"),
    ],
)
def test_a_board_is_read_square_by_square(assistant, board, question, short):
    assert assistant.ask(board, question).short_answer == short


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("What is the shape of the badge?", "circle"),
        ("What shape is this emblem overall?", "circle"),
        ("What colours are in the circle?", "purple and yellow"),
        ("Is the badge a circle?", "yes"),
        ("Is the emblem square?", "no"),
    ],
)
def test_a_badge_of_two_colours_is_one_circle(assistant, badge, question, short):
    said = assistant.ask(badge, question).short_answer or ""
    assert sorted(said.split(" and ")) == sorted(short.split(" and "))


@pytest.mark.parametrize(
    ("image", "question", "short"),
    [
        ("chessboard_RGB.png", "What number of black squares does the board have?", "32"),
        ("chessboard_RGB.png", "How many columns are on the chessboard?", "8"),
        ("chessboard_RGB.png", "Are there more white squares than black squares?", "no"),
        ("logo.png", "What shape is the logo as a whole?", "circle"),
        ("color.png", "What is the shape of the wheel?", "circle"),
        ("phantom.png", "How many dark ellipses are in the big ellipse?", "2"),
    ],
)
def test_sample_pictures(assistant, image, question, short):
    assert assistant.ask(str(SKIMAGE_DATA / image), question).short_answer == short


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Which colour is the gift?", "blue"),
        ("What color is the box?", "blue"),
        ("Is the box blue?", "yes"),
        ("Is the parcel green?", "no"),
    ],
)
def test_the_main_object_of_a_product_shot_answers_for_an_unknown_noun(assistant, question, short):
    answer = assistant.ask(str(GIFT), question)
    assert answer.short_answer == short
    assert "main object" in answer.answer


def test_a_part_of_the_main_object_is_not_taken_for_it(assistant):
    assert assistant.ask(str(GIFT), "What colour is the ribbon?").short_answer != "blue"


def test_a_drawn_solid_asked_by_its_own_name_is_not_the_main_object(assistant):
    assert assistant.ask(str(GIFT), "What colour is the cube?").short_answer is None
