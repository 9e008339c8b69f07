"""``assess_quality``: is this image good enough to read? Exposure, contrast, sharpness, noise,
colour and size, each a measurement with its verdict and threshold (evidence prefix Q)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.tools.backend_facts import QualityFacts
from argus.tools.base import Backend, ImageTool
from argus.tools.evidence import Measurement, ToolResult, numbered

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

# Thresholds on the 8-bit gray image (0-255). Each is the line where the verdict changes.
UNDEREXPOSED_MEAN = 40.0
OVEREXPOSED_MEAN = 215.0
CLIPPED_FRACTION = 0.5  # share of pixels at pure black (<= 5) or pure white (>= 250)
LOW_CONTRAST_STD = 20.0
BLUR_LAPLACIAN_VAR = 50.0
MOTION_BALANCE = 0.5  # shallowest over steepest direction below this: the blur has a direction
BLUR_EDGE_STEEPNESS = 0.10  # steepest slope per pixel in the shallowest direction, share of the gray range
NOISY_SIGMA = 8.0
GRAYSCALE_CHROMA = 2.0  # mean |channel - channel mean| below this: the colours carry no information
BACKGROUND_SOFT = 0.6  # background's steepest edges under 0.6 of the subject's: the background is blurred
BACKGROUND_MIN_SHARE = 0.1  # less of the picture than this outside the subject: no background to judge
PLAIN_RANGE = 24.0  # a background whose gray levels span less than this is plain: nothing to be sharp
SHARPNESS_SIDE = 512  # images are shrunk to this longer side before the Laplacian, never enlarged
SHARPNESS_STD = 50.0  # the contrast the Laplacian variance is scaled to
NOISE_MIN_SIDE = 8
NOISE_CROP = 768  # noise is estimated on the central crop of at most this size, at full resolution

# Each metric in plain words, for sentences a person reads (the metric names are fact names).
PLAIN_NAMES = {
    "exposure": "brightness",
    "shadows_clipped": "share of pure-black pixels",
    "highlights_clipped": "share of pure-white pixels",
    "contrast": "contrast",
    "sharpness": "sharpness",
    "noise": "noise",
    "colour": "colour",
    "size": "shorter side",
    "edges": "edge steepness",
    "subject_edges": "the subject's edge steepness",
    "background_edges": "the background's edge steepness, as a share of the subject's",
}

# Verdicts that make the image fail, with the reason given for each.
FAILING = {
    "underexposed": "too dark",
    "overexposed": "too bright",
    "clipped": "large areas are pure black or pure white",
    "low contrast": "low contrast",
    "blurred": "blurred",
    "noisy": "noisy",
    "too small": "too small for the models",
}


class AssessQualityInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_side_px: int = Field(
        default=64,
        ge=1,
        le=100_000,
        description="Shorter side below which the image is 'too small' for the models (pixels).",
    )
    min_sharpness: float = Field(
        default=BLUR_LAPLACIAN_VAR,
        ge=0.0,
        description=(
            "Variance of the Laplacian (image shrunk to 512 px, contrast scaled to a gray-level std of 50) "
            "below which it is 'blurred'. "
            "Raise it for fine detail (text, fractures); lower it for naturally smooth images (fundus photos)."
        ),
    )

    min_edge_steepness: float = Field(
        default=BLUR_EDGE_STEEPNESS,
        ge=0.0,
        le=1.0,
        description=(
            "Slope of the steepest edges in the direction where they are least steep (99.5th percentile, "
            "image shrunk to 512 px), as a share of the gray range per pixel, below which it is 'blurred' "
            "when another direction's edges are at least twice as steep: motion blur, which the Laplacian "
            "misses when a blurred subject sits on a flat background."
        ),
    )

    subject_boxes: list[list[float]] = Field(
        default_factory=list,
        max_length=100,
        description=(
            "Boxes [x1, y1, x2, y2] (pixels) of the picture's subject. When given, the report also says "
            "whether the background (everything outside them) is blurred next to the subject."
        ),
    )

    @field_validator("subject_boxes")
    @classmethod
    def _boxes(cls, boxes: list[list[float]]) -> list[list[float]]:
        for box in boxes:
            if (
                len(box) != 4
                or not all(math.isfinite(v) for v in box)
                or box[2] <= box[0]
                or box[3] <= box[1]
            ):
                raise ValueError("each subject box is [x1, y1, x2, y2] with x2 > x1 and y2 > y1")
        return boxes


class QualityReport(ToolResult):
    measurements: list[Measurement] = Field(description="Q1, Q2, ...: one per metric.")
    ok: bool = Field(description="True when no measurement failed.")
    reasons: list[str] = Field(description="Why it failed, one phrase per failing measurement, with its id.")


class ClassicalMetricsBackend(QualityFacts, Backend):
    summary = (
        "Image statistics with NumPy/OpenCV (mean, clipping, RMS contrast, variance of the Laplacian) and "
        "scikit-image's wavelet noise estimate; CPU, no weights."
    )
    install_hint = "pip install opencv-python scikit-image PyWavelets"

    def measure(self, image: LoadedImage) -> dict[str, float]:
        """The raw numbers, by metric name."""
        gray = image.gray
        return {
            "exposure": float(gray.mean()),
            "shadows_clipped": float(np.count_nonzero(gray <= 5) / gray.size),
            "highlights_clipped": float(np.count_nonzero(gray >= 250) / gray.size),
            "contrast": float(gray.std()),
            "sharpness": sharpness(gray),
            "noise": noise_sigma(gray),
            "colour": chroma(image.rgb),
            "size": float(min(image.width, image.height)),
            **dict(zip(("edges", "edge_balance"), edge_steepness(gray), strict=True)),
        }

    def raw_call(self, image: LoadedImage) -> Any:
        """The measurements are the library calls (NumPy, OpenCV, scikit-image); the tool adds verdicts."""
        return self.measure(image)


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian on the image shrunk to ``SHARPNESS_SIDE`` and scaled to a standard
    contrast (gray-level std ``SHARPNESS_STD``).

    The Laplacian's variance falls with the fourth power of the scale and grows with the square of
    the contrast, so a raw value means nothing across resolutions and exposures: a dark photo would
    read as blurred. At a fixed size and contrast it measures blur as the models (which look at
    300-640 px) see it. Small images are measured as they are: enlarging would blur them.
    """
    import cv2

    gray, _ = _shrunk(gray)
    std = float(gray.std())
    if std < 1.0:
        return 0.0  # a flat image has no edges to be sharp
    return float(cv2.Laplacian(gray, cv2.CV_64F).var()) * (SHARPNESS_STD / std) ** 2


