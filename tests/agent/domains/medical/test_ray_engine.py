"""Triage on Ray: a local Ray started inside the tests, real actors, real kills. The Ray engine must
record exactly what the local engine records, lose and repeat nothing when a worker or the driver
dies, and turn bad inputs on the workers into the same per-image errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from typer.testing import CliRunner

from argus.agent.assistant import Assistant
from argus.agent.bench.triage import generate_batch
from argus.agent.domains.medical.audit import AuditLog
from argus.agent.domains.medical.batch import TriageBatch, TriageProgress
from argus.agent.domains.medical.identity import run_settings
from argus.agent.domains.medical.work import WorkerSettings
from argus.cli import app
from argus.tools.errors import ArgusError
from argus.tools.runtime import Runtime
from tests.support import samples

runner = CliRunner()


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 inputs: 58 of the bench's kinds, a truncated JPEG and a DICOM file without pixel data."""
    import pydicom

    folder = tmp_path_factory.mktemp("mixed")
    generate_batch(folder, 58, seed=4)
    whole = next(folder.glob("*_photo.jpg")).read_bytes()
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    ds = pydicom.dcmread(samples.dicom("CT_small.dcm"))
    del ds.PixelData
    ds.save_as(folder / "no_pixels.dcm")
    return folder


def decision(line: str) -> dict[str, Any]:
    answer = json.loads(line)
    answer.pop("timings_ms")
    for step in answer["trace"]:
        step.pop("ms")
        step.pop("cached")
    return answer


def triage(assistant: Assistant, folder: Path, out: Path, engine=None, progress=None):  # noqa: ANN001, ANN201
    with AuditLog(out / "audit.sqlite") as log:
        summary = TriageBatch(assistant, out, audit=log, engine=engine, progress=progress).run([folder])
        rows = [
            (Path(e.path).name, e.decision_key, e.urgency, e.abstention, e.identity)
            for e in sorted(log.list(limit=None), key=lambda e: e.id)
        ]
    worklist = [decision(line) for line in (out / "worklist.jsonl").read_text().splitlines()]
    failed = [(Path(f.path).name, f.error) for f in summary.failed]
    return summary, worklist, rows, failed


@pytest.fixture(scope="module")
def local(assistant: Assistant, mixed: Path, tmp_path_factory: pytest.TempPathFactory):
    return triage(assistant, mixed, tmp_path_factory.mktemp("local"))


def ray_engine(assistant: Assistant, workers: int = 2):  # noqa: ANN201
    from argus.agent.domains.medical.ray_engine import RayEngine

    return RayEngine(WorkerSettings.of(assistant, run_settings(assistant)), workers=workers)


@pytest.mark.slow
def test_ray_records_what_the_local_engine_records(
    local_ray, assistant, mixed, local, tmp_path: Path
) -> None:
    with ray_engine(assistant) as engine:
        summary, worklist, rows, failed = triage(assistant, mixed, tmp_path, engine=engine)
    local_summary, local_worklist, local_rows, local_failed = local
    assert summary.workers == 2 and summary.decided == local_summary.decided == 58
    assert worklist == local_worklist
    assert rows == local_rows  # row for row, in input order, with the same identities
    # bad inputs on the workers are the same per-image errors, never a failed job
    assert failed == local_failed and sorted(n for n, _ in failed) == ["no_pixels.dcm", "truncated.jpg"]
    assert "no pixel data" in dict(failed)["no_pixels.dcm"] and "truncated" in dict(failed)["truncated.jpg"]


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(
    local_ray, assistant, mixed, local, tmp_path: Path
) -> None:
    killed: list[int] = []

    def kill_one(event: TriageProgress) -> None:
        if event.done == 12 and not killed:
            from argus.agent.domains.medical.ray_engine import actor_pids

            actors = actor_pids()
            assert actors, "no triage actor process found"
            os.kill(actors[0], signal.SIGKILL)
            killed.append(actors[0])

    with ray_engine(assistant) as engine:
        summary, worklist, rows, failed = triage(assistant, mixed, tmp_path, engine=engine, progress=kill_one)
    assert killed
    _, local_worklist, local_rows, local_failed = local
    assert worklist == local_worklist and rows == local_rows and failed == local_failed
    assert len({name for name, *_ in rows}) == len(rows) == 58


