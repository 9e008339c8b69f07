"""Where a triage batch's decisions are made: in this process, or in a pool of local worker processes.

Both yield outcomes in input order, a worker's batch at a time, so the driver records them in that
order whatever finishes first, each batch in one transaction. The pool runs one ``TriageWorker`` per process (each loads the rule packs and models once),
sized to the CPUs this process may use; its workers ignore Ctrl-C (the driver decides when to stop)
and start from a fork server, never from a fork of the driver and its threads.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from argus.agent.domains.medical.work import TriageOutcome, TriageTask, TriageWorker, WorkerSettings
from argus.tools.errors import ArgusError

CHUNK = 4  # tasks per round trip to a pool worker
CLASSIFIER_CHUNK = 8  # tasks decoded together for one batched classifier pass
AHEAD = 2  # chunks queued per worker beyond the one it runs: bounds the memory of decisions in flight
DRIVER_WATCH_S = 1.0  # how often a worker checks that the driver is still there


class Engine(Protocol):
    workers: int

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        """One outcome per task, in the tasks' order, in the batches the workers decided them in."""
        ...


def cpus_available() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's count)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return counter() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class SerialEngine:
    """Decides every task here, with the driver's own worker."""

    workers = 1

    def __init__(self, worker: TriageWorker) -> None:
        self.worker = worker

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        size = CLASSIFIER_CHUNK if self.worker.classifier is not None else 1
        for chunk in _chunks(tasks, size):
            yield self.worker.run(chunk)


class PoolEngine:
    """Decides tasks in ``workers`` local processes, ``CHUNK`` tasks per round trip.

    The processes start on the first batch (or ``start``) and serve every batch until ``close``, so a
    program that triages several batches loads the models once per worker.

    Raises (from ``batches``):
        ArgusError: a worker could not start (rule packs or weights that do not load there), or a
            worker process died (decisions already yielded are kept).
    """

    def __init__(self, settings: WorkerSettings, workers: int, classifier: bool = False) -> None:
        if workers < 1:
            raise ArgusError(f"workers must be at least 1, got {workers}")
        self.settings = settings
        self.workers = workers
        self.chunk = CLASSIFIER_CHUNK if classifier else CHUNK
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes and wait until each has loaded its models."""
        if self._pool is not None:
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["argus.agent.domains.medical.work"])
        threads = max(1, cpus_available() // self.workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.settings.model_dump_json(), threads, os.getpid()),
        )
        for future in [self._pool.submit(_ready) for _ in range(self.workers)]:
            _result(future)

    def pids(self) -> list[int]:
        """The worker processes' ids (none before ``start``)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return sorted(processes)

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        self.start()
        pool = self._pool
        assert pool is not None
        pending: deque[Future[list[TriageOutcome]]] = deque()
        chunks = _chunks(tasks, self.chunk)
        try:
            for chunk in chunks:
                pending.append(pool.submit(_run_chunk, chunk))
                if len(pending) >= self.workers * (1 + AHEAD):
                    break
            while pending:
                yield _result(pending.popleft())
                following = next(chunks, None)
                if following is not None:
                    pending.append(pool.submit(_run_chunk, following))
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the worker processes (after the chunks they are deciding)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PoolEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _result(future: Future[Any]) -> Any:
    try:
        return future.result()
    except BrokenProcessPool:
        raise ArgusError(
            "a triage worker process died (out of memory, or killed); every decision made before it is "
            "in the audit log: rerun with --resume to finish"
        ) from None


def _chunks(tasks: Iterable[TriageTask], size: int) -> Iterator[list[TriageTask]]:
    chunk: list[TriageTask] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---------------------------------------------------------------------- in the worker processes

_WORKER: TriageWorker | None = None
_START_ERROR: str | None = None


def _start_worker(settings_json: str, threads: int, driver: int) -> None:
    """Pool initializer: ignore Ctrl-C, exit with the driver, share the CPUs fairly, load the worker (or
    keep why it failed)."""
    global _WORKER, _START_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(driver,), name="argus-driver-watch", daemon=True).start()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    try:
        _WORKER = TriageWorker(WorkerSettings.model_validate_json(settings_json))
        _WORKER.warm()
    except ArgusError as exc:
        _START_ERROR = str(exc)


def _exit_with(driver: int) -> None:
    """End this worker once the driver is gone: a driver killed with SIGKILL cannot stop its pool, and
    a worker waiting for its next task would wait for ever."""
    import psutil

    try:
        process = psutil.Process(driver)
        started = process.create_time()
        while process.is_running() and process.create_time() == started:
            if process.status() == psutil.STATUS_ZOMBIE:
                break
            time.sleep(DRIVER_WATCH_S)
    except psutil.Error:
        pass
    os._exit(0)


def _run_chunk(tasks: Sequence[TriageTask]) -> list[TriageOutcome]:
    return _worker().run(tasks)


def _ready() -> int:
    """Called once per worker by ``start``: fails as the worker failed to start, else its process id."""
    _worker()
    return os.getpid()


def _worker() -> TriageWorker:
    if _WORKER is None:
        raise ArgusError(f"a triage worker could not start: {_START_ERROR}")
    return _WORKER
