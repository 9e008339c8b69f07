"""Fuzzing findings files (``argus.agent.core.findings.load_findings``): generated mappings and generated or mutated
YAML and JSON text either give flat, statable, finite findings or raise FindingsError; nothing else
escapes, nothing hangs. Regression tests for what the fuzzers found follow."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argus.agent.core.findings import MAX_FINDINGS, STATABLE_NAMESPACES, load_findings
from argus.agent.errors import FindingsError

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = st.one_of(
    st.sampled_from(
        [*STATABLE_NAMESPACES, "label", "zone", "quality", "size_mm", "age", "type", "Nodule", "a.b"]
    ),
    st.text(max_size=10),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.text(min_size=199, max_size=205),
)
MAPPINGS = st.recursive(
    st.dictionaries(NAMES, SCALARS, max_size=4),
    lambda inner: st.dictionaries(
        NAMES, st.one_of(inner, SCALARS, st.lists(SCALARS, max_size=2)), max_size=4
    ),
    max_leaves=20,
)


def _check(found: dict) -> None:
    assert len(found) <= MAX_FINDINGS
    for name, value in found.items():
        assert name.split(".")[0] in STATABLE_NAMESPACES and "." in name
        assert isinstance(value, bool | int | float | str)
        assert not (isinstance(value, float) and not math.isfinite(value))


@FUZZ
@given(data=MAPPINGS)
def test_generated_mappings(data):
    try:
        found = load_findings(data)
    except FindingsError as exc:
        assert str(exc).startswith("findings: ")
        return
    _check(found)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


EDITS = st.lists(
    st.tuples(
        st.floats(0, 1, exclude_max=True),
        st.one_of(
            st.sampled_from(list("[]{}:,-#&*!'\"\n ") + ["- ", ": ", "&a ", "*a", "!!float "]),
            st.text(max_size=4),
        ),
        st.integers(0, 3),
    ),
    max_size=4,
)


@FUZZ
@given(data=st.one_of(MAPPINGS, st.lists(SCALARS, max_size=3), SCALARS), edits=EDITS, as_json=st.booleans())
def test_generated_and_mutated_files(folder, data, edits, as_json):
    text = json.dumps(data, allow_nan=True) if as_json else yaml.safe_dump(data, allow_unicode=True)
    for where, junk, cut in edits:
        at = int(where * len(text))
        text = text[:at] + junk + text[at + cut :]
    path = folder / ("findings.json" if as_json else "findings.yaml")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        found = load_findings(path)
    except FindingsError as exc:
        assert str(exc).startswith(("findings.", "findings file not found")) and str(exc)
        return
    _check(found)


# ------------------------------------------------------------------ regressions the fuzzers found


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        # Both said "not valid YAML" about a JSON file: json.loads raised RecursionError and ValueError.
        ("[" * 100_000 + "]" * 100_000, ".json", "nested far deeper than a findings file needs"),
        (
            '{"nodule": {"size_mm": 1' + "0" * 5000 + "}}",
            ".json",
            "a value cannot be read: Exceeds the limit",
        ),
        # PyYAML's parsers slow with the square of the flow depth: refused at once, by Argus's depth check or
        # by PyYAML's own (6.0.4 stops deep flow first); either way one error naming the file.
        ("[" * 100_000 + "]" * 100_000, ".yaml", None),
        ("nodule: {size_mm: 2024-13-01}\n", ".yaml", "a value cannot be read: month must be in 1..12"),
    ],
    ids=["deep-json", "big-int-json", "deep-yaml", "bad-date"],
)
def test_hostile_findings_files_say_what_is_wrong(tmp_path, text, suffix, message):
    path = tmp_path / f"case{suffix}"
    path.write_text(text)
    with pytest.raises(FindingsError, match=message) as caught:
        load_findings(path)
    assert str(caught.value).startswith(path.name)
