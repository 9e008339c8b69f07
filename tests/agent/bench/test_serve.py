"""``argus bench serve --json``: a real server started and stopped, every level measured, no errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from argus.cli import app

pytestmark = pytest.mark.slow


def test_bench_serve_json():
    result = CliRunner().invoke(app, ["bench", "serve", "--requests", "8", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [level["concurrency"] for level in report["service"]] == [1, 4, 8]
    for level in (report["in_process"], *report["service"]):
        assert level["requests"] == 8 and level["errors"] == 0
        assert 0 < level["p50_ms"] <= level["p95_ms"]
        assert level["requests_per_s"] > 0
    single = report["service"][0]
    assert report["ratio_p50"] == pytest.approx(single["p50_ms"] / report["in_process"]["p50_ms"], abs=0.01)
    assert report["target_ratio"] == 1.15 and report["met"] == (report["ratio_p50"] <= 1.15)
    assert len(report["cases"]) == 8 and report["startup_s"] > 0
