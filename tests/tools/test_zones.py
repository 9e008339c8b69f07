"""Zone files: the accepted shapes, every way a zone can be wrong, and bottom-centre membership."""

from __future__ import annotations

import json

import pytest

from argus.tools.zones import ZoneFileError, bind_zones, load_zones, parse_zones

DOCK = {
    "name": "dock",
    "polygon": [[0.1, 0.5], [0.9, 0.5], [0.9, 1.0], [0.1, 1.0]],
    "normalized": True,
    "attributes": ["restricted"],
    "labels": ["person"],
}


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_issue_shape_is_accepted_from_yaml(tmp_path):
    path = _write(
        tmp_path,
        "zones.yaml",
        "zones: [{name: dock, polygon: [[0.1, 0.5], [0.9, 0.5], [0.9, 1.0], [0.1, 1.0]], normalized: true, "
        "attributes: [restricted], labels: [person]}]",
    )
    (zone,) = load_zones(path)
    assert zone.name == "dock" and zone.attributes == ["restricted"] and zone.labels == ["person"]


def test_json_pixels_and_all_labels(tmp_path):
    path = _write(
        tmp_path,
        "zones.json",
        json.dumps({"zones": [{"name": "exit", "polygon": [[0, 0], [100, 0], [100, 50]]}]}),
    )
    (zone,) = load_zones(path)
    assert not zone.normalized and zone.labels is None and zone.watches("suitcase")


def test_labels_are_normalised():
    (zone,) = parse_zones({"zones": [{**DOCK, "labels": ["people", "cell phone"]}]})
    assert zone.labels == ["person", "cell phone"]


def test_bottom_centre_decides_membership():
    zones = bind_zones(parse_zones({"zones": [DOCK]}), width=1000, height=1000)
    inside = [400, 100, 600, 700]  # bottom centre (500, 700) is inside the dock
    straddling = [400, 100, 600, 450]  # box overlaps nothing below y=500; bottom centre (500, 450) is outside
    on_edge = [400, 100, 600, 500]  # bottom centre exactly on the top edge counts as inside
    assert [z.name for z in zones.containing(inside)] == ["dock"]
    assert zones.containing(straddling) == []
    assert [z.name for z in zones.containing(on_edge)] == ["dock"]


def test_schedule_across_midnight():
    (zone,) = parse_zones({"zones": [{**DOCK, "schedule": ["22:00-06:00"]}]})
    assert zone.active_at(2) and zone.active_at(22, 30) and not zone.active_at(12)


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ({**DOCK, "polygon": [[0, 0], [1, 1], [1, 0], [0, 1]]}, "not simple (Self-intersection"),
        ({**DOCK, "polygon": [[0, 0], [0.5, 0.5], [1, 1]]}, "degenerate"),
        ({**DOCK, "polygon": [[0, 0], [1, 1]]}, "polygon needs >= 3 points, got 2"),
        ({**DOCK, "attributes": ["haunted"]}, "attributes.0: Input should be 'restricted'"),
        ({**DOCK, "polygon": [[0, 0], [1.5, 0], [1, 1]]}, "normalized coordinates must lie in [0, 1]"),
        ({**DOCK, "normalized": False, "polygon": [[-5, 0], [10, 0], [10, 10]]}, "must not be negative"),
        ({**DOCK, "labels": ["unicorn"]}, "unicorn"),
        ({**DOCK, "schedule": ["25:00-26:00"]}, "schedule entries look like"),
        ({**DOCK, "colour": "red"}, "colour: Extra inputs are not permitted"),
        ({**DOCK, "polygon": [[0, 0], [float("nan"), 0], [1, 1]]}, "finite"),
        ({**DOCK, "polygon": [[0.0, 0.0]] * 5000}, "over the limit of 1024"),
        ({"polygon": DOCK["polygon"]}, "name: Field required"),
    ],
    ids=[
        "bowtie",
        "collinear",
        "two-points",
        "unknown-attribute",
        "outside-unit-square",
        "negative",
        "unknown-label",
        "bad-schedule",
        "unknown-key",
        "nan",
        "too-many-points",
        "no-name",
    ],
)
def test_bad_zone_gets_its_message(zone, message):
    with pytest.raises(ZoneFileError) as info:
        parse_zones({"zones": [zone]}, source="site.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("site.yaml: ")


def test_pixel_points_outside_the_image_are_refused():
    zones = parse_zones({"zones": [{"name": "yard", "polygon": [[0, 0], [2000, 0], [2000, 500]]}]})
    with pytest.raises(
        ZoneFileError, match=r"zone 'yard': point \(2000, 0\) lies outside the 810x1080 image"
    ):
        bind_zones(zones, 810, 1080)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("z.yaml", "zones: [{name: a, polygon: [[0,0], [1,0]", "not valid YAML at line"),
        ("z.json", '{"zones": [', "not valid JSON at line 1"),
        ("z.yaml", "", "expected a non-empty list under 'zones'"),
        ("z.yaml", "zones: {name: a}", "expected a non-empty list"),
        ("z.yaml", "areas: []", "unknown top-level key(s) ['areas']"),
        (
            "z.yaml",
            "zones: [{name: a, polygon: [[0,0],[1,0],[1,1]]}, {name: a, polygon: [[0,0],[1,0],[1,1]]}]",
            "zone 'a' is defined twice",
        ),
        (
            "z.yaml",
            "a: &a [1, 1, 1]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nzones: [*c]",
            "YAML aliases (*name) are not allowed",
        ),
    ],
    ids=["yaml-syntax", "json-syntax", "empty", "not-a-list", "unknown-key", "duplicate", "billion-laughs"],
)
def test_bad_zone_files(tmp_path, name, text, message):
    with pytest.raises(ZoneFileError) as info:
        load_zones(_write(tmp_path, name, text))
    assert message in str(info.value)


def test_huge_and_missing_zone_files(tmp_path):
    with pytest.raises(ZoneFileError, match="byte limit"):
        load_zones(_write(tmp_path, "big.yaml", "#" * 1_000_001))
    with pytest.raises(ZoneFileError, match="not found"):
        load_zones(tmp_path / "nope.yaml")
