"""annotate: evidence drawn onto real images and written as PNG, atomically, with clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from argus.tools.annotate import Annotate, AnnotationWriteError
from argus.tools.errors import ToolInputError
from argus.tools.evidence import Detection, Mask, Measurement, TextLine
from argus.tools.image_io import load_image
from argus.tools.masks import CropMask
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture
def annotate() -> Annotate:
    return Annotate(Runtime(device="cpu"))


def detection(i: int, box: list[float], label: str = "person", score: float = 0.9) -> Detection:
    return Detection(id=f"D{i}", tool="detect_objects", label=label, score=score, box=box, class_id=0)


def disc_mask(centre: tuple[int, int], radius: int, height: int, width: int) -> Mask:
    yy, xx = np.mgrid[:height, :width]
    full = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= radius**2
    crop = CropMask.from_full(full)
    return Mask(
        id="M1",
        tool="segment",
        label="region",
        box=crop.box(),
        area_px=crop.area,
        area_fraction=crop.area / full.size,
        rle=crop.rle(height, width),
        source="D1",
    )


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def changed(before: np.ndarray, after: np.ndarray, box: list[float]) -> bool:
    x1, y1, x2, y2 = (int(v) for v in box)
    return bool((before[y1:y2, x1:x2] != after[y1:y2, x1:x2]).any())


def test_boxes_masks_and_text_are_drawn(annotate, tmp_path):
    image = load_image(samples.BUS)
    boxes = [detection(1, [53.0, 394.4, 228.2, 898.3]), detection(2, [5.5, 213.5, 810.0, 758.3], "bus", 0.93)]
    mask = disc_mask((400, 900), 60, image.height, image.width)
    text = TextLine(
        id="T1",
        tool="read_text",
        label="text",
        text="EMT",
        score=0.8,
        box=[430.0, 320.0, 520.0, 360.0],
        polygon=[[430, 320], [520, 320], [520, 360], [430, 360]],
    )
    quality = Measurement(id="Q1", tool="assess_quality", label="exposure", value=115.9, verdict="ok")
    out = tmp_path / "bus.png"
    result = annotate(image, items=[*boxes, mask, text, quality], out=str(out))
    assert result.path == str(out.resolve()) and out.is_file()
    assert result.drawn == ["D1", "D2", "M1", "T1"] and result.skipped == ["Q1"]
    drawn = pixels(out)
    assert drawn.shape == image.rgb.shape
    for item in (*boxes, mask, text):
        assert changed(image.rgb, drawn, item.box), item.id
    # the mask is a tint, not paint: inside it the photo still shows through
    inside = drawn[880:920, 380:420].astype(int) - image.rgb[880:920, 380:420].astype(int)
    assert 0 < np.abs(inside).mean() < 200
    # far from every item the photo is untouched
    assert np.array_equal(drawn[1000:1070, 600:800], image.rgb[1000:1070, 600:800])


def test_items_as_dicts_and_whole_results_draw_the_same(annotate, tmp_path):
    image = load_image(samples.BUS)
    items = [detection(1, [53.0, 394.4, 228.2, 898.3]), detection(2, [676.5, 364.7, 810.0, 866.9])]
    from_models = annotate(image, items=items, out=str(tmp_path / "a.png"))
    from_dicts = annotate(image, items=[i.model_dump() for i in items], out=str(tmp_path / "b.png"))
    assert from_models.drawn == from_dicts.drawn == ["D1", "D2"]
    assert np.array_equal(pixels(tmp_path / "a.png"), pixels(tmp_path / "b.png"))


def test_segment_result_drawn_from_its_polygons(annotate, tmp_path):
    from argus.tools.segment import Segment

    image = load_image(samples.COINS)
    masks = Segment(annotate.runtime)(image, output="polygons")
    result = annotate(image, items=[masks], out=str(tmp_path / "coins.png"))
    assert result.drawn == [m.id for m in masks.masks]
    drawn = pixels(tmp_path / "coins.png")
    for mask in masks.masks:
        assert changed(image.rgb, drawn, mask.box)


def test_zones_are_outlined(annotate, tmp_path):
    image = load_image(samples.BUS)
    zone = {"name": "kerb", "polygon": [[0.0, 0.8], [1.0, 0.8], [1.0, 1.0], [0.0, 1.0]], "normalized": True}
    annotate(image, items=[], zones=[zone], out=str(tmp_path / "z.png"))
    drawn = pixels(tmp_path / "z.png")
    assert changed(image.rgb, drawn, [0, 900, 810, 1080])
    assert np.array_equal(drawn[100:300, 100:300], image.rgb[100:300, 100:300])


def test_grayscale_and_dicom_images_are_drawn_in_colour(annotate, tmp_path):
    out = tmp_path / "ct.png"
    annotate(samples.dicom("CT_small.dcm"), items=[detection(1, [10, 10, 60, 60], "lung")], out=str(out))
    drawn = pixels(out)
    assert drawn.shape == (128, 128, 3)
    assert not np.array_equal(drawn[..., 0], drawn[..., 1])  # the box colour is not gray


def test_write_is_atomic_and_overwrites(annotate, tmp_path):
    out = tmp_path / "x.png"
    out.write_bytes(b"old")
    annotate(samples.BUS, items=[detection(1, [10, 10, 100, 100])], out=str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.png"]  # no temporary file left behind


def test_cached_result_redraws_a_deleted_png(annotate, tmp_path):
    image = load_image(samples.BUS)
    out = tmp_path / "again.png"
    first = annotate(image, items=[detection(1, [10, 10, 100, 100])], out=str(out))
    hits = annotate.runtime.cache.hits
    assert annotate(image, items=[detection(1, [10, 10, 100, 100])], out=str(out)) is first
    assert annotate.runtime.cache.hits == hits + 1
    out.unlink()
    redrawn = annotate(image, items=[detection(1, [10, 10, 100, 100])], out=str(out))
    assert out.is_file() and redrawn.png_sha256 == first.png_sha256


def test_labels_outside_ascii_do_not_break_drawing(annotate, tmp_path):
    item = detection(1, [0, 0, 300, 300], label="pieton \u00e9\u00e8 \u4eba" * 10)
    result = annotate(samples.BUS, items=[item], out=str(tmp_path / "u.png"))
    assert result.drawn == ["D1"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"id": "D1", "box": [10, 10, 5, 50]}], "item D1: a box needs x2 >= x1 and y2 >= y1"),
        ([{"id": "D1", "box": [10, 10, 50]}], "item D1: a box is [x1, y1, x2, y2]"),
        ([{"id": "D1", "box": ["a", 1, 2, 3]}], "item D1: box coordinates must be numbers"),
        ([{"id": "D1", "box": [1, 1, float("inf"), 3]}], "item D1: box coordinates must be finite"),
        ([{"id": "D1", "box": [5000, 5000, 6000, 6000]}], "lies outside the 810x1080 image"),
        (
            [{"id": "M1", "rle": {"size": [10, 10], "counts": [100]}}],
            "item M1: its RLE is 10x10 but the image is 810x1080",
        ),
        (
            [{"id": "M1", "rle": {"size": [1080, 810], "counts": [5]}}],
            "item M1: RLE counts add up to 5 pixels",
        ),
        ([{"id": "M2", "polygons": [[[1, 1], [5, 5]]]}], "item M2: a polygon needs >= 3 [x, y] points"),
        (
            [{"id": "T1", "polygon": [[1, 1], ["x", 5], [3, 3]]}],
            "item T1: a polygon must be a list of [x, y] points",
        ),
        ([{"id": "D1"}] * 5001, "items: List should have at most 5000 items"),
        ([{"id": "T1", "polygon": [[i, i] for i in range(100_001)]}], "at most 100,000 points, got 100,001"),
        (["D1"], "items.0: Input should be a valid dictionary"),
    ],
)
def test_malformed_items_are_refused_by_id(annotate, tmp_path, items, message):
    with pytest.raises(ToolInputError) as info:
        annotate(samples.BUS, items=items, out=str(tmp_path / "bad.png"))
    assert message in str(info.value)
    assert not (tmp_path / "bad.png").exists()


def test_output_path_problems(annotate, tmp_path):
    with pytest.raises(ToolInputError, match="give a path ending in .png, got"):
        annotate(samples.BUS, items=[], out=str(tmp_path / "x.jpg"))
    with pytest.raises(AnnotationWriteError, match="does not exist"):
        annotate(samples.BUS, items=[], out=str(tmp_path / "missing" / "x.png"))
    with pytest.raises(ToolInputError, match="zones.0"):
        annotate(
            samples.BUS,
            items=[],
            zones=[{"name": "z", "polygon": [[0, 0]], "shape": 1}],
            out=str(tmp_path / "z.png"),
        )
