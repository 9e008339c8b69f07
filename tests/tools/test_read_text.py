"""read_text: RapidOCR on real pages, handwriting, text-free and degenerate images, and the
space restoration it applies to the recogniser's output."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from argus.tools.errors import ImageLoadError, ToolInputError
from argus.tools.ocr_spacing import restore_spaces
from argus.tools.read_text import ReadText
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture(scope="module")
def reader() -> ReadText:
    return ReadText(Runtime(device="cpu"))


def _inside(box: list[float], width: int, height: int) -> bool:
    x1, y1, x2, y2 = box
    return 0 <= x1 <= x2 <= width and 0 <= y1 <= y2 <= height


def _rendered(text: str, size: tuple[int, int], fill: str = "black", background: str = "white") -> np.ndarray:
    image = Image.new("RGB", size, background)
    font = ImageFont.load_default(size=24)
    ImageDraw.Draw(image).text((6, (size[1] - 24) // 2), text, fill=fill, font=font)
    return np.asarray(image)


# ------------------------------------------------------------------------ real images


@pytest.mark.slow
def test_page_reads_its_heading_with_the_space_between_words(reader):
    result = reader(samples.PAGE)
    assert result.lines[0].text == "Region-based segmentation"
    assert "histogram of grey values:" in result.text
    assert "background. These markers are pixels that we can label" in result.text
    assert [line.id for line in result.lines] == [f"T{i}" for i in range(1, len(result.lines) + 1)]
    for line in result.lines:
        assert line.score >= 0.5 and line.label == "text" and line.tool == "read_text"
        assert _inside(line.box, 384, 162)
        assert len(line.polygon) == 4
        xs, ys = [p[0] for p in line.polygon], [p[1] for p in line.polygon]
        assert line.box == [min(xs), min(ys), max(xs), max(ys)]
    assert any("spaces between words restored" in note for note in result.notes)


@pytest.mark.slow
def test_restoring_spaces_only_adds_spaces(reader):
    restored = reader(samples.PAGE)
    raw = reader(samples.PAGE, restore_spaces=False)
    assert [line.box for line in raw.lines] == [line.box for line in restored.lines]
    for before, after in zip(raw.lines, restored.lines, strict=True):
        assert before.text.replace(" ", "") == after.text.replace(" ", "")
        assert after.text.count(" ") >= before.text.count(" ")
    assert not raw.notes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "size", "fill", "background"),
    [
        ("Exit 4 closes at 22:00 daily", (520, 40), "white", "navy"),
        ("open the gate at seven", (400, 34), "black", "white"),
    ],
    ids=["light on dark", "dark on light"],
)
def test_rendered_sentence_is_read_word_for_word(reader, sentence, size, fill, background):
    result = reader(_rendered(sentence, size, fill=fill, background=background))
    assert [line.text for line in result.lines] == [sentence]


@pytest.mark.slow
def test_handwritten_formulas_give_few_low_confidence_fragments(reader):
    default = reader(samples.TEXT)
    lenient = reader(samples.TEXT, min_score=0.1)
    assert all(line.score >= 0.5 for line in default.lines)
    assert all(line.score >= 0.1 for line in lenient.lines)
    assert {line.text for line in default.lines} <= {line.text for line in lenient.lines}
    assert len(lenient.lines) > len(default.lines)
    for line in lenient.lines:
        assert _inside(line.box, 448, 172) and line.text.strip()


@pytest.mark.slow
def test_photo_without_text_gives_no_lines(reader):
    result = reader(samples.CAMERA)
    assert result.lines == [] and result.text == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    "shape",
    [(8, 8, 3), (1, 1, 3), (1, 5000, 3), (5000, 1, 3), (12, 40, 3)],
    ids=["8x8", "1x1", "1-px strip", "1-px column", "12x40"],
)
def test_tiny_and_degenerate_images_give_no_lines_and_no_error(reader, shape):
    result = reader(np.full(shape, 230, np.uint8))
    assert result.lines == []
    assert result.image_size == (shape[1], shape[0])


@pytest.mark.slow
def test_max_lines_keeps_the_first_lines_in_reading_order_and_says_so(reader):
    full = reader(samples.PAGE)
    cut = reader(samples.PAGE, max_lines=2)
    assert [line.text for line in cut.lines] == [line.text for line in full.lines[:2]]
    assert any(f"{len(full.lines) - 2} more line(s)" in note for note in cut.notes)


@pytest.mark.slow
def test_second_identical_call_is_a_cache_hit(reader):
    first = reader(samples.PAGE)
    assert reader.cached(samples.PAGE)
    assert reader(samples.PAGE) is first


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"min_score": 1.5}, "min_score"),
        ({"min_score": -0.1}, "min_score"),
        ({"max_lines": 0}, "max_lines"),
        ({"max_lines": "many"}, "max_lines"),
        ({"language": "en"}, "language"),
    ],
)
def test_bad_arguments_are_refused_with_the_field_named(reader, args, message):
    with pytest.raises(ToolInputError, match=message):
        reader(samples.PAGE, **args)


def test_a_file_that_is_not_an_image_is_refused(reader, tmp_path):
    bogus = tmp_path / "notes.png"
    bogus.write_text("Region-based segmentation")
    with pytest.raises(ImageLoadError, match="not an image"):
        reader(bogus)


# ------------------------------------------------------------- restore_spaces alone


def _glyph_row(gaps: list[int], glyph: int = 8, height: int = 30) -> tuple[np.ndarray, list, list]:
    """A light image with dark square 'glyphs' separated by ``gaps``, their polygon and centre boxes."""
    width = 10 + glyph * (len(gaps) + 1) + sum(gaps) + 10
    gray = np.full((height, width), 220, np.uint8)
    boxes, x = [], 10
    for gap in [*gaps, 0]:
        gray[8 : height - 8, x : x + glyph] = 30
        boxes.append([[x, 5], [x + glyph, 5], [x + glyph, height - 5], [x, height - 5]])
        x += glyph + gap
    polygon = [[5, 3], [width - 5, 3], [width - 5, height - 3], [5, height - 3]]
    return gray, polygon, boxes


def test_a_wide_ink_gap_becomes_a_space():
    gray, polygon, boxes = _glyph_row([2, 2, 9, 2, 2])
    assert restore_spaces(gray, polygon, list("abcdef"), boxes) == "abc def"


def test_light_text_on_dark_ground_is_read_the_same_way():
    gray, polygon, boxes = _glyph_row([2, 9, 2])
    assert restore_spaces(255 - gray, polygon, list("abcd"), boxes) == "ab cd"


def test_even_gaps_change_nothing():
    gray, polygon, boxes = _glyph_row([2, 2, 2, 2])
    assert restore_spaces(gray, polygon, list("abcde"), boxes) is None


def test_existing_spaces_are_kept_and_not_doubled():
    gray, polygon, boxes = _glyph_row([2, 20, 2])
    (x1, _), (x2, _) = boxes[1][1], boxes[2][0]
    space = [[x1 + 4, 5], [x2 - 4, 5], [x2 - 4, 25], [x1 + 4, 25]]
    assert restore_spaces(gray, polygon, ["a", "b", " ", "c", "d"], [*boxes[:2], space, *boxes[2:]]) is None


@pytest.mark.parametrize(("gap", "expected"), [(12, None), (25, "ab c def")])
def test_spaces_the_recogniser_wrote_set_how_wide_a_new_one_must_be(gap, expected):
    # a gap of 12 is a break among letter gaps of 2, but not beside a written space of 30
    gray, polygon, boxes = _glyph_row([2, gap, 30, 2, 2])
    (x1, _), (x2, _) = boxes[2][1], boxes[3][0]
    space = [[x1 + 4, 5], [x2 - 4, 5], [x2 - 4, 25], [x1 + 4, 25]]
    chars = ["a", "b", "c", " ", "d", "e", "f"]
    assert restore_spaces(gray, polygon, chars, [*boxes[:3], space, *boxes[3:]]) == expected


@pytest.mark.slow
def test_large_capitals_are_not_split_into_letters(reader):
    result = reader(samples.SUITES / "card.png")
    assert [line.text for line in result.lines] == ["ARGUS EVAL 2024", "GATE 7 OPEN"]


def test_chinese_characters_are_never_split():
    gray, polygon, boxes = _glyph_row([2, 12, 2])
    assert restore_spaces(gray, polygon, list("区域分割"), boxes) is None


def test_a_blank_crop_or_mismatched_boxes_change_nothing():
    gray, polygon, boxes = _glyph_row([2, 9, 2])
    assert restore_spaces(np.full_like(gray, 200), polygon, list("abcd"), boxes) is None
    assert restore_spaces(gray, polygon, list("abc"), boxes) is None


def test_a_vertical_line_is_left_alone():
    gray, polygon, boxes = _glyph_row([2, 9, 2])
    tall = [[3, 3], [10, 3], [10, 28], [3, 28]]
    assert restore_spaces(gray, tall, list("abcd"), boxes) is None


# --------------------------------------------------------------------- card and LangChain


def test_card_lists_the_backend_and_its_bundled_models(reader):
    card = reader.card()
    assert card.name == "read_text" and card.evidence_prefixes == ["T"]
    assert set(card.input_schema["properties"]) == {"min_score", "max_lines", "restore_spaces"}
    (backend,) = card.backends
    assert backend.name == "rapidocr" and backend.available, backend.detail


@pytest.mark.slow
def test_langchain_face_reads_the_bound_image(reader):
    lc = reader.as_langchain(reader.invoke_on(samples.PAGE))
    assert set(lc.args) == {"min_score", "max_lines", "restore_spaces"}
    message = lc.invoke({"type": "tool_call", "name": "read_text", "id": "call-1", "args": {"max_lines": 1}})
    assert (
        message.content.splitlines()[1]
        == "[T1] text score=1.00 box=[7, 12, 292, 33] text='Region-based segmentation'"
    )
    assert message.artifact.lines[0].id == "T1"
