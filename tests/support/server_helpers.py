"""Helpers for the HTTP service's tests: in-process apps on a shared Assistant, a real
``argus serve`` subprocess on an ephemeral loopback port, and unique images that no cache holds."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from argus.agent.service.app import create_app
from argus.agent.service.settings import ServerSettings

TOKEN = "test-token-0123456789abcdef"
LEAKS = ("Traceback", "/work/", ".py", "site-packages", 'File "')
READY_TIMEOUT_S = 600.0


def wait_ready(client: Any, timeout_s: float = READY_TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get("/readyz")
        if response.status_code == 200:
            return response.json()
        body = response.json()
        assert response.status_code == 503 and body["error"]["type"] == "not_ready", body
        assert "failed" not in body["error"]["message"] and "Error" not in body["error"]["message"], body
        assert time.monotonic() < deadline, f"not ready after {timeout_s:g} s: {body}"
        time.sleep(0.2)


@contextmanager
def app_client(assistant: Any, **settings: Any) -> Iterator[TestClient]:
    """A TestClient on a fresh app (its own pool, store and settings) over the shared ``assistant``."""
    settings.setdefault("no_auth", True)
    app = create_app(ServerSettings(**settings), assistant=assistant)
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        yield client


def unique_png(source: Path, seed: int, scale: float = 1.0) -> bytes:
    """``source`` as PNG with one pixel changed: new bytes, new sha256, so no tool cache answers it."""
    from PIL import Image

    with Image.open(source) as im:
        picture = im.convert("RGB")
    if scale != 1.0:
        picture = picture.resize((int(picture.width * scale), int(picture.height * scale)))
    picture.putpixel((0, 0), (seed % 256, (seed // 256) % 256, 7))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def assert_no_leak(text: str) -> None:
    for marker in LEAKS:
        assert marker not in text, f"{marker!r} leaked in: {text[:500]}"


class ServerProcess:
    """``argus serve`` in a subprocess on 127.0.0.1 with port 0; ``url`` is where it listens."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        argus = Path(sys.executable).with_name("argus")
        command = [str(argus), "serve", "--host", "127.0.0.1", "--port", "0", *args]
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if match is None:
            self.proc.kill()
            raise AssertionError(f"argus serve did not say where it listens: {line!r} {''.join(self.stderr)}")
        self.url = f"http://127.0.0.1:{match.group(1)}"

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def wait_ready(self) -> dict[str, Any]:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            return wait_ready(client)

    def terminate(self, timeout_s: float = 120.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("argus serve did not exit after SIGTERM") from None


@contextmanager
def server_process(*args: str, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(*args, env=env)
    try:
        server.wait_ready()
        yield server
    finally:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGTERM)
            try:
                server.proc.wait(120)
            except subprocess.TimeoutExpired:
                server.proc.kill()
