"""The outline of everything on the background taken together, on pictures drawn here: a disc of two
colours cut apart by a white band, a wheel of many hues filling the frame, and pictures that have no one
outline (separate shapes, a disc the frame cuts)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from argus.tools.find_objects import default_min_area
from argus.tools.foreground import find_foreground
from argus.tools.image_io import load_image
from argus.tools.silhouette import find_silhouette
from tests.support.samples import SKIMAGE_DATA


def silhouette_of(image: Image.Image, tmp_path):
    path = tmp_path / "picture.png"
    image.save(path)
    loaded = load_image(str(path))
    return find_silhouette(loaded, find_foreground(loaded, default_min_area(loaded)))


def two_colour_disc(left=(40, 90, 210), right=(240, 200, 40), size=300, band=8, shape="ellipse"):
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    box = (20, 20, size - 20, size - 20)
    getattr(draw, shape)(box, fill=left)
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).polygon([(size * 0.6, 0), (size, 0), (size, size), (size * 0.4, size)], fill=255)
    coloured = Image.new("RGB", (size, size), right)
    shape_mask = Image.new("L", (size, size), 0)
    getattr(ImageDraw.Draw(shape_mask), shape)(box, fill=255)
    image.paste(coloured, (0, 0), Image.fromarray(np.minimum(np.asarray(mask), np.asarray(shape_mask))))
    draw.line([(size * 0.6, 0), (size * 0.4, size)], fill=(255, 255, 255), width=band)  # the white cut
    return image


def test_a_disc_of_two_colours_cut_by_a_white_band_is_one_circle(tmp_path):
    found = silhouette_of(two_colour_disc(), tmp_path)
    assert found is not None and found.shape == "circle"
    assert sorted(name for name, _ in found.colours) == ["blue", "yellow"]


def test_a_square_of_two_colours_is_one_square(tmp_path):
    found = silhouette_of(two_colour_disc((200, 30, 30), (40, 160, 60), shape="rectangle"), tmp_path)
    assert found is not None and found.shape == "square"
    assert sorted(name for name, _ in found.colours) == ["green", "red"]


def test_a_wheel_of_many_hues_filling_the_frame_is_a_circle_of_no_one_colour(tmp_path):
    size = 240
    ys, xs = np.mgrid[0:size, 0:size] - (size - 1) / 2
    hue = (np.degrees(np.arctan2(ys, xs)) + 180) / 360
    hsv = np.stack([hue * 255, np.full_like(hue, 255), np.full_like(hue, 255)], axis=-1).astype(np.uint8)
    wheel = np.asarray(Image.fromarray(hsv, "HSV").convert("RGB")).copy()
    wheel[np.hypot(xs, ys) > size / 2] = 0
    found = silhouette_of(Image.fromarray(wheel), tmp_path)
    assert found is not None and found.shape == "circle"
    assert found.colours == []


def test_separate_shapes_and_a_cut_disc_make_no_one_outline(tmp_path):
    scene = Image.new("RGB", (300, 200), (245, 245, 245))
    draw = ImageDraw.Draw(scene)
    draw.ellipse((20, 50, 100, 130), fill=(200, 40, 40))
    draw.rectangle((180, 60, 260, 140), fill=(40, 60, 200))
    assert silhouette_of(scene, tmp_path) is None
    cut = Image.new("RGB", (300, 200), (245, 245, 245))
    ImageDraw.Draw(cut).ellipse((100, 80, 260, 240), fill=(40, 160, 60))  # its bottom is off the picture
    assert silhouette_of(cut, tmp_path) is None


def test_the_logo_is_a_green_and_orange_circle():
    loaded = load_image(str(SKIMAGE_DATA / "logo.png"))
    found = find_silhouette(loaded, find_foreground(loaded, default_min_area(loaded)))
    assert found is not None and found.shape == "circle"
    assert sorted(name for name, _ in found.colours) == ["green", "orange"]
