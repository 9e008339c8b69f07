"""At 80 columns (and when stdout is not a terminal, where rich assumes 80) every list stays readable:
no line is wider than the terminal, and every value a user needs is printed whole."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from argus.agent.core.answer import Answer, ImageInfo, UrgencyInfo
from argus.cli import app
from tests.support import samples

NARROW = {"COLUMNS": "80", "LINES": "50"}
runner = CliRunner()


@pytest.fixture(autouse=True)
def unset_width(monkeypatch):
    """The shared console reads COLUMNS from the environment each time, as a user's terminal sets it."""
    from argus.agent.commands.common import console

    monkeypatch.setattr(console, "_width", None)


def run(*args: str):
    result = runner.invoke(app, list(args), env=NARROW)
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_fits(text: str, width: int = 80) -> None:
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, "\n".join(long)


def squeezed_tables(text: str) -> list[str]:
    """Header rows of box tables with five or more columns: at 80 columns they squeeze each cell to
    a word per line, which is what the record layout replaces."""
    return [line for line in text.splitlines() if line.startswith("┃") and line.count("┃") >= 6]


@pytest.mark.slow
def test_ask_at_80_columns_keeps_rules_and_trace_whole():
    out = run(
        "ask",
        str(samples.EXAMPLE_BUS),
        "Is anyone fallen, and what do the rules say?",
        "--domain",
        "security",
    )
    assert_fits(out)
    assert "Rules" in out and "Trace" in out
    # every rule id, its status and its source's organisation are printed whole, on their own line
    assert re.search(r"^SEC-[A-Z]+-\d+\s+(fired|abstained|retrieved|undetermined)", out, re.M), out
    assert "Occupational Safety and Health Administration" in out or "OmniFall" in out
    assert "https://" in out  # source URLs are kept (folded if longer than a line)
    # the trace: each step on one line with its tool and who asked, the arguments as JSON below
    assert re.search(r"^\d+\s+detect_objects\s+\w+\s+\d+ ms", out, re.M), out
    assert '"query":' in out
    assert not squeezed_tables(out), out


@pytest.mark.slow
def test_ask_counts_at_80_columns_with_the_evidence_table():
    out = run("ask", str(samples.EXAMPLE_BUS), "How many people are in this image?")
    assert_fits(out)
    assert "Answer: 3" in out
    for ident in ("D1", "D3", "D4"):
        assert re.search(rf"│ {ident} +│ person", out), out
    assert "D: detect_objects" in out  # the tool column a narrow table leaves out, named once
    assert "count(person)" in out


def test_kb_list_and_search_at_80_columns():
    out = run("kb", "list")
    assert_fits(out)
    assert re.search(r"^MED-FLEISCHNER-02\s+medical\s+active\s+U\d", out, re.M), out[:2000]
    assert re.search(r"^  source\s+Fleischner Society", out, re.M)
    assert not squeezed_tables(out)
    out = run("kb", "search", "person lying on the floor after a fall")
    assert_fits(out)
    assert "SEC-FALL-01" in out and "title" in out


def test_kb_findings_lists_every_key_the_rules_read():
    from argus.agent.core.findings_catalogue import catalogue
    from argus.knowledge import KnowledgeBase

    out = run("kb", "findings")
    assert_fits(out)
    keys = catalogue(KnowledgeBase.load().rules)
    assert len(keys) > 30
    for key in keys:
        assert re.search(rf"^{re.escape(key.name)}\s+{re.escape(key.kind)}", out, re.M), key.name
    assert re.search(r"^nodule\.size_mm\s+number\s+millimetres", out, re.M)
    assert re.search(r"^nodule\.type\s+value\n\s+values\s+solid, ground_glass, part_solid", out, re.M), out


def test_audit_list_at_80_columns(tmp_path):
    from argus.agent.domains.medical.audit import AuditLog

    db = tmp_path / "audit.sqlite"
    with AuditLog(db) as log:
        for level, name, why in (
            ("U3", "chest_pa_0001.dcm", None),
            (
                None,
                "lateral_view_with_a_long_file_name_0002.dcm",
                "lateral view: the rules read frontal views",
            ),
        ):
            answer = Answer(
                question="Triage this image.",
                answer="Triage.",
                domain="medical",
                image=ImageInfo(sha256=f"{len(name):064x}", width=8, height=8, modality="CR"),
                urgency=UrgencyInfo(level=level, label="emergent", native="x", rule="MED-CRIT-01")
                if level
                else None,
                abstention=why,
            )
            log.record(answer, path=tmp_path / name, run_id="triage-20260101T000000-abcdef", abstention=why)
    out = run("audit", "list", "--db", str(db))
    assert_fits(out)
    assert re.search(r"^\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+U3\s+CR\s+chest_pa_0001\.dcm", out, re.M), out
    assert "lateral_view_with_a_long_file_name_0002.dcm" in out
    assert "lateral view: the rules read frontal views" in out
    assert "triage-20260101T000000-abcdef" in out


@pytest.mark.parametrize(
    "command", [["triage"], ["ask"], ["kb", "list"], ["serve"], ["mcp"], ["ui"], ["--help"]]
)
def test_help_names_values_not_python_types(command):
    args = [*command, "--help"] if command != ["--help"] else ["--help"]
    out = run(*args)
    assert_fits(out)
    for raw in ("<bool>", "<str>", "<path>", "<int>", "<float>", "list[", "<list"):
        assert raw not in out, (raw, out)


def test_triage_help_wraps_its_description_cleanly():
    out = run("triage", "--help")
    lines = [line.strip() for line in out.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Writes worklist.jsonl"))
    paragraph = []
    for line in lines[start:]:
        if not line:
            break
        paragraph.append(line)
    # wrapped at the terminal's edge: every line but the last is nearly full
    assert all(len(line) > 60 for line in paragraph[:-1]), paragraph
    assert " ".join(paragraph).startswith("Writes worklist.jsonl (one answer per image, most urgent first)")
