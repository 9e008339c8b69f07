"""The prose linter on canned answers: what it flags and what it leaves alone."""

from __future__ import annotations

import pytest

from argus.agent.evaluation.prose_lint import BACKEND, FIELD, REPR, VERSION, lint_prose


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("detect_objects: ssd-mobilenet-v2-coco 0.4.4", [(FIELD, "detect_objects"), (VERSION, "0.4.4")]),
        ("Built with opencv 5.0.0.93.", [(VERSION, "5.0.0.93")]),
        ("Runs model v2.3 on the image.", [(VERSION, "v2.3")]),
        ("Uses version 2.14 of the model.", [(VERSION, "version 2.14")]),
        ("The exposure check failed (shadows_clipped).", [(FIELD, "shadows_clipped")]),
        ("The bus covers area_fraction of the frame.", [(FIELD, "area_fraction")]),
        ("Nodule type = 'solid' [R:MED-FLEISCHNER-03].", [(REPR, "= 'solid'")]),
        ("Pass = False for sharpness.", [(REPR, "= False")]),
        ("Result {'label': 'bus'} found.", [(REPR, "{'label':")]),
        ("Labels ['person', 'bus'] were asked for.", [(REPR, "['person', 'bus']")]),
        ("Description composed offline (backend: composed) from tools.", [(BACKEND, "backend: composed")]),
    ],
)
def test_what_the_linter_flags(answer, found):
    assert [(f.kind, f.text) for f in lint_prose(answer)] == found


@pytest.mark.parametrize(
    "answer",
    [
        "Yes: 1 bus detected [D2].",
        "I count 3 people [D1][D2][D3]. The bus covers 41.8% of the image.",
        "Highest urgency: U2 from [R:SEC-EXIT-01]; no person was detected [D12].",
        "A 7 mm solid nodule in a 60-year-old patient needs follow-up at 6-12 months [R:MED-FLEISCHNER-03].",
        "The zones come from zones/bus_zones.yaml, as given.",
        "Follow-up CT at 3 months (Lung-RADS v2022 category 3).",
        "It is 2.5 m wide.",
        "None of the people is in the zone.",
        "",
    ],
)
def test_what_the_linter_leaves_alone(answer):
    assert lint_prose(answer) == []


def test_findings_print_their_kind_and_text():
    (finding,) = lint_prose("uses shadows_clipped")
    assert str(finding) == "internal field name: shadows_clipped"
