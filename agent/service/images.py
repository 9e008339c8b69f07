"""Uploaded images, decoded once and kept by sha256 so a client can ask again without re-sending.

The store is a small LRU bounded both by count and by the bytes its images really hold (every
buffer behind their arrays, including the gray and BGR copies the tools add later, counted again
at each insertion); an image too big for the byte budget is answered but not kept. Every image goes
through the one loader, ``argus.tools.image_io.load_image``, with the service's pixel and frame
limits. A client's file name is only a
label: its directories are dropped, and no name is ever opened as a path.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from pathlib import PureWindowsPath

from argus.agent.errors import UnknownImageError
from argus.tools.errors import ArgusError
from argus.tools.image_io import LoadedImage, load_image
from argus.tools.runtime import DEFAULT_MAX_FRAMES

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME_CHARS = 100
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024


def upload_name(filename: str | None) -> str:
    """A label for an uploaded file: its last path component, printable, at most 100 characters."""
    base = PureWindowsPath(filename or "").name  # splits on both / and \
    base = "".join(c for c in base if c.isprintable() and c not in "<>\"'`")
    base = base.lstrip(".")[-MAX_NAME_CHARS:]
    return base or "upload"


def check_sha256(value: str) -> str:
    value = value.strip().lower()
    if not SHA256.match(value):
        shown = value[:80] + ("..." if len(value) > 80 else "")
        raise ArgusError(f"image_sha256 must be 64 hexadecimal characters, got {shown!r}")
    return value


class ImageStore:
    """Decoded images by sha256, least recently used dropped first."""

    def __init__(
        self,
        max_images: int,
        max_pixels: int,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_frames: int = DEFAULT_MAX_FRAMES,
    ) -> None:
        self.max_images = max_images
        self.max_pixels = max_pixels
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        self._images: OrderedDict[str, LoadedImage] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._images)

    @property
    def held_bytes(self) -> int:
        """The bytes the kept images hold now."""
        with self._lock:
            return sum(image.nbytes for image in self._images.values())

    def get(self, sha256: str) -> LoadedImage:
        key = check_sha256(sha256)
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self._images.move_to_end(key)
                return image
        raise UnknownImageError(
            f"no image with sha256 {key} is held by this server (it keeps the {self.max_images} most recent "
            "uploads); upload the image file again"
        )

    def load(self, data: bytes, filename: str | None) -> LoadedImage:
        """Decode ``data`` (or reuse the decoded copy of the same bytes under the same name) and keep it."""
        name = upload_name(filename)
        key = hashlib.sha256(data).hexdigest()
        with self._lock:
            known = self._images.get(key)
            if known is not None and known.name == name:
                self._images.move_to_end(key)
                return known
        image = load_image(data, name=name, max_pixels=self.max_pixels, max_frames=self.max_frames)
        self._keep(image)
        return image

    def _keep(self, image: LoadedImage) -> None:
        if image.nbytes > self.max_bytes:
            return
        with self._lock:
            self._images.pop(image.sha256, None)
            self._images[image.sha256] = image
            held = sum(kept.nbytes for kept in self._images.values())
            while len(self._images) > self.max_images or held > self.max_bytes:
                _, dropped = self._images.popitem(last=False)
                held -= dropped.nbytes