def edge_steepness(gray: np.ndarray) -> tuple[float, float]:
    """How steep the image's steepest edges are in the direction where they are least steep, and how
    even that is: for each of four directions, the 99.5th percentile of the gray-level slope along it (at
    ``SHARPNESS_SIDE``) as a share of the gray range between the 1st and 99th percentiles; returns the
    smallest of the four and its ratio to the largest.

    Motion blur spreads edges along the motion only, so the edges across it stay steep: shallow edges
    in one direction with steep ones in another show it. The Laplacian's variance misses it when a
    blurred subject sits on a flat, slightly noisy background (the noise, scaled up with the low
    contrast, reads as detail); the steepest half percent of slopes are not moved by such noise. Even
    softness in every direction (an enlarged low-resolution scan) is left to the Laplacian.
    """
    import cv2

    pixels = _shrunk(gray)[0].astype(np.float32)
    low, high = np.percentile(pixels, (1, 99))
    if high - low < 1.0:
        return 0.0, 1.0  # a flat image has no edges, in any direction
    dx = cv2.Sobel(pixels, cv2.CV_32F, 1, 0) / 8
    dy = cv2.Sobel(pixels, cv2.CV_32F, 0, 1) / 8
    steepest = [
        float(np.percentile(np.abs(dx * np.cos(angle) + dy * np.sin(angle)), 99.5))
        for angle in np.deg2rad((0, 45, 90, 135))
    ]
    return min(steepest) / float(high - low), min(steepest) / max(max(steepest), 1e-9)


