"""Detections as arrays on their way from a backend to a tool result.

Converters (``from_opencv_dnn``, ``from_ultralytics``) duck-type the library's output, so
neither library is imported here; the steps every detector shares (score floor, label filter,
class-wise NMS through OpenCV, top-k) work on the arrays before any pydantic item is built.
numpy is imported where it is used: every tool module is imported for ``argus tools``, which
must stay instant.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class BoxArrays:
    """N detections: ``xyxy`` (N, 4) float32 in original-image pixels, ``scores`` (N,), ``class_ids`` (N,)."""

    xyxy: np.ndarray
    scores: np.ndarray
    class_ids: np.ndarray
    names: Mapping[int, str]

    def __len__(self) -> int:
        return len(self.scores)

    def label(self, class_id: int) -> str:
        return self.names.get(class_id, f"class {class_id}")

    def labels(self) -> list[str]:
        return [self.label(int(c)) for c in self.class_ids]

    def take(self, index: np.ndarray) -> BoxArrays:
        """The detections at ``index`` (a boolean mask or integer indices), in that order."""
        return BoxArrays(self.xyxy[index], self.scores[index], self.class_ids[index], self.names)

    def only_labels(self, labels: list[str] | None) -> BoxArrays:
        """Keep the classes named in ``labels`` (the model's own names); None keeps all."""
        if labels is None:
            return self
        import numpy as np

        wanted = [cid for cid, name in self.names.items() if name in labels]
        return self.take(np.isin(self.class_ids, wanted))

    def postprocess(
        self,
        *,
        min_score: float,
        labels: list[str] | None,
        nms_iou: float,
        max_detections: int,
        class_agnostic: bool = False,
    ) -> BoxArrays:
        """Score floor, label filter, NMS (per class, or across classes when ``class_agnostic``),
        then the ``max_detections`` best by score."""
        kept = self.take(self.scores >= min_score).only_labels(labels)
        if len(kept) == 0:
            return kept
        if nms_iou < 1.0:
            groups = kept.class_ids * 0 if class_agnostic else kept.class_ids
            kept = kept.take(class_wise_nms(kept.xyxy, kept.scores, groups, nms_iou))
        order = (-kept.scores).argsort(kind="stable")[:max_detections]
        return kept.take(order)

    def rows(self) -> Iterator[tuple[str, float, list[float], int]]:
        """(label, score, [x1, y1, x2, y2], class_id) per detection, rounded for evidence items."""
        for box, score, cid in zip(
            self.xyxy.tolist(), self.scores.tolist(), self.class_ids.tolist(), strict=True
        ):
            yield self.label(cid), round(score, 4), [round(v, 1) for v in box], cid


def class_wise_nms(xyxy: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, iou: float) -> np.ndarray:
    """Indices kept by non-maximum suppression run separately per class (OpenCV's batched NMS)."""
    import cv2
    import numpy as np

    xywh = xyxy.astype(np.float32, copy=True)
    xywh[:, 2:] -= xywh[:, :2]
    kept = cv2.dnn.NMSBoxesBatched(
        xywh.tolist(), scores.astype(np.float32).tolist(), class_ids.astype(np.int32).tolist(), 0.0, iou
    )
    return np.asarray(kept, dtype=np.int64).reshape(-1)


def from_opencv_dnn(rows: np.ndarray, width: int, height: int, names: Mapping[int, str]) -> BoxArrays:
    """Rows of an OpenCV DNN ``DetectionOutput`` layer, ``(batch_index, class_id, score, x1, y1, x2, y2)``
    with normalised corners, for one image of ``width`` x ``height`` pixels; boxes clipped to the image."""
    import numpy as np

    xyxy = rows[:, 3:7] * np.array([width, height, width, height], dtype=np.float32)
    np.clip(xyxy, 0, [width, height, width, height], out=xyxy)
    return BoxArrays(xyxy, rows[:, 2].copy(), rows[:, 1].astype(np.int64), names)


def from_ultralytics(result: Any) -> BoxArrays:
    """One Ultralytics ``Results`` (boxes already in original-image pixels)."""
    boxes = result.boxes
    return BoxArrays(
        boxes.xyxy.float().cpu().numpy(),
        boxes.conf.float().cpu().numpy(),
        boxes.cls.cpu().numpy().astype("int64"),
        dict(result.names),
    )
