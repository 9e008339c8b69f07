"""The built-in planner as a LangChain chat model that needs no LLM.

It parses the question into a typed program (``argus.agent.planner.parser``), asks for it with one
``run_program`` tool call, and once the executor has answered, says that answer. The agent loop, the
tools, the citations and the verifier are the same as for an LLM, and a chat model may call
``run_program`` with a program of its own: whoever writes the program, the same executor runs it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel  # noqa: TID253 - only imported by the agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage  # noqa: TID253
from langchain_core.outputs import ChatGeneration, ChatResult  # noqa: TID253

from argus.agent.core.program import Program
from argus.agent.planner.parser import parse
from argus.agent.planner.turn import RUN_PROGRAM, plan_question, program_answer

_CONTEXT = re.compile(r"```json\s*(\{.*\})\s*```", re.S)
_QUESTION = re.compile(r"^Question:\s*(.*?)\s*(?:\n\s*\n|$)", re.S)


def read_turn(message: BaseMessage) -> tuple[str, dict[str, Any]]:
    """The question and the context block of a user message rendered from prompts/user.txt."""
    text = str(message.content)
    q = _QUESTION.search(text)
    question = q.group(1) if q else text
    c = _CONTEXT.search(text)
    try:
        context = json.loads(c.group(1)) if c else {}
    except json.JSONDecodeError:
        context = {}
    return question, context


class PlannerChatModel(BaseChatModel):
    """Parses a question into a program and answers with what the executor found; deterministic, offline."""

    @property
    def _llm_type(self) -> str:
        return "argus-planner"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        names = [getattr(t, "name", None) or t.get("name") for t in tools]
        return self.bind(tool_names=names, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        start = time.perf_counter()
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        if not humans:
            return _result(AIMessage(content="I need a question."), start, {})
        last = humans[-1]
        question, context = read_turn(messages[last])
        previous = read_turn(messages[humans[-2]])[0] if len(humans) > 1 else None
        parsed = plan_question(question, json.dumps(context, sort_keys=True, default=str), previous)
        meta = {"op": parsed.op, "domain": parsed.domain, "form": parsed.by}
        answered = _program_answer(messages[last + 1 :])
        if answered is None:
            call = {
                "name": RUN_PROGRAM,
                "args": {"root": parsed.program.dump()},
                "id": "planner-1",
                "type": "tool_call",
            }
            return _result(AIMessage(content="", tool_calls=[call]), start, meta)
        return _result(AIMessage(content=answered), start, meta)


def _program_answer(messages: list[BaseMessage]) -> str | None:
    """The answer text of this turn's run_program call, or a plain failure sentence; None before it ran."""
    for message in messages:
        if isinstance(message, ToolMessage) and message.name == RUN_PROGRAM:
            return program_answer(str(message.content), message.artifact, message.status == "error")
    return None


def program_for(question: str, **options: Any) -> Program:
    """The program the planner would run for ``question`` (for tests, benches and explanations)."""
    return parse(question, **options).program


def _result(message: AIMessage, start: float, meta: dict[str, Any]) -> ChatResult:
    meta = {**meta, "planner_ms": round((time.perf_counter() - start) * 1000, 3)}
    message.response_metadata = meta
    return ChatResult(generations=[ChatGeneration(message=message)])
