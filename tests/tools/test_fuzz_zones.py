"""Fuzzing the zones parser: generated structures through ``parse_zones`` and generated or mutated YAML
and JSON text through ``load_zones`` either give zones that keep every documented promise or raise
ZoneFileError; nothing else escapes, nothing hangs. Regression tests for what the fuzzers found follow."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from argus.tools.zones import (
    MAX_POINTS,
    MAX_ZONES,
    ZONE_ATTRIBUTES,
    Zone,
    ZoneFileError,
    load_zones,
    parse_zones,
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)
COORD = st.one_of(st.floats(-10, 2000), st.sampled_from([0.0, 1.0, 0.5, math.nan, math.inf, -1.0, 1e308]))
POINT = st.one_of(st.tuples(COORD, COORD).map(list), JSONISH)
ZONE = st.fixed_dictionaries(
    {"name": st.one_of(st.text(min_size=1, max_size=20), SCALARS)},
    optional={
        "polygon": st.one_of(st.lists(POINT, max_size=8), JSONISH),
        "normalized": st.one_of(st.booleans(), SCALARS),
        "attributes": st.lists(st.sampled_from([*ZONE_ATTRIBUTES, "vault", ""]), max_size=3),
        "labels": st.one_of(st.none(), st.lists(st.sampled_from(["person", "people", "car", "unicorn", ""]))),
        "schedule": st.lists(
            st.sampled_from(["22:00-06:00", "08:00-17:30", "25:00-01:00", "noon"]), max_size=2
        ),
        "loitering_seconds": st.one_of(st.floats(allow_nan=True), st.integers(-5, 600)),
        "colour": st.text(max_size=5),
    },
)
ZONE_FILES = st.one_of(
    st.fixed_dictionaries({"zones": st.lists(ZONE, max_size=4)}),
    st.lists(ZONE, max_size=4),
    JSONISH,
)


def _check(zones: list[Zone]) -> None:
    """What parse_zones promises about every zone it returns."""
    assert 0 < len(zones) <= MAX_ZONES
    assert len({z.name for z in zones}) == len(zones)
    for zone in zones:
        assert 3 <= len(zone.polygon) <= MAX_POINTS
        for x, y in zone.polygon:
            assert math.isfinite(x) and math.isfinite(y) and x >= 0 and y >= 0
            if zone.normalized:
                assert x <= 1 and y <= 1


@FUZZ
@given(data=ZONE_FILES)
def test_parse_zones_on_generated_structures(data):
    try:
        zones = parse_zones(data, "fuzz")
    except ZoneFileError as exc:
        assert str(exc).startswith("fuzz: ")
        return
    _check(zones)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _load_text(folder: Path, text: str, suffix: str) -> None:
    path = folder / f"zones{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        zones = load_zones(path)
    except ZoneFileError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return
    _check(zones)


def _mutate(text: str, edits: list[tuple[float, str, int]]) -> str:
    for where, junk, cut in edits:
        at = int(where * len(text))
        text = text[:at] + junk + text[at + cut :]
    return text


EDITS = st.lists(
    st.tuples(
        st.floats(0, 1, exclude_max=True),
        st.one_of(
            st.sampled_from(list("[]{}:,-#&*!'\"\n ") + ["- ", ": ", "&a ", "*a", "!!int "]),
            st.text(max_size=4),
        ),
        st.integers(0, 3),
    ),
    max_size=4,
)


@FUZZ
@given(data=ZONE_FILES, edits=EDITS, as_json=st.booleans())
@example(data={"zones": [{"name": "a", "polygon": [[0, 0], [1, 0], [1, 1]]}]}, edits=[], as_json=False)
def test_load_zones_on_generated_and_mutated_text(folder, data, edits, as_json):
    text = json.dumps(data, allow_nan=True) if as_json else yaml.safe_dump(data, allow_unicode=True)
    _load_text(folder, _mutate(text, edits), ".json" if as_json else ".yaml")


@FUZZ
@given(text=st.text(max_size=300), suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_load_zones_on_arbitrary_text(folder, text, suffix):
    _load_text(folder, text, suffix)


# ------------------------------------------------------------------ regressions the fuzzers found


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        # PyYAML's parsers slow with the square of the flow depth (minutes for 100,000 levels): a hang.
        # (PyYAML 6.0.4 stops deep flow nesting itself, before Argus's check: refused either way.)
        ("[" * 400_000 + "]" * 400_000, ".yaml", None),
        ("zones:\n" + "- " * 400_000 + "x\n", ".yaml", "nested more than 8 levels deep"),
        # json.loads raised RecursionError.
        ("[" * 100_000 + "]" * 100_000, ".json", "nested far deeper than a zones file needs"),
        # int() refuses more than 4,300 digits with ValueError, which was not a ZoneFileError.
        (
            '{"zones": [{"name": "a", "polygon": [[1' + "0" * 5000 + ", 0], [1, 1], [0, 1]]}]}",
            ".json",
            "cannot be read",
        ),
        (
            "zones:\n- name: a\n  polygon: [[1" + "0" * 5000 + ", 0], [1, 1], [0, 1]]\n",
            ".yaml",
            "cannot be read",
        ),
        # YAML's timestamp constructor raised ValueError for month 13.
        (
            "zones:\n- name: 2024-13-01\n  polygon: [[0, 0], [1, 0], [1, 1]]\n",
            ".yaml",
            "month must be in 1..12",
        ),
        # The float constructor indexes an empty value: IndexError (found on findings files).
        ("zones: !!float ''\n", ".yaml", "not valid YAML: a value cannot be built"),
    ],
    ids=["deep-flow", "deep-block", "deep-json", "big-int-json", "big-int-yaml", "bad-date", "empty-float"],
)
def test_hostile_zone_files_are_refused_quickly(tmp_path, text, suffix, message):
    path = tmp_path / f"zones{suffix}"
    path.write_text(text)
    with pytest.raises(ZoneFileError, match=message) as caught:
        load_zones(path)
    assert str(caught.value).startswith(path.name)
