"""The spinner on stderr (only on a terminal) and how ``argus chat`` ends."""

from __future__ import annotations

import io

from rich.console import Console
from typer.testing import CliRunner

from argus.agent.commands import progress
from argus.cli import app
from tests.support import samples


def test_step_events_name_the_tool_in_hand():
    assert (
        progress.step_message({"type": "tool_started", "tool": "detect_objects"}) == "running detect_objects"
    )
    assert progress.step_message({"type": "tool_finished", "tool": "detect_objects"}) == "thinking"
    assert progress.step_message({"type": "answer"}) is None


def test_no_spinner_when_stderr_is_not_a_terminal(monkeypatch):
    captured = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=captured, force_terminal=False))
    with progress.progress("loading models") as on_event:
        on_event({"type": "tool_started", "tool": "detect_objects"})
    assert captured.getvalue() == ""


def test_spinner_on_a_terminal_shows_the_step(monkeypatch):
    captured = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=captured, force_terminal=True, width=80))
    with progress.progress("loading models") as on_event:
        on_event({"type": "tool_started", "tool": "detect_objects"})
    assert "loading models" in captured.getvalue() or "running detect_objects" in captured.getvalue()


def test_ctrl_d_in_chat_ends_the_line():
    result = CliRunner().invoke(app, ["chat", str(samples.EXAMPLE_BUS)], input="")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("you> \n"), repr(result.stdout[-40:])
    assert "⠋" not in result.stderr and "loading models" not in result.stderr  # no spinner off a terminal
