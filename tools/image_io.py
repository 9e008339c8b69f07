"""The one image loader every entry point uses.

It decodes safely (a pixel cap checked from the header before any pixel is decoded, truncated
and mislabelled files refused), applies EXIF orientation, keeps the stored pixels and their bit
depth, and gives the models an 8-bit RGB array. DICOM goes through pydicom: modality rescale,
then the file's VOI window (or the data range), MONOCHROME1 inverted. The sha256 of the bytes
is the image's identity for caches and the audit log.

DICOM has two ways to be far bigger in memory than on disk, and both are bounded here. A file in
the deflated transfer syntax is inflated by this module, never by pydicom (which inflates the whole
stream at once), and only up to what an image within the pixel cap can need. A multi-frame file
has its frame count capped (``max_frames``, ``ARGUS_MAX_FRAMES``), only its first frame decoded,
and nothing of the other frames kept.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from argus.tools.errors import (
    DicomError,
    EmptyFileError,
    ExtensionMismatchError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
)
from argus.tools.runtime import DEFAULT_MAX_PIXELS, max_frames_from_env

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
# A deflated DICOM inflates to at most what one image within the pixel cap can need: 8 bytes a pixel
# (three 16-bit samples, or one double-precision float) and 1 MiB for every other element.
MAX_BYTES_PER_PIXEL = 8
DICOM_HEADER_BYTES = 1024 * 1024
PIXEL_DATA_TAGS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")

# Extensions and the formats their bytes must hold.
EXTENSION_FORMATS: dict[str, str] = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".bmp": "BMP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".gif": "GIF",
    ".dcm": "DICOM",
    ".dicom": "DICOM",
}
PILLOW_FORMATS = frozenset(v for v in EXTENSION_FORMATS.values() if v != "DICOM")
# What Pillow's plugins raise on corrupt headers and data. Image.open itself reads SyntaxError,
# IndexError, TypeError and struct.error as "not this format"; the same errors come out of
# seek(), load() and the EXIF reader once a format has claimed the file.
_PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, KeyError, struct.error)

# DICOM attributes the decode does arithmetic with: a corrupt header can turn them into text.
DICOM_NUMERIC = (
    "Rows",
    "Columns",
    "BitsStored",
    "BitsAllocated",
    "SamplesPerPixel",
    "NumberOfFrames",
    "RescaleSlope",
    "RescaleIntercept",
    "WindowCenter",
    "WindowWidth",
    "PixelSpacing",
    "ImagerPixelSpacing",
)

# DICOM attributes the decode reads besides those: the pixel module, the modality and VOI LUTs, palettes.
DICOM_PIXEL_MODULE = (
    "SpecificCharacterSet",
    "SOPClassUID",
    "HighBit",
    "PixelRepresentation",
    "PlanarConfiguration",
    "PixelPaddingValue",
    "PixelPaddingRangeLimit",
    "RescaleType",
    "ModalityLUTSequence",
    "VOILUTSequence",
    "VOILUTFunction",
    "WindowCenterWidthExplanation",
    "RedPaletteColorLookupTableDescriptor",
    "GreenPaletteColorLookupTableDescriptor",
    "BluePaletteColorLookupTableDescriptor",
    "RedPaletteColorLookupTableData",
    "GreenPaletteColorLookupTableData",
    "BluePaletteColorLookupTableData",
    "SegmentedRedPaletteColorLookupTableData",
    "SegmentedGreenPaletteColorLookupTableData",
    "SegmentedBluePaletteColorLookupTableData",
    "ICCProfile",
    "ExtendedOffsetTable",
    "ExtendedOffsetTableLengths",
    "PixelData",
    "FloatPixelData",
    "DoubleFloatPixelData",
)

# DICOM attributes kept as metadata. Nothing that names a person is kept.
DICOM_KEEP = (
    "Modality",
    "BodyPartExamined",
    "ViewPosition",
    "PhotometricInterpretation",
    "PatientAge",
    "PatientSex",
    "StudyDescription",
    "SeriesDescription",
    "Manufacturer",
    "BitsStored",
    "NumberOfFrames",
    "PixelSpacing",
    "ImagerPixelSpacing",
)


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded image: 8-bit RGB for the models, the stored pixels for measurement, and its identity."""

    sha256: str
    rgb: np.ndarray = field(repr=False)
    original: np.ndarray = field(repr=False)
    bit_depth: int
    mode: str
    format: str
    name: str
    path: str | None = None
    size_bytes: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def modality(self) -> str | None:
        return self.metadata.get("Modality")

    @property
    def nbytes(self) -> int:
        """The bytes this image keeps alive: every buffer behind its arrays (the stored pixels, the RGB
        copy, and the gray and BGR copies once a tool has asked for them), each counted once."""
        held = tuple(vars(self).values())  # one snapshot: a worker may be adding a cached copy meanwhile
        buffers = dict(_buffer(value) for value in held if isinstance(value, np.ndarray))
        return sum(buffers.values())

    @property
    def is_dicom(self) -> bool:
        return self.format == "DICOM"

    @cached_property
    def is_grayscale(self) -> bool:
        """True for single-channel sources and for colour files whose channels are all equal."""
        if self.original.ndim == 2:
            return True
        rgb = self.rgb
        return bool(np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2]))

    @cached_property
    def gray(self) -> np.ndarray:
        """(H, W) uint8 luminance."""
        rgb = self.rgb.astype(np.float32)
        return np.clip(rgb @ np.array([0.299, 0.587, 0.114], np.float32), 0, 255).astype(np.uint8)

    @cached_property
    def bgr(self) -> np.ndarray:
        """(H, W, 3) uint8 in OpenCV's channel order."""
        return np.ascontiguousarray(self.rgb[..., ::-1])

    def pil(self) -> Image.Image:
        return Image.fromarray(self.rgb, "RGB")

    def describe(self) -> dict[str, Any]:
        """The ``image`` block of the answer contract."""
        return {
            "path": self.path,
            "name": self.name,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "mode": self.mode,
            "bit_depth": self.bit_depth,
            "modality": self.modality,
        }


