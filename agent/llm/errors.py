"""Errors of the chat-model backends.

Both are user errors (a wrong option, a server that is down), so both are ArgusErrors and the CLI
shows them as one line. The orchestrator catches LLMUnavailableError during a conversation and lets
the built-in planner finish the answer.
"""

from __future__ import annotations

from tools.errors import ArgusError


class LLMConfigError(ArgusError):
    """The LLM options do not describe a usable backend; the message names the option to set."""


class LLMUnavailableError(ArgusError):
    """The configured chat model cannot be reached or loaded, or failed during a call."""
