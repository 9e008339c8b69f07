"""Pixel statistics that tell kinds of image apart: a radiograph, a CT or MRI slice, an ultrasound frame,
a fundus photograph, a microscopy field, a photograph, a document or graphic.

What separates them is cheap to measure: colour and which hues, the gray-level histogram, a black
background around a bright centre (CT, MRI, fundus, ultrasound), left-right symmetry, edges and their
directions (text runs along rows), the spatial-frequency spectrum (photographs fall off as 1/f), flat
areas and how few gray levels or colours are used (documents, drawings). Everything is computed with
NumPy on a 128 x 128 thumbnail, so one image costs a few milliseconds whatever its size.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image

SIDE = 128  # the thumbnail every statistic is computed on
MAX_SAMPLE_SIDE = 384  # larger images are subsampled by a stride first: the cost stays bounded
PALETTE_SIDE = 192  # gray levels and colours are counted on a strided sample, never on interpolated pixels
BLACK = 0.04
WHITE = 0.96
CHROMATIC = 0.06  # max - min of the channels (0-1) above which a pixel has a colour
VIVID = 0.25
EDGE = 0.1
STRONG_EDGE = 0.3
BLOCK = 8
FLAT_BLOCK_STD = 0.01
RADIAL_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5)  # distance from the centre over the half side
FREQUENCY_EDGES = (1, 2, 4, 8, 16, 32, 64)  # cycles per thumbnail
PERCENTILES = (2, 10, 25, 50, 75, 90, 98)
HUE_SECTORS = 6
GRAY_BINS = 16
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
_TAN_67 = math.tan(math.radians(67.5))


def feature_names() -> list[str]:
    """The name of each value ``features`` returns, in order."""
    names = ["chroma_mean", "chromatic_fraction", "vivid_fraction", "red_minus_green", "green_minus_blue"]
    names += [f"hue_{i * 360 // HUE_SECTORS}" for i in range(HUE_SECTORS)]
    names += [f"gray_hist_{i}" for i in range(GRAY_BINS)]
    names += [f"gray_p{p}" for p in PERCENTILES]
    names += ["gray_mean", "gray_std", "black_fraction", "white_fraction"]
    names += ["ring_mean", "centre_mean", "corner_mean", "ring_black", "corner_black", "centre_minus_ring"]
    names += [f"radial_{lo:g}_{hi:g}" for lo, hi in zip(RADIAL_EDGES, RADIAL_EDGES[1:], strict=False)]
    names += ["outside_circle_black", "symmetry_lr", "symmetry_ud"]
    names += ["gradient_mean", "gradient_std", "edge_fraction", "strong_edge_fraction", "laplacian"]
    names += ["orient_horizontal", "orient_diagonal", "orient_vertical", "orient_antidiagonal"]
    names += ["block_std_mean", "block_std_spread", "flat_blocks", "flat_bright_blocks"]
    names += [f"power_{lo}_{hi}" for lo, hi in zip(FREQUENCY_EDGES, FREQUENCY_EDGES[1:], strict=False)]
    names += ["spectrum_slope", "gray_levels_used", "top4_gray_share", "top8_colour_share"]
    names += ["log_aspect", "abs_log_aspect"]
    return names


def strided(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """Every n-th pixel so that no side exceeds ``max_side`` (a view, no copy)."""
    step = max(1, math.ceil(max(rgb.shape[:2]) / max_side))
    return rgb[::step, ::step]


def thumbnail(sample: np.ndarray) -> np.ndarray:
    """(SIDE, SIDE, 3) float32 in 0-1: the whole image squeezed to a square, box-filtered."""
    small = Image.fromarray(np.ascontiguousarray(sample), "RGB").resize((SIDE, SIDE), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


def features(rgb: np.ndarray) -> np.ndarray:
    """The statistics of one 8-bit RGB image (H, W, 3), as float64 in the order of ``feature_names``."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or 0 in rgb.shape[:2]:
        raise ValueError(f"features need a non-empty uint8 RGB array (H, W, 3), got {rgb.dtype} {rgb.shape}")
    height, width = rgb.shape[:2]
    sample = np.ascontiguousarray(strided(rgb, MAX_SAMPLE_SIDE))
    thumb = thumbnail(sample)
    gray = thumb @ _LUMA
    parts = [
        _colour(thumb),
        _intensity(gray),
        _layout(gray),
        _edges(gray),
        _blocks(gray),
        _spectrum(gray),
        _palette(strided(sample, PALETTE_SIDE)),
        [math.log(width / height), abs(math.log(width / height))],
    ]
    values = np.concatenate([np.asarray(p, np.float64).ravel() for p in parts])
    return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)


