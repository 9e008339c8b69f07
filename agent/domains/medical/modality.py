"""Which kind of image this is, before any chest X-ray tool or rule sees it.

DICOM tags come first (Modality, ViewPosition, BodyPartExamined). An image without them (PNG, JPEG,
TIFF, or a DICOM file with no Modality) gets a guess from its pixels: grayscale, a film-like aspect
ratio, a wide intensity range and enough pixels are what a radiograph looks like. The guess only
decides whether the chest X-ray classifier may run and is reported as a guess; it never becomes the
``image.modality`` fact, which the medical pack defines as the DICOM code, so no rule treats a guess
as a tag. Grayscale photographs pass the guess too, which is why it stays a guess.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from argus.tools.image_io import LoadedImage

RADIOGRAPH_MODALITIES = ("CR", "DX")
LATERAL_VIEWS = ("LATERAL", "LL", "RL", "LAT")
CHEST_BODY_PARTS = ("CHEST", "THORAX", "LUNG")
# The pixel guess: each cue a radiograph meets.
GRAYSCALE_CHROMA = 2.0  # mean |channel - gray| in gray levels, as assess_quality's colour verdict
ASPECT_RANGE = (0.6, 1.67)  # width / height of film and detector formats, portrait or landscape
MIN_INTENSITY_SPREAD = 96.0  # 2nd-98th percentile of gray levels: air to bone spans most of the range
MIN_SIDE_PX = 128
_SAMPLE_PIXELS = 250_000


class Route(BaseModel):
    """Modality and view of one image, where they came from, and what may run on it."""

    source: Literal["DICOM tag", "pixels"]
    modality: str | None = Field(description="DICOM Modality code; None when it was guessed from pixels.")
    view: str | None = Field(default=None, description="DICOM ViewPosition, upper case.")
    body_part: str | None = Field(default=None, description="DICOM BodyPartExamined, upper case.")
    radiograph_guess: bool | None = Field(
        default=None, description="The pixels' guess, when there was no Modality tag."
    )
    cues: list[str] = Field(default_factory=list, description="What the pixel guess saw, in words.")

    @property
    def lateral(self) -> bool:
        return self.view in LATERAL_VIEWS

    @property
    def radiograph(self) -> bool:
        return self.modality in RADIOGRAPH_MODALITIES if self.modality else bool(self.radiograph_guess)

    @property
    def chest_xray_ready(self) -> bool:
        """Whether a frontal chest X-ray model may read it: a radiograph (tag or guess), not lateral, and
        not tagged as another body part."""
        other_part = self.body_part is not None and self.body_part not in CHEST_BODY_PARTS
        return self.radiograph and not self.lateral and not other_part

    def describe(self) -> str:
        """One line for the answer: where the modality came from and what it is."""
        if self.source == "DICOM tag":
            parts = [f"modality from DICOM tag: {self.modality}"]
            if self.view:
                parts.append(f"view {self.view}")
            if self.body_part:
                parts.append(f"body part {self.body_part}")
            return ", ".join(parts)
        verdict = "likely a radiograph" if self.radiograph_guess else "not a radiograph"
        return (
            f"modality guessed from pixels: {verdict} ({', '.join(self.cues)}); a guess, not a DICOM tag, "
            "so the rules do not read it as the modality"
        )


def route_image(image: LoadedImage) -> Route:
    """The route for one image: DICOM tags when it has a Modality, otherwise the pixels' guess."""
    meta = image.metadata
    view = _upper(meta.get("ViewPosition"))
    body_part = _upper(meta.get("BodyPartExamined"))
    modality = _upper(meta.get("Modality"))
    if modality:
        return Route(source="DICOM tag", modality=modality, view=view, body_part=body_part)
    likely, cues = radiograph_cues(image)
    if image.is_dicom:
        cues.insert(0, "DICOM file without a Modality tag")
    return Route(
        source="pixels", modality=None, view=view, body_part=body_part, radiograph_guess=likely, cues=cues
    )


def radiograph_cues(image: LoadedImage) -> tuple[bool, list[str]]:
    """Whether the pixels look like a radiograph, and each cue in words (met or not)."""
    step = max(1, math.ceil((image.width * image.height / _SAMPLE_PIXELS) ** 0.5))
    rgb = image.rgb[::step, ::step].astype(np.float32)
    colour = float(np.abs(rgb - rgb.mean(axis=2, keepdims=True)).mean())  # as assess_quality's chroma
    aspect = image.width / image.height
    low, high = _percentiles(image.gray[::step, ::step], (0.02, 0.98))
    spread = float(high - low)
    side = min(image.width, image.height)
    checks = [
        (colour < GRAYSCALE_CHROMA, f"grayscale (chroma {colour:.1f})", f"colour (chroma {colour:.1f})"),
        (
            ASPECT_RANGE[0] <= aspect <= ASPECT_RANGE[1],
            f"aspect {aspect:.2f}",
            f"aspect {aspect:.2f} outside {ASPECT_RANGE[0]:g}-{ASPECT_RANGE[1]:g}",
        ),
        (
            spread >= MIN_INTENSITY_SPREAD,
            f"wide intensity range ({low:.0f}-{high:.0f})",
            f"narrow intensity range ({low:.0f}-{high:.0f})",
        ),
        (side >= MIN_SIDE_PX, f"{side} px shorter side", f"only {side} px on the shorter side"),
    ]
    return all(ok for ok, _, _ in checks), [met if ok else missed for ok, met, missed in checks]


def _percentiles(gray: np.ndarray, fractions: tuple[float, float]) -> tuple[float, float]:
    """Gray levels at these fractions of an 8-bit image's pixels, from its histogram (linear time)."""
    cumulative = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    if cumulative[-1] == 0:
        return 0.0, 0.0
    low, high = (int(np.searchsorted(cumulative, f * cumulative[-1])) for f in fractions)
    return float(low), float(high)


def _upper(value: object) -> str | None:
    text = str(value).strip().upper() if value is not None else ""
    return text or None
