"""The segmenter backends behind the ``segment`` tool: Ultralytics YOLO-seg (user weights),
box-prompted GrabCut, and threshold + connected components. Each returns ``FoundMask`` crops
in original-image pixels; the tool turns them into evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from argus.tools.backend_facts import GrabCutFacts, ThresholdFacts, YoloSegFacts
from argus.tools.base import Backend
from argus.tools.detector import LockedModel
from argus.tools.errors import ToolInputError
from argus.tools.masks import CropMask
from argus.tools.threshold_regions import Regions, threshold_regions
from argus.tools.yolo import YoloBackend

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

GRABCUT_ITERATIONS = 5
GRABCUT_MAX_SIDE = 256  # GrabCut runs on the box's neighbourhood scaled to this side, then scales back
GRABCUT_SEED = 0
GRABCUT_CONTEXT = 0.15  # share of the box's size added on each side as background for the colour model
RAW_MIN_SCORE = 0.3  # detect_objects' default, for the benchmark's hand-written equivalent


def default_min_area(width: int, height: int) -> int:
    """Smallest mask kept when the caller gives none: 0.1% of the image, at least 16 px."""
    return max(16, int(0.001 * width * height))


@dataclass(frozen=True)
class FoundMask:
    mask: CropMask
    label: str
    score: float | None = None
    source: str | None = None


@dataclass(frozen=True)
class BoxSeed:
    """A box to segment: [x1, y1, x2, y2] pixels, its label and the evidence id it came from."""

    box: Sequence[float]
    label: str
    source: str | None = None


# ------------------------------------------------------------------------------ threshold


class ThresholdBackend(ThresholdFacts, Backend):
    summary = (
        "Otsu threshold (a local threshold under uneven lighting), morphology, connected components and "
        "a distance-transform watershed that splits touching objects; scikit-image + OpenCV, CPU."
    )
    install_hint = "pip install scikit-image opencv-python"

    def segment(self, image: LoadedImage, min_area: int, foreground: str) -> tuple[list[FoundMask], Regions]:
        from scipy import ndimage

        regions = threshold_regions(image.gray, min_area, foreground)
        found = []
        for index, window in enumerate(ndimage.find_objects(regions.labels), start=1):
            if window is None:
                continue
            crop = regions.labels[window] == index
            found.append(FoundMask(CropMask(crop, window[1].start, window[0].start), "region"))
        return found, regions

    def raw_call(self, image: LoadedImage) -> Any:
        return threshold_regions(image.gray, default_min_area(image.width, image.height), "auto")


# ------------------------------------------------------------------------------- grabcut


class GrabCutBackend(GrabCutFacts, Backend):
    summary = (
        "OpenCV GrabCut initialised with each box (GC_INIT_WITH_RECT) on the box's neighbourhood, "
        f"{GRABCUT_ITERATIONS} iterations at <= {GRABCUT_MAX_SIDE} px; boxes from detect_objects or given; CPU."
    )
    install_hint = "pip install opencv-python"

    def segment(self, image: LoadedImage, seeds: Sequence[BoxSeed]) -> list[FoundMask]:
        bgr = image.bgr
        return [FoundMask(grabcut_box(bgr, seed.box), seed.label, None, seed.source) for seed in seeds]

    def raw_call(self, image: LoadedImage) -> Any:
        """What a user would write by hand: run the offline detector, then GrabCut each box it finds."""
        from argus.tools import get_tool
        from argus.tools.detector import DetectorBackend

        detector = get_tool("detect_objects", self.runtime)
        backend = detector.select_backend(detector.parse_args(), image)
        assert isinstance(backend, DetectorBackend)
        boxes = backend.detect([image], RAW_MIN_SCORE, 100)[0]
        bgr = image.bgr
        return [grabcut_box(bgr, box) for box in boxes.xyxy[boxes.scores >= RAW_MIN_SCORE]]


def grabcut_box(bgr: np.ndarray, box: Sequence[float]) -> CropMask:
    """GrabCut's foreground inside ``box`` (xyxy pixels), never outside it.

    The box and a margin of context around it are cut out and scaled down so that GrabCut's
    cost does not grow with the photo's resolution; the margin is what GrabCut learns the
    background colours from, so a box touching the image edge learns them from its other sides.
    """
    import cv2

    height, width = bgr.shape[:2]
    x1, y1 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    if x2 - x1 < 2 or y2 - y1 < 2:
        return CropMask(np.zeros((max(0, y2 - y1), max(0, x2 - x1)), bool), x1, y1)
    pad_x, pad_y = int((x2 - x1) * GRABCUT_CONTEXT) + 2, int((y2 - y1) * GRABCUT_CONTEXT) + 2
    cx1, cy1 = max(0, x1 - pad_x), max(0, y1 - pad_y)
    cx2, cy2 = min(width, x2 + pad_x), min(height, y2 + pad_y)
    context = bgr[cy1:cy2, cx1:cx2]
    scale = min(1.0, GRABCUT_MAX_SIDE / max(context.shape[:2]))
    small = (
        cv2.resize(context, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else context
    )
    sh, sw = small.shape[:2]
    rx1, ry1 = int((x1 - cx1) * scale), int((y1 - cy1) * scale)
    rx2, ry2 = min(sw, int(np.ceil((x2 - cx1) * scale))), min(sh, int(np.ceil((y2 - cy1) * scale)))
    if rx1 == 0 and ry1 == 0 and rx2 == sw and ry2 == sh:
        # A box that is the whole image leaves GrabCut no background to learn from: keep a 1-px frame.
        rx1, ry1, rx2, ry2 = 1, 1, sw - 1, sh - 1
    labels = np.zeros((sh, sw), np.uint8)
    cv2.setRNGSeed(GRABCUT_SEED)  # GrabCut's colour models start from k-means: same box, same mask
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(
        small, labels, (rx1, ry1, max(1, rx2 - rx1), max(1, ry2 - ry1)), bgd, fgd, GRABCUT_ITERATIONS,
        cv2.GC_INIT_WITH_RECT,
    )  # fmt: skip
    foreground = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.uint8)
    if scale < 1:
        foreground = cv2.resize(foreground, (cx2 - cx1, cy2 - cy1), interpolation=cv2.INTER_NEAREST)
    inside = foreground[y1 - cy1 : y2 - cy1, x1 - cx1 : x2 - cx1] > 0
    return CropMask(inside, x1, y1)


# ------------------------------------------------------------------------------ yolo-seg


class YoloSegBackend(YoloSegFacts, YoloBackend):
    """Ultralytics YOLO segmentation weights the user supplies (``weights=``, or the runtime's
    ``weights["yolo-seg"]``); loading, device, precision and the no-download rule are the YOLO
    detector's."""

    summary = (
        "Ultralytics YOLO instance segmentation (yolov8/yolo11 *-seg) with the weights file you give; "
        "masks at the original resolution; CUDA with half precision when a GPU is present."
    )
    install_hint = "give a local *-seg weights file: --weights yolo11n-seg.pt (Argus never downloads)"

    def segmentation_model(self) -> LockedModel:
        loaded: LockedModel = self.model()
        if loaded.model.task != "segment":
            raise ToolInputError(
                f"YOLO weights {self.weights()} are a {loaded.model.task!r} model; the segment tool needs a "
                "segmentation model (a *-seg weights file)"
            )
        return loaded

    def segment(
        self, image: LoadedImage, min_score: float, max_masks: int, class_names: list[str] | None
    ) -> list[FoundMask]:
        loaded = self.segmentation_model()
        names: dict[int, str] = {int(k): str(v) for k, v in loaded.model.names.items()}
        classes = None if class_names is None else [i for i, n in names.items() if n in class_names]
        options = {**self._predict_options(), "conf": min_score, "max_det": max_masks, "classes": classes}
        with loaded.lock:
            # retina_masks: masks at the original resolution, not the letterboxed input's
            result = loaded.model.predict(image.bgr, retina_masks=True, **options)[0]
        if result.masks is None:
            return []
        data = result.masks.data
        boxes = result.boxes.xyxy.float().cpu().numpy()
        scores = result.boxes.conf.float().cpu().numpy()
        class_ids = result.boxes.cls.int().cpu().numpy()
        found = []
        for i, (x1, y1, x2, y2) in enumerate(boxes):
            top, left = max(0, int(y1)), max(0, int(x1))
            crop = (data[i, top : int(np.ceil(y2)), left : int(np.ceil(x2))] > 0.5).cpu().numpy()
            label = names.get(int(class_ids[i]), f"class {int(class_ids[i])}")
            found.append(FoundMask(CropMask(crop, left, top), label, round(float(scores[i]), 4)))
        return found

    def raw_call(self, image: LoadedImage) -> Any:
        return self.model().model(image.bgr, retina_masks=True, **self._predict_options())
