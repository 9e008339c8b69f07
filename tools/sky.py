"""Where the sky is: the smooth band at the top of an outdoor picture.

No bundled model segments scenes, but open sky has a look of its own: the top rows of the picture, edge
to edge, almost free of edges (clear, hazy, overcast, dusk or night sky alike), where a building's
facade, a room's wall with its fittings or a portrait's hair are textured. The band is the run of rows
from the top in which at least ``SMOOTH_ROWS`` of the pixels are smooth; it must be at least
``MIN_BAND`` of the picture's height to count as sky.
"""

from __future__ import annotations

import numpy as np

WORK_WIDTH = 256  # the picture is judged at this width
SMOOTH_GRADIENT = 12.0  # a pixel whose Sobel gradient (0-255 gray levels) is under this is smooth ...
SMOOTH_ROWS = 0.7  # ... a row with this share of smooth pixels is smooth ...
MIN_BAND = 0.08  # ... and a run of smooth rows from the top this share of the height is sky


def sky_band(rgb: np.ndarray) -> int | None:
    """The bottom (in the picture's own rows) of the smooth band of sky at its top; None when the top of
    the picture is not open sky (a building, a wall, a face, a close-up)."""
    import cv2

    height, width = rgb.shape[:2]
    if height < 8 or width < 8:
        return None
    scale = WORK_WIDTH / width
    small = cv2.resize(rgb, (WORK_WIDTH, max(8, round(height * scale))), interpolation=cv2.INTER_AREA)
    gray = small.astype(np.float32).mean(axis=2) if small.ndim == 3 else small.astype(np.float32)
    gradient = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    smooth_rows = (gradient < SMOOTH_GRADIENT).mean(axis=1) >= SMOOTH_ROWS
    band = len(smooth_rows) if smooth_rows.all() else int(np.argmin(smooth_rows))
    if band < MIN_BAND * len(smooth_rows) or band == len(smooth_rows):
        return None  # no smooth top, or a picture smooth throughout (a blank page, a backdrop)
    return round(band / scale)
