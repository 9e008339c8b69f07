"""Routing by modality: DICOM tags decide when present; otherwise the pixel classifier's guess, reported
with its probability, and only a confident radiograph may reach the chest X-ray classifier."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from argus.agent.domains.medical.modality import pixel_route, route_image
from argus.tools.classify_modality import CONFIDENT, ModalityResult
from argus.tools.evidence import ImageLabel
from argus.tools.image_io import LoadedImage, as_loaded, load_image
from argus.tools.runtime import Runtime
from tests.support.samples import BUS, CAMERA, PAGE, RETINA, dicom
from tests.support.triage_helpers import tagged_dicom


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(device="cpu")


def as_png(path: Path) -> LoadedImage:
    """What a user gets by saving the displayed slice as a PNG: the same pixels, no tags."""
    buffer = io.BytesIO()
    Image.fromarray(load_image(path).rgb).save(buffer, format="PNG")
    return load_image(buffer.getvalue(), name=f"{path.stem}.png")


def guessed(
    image: LoadedImage, label: str, score: float, untrained: list[str] | None = None
) -> ModalityResult:
    """A classifier result naming ``label`` with ``score`` (the rest of the probability on 'photo')."""
    labels = [ImageLabel(id="L1", tool="classify_modality", label=label, score=score, rank=1)]
    if label != "photo":
        labels.append(ImageLabel(id="L2", tool="classify_modality", label="photo", score=1 - score, rank=2))
    return ModalityResult(
        tool="classify_modality",
        backend="pixel-statistics-logreg",
        backend_version="test",
        image_sha256=image.sha256,
        image_size=(image.width, image.height),
        labels=labels,
        modality=label,
        confidence=score,
        confident=score >= CONFIDENT,
        source="pixels",
        untrained=untrained or [],
    )


@pytest.mark.parametrize(("sample", "code"), [("CT_small.dcm", "CT"), ("MR_small.dcm", "MR")])
def test_a_dicom_modality_tag_decides(runtime, sample: str, code: str) -> None:
    route = route_image(load_image(dicom(sample)), runtime)
    assert route.source == "DICOM tag" and route.modality == code
    assert route.guess is None and route.confidence is None and not route.chest_xray_ready
    assert route.describe() == f"modality from DICOM tag: {code}"


def test_a_radiograph_tag_routes_to_the_chest_path_whatever_the_pixels(runtime, tmp_path: Path) -> None:
    # CT pixels, but the file says CR, PA, chest: the tag wins
    path = tagged_dicom(tmp_path, "cr.dcm", Modality="CR", ViewPosition="PA", BodyPartExamined="CHEST")
    route = route_image(load_image(path), runtime)
    assert route.source == "DICOM tag" and route.radiograph and route.chest_xray_ready
    assert route.describe() == "modality from DICOM tag: CR, view PA, body part CHEST"


@pytest.mark.parametrize(("sample", "guess", "words"), [("CT_small.dcm", "CT", "a CT slice"), ("MR_small.dcm", "MRI", "an MRI slice")])  # fmt: skip
def test_a_slice_saved_as_png_is_guessed_from_its_pixels(
    runtime, sample: str, guess: str, words: str
) -> None:
    route = route_image(as_png(dicom(sample)), runtime)
    assert route.source == "pixels" and route.modality is None
    assert route.guess == guess and 0.0 < route.confidence <= 1.0
    assert not route.radiograph_guess and not route.chest_xray_ready
    text = route.describe()
    assert text.startswith(f"modality guessed from pixels: {words} (probabilities {guess} 0.")
    assert text.endswith("a guess, not a DICOM tag, so the rules do not read it as the modality")


@pytest.mark.parametrize(("sample", "guess"), [(BUS, "photo"), (CAMERA, "photo"), (RETINA, "fundus photo")])
def test_photographs_are_not_sent_to_the_chest_xray_classifier(runtime, sample: Path, guess: str) -> None:
    # the grayscale camera man passed the old pixel heuristic for a radiograph
    route = route_image(load_image(sample), runtime)
    assert route.guess == guess and not route.radiograph and not route.chest_xray_ready


def test_a_document_is_not_routed_as_a_medical_image(runtime) -> None:
    route = route_image(load_image(PAGE), runtime)
    assert route.guess in ("document or graphic", "photo") and not route.chest_xray_ready


def test_a_dicom_file_without_a_modality_tag_is_guessed_and_says_so(runtime, tmp_path: Path) -> None:
    import pydicom

    ds = pydicom.dcmread(dicom("CT_small.dcm"))
    del ds.Modality
    ds.save_as(tmp_path / "untagged.dcm")
    route = route_image(load_image(tmp_path / "untagged.dcm"), runtime)
    assert route.source == "pixels" and route.guess == "CT"
    assert route.cues[0] == "DICOM file without a Modality tag"


def test_only_a_confident_radiograph_guess_may_reach_the_chest_xray_classifier() -> None:
    image = load_image(BUS)
    sure = pixel_route(image, guessed(image, "radiograph", 0.93), view="PA")
    assert sure.radiograph_guess and sure.chest_xray_ready and sure.confidence == 0.93
    unsure = pixel_route(image, guessed(image, "radiograph", CONFIDENT - 0.01))
    assert not unsure.radiograph_guess and not unsure.chest_xray_ready
    assert "a radiograph needs a probability of at least 0.80" in unsure.describe()
    lateral = pixel_route(image, guessed(image, "radiograph", 0.93), view="LATERAL")
    assert lateral.radiograph and not lateral.chest_xray_ready


def test_the_guess_says_when_the_model_has_never_seen_a_radiograph() -> None:
    image = load_image(BUS)
    route = pixel_route(image, guessed(image, "photo", 0.9, untrained=["radiograph"]))
    assert "no radiographs to learn from, so only a DICOM tag marks a radiograph" in route.describe()


def test_a_tiny_image_is_routed_without_a_guess(runtime) -> None:
    route = route_image(as_loaded(np.zeros((4, 3, 3), np.uint8)), runtime)
    assert route.guess is None and route.confidence is None and not route.chest_xray_ready
    assert route.describe().startswith(
        "modality guessed from pixels: not judged (only 3x4 px, too small to judge)"
    )
