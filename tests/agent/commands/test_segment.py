"""``argus segment``, ``argus quality`` and ``argus colors`` as a user runs them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from argus.cli import app
from argus.tools.masks import decode_rle
from tests.support import samples

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def wide(monkeypatch):
    """Tables as a wide terminal shows them, so cells are not folded mid-word."""
    from argus.agent.commands.common import console

    monkeypatch.setattr(console, "width", 200)


@pytest.fixture
def dark_camera(tmp_path):
    from argus.tools.image_io import load_image

    path = tmp_path / "dark.png"
    Image.fromarray((load_image(samples.CAMERA).gray * 0.15).astype(np.uint8)).save(path)
    return path


@pytest.fixture
def shapes_png(tmp_path):
    import cv2

    image = np.full((300, 400, 3), 255, np.uint8)
    for x in (70, 200, 330):
        cv2.circle(image, (x, 80), 40, (220, 30, 30), -1)
    cv2.rectangle(image, (60, 180), (150, 270), (30, 60, 200), -1)
    path = tmp_path / "shapes.png"
    Image.fromarray(image).save(path)
    return path


# ------------------------------------------------------------------ segment


def test_segment_coins_json_is_only_json(tmp_path):
    result = run("segment", samples.COINS, "--mode", "regions", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tool"] == "segment" and data["backend"] == "threshold" and data["mode"] == "regions"
    assert 23 <= data["count"] <= 25
    first = data["masks"][0]
    assert first["id"] == "M1" and decode_rle(first["rle"]).sum() == first["area_px"]
    assert "annotated_image" not in data


def test_segment_table_with_annotation(tmp_path, wide):
    out = tmp_path / "coins_masks.png"
    result = run("segment", samples.COINS, "--annotate", out, "--max-masks", "3")
    assert result.exit_code == 0, result.output
    assert "M1" in result.stdout and "M3" in result.stdout and "M4" not in result.stdout
    assert "found (region:" in result.stdout and "the first 3 are listed" in result.stdout
    assert f"annotated image: {out}" in result.stdout
    with Image.open(out) as im:
        assert im.size == (384, 303)


def test_segment_dicom_shows_square_millimetres(wide):
    result = run("segment", samples.dicom("CT_small.dcm"), "--foreground", "dark")
    assert result.exit_code == 0, result.output
    assert "area mm²" in result.stdout and "2 found" in result.stdout


@pytest.mark.slow
def test_segment_people_on_the_bus_json_with_annotation(tmp_path):
    out = tmp_path / "people.png"
    result = run("segment", samples.BUS, "--labels", "person", "--json", "--annotate", out, "--device", "cpu")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "grabcut" and data["counts"]["person"] >= 3
    assert all(m["source"].startswith("D") for m in data["masks"])
    assert data["annotated_image"] == str(out.resolve()) and out.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "everything"], "mode: Input should be 'auto', 'objects' or 'regions'"),
        (["--min-area", "-5"], "min_area: Input should be greater than or equal to 0"),
        (["--device", "gpu"], "device must be auto, cpu, cuda, cuda:N or mps, got 'gpu'"),
        (["--weights", "/nonexistent/yolo11n-seg.pt"], "YOLO weights file not found"),
        (["--annotate", "/nonexistent-folder/x.png", "--mode", "regions"], "does not exist"),
        (["--annotate", "masks.jpg", "--mode", "regions"], "give a path ending in .png"),
    ],
)
def test_segment_user_errors_are_one_line_and_exit_2(args, message):
    result = run("segment", samples.COINS, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stdout == ""


def test_segment_missing_and_bad_files(tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"not an image at all")
    for path, message in ((tmp_path / "absent.png", "no such file"), (fake, "not an image")):
        result = run("segment", path)
        assert result.exit_code == 2 and message in result.stderr


# ------------------------------------------------------------------ quality


def test_quality_json_for_a_good_photo():
    result = run("quality", samples.BUS, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["reasons"] == []
    assert [m["id"] for m in data["measurements"]][:2] == ["Q1", "Q2"]


def test_quality_table_says_why_a_dark_image_fails(dark_camera, wide):
    result = run("quality", dark_camera)
    assert result.exit_code == 0, result.output
    assert "underexposed" in result.stdout and "fails: too dark" in result.stdout


def test_quality_options():
    result = run("quality", samples.dicom("CT_small.dcm"), "--min-side", "256", "--json")
    data = json.loads(result.stdout)
    assert data["ok"] is False and any("too small" in r for r in data["reasons"])
    bad = run("quality", samples.BUS, "--min-side", "0")
    assert bad.exit_code == 2 and "min_side_px" in bad.stderr


# ------------------------------------------------------------------ colors


def test_colors_json_counts_a_drawn_scene(shapes_png):
    result = run("colors", shapes_png, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"] == {"red circle": 3, "blue square": 1}
    assert data["colours"][0]["label"] == "white" and data["colours"][0]["id"] == "K1"


def test_colors_table(shapes_png, wide):
    result = run("colors", shapes_png)
    assert result.exit_code == 0, result.output
    assert "shapes on a white background" in result.stdout
    assert "red circle: 3" in result.stdout and "S1" in result.stdout
    no_shapes = run("colors", shapes_png, "--no-shapes")
    assert "S1" not in no_shapes.stdout and "K1" in no_shapes.stdout


def test_colors_bad_option(shapes_png):
    result = run("colors", shapes_png, "--max-colors", "0")
    assert result.exit_code == 2 and "max_colours" in result.stderr