def _shrunk(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The gray image at ``SHARPNESS_SIDE`` or smaller (never enlarged: that would blur it), in its own
    dtype, and the scale used."""
    import cv2

    height, width = gray.shape
    scale = min(1.0, SHARPNESS_SIDE / max(height, width))
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return gray, scale


def depth_of_field(gray: np.ndarray, boxes: list[list[float]]) -> tuple[float, float, float] | None:
    """How sharp the background is next to the subject: (the subject's edge steepness, the background's,
    the background's gray range), each steepness the 99th percentile of the gradient over the region's
    own gray range (1st to 99th percentile). None when the subject fills nearly all of the picture."""
    import cv2

    shrunk, scale = _shrunk(gray)
    pixels = shrunk.astype(np.float32)
    subject = np.zeros(pixels.shape, bool)
    for x1, y1, x2, y2 in boxes:
        subject[
            max(0, int(y1 * scale)) : max(0, math.ceil(y2 * scale)),
            max(0, int(x1 * scale)) : max(0, math.ceil(x2 * scale)),
        ] = True
    if not subject.any() or (~subject).mean() < BACKGROUND_MIN_SHARE:
        return None
    slope = np.hypot(cv2.Sobel(pixels, cv2.CV_32F, 1, 0), cv2.Sobel(pixels, cv2.CV_32F, 0, 1)) / 8

    def steepness(region: np.ndarray) -> tuple[float, float]:
        low, high = np.percentile(pixels[region], (1, 99))
        spread = float(high - low)
        return (float(np.percentile(slope[region], 99)) / spread if spread >= 1.0 else 0.0), spread

    (inside, _), (outside, spread) = steepness(subject), steepness(~subject)
    return inside, outside, spread


def chroma(rgb: np.ndarray) -> float:
    """Mean distance of each channel from the pixel's gray level, on about a million pixels."""
    step = max(1, int((rgb.shape[0] * rgb.shape[1] / 1e6) ** 0.5))
    sample = rgb[::step, ::step].astype(np.float32)
    return float(np.abs(sample - sample.mean(axis=2, keepdims=True)).mean())


def noise_sigma(gray: np.ndarray) -> float:
    """Standard deviation of Gaussian noise (gray levels), by scikit-image's wavelet estimator on a
    central crop at full resolution (shrinking would average the noise away)."""
    from skimage.restoration import estimate_sigma

    h, w = gray.shape
    top, left = max(0, (h - NOISE_CROP) // 2), max(0, (w - NOISE_CROP) // 2)
    crop = gray[top : top + NOISE_CROP, left : left + NOISE_CROP]
    if min(crop.shape) < NOISE_MIN_SIDE:
        return 0.0  # too few pixels for the wavelet estimate; such an image fails on size anyway
    return float(estimate_sigma(crop, channel_axis=None))


class AssessQuality(ImageTool):
    name = "assess_quality"
    description = (
        "Measures whether the image is fit to be read: exposure (mean brightness and clipped shadows/"
        "highlights), contrast, sharpness (variance of the Laplacian at 512 px and a standard contrast), noise (wavelet sigma), "
        "grayscale or colour, size, and edge steepness (the steepest edges in their shallowest direction: motion "
        "blur makes them shallow along the motion only). Returns one measurement per metric (ids Q1, Q2, ...) with its "
        "value, unit, verdict and the threshold used, plus ok (true when nothing failed) and the reasons "
        "it failed. Call it before trusting other tools on a doubtful image, and as the gate for medical "
        "triage. Optional: min_side_px (default 64), min_sharpness (default 50), min_edge_steepness "
        "(default 0.1)."
    )
    Input = AssessQualityInput
    Output = QualityReport
    evidence_prefixes = ("Q",)
    limitations = (
        "Thresholds are general-purpose; naturally smooth images (fundus photos, low-resolution CT, fur) "
        "score low on sharpness and may be called blurred when they are not.",
        "DICOM is measured on its windowed 8-bit display image, so exposure reflects the window, not the scan.",
        "Noise is estimated assuming Gaussian noise; JPEG blocking and film grain are not measured.",
        "It judges the pixels, not the content: a sharp, well exposed image of the wrong body part passes.",
    )
    examples = ("argus quality bus.jpg", "argus quality CT_small.dcm --json")
    backend_types = (ClassicalMetricsBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self._backends[ClassicalMetricsBackend.name]

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> QualityReport:
        assert isinstance(args, AssessQualityInput) and isinstance(backend, ClassicalMetricsBackend)
        values = backend.measure(image)
        judged = [
            ("exposure", "mean gray level", *_exposure(values["exposure"])),
            (
                "shadows_clipped",
                "fraction",
                *_over(values["shadows_clipped"], CLIPPED_FRACTION, "clipped", "share of pixels <= 5"),
            ),
            (
                "highlights_clipped",
                "fraction",
                *_over(values["highlights_clipped"], CLIPPED_FRACTION, "clipped", "share of pixels >= 250"),
            ),
            ("contrast", "gray-level std", *_under(values["contrast"], LOW_CONTRAST_STD, "low contrast")),
            ("sharpness", "Laplacian variance", *_under(values["sharpness"], args.min_sharpness, "blurred")),
            ("noise", "gray-level sigma", *_over(values["noise"], NOISY_SIGMA, "noisy")),
            ("colour", "mean chroma", *_colour(values["colour"])),
            ("size", "px (shorter side)", *_under(values["size"], args.min_side_px, "too small")),
            ("edges", "share of range per px", *_streaked(values, args.min_edge_steepness)),
        ]
        if args.subject_boxes:
            background, background_judged = _background(image.gray, args.subject_boxes)
            values.update(background)
            judged.extend(background_judged)
        measurements = [
            Measurement(
                id=numbered("Q", i),
                tool=self.name,
                label=metric,
                value=round(values[metric], 4),
                unit=unit,
                verdict=verdict,
                threshold=threshold,
            )
            for i, (metric, unit, verdict, threshold) in enumerate(judged)
        ]
        reasons = [
            f"{FAILING[m.verdict]} ({PLAIN_NAMES[m.label]} {m.value:g}, {m.threshold}) [{m.id}]"
            for m in measurements
            if m.verdict in FAILING
        ]
        notes = []
        if image.is_dicom:
            notes.append("measured on the DICOM's windowed 8-bit display image")
        return QualityReport(
            **self.result_fields(image, backend),
            notes=notes,
            measurements=measurements,
            ok=not reasons,
            reasons=reasons,
        )


def _background(
    gray: np.ndarray, boxes: list[list[float]]
) -> tuple[dict[str, float], list[tuple[str, str, str, str]]]:
    """The subject's and the background's edge steepness, with the background judged against the
    subject: 'soft' (blurred next to it), 'sharp', 'plain' (nothing there to be sharp) or 'no background'
    (the subject fills the picture). Never a failing verdict: a blurred background is
    how portraits are taken."""
    measured = depth_of_field(gray, boxes)
    line = (
        f"soft below {BACKGROUND_SOFT:g} of the subject's; plain when its gray range is under {PLAIN_RANGE:g}"
    )
    if measured is None:
        return {"background_edges": 0.0}, [
            ("background_edges", "share of the subject's", "no background", line)
        ]
    inside, outside, spread = measured
    share = outside / inside if inside > 0 else 0.0
    verdict = "plain" if spread < PLAIN_RANGE else "soft" if share < BACKGROUND_SOFT else "sharp"
    return {"subject_edges": inside, "background_edges": share}, [
        ("subject_edges", "share of range per px", "measured", "the steepest 1% of the subject's slopes"),
        ("background_edges", "share of the subject's", verdict, line),
    ]


def _streaked(values: dict[str, float], limit: float) -> tuple[str, str]:
    """Motion blur: the shallowest direction's edges below ``limit`` while another direction's are at
    least twice as steep."""
    balance = values["edge_balance"]
    blurred = values["edges"] < limit and balance < MOTION_BALANCE
    threshold = (
        f"blurred below {limit:g} when the shallowest direction's edges are under "
        f"{MOTION_BALANCE:g} of the steepest's (here {balance:.2f})"
    )
    return ("blurred" if blurred else "ok"), threshold


def _exposure(mean: float) -> tuple[str, str]:
    threshold = f"underexposed below {UNDEREXPOSED_MEAN:g}, overexposed above {OVEREXPOSED_MEAN:g}"
    if mean < UNDEREXPOSED_MEAN:
        return "underexposed", threshold
    if mean > OVEREXPOSED_MEAN:
        return "overexposed", threshold
    return "ok", threshold


def _under(value: float, limit: float, verdict: str) -> tuple[str, str]:
    return (verdict if value < limit else "ok"), f"{verdict} below {limit:g}"


def _over(value: float, limit: float, verdict: str, what: str = "") -> tuple[str, str]:
    subject = f" ({what})" if what else ""
    return (verdict if value > limit else "ok"), f"{verdict} above {limit:g}{subject}"


def _colour(chroma: float) -> tuple[str, str]:
    return ("grayscale" if chroma < GRAYSCALE_CHROMA else "colour"), f"grayscale below {GRAYSCALE_CHROMA:g}"
