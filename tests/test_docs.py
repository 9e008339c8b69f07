"""The README and docs/findings.md say what Argus does: their code runs as written, their JSON is what
a client would load, and the findings keys and examples match the rule packs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.samples import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FINDINGS_DOC = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def examples() -> list[tuple[str, str]]:
    """(family, yaml) for each example under a '### FAMILY:' or '#### FAMILY:' heading."""
    found = re.findall(r"^#{3,4} ((?:MED|SEC)-[A-Z-]+?):.*?^```yaml\n(.*?)^```", FINDINGS_DOC, re.M | re.S)
    assert len(found) >= 15, found
    return found


# ------------------------------------------------------------------------------------ README


@pytest.mark.slow
@pytest.mark.parametrize("code", blocks(README, "python"), ids=lambda c: c.splitlines()[0][:40])
def test_readme_python_runs_as_written(code, tmp_path):
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_readme_has_python_and_its_mcp_entry_is_a_working_command():
    assert blocks(README, "python"), "the README shows the Python API"
    entries = [json.loads(b) for b in blocks(README, "json") if "mcpServers" in b]
    assert entries, "the README shows how to register Argus in an MCP client"
    server = entries[0]["mcpServers"]["argus"]
    assert server["command"] == "argus" and server["args"][0] == "mcp"
    help_text = subprocess.run(
        [str(Path(sys.executable).with_name("argus")), "mcp", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for option in (a for a in server["args"][1:] if a.startswith("--")):
        assert option in help_text, option


# ------------------------------------------------------------------------------ findings doc


def test_every_key_the_rules_read_is_documented():
    from argus.agent.core.findings_catalogue import catalogue
    from argus.knowledge import KnowledgeBase

    for key in catalogue(KnowledgeBase.load().rules):
        assert f"`{key.name}`" in FINDINGS_DOC, key.name


@pytest.mark.parametrize(("family", "text"), examples(), ids=[f for f, _ in examples()])
def test_each_family_example_is_read_by_its_family(family, text):
    from argus.agent.core.facts import FactContext, build_facts
    from argus.agent.core.findings import validate_findings
    from argus.agent.core.findings_catalogue import catalogue
    from argus.agent.core.ledger import Ledger
    from argus.knowledge import KnowledgeBase

    kb = KnowledgeBase.load()
    stated = validate_findings(yaml.safe_load(text), family)
    read_by = {k.name: k.families for k in catalogue(kb.rules)}
    for name in stated:
        assert any(f.startswith(family) for f in read_by.get(name, [])), (family, name)
    image = re.match(r"# image: (.*)", text).group(1).split()
    if family.startswith("SEC-"):
        assert image == ["security"]
        return
    tags = (
        {"Modality": image[0], **({"ViewPosition": image[1]} if len(image) > 1 else {})}
        if image != ["none"]
        else {}
    )
    sheet = build_facts(Ledger("0" * 64), FactContext(domain="medical", stated=stated, metadata=tags))
    evaluation = kb.evaluate(sheet.to_facts(), domain="medical")
    fired = [f.rule.id for f in evaluation.fired]
    assert any(rule.startswith(family + "-") for rule in fired), (family, fired)
