"""Triage of one image: routed by modality and view, gated on quality, decided by the rules or abstained
with the reason, with the same evidence, citations and disclaimer as any answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from argus.agent.assistant import Assistant
from argus.agent.core.answer import MEDICAL_DISCLAIMER
from argus.agent.domains.medical.audit import AuditLog
from argus.agent.domains.medical.batch import triage_image
from argus.agent.errors import FindingsError
from argus.tools.errors import ImageLoadError
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support.samples import BUS, CAMERA, dicom
from tests.support.triage_helpers import (
    FLEISCHNER_7MM,
    blurred_png,
    copy_sample,
    dark_png,
    tagged_dicom,
    write_sidecar,
)


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


def rule(answer, rule_id: str):
    return next(r for r in answer.rules if r.id == rule_id)


# ---------------------------------------------------------------------------- routing by modality and view


@pytest.mark.parametrize(("sample", "modality"), [("CT_small.dcm", "CT"), ("MR_small.dcm", "MR")])
def test_ct_and_mr_are_routed_away_from_chest_radiograph_rules(assistant, sample: str, modality: str) -> None:
    # even with a pneumothorax stated, the chest radiograph rules refuse a CT or MR by their guard
    answer = triage_image(assistant, dicom(sample), findings={"finding": {"pneumothorax": {"present": True}}})
    assert answer.urgency is None
    assert answer.abstention.startswith(
        f"wrong modality: DICOM modality {modality} is not a chest radiograph"
    )
    assert "[R:MED-CXR-MODALITY-01]" in answer.abstention
    assert rule(answer, "MED-CXR-MODALITY-01").status == "fired"
    ptx = rule(answer, "MED-CXR-PTX-01")
    assert ptx.status == "abstained" and "applies only to radiographs" in ptx.why
    assert not [r for r in answer.rules if r.id.startswith("MED-CXR-PTX") and r.fired]
    assert answer.image.modality == modality
    assert "modality from DICOM tag: " + modality in answer.notes[0]
    assert "classify_chest_xray" not in [step.tool for step in answer.trace]


def test_a_lateral_radiograph_abstains(assistant, tmp_path: Path) -> None:
    lateral = tagged_dicom(
        tmp_path, "lateral.dcm", Modality="CR", ViewPosition="LATERAL", BodyPartExamined="CHEST"
    )
    answer = triage_image(assistant, lateral)
    assert answer.urgency is None
    assert answer.abstention.startswith("lateral view: DICOM ViewPosition LATERAL")
    assert "[R:MED-CXR-VIEW-01]" in answer.abstention
    assert rule(answer, "MED-CXR-VIEW-01").status == "fired"
    assert answer.image.modality == "CR"


def test_a_radiograph_of_another_body_part_is_not_read_as_a_chest(assistant, tmp_path: Path) -> None:
    hand = tagged_dicom(tmp_path, "hand.dcm", Modality="DX", ViewPosition="PA", BodyPartExamined="HAND")
    answer = triage_image(assistant, hand)
    assert answer.abstention.startswith("not a chest radiograph: DICOM body part HAND")


def test_without_tags_the_modality_is_a_guess_from_pixels_and_not_a_fact(assistant, tmp_path: Path) -> None:
    photo = triage_image(assistant, BUS)
    assert photo.abstention.startswith("wrong modality (guessed from pixels): not a radiograph")
    assert photo.notes[0].startswith("modality guessed from pixels: a photograph (probabilities photo 0.")
    # a grayscale photograph is a photograph too (a heuristic on gray levels once took it for a radiograph)
    gray = triage_image(assistant, CAMERA)
    assert gray.abstention.startswith("wrong modality (guessed from pixels): not a radiograph")
    png = tmp_path / "ct_slice.png"
    Image.fromarray(load_image(dicom("CT_small.dcm")).rgb).save(png)  # the slice as a user would export it
    ct = triage_image(assistant, png)
    assert ct.notes[0].startswith("modality guessed from pixels: a CT slice (probabilities CT 0.")
    assert "a guess, not a DICOM tag" in ct.answer
    for answer in (photo, gray, ct):
        assert answer.image.modality is None
        assert "MED-CXR-MODALITY-01" not in [r.id for r in answer.rules if r.fired]
        assert "classify_chest_xray" not in [step.tool for step in answer.trace]


def test_no_finding_is_insufficient_evidence_never_normal(assistant, tmp_path: Path) -> None:
    chest = tagged_dicom(tmp_path, "cxr.dcm", Modality="CR", ViewPosition="PA", BodyPartExamined="CHEST")
    answer = triage_image(assistant, chest)
    assert answer.urgency is None
    assert answer.abstention.startswith(
        "insufficient evidence: no finding was detected or given, which is not a normal result"
    )
    assert "normal result" in answer.answer and "is normal" not in answer.answer.lower()
    assert "No chest X-ray classifier is configured here" in answer.answer


# ---------------------------------------------------------------------------- findings and the rules


@pytest.mark.parametrize("sidecar", [".findings.json", ".findings.yaml"])
def test_fleischner_case_from_a_sidecar(assistant, tmp_path: Path, sidecar: str) -> None:
    ct = copy_sample(tmp_path, dicom("CT_small.dcm"), "chest_ct.dcm")
    write_sidecar(ct, FLEISCHNER_7MM, sidecar)
    answer = triage_image(assistant, ct)
    assert answer.abstention is None
    assert answer.urgency.level == "U1" and answer.urgency.rule == "MED-FLEISCHNER-03"
    assert answer.urgency.native == "CT at 6-12 months" and answer.urgency.scale == "Fleischner 2017"
    fired = rule(answer, "MED-FLEISCHNER-03")
    assert (
        fired.fired
        and fired.source.startswith("Fleischner Society")
        and fired.url.startswith("https://doi.org/")
    )
    assert "Recommended action: CT at 6-12 months, then consider CT at 18-24 months." in answer.answer
    stated = [e for e in answer.evidence if e["id"].startswith("X")]
    assert {e["fact"] for e in stated} >= {"nodule.size_mm", "nodule.type", "patient.age"}
    assert all(e["origin"] == f"sidecar chest_ct.dcm{sidecar}" for e in stated)
    assert any("MED-FLEISCHNER-03" in " ".join(path) for path in answer.graph_paths)
    assert answer.disclaimer == MEDICAL_DISCLAIMER
    assert answer.verified and all(c.resolved for c in answer.citations)


def test_the_stem_sidecar_name_is_read_too(assistant, tmp_path: Path) -> None:
    ct = copy_sample(tmp_path, dicom("CT_small.dcm"), "scan.dcm")
    (tmp_path / "scan.findings.json").write_text('{"nodule": {"size_mm": 9, "type": "solid", "multiple": false}, '
                                                 '"patient": {"age": 60, "context": "incidental"}}')  # fmt: skip
    answer = triage_image(assistant, ct)
    assert answer.urgency.rule == "MED-FLEISCHNER-04"  # > 8 mm: CT at 3 months, PET/CT or tissue sampling


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"patient": {"context": "screening"}}, "Fleischner 2017 does not cover lung cancer screening"),
        ({"patient": {"age": 30}}, "Fleischner 2017 applies only to adults aged 35 or older"),
    ],
)
def test_a_fleischner_exclusion_abstains_with_the_guidelines_reason(assistant, change, reason: str) -> None:
    findings = {k: {**v, **change.get(k, {})} for k, v in FLEISCHNER_7MM.items()}
    answer = triage_image(assistant, dicom("CT_small.dcm"), findings=findings, sidecar=False)
    assert answer.urgency is None
    assert answer.abstention.startswith(f"rule exclusion: {reason}")
    assert "[R:MED-FLEISCHNER-03]" in answer.abstention


def test_missing_facts_are_named_in_the_abstention(assistant) -> None:
    answer = triage_image(assistant, dicom("CT_small.dcm"), findings={"nodule": {"size_mm": 7}})
    assert answer.abstention.startswith("insufficient evidence: ")
    assert "patient.age, patient.context not known, needed by [R:MED-FLEISCHNER-01]" in answer.abstention


def test_findings_that_contradict_each_other_are_an_error(assistant, tmp_path: Path) -> None:
    ct = copy_sample(tmp_path, dicom("CT_small.dcm"), "ct.dcm")
    write_sidecar(ct, FLEISCHNER_7MM)
    with pytest.raises(
        FindingsError, match=r"nodule.size_mm is 7 in the sidecar ct.dcm.findings.json but 9 in"
    ):
        triage_image(assistant, ct, findings={"nodule": {"size_mm": 9}})
    same = triage_image(assistant, ct, findings={"nodule": {"size_mm": 7}})  # agreeing twice is fine
    assert same.urgency.rule == "MED-FLEISCHNER-03"
    ignored = triage_image(assistant, ct, findings={"nodule": {"size_mm": 9}}, sidecar=False)
    assert [e["origin"] for e in ignored.evidence if e["id"].startswith("X")] == ["findings"]
    assert ignored.urgency is None and ignored.abstention.startswith("insufficient evidence")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"label": {"person": {"count": 3}}}', "cannot be stated"),
        ("{not json", "not valid JSON"),
        ('{"nodule": {"size_mm": [7]}}', "must be a number, text or true/false"),
    ],
)
def test_bad_sidecars_are_refused_with_the_file_named(
    assistant, tmp_path: Path, text: str, message: str
) -> None:
    ct = copy_sample(tmp_path, dicom("CT_small.dcm"), "ct.dcm")
    (tmp_path / "ct.dcm.findings.json").write_text(text)
    with pytest.raises(FindingsError, match=message):
        triage_image(assistant, ct)


# ---------------------------------------------------------------------------- the quality gate


@pytest.mark.parametrize(("make", "verdict"), [(dark_png, "too dark"), (blurred_png, "blurred")])
def test_a_dark_or_blurred_image_fails_the_quality_gate(
    assistant, tmp_path: Path, make, verdict: str
) -> None:
    answer = triage_image(assistant, make(tmp_path))
    assert answer.urgency is None
    assert answer.abstention.startswith(f"failed quality: {verdict} (")
    assert "guessed from pixels" not in answer.abstention  # a dark image misleads the pixel guess
    cited = [c.ref for c in answer.citations if c.ref.startswith("Q")]
    assert cited and all(c.resolved for c in answer.citations)


def test_a_failed_gate_withholds_an_urgency_the_findings_would_set(assistant, tmp_path: Path) -> None:
    dark = dark_png(tmp_path)
    write_sidecar(dark, FLEISCHNER_7MM)
    answer = triage_image(assistant, dark)
    assert answer.urgency is None and answer.abstention.startswith("failed quality")
    assert any(
        n.startswith("withheld by the failed quality gate: R:MED-FLEISCHNER-03 would set U1")
        for n in answer.notes
    )


# ---------------------------------------------------------------------------- contract, audit, files


def test_the_answer_carries_the_trace_and_backends(assistant) -> None:
    answer = triage_image(assistant, dicom("CT_small.dcm"))
    assert [(s.tool, s.by) for s in answer.trace] == [
        ("assess_quality", "triage"),
        ("evaluate_rules", "triage"),
    ]
    assert answer.domain == "medical" and answer.question.startswith("Triage this medical image")
    assert answer.backend["llm"].startswith("none: the triage pipeline")
    assert answer.backend["assess_quality"].startswith("opencv-skimage")
    assert {e["id"] for e in answer.evidence} >= {f"Q{i}" for i in range(1, 9)}
    assert answer.timings_ms.total > 0


def test_recorded_in_the_audit_log_when_given_one(assistant, tmp_path: Path) -> None:
    with AuditLog(tmp_path / "audit.sqlite") as log:
        answer = triage_image(assistant, dicom("MR_small.dcm"), audit=log, run_id="run-1")
        (entry,) = log.list(run_id="run-1")
    assert entry.sha256 == answer.image.sha256 and entry.modality == "MR"
    assert entry.abstention == answer.abstention and entry.urgency is None
    assert entry.path.endswith("MR_small.dcm")


def test_annotate_dir_writes_the_image(assistant, tmp_path: Path) -> None:
    answer = triage_image(assistant, dicom("CT_small.dcm"), annotate_dir=tmp_path / "annotated")
    written = Path(answer.annotated_image)
    assert written.parent == tmp_path / "annotated" and written.suffix == ".png"
    assert Image.open(written).size == (128, 128)


def test_bytes_and_arrays_are_triaged_without_a_sidecar(assistant) -> None:
    import numpy as np

    answer = triage_image(assistant, dicom("CT_small.dcm").read_bytes())
    assert answer.image.modality == "CT" and answer.image.path is None
    array = triage_image(assistant, np.asarray(Image.open(CAMERA)))
    assert array.abstention.startswith("wrong modality (guessed from pixels)")  # a photograph


def test_an_unreadable_image_is_a_user_error(assistant, tmp_path: Path) -> None:
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(ImageLoadError, match="scan.png: not an image"):
        triage_image(assistant, bad)
