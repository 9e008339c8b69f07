"""assess_quality on real photos and DICOM, and on real samples made dark, blurred, noisy or small."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.assess_quality import AssessQuality
from argus.tools.errors import ToolInputError
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support import samples

METRICS = [
    "exposure",
    "shadows_clipped",
    "highlights_clipped",
    "contrast",
    "sharpness",
    "noise",
    "colour",
    "size",
    "edges",
]


@pytest.fixture
def quality() -> AssessQuality:
    return AssessQuality(Runtime(device="cpu"))


def by_metric(report) -> dict:
    return {m.label: m for m in report.measurements}


def camera() -> np.ndarray:
    return load_image(samples.CAMERA).gray


def gaussian_blur(rgb: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(rgb, (0, 0), sigma)


def test_bus_photo_passes_with_every_metric(quality):
    report = quality(samples.BUS)
    assert report.ok and report.reasons == []
    assert [m.label for m in report.measurements] == METRICS
    assert [m.id for m in report.measurements] == [f"Q{i}" for i in range(1, 10)]
    for m in report.measurements:
        assert m.verdict and m.threshold and m.unit
    metrics = by_metric(report)
    assert metrics["colour"].verdict == "colour"
    assert metrics["size"].value == 810
    assert 60 < metrics["exposure"].value < 200


def test_ct_slice_passes_as_a_grayscale_image(quality):
    report = quality(samples.dicom("CT_small.dcm"))
    metrics = by_metric(report)
    assert report.ok, report.reasons
    assert metrics["colour"].verdict == "grayscale"
    assert metrics["size"].value == 128  # small, but above the 64 px floor
    assert any("windowed 8-bit display image" in note for note in report.notes)


def test_darkened_photo_fails_as_too_dark(quality):
    report = quality((camera() * 0.15).astype(np.uint8))
    metrics = by_metric(report)
    assert not report.ok
    assert metrics["exposure"].verdict == "underexposed"
    assert any(reason.startswith("too dark") and "[Q1]" in reason for reason in report.reasons)
    # its edges are as sharp as before: sharpness is measured at a standard contrast
    assert metrics["sharpness"].verdict == "ok"


def test_blurred_photo_fails_as_blurred(quality):
    report = quality(gaussian_blur(load_image(samples.BUS).rgb, 5))
    metrics = by_metric(report)
    assert not report.ok
    assert metrics["sharpness"].verdict == "blurred"
    assert metrics["exposure"].verdict == "ok"
    assert {r.split(" (")[0] for r in report.reasons} == {"blurred"}


def test_motion_blurred_photo_fails_on_its_shallow_edges(quality):
    """The clock moved while the shutter was open; the background is flat and a little noisy, which the
    Laplacian reads as detail, so only the edges' steepness shows the blur."""
    report = quality(samples.CLOCK_MOTION)
    metrics = by_metric(report)
    assert metrics["edges"].verdict == "blurred"
    assert not report.ok and any(r.startswith("blurred") and "[Q9]" in r for r in report.reasons)


@pytest.mark.parametrize(
    "sample", [samples.BUS, samples.CHELSEA, samples.PAGE, samples.dicom("CT_small.dcm")]
)
def test_sharp_images_have_steep_edges(quality, sample):
    assert by_metric(quality(sample))["edges"].verdict == "ok"


def test_motion_blur_makes_edges_shallow(quality):
    import cv2

    rgb = load_image(samples.ZIDANE).rgb
    kernel = np.zeros((41, 41), np.float32)
    kernel[20, :] = 1 / 41  # a sideways streak 41 px long (16 px at 512)
    streaked = by_metric(quality(cv2.filter2D(rgb, -1, kernel)))
    assert streaked["edges"].verdict == "blurred"
    assert streaked["edges"].value < by_metric(quality(rgb))["edges"].value / 2


def test_mild_blur_scores_between_sharp_and_heavy(quality):
    sharp = by_metric(quality(samples.BUS))["sharpness"].value
    mild = by_metric(quality(gaussian_blur(load_image(samples.BUS).rgb, 1)))["sharpness"].value
    heavy = by_metric(quality(gaussian_blur(load_image(samples.BUS).rgb, 5)))["sharpness"].value
    assert sharp > mild > heavy


