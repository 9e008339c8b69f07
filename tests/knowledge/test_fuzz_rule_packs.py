"""Fuzzing the rule-pack loader: mutated copies of the shipped packs and generated YAML, given as a user
pack to ``KnowledgeBase.load``, either load (and the knowledge base answers an evaluation) or raise
RulePackError naming the file; nothing else escapes, nothing hangs, and the process never dies.
Regression tests for what the fuzzers found follow."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argus.knowledge import KnowledgeBase, RulePackError
from argus.knowledge.packs import shipped_pack_paths

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def shipped() -> dict[str, list[str]]:
    return {p.name: p.read_text(encoding="utf-8").splitlines(keepends=True) for p in shipped_pack_paths()}


@pytest.fixture(scope="module")
def folder():
    """A user pack's folder, and in place of the shipped packs only the shipped concepts (every pack
    refers to them): the fuzzers spend their time on the pack under test, not on reloading the rest."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "packs").mkdir()
        (root / "shipped").mkdir()
        (root / "shipped" / "concepts.yaml").write_text("".join(shipped()["concepts.yaml"]), encoding="utf-8")
        yield root


def _load(folder: Path, text: str) -> None:
    path = folder / "packs" / "user.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        kb = KnowledgeBase.load(
            extra_dirs=[path], index_dir=folder / "index", shipped_dir=folder / "shipped", use_env=False
        )
    except RulePackError as exc:
        assert exc.problems and str(exc)
        assert all(p.path for p in exc.problems)
        return
    assert kb.concepts and all(rule.id == rid for rid, rule in kb.rules.items())
    kb.evaluate({"values": {"label.person.count": 1}, "concepts": {"coco:person": ["D1"]}}, domain="security")


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "replace", "cut"]),
        st.floats(0, 1, exclude_max=True),
        st.floats(0, 1, exclude_max=True),
        st.one_of(
            st.sampled_from(
                ["", "x", "- ", ": ", "[", "]", "{", "}", "&a", "*a", "!!int", "U9", "null", "~", "'"]
            ),
            st.text(max_size=6),
        ),
    ),
    min_size=1,
    max_size=4,
)


def _mutate(lines: list[str], mutations: list[tuple[str, float, float, str]]) -> str:
    lines = list(lines)
    for kind, a, b, junk in mutations:
        i, j = int(a * len(lines)), int(b * len(lines))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:]
        elif kind == "replace":
            at = int(b * len(lines[i]))
            lines[i] = lines[i][:at] + junk + lines[i][at + 1 :]
        else:  # cut the file
            lines = lines[: max(1, i)]
        if not lines:
            lines = [junk]
    return "".join(lines)


@settings(FUZZ, max_examples=100)
@given(pack=st.sampled_from(["security.yaml", "concepts.yaml", "medical.yaml"]), mutations=MUTATIONS)
def test_mutated_copies_of_the_shipped_packs(folder, pack, mutations):
    _load(folder, _mutate(shipped()[pack], mutations))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=25,
)
PACKISH = st.fixed_dictionaries(
    {},
    optional={
        "pack": st.one_of(
            st.fixed_dictionaries(
                {"name": st.text(max_size=8), "version": st.text(max_size=4), "domain": st.text(max_size=9)}
            ),
            VALUES,
        ),
        "rules": st.lists(VALUES, max_size=3),
        "concepts": st.lists(VALUES, max_size=3),
    },
)


@FUZZ
@given(data=st.one_of(PACKISH, VALUES))
def test_generated_yaml(folder, data):
    _load(folder, yaml.safe_dump(data, allow_unicode=True))


# ------------------------------------------------------------------ regressions the fuzzers found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # libyaml's recursive composer overflowed the C stack: the process died with SIGSEGV.
        ("- " * 150_000 + "x\n", "nested more than 64 levels deep"),
        # PyYAML 6.0.4 stops deep flow nesting itself, before Argus's check: the pack is refused either way.
        ("[" * 150_000 + "]" * 150_000, None),
        ("x: " + "{a: " * 150_000 + "}" * 150_000, "nested more than 64 levels deep"),
        # The constructors raised ValueError, which the loader did not report as a pack problem.
        (
            'pack: {name: x, version: "1", domain: security}\nn: 1' + "0" * 5000 + "\n",
            "a value cannot be read",
        ),
        ("pack: {name: x, version: 2024-13-01, domain: security}\n", "month must be in 1..12"),
    ],
    ids=["deep-block", "deep-flow", "deep-mapping", "big-int", "bad-date"],
)
def test_hostile_packs_are_pack_problems(tmp_path, text, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    with pytest.raises(RulePackError, match=message) as caught:
        KnowledgeBase.load(extra_dirs=[path], index_dir=tmp_path / "index", use_env=False)
    assert caught.value.problems[0].path.endswith("hostile.yaml")
