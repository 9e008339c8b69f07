"""How an MCP tool call names its image: the image itself, a path, or an earlier upload's sha256.

* ``{"type": "image", "data": BASE64, "mimeType": "image/png"}``, the shape of MCP image content,
  so a client can pass on an image it holds as it is;
* ``{"path": "scans/a.dcm"}``, over stdio only, and only inside a folder the server was started
  with (``--allow-dir``, default the current folder): the path is resolved (symbolic links
  followed) before it is checked, so ``..`` and links cannot leave the folder;
* ``{"sha256": HEX}``, an image this server decoded earlier (its uploads are kept by sha256).

Every image goes through the service's image store, with its byte and pixel limits.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from argus.agent.errors import PathNotAllowedError
from argus.agent.service.images import ImageStore
from argus.tools.errors import ArgusError, ImageLoadError, ImageTooLargeError
from argus.tools.image_io import LoadedImage

MIME_SUFFIX = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tiff",
    "image/gif": ".gif",
    "application/dicom": ".dcm",
}


class ImageData(BaseModel):
    """The image itself, as MCP image content."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: Literal["image"] = "image"
    data: str = Field(description="The file's bytes, base64-encoded.")
    mime_type: str = Field(
        default="image/png",
        alias="mimeType",
        description="image/png, image/jpeg, image/webp, image/bmp, image/tiff, image/gif or application/dicom.",
    )
    name: str | None = Field(default=None, description="A file name to label the image with.")


class ImagePath(BaseModel):
    """A file on the server's machine (stdio only), inside a folder it may read."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1, max_length=4096, description="Relative to the server's folder, or absolute."
    )


class ImageRef(BaseModel):
    """An image this server decoded before, by the sha256 of its file."""

    model_config = ConfigDict(extra="forbid")

    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="sha256 of the image file, hex.")


def _image_kind(value: Any) -> str | None:
    """Which of the three shapes an image argument is, by its key, so an error names the one meant."""
    if isinstance(value, BaseModel):
        return type(value).__name__
    if isinstance(value, dict):
        for key, kind in (("data", "ImageData"), ("path", "ImagePath"), ("sha256", "ImageRef")):
            if key in value:
                return kind
    return None


ImageArg = Annotated[
    Annotated[ImageData, Tag("ImageData")]
    | Annotated[ImagePath, Tag("ImagePath")]
    | Annotated[ImageRef, Tag("ImageRef")],
    Discriminator(
        _image_kind,
        custom_error_type="image_shape",
        custom_error_message='an image is {"type": "image", "data": BASE64, "mimeType": ...}, {"path": FILE} or {"sha256": HEX}',
    ),
    Field(
        description='The image: {"type": "image", "data": BASE64, "mimeType": ...} (MCP image content), '
        '{"path": FILE} (stdio servers, inside their allowed folders) or {"sha256": HEX} of an image '
        "this server has seen."
    ),
]


@dataclass
class ImagePolicy:
    """Where images may come from: ``allow_dirs`` None refuses paths (the HTTP transport)."""

    store: ImageStore
    max_bytes: int
    allow_dirs: list[Path] | None = None

    def load(self, image: ImageData | ImagePath | ImageRef) -> LoadedImage:
        if isinstance(image, ImageRef):
            return self.store.get(image.sha256.lower())
        if isinstance(image, ImagePath):
            path = self.allowed(image.path)
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ImageTooLargeError(
                    f"{path.name}: {size:,} bytes, over the {self.max_bytes:,}-byte limit"
                )
            return self.store.load(path.read_bytes(), path.name)
        return self.store.load(self.decode(image), _name(image))

    def decode(self, image: ImageData) -> bytes:
        if len(image.data) > self.max_bytes * 4 // 3 + 4:
            raise ImageTooLargeError(f"the image data is over the {self.max_bytes:,}-byte limit")
        try:
            return base64.b64decode(image.data, validate=True)
        except (binascii.Error, ValueError):
            raise ImageLoadError("the image data is not valid base64") from None

    def allowed(self, raw: str) -> Path:
        """The resolved path, if it is a file inside an allowed folder."""
        if self.allow_dirs is None:
            raise PathNotAllowedError(
                "image paths are read only by a server on stdio (argus mcp); over HTTP send the image "
                'itself ({"type": "image", "data": ...}) or the sha256 of an earlier upload'
            )
        try:
            path = Path(raw).expanduser()
            if not path.is_absolute():
                path = self.allow_dirs[0] / path
            path = path.resolve(strict=True)
        except FileNotFoundError:
            raise ImageLoadError(f"no such file: {raw}") from None
        except (OSError, RuntimeError) as exc:
            raise ImageLoadError(f"cannot read {raw}: {exc}") from None
        if not any(path.is_relative_to(folder) for folder in self.allow_dirs):
            shown = ", ".join(str(folder) for folder in self.allow_dirs)
            raise PathNotAllowedError(
                f"{raw} is outside the folders this server may read ({shown}); start it with --allow-dir "
                "to add a folder"
            )
        if not path.is_file():
            raise ImageLoadError(f"{raw} is not a file")
        return path


def _name(image: ImageData) -> str:
    suffix = MIME_SUFFIX.get(image.mime_type.lower())
    if suffix is None:
        raise ArgusError(
            f"mimeType {image.mime_type[:60]!r} is not an image type Argus reads; use one of: "
            + ", ".join(sorted(set(MIME_SUFFIX) - {"image/jpg"}))
        )
    name = image.name or "image"
    return name if Path(name).suffix.lower() == suffix else f"{Path(name).stem or 'image'}{suffix}"
