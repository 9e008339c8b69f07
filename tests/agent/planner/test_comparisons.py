"""Two named things compared by where they stand or by their size, told apart from counts compared."""

from __future__ import annotations

import pytest

from argus import Assistant
from argus.agent.planner.parser import parse
from tests.support import samples


@pytest.mark.parametrize(
    ("question", "side"),
    [
        ("Which is more to the left, the cube or the sphere?", "left"),
        ("Which one sits on the right side: the star or the triangle?", "right"),
        ("Which is nearer the top, the circle or the square?", "top"),
        ("Which of the two is lower, the car or the dog?", "bottom"),
        ("Which one appears higher, the cup or the bowl?", "top"),
    ],
)
def test_which_of_two_is_further_to_a_side(question: str, side: str) -> None:
    root = parse(question).program.root
    assert root.op == "compare" and root.side == side and root.which


def test_a_side_asked_of_one_thing_stays_a_relation() -> None:
    assert parse("Which shape is to the right of the star?").program.root.op != "compare"


@pytest.mark.parametrize(
    "question",
    [
        "Are the dogs larger than the cats?",
        "Is the truck smaller than the cars?",
        "Is the bus taller than the people?",
    ],
)
def test_a_size_comparison_is_not_a_count_comparison(question: str) -> None:
    root = parse(question).program.root
    assert root.op != "compare" or root.attribute == "size"


@pytest.mark.slow
def test_which_of_two_shapes_is_further_right() -> None:
    image = samples.SUITES / "generated" / "img" / "shapes-041.png"  # a white square left of a blue hexagon
    answer = Assistant().ask(image, "Which one is more to the right, the hexagon or the square?")
    assert answer.short_answer == "hexagon" and answer.answer.startswith("The hexagon")


@pytest.mark.slow
def test_the_bus_is_bigger_than_the_people() -> None:
    answer = Assistant().ask(samples.BUS, "Are the people smaller than the bus?")
    assert answer.answer.startswith("Yes")
