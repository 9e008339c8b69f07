"""segment: threshold regions on real grayscale and DICOM images, GrabCut inside real boxes, the
YOLO-seg loading path on a tiny model built here, and the mask encodings."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.errors import BackendUnavailableError, ToolInputError
from argus.tools.image_io import load_image
from argus.tools.masks import CropMask, decode_rle, encode_rle, mask_polygons, polygons_to_mask
from argus.tools.runtime import Runtime
from argus.tools.segment import Segment
from tests.support import samples

# SSD-MobileNet's person boxes on bus.jpg, as detect_objects reports them.
BUS_PEOPLE = [
    {"box": [53.0, 394.4, 228.2, 898.3], "label": "person", "source": "D1"},
    {"box": [224.9, 407.3, 355.7, 861.9], "label": "person", "source": "D3"},
    {"box": [676.5, 364.7, 810.0, 866.9], "label": "person", "source": "D4"},
]


@pytest.fixture
def segment() -> Segment:
    return Segment(Runtime(device="cpu"))


def discs(
    centres: list[tuple[int, int]], radius: int, size=(240, 480), value=255, background=0
) -> np.ndarray:
    import cv2

    image = np.full(size, background, np.uint8)
    for centre in centres:
        cv2.circle(image, centre, radius, value, -1)
    return image


# ------------------------------------------------------------------ RLE and polygons


def test_rle_is_coco_column_major_starting_with_zeros():
    mask = np.array([[0, 1, 1], [1, 1, 0]], bool)
    # column-major: (0,0)=0 (1,0)=1 (0,1)=1 (1,1)=1 (0,2)=1 (1,2)=0
    assert encode_rle(mask) == {"size": [2, 3], "counts": [1, 4, 1]}
    first_set = np.array([[1, 0], [0, 0]], bool)
    assert encode_rle(first_set)["counts"] == [0, 1, 3]


@pytest.mark.parametrize("seed", range(5))
def test_rle_round_trips_random_masks_and_crops(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        height, width = (int(v) for v in rng.integers(1, 40, 2))
        mask = rng.random((height, width)) < rng.random()
        rle = encode_rle(mask)
        assert sum(rle["counts"]) == height * width
        assert np.array_equal(decode_rle(rle), mask)
        crop = CropMask.from_full(mask)
        assert crop.area == int(mask.sum())
        assert np.array_equal(decode_rle(crop.rle(height, width)), mask)


def test_empty_and_full_masks_round_trip():
    empty = np.zeros((5, 7), bool)
    full = np.ones((5, 7), bool)
    assert decode_rle(encode_rle(empty)).sum() == 0
    assert decode_rle(encode_rle(full)).all()
    assert CropMask.from_full(empty).rle(5, 7) == {"size": [5, 7], "counts": [35]}


def test_polygons_redraw_the_mask():
    mask = discs([(100, 120)], 50, size=(240, 240)) > 0
    polygons = mask_polygons(mask)
    assert len(polygons) == 1 and len(polygons[0]) > 10
    redrawn = polygons_to_mask(polygons, 240, 240)
    iou = (redrawn & mask).sum() / (redrawn | mask).sum()
    assert iou > 0.97


@pytest.mark.parametrize(
    ("rle", "message"),
    [
        ({"size": [2, 2], "counts": [1, 2]}, "add up to 3 pixels but size 2x2 has 4"),
        ({"size": [2, 2], "counts": [1, -1, 4]}, "non-negative integers"),
        ({"size": [2, 2], "counts": "PPYo0"}, "compressed (string) RLE"),
        ({"size": [2], "counts": [4]}, "'size' must be [height, width]"),
        ({"counts": [4]}, "'size' and 'counts'"),
        ({"size": [100000, 100000], "counts": [10**10]}, "over the"),
        ({"size": [2, 2], "counts": [1.5, 2.5]}, "non-negative integers"),
        ("not a dict", "'size' and 'counts'"),
    ],
)
def test_malformed_rle_is_refused_with_the_reason(rle, message):
    with pytest.raises(ToolInputError) as info:
        decode_rle(rle)
    assert message in str(info.value)


# ------------------------------------------------------------------ threshold regions


def test_coins_count_24(segment):
    result = segment(samples.COINS)
    assert result.backend == "threshold" and result.mode == "regions"
    assert 23 <= result.count <= 25
    assert len(result.masks) == result.count
    width, height = result.image_size
    for mask in result.masks:
        x1, y1, x2, y2 = mask.box
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
        # a coin is 30-65 px across in this image
        assert 30 <= max(x2 - x1, y2 - y1) <= 70
        assert np.count_nonzero(decode_rle(mask.rle)) == mask.area_px
    assert [m.id for m in result.masks[:3]] == ["M1", "M2", "M3"]
    areas = [m.area_px for m in result.masks]
    assert areas == sorted(areas, reverse=True)


def test_touching_discs_are_split(segment):
    pairs = discs([(70, 120), (125, 120), (210, 120), (265, 120), (350, 120), (405, 120)], 30)
    assert segment(pairs, mode="regions").count == 6


def test_one_elongated_object_is_not_split(segment):
    import cv2

    image = np.zeros((200, 400), np.uint8)
    cv2.ellipse(image, (200, 100), (160, 25), 10, 0, 360, 255, -1)
    cv2.rectangle(image, (40, 160), (360, 185), 255, -1)
    assert segment(image, mode="regions").count == 2


def test_dark_objects_on_a_light_page(segment):
    image = discs([(80, 80), (200, 80), (320, 160)], 25, value=20, background=230)
    result = segment(image, mode="regions")
    assert result.count == 3
    assert any("dark regions" in note for note in result.notes)


def test_foreground_can_be_forced(segment):
    image = discs([(80, 80), (200, 80)], 25, value=20, background=230)
    bright = segment(image, mode="regions", foreground="bright")
    assert any("bright regions" in note for note in bright.notes)
    assert bright.count != 2  # the page around the discs, not the discs


def test_max_masks_keeps_the_true_count(segment):
    result = segment(samples.COINS, max_masks=5)
    assert len(result.masks) == 5 and 23 <= result.count <= 25
    assert any("the first 5 are listed" in note for note in result.notes)


def test_min_area_drops_small_regions(segment):
    import cv2

    image = discs([(80, 80), (250, 80)], 30)
    cv2.circle(image, (400, 200), 4, 255, -1)
    assert segment(image, mode="regions", min_area=10).count == 3
    assert segment(image, mode="regions", min_area=500).count == 2


def test_dicom_areas_in_square_millimetres(segment):
    image = load_image(samples.dicom("CT_small.dcm"))
    row_mm, col_mm = image.metadata["PixelSpacing"]
    result = segment(image)
    assert result.backend == "threshold"  # a DICOM image goes to regions by default
    assert result.count >= 1
    for mask in result.masks:
        assert mask.area_mm2 == pytest.approx(mask.area_px * row_mm * col_mm, rel=1e-3)
    # the two lungs of this thoracic slice are its dark regions
    assert segment(image, foreground="dark").count == 2


def test_photos_have_no_mm_area(segment):
    assert all(m.area_mm2 is None for m in segment(samples.COINS).masks)


def test_polygon_output(segment):
    result = segment(samples.COINS, output="polygons", max_masks=3)
    assert all(m.rle is None and m.polygons for m in result.masks)
    both = segment(samples.COINS, output="both", max_masks=3)
    for mask in both.masks:
        drawn = polygons_to_mask(mask.polygons, 303, 384)
        rle = decode_rle(mask.rle)
        assert (drawn & rle).sum() / (drawn | rle).sum() > 0.9


def test_second_identical_call_is_a_cache_hit(segment):
    image = load_image(samples.COINS)
    first = segment(image, mode="regions")
    hits = segment.runtime.cache.hits
    again = segment(image, mode="regions")
    assert segment.runtime.cache.hits == hits + 1 and again is first


# ------------------------------------------------------------------ GrabCut


@pytest.mark.slow
def test_grabcut_masks_lie_inside_their_boxes(segment):
    image = load_image(samples.BUS)
    result = segment(image, boxes=BUS_PEOPLE, output="both")
    assert result.backend == "grabcut" and result.mode == "objects"
    assert [m.source for m in result.masks] == ["D1", "D3", "D4"]
    for mask, prompt in zip(result.masks, BUS_PEOPLE, strict=True):
        x1, y1, x2, y2 = prompt["box"]
        pixels = decode_rle(mask.rle)
        ys, xs = np.nonzero(pixels)
        assert xs.min() >= int(x1) and xs.max() < np.ceil(x2)
        assert ys.min() >= int(y1) and ys.max() < np.ceil(y2)
        box_area = (x2 - x1) * (y2 - y1)
        # a standing person fills a good part of the box, never all of it
        assert 0.1 * box_area < mask.area_px < 0.9 * box_area
        assert mask.label == "person"


@pytest.mark.slow
def test_grabcut_is_deterministic():
    first = Segment(Runtime(device="cpu"))(samples.BUS, boxes=BUS_PEOPLE[:1])
    second = Segment(Runtime(device="cpu"))(samples.BUS, boxes=BUS_PEOPLE[:1])
    assert first.masks[0].rle == second.masks[0].rle


@pytest.mark.slow
def test_grabcut_seeded_by_detect_objects(segment):
    from argus.tools import get_tool

    detections = get_tool("detect_objects", segment.runtime)(samples.BUS, labels=["person"])
    result = segment(samples.BUS, labels=["person"])
    assert result.backend == "grabcut"
    assert result.count >= 3 and result.counts == {"person": result.count}
    boxes = {d.id: d.box for d in detections.detections}
    for mask in result.masks:
        x1, y1, x2, y2 = boxes[mask.source]
        mx1, my1, mx2, my2 = mask.box
        assert x1 - 1 <= mx1 and y1 - 1 <= my1 and mx2 <= x2 + 1 and my2 <= y2 + 1


@pytest.mark.slow
def test_colour_photo_defaults_to_objects(segment):
    result = segment(samples.BUS)
    assert result.mode == "objects" and result.backend == "grabcut"
    assert {"person", "bus"} <= set(result.counts)


def test_box_outside_the_image_is_refused(segment):
    with pytest.raises(ToolInputError, match="lies outside the 384x303 image"):
        segment(samples.COINS, boxes=[{"box": [500, 10, 600, 50]}])


# ------------------------------------------------------------------ YOLO-seg


@pytest.fixture(scope="module")
def tiny_seg_weights(tmp_path_factory):
    """A randomly initialised YOLOv8n-seg built from Ultralytics' own yaml (no download), saved as .pt."""
    import os

    os.environ.setdefault("YOLO_AUTOINSTALL", "False")
    os.environ.setdefault("YOLO_OFFLINE", "True")
    import torch
    from ultralytics import YOLO

    from argus.tools.coco import COCO_80
    from argus.tools.yolo import restore_pillow_open

    torch.manual_seed(0)
    model = YOLO("yolov8n-seg.yaml")
    restore_pillow_open()
    model.model.names = dict(enumerate(COCO_80))
    path = tmp_path_factory.mktemp("yolo") / "tiny-seg.pt"
    model.save(str(path))
    return path


