"""Where an MCP tool call's image may come from: its bytes, a path inside an allowed folder, a sha256."""

from __future__ import annotations

import base64
import shutil

import pytest

from argus.agent.errors import PathNotAllowedError, UnknownImageError
from argus.agent.service.images import ImageStore
from argus.agent.service.mcp.images import ImageData, ImagePath, ImagePolicy, ImageRef
from argus.tools.errors import ArgusError, ImageLoadError, ImageTooLargeError
from tests.support import samples


@pytest.fixture
def folder(tmp_path):
    allowed = tmp_path / "allowed"
    (allowed / "sub").mkdir(parents=True)
    shutil.copy(samples.EXAMPLE_BUS, allowed / "sub" / "bus.jpg")
    shutil.copy(samples.EXAMPLE_BUS, tmp_path / "outside.jpg")
    (allowed / "out.jpg").symlink_to(tmp_path / "outside.jpg")
    (allowed / "loop.jpg").symlink_to(allowed / "loop.jpg")
    return allowed


def policy(folder=None, max_bytes=10_000_000):
    return ImagePolicy(ImageStore(8, 50_000_000), max_bytes, [folder] if folder else None)


def test_a_path_inside_the_folder_loads_and_its_sha256_then_works(folder):
    images = policy(folder)
    image = images.load(ImagePath(path="sub/bus.jpg"))
    assert (image.width, image.height) == (810, 1080)
    assert images.load(ImageRef(sha256=image.sha256.upper())).sha256 == image.sha256
    assert images.load(ImagePath(path=str(folder / "sub" / "bus.jpg"))).sha256 == image.sha256


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("../outside.jpg", PathNotAllowedError),
        ("sub/../../outside.jpg", PathNotAllowedError),
        ("out.jpg", PathNotAllowedError),  # a link that leads out of the folder
        ("/etc/hostname", PathNotAllowedError),
        ("missing.jpg", ImageLoadError),
        ("sub", ImageLoadError),  # a folder
        ("loop.jpg", ImageLoadError),  # a link to itself
    ],
)
def test_paths_outside_or_unusable_are_refused(folder, path, error):
    with pytest.raises(error):
        policy(folder).load(ImagePath(path=path))


def test_over_http_no_path_is_read():
    with pytest.raises(PathNotAllowedError, match="only by a server on stdio"):
        policy(None).load(ImagePath(path=str(samples.EXAMPLE_BUS)))


def test_image_content_is_decoded_with_the_limits():
    data = base64.b64encode(samples.EXAMPLE_BUS.read_bytes()).decode()
    assert policy().load(ImageData(data=data, mimeType="image/jpeg", name="bus.jpg")).name == "bus.jpg"
    with pytest.raises(ImageLoadError, match="base64"):
        policy().load(ImageData(data="%%%not base64", mimeType="image/png"))
    with pytest.raises(ImageTooLargeError):
        policy(max_bytes=1000).load(ImageData(data=data, mimeType="image/jpeg"))
    with pytest.raises(ArgusError, match="mimeType"):
        policy().load(ImageData(data=data, mimeType="text/html"))
    with pytest.raises(ArgusError):  # bytes that are no image
        policy().load(ImageData(data=base64.b64encode(b"hello").decode(), mimeType="image/png"))


def test_an_unknown_sha256_says_to_send_the_image_again():
    with pytest.raises(UnknownImageError, match="upload the image"):
        policy().load(ImageRef(sha256="a" * 64))
