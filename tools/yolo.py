"""Ultralytics YOLO by weights file: the detector for a user's own model, and the one YOLO loader
that ``detect_falls`` shares (it is this backend with the bundled fall model's weights).

Weights are always a local file. Argus never downloads at run time, so a bare name such as
``yolo11n.pt`` that is not a file here is refused with the way to fix it, instead of letting
Ultralytics fetch it from GitHub.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from argus.tools.backend_facts import YoloFacts
from argus.tools.boxes import BoxArrays, from_ultralytics
from argus.tools.detector import DetectorBackend, LockedModel
from argus.tools.errors import BackendUnavailableError

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

BATCH_SIZE = 8  # images per predict call in run_batch
BOX_TASKS = ("detect", "segment", "pose")  # tasks whose results carry axis-aligned boxes


def import_ultralytics() -> Any:
    """``ultralytics.YOLO``, imported so that it never pip-installs or goes online by itself, with its
    settings file under ARGUS_HOME when that is set, and Pillow's own ``Image.open`` put back (see
    ``restore_pillow_open``)."""
    from argus.tools.paths import config_dir

    os.environ.setdefault("YOLO_AUTOINSTALL", "False")
    os.environ.setdefault("YOLO_OFFLINE", "True")
    if config_dir() is not None:  # ARGUS_HOME keeps Ultralytics' settings file with Argus's own files
        os.environ.setdefault("YOLO_CONFIG_DIR", str(config_dir()))
    from ultralytics import YOLO

    restore_pillow_open()
    return YOLO


def restore_pillow_open() -> None:
    """Undo Ultralytics' import-time patch of ``PIL.Image.open``.

    The patch wraps Pillow so that any file Pillow cannot identify triggers an attempt to install
    pi-heif; with auto-install off that raises ModuleNotFoundError, so after the first YOLO load
    the image loader would no longer refuse a non-image with its NotAnImageError. Argus hands
    Ultralytics decoded arrays, so the HEIF fallback is never needed.
    """
    from PIL import Image

    if Image.open.__module__ == "PIL.Image":
        return
    patches = sys.modules.get("ultralytics.utils.patches")
    original = getattr(patches, "_image_open", None)
    if original is not None and original.__module__ == "PIL.Image":
        Image.open = original


class YoloBackend(YoloFacts, DetectorBackend):
    """Any Ultralytics YOLO detection (or -seg / -pose) model by weights file; class names come from it."""

    summary = (
        "Ultralytics YOLO with the weights you give (a local .pt or .onnx file); its classes are the "
        "model's own. CUDA with half precision when a GPU is present."
    )

    def device(self) -> str:
        return self.runtime.resolved_device

    @property
    def registry_key(self) -> str:
        """Keyed by weights file, not backend name: a subclass running the same file shares the model."""
        return f"{YoloFacts.name}|{self.weights() or ''}|{self.device()}"

    def load(self) -> LockedModel:
        yolo = import_ultralytics()
        path = self.weights()
        try:
            model = yolo(path)
        except TypeError as exc:  # how Ultralytics reports a corrupt checkpoint or an unknown format
            reason = re.sub(r"^ERROR\s+[^\w/\\.~]*\s*", "", str(exc).strip().splitlines()[0])
            raise BackendUnavailableError(f"could not load YOLO weights {path}: {reason}") from None
        if model.task not in BOX_TASKS:
            raise BackendUnavailableError(
                f"YOLO weights {path} are a {model.task!r} model; detection needs one of: {', '.join(BOX_TASKS)}"
            )
        return LockedModel(model)

    def class_names(self) -> list[str]:
        return [str(name) for name in self.model().model.names.values()]

    def _predict_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"device": self.device(), "verbose": False}
        if self.runtime.use_half:
            from ultralytics.cfg import DEFAULT_CFG_DICT

            # Ultralytics 8.4 replaced `half=True` with `quantize=16`; older releases only know `half`.
            options.update({"quantize": 16} if "quantize" in DEFAULT_CFG_DICT else {"half": True})
        return options

    def detect(self, images: Sequence[LoadedImage], min_score: float, max_detections: int) -> list[BoxArrays]:
        """Images of one size are predicted together; Ultralytics letterboxes a mixed-size batch to a
        full square, which would make batch results differ from single-image ones."""
        loaded: LockedModel = self.model()
        options = {**self._predict_options(), "conf": min_score, "max_det": max_detections}
        by_shape: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, image in enumerate(images):
            by_shape[(image.height, image.width)].append(index)
        found: dict[int, BoxArrays] = {}
        for indices in by_shape.values():
            for start in range(0, len(indices), BATCH_SIZE):
                chunk = indices[start : start + BATCH_SIZE]
                with loaded.lock:
                    results = loaded.model.predict([images[i].bgr for i in chunk], **options)
                for index, result in zip(chunk, results, strict=True):
                    found[index] = from_ultralytics(result)
        return [found[i] for i in range(len(images))]

    def raw_call(self, image: LoadedImage) -> Any:
        return self.model().model(image.bgr, **self._predict_options())
