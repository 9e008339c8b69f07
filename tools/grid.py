"""Finding a regular grid of plain cells: a chessboard, a tiled floor, a table of coloured squares.

The things on a grid touch along whole edges or only at their corners, so outlining them one by one
merges cells of one colour that meet at a corner and loses cells the colour of the "background" (a
chessboard's dark squares). The grid is found from its lines instead: a column of pixels is a grid line
when the lightness or colour changes across it along most of the board's height (and a row likewise
along its width), and the lines must fall at equal steps, at least ``MIN_CELLS`` cells each way. The
board's outer edges are either lines of the same step or the image's own edges. Every cell must then be
plain (one even colour inside, away from its edges): a grid of lines over a photo is not a board of
cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EDGE_STEP = 10.0  # CIE76 change across a pixel boundary that makes it part of an edge
LINE_SHARE = 0.8  # a grid line has an edge along this share of the board's extent
CANDIDATE_SHARE = 0.3  # columns (rows) with an edge along this share of the image are candidate lines
MIN_CELLS = 3  # cells each way
MAX_CELLS = 40
STEP_TOLERANCE = 0.12  # lines may stray from the even step by this share of it
MIN_STEP = 6  # pixels: smaller cells are texture
BOARD_SHARE = 0.2  # the board covers at least this share of the image
PLAIN_CELL = 8.0  # CIE76 spread (90th percentile distance from the median) inside a plain cell
PLAIN_SHARE = 0.9  # share of the cells that must be plain
MARGIN = 0.2  # share of a cell's side left out at each edge when its colour is read


@dataclass(frozen=True)
class Grid:
    """Line positions in pixels: ``xs`` (columns + 1 of them) and ``ys`` (rows + 1), outer edges included."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    def cells(self) -> list[tuple[int, int, tuple[int, int, int, int]]]:
        """(row, column, (x1, y1, x2, y2)) for every cell, row by row from the top left."""
        return [
            (r, c, (self.xs[c], self.ys[r], self.xs[c + 1], self.ys[r + 1]))
            for r in range(self.rows)
            for c in range(self.columns)
        ]


def find_grid(lab: np.ndarray) -> Grid | None:
    """The regular grid of plain cells in an (H, W, 3) CIELAB image, or None when there is none."""
    height, width = lab.shape[:2]
    across = np.linalg.norm(np.diff(lab, axis=1), axis=2) > EDGE_STEP  # (H, W-1): edge between x and x+1
    down = np.linalg.norm(np.diff(lab, axis=0), axis=2) > EDGE_STEP  # (H-1, W)
    xs = _even_lines(_candidates(across.mean(axis=0)), width)
    ys = _even_lines(_candidates(down.mean(axis=1)), height)
    if xs is None or ys is None:
        return None
    grid = Grid(xs, ys)
    if (xs[-1] - xs[0]) * (ys[-1] - ys[0]) < BOARD_SHARE * width * height:
        return None
    # every inner line runs the board's whole extent (not just a long edge of one shape)
    inside_rows, inside_columns = slice(ys[0], ys[-1]), slice(xs[0], xs[-1])
    for x in xs[1:-1]:
        if _near(across[inside_rows], x).mean() < LINE_SHARE:
            return None
    for y in ys[1:-1]:
        if _near(down[:, inside_columns].T, y).mean() < LINE_SHARE:
            return None
    return grid if _plain_cells(lab, grid) else None


def cell_pixels(array: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The (N, C) pixels of a cell away from its edges (``MARGIN`` of each side left out)."""
    x1, y1, x2, y2 = box
    dx, dy = int(MARGIN * (x2 - x1)), int(MARGIN * (y2 - y1))
    return array[y1 + dy : y2 - dy, x1 + dx : x2 - dx].reshape(-1, array.shape[2])


def _candidates(profile: np.ndarray) -> list[int]:
    """Pixel boundaries (a boundary b lies between pixels b-1 and b) where the profile of edge shares
    reach ``CANDIDATE_SHARE``; neighbouring boundaries (an anti-aliased edge) count once, at their middle."""
    strong = np.flatnonzero(profile >= CANDIDATE_SHARE)
    peaks: list[int] = []
    run: list[int] = []
    for index in strong:
        if run and index > run[-1] + 1:
            peaks.append(run[len(run) // 2] + 1)
            run = []
        run.append(int(index))
    if run:
        peaks.append(run[len(run) // 2] + 1)
    return peaks


def _even_lines(candidates: list[int], size: int) -> tuple[int, ...] | None:
    """The longest run of lines at one even step among the candidates and the image's two edges, with at
    least ``MIN_CELLS`` cells between its ends; None when there is none."""
    points = sorted({0, size, *candidates})
    if len(points) > 4 * MAX_CELLS:
        return None  # texture
    best: tuple[int, ...] | None = None
    for i, start in enumerate(points):
        for second in points[i + 1 :]:
            step = second - start
            if step < MIN_STEP or step * MIN_CELLS > size:
                continue
            line = [start, second]
            while True:
                expected = line[-1] + step
                near = [p for p in points if abs(p - expected) <= STEP_TOLERANCE * step]
                if not near:
                    break
                line.append(min(near, key=lambda p: abs(p - expected)))
            if len(line) - 1 >= MIN_CELLS and (best is None or len(line) > len(best)):
                best = tuple(line)
    if best is None or len(best) - 1 > MAX_CELLS:
        return None
    return best


def _near(edges: np.ndarray, boundary: int) -> np.ndarray:
    """Per row of ``edges`` (rows, boundaries), whether an edge lies within a pixel of ``boundary``."""
    low, high = max(0, boundary - 2), min(edges.shape[1], boundary + 1)
    return np.asarray(edges[:, low:high].any(axis=1))


def _plain_cells(lab: np.ndarray, grid: Grid) -> bool:
    plain = 0
    for _, _, box in grid.cells():
        pixels = cell_pixels(lab, box)
        if not len(pixels):
            return False
        spread = np.percentile(np.linalg.norm(pixels - np.median(pixels, axis=0), axis=1), 90)
        plain += spread <= PLAIN_CELL
    return plain >= PLAIN_SHARE * grid.rows * grid.columns
