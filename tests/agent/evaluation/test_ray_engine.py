"""``argus eval --engine ray``: a local Ray started inside the tests, real actors answering real cases.
The report must be the local engine's, case for case (latency aside); a case whose image cannot be read
stays that case's error; options that cannot work are one clear line and exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from argus.agent.assistant import Assistant
from argus.agent.domains.medical.identity import run_settings
from argus.agent.evaluation.harness import load_suite
from argus.cli import app
from argus.tools.errors import ArgusError
from tests.support import samples

runner = CliRunner()
LATENCY = {"latency_ms", "latency_p50_ms", "latency_p95_ms"}


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sixth case of the shipped suite (13 cases, most categories; its files named from the root)
    and, in the middle, a case whose JPEG is cut off halfway."""
    folder = tmp_path_factory.mktemp("suite")
    whole = samples.BUS.read_bytes()
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    lines = []
    for raw in (samples.SUITES / "suite.jsonl").read_text().splitlines()[::6]:
        case = json.loads(raw)
        if not case["image"].startswith(("sample:", "dicom:")):
            case["image"] = str(samples.SUITES / case["image"])
        for key in ("zones", "findings"):
            if isinstance(case.get(key), str):
                case[key] = str(samples.SUITES / case[key])
        lines.append(json.dumps(case))
    broken = {"id": "cut-off-jpeg", "image": "truncated.jpg", "question": "How many people are there?"}
    lines.insert(6, json.dumps({**broken, "category": "counting", "expect": {"number": 4}}))
    path = folder / "suite.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def without_latency(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_latency(v) for k, v in value.items() if k not in LATENCY}
    if isinstance(value, list):
        return [without_latency(v) for v in value]
    return value


def eval_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["eval", *args, "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    return json.loads(result.stdout)


@pytest.mark.slow
def test_ray_reports_what_the_local_engine_reports(local_ray, suite: Path) -> None:
    local = eval_json(str(suite))
    on_ray = eval_json(str(suite), "--engine", "ray", "--workers", "2")
    assert [r["id"] for r in on_ray["results"]] == [r["id"] for r in local["results"]]  # the suite's order
    assert len(local["results"]) == 14 and local["errors"] == 1
    assert without_latency(on_ray) == without_latency(local)
    assert all(r["latency_ms"] > 0 for r in on_ray["results"])  # measured on the workers
    # the unreadable image is that case's error, on the workers as here; every other case answered
    errors = {r["id"]: r["error"] for r in on_ray["results"] if r["error"]}
    assert list(errors) == ["cut-off-jpeg"] and "truncated" in errors["cut-off-jpeg"]


@pytest.mark.slow
def test_a_worker_with_other_rule_packs_stops_the_run(local_ray, tmp_path: Path) -> None:
    from argus.agent.evaluation.ray_engine import EvalSettings, RayEvalEngine

    pack = tmp_path / "packs" / "node.yaml"
    pack.parent.mkdir()
    pack.write_text(
        "pack: {name: node-only, version: '1', domain: medical}\n"
        "concepts:\n  - {id: 'finding:node_marker', name: node marker, kind: finding}\n"
    )
    driver = run_settings(Assistant())  # the driver's packs; the workers load one more
    settings = EvalSettings(rules_dirs=[str(pack.parent)], run=driver)
    cases = load_suite(samples.SUITES / "suite.jsonl")[:2]
    with RayEvalEngine(settings, workers=1) as engine, pytest.raises(ArgusError, match="other rule packs"):
        engine.run_suite(cases)


def test_the_ray_engine_without_ray_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed: importing it fails
    result = runner.invoke(app, ["eval", str(samples.SUITES / "suite.jsonl"), "--engine", "ray"])
    assert result.exit_code == 2, result.output
    assert "pip install 'argus[ray]'" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "ray", "--workers", "0"], "--workers"),
        (["--engine", "ray", "--workers", "-3"], "--workers"),
        (["--engine", "ray", "--ray-address", "http://head:10001"], "--ray-address must be auto"),
        (["--engine", "ray", "--ray-address", "head"], "--ray-address must be auto"),
        (["--engine", "ray", "--ray-address", "ray://head:99999"], "--ray-address must be auto"),
        (["--engine", "ray", "--ray-address", "auto; rm -rf /"], "--ray-address must be auto"),
        (["--engine", "ray", "--ray-address", ""], "--ray-address must be auto"),
        (["--engine", "ray", "--ray-address", "h" * 100_000 + ":1"], "--ray-address must be auto"),
        (["--ray-address", "auto"], "--ray-address and --workers go with --engine ray"),
        (["--workers", "2"], "--ray-address and --workers go with --engine ray"),
        (["--engine", "spark"], "engine must be local or ray"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(a[:20] for a in v),
)
def test_engine_options_that_do_not_fit(extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["eval", str(samples.SUITES / "suite.jsonl"), *extra])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert message in text and "Traceback" not in text
    assert len(text) < 1000  # a huge address is not echoed back whole


def test_eval_help_fits_80_columns() -> None:
    result = runner.invoke(app, ["eval", "run", "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for option in ("--engine", "--ray-address", "--workers"):
        assert option in result.output
