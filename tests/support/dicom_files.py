"""DICOM files made for a test: deflated bombs and many-frame series, built with pydicom."""

from __future__ import annotations

import io
from typing import Any

import numpy as np


def secondary_capture(rows: int, columns: int, syntax: str) -> Any:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import SecondaryCaptureImageStorage, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    return ds


def to_bytes(ds: Any) -> bytes:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def deflated(rows: int, columns: int, frames: int) -> bytes:
    """A deflated DICOM of ``frames`` black frames: tiny on disk, rows * columns * frames bytes inflated."""
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    ds = secondary_capture(rows, columns, DeflatedExplicitVRLittleEndian)
    ds.NumberOfFrames = frames
    ds.PixelData = bytes(rows * columns * frames)
    return to_bytes(ds)


def rle_frames(rows: int, columns: int, frames: int) -> bytes:
    """An RLE multi-frame DICOM of ``frames`` copies of one striped frame (each small once encoded)."""
    from pydicom.encaps import encapsulate, generate_frames
    from pydicom.uid import ExplicitVRLittleEndian, RLELossless

    ds = secondary_capture(rows, columns, ExplicitVRLittleEndian)
    stripes = np.repeat((np.arange(rows) % 256).astype(np.uint8), columns).reshape(rows, columns)
    ds.compress(RLELossless, stripes)
    frame = next(generate_frames(ds.PixelData))
    ds.PixelData = encapsulate([frame] * frames)
    ds.NumberOfFrames = frames
    return to_bytes(ds)


def native_frames(rows: int, columns: int, frames: int) -> bytes:
    """An uncompressed multi-frame DICOM of ``frames`` black frames."""
    from pydicom.uid import ExplicitVRLittleEndian

    ds = secondary_capture(rows, columns, ExplicitVRLittleEndian)
    ds.NumberOfFrames = frames
    ds.PixelData = bytes(rows * columns * frames)
    return to_bytes(ds)
