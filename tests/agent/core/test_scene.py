"""The setting of a picture, judged from the things in it."""

from __future__ import annotations

from types import SimpleNamespace

from argus.agent.core.scene import judge


def _det(i: int, label: str, score: float = 0.9) -> SimpleNamespace:
    return SimpleNamespace(id=f"D{i}", label=label, score=score)


def _guess(i: int, label: str, score: float) -> SimpleNamespace:
    return SimpleNamespace(id=f"L{i}", label=label, score=score)


def test_indoor_things_make_a_room_and_a_toilet_makes_a_sink_a_bathroom():
    found = judge([_det(1, "sink"), _det(2, "toilet"), _det(3, "person")], [])
    assert found.setting == "indoors" and found.room is not None and found.room[0] == "bathroom"
    kitchen = judge([_det(1, "sink"), _det(2, "oven")], [])
    assert kitchen.room is not None and kitchen.room[0] == "kitchen"


def test_outdoor_things_and_places_the_classifier_names_make_outdoors():
    street = judge([_det(1, "bus"), _det(2, "car"), _det(3, "person")], [])
    assert street.setting == "outdoors" and street.place is not None and street.place[0] == "on a street"
    coast = judge([], [_guess(1, "seashore, coast, seacoast, sea-coast", 0.4)])
    assert coast.setting == "outdoors" and [i.id for i in coast.outdoor] == ["L1"]


def test_people_alone_weak_detections_and_a_tie_say_nothing():
    assert judge([_det(1, "person"), _det(2, "dog")], []).setting is None
    assert judge([_det(1, "mouse", 0.5)], []).setting is None  # a stray low-confidence 'mouse'
    assert judge([_det(1, "bed"), _det(2, "car")], []).setting is None
    assert judge([], [_guess(1, "palace", 0.05)]).setting is None  # a guess below the floor


def test_every_place_class_is_one_the_classifier_has():
    from argus.agent.core.scene import INDOOR_CLASSES, OUTDOOR_CLASSES
    from argus.tools.imagenet_classes import NAMES
    from argus.tools.words import first_name

    known = {first_name(n).lower() for n in NAMES}
    assert not (INDOOR_CLASSES | OUTDOOR_CLASSES) - known
