"""What a detection backend offers the tools built on it (``detect_objects``, ``detect_falls``)."""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argus.tools.base import Backend
from argus.tools.boxes import BoxArrays

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage


@dataclass
class LockedModel:
    """A loaded model and the lock that keeps two threads from running it at once (OpenCV nets and
    Ultralytics predictors keep per-call state on the object)."""

    model: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


class DetectorBackend(Backend):
    """A backend that turns images into boxes, scores and class ids in original-image pixels."""

    @abstractmethod
    def class_names(self) -> list[str]:
        """The classes this backend can report, by the model's own names."""

    @abstractmethod
    def detect(self, images: Sequence[LoadedImage], min_score: float, max_detections: int) -> list[BoxArrays]:
        """One ``BoxArrays`` per image, with at least the detections scoring ``min_score`` or more,
        as the model's own NMS left them. Backends that batch natively run the images together."""
