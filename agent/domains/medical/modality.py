"""Which kind of image this is, before any chest X-ray tool or rule sees it.

DICOM tags come first (Modality, ViewPosition, BodyPartExamined). An image without them (PNG, JPEG,
TIFF, or a DICOM file with no Modality) is classified from its pixels by ``classify_modality``, which
gives each kind of image (radiograph, CT, MRI, ultrasound, fundus photo, microscopy, photo, document or
graphic) a probability. Only a radiograph guessed with a probability of at least
``classify_modality.CONFIDENT`` may go to the chest X-ray classifier, and the guess is reported with its
probability. It never becomes the ``image.modality`` fact, which the medical pack defines as the DICOM
code, so no rule treats a guess as a tag.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from argus.tools.classify_modality import CONFIDENT, MIN_SIDE_PX, ModalityResult, phrase
from argus.tools.image_io import LoadedImage
from argus.tools.runtime import Runtime

RADIOGRAPH_MODALITIES = ("CR", "DX")
LATERAL_VIEWS = ("LATERAL", "LL", "RL", "LAT")
CHEST_BODY_PARTS = ("CHEST", "THORAX", "LUNG")
RADIOGRAPH = "radiograph"


class Route(BaseModel):
    """Modality and view of one image, where they came from, and what may run on it."""

    source: Literal["DICOM tag", "pixels"]
    modality: str | None = Field(description="DICOM Modality code; None when it was guessed from pixels.")
    view: str | None = Field(default=None, description="DICOM ViewPosition, upper case.")
    body_part: str | None = Field(default=None, description="DICOM BodyPartExamined, upper case.")
    radiograph_guess: bool | None = Field(
        default=None,
        description="When there was no Modality tag: whether the pixels are a radiograph with a probability "
        f"of at least {CONFIDENT}.",
    )
    guess: str | None = Field(
        default=None, description="The most probable kind of image from the pixels (classify_modality)."
    )
    confidence: float | None = Field(default=None, description="Its probability, 0-1.")
    cues: list[str] = Field(default_factory=list, description="What the pixel guess saw, in words.")

    @property
    def lateral(self) -> bool:
        return self.view in LATERAL_VIEWS

    @property
    def radiograph(self) -> bool:
        return self.modality in RADIOGRAPH_MODALITIES if self.modality else bool(self.radiograph_guess)

    @property
    def chest_xray_ready(self) -> bool:
        """Whether a frontal chest X-ray model may read it: a radiograph (tag or confident guess), not
        lateral, and not tagged as another body part."""
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
        verdict = phrase(self.guess) if self.guess else "not judged"
        return (
            f"modality guessed from pixels: {verdict} ({'; '.join(self.cues)}); a guess, not a DICOM tag, "
            "so the rules do not read it as the modality"
        )


def route_image(image: LoadedImage, runtime: Runtime | None = None) -> Route:
    """The route for one image: DICOM tags when it has a Modality, otherwise the pixels' guess.

    ``runtime`` shares the classifier's loaded model and result cache (the process default when None).
    """
    meta = image.metadata
    view = _upper(meta.get("ViewPosition"))
    body_part = _upper(meta.get("BodyPartExamined"))
    modality = _upper(meta.get("Modality"))
    if modality:
        return Route(source="DICOM tag", modality=modality, view=view, body_part=body_part)
    return pixel_route(image, classify_pixels(image, runtime), view=view, body_part=body_part)


def pixel_route(
    image: LoadedImage, result: ModalityResult | None, view: str | None = None, body_part: str | None = None
) -> Route:
    """The route from the pixel classifier's result (None: too small to judge). Only a radiograph with a
    probability of at least ``CONFIDENT`` is a radiograph guess, the one that may reach the chest X-ray
    classifier."""
    cues = pixel_cues(image, result)
    if image.is_dicom:
        cues.insert(0, "DICOM file without a Modality tag")
    return Route(
        source="pixels",
        modality=None,
        view=view,
        body_part=body_part,
        radiograph_guess=result is not None and result.modality == RADIOGRAPH and result.confident,
        guess=result.modality if result else None,
        confidence=result.confidence if result else None,
        cues=cues,
    )


def classify_pixels(image: LoadedImage, runtime: Runtime | None = None) -> ModalityResult | None:
    """``classify_modality`` on the pixels, or None for an image too small to judge."""
    from argus.tools import get_tool

    if min(image.width, image.height) < MIN_SIDE_PX:
        return None
    result = get_tool("classify_modality", runtime)(image)
    assert isinstance(result, ModalityResult)
    return result


def pixel_cues(image: LoadedImage, result: ModalityResult | None) -> list[str]:
    """The guess in words: each class with its probability, and why it may or may not be read as a
    chest X-ray."""
    if result is None:
        return [f"only {image.width}x{image.height} px, too small to judge"]
    cues = ["probabilities " + ", ".join(f"{label.label} {label.score:.2f}" for label in result.labels)]
    if result.modality == RADIOGRAPH and not result.confident:
        cues.append(
            f"a radiograph needs a probability of at least {CONFIDENT:.2f} for the chest X-ray classifier"
        )
    if RADIOGRAPH in result.untrained:
        cues.append(
            "the pixel model has had no radiographs to learn from, so only a DICOM tag marks a radiograph"
        )
    return cues


def _upper(value: object) -> str | None:
    text = str(value).strip().upper() if value is not None else ""
    return text or None
