"""classify_modality: what kind of image this is, from the DICOM tag when there is one, else from the
pixels with a probability per class, on real sample images.

CT_small, MR_small, retina, bus, chelsea, coffee and page are among the images the shipped model was
fitted on (there are few such images on disk); what these tests check is that the images a user would
give (a DICOM slice exported as PNG, a photo re-encoded) come out as what they are. How the model does on
images it has not seen is measured by the training script's leave-one-source-out evaluation.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from argus.tools import get_tool
from argus.tools.classify_modality import CLASSES, CONFIDENT, MODEL_PATH, load_model
from argus.tools.errors import ArgusError, ImageTooLargeError, NotAnImageError, ToolInputError
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support import samples
from tests.support.triage_helpers import tagged_dicom

MEDICAL = ("radiograph", "CT", "MRI", "ultrasound", "fundus photo", "microscopy")


@pytest.fixture(scope="module")
def tool():
    return get_tool("classify_modality", Runtime(device="cpu"))


def exported_png(path: Path) -> bytes:
    """The image as a user would save what they see: the 8-bit display pixels as a PNG, no tags."""
    buffer = io.BytesIO()
    Image.fromarray(load_image(path).rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(path: Path, quality: int = 70) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


@pytest.mark.parametrize(("sample", "expected"), [("CT_small.dcm", "CT"), ("MR_small.dcm", "MRI")])
def test_a_dicom_slice_saved_as_png_is_called_what_it_is(tool, sample: str, expected: str) -> None:
    result = tool(load_image(exported_png(samples.dicom(sample)), name="slice.png"))
    assert result.source == "pixels" and result.dicom_modality is None
    assert result.modality == expected and result.labels[0].label == expected
    assert result.labels[0].id == "L1" and result.labels[0].score == result.confidence
    assert result.confidence > result.labels[1].score


def test_the_dicom_tag_wins_over_the_pixels(tool, tmp_path: Path) -> None:
    ct = tool(samples.dicom("CT_small.dcm"))
    assert ct.source == "DICOM tag" and ct.modality == "CT" and ct.dicom_modality == "CT"
    assert ct.confident and ct.confidence is None and ct.labels[0].score is None
    # CT pixels in a file tagged as a radiograph: the tag decides
    relabelled = tool(tagged_dicom(tmp_path, "cr.dcm", Modality="CR"))
    assert relabelled.source == "DICOM tag" and relabelled.modality == "radiograph"
    # asked to, it judges the pixels all the same
    pixels = tool(tagged_dicom(tmp_path, "cr.dcm", Modality="CR"), from_pixels=True)
    assert pixels.source == "pixels" and pixels.modality == "CT" and pixels.dicom_modality == "CR"


def test_a_dicom_code_without_a_class_is_reported_as_it_is(tool, tmp_path: Path) -> None:
    nm = tool(tagged_dicom(tmp_path, "nm.dcm", Modality="NM"))
    assert nm.source == "DICOM tag" and nm.modality == "NM"
    other = tool(tagged_dicom(tmp_path, "ot.dcm", Modality="OT"))  # "other" says nothing: the pixels decide
    assert other.source == "pixels" and other.modality == "CT" and other.dicom_modality == "OT"


def test_a_fundus_photograph_is_a_fundus_photo(tool) -> None:
    for image in (samples.RETINA, jpeg(samples.RETINA, 50)):
        result = tool(load_image(image, name="retina.jpg") if isinstance(image, bytes) else image)
        assert result.modality == "fundus photo"


@pytest.mark.parametrize("sample", [samples.BUS, samples.CHELSEA, samples.COFFEE, samples.CAMERA])
def test_photographs_are_photos(tool, sample: Path) -> None:
    result = tool(sample)
    assert result.modality == "photo", result.labels


def test_a_scanned_page_is_not_called_a_medical_modality(tool) -> None:
    result = tool(samples.PAGE, top_k=len(CLASSES))
    assert result.modality not in MEDICAL
    assert sum(label.score for label in result.labels if label.label in MEDICAL) < 0.5


def test_probabilities_cover_every_trained_class_and_sum_to_one(tool) -> None:
    model = load_model()
    result = tool(samples.BUS, top_k=len(CLASSES))
    assert [label.label for label in result.labels] == sorted(
        model.classes, key=lambda c: -next(i.score for i in result.labels if i.label == c)
    )
    assert sum(label.score for label in result.labels) == pytest.approx(1.0, abs=1e-3)
    assert [label.rank for label in result.labels] == list(range(1, len(model.classes) + 1))
    assert result.confident == (result.confidence >= CONFIDENT)
    assert set(result.untrained) == set(CLASSES) - set(model.classes)


def test_radiographs_are_named_only_by_a_tag_while_the_model_has_none_to_learn_from(tool) -> None:
    model = load_model()
    if "radiograph" in model.classes:
        pytest.skip("this model was fitted with radiographs")
    assert "radiograph" in model.training["untrained"]
    # pydicom's CR files are 16 x 16 and 32 x 32 crops: the training left them out and says why
    assert any("CR 16x16 is too small" in line for line in model.training["left_out"])
    result = tool(samples.CAMERA)
    assert "radiograph" in result.untrained and any("radiograph" in note for note in result.notes)


def test_a_tiny_image_is_refused_with_the_reason(tool) -> None:
    with pytest.raises(ToolInputError, match=r"1x1 px; at least 16 px on each side"):
        tool(np.zeros((1, 1, 3), np.uint8))
    assert tool(np.full((16, 16, 3), 128, np.uint8)).modality in CLASSES  # from 16 px it answers


def test_a_huge_image_is_judged_from_a_downsampled_copy(tool) -> None:
    rgb = np.asarray(Image.open(samples.CHELSEA).convert("RGB").resize((7200, 4800)))
    assert tool(rgb).modality == "photo"


@pytest.mark.parametrize(
    ("image", "error"),
    [
        (b"", ArgusError),
        (b"not an image at all", NotAnImageError),
        (np.zeros((9000, 9000), np.uint8), ImageTooLargeError),
    ],
)
def test_bad_input_gets_a_clear_error(tool, image, error) -> None:
    with pytest.raises(error):
        tool(load_image(image, name="x.png") if isinstance(image, bytes) else image)


@pytest.mark.parametrize("args", [{"top_k": 0}, {"top_k": 9}, {"top_k": "three"}, {"colour": True}])
def test_bad_arguments_are_refused(tool, args) -> None:
    with pytest.raises(ToolInputError, match="classify_modality: bad arguments"):
        tool(samples.BUS, **args)


def test_a_broken_model_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    broken = tmp_path / "model.json"
    broken.write_text("{not json")
    with pytest.raises(ArgusError, match="python -m argus.tools.modality_training"):
        load_model(broken)
    stale = json.loads(MODEL_PATH.read_text())
    stale["features"] = stale["features"][:-1]
    broken.write_text(json.dumps(stale))
    with pytest.raises(ArgusError, match="does not match this version's features"):
        load_model(broken)


def test_the_shipped_model_is_small_and_says_what_it_was_trained_on() -> None:
    assert MODEL_PATH.stat().st_size < 2_000_000
    training = load_model().training
    assert training["sources"]["photo"] >= 10 and training["sources"]["CT"] >= 2
    held_out = training["leave_one_source_out"]
    assert set(held_out["per_class"]) == set(load_model().classes)


def test_classifying_imports_no_deep_learning_library() -> None:
    code = (
        "import sys; from argus.tools import get_tool; from argus.tools.runtime import Runtime; "
        f"r = get_tool('classify_modality', Runtime(device='cpu'))({str(samples.BUS)!r}); "
        "print(r.modality, sorted(m for m in ('torch', 'sklearn', 'cv2', 'ai_edge_litert') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "photo []"
