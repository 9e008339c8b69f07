"""A chat model that says what a test scripted, in order: the agent loop's tests drive it instead of an
LLM (smolagents' fake-model technique). Each turn is an AIMessage; ``tools`` records what it was offered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel  # noqa: TID253 - a test double of a chat model
from langchain_core.messages import AIMessage, BaseMessage  # noqa: TID253
from langchain_core.outputs import ChatGeneration, ChatResult  # noqa: TID253


def say(text: str) -> AIMessage:
    return AIMessage(content=text)


def calls(*pairs: tuple[str, dict[str, Any]]) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": n, "args": a, "id": f"call-{i}", "type": "tool_call"} for i, (n, a) in enumerate(pairs)
        ],
    )


class ScriptedChatModel(BaseChatModel):
    """Replies with the scripted messages one per turn; the last one repeats when the script runs out."""

    script: list[AIMessage]
    seen: list[list[BaseMessage]] = []
    offered: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        self.offered = [getattr(t, "name", "") for t in tools]
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.seen.append(list(messages))
        turn = len(self.seen) - 1
        message = self.script[min(turn, len(self.script) - 1)]
        return ChatResult(generations=[ChatGeneration(message=message.model_copy())])
