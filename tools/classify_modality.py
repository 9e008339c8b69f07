"""``classify_modality``: what kind of image this is (radiograph, CT, MRI, ultrasound, fundus photo,
microscopy, photo, document or graphic), from the DICOM Modality tag when the file has one, else from
its pixels with a probability per class (evidence prefix L).

The pixel model is a multinomial logistic regression on the statistics of ``modality_features``, shipped
as plain arrays in ``modality_model.json`` and evaluated with NumPy: it loads in about a millisecond and
imports no deep-learning library. ``python -m argus.tools.modality_training`` rebuilds it; the file says
what it was trained on and how well it did on sources it had not seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import MODALITY_MODEL, ModalityModelFacts
from argus.tools.base import Backend, ImageTool
from argus.tools.errors import ArgusError, ToolInputError
from argus.tools.evidence import ImageLabel, ToolResult, numbered

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

MODEL_PATH = MODALITY_MODEL
CLASSES = (
    "radiograph",
    "CT",
    "MRI",
    "ultrasound",
    "fundus photo",
    "microscopy",
    "photo",
    "document or graphic",
)
# How each class reads in a sentence.
PHRASES = {
    "radiograph": "a radiograph (X-ray)",
    "CT": "a CT slice",
    "MRI": "an MRI slice",
    "ultrasound": "an ultrasound image",
    "fundus photo": "a fundus photograph",
    "microscopy": "a microscopy image",
    "photo": "a photograph",
    "document or graphic": "a document or graphic (text, chart, drawing)",
}
# DICOM Modality codes and the class each one is. OT ("other") says nothing, so its pixels decide.
DICOM_CLASSES = {
    "CR": "radiograph",
    "DX": "radiograph",
    "MG": "radiograph",
    "RG": "radiograph",
    "IO": "radiograph",
    "PX": "radiograph",
    "XA": "radiograph",
    "RF": "radiograph",
    "CT": "CT",
    "MR": "MRI",
    "US": "ultrasound",
    "OP": "fundus photo",
    "SM": "microscopy",
    "GM": "microscopy",
    "XC": "photo",
    "DOC": "document or graphic",
}
UNINFORMATIVE_CODES = ("OT",)
CONFIDENT = 0.8  # the top probability from which the pixel guess is called confident
MIN_SIDE_PX = 16  # below this there is nothing to judge


def dicom_label(code: str | None) -> str | None:
    """The class a DICOM Modality code stands for, or None (an unknown code, OT, or no code)."""
    return DICOM_CLASSES.get((code or "").strip().upper())


def phrase(label: str) -> str:
    """The class in words for a sentence ("a CT slice"); a DICOM code without a class stays as it is."""
    return PHRASES.get(label, f"DICOM modality {label}")


class ClassifyModalityInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    top_k: int = Field(
        default=3, ge=1, le=len(CLASSES), description="How many classes to return, most probable first."
    )
    from_pixels: bool = Field(
        default=False,
        description="Judge the pixels even when the file has a DICOM Modality tag (which otherwise decides).",
    )


class ModalityResult(ToolResult):
    labels: list[ImageLabel] = Field(
        default_factory=list, description="Classes with their probability, most probable first (L1, L2, ...)."
    )
    modality: str = Field(description="The top class, or the DICOM code when the tag names no class here.")
    confidence: float | None = Field(
        description="Probability of the top class from the pixels; None when the DICOM tag decided."
    )
    confident: bool = Field(
        description=f"True for a DICOM tag, or a pixel guess with probability >= {CONFIDENT}."
    )
    source: Literal["DICOM tag", "pixels"]
    dicom_modality: str | None = Field(default=None, description="The file's DICOM Modality tag, if any.")
    untrained: list[str] = Field(
        default_factory=list,
        description="Classes the pixel model cannot give, for want of training images of that kind.",
    )


@dataclass(frozen=True)
class ModalityModel:
    """The shipped classifier as arrays: standardise, one linear map, softmax."""

    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    training: dict[str, Any]

    def probabilities(self, values: np.ndarray) -> np.ndarray:
        logits = self.coef @ ((values - self.mean) / self.scale) + self.intercept
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    @property
    def untrained(self) -> list[str]:
        return [label for label in CLASSES if label not in self.classes]


def load_model(path: Path = MODEL_PATH) -> ModalityModel:
    """Read and check a model file written by ``argus.tools.modality_training``."""
    from argus.tools.modality_features import feature_names

    try:
        data = json.loads(path.read_bytes())
        classes = tuple(data["classes"])
        arrays = [np.asarray(data[k], np.float64) for k in ("mean", "scale", "coef", "intercept")]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArgusError(
            f"the modality model {path} cannot be read ({exc}); rebuild it with "
            "python -m argus.tools.modality_training"
        ) from None
    mean, scale, coef, intercept = arrays
    names = feature_names()
    expected = {"mean": (len(names),), "scale": (len(names),), "coef": (len(classes), len(names))}
    shapes = {"mean": mean.shape, "scale": scale.shape, "coef": coef.shape}
    unknown = [c for c in classes if c not in CLASSES]
    if data.get("features") != names or shapes != expected or intercept.shape != (len(classes),) or unknown:
        raise ArgusError(
            f"the modality model {path} does not match this version's features or classes "
            f"(expected {len(names)} features and classes from {CLASSES}); rebuild it with "
            "python -m argus.tools.modality_training"
        )
    return ModalityModel(classes, mean, scale, coef, intercept, data.get("training", {}))


class PixelStatisticsModel(ModalityModelFacts, Backend):
    summary = (
        "Colour, histogram, border, edge, frequency and palette statistics of a 128 px thumbnail, "
        "classified by a logistic regression shipped as arrays (modality_model.json); NumPy, CPU."
    )
    install_hint = "rebuild the model: python -m argus.tools.modality_training"

    def load(self) -> ModalityModel:
        return load_model(MODEL_PATH)

    def raw_call(self, image: LoadedImage) -> Any:
        from argus.tools.modality_features import features

        return self.model().probabilities(features(image.rgb))


class ClassifyModality(ImageTool):
    name = "classify_modality"
    description = (
        "Says what kind of image this is: radiograph (X-ray), CT, MRI, ultrasound, fundus photo, microscopy, "
        "photo, or document or graphic. A DICOM file's Modality tag decides when present (source 'DICOM "
        "tag', no probability); otherwise the pixels are classified (source 'pixels') and the top_k classes "
        "come back as labels L1, L2, ... with probabilities (0-1), plus modality (the top class), confidence "
        f"and confident (probability >= {CONFIDENT}). Use it for 'what kind of scan is this?' and before "
        "trusting a medical tool on a PNG or JPEG. Optional: top_k (default 3), from_pixels (judge the pixels "
        "even when a tag exists)."
    )
    Input = ClassifyModalityInput
    Output = ModalityResult
    evidence_prefixes = ("L",)
    limitations = (
        "The pixel model was fitted on a few dozen sample images that ship inside Python packages (each "
        "varied by cropping, resizing and re-encoding); its probabilities are a model's, not a measured "
        "rate, and an image unlike any of them can be confidently wrong.",
        "Classes listed under untrained had no training images (no radiograph ships in any installed "
        "package): the pixel model never gives them; a DICOM tag still can.",
        "It names the kind of image, not the body part, the view, or any finding.",
        "Images under 16 px on a side are refused: there is nothing to judge.",
    )
    examples = ("classify_modality on scan.png", "classify_modality with from_pixels=true on a DICOM file")
    backend_types = (PixelStatisticsModel,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self.backend(PixelStatisticsModel.name)

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> ModalityResult:
        assert isinstance(args, ClassifyModalityInput)
        code = str(image.metadata.get("Modality") or "").strip().upper() or None
        model: ModalityModel = backend.model()
        if code and code not in UNINFORMATIVE_CODES and not args.from_pixels:
            label = dicom_label(code) or code
            return ModalityResult(
                **self.result_fields(image, backend),
                labels=[ImageLabel(id=numbered("L", 0), tool=self.name, label=label, rank=1)],
                modality=label,
                confidence=None,
                confident=True,
                source="DICOM tag",
                dicom_modality=code,
                untrained=model.untrained,
                notes=[f"from the file's DICOM Modality tag {code}, not from the pixels"],
            )
        if min(image.width, image.height) < MIN_SIDE_PX:
            raise ToolInputError(
                f"{self.name}: the image is {image.width}x{image.height} px; at least {MIN_SIDE_PX} px on each "
                "side are needed to judge what kind of image it is"
            )
        from argus.tools.modality_features import features

        probabilities = model.probabilities(features(image.rgb))
        order = np.argsort(-probabilities, kind="stable")
        top = float(probabilities[order[0]])
        notes = []
        if model.untrained:
            notes.append(f"the pixel model cannot give: {', '.join(model.untrained)} (no training images)")
        return ModalityResult(
            **self.result_fields(image, backend),
            labels=[
                ImageLabel(
                    id=numbered("L", rank),
                    tool=self.name,
                    label=model.classes[index],
                    score=round(float(probabilities[index]), 4),
                    rank=rank + 1,
                    class_id=CLASSES.index(model.classes[index]),
                )
                for rank, index in enumerate(order[: args.top_k])
            ],
            modality=model.classes[order[0]],
            confidence=round(top, 4),
            confident=top >= CONFIDENT,
            source="pixels",
            dicom_modality=code,
            untrained=model.untrained,
            notes=notes,
        )
