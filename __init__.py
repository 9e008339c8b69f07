"""Argus: ask questions about images and get answers that cite their evidence.

    from argus import Assistant
    answer = Assistant().ask("examples/bus.jpg", "How many people are in this image?")
    print(answer.short_answer, answer.answer)

The public API is what ``__all__`` lists; everything else is internal and may move. Importing
``argus`` loads no model and no heavy library: each name is imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant, Conversation
    from argus.agent.client import ArgusClient
    from argus.agent.core.answer import Answer
    from argus.knowledge import KnowledgeBase
    from argus.tools import get_tool
    from argus.tools.errors import ArgusError

__version__ = "0.2.0"

_EXPORTS = {
    "Answer": "argus.agent.core.answer",
    "ArgusClient": "argus.agent.client",
    "ArgusError": "argus.tools.errors",
    "Assistant": "argus.agent.assistant",
    "Conversation": "argus.agent.assistant",
    "KnowledgeBase": "argus.knowledge",
    "get_tool": "argus.tools",
}

__all__ = [
    "Answer",
    "ArgusClient",
    "ArgusError",
    "Assistant",
    "Conversation",
    "KnowledgeBase",
    "__version__",
    "get_tool",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'argus' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
