"""What a triage batch reads: the image files under the paths given, and the ``--findings`` file.

Folders are searched recursively for DICOM, PNG, JPEG and TIFF files (and extensionless files that
carry DICOM's "DICM" preamble, as scanners write them); findings sidecars and hidden files are
skipped, symbolic links to folders are not followed. The findings file holds either one mapping
for every image or image file names (or path endings) mapped to their own findings.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argus.agent.core.findings import read_mapping, validate_findings
from argus.agent.domains.medical.pipeline import SIDECAR_SUFFIXES, Findings
from argus.agent.errors import FindingsError, TriageInputError

IMAGE_SUFFIXES = (".dcm", ".dicom", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_INPUTS = 100_000
BATCH_FINDINGS_MAX_BYTES = 8_000_000


def collect_inputs(paths: Sequence[str | Path]) -> list[Path]:
    """The image files under ``paths``, in the order given (folders sorted), each once."""
    if not paths:
        raise TriageInputError("give at least one image file or folder to triage")
    found: list[Path] = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            found.extend(_walk(path))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise TriageInputError(f"{path} is neither a file nor a folder")
        else:
            raise TriageInputError(f"no such file or folder: {path}")
        if len(found) > MAX_INPUTS:
            raise TriageInputError(f"more than {MAX_INPUTS:,} images under the paths given; split the batch")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    if not unique:
        names = ", ".join(str(p) for p in paths[:3])
        raise TriageInputError(f"no images found in {names}: expected DICOM (.dcm), PNG, JPEG or TIFF files")
    return list(unique.values())


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and _is_image_file(path):
                out.append(path)
    return out


def _is_image_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIXES):
        return False
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return True
    if path.suffix:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(132)
    except OSError:
        return False
    return head[128:132] == b"DICM"


class BatchFindings:
    """The ``--findings`` file of a batch: findings for every image, or per image file."""

    def __init__(self, source: str, for_all: Findings | None, per_image: dict[Path, Findings]) -> None:
        self.source = source
        self.for_all = for_all
        self.per_image = per_image
        self.unmatched: list[str] = []

    @classmethod
    def load(cls, path: str | Path, inputs: Sequence[Path]) -> BatchFindings:
        """Read and validate the file against the batch's inputs.

        Raises:
            FindingsError: the file is unreadable, mixes image names and findings, names an image that
                matches several inputs, or holds invalid findings.
        """
        file = Path(path).expanduser()
        data = read_mapping(file, max_bytes=BATCH_FINDINGS_MAX_BYTES)
        name = file.name
        names = {p.name for p in inputs}
        image_keys = [k for k in data if _is_image_key(k, names)]
        if not image_keys:
            return cls(name, validate_findings(data, name), {})
        if len(image_keys) != len(data):
            other = next(k for k in data if k not in image_keys)
            raise FindingsError(
                f"{name}: mixes image names ({image_keys[0]!r}) with findings ({other!r}); give either one "
                "mapping of findings for every image, or image file names mapped to their findings"
            )
        batch = cls(name, None, {})
        for key, value in data.items():
            if not isinstance(value, dict):
                raise FindingsError(
                    f"{name}: the findings for {key!r} must be a mapping, got {type(value).__name__}"
                )
            matches = [p for p in inputs if _matches(p, key)]
            if len(matches) > 1:
                raise FindingsError(
                    f"{name}: {key!r} matches {len(matches)} input images ({matches[0]}, {matches[1]}); "
                    "use a longer path ending to tell them apart"
                )
            if not matches:
                batch.unmatched.append(key)
                continue
            batch.per_image[matches[0]] = validate_findings(value, f"{name}: {key}")
        return batch

    def for_image(self, path: Path) -> Findings | None:
        return self.per_image.get(path, self.for_all)


def _is_image_key(key: Any, input_names: set[str]) -> bool:
    if not isinstance(key, str):
        return False
    return key in input_names or "/" in key or Path(key).suffix.lower() in IMAGE_SUFFIXES


def _matches(path: Path, key: str) -> bool:
    ending = key.strip().lstrip("./")
    return path.name == ending or path.as_posix().endswith("/" + ending)
