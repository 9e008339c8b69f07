"""Fuzzing the image loader: random bytes and mutated real PNG, JPEG, GIF, TIFF, BMP, WebP and DICOM
files (bit flips, truncations, overwritten header fields, huge declared sizes) either load as a sane
8-bit RGB image or raise an ImageLoadError with a message; nothing else escapes, nothing hangs.

The regression tests below the fuzzers pin the faults the fuzzers found."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from argus.tools.errors import DicomError, ImageLoadError, ImageTooLargeError
from argus.tools.image_io import load_image
from tests.support import samples

CAP = 1_000_000  # pixels: small, so "huge declared size" cases are cheap to produce and to refuse
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from([None, "x.png", "x.jpg", "x.gif", "x.tif", "x.bmp", "x.webp", "x.dcm", "x"])


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **options)
    return buf.getvalue()


@cache
def seeds() -> dict[str, bytes]:
    """Small real files in every format the loader reads (a crop of astronaut.png, two pydicom samples)."""
    base = Image.open(samples.ASTRONAUT).convert("RGB").resize((48, 32))
    gray16 = Image.fromarray(np.arange(48 * 32, dtype=np.uint16).reshape(32, 48) * 40)
    return {
        "a.png": _encode(base, "PNG"),
        "a.jpg": _encode(base, "JPEG", quality=80),
        "a.gif": _encode(base.convert("P"), "GIF"),
        "a.tif": _encode(base, "TIFF"),
        "a.bmp": _encode(base, "BMP"),
        "a.webp": _encode(base, "WEBP"),
        "g16.png": _encode(gray16, "PNG"),
        "ct.dcm": samples.dicom("CT_small.dcm").read_bytes(),
        "mr.dcm": samples.dicom("MR_small.dcm").read_bytes(),
    }


def _load(data: bytes, name: str | None):
    """Load and check what a caller relies on; ImageLoadError is the only error a caller must handle."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom and Pillow warn about what they repair; not under test
        try:
            image = load_image(data, name=name, max_pixels=CAP)
        except ImageLoadError as exc:
            assert str(exc), "an ImageLoadError must say what is wrong"
            return None
    assert image.rgb.dtype == np.uint8 and image.rgb.ndim == 3 and image.rgb.shape[2] == 3
    assert 0 < image.width * image.height <= CAP
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    return image


@FUZZ
@given(data=st.binary(max_size=4096), name=NAMES)
@example(data=b"\x89PNG\r\n\x1a\n", name=None)
@example(data=b"\x00" * 128 + b"DICM", name="x.dcm")
@example(data=b"GIF89a\xff\xff\xff\xff", name=None)
def test_random_bytes(data, name):
    if not data:
        with pytest.raises(ImageLoadError, match="empty"):
            load_image(data, name=name)
        return
    _load(data, name)


@FUZZ
@given(
    seed=st.sampled_from(sorted(seeds())),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=12),
    keep_name=st.booleans(),
)
def test_bit_flips(seed, flips, keep_name):
    data = bytearray(seeds()[seed])
    for where, bit in flips:
        data[int(where * len(data))] ^= 1 << bit
    _load(bytes(data), seed if keep_name else None)


@FUZZ
@given(seed=st.sampled_from(sorted(seeds())), keep=st.floats(0, 1, exclude_max=True))
def test_truncations(seed, keep):
    data = seeds()[seed]
    _load(data[: max(1, int(keep * len(data)))], seed)


@FUZZ
@given(
    seed=st.sampled_from(sorted(seeds())),
    where=st.floats(0, 1, exclude_max=True),
    junk=st.binary(min_size=1, max_size=32),
    insert=st.booleans(),
)
def test_overwritten_or_inserted_runs(seed, where, junk, insert):
    data = bytearray(seeds()[seed])
    at = int(where * len(data))
    if insert:
        data[at:at] = junk
    else:
        data[at : at + len(junk)] = junk
    _load(bytes(data), seed)


# ------------------------------------------------------------------ declared sizes in the headers


def _png_with_size(width: int, height: int, fix_crc: bool) -> bytes:
    data = bytearray(seeds()["a.png"])
    struct.pack_into(">II", data, 16, width, height)  # IHDR data starts after signature, length and type
    if fix_crc:
        struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _jpeg_with_size(width: int, height: int) -> bytes:
    data = bytearray(seeds()["a.jpg"])
    sof = next(i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] in (0xC0, 0xC1, 0xC2))
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _gif_with_size(width: int, height: int) -> bytes:
    data = bytearray(seeds()["a.gif"])
    struct.pack_into("<HH", data, 6, width, height)  # the logical screen
    return bytes(data)


def _bmp_with_size(width: int, height: int) -> bytes:
    data = bytearray(seeds()["a.bmp"])
    struct.pack_into("<ii", data, 18, width, height)
    return bytes(data)


