"""The planner's reading of a question's particulars: stated findings, refusals, domain words."""

from __future__ import annotations

import pytest

from argus.agent.planner.slots import parse, stated_findings


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What does Fleischner say about a 7 mm solid nodule in a 60-year-old smoker?",
            {"nodule.size_mm": 7, "nodule.type": "solid", "nodule.multiple": False, "patient.age": 60,
             "patient.high_risk": True, "patient.context": "incidental"},
        ),
        ("a 1.2 cm part-solid nodule found on screening", {"nodule.size_mm": 12, "nodule.type": "part_solid",
                                                         "nodule.multiple": False, "patient.context": "screening"}),
        ("multiple ground-glass nodules, immunocompromised patient aged 45",
         {"nodule.type": "ground_glass", "nodule.multiple": True, "patient.age": 45,
          "patient.context": "immunosuppressed"}),
        ("how many people are there?", {}),
    ],
)  # fmt: skip
def test_stated_findings(question, expected):
    assert stated_findings(question) == expected


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Who is the man on the left?", "face_identification"),
        ("Can you identify this person?", "face_identification"),
        ("Is the woman angry?", "emotion"),
        ("What is the ethnicity of the people here?", "sensitive_attribute"),
    ],
)
def test_requests_to_refuse(question, asked):
    assert parse(question).requests[asked]


def test_ordinary_questions_request_nothing():
    for question in (
        "How many people are there?",
        "What does the sign say?",
        "Who is the sign addressed to?",
    ):
        assert not any(parse(question).requests.values()), question


def test_domain_words_and_zone_names():
    slots = parse("Is anyone in the dock zone after 23:15?", ["dock", "gate"])
    assert slots.zone_names == ["dock"] and slots.security_words >= 1 and slots.time_hm == (23, 15)
    assert parse("triage this chest x-ray").medical_words >= 2
