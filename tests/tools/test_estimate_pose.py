"""estimate_pose: the bundled MoveNet Lightning model on real photos, run on each person box, and the
judgements its keypoints support."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from argus.tools.estimate_pose import EstimatePose, square_crop
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture(scope="module")
def tool() -> EstimatePose:
    return EstimatePose(Runtime(device="cpu"))


def _inside(point, box, slack):
    x1, y1, x2, y2 = box
    return x1 - slack <= point.x <= x2 + slack and y1 - slack <= point.y <= y2 + slack


@pytest.mark.slow
def test_bus_people_stand_and_their_keypoints_lie_in_their_boxes(tool):
    result = tool(samples.BUS)
    assert len(result.poses) >= 3
    assert [pose.id for pose in result.poses] == [f"P{i + 1}" for i in range(len(result.poses))]
    for pose in result.poses:
        assert len(pose.keypoints) == 17 and pose.keypoints[0].name == "nose"
        slack = 0.1 * max(pose.box[2] - pose.box[0], pose.box[3] - pose.box[1])
        seen = [k for k in pose.keypoints if k.score >= 0.3]
        assert seen and all(_inside(k, pose.box, slack) for k in seen)
    # the three people the detector finds are on their feet, legs in view
    assert sum(pose.posture.value == "standing" for pose in result.poses) >= 3
    assert not any(pose.posture.value in ("sitting", "lying") for pose in result.poses)


@pytest.mark.slow
def test_the_cameraman_stands_side_on_to_the_right(tool):
    (pose,) = tool(samples.CAMERA).poses
    assert pose.posture.value == "standing"
    assert "thigh_drop" in pose.posture.measurements and 0 < pose.posture.confidence <= 1
    assert pose.facing.value == "right"
    assert pose.arms.value != "raised"


@pytest.mark.slow
def test_people_cut_off_at_the_waist_are_upright_not_guessed(tool):
    poses = tool(samples.ZIDANE).poses + tool(samples.ASTRONAUT).poses
    assert poses
    assert all(pose.posture.value in ("upright", "unclear") for pose in poses)
    assert tool(samples.ASTRONAUT).poses[0].facing.value == "camera"


@pytest.mark.slow
def test_given_boxes_are_read_and_keep_their_source(tool):
    result = tool(samples.CAMERA, persons=[{"box": [0, 62, 302, 508], "source": "D7"}])
    (pose,) = result.poses
    assert pose.source == "D7" and pose.box == [0.0, 62.0, 302.0, 508.0]


@pytest.mark.slow
@pytest.mark.parametrize("image", [samples.CHINA, None], ids=["china", "blank"])
def test_no_person_no_pose(tool, image, tmp_path):
    if image is None:
        image = tmp_path / "blank.png"
        Image.fromarray(np.full((240, 320, 3), 127, np.uint8)).save(image)
    result = tool(image)
    assert result.poses == [] and result.notes


def test_square_crop_pads_outside_the_image():
    rgb = np.full((100, 200, 3), 255, np.uint8)
    crop, left, top, side = square_crop(rgb, [150, 0, 200, 100])
    assert crop.shape[0] == crop.shape[1] == side
    assert left + side > 200 and top < 0  # the square leaves the image on the right and at the top
    assert crop[0, 0].tolist() == [0, 0, 0] and crop[int(side) // 2, int(side) // 2].tolist() == [255] * 3
