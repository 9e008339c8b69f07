"""Paths to the real sample images that ship inside installed packages."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"package {name} is not installed"
    return Path(spec.submodule_search_locations[0])


ROOT = Path(__file__).resolve().parents[2]  # the repository
TEST_DATA = ROOT / "tests" / "data"
SUITES = ROOT / "agent" / "evaluation" / "suites"  # the shipped evaluation suites and their scenes
EXAMPLE_BUS = ROOT / "examples" / "bus.jpg"

ULTRALYTICS_ASSETS = _package_dir("ultralytics") / "assets"
SKIMAGE_DATA = _package_dir("skimage") / "data"

BUS = ULTRALYTICS_ASSETS / "bus.jpg"
ZIDANE = ULTRALYTICS_ASSETS / "zidane.jpg"
COINS = SKIMAGE_DATA / "coins.png"
PAGE = SKIMAGE_DATA / "page.png"
CAMERA = SKIMAGE_DATA / "camera.png"
ASTRONAUT = SKIMAGE_DATA / "astronaut.png"
CHELSEA = SKIMAGE_DATA / "chelsea.png"
COFFEE = SKIMAGE_DATA / "coffee.png"
TEXT = SKIMAGE_DATA / "text.png"
GIF = SKIMAGE_DATA / "no_time_for_that_tiny.gif"
RETINA = SKIMAGE_DATA / "retina.jpg"
ROCKET = SKIMAGE_DATA / "rocket.jpg"
CLOCK_MOTION = SKIMAGE_DATA / "clock_motion.png"  # a clock photographed moving sideways
MOTORCYCLE = SKIMAGE_DATA / "motorcycle_left.png"
HORSE = SKIMAGE_DATA / "horse.png"
GRACE_HOPPER = _package_dir("matplotlib") / "mpl-data" / "sample_data" / "grace_hopper.jpg"
CHINA = _package_dir("sklearn") / "datasets" / "images" / "china.jpg"
FLOWER = _package_dir("sklearn") / "datasets" / "images" / "flower.jpg"


def dicom(name: str) -> Path:
    from pydicom.data import get_testdata_file

    path = get_testdata_file(name)
    assert path, f"pydicom test file {name} is not in the installed wheel"
    return Path(path)
