"""``argus ui``: the web app alone on 127.0.0.1, without sign-in when no token is set, with it when one is."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server_helpers import TOKEN

ARGUS = str(Path(sys.executable).with_name("argus"))


def start(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [ARGUS, "ui", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 600
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if match:
            return proc, f"http://127.0.0.1:{match.group(1)}"
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("argus ui did not say where it listens")


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(120)


@pytest.mark.slow
@pytest.mark.parametrize("token", [None, TOKEN], ids=["no token", "token"])
def test_ui_serves_the_app_on_loopback(token):
    env = {k: v for k, v in os.environ.items() if k != "ARGUS_API_TOKEN"}
    if token:
        env["ARGUS_API_TOKEN"] = token
    proc, url = start(env)
    try:
        page = httpx.get(url + "/", timeout=60)
        assert page.status_code == 200 and "gradio_config" in page.text
        config = httpx.get(url + "/config", timeout=60)
        assert config.status_code == (401 if token else 200)
    finally:
        assert stop(proc) == 0
