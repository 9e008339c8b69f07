"""A spinner on stderr while a question is answered, naming the step in hand.

Only when stderr is a terminal: piped or captured output gets nothing extra, and stdout (the
answer, or the JSON) is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from argus.agent.commands.common import err_console

OnEvent = Callable[[dict[str, Any]], None]


def step_message(event: dict[str, Any]) -> str | None:
    """What the spinner says for a step event, or None to leave it as it is."""
    if event.get("type") == "tool_started":
        return f"running {event.get('tool', 'a tool')}"
    if event.get("type") == "tool_finished":
        return "thinking"
    return None


@contextmanager
def progress(message: str) -> Iterator[OnEvent]:
    """Show ``message`` with a spinner; the yielded callback takes the agent's step events."""
    if not err_console.is_terminal:
        yield lambda event: None
        return
    with err_console.status(message, spinner="dots") as status:

        def on_event(event: dict[str, Any]) -> None:
            text = step_message(event)
            if text is not None:
                status.update(text)

        yield on_event
