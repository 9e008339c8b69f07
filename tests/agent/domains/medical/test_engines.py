"""Where triage decisions are made: a pool of worker processes decides exactly as this process does,
and the driver records them in input order."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from argus.agent.assistant import Assistant
from argus.agent.bench.triage import generate_batch
from argus.agent.domains.medical.audit import AuditLog
from argus.agent.domains.medical.batch import TriageBatch
from argus.agent.domains.medical.engines import PoolEngine, cpus_available
from argus.agent.domains.medical.identity import run_settings
from argus.agent.domains.medical.work import WorkerSettings
from argus.tools.errors import ArgusError
from argus.tools.runtime import Runtime


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


def decision(line: str) -> dict[str, Any]:
    """An answer without what depends on timing or on a warm cache: how long each step took and
    whether a tool's result was already cached in that process."""
    answer = json.loads(line)
    answer.pop("timings_ms")
    for step in answer["trace"]:
        step.pop("ms")
        step.pop("cached")
    return answer


def run(assistant: Assistant, folder: Path, out: Path, **options: Any) -> tuple[list[dict], list[tuple]]:
    with AuditLog(out / "audit.sqlite") as log:
        summary = TriageBatch(assistant, out, audit=log, **options).run([folder])
        rows = [
            (Path(e.path).name, e.decision_key, e.urgency, e.abstention, e.identity)
            for e in sorted(log.list(limit=None), key=lambda e: e.id)
        ]
    assert not summary.failed
    return [decision(line) for line in (out / "worklist.jsonl").read_text().splitlines()], rows


@pytest.mark.slow
def test_a_pool_decides_the_bench_set_exactly_as_one_process_does(assistant, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    generate_batch(folder, 60)  # every kind of the bench's batch, six times
    serial, serial_rows = run(assistant, folder, tmp_path / "serial", workers=1)
    with PoolEngine(WorkerSettings.of(assistant, run_settings(assistant)), workers=2) as pool:
        pooled, pooled_rows = run(assistant, folder, tmp_path / "pooled", engine=pool)
        assert len(pool.pids()) == 2
    assert len(serial) == 60 and pooled == serial
    # recorded in input order, row for row, with the same identities
    assert pooled_rows == serial_rows
    assert [name for name, *_ in serial_rows] == sorted(
        p.name for p in folder.iterdir() if p.suffix != ".json"
    )


@pytest.mark.slow
def test_a_pool_keeps_its_workers_warm_between_batches(assistant, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    generate_batch(first, 8, seed=1)
    generate_batch(second, 8, seed=2)
    with PoolEngine(WorkerSettings.of(assistant, run_settings(assistant)), workers=2) as pool:
        run(assistant, first, tmp_path / "out-a", engine=pool)
        pids = pool.pids()
        run(assistant, second, tmp_path / "out-b", engine=pool)
        assert pool.pids() == pids


@pytest.mark.slow
def test_a_worker_with_other_rule_packs_is_refused(assistant, tmp_path: Path) -> None:
    settings = WorkerSettings.of(assistant, run_settings(assistant))
    pack = tmp_path / "packs" / "extra.yaml"
    pack.parent.mkdir()
    pack.write_text(
        "pack: {name: extra, version: '1', domain: medical}\n"
        "concepts:\n  - {id: 'finding:extra_marker', name: extra marker, kind: finding}\n"
    )
    other = settings.model_copy(update={"rules_dirs": [str(pack.parent)]})  # a node with another pack
    with PoolEngine(other, workers=1) as pool, pytest.raises(ArgusError, match="other rule packs"):
        pool.start()


def test_workers_default_to_the_cpus_this_process_may_use(assistant, tmp_path: Path) -> None:
    assert 1 <= cpus_available() <= (os.cpu_count() or 1)
    small = tmp_path / "small"
    generate_batch(small, 3)
    with AuditLog(tmp_path / "audit.sqlite") as log:
        summary = TriageBatch(assistant, tmp_path / "out", audit=log, workers=None).run([small])
    assert summary.workers == 1  # a small batch is decided here: starting processes would cost more
    with pytest.raises(ArgusError, match="workers must be at least 1"):
        TriageBatch(assistant, tmp_path / "out", audit=None, workers=0)  # type: ignore[arg-type]
