"""Argus's agent: the orchestrator that joins the vision tools and the knowledge base.

    from agent import Assistant
    answer = Assistant().ask("examples/bus.jpg", "How many people are there?")

Importing this package loads no model and no heavy library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.answer import Answer
    from agent.assistant import Assistant, Conversation

__all__ = ["Answer", "Assistant", "Conversation"]


def __getattr__(name: str) -> Any:
    if name in ("Assistant", "Conversation"):
        from agent import assistant

        return getattr(assistant, name)
    if name == "Answer":
        from agent.answer import Answer

        return Answer
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
