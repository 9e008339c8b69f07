"""An Ultralytics YOLO detection model exported to ONNX, run with ONNX Runtime and no torch.

The steps are Ultralytics' own, so the boxes are the ones Ultralytics gives for the same file: a
letterbox to the model's input size (the image scaled to fit, centred on grey 114), RGB scaled to
[0, 1], one forward pass, then per candidate the best class, a score floor, class-wise NMS at
Ultralytics' IoU of 0.7, and the boxes mapped back to original-image pixels. The class names, input
size and task come from the metadata Ultralytics writes into every export.

A model exported with a fixed input (the usual ``dynamic=False``) always sees a square letterbox;
Ultralytics running the ``.pt`` weights fits a smaller rectangle instead, so on images that are not
square the two can score a person a little differently.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.tools.boxes import BoxArrays, class_wise_nms
from argus.tools.errors import BackendUnavailableError

if TYPE_CHECKING:
    import numpy as np

    from argus.tools.image_io import LoadedImage

NMS_IOU = 0.7  # Ultralytics' predict default
PAD_VALUE = 114


@dataclass
class YoloOnnx:
    """One loaded ONNX export and what its metadata says about it."""

    session: Any
    input_name: str
    names: dict[int, str]
    height: int
    width: int

    @classmethod
    def load(cls, path: Path) -> YoloOnnx:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        meta = session.get_modelmeta().custom_metadata_map
        if meta.get("task", "detect") != "detect" or "names" not in meta:
            raise BackendUnavailableError(
                f"{path.name} is not an Ultralytics YOLO detection export (task {meta.get('task')!r})"
            )
        (model_input,) = session.get_inputs()
        height, width = (int(v) for v in ast.literal_eval(meta.get("imgsz", "[640, 640]")))
        if all(isinstance(d, int) for d in model_input.shape[2:]):
            height, width = model_input.shape[2], model_input.shape[3]
        names = {int(k): str(v) for k, v in ast.literal_eval(meta["names"]).items()}
        return cls(session, model_input.name, names, height, width)

    def detect(self, image: LoadedImage, min_score: float, max_detections: int) -> BoxArrays:
        """The detections scoring more than ``min_score``, after class-wise NMS, in image pixels."""
        import numpy as np

        canvas, scale, left, top = letterbox(image.bgr, self.height, self.width)
        blob = np.ascontiguousarray(canvas[..., ::-1].transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
        (out,) = self.session.run(None, {self.input_name: blob})
        rows = out[0].T  # (candidates, 4 + classes): cx, cy, w, h, then one score per class
        class_scores = rows[:, 4:]
        class_ids = class_scores.argmax(axis=1)
        scores = class_scores.max(axis=1)
        keep = scores > min_score
        cx, cy, w, h = rows[keep, :4].T
        xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        scores, class_ids = scores[keep], class_ids[keep]
        if len(scores):
            index = class_wise_nms(xyxy, scores, class_ids, NMS_IOU)[:max_detections]
            xyxy, scores, class_ids = xyxy[index], scores[index], class_ids[index]
        xyxy -= np.array([left, top, left, top], dtype=xyxy.dtype)
        xyxy /= scale
        np.clip(xyxy, 0, [image.width, image.height, image.width, image.height], out=xyxy)
        return BoxArrays(
            xyxy.astype(np.float32), scores.astype(np.float32), class_ids.astype(np.int64), self.names
        )


def letterbox(bgr: np.ndarray, height: int, width: int) -> tuple[np.ndarray, float, int, int]:
    """``bgr`` scaled to fit ``height`` x ``width`` and centred on grey, as Ultralytics' LetterBox does:
    (canvas, scale, left padding, top padding)."""
    import cv2

    h, w = bgr.shape[:2]
    scale = min(height / h, width / w)
    new_w, new_h = int(round(w * scale)), int(round(h * scale))
    dw, dh = (width - new_w) / 2, (height - new_h) / 2
    if (new_w, new_h) != (w, h):
        bgr = cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    canvas = cv2.copyMakeBorder(
        bgr, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(PAD_VALUE, PAD_VALUE, PAD_VALUE)
    )
    return canvas, scale, left, top
