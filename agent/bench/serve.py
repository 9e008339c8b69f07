"""``argus bench serve``: the HTTP service against the same questions asked in-process.

A real ``argus serve`` is started on a free loopback port (no auth, as it is loopback), the same
sample images and questions are asked through ``ArgusClient`` at concurrency 1, 4 and 8, and
through ``Assistant.ask`` in this process, one at a time. Both sides are warmed first (models
loaded, tool results cached), so what differs is what the service adds: the upload, the form,
the worker hand-off and the JSON. At concurrency 1 the two sides alternate question by question, so
the load other processes put on the machine falls on both alike; the ratio compares the service's
p50 there with the in-process p50 (target <= 1.15).
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from argus.tools.errors import ArgusError

TARGET_RATIO = 1.15
READY_TIMEOUT_S = 600.0


class Level(BaseModel):
    """One measurement: ``requests`` questions at ``concurrency`` clients."""

    side: str
    concurrency: int
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int


class ServeBench(BaseModel):
    cpu_count: int
    workers: int
    cases: list[str]
    startup_s: float
    in_process: Level
    service: list[Level]
    ratio_p50: float
    target_ratio: float = TARGET_RATIO

    @property
    def met(self) -> bool:
        return self.ratio_p50 <= self.target_ratio


def cases() -> list[tuple[Path, str]]:
    """Sample images that ship in packages, with questions that route to different tools."""
    from argus.tools.base import package_sample

    assets, data = package_sample("ultralytics", "assets"), package_sample("skimage", "data")
    return [
        (assets / "bus.jpg", "How many people are there?"),
        (assets / "bus.jpg", "Is there a bus?"),
        (assets / "zidane.jpg", "How many people are there?"),
        (data / "coins.png", "How many coins are there?"),
        (data / "chelsea.png", "What colours are in the image?"),
        (data / "camera.png", "Is the image sharp enough to read?"),
        (data / "page.png", "What does the text say?"),
        (data / "astronaut.png", "Is there a person?"),
    ]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _level(side: str, concurrency: int, latencies: list[float], seconds: float, errors: int) -> Level:
    return Level(
        side=side,
        concurrency=concurrency,
        requests=len(latencies),
        seconds=round(seconds, 3),
        requests_per_s=round(len(latencies) / seconds, 2) if seconds else 0.0,
        p50_ms=round(statistics.median(latencies) * 1000, 2),
        p95_ms=round(_percentile(latencies, 0.95) * 1000, 2),
        errors=errors,
    )


def measure(side: str, call: Callable[[int], object], requests: int, concurrency: int) -> Level:
    """Run ``call(i)`` for i < requests on ``concurrency`` threads; latency of each, wall time of all."""
    errors = 0

    def timed(i: int) -> float:
        nonlocal errors
        start = time.perf_counter()
        try:
            call(i)
        except ArgusError:
            errors += 1
        return time.perf_counter() - start

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(timed, range(requests)))
    return _level(side, concurrency, latencies, time.perf_counter() - start, errors)


def paired(
    local: Callable[[int], object], remote: Callable[[int], object], requests: int
) -> tuple[Level, Level]:
    """Each question in-process then through the service, alternating, so that whatever else the machine
    is doing weighs on both sides alike; the concurrency-1 measurement of each."""
    times: dict[str, list[float]] = {"local": [], "remote": []}
    errors = {"local": 0, "remote": 0}
    for i in range(requests):
        for side, call in (("local", local), ("remote", remote)):
            start = time.perf_counter()
            try:
                call(i)
            except ArgusError:
                errors[side] += 1
            times[side].append(time.perf_counter() - start)
    return (
        _level("in-process Assistant.ask", 1, times["local"], sum(times["local"]), errors["local"]),
        _level("argus serve + ArgusClient", 1, times["remote"], sum(times["remote"]), errors["remote"]),
    )


@contextmanager
def running_server(workers: int, queue: int) -> Iterator[tuple[str, float]]:
    """``argus serve`` on a free loopback port; yields (base URL, seconds until ready)."""
    import httpx

    start = time.perf_counter()
    command = [sys.executable, "-m", "argus.cli", "serve", "--host", "127.0.0.1", "--port", "0", "--no-auth"]
    command += ["--workers", str(workers), "--workers-queue", str(queue)]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(proc.stderr or []), daemon=True).start()
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if found is None:
            proc.wait(10)
            raise ArgusError(f"argus serve did not start: {(line + ''.join(errors)).strip()[-500:]}")
        url = found.group(0)
        with httpx.Client(base_url=url, timeout=30, trust_env=False) as probe:
            while probe.get("/readyz").status_code != 200:
                if proc.poll() is not None or time.perf_counter() - start > READY_TIMEOUT_S:
                    raise ArgusError(f"argus serve never became ready: {''.join(errors).strip()[-500:]}")
                time.sleep(0.2)
        yield url, time.perf_counter() - start
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()


def run_serve_bench(
    requests: int = 40,
    workers: int = 2,
    concurrency: tuple[int, ...] = (1, 4, 8),
    progress: Callable[[str], None] = lambda _: None,
) -> ServeBench:
    from argus.agent.assistant import Assistant
    from argus.agent.client import ArgusClient

    work = cases()
    progress("starting argus serve and loading its models")
    with running_server(workers, queue=max(concurrency) * 2) as (url, startup_s), ArgusClient(url) as client:
        progress(f"ready after {startup_s:.1f} s; warming both sides")
        assistant = Assistant()
        for path, question in work:  # models loaded, tool results cached, on both sides
            assistant.ask(path, question)
            client.ask(path, question)

        def local(i: int) -> object:
            path, question = work[i % len(work)]
            return assistant.ask(path, question)

        def remote(i: int) -> object:
            path, question = work[i % len(work)]
            return client.ask(path, question)

        progress(f"in-process Assistant.ask and the service, one after the other: {requests} questions each")
        in_process, single = paired(local, remote, requests)
        service = [single]
        for level in concurrency:
            if level > 1:
                progress(f"service at concurrency {level}: {requests} questions")
                service.append(measure("argus serve + ArgusClient", remote, requests, level))
    return ServeBench(
        cpu_count=os.cpu_count() or 1,
        workers=workers,
        cases=[f"{path.name}: {question}" for path, question in work],
        startup_s=round(startup_s, 2),
        in_process=in_process,
        service=service,
        ratio_p50=round(single.p50_ms / in_process.p50_ms, 3),
    )