@pytest.mark.slow
def test_yolo_seg_weights_run_through_the_backend(segment, tiny_seg_weights):
    result = segment(samples.BUS, weights=str(tiny_seg_weights), min_score=0.0, max_masks=5, output="both")
    assert result.backend == "yolo-seg" and result.mode == "objects"
    assert 1 <= len(result.masks) <= 5
    for mask in result.masks:
        assert mask.label in result.counts and 0.0 <= mask.score <= 1.0
        x1, y1, x2, y2 = mask.box
        assert 0 <= x1 < x2 <= 810 and 0 <= y1 < y2 <= 1080
        assert decode_rle(mask.rle).shape == (1080, 810)
    people = segment(
        samples.BUS, weights=str(tiny_seg_weights), min_score=0.0, labels=["people"], max_masks=3
    )
    assert set(people.counts) <= {"person"}


@pytest.mark.slow
def test_yolo_detection_weights_are_refused(segment):
    from argus.tools.detect_falls import bundled_weights

    with pytest.raises(ToolInputError, match="needs a segmentation model"):
        segment(samples.BUS, weights=str(bundled_weights()))


def test_missing_yolo_weights_say_how_to_get_them(segment):
    with pytest.raises(BackendUnavailableError, match="YOLO weights file not found"):
        segment(samples.BUS, weights="/nonexistent/yolo11n-seg.pt")
    with pytest.raises(BackendUnavailableError, match="never downloads"):
        segment(samples.BUS, weights="yolo11n-seg.pt")


