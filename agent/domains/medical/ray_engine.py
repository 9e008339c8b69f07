"""Triage on a Ray cluster: the same tasks, workers and outcomes as the local engines, with Ray Data
moving them.

The driver (``argus triage --engine ray``) lists the inputs and reads their findings, then hands the
tasks to Ray Data: ``map_batches`` with a stateful actor class (``TriageActor``) in a fixed-size actor
pool, each actor loading the rule packs and models once and reading and decoding its images where it
runs. Outcomes stream back in input order (``preserve_order``), and the driver stays the one writer
of the audit log, the worklist and the report, exactly as with the local engines.

Ray restarts an actor that dies (its process killed, its node lost) and runs its batch again; the
driver records an outcome only when it arrives, so nothing is lost or recorded twice. A worker that
cannot start (other rule packs on its node, weights it cannot load) answers every task with that
reason, which stops the batch with one clear error. The images must be readable at the same path on
every node (a shared file system): the workers read them, the driver does not send them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import numpy as np

from argus.agent.domains.medical.engines import CHUNK, CLASSIFIER_CHUNK
from argus.agent.domains.medical.work import TriageOutcome, TriageTask, TriageWorker, WorkerSettings
from argus.agent.ray_cluster import RayCluster, check_workers, limit_threads
from argus.tools.errors import ArgusError


class RayEngine:
    """Decides tasks with ``workers`` Ray actors, each reserving one CPU and ``gpus_per_worker`` GPUs.

    Args:
        settings: what each worker needs to decide as the driver would.
        address: the cluster to join (``auto``: the one running on this machine; ``ray://host:10001``:
            a remote one through Ray Client); None starts a local Ray for this process.
        workers: actors in the pool (default: the cluster's CPUs).
        gpus_per_worker: GPUs each actor reserves (fractions share a GPU).
        classifier: the chest X-ray classifier runs: batches of its size.
        num_cpus: CPUs of the local Ray this engine starts (default: all).

    Raises:
        ArgusError: Ray is not installed, the address is malformed, the cluster cannot be reached, or
            it lacks what the workers ask for.
    """

    def __init__(
        self,
        settings: WorkerSettings,
        *,
        address: str | None = None,
        workers: int | None = None,
        gpus_per_worker: float = 0.0,
        classifier: bool = False,
        num_cpus: int | None = None,
    ) -> None:
        check_workers(workers)
        if gpus_per_worker < 0:
            raise ArgusError(f"--gpus-per-worker must be 0 or more, got {gpus_per_worker:g}")
        self.cluster = RayCluster(address, num_cpus)
        self.settings = settings
        self.address = address
        self.gpus_per_worker = gpus_per_worker
        self.chunk = CLASSIFIER_CHUNK if classifier else CHUNK
        try:
            self.workers = self.cluster.pool_size(workers, "a triage worker")
            gpus = self.cluster.gpus()
            if gpus_per_worker > 0 and gpus_per_worker * self.workers > gpus + 1e-9:
                raise ArgusError(
                    f"{self.workers} worker(s) x {gpus_per_worker:g} GPU need "
                    f"{gpus_per_worker * self.workers:g} GPU(s); the Ray cluster at {self.cluster.where()} "
                    f"has {gpus:g}"
                )
        except ArgusError:
            self.cluster.close()
            raise

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        batches = self.cluster.map_actors(
            [{"task": task.model_dump_json()} for task in tasks],
            TriageActor,
            workers=self.workers,
            batch_size=self.chunk,
            constructor_kwargs={"settings_json": self.settings.model_dump_json()},
            gpus_per_worker=self.gpus_per_worker,
        )
        for batch in batches:
            yield [TriageOutcome.model_validate_json(text) for text in batch["outcome"]]

    def close(self) -> None:
        """Disconnect; a local Ray this engine started stops with it."""
        self.cluster.close()

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def actor_pids() -> list[int]:
    """Process ids of the triage actors running on this machine (Ray titles them ``ray::...TriageActor``)."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if command.startswith("ray::") and "TriageActor" in command:
            found.append(process.pid)
    return found


class TriageActor:
    """A Ray Data actor: one ``TriageWorker``, built once, deciding one batch of tasks per call."""

    def __init__(self, settings_json: str, threads: int) -> None:
        limit_threads(threads)
        self.error: str | None = None
        try:
            self.worker: TriageWorker | None = TriageWorker(WorkerSettings.model_validate_json(settings_json))
            self.worker.warm()
        except ArgusError as exc:  # answered on every task below, so the driver stops with this reason
            self.worker = None
            self.error = f"a triage worker could not start on {os.uname().nodename}: {exc}"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        tasks = [TriageTask.model_validate_json(str(text)) for text in batch["task"]]
        if self.worker is None:
            outcomes = [
                TriageOutcome(index=t.index, status="failed", error=self.error, error_kind="setup")
                for t in tasks
            ]
        else:
            outcomes = self.worker.run(tasks)
        return {"outcome": np.array([o.model_dump_json() for o in outcomes], dtype=object)}