def test_sharpness_holds_across_resolutions(quality):
    import cv2

    rgb = load_image(samples.BUS).rgb
    doubled = cv2.resize(rgb, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    at_1080 = by_metric(quality(rgb))["sharpness"].value
    at_2160 = by_metric(quality(doubled))["sharpness"].value
    assert 0.7 < at_2160 / at_1080 < 1.3


def test_noise_is_measured_in_gray_levels(quality):
    rng = np.random.default_rng(0)
    noisy = np.clip(camera() + rng.normal(0, 20, camera().shape), 0, 255).astype(np.uint8)
    metrics = by_metric(quality(noisy))
    assert metrics["noise"].verdict == "noisy"
    assert 16 < metrics["noise"].value < 24
    assert by_metric(quality(samples.CAMERA))["noise"].value < 3


def test_overexposed_photo(quality):
    bright = np.clip(camera().astype(np.int32) * 2 + 80, 0, 255).astype(np.uint8)
    report = quality(bright)
    metrics = by_metric(report)
    assert metrics["exposure"].verdict == "overexposed"
    assert metrics["highlights_clipped"].verdict == "clipped"
    assert not report.ok


def test_flat_image_has_no_contrast_and_no_edges(quality):
    report = quality(np.full((100, 100), 128, np.uint8))
    metrics = by_metric(report)
    assert metrics["contrast"].verdict == "low contrast"
    assert metrics["sharpness"].value == 0.0
    assert metrics["noise"].value == pytest.approx(0.0, abs=1e-6)


def test_small_image_is_too_small(quality):
    crop = load_image(samples.BUS).rgb[500:548, 100:160]  # 60 x 48
    report = quality(crop)
    assert by_metric(report)["size"].verdict == "too small"
    assert any("too small for the models" in r for r in report.reasons)
    assert by_metric(quality(crop, min_side_px=32))["size"].verdict == "ok"


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((1, 1), np.uint8),
        np.array([[0, 255, 0], [255, 0, 255]], np.uint8),
        np.zeros((1, 2048), np.uint8),
    ],
    ids=["one pixel", "2x3", "1x2048 strip"],
)
def test_degenerate_images_are_measured_and_too_small(quality, image):
    report = quality(image)
    assert len(report.measurements) == len(METRICS)
    assert by_metric(report)["size"].verdict == "too small" and not report.ok


def test_min_sharpness_moves_the_line(quality):
    blurred = gaussian_blur(load_image(samples.BUS).rgb, 5)
    value = by_metric(quality(blurred))["sharpness"].value
    relaxed = quality(blurred, min_sharpness=value / 2)
    assert by_metric(relaxed)["sharpness"].verdict == "ok"
    assert by_metric(relaxed)["sharpness"].threshold == f"blurred below {value / 2:g}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_side_px": 0}, "min_side_px: Input should be greater than or equal to 1"),
        ({"min_sharpness": -1}, "min_sharpness: Input should be greater than or equal to 0"),
        ({"min_sharpness": "sharp"}, "min_sharpness: Input should be a valid number"),
        ({"exposure": 3}, "exposure: Extra inputs are not permitted"),
    ],
)
def test_bad_arguments(quality, kwargs, message):
    with pytest.raises(ToolInputError) as info:
        quality(samples.BUS, **kwargs)
    assert message in str(info.value)


def test_cached_and_summarised(quality):
    image = load_image(samples.BUS)
    first = quality(image)
    assert quality.cached(image)
    assert quality(image) is first
    text = first.summary()
    assert "[Q5] sharpness" in text and "verdict=ok" in text


def test_background_is_judged_against_the_subject_boxes(quality):
    """zidane.jpg: two men in focus before a crowd the lens left soft."""
    report = quality(samples.ZIDANE, subject_boxes=[[100, 40, 1140, 720]])
    metrics = by_metric(report)
    assert [m.id for m in report.measurements][-2:] == ["Q10", "Q11"]
    assert metrics["background_edges"].verdict in ("soft", "sharp")
    assert report.ok  # a soft background is how portraits are taken, not a fault


def test_a_sharp_street_has_a_sharp_background(quality):
    people = [[48, 398, 245, 902], [670, 380, 810, 878], [221, 405, 344, 857], [0, 550, 63, 873]]
    assert by_metric(quality(samples.BUS, subject_boxes=people))["background_edges"].verdict == "sharp"


def test_a_subject_filling_the_picture_leaves_no_background(quality):
    verdict = by_metric(quality(samples.BUS, subject_boxes=[[0, 0, 810, 1080]]))["background_edges"].verdict
    assert verdict == "no background"


@pytest.mark.parametrize("box", [[10, 10, 5, 50], [0, 0, 1], [0, 0, float("nan"), 5]])
def test_malformed_subject_boxes_are_refused(quality, box):
    with pytest.raises(ToolInputError):
        quality(samples.BUS, subject_boxes=[box])