def load_image(
    source: str | Path | bytes | bytearray | memoryview,
    *,
    name: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    preview_side: int | None = None,
    max_frames: int | None = None,
) -> LoadedImage:
    """Load an image file (or its bytes) into a ``LoadedImage``.

    Args:
        source: a path, or the file's bytes.
        name: the file name to check the extension against when ``source`` is bytes.
        max_pixels: refuse images with more pixels than this (checked before decoding); a deflated
            DICOM is also refused once it inflates past what such an image can need.
        max_bytes: refuse files larger than this.
        preview_side: decode a JPEG no larger than needed to keep this many pixels on each side
            (libjpeg scales by 1/2, 1/4 or 1/8 while decoding: Pillow's draft mode). The pixels, width
            and height are then the preview's (``metadata["preview_of"]`` holds the full size): for a
            thumbnail, never for measurements, which read the full resolution.
        max_frames: refuse multi-frame DICOM with more frames than this (default: ``ARGUS_MAX_FRAMES``,
            else 1,000).

    Raises:
        ImageLoadError: or one of its subclasses, with a message a user can act on.
    """
    path: str | None = None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = name or "<bytes>"
    else:
        p = Path(source)
        path = str(p)
        label = name or p.name
        if not p.exists():
            raise ImageLoadError(f"{label}: no such file: {p}")
        if not p.is_file():
            raise ImageLoadError(f"{label}: not a regular file: {p}")
        size = p.stat().st_size
        if size > max_bytes:
            raise ImageTooLargeError(f"{label}: file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise ImageTooLargeError(f"{label}: file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if not data:
        raise EmptyFileError(f"{label}: the file is empty (0 bytes)")

    sha = hashlib.sha256(data).hexdigest()
    expected = EXTENSION_FORMATS.get(Path(label).suffix.lower())
    if _looks_like_dicom(data) or (expected == "DICOM" and not _pillow_format(data)):
        if expected not in (None, "DICOM"):
            raise ExtensionMismatchError(f"{label}: the extension says {expected} but the bytes are DICOM")
        limits = DicomLimits(max_pixels, frame_limit(max_frames), inflate_limit(max_pixels, max_bytes))
        return _load_dicom(data, sha, label, path, limits, force=expected == "DICOM")
    return _load_pillow(data, sha, label, path, expected, max_pixels, preview_side)


def frame_limit(max_frames: int | None = None) -> int:
    """``max_frames`` when given, else ``ARGUS_MAX_FRAMES``, else the default; a bad value is an ArgusError."""
    return max_frames if max_frames is not None else max_frames_from_env()


def inflate_limit(max_pixels: int, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The most bytes a deflated DICOM may inflate to: what one image within ``max_pixels`` can need,
    and never more than an uncompressed file may hold."""
    return min(max_bytes, max_pixels * MAX_BYTES_PER_PIXEL + DICOM_HEADER_BYTES)


def as_loaded(image: Any, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Accept a ``LoadedImage``, a path, file bytes, a PIL image or an (H, W[, 3|4]) uint8 array."""
    if isinstance(image, LoadedImage):
        if image.width * image.height > max_pixels:
            raise ImageTooLargeError(
                f"{image.name}: {image.width}x{image.height} = {image.width * image.height:,} pixels, "
                f"over the {max_pixels:,}-pixel limit"
            )
        return image
    if isinstance(image, str | Path | bytes | bytearray | memoryview):
        return load_image(image, max_pixels=max_pixels)
    if isinstance(image, Image.Image):
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return load_image(buf.getvalue(), name="image.png", max_pixels=max_pixels)
    if isinstance(image, np.ndarray):
        return _from_array(image, max_pixels)
    raise ImageLoadError(
        f"expected an image path, bytes, a PIL image or a numpy array, got {type(image).__name__}"
    )


# ----------------------------------------------------------------------------- Pillow


def _pillow_format(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.format
    except Exception:  # any failure here just means "not something Pillow recognises"
        return None


def _load_pillow(
    data: bytes,
    sha: str,
    label: str,
    path: str | None,
    expected: str | None,
    max_pixels: int,
    preview_side: int | None = None,
) -> LoadedImage:
    try:
        im: Image.Image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(f"{label}: refused as a decompression bomb ({exc})") from None
    except UnidentifiedImageError:
        raise NotAnImageError(
            f"{label}: not an image: the bytes match none of JPEG, PNG, WebP, BMP, TIFF, GIF or DICOM"
        ) from None
    except _PILLOW_ERRORS as exc:
        raise NotAnImageError(f"{label}: cannot be read as an image ({exc})") from None

    with im:
        fmt = im.format or "unknown"
        if fmt not in PILLOW_FORMATS:
            raise NotAnImageError(
                f"{label}: {fmt} images are not supported; use JPEG, PNG, WebP, BMP, TIFF, GIF or DICOM"
            )
        if expected is not None and expected != fmt:
            raise ExtensionMismatchError(f"{label}: the extension says {expected} but the bytes are {fmt}")
        width, height = im.size
        if width <= 0 or height <= 0:
            raise NotAnImageError(f"{label}: image has no pixels ({width}x{height})")
        if width * height > max_pixels:
            raise ImageTooLargeError(
                f"{label}: {width}x{height} = {width * height:,} pixels, over the {max_pixels:,}-pixel limit"
            )
        metadata: dict[str, Any] = {}
        try:
            if preview_side is not None and fmt == "JPEG":
                im.draft(im.mode, (preview_side, preview_side))
                if im.size != (width, height):
                    metadata["preview_of"] = [width, height]
            frames = getattr(im, "n_frames", 1)
            if frames > 1:
                metadata["frames"] = frames
            im.seek(0)
            im.load()
            orientation = im.getexif().get(0x0112)
            if orientation and orientation != 1:
                im = ImageOps.exif_transpose(im)
                metadata["exif_orientation_applied"] = int(orientation)
            mode = im.mode
            original, bit_depth = _stored_pixels(im)
            rgb = _to_rgb8(im, original, bit_depth)
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(f"{label}: refused as a decompression bomb ({exc})") from None
        except _PILLOW_ERRORS as exc:
            raise TruncatedImageError(f"{label}: the image data is truncated or corrupt ({exc})") from None
        if mode in ("LA", "RGBA", "PA") or (mode == "P" and "transparency" in im.info):
            metadata["alpha"] = "composited over white"
    return LoadedImage(
        sha256=sha,
        rgb=rgb,
        original=original,
        bit_depth=bit_depth,
        mode=mode,
        format=fmt,
        name=label,
        path=path,
        size_bytes=len(data),
        metadata=metadata,
    )


def _stored_pixels(im: Image.Image) -> tuple[np.ndarray, int]:
    """The pixels as stored, with their bit depth (16-bit and float kept, palettes expanded)."""
    mode = im.mode
    if mode.startswith("I;16"):
        return np.asarray(im).astype(np.uint16), 16
    if mode == "I":
        arr = np.asarray(im)
        return arr, 16 if arr.size and arr.min() >= 0 and arr.max() < 65536 else 32
    if mode == "F":
        return np.asarray(im, dtype=np.float32), 32
    if mode == "1":
        return np.asarray(im.convert("L")), 1
    if mode == "P":
        return np.asarray(im.convert("RGBA" if "transparency" in im.info else "RGB")), 8
    if mode in ("L", "LA", "RGB", "RGBA"):
        return np.asarray(im), 8
    return np.asarray(im.convert("RGB")), 8


def _to_rgb8(im: Image.Image, original: np.ndarray, bit_depth: int) -> np.ndarray:
    if bit_depth > 8 and original.ndim == 2:
        return _gray_to_rgb(_stretch_to_uint8(original))
    if im.mode in ("LA", "RGBA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.ascontiguousarray(np.asarray(im.convert("RGB")))


def _stretch_to_uint8(values: np.ndarray) -> np.ndarray:
    """Map a high-bit-depth gray image to 0-255 over its 0.5-99.5 percentile range."""
    arr = values.astype(np.float64)
    lo, hi = np.percentile(arr, [0.5, 99.5]) if arr.size else (0.0, 1.0)
    if hi <= lo:
        lo, hi = float(arr.min()), float(arr.max())
    if hi <= lo:
        return np.zeros(arr.shape, np.uint8)
    return np.clip((arr - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def _gray_to_rgb(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(gray[..., None], 3, axis=2))


def _from_array(array: np.ndarray, max_pixels: int) -> LoadedImage:
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3, 4)):
        raise ImageLoadError(
            f"an image array must have shape (H, W), (H, W, 3) or (H, W, 4), got {array.shape}"
        )
    if array.dtype != np.uint8:
        raise ImageLoadError(f"an image array must be uint8, got {array.dtype}")
    height, width = array.shape[:2]
    if height == 0 or width == 0:
        raise NotAnImageError(f"image array has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"array: {width}x{height} = {width * height:,} pixels, over the {max_pixels:,}-pixel limit"
        )
    arr = np.ascontiguousarray(array[..., 0] if array.ndim == 3 and array.shape[2] == 1 else array)
    digest = hashlib.sha256(f"{arr.shape}{arr.dtype}".encode() + arr.tobytes()).hexdigest()
    if arr.ndim == 2:
        rgb, mode = _gray_to_rgb(arr), "L"
    elif arr.shape[2] == 4:
        rgb, mode = (
            np.asarray(
                Image.alpha_composite(
                    Image.new("RGBA", (width, height), "white"), Image.fromarray(arr, "RGBA")
                ).convert("RGB")
            ),
            "RGBA",
        )
    else:
        rgb, mode = arr, "RGB"
    return LoadedImage(
        sha256=digest, rgb=rgb, original=arr, bit_depth=8, mode=mode, format="ARRAY", name="array"
    )


# ------------------------------------------------------------------------------ DICOM


def _looks_like_dicom(data: bytes) -> bool:
    return len(data) >= 132 and data[128:132] == b"DICM"


@dataclass(frozen=True)
class DicomLimits:
    pixels: int
    frames: int
    inflated_bytes: int


def _load_dicom(
    data: bytes, sha: str, label: str, path: str | None, limits: DicomLimits, force: bool
) -> LoadedImage:
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    ds = _read_dicom(data, label, force, limits)
    try:
        # Elements convert on first access: a corrupt one must fail here, not in the middle of the decode.
        # Only those the decode reads are converted (a CT header holds hundreds it never reads, and
        # converting them all took two thirds of a small CT's decode); the others stay raw bytes.
        list(getattr(ds, "file_meta", None) or ())
        for keyword in _DICOM_READ:
            ds.get(keyword)
    except Exception as exc:  # the same: pydicom's value converters raise many types on corrupt values
        raise DicomError(
            f"{label}: the DICOM header cannot be parsed ({type(exc).__name__}: {exc})"
        ) from None
    if (
        force
        and not _looks_like_dicom(data)
        and not any(t in ds for t in ("SOPClassUID", "Modality", "Rows"))
    ):
        raise NotAnImageError(f"{label}: not a DICOM file: no 'DICM' preamble and no DICOM elements in it")
    if not any(tag in ds for tag in PIXEL_DATA_TAGS):
        kind = getattr(ds.get("SOPClassUID"), "name", None) or ds.get("Modality") or "unknown kind"
        raise DicomError(f"{label}: the DICOM file has no pixel data ({kind}); nothing to look at")
    _check_numeric(ds, label)
    rows, cols = int(ds.get("Rows", 0) or 0), int(ds.get("Columns", 0) or 0)
    if rows * cols > limits.pixels:
        raise ImageTooLargeError(
            f"{label}: {cols}x{rows} = {rows * cols:,} pixels, over the {limits.pixels:,}-pixel limit"
        )
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames > limits.frames:
        raise ImageTooLargeError(f"{label}: {frames:,} frames, over the {limits.frames:,}-frame limit")
    syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    pixels = _first_frame(ds, label, syntax)

    metadata: dict[str, Any] = {}
    for key in DICOM_KEEP:
        value = ds.get(key)
        if value is None or value == "":
            continue
        metadata[key] = [float(v) for v in value] if key.endswith("PixelSpacing") else str(value)
    metadata["TransferSyntaxUID"] = str(syntax) if syntax else None
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
    if frames > 1:
        metadata["frames"] = frames
        metadata["frame_used"] = 0

    bits = int(ds.get("BitsStored", 8) or 8)
    if pixels.ndim == 3 and pixels.shape[-1] in (3, 4):  # colour DICOM (pydicom converts YBR to RGB)
        rgb = pixels[..., :3]
        if rgb.dtype != np.uint8:
            rgb = _stretch_to_uint8(rgb)
        return LoadedImage(
            sha256=sha,
            rgb=_compact(np.ascontiguousarray(rgb)),
            original=_compact(pixels),
            bit_depth=bits,
            mode=f"DICOM:{photometric}",
            format="DICOM",
            name=label,
            path=path,
            size_bytes=len(data),
            metadata=metadata,
        )
    if pixels.ndim != 2:
        raise DicomError(f"{label}: expected a 2-D frame, got pixel data of shape {pixels.shape}")

    rescaled = apply_modality_lut(pixels, ds)
    if "WindowCenter" in ds and "WindowWidth" in ds:
        windowed = apply_voi_lut(rescaled, ds, index=0)
        lo, hi = float(np.min(windowed)), float(np.max(windowed))
        display = (
            np.zeros(windowed.shape, np.uint8)
            if hi <= lo
            else (np.clip((windowed - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8))
        )
        metadata["windowing"] = "VOI window from the file"
    else:
        display = _stretch_to_uint8(rescaled)
        metadata["windowing"] = "0.5-99.5 percentile range (no window in the file)"
    if photometric == "MONOCHROME1":
        display = 255 - display
        metadata["inverted"] = "MONOCHROME1 shown with white as dense"
    return LoadedImage(
        sha256=sha,
        rgb=_gray_to_rgb(display),
        original=_compact(np.asarray(rescaled)),
        bit_depth=bits,
        mode=f"DICOM:{photometric}",
        format="DICOM",
        name=label,
        path=path,
        size_bytes=len(data),
        metadata=metadata,
    )


_DICOM_READ = tuple(dict.fromkeys((*DICOM_PIXEL_MODULE, *DICOM_NUMERIC, *DICOM_KEEP)))


def _read_dicom(data: bytes, label: str, force: bool, limits: DicomLimits) -> Any:
    """The parsed dataset; a deflated one inflated here, within ``limits.inflated_bytes``."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        deflated = _deflated_parts(data, force)
        if deflated is None:
            return pydicom.dcmread(io.BytesIO(data), force=force)
        preamble, meta, offset = deflated
        return _read_deflated(data, offset, preamble, meta, label, limits)
    except ImageLoadError:
        raise
    except InvalidDicomError as exc:
        raise NotAnImageError(f"{label}: not a valid DICOM file ({exc})") from None
    except Exception as exc:  # pydicom raises many types on corrupt headers; all mean "cannot parse"
        raise DicomError(
            f"{label}: the DICOM header cannot be parsed ({type(exc).__name__}: {exc})"
        ) from None


def _deflated_parts(data: bytes, force: bool) -> tuple[bytes | None, Any, int] | None:
    """(preamble, file meta, offset of the deflated stream) when the file is in the deflated transfer
    syntax, else None. Only the preamble and the file meta group are read."""
    from pydicom.filereader import _read_file_meta_info, read_preamble
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    stream = io.BytesIO(data)
    try:
        preamble = read_preamble(stream, force)
        meta = _read_file_meta_info(stream)
        deflated = meta.get("TransferSyntaxUID") == DeflatedExplicitVRLittleEndian
    except Exception:  # noqa: BLE001 - pydicom's own read fails the same way next, and says why
        return None
    if not deflated:
        return None
    return preamble, meta, stream.tell()


def _read_deflated(
    data: bytes, offset: int, preamble: bytes | None, meta: Any, label: str, limits: DicomLimits
) -> Any:
    from pydicom.dataset import FileDataset
    from pydicom.filebase import DicomBytesIO
    from pydicom.filereader import read_dataset

    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(memoryview(data)[offset:], limits.inflated_bytes + 1)
    except zlib.error:
        raise DicomError(f"{label}: the deflated DICOM data is corrupt") from None
    if len(inflated) > limits.inflated_bytes:
        raise ImageTooLargeError(
            f"{label}: the deflated DICOM data inflates to over {limits.inflated_bytes:,} bytes, more than "
            f"an image within the {limits.pixels:,}-pixel limit needs"
        )
    if not inflater.eof:
        raise DicomError(f"{label}: the deflated DICOM data is truncated")
    buffer = DicomBytesIO(inflated)
    # pydicom reads from its own DicomBytesIO, which its annotation (BinaryIO) leaves out
    dataset = read_dataset(buffer, is_implicit_VR=False, is_little_endian=True)  # type: ignore[arg-type]
    return FileDataset(buffer, dataset, preamble, meta, is_implicit_VR=False, is_little_endian=True)


def _first_frame(ds: Any, label: str, syntax: Any) -> np.ndarray:
    """The first frame's pixels, decoded alone; the dataset's pixel data is dropped afterwards."""
    from pydicom.pixels import pixel_array

    try:
        pixels = pixel_array(ds, index=0)
    except (NotImplementedError, RuntimeError) as exc:
        name = getattr(syntax, "name", None) or str(syntax or "unknown")
        raise DicomError(
            f"{label}: transfer syntax {name} ({syntax}) cannot be decoded here; "
            f"for JPEG-LS / JPEG Lossless / JPEG 2000 install the codecs: pip install 'argus[dicom-codecs]' "
            f"({str(exc).splitlines()[0]})"
        ) from None
    except (AttributeError, ValueError, TypeError, OSError, EOFError, IndexError, KeyError) as exc:
        raise DicomError(f"{label}: the DICOM pixel data is corrupt or truncated ({exc})") from None
    for tag in PIXEL_DATA_TAGS:
        if tag in ds:
            del ds[tag]
    return pixels


def _buffer(array: np.ndarray) -> tuple[int, int]:
    """(identity, size in bytes) of the memory ``array`` keeps alive: its root array's, or the buffer
    (bytes, bytearray) under that."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.base is None:
        return id(root), root.nbytes
    try:
        return id(root.base), max(root.nbytes, memoryview(root.base).nbytes)
    except TypeError:
        return id(root), root.nbytes


def _compact(array: np.ndarray) -> np.ndarray:
    """``array`` itself, or a copy when it is a view that keeps a larger buffer alive (other frames)."""
    return array if _buffer(array)[1] <= array.nbytes else array.copy()


def _check_numeric(ds: Any, label: str) -> None:
    """The attributes the decode computes with must hold finite numbers (a flipped VR makes them text)."""
    for key in DICOM_NUMERIC:
        value = ds.get(key)
        if value is None or value == "":
            continue
        items = value if isinstance(value, Sequence) and not isinstance(value, str | bytes) else [value]
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
                raise DicomError(
                    f"{label}: the DICOM attribute {key} must be a number, got {str(item)[:40]!r}"
                )


# Pillow must never decode a truncated file silently.
ImageFile.LOAD_TRUNCATED_IMAGES = False
