"""``detect_objects``: boxes, labels and scores for the objects in an image (evidence prefix D)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.tools.base import ImageTool
from argus.tools.boxes import BoxArrays
from argus.tools.coco import resolve_labels, split_labels
from argus.tools.detector import DetectorBackend
from argus.tools.errors import ToolInputError
from argus.tools.evidence import Detection, ToolResult, numbered
from argus.tools.ssd import SsdMobileNetBackend
from argus.tools.yolo import YoloBackend

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

SSD = SsdMobileNetBackend.name
YOLO = YoloBackend.name
BATCH_IMAGES = 32  # images decoded at once by run_batch


class DetectObjectsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: list[str] | None = Field(
        default=None,
        description=(
            "Only report these classes, e.g. ['person', 'bus']. Plurals, case and common synonyms are "
            "understood ('people' -> person, 'cellphones' -> cell phone). A label the model cannot detect "
            "is an error that lists close matches. Omit to report every class."
        ),
    )
    min_score: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description=(
            "Lowest confidence reported. 0.3 suits SSD-MobileNet on COCO: below it false boxes multiply, "
            "above 0.5 small or partly hidden people are missed."
        ),
    )
    max_detections: int = Field(
        default=100, ge=1, le=1000, description="Report at most this many boxes, the highest scores first."
    )
    nms_iou: float = Field(
        default=0.7,
        gt=0.0,
        le=1.0,
        description=(
            "Class-wise non-maximum suppression after the model: of two boxes of one class overlapping by more "
            "than this IoU, the lower-scoring one is dropped. The default 0.7 keeps what the models' own NMS "
            "left (SSD suppresses above 0.6, Ultralytics above 0.7); lower it, e.g. to 0.3, to merge "
            "duplicate boxes in crowds. 1.0 keeps every box."
        ),
    )
    backend: Literal["auto", "ssd-mobilenet-v2-coco", "yolo"] = Field(
        default="auto",
        description=(
            "'auto' runs YOLO when weights are given or configured, else SSD-MobileNet-v2 COCO (the offline "
            "default). 'yolo' needs weights."
        ),
    )
    weights: str | None = Field(
        default=None,
        max_length=4096,
        description="Path of a local Ultralytics YOLO weights file (.pt or .onnx); implies the yolo backend.",
    )

    _split_labels = field_validator("labels", mode="before")(split_labels)


class ObjectDetections(ToolResult):
    detections: list[Detection] = Field(description="Boxes sorted by score, ids D1, D2, ...")
    counts: dict[str, int] = Field(description="How many boxes of each label were reported.")
    labels_filter: list[str] | None = Field(
        default=None, description="The model's class names the labels filter resolved to, if one was given."
    )
    weights: str | None = Field(default=None, description="The weights file the backend ran.")


class DetectObjects(ImageTool):
    name = "detect_objects"
    description = (
        "Finds objects in the image and returns one box per object: label, confidence score and "
        "[x1, y1, x2, y2] in original-image pixels, with evidence ids D1, D2, ... sorted by score, plus "
        "a count per label. Use it to count people or vehicles, to check whether an object is present, "
        "or to get boxes for segmentation and zones. The default backend, SSD-MobileNet-v2, sees only "
        "the 80 COCO classes (person, bicycle, car, bus, truck, dog, chair, cell phone, ...); the yolo "
        "backend runs a user's Ultralytics weights file and reports that model's classes. Optional: "
        "labels (filter), min_score (default 0.3), max_detections, nms_iou, backend, weights."
    )
    Input = DetectObjectsInput
    Output = ObjectDetections
    evidence_prefixes = ("D",)
    limitations = (
        "SSD-MobileNet-v2 sees only the 80 COCO classes; anything else is missed or given the nearest COCO label.",
        "SSD works at 300x300: objects smaller than about 1/20 of the image side are often missed.",
        "Crowds: overlapping people of one class may merge into one box after NMS.",
        "Medical images (CT, MR, X-ray): COCO classes do not apply and any box there is noise.",
        "Scores are the model's confidence, not a calibrated probability.",
        "The yolo backend needs a local weights file; Argus never downloads weights at run time.",
    )
    examples = (
        "argus detect bus.jpg",
        "argus detect bus.jpg --labels person --min-score 0.5",
        "argus detect bus.jpg --json",
        "argus detect zidane.jpg --weights path/to/yolo11n.pt",
    )
    backend_types = (SsdMobileNetBackend, YoloBackend)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> DetectorBackend:
        assert isinstance(args, DetectObjectsInput)
        if args.backend == SSD:
            if args.weights:
                raise ToolInputError(
                    f"{self.name}: weights are for the yolo backend; {SSD} runs its bundled graph "
                    f"(got weights={args.weights!r} with backend={SSD!r})"
                )
            return self._backends[SSD]  # type: ignore[return-value]
        if args.weights:
            return YoloBackend(self.runtime, args.weights)
        if args.backend == YOLO or self.runtime.weights.get(YOLO):
            return self._backends[YOLO]  # type: ignore[return-value]
        return self._backends[SSD]  # type: ignore[return-value]

    def run(self, image: LoadedImage, args: BaseModel, backend: DetectorBackend) -> ObjectDetections:  # type: ignore[override]
        assert isinstance(args, DetectObjectsInput)
        labels = self._labels(args, backend)
        boxes = backend.detect([image], args.min_score, args.max_detections)[0]
        return self._result(image, args, backend, boxes, labels)

    def run_batch(
        self, images: Sequence[Any], args: BaseModel | dict[str, Any] | None = None, **kwargs: Any
    ) -> list[ObjectDetections]:
        """Uncached images go through the backend together, ``BATCH_IMAGES`` at a time, so a long
        list is never decoded into memory all at once; each result is cached as ``__call__`` would."""
        from argus.tools.image_io import as_loaded

        parsed = self.parse_args(args, **kwargs)
        assert isinstance(parsed, DetectObjectsInput)
        results: list[ObjectDetections] = []
        labels: list[str] | None = None
        for start in range(0, len(images), BATCH_IMAGES):
            chunk = [
                as_loaded(i, max_pixels=self.runtime.max_pixels) for i in images[start : start + BATCH_IMAGES]
            ]
            backend = self.select_backend(parsed, chunk[0])
            keys = [self.cache_key(image, backend, parsed) for image in chunk]
            found: list[ObjectDetections | None] = [self.runtime.cache.get(key, self.Output) for key in keys]
            todo = [i for i, result in enumerate(found) if result is None]
            if todo:
                labels = labels if labels is not None else self._labels(parsed, backend)
                boxes = backend.detect([chunk[i] for i in todo], parsed.min_score, parsed.max_detections)
                for i, arrays in zip(todo, boxes, strict=True):
                    found[i] = self._result(chunk[i], parsed, backend, arrays, labels)
                    self.runtime.cache.put(keys[i], found[i])
            results.extend(found)  # type: ignore[arg-type]  # every None was filled
        return results

    # ------------------------------------------------------------------ helpers
    def _labels(self, args: DetectObjectsInput, backend: DetectorBackend) -> list[str] | None:
        if not args.labels:
            return None
        return resolve_labels(args.labels, backend.class_names(), f"the {backend.name} detector")

    def _result(
        self,
        image: LoadedImage,
        args: DetectObjectsInput,
        backend: DetectorBackend,
        boxes: BoxArrays,
        labels: list[str] | None,
    ) -> ObjectDetections:
        kept = boxes.postprocess(
            min_score=args.min_score, labels=labels, nms_iou=args.nms_iou, max_detections=args.max_detections
        )
        detections = [
            Detection(id=numbered("D", i), tool=self.name, label=label, score=score, box=box, class_id=cid)
            for i, (label, score, box, cid) in enumerate(kept.rows())
        ]
        notes = []
        if not detections:
            wanted = f" of {', '.join(labels)}" if labels else ""
            notes.append(f"no detections{wanted} scored {args.min_score} or more")
        return ObjectDetections(
            **self.result_fields(image, backend),
            notes=notes,
            detections=detections,
            counts=dict(Counter(d.label for d in detections)),
            labels_filter=labels,
            weights=backend.weights(),
        )
