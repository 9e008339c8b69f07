"""The service as it runs: a real ``argus serve`` process on a loopback port under load, a graceful
SIGTERM, 429 and 504 from real work, and the Assistant giving the same answers from many threads."""

from __future__ import annotations

import concurrent.futures
import statistics
import threading
import time

import httpx
import pytest

from argus import Assistant
from argus.agent.client import ArgusClient
from argus.agent.core.answer import Answer
from argus.agent.errors import ArgusConnectionError, ArgusServerError
from tests.support import samples
from tests.support.server_helpers import ServerProcess, app_client, server_process, unique_png

pytestmark = pytest.mark.slow

CASES = [
    (samples.BUS, "How many people are there?"),
    (samples.BUS, "Is there a bus?"),
    (samples.ZIDANE, "How many people are there?"),
    (samples.COINS, "How many coins are there?"),
    (samples.CHELSEA, "What colours are in the image?"),
    (samples.CAMERA, "Is the image sharp enough to read?"),
    (samples.PAGE, "What does the text say?"),
    (samples.ASTRONAUT, "Is there a person?"),
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_200_requests_at_concurrency_8_on_a_real_server(capsys):
    with server_process("--no-auth", "--workers", "2", "--workers-queue", "16") as server:
        client = ArgusClient(server.url, timeout=300)
        sources = {path: path.read_bytes() for path, _ in CASES}

        def one(i: int) -> tuple[float, Answer | BaseException]:
            path, question = CASES[i % len(CASES)]
            start = time.perf_counter()
            try:
                answer = client.ask(sources[path], question)
            except ArgusServerError as exc:
                return time.perf_counter() - start, exc
            return time.perf_counter() - start, answer

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(200)))
        wall = time.perf_counter() - start
        client.close()
    failures = [r for _, r in results if isinstance(r, BaseException)]
    assert not [f for f in failures if f.status >= 500], failures[:3]
    assert failures == [], failures[:3]  # queue 16 >= 8 clients in flight: nothing is refused either
    answers = [r for _, r in results]
    for i, answer in enumerate(answers):
        assert isinstance(answer, Answer)
        assert answer.question == CASES[i % len(CASES)][1]
        assert answer.citations and all(c.resolved for c in answer.citations), answer.answer
    first = {CASES[i][1] + str(CASES[i][0]): answers[i].answer for i in range(len(CASES))}
    for i, answer in enumerate(answers):  # the same question on the same image answers the same way
        assert answer.answer == first[CASES[i % len(CASES)][1] + str(CASES[i % len(CASES)][0])]
    latencies = [seconds * 1000 for seconds, _ in results]
    with capsys.disabled():
        print(
            f"\nargus serve load: 200 requests at concurrency 8 in {wall:.1f} s ({200 / wall:.1f} req/s); "
            f"p50 {statistics.median(latencies):.0f} ms, p95 {_percentile(latencies, 0.95):.0f} ms"
        )


def test_sigterm_lets_the_request_in_flight_finish_and_exits_0():
    server = ServerProcess("--no-auth", "--workers", "1")
    try:
        server.wait_ready()
        slow = unique_png(samples.PAGE, seed=int(time.time()) % 65536, scale=2.0)  # OCR on an uncached image
        outcome: dict[str, object] = {}

        def ask() -> None:
            with ArgusClient(server.url, timeout=300) as client:
                try:
                    outcome["answer"] = client.ask(slow, "What does the text say?")
                except Exception as exc:  # reported by the assertion below
                    outcome["error"] = exc

        asker = threading.Thread(target=ask)
        asker.start()
        with httpx.Client(base_url=server.url, timeout=10) as probe:
            deadline = time.monotonic() + 60
            while probe.get("/readyz").json()["pool"]["running"] == 0:
                assert time.monotonic() < deadline, "the slow request never started"
                time.sleep(0.05)
        server.proc.send_signal(15)
        time.sleep(0.5)
        with pytest.raises(ArgusConnectionError), ArgusClient(server.url, timeout=5) as late:
            late.tools()  # no new connections once shutting down
        asker.join(300)
        assert "error" not in outcome, outcome.get("error")
        answer = outcome["answer"]
        assert isinstance(answer, Answer) and "Region-based" in answer.answer
        assert server.proc.wait(120) == 0, "".join(server.stderr)
        assert "Traceback" not in "".join(server.stderr)
    finally:
        if server.proc.poll() is None:
            server.proc.kill()


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


def test_a_full_queue_answers_429_with_retry_after(assistant):
    with app_client(assistant, workers=1, queue=0) as client:
        slow = unique_png(samples.PAGE, seed=1234, scale=2.0)
        first: dict[str, object] = {}

        def ask_slow() -> None:
            first["response"] = client.post(
                "/v1/ask", files={"image": ("page.png", slow)}, data={"question": "What does the text say?"}
            )

        asker = threading.Thread(target=ask_slow)
        asker.start()
        deadline = time.monotonic() + 60
        while client.get("/readyz").json()["pool"]["running"] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        refused = client.post(
            "/v1/ask",
            files={"image": ("bus.jpg", samples.BUS.read_bytes())},
            data={"question": "Is there a bus?"},
        )
        asker.join(300)
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["type"] == "server_busy"
    assert "1 worker(s) running and 0 request(s) queued" in refused.json()["error"]["message"]
    assert first["response"].status_code == 200


def test_past_the_deadline_is_504_with_a_clear_message(assistant):
    with app_client(assistant, deadline_s=0.3) as client:
        slow = unique_png(samples.PAGE, seed=4321, scale=2.0)
        response = client.post(
            "/v1/ask", files={"image": ("page.png", slow)}, data={"question": "What does the text say?"}
        )
        assert response.status_code == 504, response.text
        error = response.json()["error"]
        assert error["type"] == "deadline_exceeded"
        assert "did not finish within the server's 0.3 s deadline" in error["message"]
        assert "--deadline-s" in error["message"]
        with client.stream(
            "POST",
            "/v1/ask/stream",
            files={"image": ("page.png", unique_png(samples.PAGE, seed=4322, scale=2.0))},
            data={"question": "What does the text say?"},
        ) as stream:
            body = stream.read().decode()
        assert stream.status_code in (200, 504)  # 504 when no step began in time, else an error event
        assert "deadline_exceeded" in body and "0.3 s deadline" in body


def test_the_assistant_answers_the_same_from_eight_threads(assistant):
    def key(answer: Answer) -> tuple:
        return (
            answer.answer,
            [(e["id"], e["label"]) for e in answer.evidence],
            [c.ref for c in answer.citations],
            [r.id for r in answer.rules],
        )

    alone = [key(assistant.ask(path, question)) for path, question in CASES]
    assistant.runtime.cache.clear()  # the threads must run the models, not read the cache
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [(i % len(CASES), pool.submit(assistant.ask, *CASES[i % len(CASES)])) for i in range(24)]
        together = [(i, key(f.result())) for i, f in futures]
    for i, got in together:
        assert got == alone[i], CASES[i]
