"""'Which organ is shown?' asks for the part of the body, not the kind of scan: named from a tag or from
a fundus photograph's eye, and otherwise an honest "I can't tell" (no tool here recognises anatomy)."""

from __future__ import annotations

import pytest

from argus import Assistant
from argus.agent.planner.parser import parse
from tests.support import samples


@pytest.mark.parametrize(
    "question",
    [
        "Which organ does this image show?",
        "What anatomical region is depicted?",
        "What area of the body is this?",
        "What is being imaged here?",
        "Which body part was examined?",
    ],
)
def test_a_body_part_question_is_not_a_modality_question(question: str) -> None:
    root = parse(question).program.root
    assert root.op == "modality" and root.body_part


@pytest.mark.slow
def test_a_fundus_photograph_shows_the_eye() -> None:
    answer = Assistant().ask(samples.RETINA, "Which organ does this image show?")
    assert answer.short_answer == "eye" and answer.answer.startswith("The eye")


@pytest.mark.slow
def test_an_untagged_ct_slice_does_not_name_a_modality_for_a_body_part() -> None:
    answer = Assistant().ask(samples.dicom("CT_small.dcm"), "What area of the body is this?")
    assert answer.answer.startswith("I can't tell") and answer.short_answer != "CT"
