"""A bounded pool of worker threads with a bounded queue in front, for the HTTP service.

Questions are CPU-bound model calls, so a few threads answer them while the event loop keeps
accepting requests. When every worker is busy and the queue is full, ``submit`` refuses at once
(the service turns that into 429 with Retry-After) instead of letting requests pile up. A request
waits for its result until its deadline; past it the caller gets ``DeadlineExceededError`` and a
job that had not started yet is dropped. A job that had started cannot be interrupted in a
thread: it keeps its worker until it finishes, and keeps counting against the queue, so the
pool never admits more work than it can hold.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from argus.agent.errors import DeadlineExceededError, ServerBusyError

T = TypeVar("T")


def deadline_error(deadline_s: float, started: bool) -> DeadlineExceededError:
    where = "was still running" if started else "was still waiting for a free worker"
    return DeadlineExceededError(
        f"the request did not finish within the server's {deadline_s:g} s deadline (it {where}); "
        "ask a narrower question, send a smaller image, or raise --deadline-s"
    )


class WorkerPool:
    """``workers`` threads and room for ``queue`` more jobs waiting for one."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self._executor = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="argus-worker")
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0
        self._mean_job_s = 1.0  # moving average of job time, for Retry-After
        self.finished = 0
        self.rejected = 0

    # ------------------------------------------------------------------ state
    @property
    def admitted(self) -> int:
        """Jobs running or waiting."""
        return self._admitted

    @property
    def running(self) -> int:
        return self._running

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "workers": self.workers,
                "queue": self.capacity - self.workers,
                "running": self._running,
                "waiting": self._admitted - self._running,
                "finished": self.finished,
                "rejected": self.rejected,
            }

    # ------------------------------------------------------------------- jobs
    def submit(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Queue ``fn(*args)``; raise ServerBusyError when the pool and its queue are full."""
        with self._lock:
            if self._admitted >= self.capacity:
                self.rejected += 1
                raise ServerBusyError(
                    f"the server is busy: {self.workers} worker(s) running and "
                    f"{self.capacity - self.workers} request(s) queued; retry later",
                    self._retry_after_locked(),
                )
            self._admitted += 1
        try:
            future = self._executor.submit(self._timed, fn, args)
        except RuntimeError:  # the executor is shutting down
            with self._lock:
                self._admitted -= 1
            raise ServerBusyError("the server is shutting down and takes no new work", 5) from None
        future.add_done_callback(self._release)
        return future

    async def wait(self, future: concurrent.futures.Future[T], deadline: float, deadline_s: float) -> T:
        """The job's result, awaited without blocking the event loop, until ``deadline`` (monotonic)."""
        remaining = deadline - time.monotonic()
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), max(0.0, remaining))
        except TimeoutError:
            started = not future.cancel()  # a job still waiting for a worker is dropped
            raise deadline_error(deadline_s, started) from None

    async def run(self, fn: Callable[..., T], *args: Any, deadline: float, deadline_s: float) -> T:
        return await self.wait(self.submit(fn, *args), deadline, deadline_s)

    def shutdown(self) -> None:
        """Finish the jobs already admitted, then stop the threads."""
        self._executor.shutdown(wait=True, cancel_futures=False)

    # --------------------------------------------------------------- internal
    def _timed(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self._lock:
            self._running += 1
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            elapsed = time.perf_counter() - start
            with self._lock:
                self._running -= 1
                self._mean_job_s = 0.8 * self._mean_job_s + 0.2 * elapsed

    def _release(self, _: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._admitted -= 1
            self.finished += 1

    def _retry_after_locked(self) -> int:
        """Seconds until a place is likely free: the queue ahead drained by every worker at the mean job time."""
        ahead = max(1, self._admitted - self.workers + 1)
        return max(1, min(120, math.ceil(self._mean_job_s * ahead / self.workers)))
