"""classify_chest_xray: the real torchxrayvision loading and inference path, run on a randomly initialised
DenseNet-121 saved as a state dict (no chest X-ray weights can be had offline), and the facts its labels
become for the medical rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from argus.agent.assistant import Assistant
from argus.agent.core.facts import FactContext, FactSheet, build_facts
from argus.agent.core.ledger import Ledger
from argus.agent.domains.medical.batch import triage_image
from argus.agent.domains.medical.chest_findings import (
    PRESENT_AT,
    UNCERTAIN_FROM,
    classifier_facts,
    finding_name,
)
from argus.tools import TOOLS, get_tool
from argus.tools.classify_chest_xray import ChestXrayResult, ClassifyChestXray
from argus.tools.errors import BackendUnavailableError
from argus.tools.evidence import ImageLabel
from argus.tools.runtime import Runtime
from tests.support.samples import BUS, CAMERA, dicom

NIH_RELEASE = "nih-densenet121-d121-tw-lr001-rot45-tr15-sc15-seed0-best.pt"


@pytest.fixture(scope="module")
def xrv():
    return pytest.importorskip("torchxrayvision")


@pytest.fixture(scope="module")
def random_weights(xrv, tmp_path_factory) -> Path:
    """A DenseNet-121 of torchxrayvision's architecture, randomly initialised, saved as a state dict."""
    import torch

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("xrv") / "random-densenet121.pt"
    torch.save(xrv.models.DenseNet(weights=None).state_dict(), path)
    return path


@pytest.fixture(scope="module")
def runtime(random_weights) -> Runtime:
    return Runtime(device="cpu", weights={"torchxrayvision": str(random_weights)})


@pytest.fixture(scope="module")
def chest_pa(tmp_path_factory) -> Path:
    """A frontal chest radiograph as DICOM tags describe one (pixels from pydicom's CT sample)."""
    import pydicom

    ds = pydicom.dcmread(dicom("CT_small.dcm"))
    ds.Modality, ds.ViewPosition, ds.BodyPartExamined = "CR", "PA", "CHEST"
    path = tmp_path_factory.mktemp("cxr") / "chest_pa.dcm"
    ds.save_as(path)
    return path


# ---------------------------------------------------------------------------- card and availability


def test_registered_and_unavailable_without_weights_with_the_reason() -> None:
    assert TOOLS["classify_chest_xray"] == "argus.tools.classify_chest_xray:ClassifyChestXray"
    card = get_tool("classify_chest_xray", Runtime(device="cpu")).card()
    assert card.evidence_prefixes == ["L"]
    backend = card.backends[0]
    assert backend.name == "torchxrayvision" and backend.available is False
    assert "no chest X-ray weights configured" in backend.detail or "not installed" in backend.detail
    assert "--cxr-weights" in card.description


def test_missing_weights_file_is_named(tmp_path: Path, xrv) -> None:
    tool = ClassifyChestXray(Runtime(device="cpu", weights={"torchxrayvision": str(tmp_path / "none.pt")}))
    status = tool.backends()[0].availability()
    assert status.available is False and "weights file not found" in status.detail
    with pytest.raises(BackendUnavailableError, match="weights file not found.*argus triage --cxr-weights"):
        tool(CAMERA)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("garbage", "cannot read bad.pt as a weights-only state dict"),
        (
            "pickled_module",
            "cannot read bad.pt as a weights-only state dict.*torch.load\\('F.pt', weights_only=False",
        ),
        ("not_a_dict", "expected a state dict \\(parameter names to tensors\\), got list"),
        ("no_head", "not a torchxrayvision DenseNet-121 state dict: it has no 2-D 'classifier.weight'"),
        ("five_outputs", "has 5 outputs; without a torchxrayvision release name"),
    ],
)
def test_bad_weights_files_fail_with_the_reason(tmp_path: Path, xrv, content: str, message: str) -> None:
    import torch

    path = tmp_path / "bad.pt"
    if content == "garbage":
        path.write_bytes(b"\x00not a torch file" * 10)
    elif content == "pickled_module":
        torch.save(torch.nn.Linear(2, 2), path)  # a whole pickled module, as torchxrayvision's releases are
    elif content == "not_a_dict":
        torch.save([torch.zeros(2)], path)
    elif content == "no_head":
        torch.save({"features.conv0.weight": torch.zeros(64, 1, 7, 7)}, path)
    else:
        torch.save({"classifier.weight": torch.zeros(5, 1024)}, path)
    tool = ClassifyChestXray(Runtime(device="cpu", weights={"torchxrayvision": str(path)}))
    with pytest.raises(BackendUnavailableError, match=message):
        tool(CAMERA)


