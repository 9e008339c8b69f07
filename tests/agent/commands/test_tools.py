"""``argus tools``, ``argus detect`` and ``argus fall`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from argus.cli import app
from argus.tools import TOOLS
from tests.support import samples

ROOT = samples.ROOT
HEAVY = ("torch", "ultralytics", "transformers", "langchain", "langchain_core", "cv2")

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def wide(monkeypatch):
    """Tables as a wide terminal shows them, so cells are not folded mid-word."""
    from argus.agent.commands.common import console

    monkeypatch.setattr(console, "width", 200)


# ------------------------------------------------------------------ argus tools


def test_tools_loads_no_heavy_library():
    code = (
        "import sys; from typer.testing import CliRunner; from cli import app; "
        "r = CliRunner().invoke(app, ['tools']); assert r.exit_code == 0, r.output; "
        "r = CliRunner().invoke(app, ['tools', '--json']); assert r.exit_code == 0, r.output; "
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_tools_imports_no_tool_module():
    code = (
        "import sys; from typer.testing import CliRunner; from argus.cli import app; "
        "r = CliRunner().invoke(app, ['tools']); assert r.exit_code == 0, r.output; "
        "loaded = sorted(m for m in sys.modules if m.startswith('argus.tools.') and m not in "
        "('argus.tools.backend_facts', 'argus.tools.cards', 'argus.tools.errors', 'argus.tools.runtime')); "
        "assert not loaded, loaded; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'importlib_metadata')); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("columns", [80, 120])
def test_tools_in_a_pipe_fits_the_width_and_names_every_tool_whole(columns):
    import os

    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-c", "from argus.cli import app; app()", "tools"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(len(line) <= columns for line in lines), max(lines, key=len)
    assert all(line == line.rstrip() for line in lines)  # no padding to the width in a pipe
    words = {word for line in lines for word in line.split()}
    for name in TOOLS:
        assert name in words, name
    for card in json.loads(run("tools", "--json").stdout):
        for backend in card["backends"]:
            assert backend["name"] in words
            if not backend["available"]:  # the reason is shown whole, wrapped if it must be
                assert " ".join(backend["detail"].split()) in " ".join(done.stdout.split())


def test_tools_json_lists_full_cards():
    result = run("tools", "--json")
    assert result.exit_code == 0, result.output
    cards = {card["name"]: card for card in json.loads(result.stdout)}
    assert list(cards) == list(TOOLS)  # every registered tool, in registry order
    detect = cards["detect_objects"]
    assert detect["evidence_prefixes"] == ["D"]
    assert "labels" in detect["input_schema"]["properties"]
    assert "detections" in detect["output_schema"]["properties"]
    backends = {b["name"]: b for b in detect["backends"]}
    assert backends["ssd-mobilenet-v2-coco"]["available"] is True
    assert backends["ssd-mobilenet-v2-coco"]["weights"].endswith("frozen_inference_graph.pb")
    assert backends["yolo"]["available"] is False and "no YOLO weights given" in backends["yolo"]["detail"]
    onnx, ultralytics = cards["detect_falls"]["backends"]
    assert onnx["available"] is True and onnx["weights"].endswith("best_fp16.onnx")
    assert ultralytics["available"] is True and ultralytics["weights"].endswith("best.pt")
    for card in cards.values():
        assert len(card["description"]) >= 40 and card["backends"]


def test_tools_shows_each_backend_and_whether_it_runs_here(wide):
    result = run("tools")
    assert result.exit_code == 0, result.output
    for text in (
        "detect_objects",
        "ssd-mobilenet-v2-coco",
        "runs here",
        "yolov8n-fall-onnx",
        "yolo 8",
        "not here",
        "no YOLO weights given",
    ):
        assert text in result.stdout


# ------------------------------------------------------------------ argus detect


@pytest.mark.slow
def test_detect_json_is_only_json_with_pixel_boxes():
    result = run("detect", str(samples.BUS), "--json", "--device", "cpu")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tool"] == "detect_objects" and data["backend"] == "ssd-mobilenet-v2-coco"
    assert data["image_size"] == [810, 1080]
    assert data["counts"]["person"] >= 3 and data["counts"]["bus"] == 1
    first = data["detections"][0]
    assert set(first) >= {"id", "tool", "label", "score", "box", "class_id"}
    assert first["id"] == "D1" and len(first["box"]) == 4


@pytest.mark.slow
def test_detect_table_for_people(wide):
    result = run("detect", str(samples.BUS), "--labels", "people", "--min-score", "0.5", "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert "D1" in result.stdout and "person" in result.stdout and " bus " not in result.stdout
    assert "person: 3" in result.stdout


@pytest.mark.slow
def test_detect_with_yolo_weights():
    from argus.tools.detect_falls import bundled_weights

    result = run(
        "detect", str(samples.ZIDANE), "--weights", str(bundled_weights()), "--json", "--device", "cpu"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "yolo" and set(data["counts"]) <= {"Normal", "Fall"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["detect", "{bad}"], "not an image"),
        (["detect", "{missing}"], "no such file"),
        (["detect", str(samples.BUS), "--labels", "persn"], "did you mean 'person'"),
        (["detect", str(samples.BUS), "--weights", "/nonexistent/model.pt"], "YOLO weights file not found"),
        (
            ["detect", str(samples.BUS), "--min-score", "2"],
            "min_score: Input should be less than or equal to 1",
        ),
        (["detect", str(samples.BUS), "--backend", "detr"], "backend: Input should be"),
        (["detect", str(samples.BUS), "--device", "tpu"], "device must be auto, cpu, cuda, cuda:N or mps"),
        (["fall", "{bad}"], "not an image"),
    ],
)
def test_user_errors_exit_2_with_one_line(tmp_path, args, message):
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\x00" * 100)
    args = [a.format(bad=bad, missing=tmp_path / "none.png") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


# ------------------------------------------------------------------ argus fall


@pytest.mark.slow
def test_fall_json_on_bus():
    result = run("fall", str(samples.BUS), "--json", "--device", "cpu")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tool"] == "detect_falls" and data["fallen_count"] == 0
    assert [p["label"] for p in data["persons"]] == ["Normal"] * 4
    assert [p["id"] for p in data["persons"]] == ["F1", "F2", "F3", "F4"]


@pytest.mark.slow
def test_fall_table(wide):
    result = run("fall", str(samples.ZIDANE), "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert "F1" in result.stdout and "fallen: " in result.stdout


# ------------------------------------------------------------------ --annotate


@pytest.mark.slow
@pytest.mark.parametrize("command", ["detect", "fall"])
def test_annotate_writes_the_boxes_onto_a_png(tmp_path, command):
    from PIL import Image

    out = tmp_path / "drawn.png"
    result = run(command, str(samples.BUS), "--annotate", str(out), "--json", "--device", "cpu")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["annotated_image"] == str(out.resolve())
    drawn = Image.open(out)
    assert drawn.format == "PNG" and drawn.size == (810, 1080)
    items = data["detections"] if command == "detect" else data["persons"]
    x1, y1, _, _ = (int(v) for v in items[0]["box"])
    original = Image.open(samples.BUS).convert("RGB")
    assert drawn.convert("RGB").getpixel((x1, y1 + 20)) != original.getpixel((x1, y1 + 20))  # the box edge


@pytest.mark.parametrize(
    ("name", "message"),
    [("drawn.jpg", "give a path ending in .png"), ("no/such/dir/drawn.png", "does not exist")],
)
def test_bad_annotate_path_exits_2(tmp_path, name, message):
    result = run("detect", str(samples.BUS), "--annotate", str(tmp_path / name), "--device", "cpu")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
