"""A setting the user gave that cannot be honoured (weights that are not there, a backend that does
not exist, a GPU this machine lacks) is one line and exit 2 before any work, on every command, and
an ArgusError from the Python API: never a quiet run on other settings."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from argus import Assistant
from argus.cli import app
from argus.tools.errors import ArgusError
from argus.tools.runtime import Runtime
from tests.support import samples

runner = CliRunner()
BUS = str(samples.BUS)
ZONES = '{"zones": [{"name": "dock", "polygon": [[0, 0], [1, 0], [1, 1]], "normalized": true}]}'


@pytest.fixture
def no_gpu(monkeypatch):
    """torch sees no CUDA and no MPS device, whatever this machine has."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


@pytest.fixture
def no_work(monkeypatch):
    """Any tool run fails the test: a refused setting must stop the command before the first tool."""
    from argus.tools import base

    def ran(*_: object, **__: object) -> None:
        raise AssertionError("a tool ran although the settings were refused")

    monkeypatch.setattr(base.Tool, "__call__", ran)


def _refused(args: list[str], says: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output


def _commands(tmp_path, extra: list[str]) -> list[list[str]]:
    zones = tmp_path / "zones.json"
    zones.write_text(ZONES)
    return [
        ["ask", BUS, "How many people?", *extra],
        ["chat", BUS, *extra],
        ["assess", BUS, "--zones", str(zones), "--annotate", str(tmp_path / "a.png"), *extra],
        ["triage", BUS, "--out", str(tmp_path / "t"), "--audit-db", str(tmp_path / "a.db"), *extra],
        ["serve", "--no-auth", "--port", "0", *extra],
        ["detect", BUS, *extra],
        ["fall", BUS, *extra],
        ["segment", BUS, *extra],
        ["describe", BUS, *extra],
        ["ocr", BUS, *extra],
        ["classify", BUS, *extra],
    ]


@pytest.mark.parametrize("device", ["cuda", "cuda:1", "mps"])
def test_every_command_refuses_a_device_torch_cannot_see(tmp_path, no_gpu, no_work, device):
    for args in _commands(tmp_path, ["--device", device]):
        _refused(args, f"device {device.split(':')[0]!r}" if device == "mps" else f"device {device!r}")


@pytest.mark.parametrize(
    ("weights", "says"),
    [
        ("yolo=/nonexistent/yolo11n.pt", "YOLO weights file not found: /nonexistent/yolo11n.pt"),
        ("yolo-seg=/nonexistent/seg.pt", "YOLO weights file not found: /nonexistent/seg.pt"),
        ("torchxrayvision=/nonexistent/w.pt", "weights file not found"),
        ("transformers-captioner=/nonexistent/blip", "not a model folder"),
        (
            "yolov8=/models/yolov8n.pt",
            "yolo, yolo-seg, yolov8n-fall, transformers-captioner, torchxrayvision",
        ),
    ],
)
def test_ask_and_chat_refuse_weights_that_cannot_be_used(no_work, weights, says):
    for command in (["ask", BUS, "How many people?"], ["chat", BUS]):
        _refused([*command, "--weights", weights], says)


def test_a_folder_is_not_a_weights_file(tmp_path, no_work):
    _refused(
        ["ask", BUS, "How many people?", "--weights", f"yolo={tmp_path}"], "must be a file, got a folder"
    )
    _refused(
        [
            "triage",
            BUS,
            "--out",
            str(tmp_path / "t"),
            "--audit-db",
            str(tmp_path / "a.db"),
            "--cxr-weights",
            str(tmp_path),
        ],
        "weights file not found",
    )


def test_weights_from_the_environment_are_checked_too(monkeypatch, no_work):
    monkeypatch.setenv("ARGUS_WEIGHTS", "yolo=/nonexistent/yolo11n.pt")
    _refused(["ask", BUS, "How many people?"], "YOLO weights file not found")


def test_a_bad_frame_cap_in_the_environment_is_refused_before_work(monkeypatch, no_work):
    monkeypatch.setenv("ARGUS_MAX_FRAMES", "0")
    _refused(["ask", BUS, "How many people?"], "ARGUS_MAX_FRAMES must be a whole number")


# ------------------------------------------------------------------------------ Python API


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"weights": {"yolo": "/nonexistent/yolo11n.pt"}}, "YOLO weights file not found"),
        ({"weights": {"yolov8": "/models/yolov8n.pt"}}, "unknown weights backend 'yolov8'"),
        ({"device": "cuda"}, "no CUDA GPU"),
        ({"device": "cuda:3"}, "no CUDA GPU"),
        ({"device": "mps"}, "no MPS support"),
        ({"device": "tpu"}, "device must be auto, cpu, cuda, cuda:N or mps"),
    ],
)
def test_the_assistant_refuses_settings_it_cannot_honour(no_gpu, options, says):
    with pytest.raises(ArgusError, match=says):
        Assistant(llm="planner", check_llm=False, **options)
    with pytest.raises(ArgusError, match=says):
        Assistant(llm="planner", check_llm=False, runtime=Runtime(**options))


def test_the_checked_runtime_keeps_what_it_can_honour(tmp_path):
    weights = tmp_path / "yolo11n.pt"
    weights.write_bytes(b"not checked beyond being a file here")
    runtime = Runtime(device="cpu", weights={"yolo": str(weights)}).check()
    assert runtime.resolved_device == "cpu" and runtime.weights == {"yolo": str(weights)}


def test_checking_cpu_or_auto_does_not_import_torch():
    code = (
        "import sys; from argus.tools.runtime import Runtime; "
        "[Runtime(device=d).check() for d in ('auto', 'cpu')]; "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