def test_runtime_weights_select_yolo_seg(tmp_path):
    runtime = Runtime(device="cpu", weights={"yolo-seg": str(tmp_path / "absent-seg.pt")})
    tool = Segment(runtime)
    image = load_image(samples.BUS)
    assert tool.select_backend(tool.parse_args(), image).name == "yolo-seg"
    assert tool.select_backend(tool.parse_args(mode="regions"), image).name == "threshold"


# ------------------------------------------------------------------ arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "everything"}, "mode: Input should be 'auto', 'objects' or 'regions'"),
        ({"min_area": -5}, "min_area: Input should be greater than or equal to 0"),
        ({"max_masks": 0}, "max_masks: Input should be greater than or equal to 1"),
        ({"output": "png"}, "output: Input should be 'rle', 'polygons' or 'both'"),
        ({"backend": "sam"}, "backend: Input should be"),
        ({"boxes": [{"box": [10, 10, 5, 20]}]}, "a box needs x2 > x1 and y2 > y1"),
        ({"boxes": [{"box": [1, 2, 3]}]}, "a box is [x1, y1, x2, y2], got 3 numbers"),
        ({"boxes": [{"box": [0, 0, float("nan"), 5]}]}, "finite"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"mode": "regions", "backend": "grabcut"}, "backend 'grabcut' does not do mode 'regions'"),
    ],
)
def test_bad_arguments_name_the_problem(segment, kwargs, message):
    with pytest.raises(ToolInputError) as info:
        segment(samples.COINS, **kwargs)
    assert message in str(info.value)
    assert str(info.value).startswith("segment:")


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((1, 1), np.uint8),
        np.full((60, 80), 128, np.uint8),
        np.full((60, 80, 3), (200, 30, 30), np.uint8),
        np.tile(np.arange(256, dtype=np.uint8), (2, 4)),
    ],
    ids=["one pixel", "flat gray", "flat red", "2 px strip"],
)
def test_degenerate_images_give_no_regions_not_errors(segment, image):
    result = segment(image, mode="regions")
    assert result.count == len(result.masks)
    assert all(m.area_px >= 16 for m in result.masks)


