"""Questions answered from the words written in an image: the line that shares the question's words,
those words taken away; yes only when every word asked about is written there."""

from __future__ import annotations

import pytest

from argus import Assistant
from argus.agent.core.text_answer import answer_from_lines
from tests.support import samples

NOTICE = ["Swimming Pool", "Lessons begin at nine on Mondays.", "Towels are sold at the kiosk.", "No diving."]


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("When do lessons begin?", "at nine on Mondays"),
        ("Where are towels sold?", "at the kiosk"),
        ("What is sold at the kiosk?", "Towels"),
        ("At what time does the lesson begin?", "at nine on Mondays"),
    ],
)
def test_a_wh_question_is_answered_by_the_rest_of_its_line(question: str, span: str) -> None:
    found = answer_from_lines(question, NOTICE)
    assert found is not None and found.span == span


@pytest.mark.parametrize(
    ("question", "yes"),
    [
        ("Are towels sold here?", True),
        ("Is diving allowed?", False),  # the line says "No diving"
        ("Are umbrellas sold here?", None),  # a word not read proves nothing
    ],
)
def test_a_yes_no_question_is_a_yes_only_when_every_word_is_written(question: str, yes: bool | None) -> None:
    found = answer_from_lines(question, NOTICE)
    assert (found.yes if found else None) is yes


@pytest.mark.parametrize(
    ("question", "lines", "span"),
    [
        ("What street is this?", ["MAIN STREET", "ONE WAY"], "MAIN STREET"),
        ("Which station is it?", ["Welcome to", "Central Station"], "Central Station"),
        ("What hotel is this?", ["Hotel Miramar"], "Miramar"),  # the kind first: the name is the rest
    ],
)
def test_a_name_asked_of_its_kind_keeps_the_kind(question: str, lines: list[str], span: str) -> None:
    found = answer_from_lines(question, lines)
    assert found is not None and found.span == span


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("How big is the discount?", "30%"),
        ("What percentage off is everything?", "30%"),
        ("How much does the coffee cost?", "$2.50"),
        ("what is the price of a coffee", "$2.50"),
    ],
)
def test_an_amount_is_read_where_it_is_written_in_its_kind(question: str, span: str) -> None:
    found = answer_from_lines(question, ["SUMMER SALE", "30% off everything", "Coffee $2.50"])
    assert found is not None and found.span == span


BAKERY = ["BLUE DOOR BAKERY", "Open 7am - 6pm", "Closed Sundays", "Coffee $2.50"]


@pytest.mark.parametrize(
    ("question", "yes"),
    [
        ("Is it open on Sundays?", False),  # "Closed Sundays" says the opposite
        ("Is the bakery closed on Sundays?", True),
        ("Is it open on Mondays?", None),  # nothing written about Mondays
    ],
)
def test_a_line_saying_the_opposite_is_a_no(question: str, yes: bool | None) -> None:
    found = answer_from_lines(question, BAKERY)
    assert (found.yes if found else None) is yes


def test_words_read_apart_on_one_line_are_joined() -> None:
    from types import SimpleNamespace

    from argus.agent.core.text_answer import rows

    items = [
        SimpleNamespace(id="T3", text="BAKERY", box=[412, 51, 640, 89]),
        SimpleNamespace(id="T1", text="BLUE", box=[62, 50, 206, 90]),
        SimpleNamespace(id="T2", text="DOOR", box=[226, 50, 395, 89]),
        SimpleNamespace(id="T4", text="Open 7am - 6pm", box=[164, 149, 535, 196]),
    ]
    joined = rows(items)
    assert [row.text for row in joined] == ["BLUE DOOR BAKERY", "Open 7am - 6pm"]
    assert [t.id for t in joined[0].items] == ["T1", "T2", "T3"]
    found = answer_from_lines("What's the name of the bakery?", [row.text for row in joined])
    assert found is not None and found.span == "BLUE DOOR BAKERY"


def test_a_question_sharing_no_word_with_the_text_is_not_answered() -> None:
    assert answer_from_lines("What is the man holding?", NOTICE) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "question", "first"),
    [
        ("page-09.png", "How frequently does the ferry leave?", "Every hour"),
        ("page-09.png", "Where should the tents go?", "On the east field"),
        ("page-00.png", "What has to be worn?", "Goggles"),
        ("sign-03.png", "Can I park for free here?", "Yes"),
    ],
)
def test_questions_about_a_notice_are_answered_from_its_text(image: str, question: str, first: str) -> None:
    answer = Assistant().ask(samples.SUITES / "generated" / "img" / image, question)
    assert answer.answer.startswith(first)
    assert "[T" in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "question", "number"),
    [
        ("sign-03.png", "How many words are on this sign?", "2"),
        ("sign-07.png", "How many words does the sign have?", "3"),
        ("sign-07.png", "Count the letters on the sign.", "10"),
    ],
)
def test_words_and_letters_are_counted_not_lines(image: str, question: str, number: str) -> None:
    answer = Assistant().ask(samples.SUITES / "generated" / "img" / image, question)
    assert answer.short_answer == number and answer.answer.startswith(number)


@pytest.fixture(scope="module")
def shop_sign(tmp_path_factory) -> str:
    """A shop's notice drawn here: its name, hours, a closing day and a price, one line each."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (700, 420), (250, 245, 230))
    draw = ImageDraw.Draw(image)
    for y, line, size in [
        (40, "GREEN HILL CAFE", 52), (140, "Open 8am - 5pm", 40), (220, "Closed Mondays", 40), (300, "Tea $3", 40),
    ]:  # fmt: skip
        draw.text((60, y), line, fill=(20, 20, 20), font=ImageFont.load_default(size=size))
    path = tmp_path_factory.mktemp("sign") / "cafe.png"
    image.save(path)
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("What's the name of the cafe?", "GREEN HILL CAFE"),
        ("What time does it close?", "5pm"),
        ("Is the cafe open on Mondays?", "No"),
        ("How much does the tea cost?", "$3"),
        ("On which days is it closed?", "Mondays"),
    ],
)
def test_a_shop_notice_answers_questions_about_the_shop(shop_sign: str, question: str, first: str) -> None:
    answer = Assistant().ask(shop_sign, question)
    assert answer.answer.startswith(first), answer.answer
    assert "[T" in answer.answer