@pytest.mark.slow
def test_a_worker_on_a_node_with_other_rule_packs_stops_the_batch(
    local_ray, assistant, mixed, tmp_path
) -> None:
    from argus.agent.domains.medical.ray_engine import RayEngine

    pack = tmp_path / "packs" / "node.yaml"
    pack.parent.mkdir()
    pack.write_text(
        "pack: {name: node-only, version: '1', domain: medical}\n"
        "concepts:\n  - {id: 'finding:node_marker', name: node marker, kind: finding}\n"
    )
    settings = WorkerSettings.of(assistant, run_settings(assistant))
    other = settings.model_copy(update={"rules_dirs": [str(pack.parent)]})
    with RayEngine(other, workers=1) as engine, AuditLog(tmp_path / "audit.sqlite") as log:
        batch = TriageBatch(assistant, tmp_path / "out", audit=log, engine=engine)
        with pytest.raises(ArgusError, match="other rule packs"):
            batch.run([mixed])
        assert log.count() == 0


@pytest.mark.slow
def test_more_gpus_than_the_cluster_has_is_one_clear_error(local_ray, assistant) -> None:
    from argus.agent.domains.medical.ray_engine import RayEngine

    with pytest.raises(ArgusError, match=r"need 2 GPU\(s\); the Ray cluster .* has 0"):
        RayEngine(WorkerSettings.of(assistant, run_settings(assistant)), workers=2, gpus_per_worker=1)


@pytest.mark.slow
def test_relative_paths_are_read_wherever_the_workers_run(
    local_ray, assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_batch(tmp_path / "ward", 5, seed=6)
    monkeypatch.chdir(tmp_path)  # the driver's folder; Ray's workers run in folders of their own
    with ray_engine(assistant) as engine, AuditLog(tmp_path / "audit.sqlite") as log:
        summary = TriageBatch(assistant, tmp_path / "out", audit=log, engine=engine).run([Path("ward")])
    assert summary.decided == 5 and not summary.failed
    shown = [json.loads(line)["image"]["path"] for line in (tmp_path / "out" / "worklist.jsonl").open()]
    assert sorted(shown) == sorted(
        f"ward/{p.name}" for p in (tmp_path / "ward").glob("0*") if p.suffix != ".json"
    )


def _rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT count(*) FROM decisions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("resume_engine", ["local", "ray"])
def test_a_killed_ray_driver_is_finished_by_resume(mixed: Path, tmp_path: Path, resume_engine: str) -> None:
    pytest.importorskip("ray")
    db, out = tmp_path / "audit.sqlite", tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "argus.cli",
        "triage",
        str(mixed),
        "--out",
        str(out),
        "--audit-db",
        str(db),
    ]
    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen(
        [*command, "--engine", "ray", "--workers", "2"],
        cwd=samples.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 600
        while _rows(db) < 5 and driver.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert driver.poll() is None, (tmp_path / "driver.log").read_text()[-2000:]
        ray_processes = psutil.Process(driver.pid).children(recursive=True)  # the local Ray it started
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
        _, alive = psutil.wait_procs(ray_processes, timeout=120)
        assert not alive, f"Ray processes outlived their killed driver: {[p.pid for p in alive]}"
    finally:
        if driver.poll() is None:
            driver.kill()
        log.close()
    recorded = _rows(db)
    assert 5 <= recorded < 58
    engine = ["--engine", "ray", "--workers", "2"] if resume_engine == "ray" else ["--workers", "2"]
    resumed = subprocess.run(
        [*command, *engine, "--resume", "--json"],
        cwd=samples.ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert resumed.returncode == 1, resumed.stderr[-2000:]  # the two bad inputs
    summary = json.loads(resumed.stdout)
    assert summary["resumed"] == recorded and summary["decided"] == 58 - recorded
    assert len(summary["failed"]) == 2 and summary["worklist_entries"] == 58
    with AuditLog(db, create=False) as audit:
        everything = audit.list(limit=None)
    assert len(everything) == 58 and len({e.path for e in everything}) == 58


def test_the_ray_engine_without_ray_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed: importing it fails
    args = ["triage", str(samples.dicom("MR_small.dcm")), "--out", str(tmp_path / "o"), "--audit-db"]
    result = runner.invoke(app, [*args, str(tmp_path / "a.db"), "--engine", "ray"])
    assert result.exit_code == 2, result.output
    assert "pip install 'argus[ray]'" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ray-address", "auto"], "--ray-address and --gpus-per-worker go with --engine ray"),
        (["--gpus-per-worker", "0.5"], "--ray-address and --gpus-per-worker go with --engine ray"),
        (["--engine", "spark"], "engine must be local or ray"),
        (["--engine", "ray", "--ray-address", "http://head:10001"], "--ray-address must be auto"),
    ],
)
def test_engine_options_that_do_not_fit(tmp_path: Path, extra: list[str], message: str) -> None:
    args = ["triage", str(samples.dicom("MR_small.dcm")), "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*args, "--audit-db", str(tmp_path / "a.db"), *extra])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
