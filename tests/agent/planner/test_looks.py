"""Questions about the colour of text, of a part of the picture, and of what a person wears."""

from __future__ import annotations

import pytest

from argus.agent.planner.parser import parse


@pytest.mark.parametrize(
    ("question", "part", "position", "expected"),
    [
        ("Are the corners of the photo white?", "corners", None, "white"),
        ("Which colour is the lower left corner?", "bottom-left corner", None, None),
        ("what colour is the top right-hand corner of the image?", "top-right corner", None, None),
        ("Tell me the colour of the backdrop.", "background", None, None),
        ("Is the background at the top gray?", "background", "top", "gray"),
        ("What colour is the background to the left of him?", "background", "left", None),
        ("What colour are the edges of the picture?", "edges", None, None),
        ("Is the top border black?", "top edge", None, "black"),
        ("Is the backdrop pale?", "background", None, "light"),
        ("Are the corners of the scan dark?", "corners", None, "dark"),
    ],
)
def test_a_part_of_the_picture(question, part, position, expected):
    op = parse(question).program.root
    assert (op.op, op.attribute, op.part, op.target.position, op.expected) == (
        "attribute",
        "colour",
        part,
        position,
        expected,
    )


@pytest.mark.parametrize(
    "question",
    [
        "What colour is the cup in the top left corner?",
        "Is the cat near the edge of the table?",
        "What colour is the edge of the plate?",
    ],
)
def test_a_thing_at_a_corner_or_edge_is_not_the_picture_part(question):
    assert getattr(parse(question).program.root, "part", None) not in ("corners", "edges", "top-left corner")


@pytest.mark.parametrize(
    ("question", "part", "expected"),
    [
        ("Which colour is the lettering?", None, None), ("What color are the characters written in?", None, None),
        ("Is the print blue?", None, "blue"), ("Are the words yellow?", None, "yellow"),
        ("What is the colour of the heading?", "title", None), ("Tell me the colour of the writing on the sign.", None, None),
    ],
)  # fmt: skip
def test_the_colour_of_text(question, part, expected):
    op = parse(question).program.root
    assert (op.op, op.target.label, op.part, op.expected) == ("attribute", "text", part, expected)


def test_a_colour_word_written_is_not_the_text_colour():
    assert parse("Is the word blue written anywhere?").program.root.op != "attribute"


@pytest.mark.parametrize(
    ("question", "part", "rank", "expected"),
    [
        ("Is his coat grey?", "coat", None, "gray"), ("Is the person on the right wearing a blue shirt?", "shirt", "rightmost", "blue"),
        ("Are her jeans black?", "jeans", None, "black"), ("What colour hat does he have on?", "hat", None, None),
        ("Which colour is the blazer of the man on the left?", "blazer", "leftmost", None),
    ],
)  # fmt: skip
def test_the_colour_of_a_garment(question, part, rank, expected):
    op = parse(question).program.root
    assert (op.op, op.target.label, op.part, op.target.rank, op.expected) == (
        "attribute",
        "person",
        part,
        rank,
        expected,
    )


@pytest.mark.parametrize(
    "question",
    [
        "Is anyone wearing a red shirt?",
        "Is there a woman in a blue dress?",
        "Are any of the people wearing black coats?",
    ],
)
def test_a_garment_on_anyone_is_not_one_persons_garment(question):
    op = parse(question).program.root
    assert not (
        op.op == "attribute" and op.target.label == "person" and op.target.rank is None and op.expected
    )
