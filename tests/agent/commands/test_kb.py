"""``argus kb ...`` through typer's CliRunner: JSON shapes, human output, exit codes, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from argus.cli import app
from argus.knowledge import KnowledgeBase
from argus.knowledge.packs import RULES_DIR_ENV
from tests.support import samples

PACKS = samples.TEST_DATA / "packs"
runner = CliRunner()

RULE_KEYS = {"id", "domain", "status", "title", "urgency", "source"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-index")


@pytest.fixture(autouse=True)
def no_user_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RULES_DIR_ENV, raising=False)


def kb_cli(index_dir: Path, *args: str) -> object:
    return runner.invoke(app, ["kb", "--index-dir", str(index_dir), *args])


def as_json(result: object) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_carries_the_shared_rule_shape(index_dir: Path) -> None:
    data = as_json(kb_cli(index_dir, "--rules-dir", str(PACKS / "override"), "list", "--json"))
    rules = {r["id"]: r for r in data["rules"]}
    assert data["count"] == len(rules) and "SITE-BAG-01" in rules
    for rule in rules.values():
        assert set(rule) >= RULE_KEYS
        assert rule["urgency"]["level"] in {"U0", "U1", "U2", "U3", "U4"} and rule["source"]["org"]
    assert rules["SITE-BAG-01"]["defined_at"]["layer"] == "user"
    assert rules["SITE-BAG-01"]["defined_at"]["file"].endswith("override.yaml")


def test_list_filters_by_domain_and_status(index_dir: Path) -> None:
    security = as_json(kb_cli(index_dir, "list", "--domain", "security", "--json"))["rules"]
    assert security and {r["domain"] for r in security} == {"security"}
    drafts = as_json(kb_cli(index_dir, "list", "--status", "draft", "--json"))["rules"]
    assert {r["status"] for r in drafts} <= {"draft"}


def test_list_human_table_and_bad_domain(index_dir: Path) -> None:
    result = kb_cli(index_dir, "--rules-dir", str(PACKS / "override"), "list", "--domain", "security")
    assert result.exit_code == 0 and "SITE-BAG-01" in result.stdout
    bad = kb_cli(index_dir, "list", "--domain", "finance")
    assert bad.exit_code == 2
    assert "error: --domain must be one of medical, security, general, got 'finance'" in bad.stderr
    assert bad.stdout == ""


def test_show_gives_the_whole_rule(index_dir: Path) -> None:
    data = as_json(kb_cli(index_dir, "--rules-dir", str(PACKS / "override"), "show", "SITE-BAG-01", "--json"))
    assert set(data) >= RULE_KEYS
    assert data["condition"] == {"fact": "label.backpack.count", "gte": 1}
    assert data["condition_text"] == "label.backpack.count >= 1"
    human = kb_cli(index_dir, "--rules-dir", str(PACKS / "override"), "show", "SITE-BAG-01")
    assert human.exit_code == 0 and "Backpack in the restricted zone" in human.stdout


def test_show_unknown_rule_is_one_line_with_suggestions(index_dir: Path) -> None:
    result = kb_cli(index_dir, "--rules-dir", str(PACKS / "override"), "show", "SITE-BAG-10")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "did you mean SITE-BAG-01" in result.stderr


def test_validate_clean_packs(index_dir: Path) -> None:
    result = kb_cli(index_dir, "validate", str(PACKS / "override"))
    assert result.exit_code == 0, result.output
    assert "valid:" in result.stdout and "override.yaml" in result.stdout
    data = as_json(kb_cli(index_dir, "validate", "--json"))
    assert data["ok"] is True and data["rules"] > 0 and {p["layer"] for p in data["packs"]} == {"shipped"}


def test_validate_lists_every_problem_with_file_and_line(index_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text('pack: {name: a, version: "1", domain: security}\nrules: [\n')
    (tmp_path / "b.yaml").write_text("")
    result = kb_cli(index_dir, "validate", str(tmp_path))
    assert result.exit_code == 2
    assert "a.yaml:3: invalid YAML" in result.stdout and "b.yaml: the file is empty" in result.stdout
    assert "2 problem(s)" in result.stdout
    data = json.loads(kb_cli(index_dir, "validate", str(tmp_path), "--json").stdout)
    assert data["ok"] is False
    assert [(Path(p["file"]).name, p["line"]) for p in data["problems"]] == [("a.yaml", 3), ("b.yaml", None)]


def test_validate_reports_a_user_pack_overriding_a_shipped_rule(index_dir: Path, tmp_path: Path) -> None:
    shipped = KnowledgeBase.load(use_env=False)
    original = next(iter(shipped.rules.values()))
    data = original.model_dump(by_alias=True, exclude_none=True)
    data["title"] = "A site's own wording of this rule"
    pack = {"pack": {"name": "site", "version": "1", "domain": original.domain}, "rules": [data]}
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(pack, sort_keys=False))
    result = kb_cli(index_dir, "validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"override  rule {original.id}: " in result.stdout
    report = as_json(kb_cli(index_dir, "validate", str(tmp_path), "--json"))
    assert [(o["kind"], o["id"]) for o in report["overrides"]] == [("rule", original.id)]
    shown = as_json(kb_cli(index_dir, "--rules-dir", str(tmp_path), "show", original.id, "--json"))
    assert shown["title"] == "A site's own wording of this rule"


@pytest.mark.slow
def test_graph_export_and_stats(index_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "kb.graphml"
    info = as_json(kb_cli(index_dir, "graph", "--export", str(out), "--json"))
    assert out.is_file() and info["format"] == "graphml" and info["nodes"] > 0 and info["edges"] > 0
    bad = kb_cli(index_dir, "graph", "--export", str(tmp_path / "kb.png"))
    assert bad.exit_code == 2 and "graph export writes .graphml or .json" in bad.stderr
    stats = as_json(kb_cli(index_dir, "stats", "--json"))
    assert stats["rules"]["total"] > 0 and stats["graph"]["nodes"] == info["nodes"]
    assert stats["hpo"]["version"].startswith("hp/releases/")
    assert stats["index"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    human = kb_cli(index_dir, "stats")
    assert human.exit_code == 0 and "Human Phenotype Ontology" in human.stdout


@pytest.mark.slow
def test_search_json(index_dir: Path) -> None:
    data = as_json(kb_cli(index_dir, "search", "is a knife in the picture an alert?", "--k", "3", "--json"))
    assert data["query"] == "is a knife in the picture an alert?" and len(data["hits"]) == 3
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]
    assert all(set(h) >= RULE_KEYS and 0 < h["score"] <= 1 for h in data["hits"])
    bad = kb_cli(index_dir, "search", "knife", "--k", "0")
    assert bad.exit_code == 2 and "k must be a whole number" in bad.stderr


def test_kb_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cli import app\n"
        "r = CliRunner().invoke(app, ['kb', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('torch', 'faiss', 'networkx', 'sentence_transformers', 'knowledge') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=samples.ROOT,
    )
    assert out.stdout.strip() == "[]"