@pytest.mark.slow
def test_a_head_that_does_not_fit_the_architecture_is_refused(tmp_path: Path, xrv) -> None:
    import torch

    path = tmp_path / "partial.pt"
    torch.save({"classifier.weight": torch.zeros(18, 1024), "classifier.bias": torch.zeros(18)}, path)
    tool = ClassifyChestXray(Runtime(device="cpu", weights={"torchxrayvision": str(path)}))
    with pytest.raises(BackendUnavailableError, match="does not fit torchxrayvision's DenseNet-121"):
        tool(CAMERA)


# ---------------------------------------------------------------------------- inference


@pytest.mark.slow
def test_random_densenet_runs_end_to_end_batched(runtime: Runtime, chest_pa: Path, xrv) -> None:
    tool = ClassifyChestXray(runtime)
    assert tool.backends()[0].availability().available
    results = tool.run_batch([chest_pa, CAMERA, BUS])
    assert len(results) == 3
    default = list(xrv.datasets.default_pathologies)
    for result in results:
        assert isinstance(result, ChestXrayResult)
        labels = result.labels
        assert sorted(label.label for label in labels) == sorted(default)  # one per pathology
        assert [label.id for label in labels] == [f"L{i}" for i in range(1, 19)]
        assert [label.rank for label in labels] == list(range(1, 19))
        scores = [label.score for label in labels]
        assert all(0.0 <= s <= 1.0 for s in scores) and scores == sorted(scores, reverse=True)
        assert result.calibrated is False and "uncalibrated" in result.notes[0]
    assert results[0].image_size == (128, 128)
    # batched rows equal a forward pass of each image alone
    backend = tool.backends()[0]
    from argus.tools.image_io import load_image

    alone = backend.probabilities([backend.preprocess(load_image(CAMERA))])[0]
    by_label = {label.label: label.score for label in results[1].labels}
    loaded = backend.model()
    assert np.allclose([by_label[name] for _, name in loaded.labels], alone, atol=1e-3)
    # the batch filled the cache: a single call is answered from it
    assert tool.cached(CAMERA)
    assert tool(CAMERA) == results[1]


@pytest.mark.slow
def test_a_release_named_file_takes_its_labels_and_operating_points(
    random_weights: Path, tmp_path: Path
) -> None:
    named = tmp_path / (NIH_RELEASE + ".state_dict")
    shutil.copy(random_weights, named)
    result = ClassifyChestXray(Runtime(device="cpu", weights={"torchxrayvision": str(named)}))(CAMERA)
    assert result.calibrated is True and not result.notes
    names = {label.label for label in result.labels}
    assert len(names) == 14 and "Hernia" in names and "Fracture" not in names  # NIH ChestX-ray14 only


@pytest.mark.slow
def test_triage_runs_the_classifier_on_a_frontal_radiograph(runtime: Runtime, chest_pa: Path) -> None:
    assistant = Assistant(llm="planner", check_llm=False, runtime=runtime)
    answer = triage_image(assistant, chest_pa)
    steps = [step.tool for step in answer.trace]
    assert steps == ["assess_quality", "classify_chest_xray", "evaluate_rules"]
    assert answer.backend["classify_chest_xray"].startswith("torchxrayvision")
    assert {e["id"] for e in answer.evidence if e["tool"] == "classify_chest_xray"} == {
        f"L{i}" for i in range(1, 19)
    }
    assert "chest X-ray classifier (torchxrayvision" in answer.answer and "uncalibrated" in answer.answer
    assert answer.verified, answer.unsupported_claims
    # a lateral film of the same pixels is never sent to the classifier
    import pydicom

    ds = pydicom.dcmread(chest_pa)
    ds.ViewPosition = "LL"
    lateral = chest_pa.with_name("lateral.dcm")
    ds.save_as(lateral)
    lateral_answer = triage_image(assistant, lateral)
    assert "classify_chest_xray" not in [step.tool for step in lateral_answer.trace]
    assert lateral_answer.abstention is not None and lateral_answer.abstention.startswith("lateral view")
    ct = triage_image(assistant, dicom("CT_small.dcm"))  # nor a CT, with the classifier ready
    assert "classify_chest_xray" not in [step.tool for step in ct.trace]


