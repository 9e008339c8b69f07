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

import math
import os
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from argus.agent.domains.medical.engines import CHUNK, CLASSIFIER_CHUNK
from argus.agent.domains.medical.work import TriageOutcome, TriageTask, TriageWorker, WorkerSettings
from argus.tools.errors import ArgusError

RAY_MISSING = "the Ray engine needs Ray, which is not installed here: pip install 'argus[ray]'"


def require_ray() -> Any:
    """The ``ray`` module, or one clear error saying what to install."""
    try:
        import ray
        import ray.data  # noqa: F401  # Ray Data ships with ray[data]; a bare ray lacks its dependencies
    except ImportError:
        raise ArgusError(RAY_MISSING) from None
    return ray


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
        ArgusError: Ray is not installed, the cluster cannot be reached, or asks for what it lacks.
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
        if workers is not None and workers < 1:
            raise ArgusError(f"workers must be at least 1, got {workers}")
        if gpus_per_worker < 0:
            raise ArgusError(f"--gpus-per-worker must be 0 or more, got {gpus_per_worker:g}")
        self.ray = require_ray()
        self.settings = settings
        self.address = address
        self.gpus_per_worker = gpus_per_worker
        self.chunk = CLASSIFIER_CHUNK if classifier else CHUNK
        self._started_here = False
        self._connect(num_cpus)
        resources = self.ray.cluster_resources()
        cpus = int(resources.get("CPU", 0))
        gpus = float(resources.get("GPU", 0))
        self.workers = workers or max(1, cpus)
        if cpus < 1:
            raise ArgusError(f"the Ray cluster at {self._where()} has no CPU to run a triage worker on")
        if gpus_per_worker > 0 and gpus_per_worker * self.workers > gpus + 1e-9:
            raise ArgusError(
                f"{self.workers} worker(s) x {gpus_per_worker:g} GPU need {gpus_per_worker * self.workers:g} "
                f"GPU(s); the Ray cluster at {self._where()} has {gpus:g}"
            )

    def _connect(self, num_cpus: int | None) -> None:
        ray = self.ray
        if ray.is_initialized():
            return
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": True,
            "logging_level": "WARNING",
        }
        if self.address is None:
            options["num_cpus"] = num_cpus
        try:
            ray.init(address=self.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ArgusError(f"cannot reach the Ray cluster at {self._where()}: {exc}") from None
        self._started_here = True

    def _where(self) -> str:
        return self.address or "this machine (a local Ray started for this run)"

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        ray = self.ray
        items = [{"task": task.model_dump_json()} for task in tasks]
        if not items:
            return
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # outcomes come back in input order
        context.enable_progress_bars = False  # the command draws its own
        threads = max(1, int(ray.cluster_resources().get("CPU", 1)) // self.workers)
        dataset = ray.data.from_items(
            items, override_num_blocks=math.ceil(len(items) / self.chunk)
        ).map_batches(
            TriageActor,
            batch_size=self.chunk,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
            num_gpus=self.gpus_per_worker or None,
            fn_constructor_kwargs={"settings_json": self.settings.model_dump_json(), "threads": threads},
            udf_modifying_row_count=False,
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            yield [TriageOutcome.model_validate_json(text) for text in batch["outcome"]]

    def close(self) -> None:
        """Disconnect; a local Ray this engine started stops with it."""
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()
        self._started_here = False

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
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
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
