"""Loading rule packs: merging layers by id, and every kind of bad pack reported with file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from argus.knowledge import KnowledgeBase, RulePackError, UnknownRuleError
from argus.knowledge.packs import RULES_DIR_ENV
from tests.support import samples

PACKS = samples.TEST_DATA / "packs"
BASE = PACKS / "base"
OVERRIDE = PACKS / "override"

RULE = """\
  - id: {id}
    version: "1.0"
    status: active
    domain: security
    title: A rule written for a test
    trigger: [{trigger}]
    condition: {{fact: label.knife.count, {op}: 1}}
    conclusion: Something the test checks.
    action: Do what the test says.
    urgency: {{level: U2, native: level 1, scale: test scale}}
    indicator: warning
    source: {{org: Test org, citation: Test citation, section: "1"}}
    retrieval_text: A rule that only exists inside a unit test.
    verification: V
    supersedes: [{supersedes}]
"""


def rule(id: str = "USR-TEST-01", trigger: str = "coco:knife", op: str = "gte", supersedes: str = "") -> str:
    return RULE.format(id=id, trigger=trigger, op=op, supersedes=supersedes)


def pack(*rules: str) -> str:
    return 'pack: {name: user, version: "1.0", domain: security}\nrules:\n' + "".join(rules)


def load(*extra: Path) -> KnowledgeBase:
    return KnowledgeBase.load(list(extra), shipped_dir=BASE, use_env=False)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(*extra: Path) -> list[str]:
    with pytest.raises(RulePackError) as info:
        load(*extra)
    return [str(p) for p in info.value.problems]


# --------------------------------------------------------------------------- good packs


def test_fixture_packs_load_with_rules_concepts_and_origins() -> None:
    kb = load()
    assert len(kb.rules) == 10
    assert "finding:tension_pneumothorax" in kb.concepts
    assert kb.origins["TST-ZONE-01"].path.endswith("tests/data/packs/base/rules.yaml")
    assert kb.origins["TST-ZONE-01"].line == 32
    assert [s.name for s in kb.sources] == ["test-concepts", "test-rules"]
    assert all(len(s.sha256) == 64 for s in kb.sources)


def test_shipped_packs_load_clean() -> None:
    kb = KnowledgeBase.load(use_env=False)
    assert kb.rules, "the shipped packs hold rules"
    assert {s.layer for s in kb.sources} == {"shipped"}


def test_user_pack_overrides_a_shipped_rule_and_the_override_is_reported() -> None:
    kb = load(OVERRIDE)
    assert kb.rule("TST-KNIFE-01").urgency.level == "U4"
    assert kb.rule("SITE-BAG-01").domain == "security"
    [override] = kb.overrides
    assert (override.kind, override.id) == ("rule", "TST-KNIFE-01")
    assert override.shipped.path.endswith("base/rules.yaml") and override.user.path.endswith("override.yaml")
    assert kb.origins["TST-KNIFE-01"].layer == "user"


def test_rules_dir_env_var_adds_user_packs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write(tmp_path, "extra.yaml", pack(rule("USR-ENV-01")))
    monkeypatch.setenv(RULES_DIR_ENV, f"{OVERRIDE}{os.pathsep}{tmp_path}")
    kb = KnowledgeBase.load(shipped_dir=BASE)
    assert {"SITE-BAG-01", "USR-ENV-01"} <= set(kb.rules)


def test_the_same_rule_twice_with_the_same_content_is_not_a_conflict(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", pack(rule()))
    write(tmp_path, "b.yaml", pack(rule()))
    assert "USR-TEST-01" in load(tmp_path).rules


def test_a_single_pack_file_can_be_given_instead_of_a_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "one.yml", pack(rule()))
    assert "USR-TEST-01" in load(path).rules


def test_unknown_rule_names_close_matches() -> None:
    kb = load()
    assert kb.rule("r:tst-knife-01").id == "TST-KNIFE-01"
    with pytest.raises(UnknownRuleError, match="did you mean TST-KNIFE-01"):
        kb.rule("TST-KNIF-01")


# --------------------------------------------------------------------------- bad packs

_HEADER = 'pack: {name: user, version: "1.0", domain: security}\n'

BAD_PACKS = [
    # (file text, expected message part, expected line)
    ("pack: {name: x\n  version: 1\n", "invalid YAML", 2),
    (pack(rule().replace("    title:", "    titel:")), "unknown key 'titel' (did you mean title?)", 7),
    (pack(rule(op="approx")), "unknown operator 'approx'", 9),
    (pack(rule(), rule()), "duplicate rule id USR-TEST-01 in this pack (first on line 3)", 18),
    (
        pack(rule(trigger="coco:knfe")),
        "trigger concept 'coco:knfe' is not defined in any pack's concepts (did you mean coco:knife",
        3,
    ),
    (pack(rule(supersedes="USR-GONE-01")), "supersedes unknown rule 'USR-GONE-01'", 3),
    (pack(rule(supersedes="USR-TEST-01")), "lists itself in supersedes", 3),
    (
        pack(rule("USR-A-01", supersedes="USR-B-01"), rule("USR-B-01", supersedes="USR-A-01")),
        "rules supersede each other in a cycle: USR-A-01 -> USR-B-01 -> USR-A-01",
        3,
    ),
    (
        pack(rule().replace('version: "1.0"\n    status', "version: 1.0\n    status")),
        "version must be quoted text",
        4,
    ),
    (
        pack(rule().replace("verification: V", "verification: I")),
        "graded [I] is unverified, so the rule must stay draft",
        3,
    ),
    (
        pack(rule().replace("condition: {fact: label.knife.count", "condition: {fact: knife.count")),
        "outside the known namespaces",
        9,
    ),
    (pack(rule().replace("level: U2", "level: U9")), "urgency.level", 12),
    (
        _HEADER + "concepts:\n  - {id: finding:child, name: child, kind: finding, is_a: [finding:nowhere]}\n",
        "is_a parent 'finding:nowhere' is not defined",
        3,
    ),
    (_HEADER + "concepts:\n  - {id: action:run, name: run, kind: event}\n", "reserved for graph nodes", 3),
    (
        _HEADER + "concepts:\n  - {id: finding:x, name: x, kind: finding, codes: {hpo: [HP:12]}}\n",
        "hpo codes look like HP:0002107",
        3,
    ),
    ("", "the file is empty", None),
    ("# only a comment\n", "holds only comments", None),
    ("- just\n- a list\n", "a pack is a mapping with 'pack', 'concepts' and 'rules', got a list", 1),
    (_HEADER + "pack: {}\n", "duplicate key 'pack' (first on line 1)", 2),
    ("a: &a [*a]\n", "a cycle", 1),
    ("x: " + "[" * 100 + "]" * 100 + "\n", "nested", None),
    ("x: !!python/object/apply:os.system [echo hi]\n", "invalid YAML", 1),
    (b"pack: \xff\xfe\n", "expected UTF-8 text", None),
    (_HEADER + "rulez: []\n", "unknown key 'rulez' (did you mean rules?)", 2),
]


@pytest.mark.parametrize(("text", "message", "line"), BAD_PACKS, ids=[c[1][:40] for c in BAD_PACKS])
def test_bad_pack_is_reported_with_file_line_and_reason(
    tmp_path: Path, text: str | bytes, message: str, line: int | None
) -> None:
    path = write(tmp_path, "user.yaml", text)
    with pytest.raises(RulePackError) as info:
        load(tmp_path)
    hits = [p for p in info.value.problems if message in p.message]
    assert hits, [str(p) for p in info.value.problems]
    assert hits[0].path.endswith(str(path.name))
    if line is not None:
        assert hits[0].line == line
    assert message in str(info.value)


def test_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    assert any("expands to more than 500,000 nodes" in p for p in problems_of(tmp_path))


def test_huge_pack_is_refused_by_size(tmp_path: Path) -> None:
    write(tmp_path, "huge.yaml", "# " + "x" * (10 * 1024 * 1024) + "\n")
    assert any("rule packs are capped at 10,485,760 bytes" in p for p in problems_of(tmp_path))


def test_two_user_packs_defining_one_id_differently_conflict(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", pack(rule()))
    write(tmp_path, "b.yaml", pack(rule().replace("Do what the test says.", "Do something else.")))
    [problem] = problems_of(tmp_path)
    assert "b.yaml:3: rule USR-TEST-01 conflicts with the different definition at" in problem
    assert "a.yaml:3" in problem


def test_every_problem_in_every_file_is_listed_and_nothing_is_half_loaded(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", pack(rule("USR-GOOD-01")))
    write(tmp_path, "bad1.yaml", pack(rule("USR-BAD-01", op="approx")))
    write(tmp_path, "bad2.yaml", "pack: [\n")
    problems = problems_of(tmp_path)
    assert len(problems) == 2
    assert any("bad1.yaml:9" in p for p in problems) and any("bad2.yaml" in p for p in problems)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing-folder", "no such rules directory or pack file"),
        ("notes.txt", "expected a .yaml or .yml pack file"),
    ],
)
def test_bad_locations_are_reported(tmp_path: Path, name: str, message: str) -> None:
    location = tmp_path / name
    if name.endswith(".txt"):
        location.write_text("hello")
    assert any(message in p for p in problems_of(location))


def test_error_message_is_one_line_for_the_cli(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", pack(rule(op="approx"), rule("USR-TEST-02").replace("title:", "titel:")))
    with pytest.raises(RulePackError) as info:
        load(tmp_path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("3 problems in the rule packs:")  # approx; titel unknown; title missing


def test_rule_dump_validates_back_to_the_same_rule() -> None:
    from argus.knowledge.schema import Rule

    for r in load().rules.values():
        assert Rule.model_validate(r.model_dump(by_alias=True)) == r
