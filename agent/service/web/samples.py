"""The sample images the web app offers one click away, with a question each answers well.

They ship inside installed packages (Ultralytics' assets, scikit-image's data, pydicom's test
files), so nothing is downloaded; a sample whose package is missing is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from argus.tools.base import package_dir


@dataclass(frozen=True)
class Sample:
    package: str
    relative: str
    question: str

    @property
    def name(self) -> str:
        return Path(self.relative).name

    def path(self) -> Path | None:
        root = package_dir(self.package)
        if root is None or not (root / self.relative).is_file():
            return None
        return root / self.relative


SAMPLES = (
    Sample("ultralytics", "assets/bus.jpg", "How many people are in this image?"),
    Sample("ultralytics", "assets/zidane.jpg", "Is anyone wearing a tie?"),
    Sample("skimage", "data/chelsea.png", "What is in this image?"),
    Sample("skimage", "data/coffee.png", "What colours are in the image?"),
    Sample("skimage", "data/page.png", "What does the text say?"),
    Sample("pydicom", "data/test_files/CT_small.dcm", "Triage this scan: is it urgent?"),
)

# Triage samples: pydicom's test scans.
TRIAGE_SAMPLES = (
    Sample("pydicom", "data/test_files/CT_small.dcm", ""),
    Sample("pydicom", "data/test_files/MR_small.dcm", ""),
    Sample("pydicom", "data/test_files/rtdose.dcm", ""),
)


def available(samples: tuple[Sample, ...] = SAMPLES) -> list[tuple[Path, str]]:
    """(path, question) of every sample present here."""
    out = []
    for sample in samples:
        path = sample.path()
        if path is not None:
            out.append((path, sample.question))
    return out
