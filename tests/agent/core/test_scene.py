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


def test_open_sky_votes_outdoors():
    sky = SimpleNamespace(id="K1", label="blue", score=None)
    found = judge([_det(1, "person")], [], sky)
    assert found.setting == "outdoors" and found.outdoor == [sky]


def test_traffic_makes_a_city_and_farm_animals_the_countryside():
    from argus.agent.core.scene import judge_area

    assert judge_area([_det(1, "bus"), _det(2, "person")], []).area == "city"
    assert judge_area([_det(1, "cow"), _det(2, "sheep")], []).area == "countryside"
    assert judge_area([], [_guess(1, "alp", 0.5)]).area == "countryside"
    assert judge_area([_det(1, "person"), _det(2, "dog")], []).area is None
    assert judge_area([_det(1, "car"), _det(2, "horse")], []).area is None  # a tie says nothing


def test_daylight_reads_the_sky_first_then_a_bright_outdoor_picture():
    from argus.agent.core.scene import daylight

    assert daylight(0.8, 0.5, outdoors=True) == "day"
    assert daylight(0.15, 0.5, outdoors=True) == "night"
    assert daylight(0.38, 0.5, outdoors=True) is None  # neither bright nor dark: dusk or dawn
    assert daylight(None, 0.6, outdoors=True) == "day"
    assert daylight(None, 0.6, outdoors=False) is None  # a lit room says nothing of the time
    assert daylight(None, 0.2, outdoors=True) is None  # a dark picture may only be underexposed


def test_every_area_class_is_one_the_classifier_has():
    from argus.agent.core.scene import CITY_CLASSES, COUNTRY_CLASSES
    from argus.tools.imagenet_classes import NAMES
    from argus.tools.words import first_name

    known = {first_name(n).lower() for n in NAMES}
    assert not (CITY_CLASSES | COUNTRY_CLASSES) - known
