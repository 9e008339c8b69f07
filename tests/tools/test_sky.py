"""Open sky at the top of real photos, and none where the top is a building, a wall or a face."""

from __future__ import annotations

import numpy as np
import pytest

from argus.tools.image_io import as_loaded
from argus.tools.sky import sky_band
from tests.support import samples


@pytest.mark.parametrize(
    ("path", "least", "most"),
    [(samples.CHINA, 0.15, 0.5), (samples.CAMERA, 0.15, 0.5), (samples.ROCKET, 0.2, 0.9)],
    ids=["hazy day over a lake", "overcast sky in grayscale", "dusk sky behind a rocket"],
)
def test_open_sky_is_a_band_at_the_top(path, least, most):
    image = as_loaded(path)
    bottom = sky_band(image.rgb)
    assert bottom is not None and least * image.height <= bottom <= most * image.height


@pytest.mark.parametrize(
    "path",
    [samples.BUS, samples.CHELSEA, samples.COFFEE, samples.ASTRONAUT, samples.ZIDANE, samples.MOTORCYCLE],
    ids=["facade", "cat close-up", "table top", "studio portrait", "stadium crowd", "garage"],
)
def test_no_sky_where_the_top_is_textured(path):
    assert sky_band(as_loaded(path).rgb) is None


def test_a_picture_smooth_throughout_is_no_sky():
    assert sky_band(np.full((120, 160, 3), 200, np.uint8)) is None