# ---------------------------------------------------------------------------- labels -> facts -> rules


def label(name: str, score: float, index: int) -> ImageLabel:
    return ImageLabel(id=f"L{index}", tool="classify_chest_xray", label=name, score=score, rank=index)


def test_probabilities_become_facts_and_uncertain_is_never_negative() -> None:
    sheet = FactSheet()
    classifier_facts(
        sheet,
        [
            label("Pneumothorax", 0.91, 1),
            label("Effusion", 0.41, 2),
            label("Lung Lesion", 0.62, 3),
            label("Mass", 0.02, 4),
        ],
    )
    values = sheet.values
    assert values["finding.pneumothorax.probability"] == 0.91
    assert values["finding.pneumothorax.present"] is True and "finding:pneumothorax" in sheet.concepts
    assert values["finding.pleural_effusion.probability"] == 0.41
    assert "finding.pleural_effusion.present" not in values  # uncertain: not read as absent
    assert values["finding.any.uncertain"] is True
    assert values["finding.lung_lesion.present"] is True and "finding:lung_lesion" not in sheet.concepts
    assert "finding.mass.present" not in values  # a low probability does not rule a finding out
    assert values["finding.any.present"] is True
    assert sheet.evidence["finding.pneumothorax.present"] == ["L1"]


def test_nothing_present_or_uncertain_is_no_finding_not_absence() -> None:
    sheet = FactSheet()
    classifier_facts(sheet, [label("Pneumothorax", 0.1, 1), label("Cardiomegaly", UNCERTAIN_FROM - 0.01, 2)])
    assert sheet.values["finding.any.present"] is False
    assert not [k for k in sheet.values if k.endswith(".present") and k != "finding.any.present"]
    other_tool = ImageLabel(id="L9", tool="classify_image", label="minibus", score=0.9, rank=1)
    fresh = FactSheet()
    classifier_facts(fresh, [other_tool])  # ImageNet labels are not chest findings
    assert not [k for k in fresh.values if k.startswith("finding.")]


def test_a_present_pneumothorax_on_a_frontal_cr_fires_the_pneumothorax_rule() -> None:
    from argus.agent.domains.medical.policy import MedicalPolicy
    from argus.knowledge import KnowledgeBase

    result = ChestXrayResult(
        tool="classify_chest_xray",
        backend="torchxrayvision",
        backend_version="test",
        image_sha256="0" * 64,
        image_size=(128, 128),
        labels=[label("Pneumothorax", PRESENT_AT + 0.3, 1), label("Effusion", 0.05, 2)],
        calibrated=True,
    )
    ledger = Ledger("0" * 64)
    ledger.add("cxr", result)
    ctx = FactContext(domain="medical", metadata={"Modality": "CR", "ViewPosition": "PA"})
    evaluation = KnowledgeBase.load().evaluate(
        build_facts(ledger, ctx, MedicalPolicy()).to_facts(), domain="medical"
    )
    fired = {f.rule.id: f for f in evaluation.fired}
    assert "MED-CXR-PTX-01" in fired and fired["MED-CXR-PTX-01"].rule.urgency.level == "U2"
    assert "L1" in fired["MED-CXR-PTX-01"].evidence
    assert "MED-REG-02" in fired  # flagged for a clinician's review


def test_finding_names_follow_the_concepts() -> None:
    assert finding_name("Effusion") == "pleural_effusion"
    assert finding_name("Lung Opacity") == "pulmonary_opacity"
    assert finding_name("Enlarged Cardiomediastinum") == "enlarged_cardiomediastinum"
