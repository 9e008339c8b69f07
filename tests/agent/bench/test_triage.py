"""``argus bench triage``: the generated batch and the report's shape (speed is read from the table, not
asserted)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from argus.agent.bench.triage import STAGES, generate_batch, stage_function
from argus.agent.domains.medical.inputs import collect_inputs
from argus.cli import app


def test_the_generated_batch_is_distinct_files_of_every_kind(tmp_path: Path) -> None:
    mix = generate_batch(tmp_path, 25)
    inputs = collect_inputs([tmp_path])
    assert len(inputs) == 25 == sum(mix.values()) and len(mix) == 10
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}) == 25
    assert {p.suffix for p in inputs} == {".jpg", ".png", ".tiff", ".dcm"}
    assert len(list(tmp_path.glob("*.findings.json"))) == mix["CT with a Fleischner sidecar"]


@pytest.mark.slow
def test_bench_triage_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "triage", "--n", "10", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 10 and report["triage"]["images"] == report["detector"]["images"] == 10
    assert report["triage"]["images_per_s"] > 0 and report["detector"]["images_per_s"] > 0
    assert report["ratio"] == pytest.approx(
        report["triage"]["images_per_s"] / report["detector"]["images_per_s"], rel=0.01
    )
    assert (
        sum(v for k, v in report["outcomes"].items() if k != "failed") == 10
        and report["outcomes"]["failed"] == 0
    )
    assert report["outcomes"]["U1"] == 1  # the CT with a Fleischner sidecar
    assert [s["stage"] for s in report["profile"]] == [label for label, _, _ in STAGES]
    assert report["peak_rss_mb"] >= report["rss_end_mb"] > 0
    assert report["targets"] == {"ratio": 0.9, "rss_growth_mb": 50.0}


def test_every_profiled_stage_names_a_function_that_exists() -> None:
    keys = [stage_function(module, qualname) for _, module, qualname in STAGES]
    assert all(Path(file).is_file() and line > 0 for file, line, _ in keys)
    assert len(set(keys)) == len(STAGES)
