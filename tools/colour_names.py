"""Plain colour names for RGB values: red, orange, yellow, green, blue, purple, pink, brown, black,
white, gray.

Naming is by rules on hue, chroma and brightness rather than by the nearest palette entry: a
nearest-entry rule calls dark red "brown" or "black" depending on which swatch happens to be
closer, while the rules below follow how people name colours (dark or greyish orange is brown,
pale red is pink, anything without chroma is black, gray or white by brightness).
"""

from __future__ import annotations

import numpy as np

COLOUR_NAMES: tuple[str, ...] = (
    "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "gray",
)  # fmt: skip

ACHROMATIC_CHROMA = 0.12  # (max - min) / 255 below this: no hue to speak of
BLACK_VALUE = 0.22  # brightness (max channel / 255) below this is black whatever the hue
WHITE_VALUE = 0.85


def name_colours(rgb: np.ndarray) -> np.ndarray:
    """Index into ``COLOUR_NAMES`` for each pixel of an (..., 3) uint8 RGB array."""
    values = rgb.astype(np.float32) / 255.0
    top = values.max(axis=-1)
    chroma = top - values.min(axis=-1)
    hue = _hue_degrees(values, top, chroma)
    saturation = np.divide(chroma, top, out=np.zeros_like(top), where=top > 0)

    out = np.full(top.shape, COLOUR_NAMES.index("gray"), np.int8)

    def assign(condition: np.ndarray, name: str) -> None:
        out[condition] = COLOUR_NAMES.index(name)

    chromatic = chroma >= ACHROMATIC_CHROMA
    # hue bands, in degrees
    red = (hue < 15) | (hue >= 340)
    orange = (hue >= 15) & (hue < 40)
    yellow = (hue >= 40) & (hue < 70)
    green = (hue >= 70) & (hue < 170)
    blue = (hue >= 170) & (hue < 260)
    purple = (hue >= 260) & (hue < 290)
    magenta = (hue >= 290) & (hue < 340)
    dark = top < 0.66
    pale = (saturation < 0.5) & (top >= 0.75)

    assign(chromatic & red & pale, "pink")
    assign(chromatic & red & ~pale, "red")
    assign(chromatic & (red | orange) & dark & (saturation >= 0.25), "brown")
    assign(chromatic & orange & ~dark & (saturation >= 0.35), "orange")
    assign(chromatic & orange & ~dark & (saturation < 0.35), "brown")  # tan, beige
    assign(chromatic & orange & dark & (saturation < 0.25), "gray")
    assign(chromatic & yellow & ~dark, "yellow")
    assign(chromatic & yellow & dark, "brown")
    assign(chromatic & green, "green")
    assign(chromatic & blue, "blue")
    assign(chromatic & purple, "purple")
    assign(chromatic & magenta & dark, "purple")
    assign(chromatic & magenta & ~dark, "pink")
    assign(~chromatic & (top >= WHITE_VALUE), "white")
    assign(top < BLACK_VALUE, "black")
    return out


def name_colour(rgb: tuple[int, int, int] | list[int] | np.ndarray) -> str:
    """The name of one RGB colour."""
    return COLOUR_NAMES[int(name_colours(np.asarray(rgb, np.uint8).reshape(1, 3))[0])]


def _hue_degrees(values: np.ndarray, top: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    r, g, b = values[..., 0], values[..., 1], values[..., 2]
    safe = np.where(chroma > 0, chroma, 1.0)
    hue = np.where(
        top == r,
        ((g - b) / safe) % 6.0,
        np.where(top == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0),
    )
    return np.where(chroma > 0, hue * 60.0, 0.0)
