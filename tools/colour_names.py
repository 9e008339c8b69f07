"""Colour names for RGB values, by the nearest named swatch in CIELAB.

Two levels of name:

- a shade from a palette of 21 (red, maroon, orange, yellow, gold, olive, green, teal, cyan, blue,
  navy, purple, magenta, pink, brown, tan, beige, black, white, gray, silver) for what an object
  looks like ("navy", "teal", "beige");
- its colour, one of the 11 basic colour terms most languages share (red, orange, yellow, green,
  blue, purple, pink, brown, black, white, gray): navy is blue, maroon is red, teal and cyan are
  blue, olive is green, gold is yellow, tan is brown, beige is white, silver is gray, magenta is
  pink. Questions ("is the bus blue?") and counts ("how many red circles?") use the colour.

Each shade has several swatches, because the shade of a name spans a region of colour space, not a
point: a single "red" swatch at (255, 0, 0) leaves a shaded red nearer to maroon or black. The
swatches include the darker and greyer versions of each colour that shading and camera exposure
produce, so dark blue is navy (never black), light gray is silver (192 on each channel, as CSS defines
it) and white begins a little above that (a white bus in daylight, about 210 to 250). Distance is CIEDE2000 between CIELAB values, which weighs hue and chroma differences as people
see them; every 8-bit RGB value is looked up in a table built once per process (32 levels per
channel); the table ships precomputed (``colour_table``) because CIEDE2000 over every cell takes
seconds.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from functools import cache
from pathlib import Path

import numpy as np

COLOUR_NAMES: tuple[str, ...] = (
    "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "gray",
)  # fmt: skip

# shade -> (its basic colour, swatches in sRGB). The first swatch is the shade's own.
PALETTE: dict[str, tuple[str, tuple[tuple[int, int, int], ...]]] = {
    "red": ("red", ((220, 30, 30), (255, 0, 0), (190, 25, 35), (230, 70, 60), (200, 60, 50))),
    "maroon": ("red", ((128, 0, 0), (110, 25, 30), (90, 15, 20), (140, 40, 45))),
    "orange": ("orange", ((255, 140, 0), (255, 165, 0), (240, 110, 30), (225, 95, 40), (250, 130, 70))),
    "yellow": ("yellow", ((255, 230, 0), (255, 255, 0), (240, 220, 60), (250, 240, 120), (230, 210, 40))),
    "gold": ("yellow", ((212, 175, 55), (255, 215, 0), (200, 160, 30), (218, 165, 32), (190, 155, 60))),
    "olive": ("green", ((128, 128, 0), (110, 110, 30), (95, 100, 40), (130, 135, 50))),
    "green": ("green", ((0, 160, 60), (0, 128, 0), (40, 180, 60), (120, 200, 80), (30, 100, 40), (60, 140, 60))),
    "teal": ("blue", ((0, 128, 128), (20, 110, 115), (40, 140, 140), (0, 100, 100))),
    "cyan": ("blue", ((0, 200, 220), (0, 255, 255), (80, 210, 230), (60, 180, 200))),
    "blue": ("blue", ((30, 90, 210), (0, 0, 255), (65, 105, 225), (70, 130, 180), (40, 80, 170), (100, 150, 220), (50, 70, 140), (160, 195, 235), (135, 175, 220))),
    "navy": ("blue", ((0, 0, 128), (20, 30, 90), (25, 40, 75), (15, 25, 80), (30, 45, 100))),
    "purple": ("purple", ((128, 0, 128), (120, 60, 200), (100, 40, 140), (150, 90, 200), (75, 20, 90))),
    "magenta": ("pink", ((255, 0, 255), (220, 40, 200), (200, 0, 160))),
    "pink": ("pink", ((255, 170, 190), (255, 192, 203), (255, 105, 180), (230, 120, 150), (240, 150, 170))),
    "brown": ("brown", ((139, 69, 19), (120, 70, 40), (101, 67, 33), (150, 90, 50), (80, 50, 30), (160, 110, 70))),
    "tan": ("brown", ((210, 180, 140), (195, 165, 120), (180, 150, 110), (200, 170, 150))),
    "beige": ("white", ((245, 240, 215), (235, 225, 200), (240, 230, 190))),
    "black": ("black", ((0, 0, 0), (25, 25, 25), (35, 30, 30), (30, 30, 35), (45, 22, 22), (22, 28, 40), (14, 18, 42))),
    "white": ("white", ((255, 255, 255), (235, 235, 235), (218, 220, 224))),
    "gray": ("gray", ((128, 128, 128), (90, 90, 90), (110, 112, 118), (140, 138, 132), (65, 65, 68))),
    "silver": ("gray", ((192, 192, 192), (175, 175, 178), (165, 168, 172), (185, 183, 180))),
}  # fmt: skip

SHADE_NAMES: tuple[str, ...] = tuple(PALETTE)
LUT_BITS = 5  # levels per channel in the lookup table: 2**5 = 32


def colour_of(shade: str) -> str:
    """The basic colour a shade belongs to: navy -> blue."""
    return PALETTE[shade][0]


def shade_swatch(shade: str) -> tuple[int, int, int]:
    """The RGB that stands for a shade (its first swatch)."""
    return PALETTE[shade][1][0]


def name_shades(rgb: np.ndarray) -> np.ndarray:
    """Index into ``SHADE_NAMES`` for each pixel of an (..., 3) uint8 RGB array."""
    rgb = np.asarray(rgb, np.uint8)
    shift = 8 - LUT_BITS
    index = (
        (rgb[..., 0].astype(np.int32) >> shift) << (2 * LUT_BITS)
        | (rgb[..., 1].astype(np.int32) >> shift) << LUT_BITS
        | (rgb[..., 2].astype(np.int32) >> shift)
    )
    return _shade_table()[index]


def name_colours(rgb: np.ndarray) -> np.ndarray:
    """Index into ``COLOUR_NAMES`` for each pixel of an (..., 3) uint8 RGB array."""
    return _shade_to_colour()[name_shades(rgb)]


def name_shade(rgb: tuple[int, int, int] | list[int] | np.ndarray) -> str:
    """The shade name of one RGB colour, e.g. "navy"."""
    return SHADE_NAMES[int(name_shades(np.asarray(rgb, np.uint8).reshape(1, 3))[0])]


def name_colour(rgb: tuple[int, int, int] | list[int] | np.ndarray) -> str:
    """The basic colour name of one RGB colour, e.g. "blue"."""
    return colour_of(name_shade(rgb))


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an (..., 3) uint8 sRGB array: L in 0..100, a and b about -128..127."""
    from skimage.color import rgb2lab

    rgb = np.asarray(rgb, np.uint8)
    return rgb2lab(rgb.reshape(-1, 1, 3) / 255.0).reshape(rgb.shape).astype(np.float32)


