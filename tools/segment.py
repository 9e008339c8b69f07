"""``segment``: pixel masks for objects or regions, with areas and boxes (evidence prefix M)."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.tools.base import Backend, ImageTool
from argus.tools.coco import resolve_labels, split_labels
from argus.tools.errors import ToolInputError
from argus.tools.evidence import Detection, Mask, ToolResult, numbered
from argus.tools.segmenters import (
    BoxSeed,
    FoundMask,
    GrabCutBackend,
    ThresholdBackend,
    YoloSegBackend,
    default_min_area,
)

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

MAX_BOXES = 500
OBJECT_MODES = {"objects": ("yolo-seg", "grabcut"), "regions": ("threshold",)}


class BoxPrompt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    box: list[float] = Field(description="[x1, y1, x2, y2] in original-image pixels.")
    label: str = Field(default="object", max_length=100, description="What is in the box.")
    source: str | None = Field(
        default=None, max_length=20, description="Evidence id of the detection it came from, e.g. D2."
    )

    @field_validator("box")
    @classmethod
    def _xyxy(cls, box: list[float]) -> list[float]:
        if len(box) != 4:
            raise ValueError(f"a box is [x1, y1, x2, y2], got {len(box)} numbers")
        if not all(math.isfinite(v) for v in box):
            raise ValueError(f"box coordinates must be finite numbers, got {box}")
        if box[2] <= box[0] or box[3] <= box[1]:
            raise ValueError(f"a box needs x2 > x1 and y2 > y1, got {box}")
        return box


class SegmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "objects", "regions"] = Field(
        default="auto",
        description=(
            "'objects': one mask per detected object (person, car, ...). 'regions': separable blobs by "
            "brightness, for counting coins, cells or nodules and for grayscale/medical images. 'auto': "
            "objects for colour photos, regions for grayscale and DICOM images. Use 'regions' for "
            "'how many ...' questions about things the detector has no class for."
        ),
    )
    labels: list[str] | None = Field(
        default=None,
        description="Objects mode: only segment these classes, e.g. ['person']. Ignored for regions.",
    )
    boxes: list[BoxPrompt] | None = Field(
        default=None,
        max_length=MAX_BOXES,
        description=(
            "Objects mode: segment inside these boxes (e.g. detections already made) instead of running "
            "detect_objects. Each {box: [x1, y1, x2, y2], label, source: its evidence id}."
        ),
    )
    max_masks: int = Field(default=50, ge=1, le=MAX_BOXES, description="Report at most this many masks.")
    min_area: int | None = Field(
        default=None,
        ge=0,
        description="Smallest mask kept, in pixels. Default: 0.1% of the image (at least 16 px).",
    )
    min_score: float = Field(
        default=0.3, ge=0.0, le=1.0, description="Objects mode: lowest detector / YOLO-seg score used."
    )
    foreground: Literal["auto", "bright", "dark"] = Field(
        default="auto",
        description=(
            "Regions mode: whether the objects are brighter or darker than their background. 'auto' takes "
            "the class the image border mostly is not as the objects. E.g. 'bright' for bone or coins, "
            "'dark' for lungs on CT or ink on paper."
        ),
    )
    output: Literal["rle", "polygons", "both"] = Field(
        default="rle",
        description="Mask encoding: COCO uncompressed RLE (exact), outer polygons, or both.",
    )
    backend: Literal["auto", "yolo-seg", "grabcut", "threshold"] = Field(
        default="auto", description="Force a backend; 'auto' picks from mode, weights and image."
    )
    weights: str | None = Field(
        default=None,
        max_length=1000,
        description="Path to Ultralytics YOLO segmentation weights (*-seg.pt); enables the yolo-seg backend.",
    )

    _split_labels = field_validator("labels", mode="before")(split_labels)


class Segmentation(ToolResult):
    masks: list[Mask] = Field(
        description="Masks M1, M2, ...: objects by score, regions by area (largest first)."
    )
    mode: Literal["objects", "regions"] = Field(description="What the masks are.")
    count: int = Field(description="Masks found before max_masks cut the list: the number to report.")
    counts: dict[str, int] = Field(description="Listed masks per label.")


class Segment(ImageTool):
    name = "segment"
    description = (
        "Outlines things in the image pixel by pixel and returns one mask per object or region, with "
        "evidence ids M1, M2, ..., each with its area in pixels (and mm^2 when a DICOM file states its "
        "pixel spacing), share of the image, box [x1, y1, x2, y2] and the mask as COCO RLE or polygons, "
        "plus a count. mode='objects' masks detected objects (YOLO-seg with user weights, else GrabCut "
        "inside detect_objects boxes, each mask citing its detection as source); mode='regions' counts "
        "and measures separable blobs by brightness (coins, cells, lesions, text blobs) and suits "
        "grayscale and medical images. Optional: labels, boxes, max_masks, min_area, foreground, output."
    )
    Input = SegmentInput
    Output = Segmentation
    evidence_prefixes = ("M",)
    limitations = (
        "GrabCut separates an object from its box's background by colour: where the two look alike the "
        "mask is partial, and an object in front of another is not cut out of the one behind.",
        "GrabCut masks exist only for objects detect_objects finds (80 COCO classes) or boxes given.",
        "Regions come from brightness alone: they are blobs, not recognised objects, and touching objects "
        "are split only where the joint is a clear neck.",
        "No segmentation weights ship offline: yolo-seg runs only with a weights file the user gives.",
    )
    examples = (
        "argus segment coins.png --mode regions",
        "argus segment bus.jpg --labels person --annotate bus_masks.png",
        "argus segment CT_small.dcm --json",
    )
    backend_types = (YoloSegBackend, GrabCutBackend, ThresholdBackend)

    # --------------------------------------------------------------- backend choice
    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        assert isinstance(args, SegmentInput)
        yolo = self._yolo(args)
        if args.backend != "auto":
            allowed = OBJECT_MODES.get(args.mode)
            if allowed is not None and args.backend not in allowed:
                raise ToolInputError(
                    f"segment: backend {args.backend!r} does not do mode {args.mode!r}; use one of {', '.join(allowed)}"
                )
            return yolo if args.backend == "yolo-seg" else self.backend(args.backend)
        has_weights = yolo.configured() is not None
        if args.mode == "regions":
            return self.backend("threshold")
        if args.mode == "objects":
            return yolo if has_weights else self.backend("grabcut")
        if has_weights:
            return yolo
        if args.boxes:
            return self.backend("grabcut")
        if image.is_grayscale or image.is_dicom:
            return self.backend("threshold")
        return self.backend("grabcut")

    def _yolo(self, args: SegmentInput) -> YoloSegBackend:
        if args.weights:
            return YoloSegBackend(self.runtime, weights=args.weights)
        backend = self._backends[YoloSegBackend.name]
        assert isinstance(backend, YoloSegBackend)
        return backend

    # ------------------------------------------------------------------------ run
    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> Segmentation:
        assert isinstance(args, SegmentInput)
        min_area = args.min_area if args.min_area is not None else default_min_area(image.width, image.height)
        notes: list[str] = []
        mode: Literal["objects", "regions"]
        if isinstance(backend, ThresholdBackend):
            mode = "regions"
            found, regions = backend.segment(image, min_area, args.foreground)
            notes.append(
                f"{regions.foreground} regions by {'a local' if regions.method == 'local' else 'an Otsu'} "
                f"threshold (Otsu level {regions.threshold:.0f} of 255), regions under {min_area} px dropped"
            )
            if args.labels:
                notes.append("labels were ignored: regions are blobs by brightness, not classes")
            found.sort(key=lambda f: f.mask.area, reverse=True)
        else:
            mode = "objects"
            if isinstance(backend, YoloSegBackend):
                wanted = self._yolo_labels(args, backend)
                found = backend.segment(image, args.min_score, args.max_masks, wanted)
                if len(found) >= args.max_masks:
                    notes.append(f"YOLO-seg stopped at max_masks={args.max_masks}; there may be more objects")
            else:
                seeds, seed_notes = self._seeds(image, args)
                notes.extend(seed_notes)
                assert isinstance(backend, GrabCutBackend)
                found = backend.segment(image, seeds)
            kept = []
            for item in found:
                if item.mask.area >= max(1, min_area):
                    kept.append(item)
                else:
                    where = item.source or "[" + ", ".join(f"{v:.0f}" for v in item.mask.frame) + "]"
                    notes.append(f"no mask of {min_area} px or more inside the box of {where} ({item.label})")
            found = kept
        return self._result(image, args, backend, mode, found, notes)

    def _yolo_labels(self, args: SegmentInput, backend: YoloSegBackend) -> list[str] | None:
        if not args.labels:
            return None
        return resolve_labels(args.labels, backend.class_names(), "the YOLO-seg model")

    def _seeds(self, image: LoadedImage, args: SegmentInput) -> tuple[list[BoxSeed], list[str]]:
        """Boxes for GrabCut: the ones given, else detect_objects' (their D-ids become sources)."""
        if args.boxes:
            for prompt in args.boxes:
                x1, y1, x2, y2 = prompt.box
                if x2 <= 0 or y2 <= 0 or x1 >= image.width or y1 >= image.height:
                    raise ToolInputError(
                        f"segment: box {prompt.box} lies outside the {image.width}x{image.height} image"
                    )
            seeds = [BoxSeed(p.box, p.label, p.source) for p in args.boxes[: args.max_masks]]
            cut = len(args.boxes) - len(seeds)
            return seeds, [
                f"{cut} of the {len(args.boxes)} boxes were left out (max_masks={args.max_masks})"
            ] if cut else []
        from argus.tools import get_tool

        detections = get_tool("detect_objects", self.runtime)(
            image, labels=args.labels, min_score=args.min_score, max_detections=args.max_masks
        )
        seeds = [BoxSeed(d.box, d.label, d.id) for d in detections.items() if isinstance(d, Detection)]
        notes = []
        if not seeds:
            wanted = f" {', '.join(args.labels)}" if args.labels else ""
            notes.append(
                f"detect_objects found no{wanted} objects scoring {args.min_score} or more to segment; "
                "mode='regions' counts blobs by brightness instead"
            )
        return seeds, notes

    def _result(
        self,
        image: LoadedImage,
        args: SegmentInput,
        backend: Backend,
        mode: Literal["objects", "regions"],
        found: list[FoundMask],
        notes: list[str],
    ) -> Segmentation:
        total = len(found)
        if total > args.max_masks:
            notes.append(f"{total} masks found; the first {args.max_masks} are listed")
            found = found[: args.max_masks]
        spacing, spacing_note = pixel_spacing_mm(image)
        if spacing_note and found:
            notes.append(spacing_note)
        height, width = image.height, image.width
        image_area = float(height * width)
        masks = []
        for i, item in enumerate(found):
            area = item.mask.area
            masks.append(
                Mask(
                    id=numbered("M", i),
                    tool=self.name,
                    label=item.label,
                    score=item.score,
                    box=item.mask.box() or [0.0, 0.0, 0.0, 0.0],
                    area_px=area,
                    area_fraction=round(area / image_area, 6),
                    area_mm2=round(area * spacing[0] * spacing[1], 3) if spacing else None,
                    rle=item.mask.rle(height, width) if args.output in ("rle", "both") else None,
                    polygons=item.mask.polygons() if args.output in ("polygons", "both") else None,
                    source=item.source,
                )
            )
        return Segmentation(
            **self.result_fields(image, backend),
            notes=notes,
            masks=masks,
            mode=mode,
            count=total,
            counts=dict(Counter(m.label for m in masks)),
        )


def pixel_spacing_mm(image: LoadedImage) -> tuple[tuple[float, float] | None, str | None]:
    """(row, column) spacing in mm from DICOM PixelSpacing, else ImagerPixelSpacing with a caveat."""
    for key in ("PixelSpacing", "ImagerPixelSpacing"):
        value = image.metadata.get(key)
        if isinstance(value, list | tuple) and len(value) == 2 and all(v > 0 for v in value):
            if key == "PixelSpacing":
                return (float(value[0]), float(value[1])), None
            return (float(value[0]), float(value[1])), (
                "areas in mm^2 use ImagerPixelSpacing (at the detector), not corrected for magnification"
            )
    return None, None