def _colour(thumb: np.ndarray) -> list[float]:
    red, green, blue = thumb[..., 0], thumb[..., 1], thumb[..., 2]
    high = np.maximum(np.maximum(red, green), blue)  # faster than max(axis=2) over three channels
    chroma = high - np.minimum(np.minimum(red, green), blue)
    chromatic = chroma > CHROMATIC
    hue = _hue(thumb[chromatic], high[chromatic], chroma[chromatic])
    sectors = np.bincount(
        (hue * HUE_SECTORS).astype(np.int64).clip(0, HUE_SECTORS - 1), minlength=HUE_SECTORS
    )
    return [
        float(chroma.mean()),
        float(chromatic.mean()),
        float((chroma > VIVID).mean()),
        float((red - green).mean()),
        float((green - blue).mean()),
        *(sectors / chroma.size).tolist(),
    ]


def _hue(pixels: np.ndarray, high: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """Hue in 0-1 (0 red, 1/3 green, 2/3 blue) of (N, 3) pixels whose chroma is above 0."""
    red, green, blue = pixels[:, 0], pixels[:, 1], pixels[:, 2]
    safe = np.where(chroma > 0, chroma, 1.0)
    hue = np.where(
        high == red,
        ((green - blue) / safe) % 6,
        np.where(high == green, (blue - red) / safe + 2, (red - green) / safe + 4),
    )
    return hue / 6.0


def _intensity(gray: np.ndarray) -> list[float]:
    histogram = np.bincount(
        (gray * GRAY_BINS).astype(np.int64).clip(0, GRAY_BINS - 1).ravel(), minlength=GRAY_BINS
    )
    return [
        *np.sqrt(histogram / gray.size).tolist(),  # square roots: small bins still count
        *np.percentile(gray, PERCENTILES).tolist(),
        float(gray.mean()),
        float(gray.std()),
        float((gray < BLACK).mean()),
        float((gray > WHITE).mean()),
    ]


@functools.cache
def _geometry() -> dict[str, np.ndarray]:
    """Masks on the thumbnail, made once: border ring, corners, radial rings, the inscribed circle."""
    band = SIDE // 8
    ring = np.ones((SIDE, SIDE), bool)
    ring[band:-band, band:-band] = False
    corners = np.zeros((SIDE, SIDE), bool)
    for rows in (slice(0, band), slice(-band, None)):
        for cols in (slice(0, band), slice(-band, None)):
            corners[rows, cols] = True
    axis = (np.arange(SIDE) + 0.5 - SIDE / 2) / (SIDE / 2)
    radius = np.hypot(axis[:, None], axis[None, :])
    radial = np.digitize(radius, RADIAL_EDGES[1:-1])  # ring index 0..5 of each pixel
    fy, fx = np.fft.fftfreq(SIDE) * SIDE, np.fft.rfftfreq(SIDE) * SIDE
    bands = np.digitize(np.hypot(fy[:, None], fx[None, :]), FREQUENCY_EDGES) - 1  # -1 below, 6 above
    window = np.hanning(SIDE).astype(np.float32)
    return {
        "ring": ring,
        "corners": corners,
        "radial": radial.ravel(),
        "radial_count": np.bincount(radial.ravel(), minlength=len(RADIAL_EDGES) - 1),
        "outside": radius > 1.0,
        "bands": bands.ravel(),
        "window": np.outer(window, window),
    }


def _layout(gray: np.ndarray) -> list[float]:
    geometry = _geometry()
    quarter = SIDE // 4
    ring, corners, outside = geometry["ring"], geometry["corners"], geometry["outside"]
    centre = float(gray[quarter:-quarter, quarter:-quarter].mean())
    ring_mean = float(gray[ring].mean())
    radial = np.bincount(geometry["radial"], gray.ravel(), minlength=len(RADIAL_EDGES) - 1)
    black = gray < BLACK
    return [
        ring_mean,
        centre,
        float(gray[corners].mean()),
        float(black[ring].mean()),
        float(black[corners].mean()),
        centre - ring_mean,
        *(radial / geometry["radial_count"]).tolist(),
        float(black[outside].mean() - black[~outside].mean()),
        float(np.abs(gray - gray[:, ::-1]).mean()),
        float(np.abs(gray - gray[::-1, :]).mean()),
    ]


def _edges(gray: np.ndarray) -> list[float]:
    dx = gray[:-1, 1:] - gray[:-1, :-1]
    dy = gray[1:, :-1] - gray[:-1, :-1]
    magnitude = np.hypot(dx, dy)
    laplacian = gray[1:-1, :-2] + gray[1:-1, 2:] + gray[:-2, 1:-1] + gray[2:, 1:-1] - 4 * gray[1:-1, 1:-1]
    # direction of the edge line in four 45-degree sectors centred on horizontal, diagonal, vertical and
    # antidiagonal, told apart by the ratio and signs of the gradient's components (no arctan)
    ax, ay = np.abs(dx), np.abs(dy)
    sector = np.where(dx * dy > 0, 3, 1)
    sector = np.where(ay > _TAN_67 * ax, 0, np.where(ax > _TAN_67 * ay, 2, sector))
    weights = np.bincount(sector.ravel(), magnitude.ravel(), minlength=4)
    total = float(weights.sum())
    return [
        float(magnitude.mean()),
        float(magnitude.std()),
        float((magnitude > EDGE).mean()),
        float((magnitude > STRONG_EDGE).mean()),
        float(np.abs(laplacian).mean() / (gray.std() + 1e-3)),
        *((weights / total).tolist() if total > 0 else [0.25] * 4),
    ]


def _blocks(gray: np.ndarray) -> list[float]:
    blocks = (
        gray.reshape(SIDE // BLOCK, BLOCK, SIDE // BLOCK, BLOCK).swapaxes(1, 2).reshape(-1, BLOCK * BLOCK)
    )
    spread = blocks.std(axis=1)
    flat = spread < FLAT_BLOCK_STD
    return [
        float(spread.mean()),
        float(spread.std()),
        float(flat.mean()),
        float((flat & (blocks.mean(axis=1) > 0.5)).mean()),
    ]


def _spectrum(gray: np.ndarray) -> list[float]:
    """Share of the power in each octave of spatial frequency, and the slope of log power density
    against log frequency (about -2 to -3 for photographs of natural scenes)."""
    geometry = _geometry()
    power = np.abs(np.fft.rfft2((gray - gray.mean()) * geometry["window"])).ravel() ** 2
    inside = (geometry["bands"] >= 0) & (geometry["bands"] < len(FREQUENCY_EDGES) - 1)
    count = len(FREQUENCY_EDGES) - 1
    bands = np.bincount(geometry["bands"][inside], power[inside], minlength=count)
    total = bands.sum()
    if total <= 0:
        return [-6.0] * count + [0.0]
    pixels = np.bincount(geometry["bands"][inside], minlength=count)
    centres = np.log10(
        [math.sqrt(lo * hi) for lo, hi in zip(FREQUENCY_EDGES, FREQUENCY_EDGES[1:], strict=False)]
    )
    density = np.log10(bands / pixels + 1e-12)
    slope = float(np.polyfit(centres, density, 1)[0])
    return [*np.log10(bands / total + 1e-6).tolist(), slope]


def _palette(sample: np.ndarray) -> list[float]:
    pixels = sample.reshape(-1, 3).astype(np.int64)
    gray = (pixels @ np.array([299, 587, 114]) // 1000).clip(0, 255)
    levels = np.bincount(gray, minlength=256)
    colours = np.bincount(
        (pixels[:, 0] >> 4) * 256 + (pixels[:, 1] >> 4) * 16 + (pixels[:, 2] >> 4), minlength=4096
    )
    count = len(pixels)
    return [
        float(np.count_nonzero(levels) / 256),
        float(np.sort(levels)[-4:].sum() / count),
        float(np.sort(colours)[-8:].sum() / count),
    ]
