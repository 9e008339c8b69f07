"""Yes/no questions about a scan answer first (Yes, No or "I can't tell"), never call a study normal, and
say fact names in words; a question about a finding asks, it does not state one."""

from __future__ import annotations

import pytest

from argus import Assistant
from argus.agent.core.fact_words import fact_in_words, facts_in_words
from argus.agent.evaluation.prose_lint import lint_prose
from tests.support import samples


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.fixture(scope="module")
def ct():
    return samples.dicom("CT_small.dcm")


@pytest.mark.parametrize(
    "question",
    ["Is this scan normal?", "Is this normal?", "Any abnormalities?", "Is anything wrong with this scan?"],
)
def test_with_nothing_found_or_given_a_scan_is_never_called_normal(assistant, ct, question):
    answer = assistant.ask(ct, question)
    assert answer.answer.startswith("I can't tell")
    assert answer.short_answer is None and answer.urgency is None


def test_a_decided_urgency_answers_whether_it_is_urgent_and_whether_anything_is_abnormal(assistant, ct):
    given = "70-year-old, 9 mm solid nodule, incidental"
    urgent = assistant.ask(ct, f"Is this scan urgent? {given}")
    assert urgent.answer.startswith("No: urgency U1") and urgent.short_answer == "no"
    assert "MED-FLEISCHNER-04" in {r.id for r in urgent.rules}
    wrong = assistant.ask(ct, f"Is anything wrong with this scan? {given}")
    assert wrong.answer.startswith("Yes: urgency U1") and wrong.short_answer == "yes"


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("Is there a lung nodule?", "I can't tell whether there is a nodule"),
        ("Is there a brain tumour?", "I can't tell whether there is a tumour"),
        ("Any signs of pneumonia?", "I can't tell whether there is pneumonia"),
    ],
)
def test_a_question_about_a_finding_asks_it_and_states_nothing(assistant, ct, question, start):
    answer = assistant.ask(ct, question)
    assert answer.answer.startswith(start)
    assert not [e for e in answer.evidence if e["id"].startswith("X")]  # nothing taken as stated


def test_what_is_missing_is_said_in_words(assistant, ct):
    answer = assistant.ask(ct, "Is this scan urgent? There is a 7 mm solid nodule.")
    assert answer.abstention is not None and "patient.age" in answer.abstention  # the key a file must carry
    assert "the patient's age" in answer.answer and "patient.age" not in answer.answer
    assert not lint_prose(answer.answer)


def test_fact_names_in_words() -> None:
    assert fact_in_words("nodule.size_mm") == "the nodule's size in millimetres"
    assert fact_in_words("finding.pneumothorax.present") == "whether there is pneumothorax"
    assert facts_in_words("needs patient.age and nodule.type") == (
        "needs the patient's age and the nodule's type (solid, part-solid, ground-glass)"
    )


def test_the_body_part_comes_from_the_file_or_the_kind_of_image_or_is_not_guessed(assistant, ct):
    tagged = assistant.ask(samples.dicom("JPEG2000.dcm"), "What body part is shown?")
    assert tagged.short_answer == "whole body" and tagged.answer.startswith("The whole body")
    fundus = assistant.ask(samples.RETINA, "Which organ is this?")
    assert fundus.short_answer == "eye" and fundus.answer.startswith("The eye, its retina")
    untagged = assistant.ask(ct, "What part of the body is this scan of?")
    assert untagged.short_answer is None and untagged.answer.startswith("I can't tell which body part")
