"""Questions about what people are doing and how they hold themselves become ``pose`` programs; the
same words about animals and things, and falls, stay with their own forms."""

from __future__ import annotations

import pytest

from argus.agent.core.program import is_yes_no
from argus.agent.planner.parser import parse


def pose(question: str) -> dict:
    return parse(question).program.dump()


@pytest.mark.parametrize(
    ("question", "asked", "expected", "extra"),
    [
        ("What's the guy doing?", "doing", None, {}),
        ("what are those people up to", "doing", None, {}),
        ("What is the lady on the right doing in this photo?", "doing", None, {"rank": "rightmost"}),
        ("Is the boy seated?", "posture", "sitting", {}),
        ("Is she standing up?", "posture", "standing", {}),
        ("Is somebody laying down?", "posture", "lying", {}),
        ("Are all the people standing?", "posture", "standing", {"every": True}),
        ("Is any person sitting?", "posture", "sitting", {}),
        ("How many persons are seated?", "posture", "sitting", {"count": True}),
        ("how many women are standing up right now", "posture", "standing", {"count": True}),
        ("Is the woman standing or sitting?", "posture", None, {}),
        ("Are there any people sitting?", "posture", "sitting", {}),
        ("Are the kids standing?", "posture", "standing", {"every": True}),
        ("How many are sitting down?", "posture", "sitting", {"count": True}),
        ("How many people are looking at the camera?", "facing", "camera", {"count": True}),
        ("How many of them have their hands raised?", "arms", "raised", {"count": True}),
        ("Has he got his hands in the air?", "arms", "raised", {}),
        ("Is the player lifting his arm?", "arms", "raised", {}),
        ("Are their hands up?", "arms", "raised", {"every": True}),
        ("In which direction is the woman looking?", "facing", None, {}),
        ("What way is she facing?", "facing", None, {}),
        ("Is the man turned toward the camera?", "facing", "camera", {}),
        ("Is she facing away?", "facing", "away", {}),
        ("Does he have his back to the camera?", "facing", "away", {}),
        ("Is the person on the left facing to the right?", "facing", "right", {"rank": "leftmost"}),
        ("Who is standing?", "posture", "standing", {"which": True}),
        ("Which of the men has his hands up?", "arms", "raised", {"which": True}),
        ("which person is looking at the camera", "facing", "camera", {"which": True}),
    ],
)
def test_pose_questions(question, asked, expected, extra):
    program = pose(question)
    assert program["op"] == "pose", program
    assert program["asked"] == asked and program.get("expected") == expected
    assert program["target"]["label"] == "person"
    assert program.get("every", False) == extra.get("every", False)
    assert program.get("count", False) == extra.get("count", False)
    if "rank" in extra:
        assert program["target"]["rank"] == extra["rank"]


def test_yes_no_follows_expected():
    assert is_yes_no(parse("Is the man standing?").program.root)
    assert not is_yes_no(parse("How many people are standing?").program.root)
    assert not is_yes_no(parse("Which way is he facing?").program.root)


@pytest.mark.parametrize(
    "question",
    [
        "Is the cat sitting?",
        "What is the dog doing?",
        "Is the horse facing left or right?",
        "Is someone lying on the ground?",
        "Has anyone fallen?",
        "Is the camera standing on a tripod?",
        "What is the man holding?",
    ],
)
def test_other_questions_keep_their_forms(question):
    assert pose(question)["op"] != "pose"
