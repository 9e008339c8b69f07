"""``argus bench triage --engine ray``: the same generated batch through a Ray actor pool, beside the
local engine.

Ray Data starts its actors for each batch it runs, so the Ray figure includes starting the workers
(importing Argus, loading the rule packs and models) and is compared with the local engine's time
including its own workers' start. Starting Ray itself (a local cluster for the bench, once per
machine on a real cluster) is reported on its own. Memory: the driver's RSS over the batch and each
actor's after the warm-up point and at the end. The decisions are compared with the local engine's,
answer for answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.tools.runtime import rss_bytes

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.batch import TriageProgress, TriageSummary

TARGET_TIME_RATIO = 1.3  # Ray's time over the local engine's, on one machine


class RayRun(BaseModel):
    address: str = Field(description="The cluster: 'local' for a Ray started by the bench.")
    workers: int
    ray_start_s: float
    seconds: float = Field(description="End to end, the actors' start included.")
    images_per_s: float
    local_seconds: float = Field(description="The local engine's end to end, its workers' start included.")
    time_ratio: float = Field(description="Ray's seconds over the local engine's.")
    same_decisions: bool
    driver_rss_growth_mb: float
    actor_rss_after_warmup_mb: float | None = None
    actor_rss_end_mb: float | None = None
    actor_rss_growth_mb: float | None = None
    target_time_ratio: float = TARGET_TIME_RATIO


def run_ray_side(
    root: Path,
    assistant: Assistant,
    *,
    n: int,
    local_seconds: float,
    workers: int,
    address: str | None,
    warmup_images: int,
    say: Callable[[str], None],
) -> RayRun:
    """Triage the ``n`` images of ``root/batch`` with a Ray engine of ``workers`` actors; ``root/out``
    holds the local engine's worklist to compare with."""
    from argus.agent.domains.medical.audit import AuditLog
    from argus.agent.domains.medical.batch import TriageBatch
    from argus.agent.domains.medical.identity import run_settings
    from argus.agent.domains.medical.ray_engine import RayEngine, actor_pids
    from argus.agent.domains.medical.work import WorkerSettings

    say("starting Ray ...")
    start = time.perf_counter()
    engine = RayEngine(
        WorkerSettings.of(assistant, run_settings(assistant)),
        address=address,
        workers=workers,
        num_cpus=workers,
    )
    ray_start_s = time.perf_counter() - start
    samples: list[tuple[int, int]] = []
    actors: dict[str, list[int]] = {"warm": [], "end": []}

    def watch(event: TriageProgress) -> None:
        samples.append((event.done, rss_bytes()))
        if event.done == warmup_images:
            actors["warm"] = _rss(actor_pids())
        if event.done == event.total:
            actors["end"] = _rss(actor_pids())

    def batch(
        folder: str, out: str, progress: Callable[[TriageProgress], None] | None = None
    ) -> TriageSummary:
        with AuditLog(root / f"{out}.sqlite") as audit:
            return TriageBatch(assistant, root / out, audit=audit, engine=engine, progress=progress).run(
                [root / folder]
            )

    try:
        say("Ray: warm-up ...")
        batch("warm", "ray-warm-out")
        say("Ray: triage ...")
        start = time.perf_counter()
        batch("batch", "ray-out", watch)
        seconds = time.perf_counter() - start
    finally:
        engine.close()
    warm = next((rss for done, rss in samples if done >= warmup_images), samples[0][1])
    growth = (
        max(end - first for first, end in zip(actors["warm"], actors["end"], strict=False))
        if actors["warm"] and actors["end"]
        else None
    )
    return RayRun(
        address=address or "local",
        workers=engine.workers,
        ray_start_s=round(ray_start_s, 2),
        seconds=round(seconds, 3),
        images_per_s=round(n / seconds, 2),
        local_seconds=round(local_seconds, 3),
        time_ratio=round(seconds / local_seconds, 3),
        same_decisions=_decisions(root / "out") == _decisions(root / "ray-out"),
        driver_rss_growth_mb=round((samples[-1][1] - warm) / 2**20, 1),
        actor_rss_after_warmup_mb=round(max(actors["warm"]) / 2**20, 1) if actors["warm"] else None,
        actor_rss_end_mb=round(max(actors["end"]) / 2**20, 1) if actors["end"] else None,
        actor_rss_growth_mb=round(growth / 2**20, 1) if growth is not None else None,
    )


def _rss(pids: list[int]) -> list[int]:
    import psutil

    found = []
    for pid in pids:
        try:
            found.append(psutil.Process(pid).memory_info().rss)
        except psutil.Error:  # an actor that ended between the listing and the reading
            continue
    return found


def _decisions(out: Path) -> list[dict[str, Any]]:
    """The worklist's answers without what depends on timing or on a warm cache."""
    answers = []
    for line in (out / "worklist.jsonl").read_text().splitlines():
        answer = json.loads(line)
        answer.pop("timings_ms")
        for step in answer["trace"]:
            step.pop("ms")
            step.pop("cached")
        answers.append(answer)
    return answers
