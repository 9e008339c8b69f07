"""A named kind in the background is not whatever stands farthest; a code on a label is read."""

from __future__ import annotations

import pytest

from argus.agent.planner.parser import parse


@pytest.mark.parametrize(
    "question",
    [
        "What flag hangs in the background?",
        "Which painting is in the background?",
        "What tree is in the distance?",
    ],
)
def test_a_kind_no_tool_knows_is_not_the_farthest_thing(question: str) -> None:
    root = parse(question).program.root
    assert getattr(getattr(root, "target", None), "rank", None) != "farthest"


@pytest.mark.parametrize("question", ["What is in the background?", "Which object is in the distance?"])
def test_what_stands_in_the_background_is_still_the_farthest_thing(question: str) -> None:
    assert parse(question).program.root.target.rank == "farthest"


@pytest.mark.parametrize(
    "question",
    [
        "What's the serial number on the sticker?",
        "What is the date printed on the ticket?",
        "What are the codes on this label?",
    ],
)
def test_a_code_or_number_on_a_label_is_read(question: str) -> None:
    assert parse(question).program.root.op == "read_text"
