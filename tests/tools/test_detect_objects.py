"""detect_objects on real photos with the bundled SSD-MobileNet-v2 COCO graph (and YOLO weights)."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.boxes import class_wise_nms
from argus.tools.coco import COCO_80, COCO_90, UnknownLabelError, match_label, resolve_labels
from argus.tools.detect_objects import DetectObjects
from argus.tools.errors import ImageLoadError, ToolInputError
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture(scope="module")
def detector() -> DetectObjects:
    return DetectObjects(Runtime(device="cpu"))


def iou(a: list[float], b: list[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


# ------------------------------------------------------------------ labels


def test_tf_label_map_has_80_names_on_ids_1_to_90_with_the_documented_gaps():
    assert len(COCO_90) == 80 and len(set(COCO_90.values())) == 80
    assert (COCO_90[1], COCO_90[6], COCO_90[13], COCO_90[77], COCO_90[90]) == (
        "person",
        "bus",
        "stop sign",
        "cell phone",
        "toothbrush",
    )
    assert {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}.isdisjoint(COCO_90)
    assert list(COCO_90.values()) == list(COCO_80)


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("person", "person"),
        ("People", "person"),
        ("persons", "person"),
        ("cell phone", "cell phone"),
        ("cellphone", "cell phone"),
        ("Cell-Phones", "cell phone"),
        ("buses", "bus"),
        ("benches", "bench"),
        ("horses", "horse"),
        ("skis", "skis"),
        ("knives", "knife"),
        ("TV", "tv"),
        ("traffic_lights", "traffic light"),
        ("sofa", "couch"),
        ("motorbikes", "motorcycle"),
    ],
)
def test_user_labels_match_coco_names(asked, expected):
    assert match_label(asked, COCO_80) == expected


def test_label_matching_uses_the_models_own_vocabulary():
    assert resolve_labels(["falls", "normal"], ["Normal", "Fall"], "the fall model") == ["Fall", "Normal"]
    with pytest.raises(UnknownLabelError, match="'people' is not a class of the fall model"):
        resolve_labels(["people"], ["Normal", "Fall"], "the fall model")


def test_unknown_label_names_close_matches():
    with pytest.raises(UnknownLabelError) as err:
        resolve_labels(["persn"], COCO_80, "SSD")
    message = str(err.value)
    assert "'persn' is not a class of SSD (80 classes" in message and "did you mean 'person'" in message


def test_repeated_labels_are_resolved_once():
    assert resolve_labels(["person", "people", "bus"], COCO_80, "SSD") == ["person", "bus"]


# ------------------------------------------------------------------ NMS


def test_nms_is_class_wise():
    boxes = np.array([[0, 0, 100, 100], [5, 5, 100, 100], [0, 0, 100, 100], [300, 300, 400, 400]], np.float32)
    scores = np.array([0.9, 0.8, 0.7, 0.6], np.float32)
    classes = np.array([1, 1, 2, 1])
    kept = sorted(class_wise_nms(boxes, scores, classes, 0.5).tolist())
    # the second box overlaps the first of its class and goes; the same box of another class stays
    assert kept == [0, 2, 3]


# ------------------------------------------------------------------ SSD on real photos


@pytest.mark.slow
def test_ssd_finds_people_and_the_bus_in_pixel_coordinates(detector):
    result = detector(samples.BUS)
    assert result.backend == "ssd-mobilenet-v2-coco"
    assert result.image_size == (810, 1080)
    assert result.counts["person"] >= 3 and result.counts["bus"] == 1
    bus = next(d for d in result.detections if d.label == "bus")
    assert bus.score > 0.8 and bus.class_id == 6
    x1, y1, x2, y2 = bus.box
    assert x2 - x1 > 0.8 * 810  # the bus spans most of the width
    assert 150 < y1 < 300 and 650 < y2 < 850
    for d in result.detections:
        assert 0 <= d.box[0] < d.box[2] <= 810 and 0 <= d.box[1] < d.box[3] <= 1080
    assert [d.id for d in result.detections] == [f"D{i}" for i in range(1, len(result.detections) + 1)]
    scores = [d.score for d in result.detections]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_labels_filter_keeps_only_those_classes(detector):
    result = detector(samples.BUS, labels=["people"])
    assert result.labels_filter == ["person"]
    assert {d.label for d in result.detections} == {"person"} and len(result.detections) >= 3
    assert detector(samples.BUS, labels="bus, person").counts == detector(samples.BUS).counts


@pytest.mark.slow
def test_labels_filter_with_nothing_found_says_so(detector):
    result = detector(samples.BUS, labels=["giraffe"])
    assert result.detections == [] and result.counts == {}
    assert result.notes == ["no detections of giraffe scored 0.3 or more"]


@pytest.mark.slow
def test_min_score_drops_weaker_boxes(detector):
    loose = detector(samples.BUS, min_score=0.3)
    strict = detector(samples.BUS, min_score=0.8)
    assert all(d.score >= 0.8 for d in strict.detections)
    assert len(strict.detections) < len(loose.detections)
    assert {d.label for d in strict.detections} == {"person", "bus"}


@pytest.mark.slow
def test_max_detections_keeps_the_best(detector):
    result = detector(samples.BUS, max_detections=2)
    assert [d.label for d in result.detections] == ["person", "bus"]
    assert result.detections[0].score > 0.95


@pytest.mark.slow
def test_nms_iou_removes_overlapping_boxes_of_one_class(detector):
    loose = detector(samples.ZIDANE, min_score=0.02, nms_iou=1.0).detections
    strict = detector(samples.ZIDANE, min_score=0.02, nms_iou=0.1).detections
    assert len(strict) < len(loose)
    for i, a in enumerate(strict):
        for b in strict[i + 1 :]:
            if a.label == b.label:
                assert iou(a.box, b.box) <= 0.1 + 1e-6


@pytest.mark.slow
def test_second_identical_call_is_a_cache_hit(detector):
    first = detector(samples.BUS, min_score=0.4)
    assert detector.cached(samples.BUS, min_score=0.4)
    assert detector(samples.BUS, min_score=0.4) is first


@pytest.mark.slow
def test_run_batch_equals_per_image_results(detector, monkeypatch):
    monkeypatch.setattr("argus.tools.detect_objects.BATCH_IMAGES", 2)  # three images make two chunks
    runtime = Runtime(device="cpu")
    batch = DetectObjects(runtime).run_batch([samples.BUS, samples.ZIDANE, samples.COFFEE], min_score=0.25)
    singles = [DetectObjects(Runtime(device="cpu"))(p, min_score=0.25) for p in (samples.BUS, samples.ZIDANE)]
    assert batch[0].model_dump() == singles[0].model_dump()
    assert batch[1].model_dump() == singles[1].model_dump()
    assert batch[1].counts["person"] == 2
    # the batch filled the cache image by image
    assert DetectObjects(runtime).cached(samples.COFFEE, min_score=0.25)


def test_run_batch_of_nothing_is_empty(detector):
    assert detector.run_batch([]) == []


def test_run_batch_refuses_a_bad_image_by_name(detector, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    with pytest.raises(ImageLoadError, match="broken.png"):
        detector.run_batch([samples.BUS, bad])


@pytest.mark.slow
def test_grayscale_image_runs(detector):
    result = detector(samples.CAMERA)
    assert result.image_size == (512, 512)
    assert "person" in result.counts


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_score": 1.5}, "min_score: Input should be less than or equal to 1"),
        ({"max_detections": 0}, "max_detections: Input should be greater than or equal to 1"),
        ({"nms_iou": 0}, "nms_iou: Input should be greater than 0"),
        ({"backend": "detr"}, "backend: Input should be"),
        ({"labels": ["x"] * 81}, "at most 80 labels, got 81"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_arguments_are_refused(detector, kwargs, message):
    with pytest.raises(ToolInputError, match="detect_objects: bad arguments") as err:
        detector(samples.BUS, **kwargs)
    assert message in str(err.value)


@pytest.mark.slow
def test_unknown_label_in_filter_is_an_error(detector):
    with pytest.raises(UnknownLabelError, match="'helicopter' is not a class of the ssd-mobilenet-v2-coco"):
        detector(samples.BUS, labels=["person", "helicopter"])


def test_overlong_label_is_refused(detector):
    with pytest.raises(UnknownLabelError, match="at most 64 characters"):
        detector(samples.BUS, labels=["a" * 5000])


def test_not_an_image_is_refused(detector, tmp_path):
    bad = tmp_path / "bus.jpg"
    bad.write_text("hello")
    with pytest.raises(ImageLoadError):
        detector(bad)


@pytest.mark.slow
def test_tiny_image_gives_boxes_inside_it(detector):
    tiny = load_image(samples.BUS).rgb[::40, ::40].copy()  # 21 x 27 pixels
    result = detector(tiny, min_score=0.01)
    for d in result.detections:
        assert 0 <= d.box[0] <= d.box[2] <= 21 and 0 <= d.box[1] <= d.box[3] <= 27


# ------------------------------------------------------------------ YOLO through Ultralytics


@pytest.fixture(scope="module")
def fall_weights() -> str:
    from argus.tools.detect_falls import bundled_weights

    path = bundled_weights()
    assert path is not None and path.is_file()
    return str(path)


@pytest.mark.slow
def test_yolo_backend_runs_user_weights_with_the_models_own_classes(detector, fall_weights):
    result = detector(samples.ZIDANE, weights=fall_weights)
    assert result.backend == "yolo" and result.weights == fall_weights
    assert len(result.detections) == 2
    assert {d.label for d in result.detections} <= {"Normal", "Fall"}
    for d in result.detections:
        assert d.class_id in (0, 1) and d.score >= 0.3
        assert 0 <= d.box[0] < d.box[2] <= 1280 and 0 <= d.box[1] < d.box[3] <= 720
    # the right-hand person (Ancelotti) stands in the right half of the frame
    assert any(d.box[0] > 600 for d in result.detections)


@pytest.mark.slow
def test_yolo_labels_filter_uses_the_models_names(detector, fall_weights):
    result = detector(samples.BUS, weights=fall_weights, labels=["normal"])
    assert result.labels_filter == ["Normal"] and result.counts == {"Normal": 4}
    with pytest.raises(UnknownLabelError, match="'bus' is not a class of the yolo detector \\(2 classes"):
        detector(samples.BUS, weights=fall_weights, labels=["bus"])


@pytest.mark.slow
def test_auto_backend_follows_configured_weights(fall_weights):
    runtime = Runtime(device="cpu", weights={"yolo": fall_weights})
    tool = DetectObjects(runtime)
    assert tool(samples.BUS).backend == "yolo"
    assert tool(samples.BUS, backend="ssd-mobilenet-v2-coco").counts["bus"] == 1
    yolo = next(b for b in tool.card().backends if b.name == "yolo")
    assert yolo.available and yolo.weights == fall_weights


@pytest.mark.slow
def test_yolo_run_batch_equals_per_image_results(fall_weights):
    batch = DetectObjects(Runtime(device="cpu")).run_batch(
        [samples.BUS, samples.ZIDANE, samples.BUS], weights=fall_weights
    )
    single = DetectObjects(Runtime(device="cpu"))
    for path, result in zip((samples.BUS, samples.ZIDANE, samples.BUS), batch, strict=True):
        expected = single(path, weights=fall_weights)
        assert [d.label for d in result.detections] == [d.label for d in expected.detections]
        for got, want in zip(result.detections, expected.detections, strict=True):
            assert got.score == pytest.approx(want.score, abs=1e-3)
            assert got.box == pytest.approx(want.box, abs=1.0)


def test_yolo_without_weights_says_how_to_give_them(detector):
    from argus.tools.errors import BackendUnavailableError

    with pytest.raises(BackendUnavailableError, match="no YOLO weights given: pass weights=PATH"):
        detector(samples.BUS, backend="yolo")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("/nonexistent/dir/model.pt", "YOLO weights file not found: /nonexistent/dir/model.pt"),
        ("yolo11n.pt", "'yolo11n.pt' are not a file here, and Argus never downloads weights at run time"),
        (".", "YOLO weights must be a file, got a folder"),
    ],
)
def test_bad_weights_path_is_refused_before_loading(detector, weights, message):
    from argus.tools.errors import BackendUnavailableError

    with pytest.raises(BackendUnavailableError, match="backend 'yolo' is not available here") as err:
        detector(samples.BUS, weights=weights)
    assert message in str(err.value)


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"", b"not a checkpoint", bytes(range(256)) * 20])
def test_corrupt_weights_file_is_refused(detector, tmp_path, content):
    from argus.tools.errors import BackendUnavailableError

    bad = tmp_path / "model.pt"
    bad.write_bytes(content)
    with pytest.raises(BackendUnavailableError, match=f"could not load YOLO weights {bad}"):
        detector(samples.BUS, weights=str(bad))


def test_weights_with_the_ssd_backend_is_a_contradiction(detector):
    with pytest.raises(ToolInputError, match="weights are for the yolo backend"):
        detector(samples.BUS, backend="ssd-mobilenet-v2-coco", weights="x.pt")


@pytest.mark.slow
def test_loading_yolo_leaves_the_image_loaders_errors_alone(detector, fall_weights, tmp_path):
    """Ultralytics patches PIL.Image.open on import; a non-image must still be a NotAnImageError."""
    from PIL import Image

    from argus.tools.errors import NotAnImageError

    detector(samples.BUS, weights=fall_weights)
    assert Image.open.__module__ == "PIL.Image"
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(NotAnImageError):
        detector(bad)


@pytest.mark.slow
def test_langchain_face_takes_the_input_schema(detector):
    lc = detector.as_langchain(detector.invoke_on(samples.BUS))
    assert set(lc.args) >= {"labels", "min_score", "max_detections", "nms_iou", "backend", "weights"}
    message = lc.invoke(
        {"type": "tool_call", "name": "detect_objects", "id": "call-1", "args": {"labels": ["bus"]}}
    )
    assert message.content.splitlines()[1].startswith("[D1] bus score=0.93")
    assert message.artifact.counts == {"bus": 1}


@pytest.mark.slow
def test_classification_weights_are_refused_for_detection(detector, tmp_path):
    """A YOLO classifier built from Ultralytics' own config (random weights, no download) has no boxes."""
    from argus.tools.errors import BackendUnavailableError
    from argus.tools.yolo import import_ultralytics

    weights = tmp_path / "tiny-cls.pt"
    import_ultralytics()("yolov8n-cls.yaml").save(str(weights))
    with pytest.raises(
        BackendUnavailableError, match="are a 'classify' model; detection needs one of: detect"
    ):
        detector(samples.BUS, weights=str(weights))


def test_an_opencv_that_reads_no_tensorflow_graph_gets_one_clear_message(monkeypatch):
    import cv2

    from argus.tools.errors import BackendUnavailableError

    def refuse(*_args):
        raise cv2.error("TensorFlow importer has been removed")

    monkeypatch.setattr(cv2.dnn, "readNet", refuse)
    detector = DetectObjects(Runtime(device="cpu"))  # a runtime of its own: no model loaded yet
    with pytest.raises(BackendUnavailableError, match=r"opencv-python<5\.1.*--weights yolo="):
        detector(np.zeros((64, 64, 3), np.uint8))