@cache
def _shade_to_colour() -> np.ndarray:
    return np.array([COLOUR_NAMES.index(colour_of(s)) for s in SHADE_NAMES], np.int8)


def palette_fingerprint() -> str:
    """A digest of the swatches and the table's resolution: the stored table is for this palette."""
    return hashlib.sha256(repr((LUT_BITS, PALETTE)).encode()).hexdigest()[:16]


@cache
def _shade_table() -> np.ndarray:
    """Shade index for every RGB cell of the lookup table: the stored one (``colour_table``) when it
    was computed for this palette, else computed here (seconds: CIEDE2000 for 32,768 cells)."""
    from argus.tools import colour_table

    if palette_fingerprint() == colour_table.FINGERPRINT:
        packed = zlib.decompress(base64.b64decode(colour_table.TABLE))
        return np.frombuffer(packed, np.int8).copy()
    return compute_shade_table()


def compute_shade_table() -> np.ndarray:
    """Shade index for every RGB cell of the lookup table, by the nearest swatch (CIEDE2000)."""
    from skimage.color import deltaE_ciede2000

    levels = (np.arange(2**LUT_BITS) << (8 - LUT_BITS)) + (1 << (7 - LUT_BITS))  # cell centres
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    cells = lab(grid.astype(np.uint8))
    swatches = [(i, rgb) for i, shade in enumerate(SHADE_NAMES) for rgb in PALETTE[shade][1]]
    swatch_lab = lab(np.array([rgb for _, rgb in swatches], np.uint8))
    best = np.full(len(cells), np.inf, np.float32)
    out = np.zeros(len(cells), np.int8)
    for (shade, _), target in zip(swatches, swatch_lab, strict=True):
        distance = deltaE_ciede2000(cells, np.broadcast_to(target, cells.shape)).astype(np.float32)
        closer = distance < best
        best[closer] = distance[closer]
        out[closer] = shade
    return out


def write_colour_table(path: Path | None = None) -> Path:
    """Store the lookup table for the current palette (``python -m argus.tools.colour_names``)."""
    path = path or Path(__file__).with_name("colour_table.py")
    packed = base64.b64encode(zlib.compress(compute_shade_table().astype(np.int8).tobytes(), 9)).decode()
    lines = [packed[i : i + 100] for i in range(0, len(packed), 100)]
    body = "\n".join(f'    "{line}"' for line in lines)
    path.write_text(
        '"""The colour-name lookup table, computed by ``python -m argus.tools.colour_names`` (do not edit):\n'
        "the shade index of each of the 32,768 RGB cells, int8, zlib-compressed, base64. ``colour_names``\n"
        'uses it only while FINGERPRINT matches its palette, and computes the table otherwise."""\n\n'
        f'FINGERPRINT = "{palette_fingerprint()}"\n\nTABLE = (\n{body}\n)\n',
        encoding="utf-8",
    )
    return path


if __name__ == "__main__":
    print(write_colour_table())
