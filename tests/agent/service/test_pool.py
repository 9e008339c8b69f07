"""The service's worker pool: bounded admission, Retry-After, deadlines, and shutdown that finishes work."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from argus.agent.errors import DeadlineExceededError, ServerBusyError
from argus.agent.service.pool import WorkerPool


def _blocked(release: threading.Event, started: threading.Event | None = None) -> str:
    if started is not None:
        started.set()
    assert release.wait(10), "the test never released the job"
    return "done"


def test_a_full_pool_refuses_at_once_with_a_retry_after():
    pool = WorkerPool(workers=1, queue=1)
    release = threading.Event()
    try:
        running = pool.submit(_blocked, release)
        waiting = pool.submit(_blocked, release)
        with pytest.raises(ServerBusyError, match=r"1 worker\(s\) running and 1 request\(s\) queued") as info:
            pool.submit(_blocked, release)
        assert info.value.retry_after_s >= 1
        assert pool.stats()["rejected"] == 1
    finally:
        release.set()
    assert running.result(5) == waiting.result(5) == "done"
    pool.submit(str, 1).result(5)  # room again once they finished
    pool.shutdown()


def test_a_job_past_its_deadline_raises_and_a_queued_one_is_dropped():
    pool = WorkerPool(workers=1, queue=1)
    release, started = threading.Event(), threading.Event()
    ran: list[str] = []
    try:
        first = pool.submit(_blocked, release, started)
        assert started.wait(5)
        queued = pool.submit(ran.append, "queued job ran")

        async def wait_both() -> tuple[BaseException, BaseException]:
            deadline = time.monotonic() + 0.2
            errors = []
            for future in (first, queued):
                with pytest.raises(DeadlineExceededError) as info:
                    await pool.wait(future, deadline, 0.2)
                errors.append(info.value)
            return errors[0], errors[1]

        running_error, queued_error = asyncio.run(wait_both())
        assert "0.2 s deadline (it was still running)" in str(running_error)
        assert "still waiting for a free worker" in str(queued_error)
        assert queued.cancelled()
    finally:
        release.set()
    assert first.result(5) == "done"  # a started job cannot be killed; it finishes and frees its place
    pool.shutdown()
    assert ran == []
    assert pool.admitted == 0


def test_shutdown_waits_for_admitted_jobs():
    pool = WorkerPool(workers=2, queue=2)
    done: list[int] = []

    def slow(i: int) -> None:
        time.sleep(0.2)
        done.append(i)

    for i in range(4):
        pool.submit(slow, i)
    pool.shutdown()
    assert sorted(done) == [0, 1, 2, 3]
    with pytest.raises(ServerBusyError, match="shutting down"):
        pool.submit(slow, 5)
