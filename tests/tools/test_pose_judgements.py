"""The pose judgements on drawn skeletons: what each posture, arm and head position reads as, and
``unclear`` when the keypoints it needs are weak."""

from __future__ import annotations

import pytest

from argus.tools.evidence import Keypoint
from argus.tools.pose_judgements import KEYPOINT_NAMES, arms, by_name, facing, posture

BOX = [0.0, 0.0, 100.0, 300.0]


def skeleton(score: float = 0.9, **moved: tuple[float, float]):
    """A person facing the camera, standing, arms down (their left on the image's right), with
    ``moved`` keypoints put elsewhere; a keypoint moved to (x, None) is unseen."""
    at = {
        "nose": (50, 20), "left_eye": (55, 15), "right_eye": (45, 15), "left_ear": (60, 18),
        "right_ear": (40, 18), "left_shoulder": (70, 60), "right_shoulder": (30, 60), "left_elbow": (72, 100),
        "right_elbow": (28, 100), "left_wrist": (72, 140), "right_wrist": (28, 140), "left_hip": (62, 150),
        "right_hip": (38, 150), "left_knee": (62, 220), "right_knee": (38, 220), "left_ankle": (62, 290),
        "right_ankle": (38, 290),
    }  # fmt: skip
    at.update(moved)
    return by_name(
        [
            Keypoint(name=n, x=at[n][0], y=at[n][1] or 0.0, score=score if at[n][1] is not None else 0.05)
            for n in KEYPOINT_NAMES
        ]
    )


def test_standing():
    judged = posture(skeleton(), BOX)
    assert judged.value == "standing" and judged.confidence == 0.9
    assert judged.measurements["knee_angle_deg"] > 170


@pytest.mark.parametrize(
    "legs",
    [
        {"left_knee": (62, 165), "right_knee": (38, 165), "left_ankle": (62, 230), "right_ankle": (38, 230)},
        {
            "left_knee": (110, 155),
            "right_knee": (105, 155),
            "left_ankle": (110, 220),
            "right_ankle": (105, 220),
        },
    ],
    ids=["from-the-front", "from-the-side"],
)
def test_sitting(legs):
    assert posture(skeleton(**legs), BOX).value == "sitting"


def test_lying():
    flat = {
        "left_shoulder": (60, 40), "right_shoulder": (60, 30), "left_hip": (150, 42), "right_hip": (150, 32),
        "left_knee": (220, 42), "right_knee": (220, 32), "left_ankle": (290, 42), "right_ankle": (290, 32),
    }  # fmt: skip
    assert posture(skeleton(**flat), [0, 0, 300, 80]).value == "lying"


def test_weak_keypoints_are_unclear_not_guessed():
    assert posture(skeleton(score=0.1), BOX).value == "unclear"
    assert arms(skeleton(score=0.1)).value == "unclear"
    assert facing(skeleton(score=0.1)).value == "unclear"


def test_legs_out_of_view_are_upright():
    unseen = {name: (0, None) for name in ("left_knee", "right_knee", "left_ankle", "right_ankle")}
    assert posture(skeleton(**unseen), BOX).value == "upright"


def test_arms():
    assert arms(skeleton()).value == "down"
    assert arms(skeleton(left_wrist=(75, 10))).value == "raised"
    assert arms(skeleton(left_wrist=(0, None))).value == "unclear"  # the other might be up


@pytest.mark.parametrize(
    ("moved", "expected"),
    [
        ({}, "camera"),
        ({"nose": (30, 20), "left_eye": (36, 15), "right_eye": (33, 15), "left_ear": (55, 18), "right_ear": (52, 18)}, "left"),
        ({"nose": (70, 20), "left_eye": (64, 15), "right_eye": (67, 15), "left_ear": (45, 18), "right_ear": (48, 18)}, "right"),
        ({"nose": (0, None), "left_eye": (0, None), "right_eye": (0, None), "left_shoulder": (30, 60), "right_shoulder": (70, 60)}, "away"),
    ],
    ids=["camera", "left", "right", "away"],
)  # fmt: skip
def test_facing(moved, expected):
    assert facing(skeleton(**moved)).value == expected
