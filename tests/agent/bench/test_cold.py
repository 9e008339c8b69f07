"""``argus bench cold``: each command as a fresh process, with its wall and CPU time and its peak memory
from the kernel, held against the start-up targets."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from argus.agent.bench.cold import ColdCase, argus_command, child_env, measure, run_cold_bench, run_once
from argus.cli import app
from argus.tools.errors import ArgusError

runner = CliRunner()


@pytest.mark.skipif(sys.platform == "win32", reason="peak memory comes from os.wait4")
def test_peak_memory_is_the_child_process_own() -> None:
    grab = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"
    big = run_once([sys.executable, "-c", grab])
    small = run_once([sys.executable, "-c", "pass"])
    assert big.returncode == small.returncode == 0
    assert big.peak_rss_mb is not None and small.peak_rss_mb is not None
    assert big.peak_rss_mb >= 200 > small.peak_rss_mb
    assert big.wall_s > 0 and big.cpu_s > 0


def test_help_is_timed_against_its_target(tmp_path) -> None:
    report = run_cold_bench(runs=2, only=["help"], kb_search=False)
    (case,) = report.cases
    assert case.name == "argus --help" and case.command == "argus --help" and case.runs == 2
    assert 0 < case.wall_min_s <= case.wall_s and case.cpu_s > 0
    assert case.peak_rss_mb is not None and case.peak_rss_mb > 10
    assert case.met == (case.wall_s < case.wall_target_s) and case.error is None
    assert report.kb_search is None and report.cpu_count >= 1


def test_a_failing_command_is_reported_not_timed(tmp_path) -> None:
    result = measure(ColdCase("broken", ("no-such-command",), 1.0), 3, argus_command(), child_env(), tmp_path)
    assert result.runs == 1 and not result.met
    assert result.error and "no-such-command" in result.error


def test_children_compile_bytecode_like_an_installed_package(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert "PYTHONDONTWRITEBYTECODE" not in child_env()


def test_an_unknown_case_names_the_cases() -> None:
    with pytest.raises(ArgusError, match="no case matches.*kb search"):
        run_cold_bench(only=["nothing like this"], kb_search=False)


def test_cli_table_and_json() -> None:
    result = runner.invoke(app, ["bench", "cold", "--case", "help", "--runs", "1", "--no-kb-search"])
    assert result.exit_code == 0, result.output
    assert "argus --help" in result.stdout and "< 0.3 s" in result.stdout
    result = runner.invoke(
        app, ["bench", "cold", "--case", "help", "--runs", "1", "--no-kb-search", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["name"] for c in data["cases"]] == ["argus --help"] and data["kb_search"] is None


def test_bad_runs_is_a_usage_error() -> None:
    result = runner.invoke(app, ["bench", "cold", "--runs", "0"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_every_case_runs_and_kb_search_is_measured() -> None:
    report = run_cold_bench(runs=1)
    names = [c.name for c in report.cases]
    assert names[:2] == ["argus --help", "argus tools"] and "kb search" in names and len(names) == 8
    for case in report.cases:
        assert case.error is None, (case.name, case.error)
        assert case.peak_rss_mb is not None and case.cpu_s > 0
    kb = next(c for c in report.cases if c.name == "kb search")
    assert kb.rss_target_mb == 300
    assert report.kb_search is not None and report.kb_search.p50_ms > 0
    assert report.kb_search.backend == "onnxruntime"
