"""Which findings a chat model may state: those that agree with the user's and new ones in the
question's own numbers and words (argus.agent.core.grounded_findings)."""

from __future__ import annotations

import pytest

from argus.agent.core.grounded_findings import ungrounded

QUESTION = (
    "Triage this CT: an incidental 7 mm part-solid nodule in the right upper lobe of a 60-year-old patient."
)
GIVEN = {"nodule.size_mm": 7, "nodule.type": "part_solid", "patient.age": 60, "nodule.multiple": False}


@pytest.mark.parametrize(
    ("findings", "problems"),
    [
        ({}, []),
        ({"nodule.size_mm": 7.0, "patient.age": 60, "nodule.type": "part-solid"}, []),  # the user's, restated
        ({"nodule.multiple": False}, []),
        ({"finding.location": "right_upper_lobe"}, []),  # new, in the question's words
        ({"patient.context": "incidental"}, []),
        ({"nodule.size_mm": 3}, ["nodule.size_mm=3 contradicts the user's nodule.size_mm=7"]),
        ({"nodule.multiple": True}, ["nodule.multiple=True contradicts the user's nodule.multiple=False"]),
        ({"nodule.type": "solid"}, ["nodule.type='solid' contradicts the user's nodule.type='part_solid'"]),
        ({"patient.context": "screening"}, ["patient.context='screening' is not in the question"]),
        ({"vitals.heart_rate": 130}, ["vitals.heart_rate=130 is not in the question"]),
        (
            {"patient.high_risk": True},
            ["patient.high_risk=True is not in the question (a yes/no is read from it by Argus)"],
        ),
        ({"finding.location": "upper"}, []),  # a word of the question
        ({"finding.location": "lower lobe"}, ["finding.location='lower lobe' is not in the question"]),
        ({"finding.location": "lobe of a 60"}, []),
        ({"finding.size_cm": 0.7}, ["finding.size_cm=0.7 is not in the question"]),
    ],
)
def test_findings_must_be_the_users(findings, problems):
    assert ungrounded(findings, GIVEN, QUESTION) == problems


def test_numbers_are_matched_whole_and_with_decimals():
    question = "A 12.5 mm nodule, follow-up in 3 months."
    assert ungrounded({"nodule.size_mm": 12.5, "finding.months": 3}, {}, question) == []
    assert ungrounded({"nodule.size_mm": 12}, {}, question) == ["nodule.size_mm=12 is not in the question"]
    assert ungrounded({"nodule.size_mm": 5}, {}, question) == ["nodule.size_mm=5 is not in the question"]


def test_without_a_question_only_the_users_own_facts_pass():
    assert ungrounded({"patient.age": 60}, {"patient.age": 60}, "") == []
    assert ungrounded({"patient.sex": "female"}, {}, "") == ["patient.sex='female' is not in the question"]
