"""Regular grids of plain cells, drawn here so the truth is known: boards of several sizes and colours,
a board standing on a page, and pictures that are no board (scattered shapes, stripes, a photo)."""

from __future__ import annotations

from collections import Counter

import pytest
from PIL import Image, ImageDraw

from argus.tools.colour_names import lab
from argus.tools.grid import find_grid
from argus.tools.image_io import load_image
from argus.tools.things import describe_things
from tests.support.samples import SKIMAGE_DATA


def board(rows: int, columns: int, cell: int, colours: tuple, margin: int = 0, page=(250, 250, 250)):
    image = Image.new("RGB", (columns * cell + 2 * margin, rows * cell + 2 * margin), page)
    draw = ImageDraw.Draw(image)
    for r in range(rows):
        for c in range(columns):
            x, y = margin + c * cell, margin + r * cell
            draw.rectangle((x, y, x + cell - 1, y + cell - 1), fill=colours[(r + c) % len(colours)])
    return image


def grid_of(image: Image.Image, tmp_path):
    path = tmp_path / "board.png"
    image.save(path)
    return find_grid(lab(load_image(str(path)).rgb))


@pytest.mark.parametrize(
    ("rows", "columns", "cell", "colours", "margin"),
    [
        (8, 8, 30, ((0, 0, 0), (255, 255, 255)), 0),
        (4, 6, 40, ((200, 30, 30), (30, 60, 200)), 0),
        (5, 5, 24, ((20, 20, 20), (240, 240, 240)), 40),  # a board on a page
        (3, 7, 35, ((40, 160, 60), (245, 215, 35), (35, 85, 215)), 15),
    ],
)
def test_a_board_is_found_with_its_rows_and_columns(tmp_path, rows, columns, cell, colours, margin):
    grid = grid_of(board(rows, columns, cell, colours, margin), tmp_path)
    assert grid is not None
    assert (grid.rows, grid.columns) == (rows, columns)


def test_tiles_with_grout_between_them_are_a_board(tmp_path):
    image = Image.new("RGB", (5 * 50 + 5, 4 * 50 + 5), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    colours = ((180, 60, 40), (60, 120, 180), (200, 180, 60))
    for r in range(4):
        for c in range(5):
            x, y = 5 + 50 * c, 5 + 50 * r
            draw.rectangle((x, y, x + 44, y + 44), fill=colours[(r * 5 + c) % 3])
    grid = grid_of(image, tmp_path)
    assert grid is not None
    assert (grid.rows, grid.columns) == (4, 5)


def test_scattered_shapes_and_stripes_are_no_board(tmp_path):
    scene = Image.new("RGB", (320, 240), (245, 245, 245))
    draw = ImageDraw.Draw(scene)
    for x, y in ((40, 40), (140, 40), (240, 40), (40, 150), (140, 150), (240, 150)):
        draw.ellipse((x, y, x + 50, y + 50), fill=(200, 40, 40))
    assert grid_of(scene, tmp_path) is None
    stripes = Image.new("RGB", (300, 300), (250, 250, 250))
    draw = ImageDraw.Draw(stripes)
    for x in range(0, 300, 60):
        draw.rectangle((x, 0, x + 29, 299), fill=(30, 30, 30))
    assert grid_of(stripes, tmp_path) is None


@pytest.mark.parametrize("name", ["astronaut.png", "coins.png", "page.png", "logo.png"])
def test_photos_are_no_board(name):
    assert find_grid(lab(load_image(str(SKIMAGE_DATA / name)).rgb)) is None


def test_the_cells_of_a_chessboard_are_its_squares():
    _, found = describe_things(load_image(str(SKIMAGE_DATA / "chessboard_RGB.png")), 30)
    assert len(found) == 64
    assert Counter(t.colour for t in found) == {"black": 32, "white": 32}
    assert {t.shape for t in found} == {"square"}