def _tiff_with_size(width: int, height: int) -> bytes:
    data = bytearray(seeds()["a.tif"])
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        tag, kind = struct.unpack_from("<HH", data, entry)
        value = {256: width, 257: height}.get(tag)
        if value is not None:
            if kind == 3:  # SHORT
                struct.pack_into("<H", data, entry + 8, min(value, 0xFFFF))
            else:
                struct.pack_into("<I", data, entry + 8, value)
    return bytes(data)


def _dicom_with_size(rows: int, columns: int) -> bytes:
    import pydicom

    ds = pydicom.dcmread(io.BytesIO(seeds()["ct.dcm"]))
    ds.Rows, ds.Columns = rows, columns
    buf = io.BytesIO()
    ds.save_as(buf)
    return buf.getvalue()


SIZED = {
    "a.png": lambda w, h: _png_with_size(w, h, fix_crc=True),
    "a.jpg": _jpeg_with_size,
    "a.gif": _gif_with_size,
    "a.bmp": _bmp_with_size,
    "a.tif": _tiff_with_size,
    "ct.dcm": _dicom_with_size,
}
DIMENSION = st.one_of(st.integers(0, 70_000), st.sampled_from([1, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]))


@FUZZ
@given(fmt=st.sampled_from(sorted(SIZED)), width=DIMENSION, height=DIMENSION)
@example(fmt="a.png", width=0x7FFFFFFF, height=0x7FFFFFFF)
@example(fmt="a.jpg", width=65_535, height=65_535)
@example(fmt="ct.dcm", width=65_535, height=65_535)
def test_declared_sizes(fmt, width, height):
    """A header that declares more pixels than the cap is refused before any pixel is decoded."""
    if fmt in ("ct.dcm", "a.jpg", "a.gif", "a.tif"):
        width, height = min(width, 0xFFFF), min(height, 0xFFFF)  # these headers hold 16-bit sizes
    if fmt == "a.bmp":
        width, height = min(width, 0x7FFFFFFF), min(height, 0x7FFFFFFF)  # signed 32-bit
    data = SIZED[fmt](width, height)
    if width * height > CAP:
        with pytest.raises(ImageLoadError) as caught:
            load_image(data, name=fmt, max_pixels=CAP)
        if fmt in ("a.png", "a.jpg", "a.gif", "ct.dcm"):
            assert isinstance(caught.value, ImageTooLargeError), caught.value
    else:
        _load(data, fmt)


# ------------------------------------------------------------------ regressions the fuzzers found


def test_tiff_with_a_corrupt_entry_count_is_a_load_error():
    """A TIFF whose first IFD claims one entry too many: Pillow's n_frames raised TypeError('Missing
    dimensions') when it read the second frame's header out of the pixel data."""
    data = bytearray(seeds()["a.tif"])
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    struct.pack_into("<H", data, ifd, count + 1)
    with pytest.raises(ImageLoadError, match=r"a\.tif: .*Missing dimensions"):
        load_image(bytes(data), name="a.tif")


def test_dicom_with_an_unknown_value_representation_is_a_dicom_error():
    """pydicom raised NotImplementedError on first access to an element whose VR bytes were corrupt."""
    data = seeds()["mr.dcm"]
    rows = b"\x28\x00\x10\x00US"  # (0028,0010) Rows, explicit VR little endian
    assert data.count(rows) == 1
    with pytest.raises(DicomError, match="header cannot be parsed"):
        load_image(data.replace(rows, b"\x28\x00\x10\x00UQ"), name="mr.dcm")


def test_dicom_rescale_intercept_as_text_is_a_dicom_error():
    """A flipped VR made RescaleIntercept text, and numpy raised UFuncTypeError inside the modality LUT."""
    import pydicom

    ds = pydicom.dcmread(io.BytesIO(seeds()["ct.dcm"]))
    ds["RescaleIntercept"].VR = "LO"
    ds.RescaleIntercept = "-1024x"
    buf = io.BytesIO()
    ds.save_as(buf)
    with pytest.raises(DicomError, match="RescaleIntercept must be a number"):
        load_image(buf.getvalue(), name="ct.dcm")


def test_dicom_pixel_spacing_that_is_not_a_number_is_a_dicom_error():
    """A corrupt PixelSpacing string ('0.3q25') raised ValueError while the metadata was copied."""
    data = seeds()["mr.dcm"]
    import pydicom

    spacing = pydicom.dcmread(io.BytesIO(data)).PixelSpacing
    text = "\\".join(str(v) for v in spacing).encode()
    assert data.count(text) == 1
    broken = text.replace(b".", b"q", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DicomError, match="PixelSpacing"):
            load_image(data.replace(text, broken), name="mr.dcm")
