"""Stated findings are checked against what each fact means: a size is a non-negative number of
millimetres, an age a number of years, a flag true or false, a category one of the scale's labels.
A value a rule cannot use is refused with the field's name, never passed on to abstain later."""

from __future__ import annotations

import json
import math

import pytest

from argus import Assistant
from argus.agent.core.findings import load_findings, validate_findings
from argus.agent.errors import FindingsError


@pytest.mark.parametrize(
    ("findings", "field", "says"),
    [
        ({"nodule": {"size_mm": -4}}, "nodule.size_mm", "from 0 to"),
        ({"nodule": {"size_mm": "big"}}, "nodule.size_mm", "must be a number"),
        ({"nodule": {"size_mm": True}}, "nodule.size_mm", "must be a number"),
        ({"nodule": {"size_mm": 5000}}, "nodule.size_mm", "from 0 to"),
        ({"nodule": {"solid_part_mm": -1}}, "nodule.solid_part_mm", "from 0 to"),
        ({"patient": {"age": -1}}, "patient.age", "from 0 to"),
        ({"patient": {"age": 400}}, "patient.age", "from 0 to"),
        ({"patient": {"age": "sixty"}}, "patient.age", "must be a number"),
        ({"vitals": {"spo2": 140}}, "vitals.spo2", "from 0 to 100"),
        ({"vitals": {"hr": -60}}, "vitals.hr", "from 0 to"),
        ({"esi": {"resources": 1.5}}, "esi.resources", "whole number"),
        ({"esi": {"resources": -2}}, "esi.resources", "from 0 to"),
        ({"finding": {"pneumothorax": {"rim_cm": -2}}}, "finding.pneumothorax.rim_cm", "from 0 to"),
        ({"finding": {"pneumothorax": {"present": "yes"}}}, "finding.pneumothorax.present", "true or false"),
        ({"finding": {"mass": {"probability": 1.5}}}, "finding.mass.probability", "from 0 to 1"),
        ({"finding": {"cardiomegaly": {"ctr": 3}}}, "finding.cardiomegaly.ctr", "from 0 to 1"),
        ({"finding": {"lesion": {"size_mm": -3}}}, "finding.lesion.size_mm", "from 0 to"),
        ({"nodule": {"type": "sold"}}, "nodule.type", "solid, ground_glass or part_solid"),
        ({"nodule": {"multiple": "no"}}, "nodule.multiple", "true or false"),
        ({"patient": {"context": 3}}, "patient.context", "one of"),
        ({"birads": {"category": "7"}}, "birads.category", "one of"),
        ({"lungrads": {"category": "5"}}, "lungrads.category", "one of"),
        ({"scene": {"edge_height_m": -1}}, "scene.edge_height_m", "from 0 to"),
        ({"scene": {"calibrated_px_per_m": 0}}, "scene.calibrated_px_per_m", "greater than 0"),
    ],
)
def test_a_value_the_fact_cannot_take_is_refused_naming_the_field(findings, field, says):
    with pytest.raises(FindingsError) as caught:
        validate_findings(findings, "findings")
    message = str(caught.value)
    assert message.startswith(f"findings: {field} ")
    assert says in message


@pytest.mark.parametrize(
    "findings",
    [
        {"nodule": {"size_mm": 7, "type": "solid", "multiple": False}, "patient": {"age": 60}},
        {"nodule": {"size_mm": 0.5, "growth_mm": -1.0, "solid_part_mm": 0}},
        {"device": {"ett_tip_to_carina_cm": -1.5, "ng_tube_position": "stomach"}},
        {"finding": {"pneumothorax": {"present": True, "rim_cm": 2.5}, "mass": {"probability": 0.3}}},
        {"birads": {"category": "4a"}, "lungrads": {"category": 3}},
        {"vitals": {"hr": 120, "rr": 22, "spo2": 91}, "esi": {"resources": 2, "high_risk": True}},
        {"scene": {"edge_height_m": 1.9, "sector": "construction", "ppe_visible": False}},
        {"patient": {"context": "screening", "mts_category": "orange"}},
    ],
)
def test_values_the_rules_use_are_accepted(findings):
    found = validate_findings(findings, "findings")
    assert found and all(not (isinstance(v, float) and not math.isfinite(v)) for v in found.values())


def test_categories_are_kept_as_labels():
    found = validate_findings({"birads": {"category": "4a"}, "lungrads": {"category": 3}}, "findings")
    assert found == {"birads.category": "4A", "lungrads.category": "3"}


def test_a_findings_file_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "scan.findings.yaml"
    path.write_text("nodule:\n  size_mm: -4\n  type: solid\n")
    with pytest.raises(FindingsError, match=r"^scan\.findings\.yaml: nodule\.size_mm .*from 0 to"):
        load_findings(path)
    path = tmp_path / "scan.findings.json"
    path.write_text(json.dumps({"nodule": {"size_mm": "big"}}))
    with pytest.raises(FindingsError, match=r"^scan\.findings\.json: nodule\.size_mm must be a number"):
        load_findings(path)


def test_the_python_api_refuses_a_negative_size_before_any_tool_runs():
    from tests.support import samples

    assistant = Assistant(llm="planner", check_llm=False, device="cpu")
    with pytest.raises(FindingsError, match="nodule.size_mm"):
        assistant.ask(
            samples.dicom("CT_small.dcm"),
            "What does Fleischner say about this nodule?",
            findings={"nodule": {"size_mm": -4, "type": "solid"}, "patient": {"age": 60}},
        )