def test_grabcut_with_nothing_to_find_says_so(segment):
    flat = np.full((40, 40, 3), (200, 30, 30), np.uint8)
    result = segment(
        flat, boxes=[{"box": [0, 0, 40, 40]}, {"box": [5, 5, 20, 20], "source": "D7", "label": "cup"}]
    )
    assert result.count == 0
    assert result.notes == [
        "no mask of 16 px or more inside the box of [0, 0, 40, 40] (object)",
        "no mask of 16 px or more inside the box of D7 (cup)",
    ]


def test_boxes_beyond_max_masks_are_left_out_with_a_note(segment):
    result = segment(samples.COINS, boxes=[{"box": [10, 10, 80, 80]}] * 3, max_masks=2)
    assert len(result.masks) <= 2
    assert "1 of the 3 boxes were left out (max_masks=2)" in result.notes


def test_too_many_boxes_or_labels_are_refused(segment):
    with pytest.raises(ToolInputError, match="boxes: List should have at most 500 items"):
        segment(samples.BUS, boxes=[{"box": [0, 0, 10, 10]}] * 501)
    with pytest.raises(ToolInputError, match="at most 80 labels, got 81"):
        segment(samples.BUS, labels=[f"thing{i}" for i in range(81)])


def test_card_and_langchain_face(segment):
    card = segment.card()
    assert card.evidence_prefixes == ["M"]
    assert {b.name for b in card.backends} == {"yolo-seg", "grabcut", "threshold"}
    assert "mode" in card.input_schema["properties"]
    lc = segment.as_langchain(segment.invoke_on(samples.COINS))
    content, artifact = lc.func(mode="regions")
    assert artifact.count == len(artifact.masks) and content.startswith("segment (threshold")
