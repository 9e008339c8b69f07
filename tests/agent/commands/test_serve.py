"""``argus serve`` hands its options to the service's settings, checked before anything listens."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from argus.agent.commands import serve as serve_command
from argus.cli import app


@pytest.fixture
def started(monkeypatch) -> list[Any]:
    """The settings ``argus serve`` would run with; nothing is served."""
    seen: list[Any] = []

    def run(_app: Any, sock: Any, settings: Any) -> None:
        sock.close()
        seen.append(settings)

    monkeypatch.setattr(serve_command, "_run", run)
    return seen


def test_serve_takes_pixel_and_frame_caps(started):
    result = CliRunner().invoke(
        app, ["serve", "--no-auth", "--port", "0", "--max-pixels", "2000000", "--max-frames", "7"]
    )
    assert result.exit_code == 0, result.output
    assert started[0].max_pixels == 2_000_000 and started[0].max_frames == 7


def test_serve_defaults_to_the_service_pixel_cap(started):
    result = CliRunner().invoke(app, ["serve", "--no-auth", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert started[0].max_pixels == 24_000_000


@pytest.mark.parametrize(
    ("args", "says"),
    [(["--max-frames", "0"], "--max-frames"), (["--max-pixels", "0"], "--max-pixels")],
)
def test_serve_refuses_a_cap_below_one(started, args, says):
    result = CliRunner().invoke(app, ["serve", "--no-auth", "--port", "0", *args])
    assert result.exit_code == 2 and says in result.output and not started
