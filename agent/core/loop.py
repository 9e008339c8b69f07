"""The agent loop: a chat model proposes tool calls, the toolbox runs them, repeat, then answer.

It is the same loop whichever chat model drives it (an OpenAI-compatible server, a local transformers
model, or the built-in planner taking over from one); with no LLM configured the planner's turn runs
without it (``argus.agent.planner.turn``). Every step is bounded: a step limit, a per-tool timeout (in the
toolbox) and a total deadline. Malformed tool calls go back to the model as errors for a bounded
number of retries; after that, or when the model's server fails, the built-in planner takes over
and the answer says so.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argus.agent.core.answer import Caller
from argus.agent.core.toolbox import Toolbox
from argus.agent.errors import LoopAbort, ToolCallError

log = logging.getLogger("argus.agent")


@dataclass
class Limits:
    max_steps: int = 8
    max_malformed: int = 2
    deadline_s: float = 120.0


@dataclass
class LoopResult:
    text: str
    messages: list[Any]
    driver: str
    notes: list[str] = field(default_factory=list)
    llm_ms: float = 0.0


def run_loop(
    chat_model: Any,
    messages: list[Any],
    toolbox: Toolbox,
    limits: Limits,
    driver: str,
    deadline: float,
) -> LoopResult:
    """Drive ``chat_model`` over ``messages`` until it answers; raise LoopAbort when it cannot."""
    from langchain_core.messages import AIMessage, ToolMessage

    from argus.agent.errors import LLMUnavailableError

    caller = Caller.PLANNER if driver == "planner" else Caller.CHAT_MODEL
    bound = chat_model.bind_tools(toolbox.langchain_tools(caller, by=driver))
    notes: list[str] = []
    malformed = 0
    llm_ms = 0.0
    for _ in range(limits.max_steps):
        if time.monotonic() > deadline:
            notes.append(f"stopped at the {limits.deadline_s:g} s deadline before the model finished")
            return LoopResult(_last_text(messages), messages, driver, notes, llm_ms)
        start = time.perf_counter()
        try:
            ai = bound.invoke(messages)
        except LLMUnavailableError as exc:
            raise LoopAbort(str(exc)) from None
        finally:
            llm_ms += (time.perf_counter() - start) * 1000
        if not isinstance(ai, AIMessage):
            raise LoopAbort(f"the chat model returned {type(ai).__name__}, not an AI message")
        messages.append(ai)
        calls = list(ai.tool_calls or [])
        invalid = list(getattr(ai, "invalid_tool_calls", None) or [])
        if not calls and not invalid:
            return LoopResult(str(ai.content or ""), messages, driver, notes, llm_ms)
        for bad in invalid:
            malformed += 1
            messages.append(
                ToolMessage(
                    content=f"ERROR: your call to {bad.get('name') or 'a tool'} was malformed "
                    f"({bad.get('error') or 'arguments are not valid JSON'}). Send valid JSON arguments.",
                    tool_call_id=bad.get("id") or f"invalid-{malformed}",
                    status="error",
                )
            )
        for call in calls:
            content, artifact, step = toolbox.run(call["name"], call.get("args") or {}, caller, by=driver)
            if isinstance(step.exception, ToolCallError):
                malformed += 1
            messages.append(
                ToolMessage(
                    content=content,
                    artifact=artifact,
                    tool_call_id=call["id"],
                    name=call["name"],
                    status="error" if step.error else "success",
                )
            )
        if malformed > limits.max_malformed:
            raise LoopAbort(f"the chat model sent {malformed} malformed or unknown tool calls")
    notes.append(f"stopped after {limits.max_steps} steps without a final answer from {driver}")
    return LoopResult(_last_text(messages), messages, driver, notes, llm_ms)


def orchestrate(
    chat_model: Any,
    planner_factory: Callable[[], Any],
    messages: list[Any],
    toolbox: Toolbox,
    limits: Limits,
    driver: str,
) -> LoopResult:
    """Run the loop with ``chat_model``; on LoopAbort, start over with the built-in planner."""
    deadline = time.monotonic() + limits.deadline_s
    try:
        return run_loop(chat_model, list(messages), toolbox, limits, driver, deadline)
    except LoopAbort as exc:
        if driver == "planner":
            raise
        log.warning("falling back to the built-in planner: %s", exc)
        result = run_loop(planner_factory(), list(messages), toolbox, limits, "planner", deadline)
        result.notes.insert(0, f"{driver} could not finish ({exc}); the built-in planner answered instead")
        return result


def _last_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if getattr(message, "type", "") == "ai" and message.content:
            return str(message.content)
    return ""


def context_block(data: dict[str, Any]) -> str:
    """Untrusted data for the user message: JSON, so it can only ever be read as data."""
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
