"""Inputs for the triage tests, made from the real sample images and pydicom's test files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from tests.support.samples import CAMERA, dicom

# 7 mm solid single nodule, high-risk 60-year-old, incidental: Fleischner 2017 says CT at 6-12 months.
FLEISCHNER_7MM = {
    "nodule": {"size_mm": 7, "type": "solid", "multiple": False},
    "patient": {"age": 60, "high_risk": True, "context": "incidental"},
}


def tagged_dicom(folder: Path, name: str, **tags: str) -> Path:
    """pydicom's CT_small.dcm with some tags changed (Modality, ViewPosition, BodyPartExamined ...)."""
    import pydicom

    ds = pydicom.dcmread(dicom("CT_small.dcm"))
    for key, value in tags.items():
        setattr(ds, key, value)
    path = folder / name
    ds.save_as(path)
    return path


def copy_sample(folder: Path, sample: Path, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(sample, folder / (name or sample.name)))


def write_sidecar(image: Path, findings: dict, suffix: str = ".findings.json") -> Path:
    path = image.with_name(image.name + suffix)
    if suffix.endswith(".json"):
        path.write_text(json.dumps(findings))
    else:
        import yaml

        path.write_text(yaml.safe_dump(findings))
    return path


def dark_png(folder: Path, name: str = "dark.png") -> Path:
    """The camera man at 8% exposure: underexposed and low contrast."""
    pixels = (np.asarray(Image.open(CAMERA), dtype=np.float32) * 0.08).astype(np.uint8)
    path = folder / name
    Image.fromarray(pixels).save(path)
    return path


def blurred_png(folder: Path, name: str = "blurred.png") -> Path:
    """The camera man under a strong Gaussian blur."""
    path = folder / name
    Image.open(CAMERA).filter(ImageFilter.GaussianBlur(8)).save(path)
    return path


def distinct_grays(folder: Path, count: int, side: int = 256) -> list[Path]:
    """``count`` different grayscale PNGs made from the camera man (a shifted crop each, so no two share
    bytes), ``side`` pixels square."""
    base = np.asarray(Image.open(CAMERA).resize((side + count, side + count)))
    paths = []
    for i in range(count):
        path = folder / f"gray_{i:03d}.png"
        Image.fromarray(np.ascontiguousarray(base[i : i + side, i : i + side])).save(path)
        paths.append(path)
    return paths
