"""The image loader: every format and mode the models may meet, and every kind of bad file."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from argus.tools.errors import (
    ArgusError,
    DicomError,
    EmptyFileError,
    ExtensionMismatchError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
)
from argus.tools.image_io import as_loaded, load_image
from tests.support import dicom_files, samples


def _save(img: Image.Image, path: Path, **kw) -> Path:
    img.save(path, **kw)
    return path


def test_bus_loads_with_identity_and_size():
    img = load_image(samples.BUS)
    assert (img.width, img.height) == (810, 1080)
    assert img.format == "JPEG" and img.bit_depth == 8
    assert img.rgb.shape == (1080, 810, 3) and img.rgb.dtype == np.uint8
    assert img.sha256 == hashlib.sha256(samples.BUS.read_bytes()).hexdigest()
    assert img.describe()["sha256"] == img.sha256


def test_bytes_and_path_give_the_same_identity():
    data = samples.BUS.read_bytes()
    assert load_image(data, name="bus.jpg").sha256 == load_image(samples.BUS).sha256


def test_exif_orientation_is_applied(tmp_path):
    base = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _save(base, tmp_path / "rotated.jpg", exif=exif)
    img = load_image(path)
    assert (img.width, img.height) == (20, 40)
    assert img.metadata["exif_orientation_applied"] == 6


@pytest.mark.parametrize(
    ("mode", "color", "suffix", "bit_depth"),
    [
        ("L", 128, ".png", 8),
        ("1", 1, ".png", 1),
        ("LA", (10, 0), ".png", 8),
        ("RGBA", (255, 0, 0, 0), ".png", 8),
        ("P", 3, ".gif", 8),
        ("CMYK", (0, 255, 255, 0), ".tif", 8),
        ("RGB", (1, 2, 3), ".webp", 8),
        ("RGB", (1, 2, 3), ".bmp", 8),
    ],
)
def test_modes_become_rgb8(tmp_path, mode, color, suffix, bit_depth):
    path = _save(Image.new(mode, (16, 8), color), tmp_path / f"img{suffix}")
    img = load_image(path)
    assert img.rgb.shape == (8, 16, 3) and img.rgb.dtype == np.uint8
    assert img.bit_depth == bit_depth


def test_transparent_pixels_are_composited_over_white(tmp_path):
    img = load_image(_save(Image.new("RGBA", (4, 4), (255, 0, 0, 0)), tmp_path / "clear.png"))
    assert img.rgb[0, 0].tolist() == [255, 255, 255]
    assert img.metadata["alpha"] == "composited over white"


def test_cmyk_red_stays_red(tmp_path):
    img = load_image(_save(Image.new("CMYK", (4, 4), (0, 255, 255, 0)), tmp_path / "red.tif"))
    r, g, b = img.rgb[0, 0].tolist()
    assert r > 200 and g < 60 and b < 60


def test_sixteen_bit_keeps_original_depth(tmp_path):
    ramp = (np.arange(64 * 32, dtype=np.uint16).reshape(32, 64) * 20).astype(np.uint16)
    path = _save(Image.fromarray(ramp), tmp_path / "ramp16.png")
    img = load_image(path)
    assert img.bit_depth == 16
    assert img.original.dtype == np.uint16 and int(img.original.max()) == int(ramp.max())
    assert img.rgb.dtype == np.uint8 and img.rgb.max() == 255 and img.rgb.min() == 0
    assert img.is_grayscale


def test_gif_and_tiff_use_the_first_frame(tmp_path):
    gif = load_image(samples.GIF)
    assert gif.format == "GIF" and gif.metadata["frames"] > 1
    pages = [Image.new("RGB", (8, 8), c) for c in ("red", "blue")]
    path = tmp_path / "two.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    tif = load_image(path)
    assert tif.metadata["frames"] == 2 and tif.rgb[0, 0].tolist() == [255, 0, 0]


def test_dicom_ct_keeps_metadata_and_rescales():
    img = load_image(samples.dicom("CT_small.dcm"))
    assert img.format == "DICOM" and img.modality == "CT"
    assert img.metadata["PhotometricInterpretation"] == "MONOCHROME2"
    assert img.rgb.shape == (128, 128, 3) and img.rgb.dtype == np.uint8
    assert img.bit_depth == 16
    assert "PatientName" not in img.metadata and "PatientID" not in img.metadata
    assert img.is_grayscale


def test_dicom_mr_and_rle_compressed():
    assert load_image(samples.dicom("MR_small.dcm")).modality == "MR"
    rle = load_image(samples.dicom("MR_small_RLE.dcm"))
    assert rle.metadata["TransferSyntaxUID"] == "1.2.840.10008.1.2.5"


def test_pil_and_array_inputs():
    arr = np.zeros((10, 20, 3), np.uint8)
    arr[..., 0] = 255
    img = as_loaded(arr)
    assert (img.width, img.height) == (20, 10) and img.rgb[0, 0].tolist() == [255, 0, 0]
    assert as_loaded(arr).sha256 == img.sha256
    assert as_loaded(Image.fromarray(arr)).rgb[0, 0].tolist() == [255, 0, 0]
    assert as_loaded(img) is img


# ------------------------------------------------------------------------- bad input


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _truncated_jpeg() -> bytes:
    data = samples.BUS.read_bytes()
    return data[: len(data) // 2]


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _wrong_extension(tmp_path: Path) -> Path:
    return _save(Image.new("RGB", (4, 4)), tmp_path / "really_png.jpg", format="PNG")


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda d: _write(d, "empty.png", b""), EmptyFileError, "empty"),
        (lambda d: _write(d, "notes.png", "hello, not pixels"), NotAnImageError, "not an image"),
        (lambda d: _write(d, "cut.jpg", _truncated_jpeg()), TruncatedImageError, "truncated"),
        (_wrong_extension, ExtensionMismatchError, "extension says JPEG but the bytes are PNG"),
        (
            lambda d: _write(d, "bomb.png", _png_header_only(20000, 20000)),
            ImageTooLargeError,
            "decompression bomb",
        ),
        (
            lambda d: _write(d, "huge.png", _png_header_only(9000, 9000)),
            ImageTooLargeError,
            "81,000,000 pixels, over the 64,000,000-pixel limit",
        ),
        (lambda d: d / "missing.png", ImageLoadError, "no such file"),
        (lambda d: d, ImageLoadError, "not a regular file"),
        (lambda d: samples.dicom("rtplan.dcm"), DicomError, "no pixel data"),
        (lambda d: samples.dicom("MR_small_jpeg_ls_lossless.dcm"), DicomError, "JPEG-LS"),
        (lambda d: _write(d, "junk.dcm", b"\x00\x01junk" * 50), NotAnImageError, "not a DICOM file"),
        (
            lambda d: _write(d, "ct.png", samples.dicom("CT_small.dcm").read_bytes()),
            ExtensionMismatchError,
            "bytes are DICOM",
        ),
    ],
    ids=[
        "empty",
        "not-an-image",
        "truncated",
        "wrong-extension",
        "bomb",
        "over-cap",
        "missing",
        "directory",
        "dicom-no-pixels",
        "dicom-unsupported-syntax",
        "dicom-junk",
        "dicom-named-png",
    ],
)
def test_bad_input_gets_its_message(tmp_path, make, error, message):
    with pytest.raises(error) as info:
        load_image(make(tmp_path))
    assert message in str(info.value)


def test_pixel_cap_is_configurable():
    with pytest.raises(ImageTooLargeError, match="874,800 pixels, over the 100,000-pixel limit"):
        load_image(samples.BUS, max_pixels=100_000)


def test_byte_cap():
    with pytest.raises(ImageTooLargeError, match="byte limit"):
        load_image(samples.BUS, max_bytes=1000)


def test_random_bytes_never_crash_with_an_untyped_error():
    rng = np.random.default_rng(0)
    for n in (1, 7, 132, 4096):
        for _ in range(20):
            blob = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
            for name in ("x.png", "x.jpg", "x.dcm", "x"):
                with pytest.raises(ImageLoadError):
                    load_image(blob, name=name)


def test_array_input_is_validated():
    with pytest.raises(ImageLoadError, match="uint8"):
        as_loaded(np.zeros((4, 4), np.float32))
    with pytest.raises(ImageLoadError, match="shape"):
        as_loaded(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ImageLoadError, match="got int"):
        as_loaded(42)


def test_truncated_png_is_refused(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buf, "PNG")
    data = buf.getvalue()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(TruncatedImageError):
        load_image(path)


# ------------------------------------------------------------------ DICOM bombs and many frames


def _peak_traced_bytes(work: Any) -> tuple[Any, int]:
    """What ``work()`` returns (or raises) and the most memory Python and numpy held while it ran."""
    import tracemalloc

    tracemalloc.start()
    try:
        try:
            result: Any = work()
        except ImageLoadError as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_deflated_dicom_bomb_is_refused_before_it_inflates():
    data = dicom_files.deflated(1000, 1000, 128)  # ~120 KB that inflates to 128 MB
    assert len(data) < 1_000_000
    error, peak = _peak_traced_bytes(lambda: load_image(data, name="bomb.dcm", max_pixels=1_000_000))
    assert isinstance(error, ImageTooLargeError), error
    assert "bomb.dcm" in str(error) and "inflates to over" in str(error)
    assert peak < 48 * 1024 * 1024, f"{peak:,} bytes held while refusing a deflated bomb"


def test_a_small_deflated_dicom_still_loads():
    img = load_image(samples.dicom("image_dfl.dcm"))
    assert img.metadata["TransferSyntaxUID"] == "1.2.840.10008.1.2.1.99"
    assert (img.width, img.height) == (512, 512) and img.rgb.std() > 0


def test_a_deflated_dicom_within_the_cap_loads_all_of_its_frames_header():
    img = load_image(dicom_files.deflated(64, 64, 4), name="four.dcm", max_pixels=64 * 64)
    assert img.metadata["frames"] == 4 and img.original.shape == (64, 64)


def test_more_frames_than_the_cap_are_refused():
    data = dicom_files.rle_frames(32, 32, 50)
    with pytest.raises(ImageTooLargeError, match="many.dcm: 50 frames, over the 20-frame limit"):
        load_image(data, name="many.dcm", max_frames=20)


def test_the_frame_cap_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ARGUS_MAX_FRAMES", "10")
    with pytest.raises(ImageTooLargeError, match="50 frames, over the 10-frame limit"):
        load_image(dicom_files.rle_frames(32, 32, 50), name="many.dcm")
    monkeypatch.setenv("ARGUS_MAX_FRAMES", "lots")
    with pytest.raises(ArgusError, match="ARGUS_MAX_FRAMES must be a whole number"):
        load_image(dicom_files.rle_frames(32, 32, 2), name="two.dcm")


def _held_bytes(image: Any) -> int:
    """The bytes of every buffer the image's arrays keep alive, each counted once."""
    buffers: dict[int, int] = {}
    for value in vars(image).values():
        if isinstance(value, np.ndarray):
            root = value
            while isinstance(root.base, np.ndarray):
                root = root.base
            owner = root.base if root.base is not None else root
            buffers[id(owner)] = memoryview(owner).nbytes if root.base is not None else root.nbytes
    return sum(buffers.values())


def test_a_multi_frame_dicom_decodes_and_keeps_one_frame():
    from argus.agent.service.images import ImageStore

    frames, side = 60, 1000
    data = dicom_files.rle_frames(side, side, frames)  # 60 MB of pixels if every frame were decoded
    store = ImageStore(max_images=4, max_pixels=side * side, max_frames=frames)
    img, peak = _peak_traced_bytes(lambda: store.load(data, "cine.dcm"))
    assert img.metadata["frames"] == frames and img.metadata["frame_used"] == 0
    assert img.original.shape == (side, side)
    assert peak < 24 * 1024 * 1024, f"{peak:,} bytes held while decoding one frame"
    assert _held_bytes(img) <= 4 * side * side + 16 * 1024  # the frame, its RGB copy and small change
    assert store.held_bytes == _held_bytes(img)
    img.bgr  # noqa: B018 - a tool asks for the BGR copy: the store counts it from then on
    assert store.held_bytes == _held_bytes(img) > 4 * side * side
