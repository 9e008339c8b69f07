"""The built-in planner as a LangChain chat model that needs no LLM.

It reads the question (intent from the bundled sentence embedding model plus keyword cues, and
the particulars: labels, counts, colours, zones, stated findings), emits tool calls one stage
at a time, and once the tools have answered writes the final answer from their typed results
with templates. The agent loop, tools, citations and verifier are the same as for an LLM.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel  # noqa: TID253 - only imported by the agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage  # noqa: TID253
from langchain_core.outputs import ChatGeneration, ChatResult  # noqa: TID253

from argus.agent.planner import intents, slots
from argus.agent.planner.compose import Composer
from argus.agent.planner.intents import Intent
from argus.agent.planner.plans import Plan, domain_for, make_plan

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
    """Routes a question to tools and writes template answers; deterministic and offline."""

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
        available = set(kwargs.get("tool_names") or [])
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        if not humans:
            return _result(AIMessage(content="I need a question."), start, {})
        last = humans[-1]
        question, context = read_turn(messages[last])
        previous = read_turn(messages[humans[-2]])[0] if len(humans) > 1 else None
        plan, parsed, scores = _plan(question, json.dumps(context, sort_keys=True, default=str), previous)
        done, results, failed = _this_turn(messages[last + 1 :])
        meta = {"intent": plan.intent.value, "domain": plan.domain, "scores": scores}
        for stage in plan.stages:
            todo = [(n, a) for n, a in stage if _key(n, a) not in done and (not available or n in available)]
            if todo:
                calls = [
                    {"name": n, "args": a, "id": f"planner-{len(done) + i + 1}", "type": "tool_call"}
                    for i, (n, a) in enumerate(todo)
                ]
                return _result(AIMessage(content="", tool_calls=calls), start, meta)
        composer = Composer(plan, parsed, results, {**context, "failed_tools": failed})
        return _result(AIMessage(content=composer.compose()), start, meta)


@lru_cache(maxsize=256)
def _plan(
    question: str, context_json: str, previous_question: str | None
) -> tuple[Plan, slots.Slots, dict[str, float]]:
    """Intent, slots and plan for one question; the loop asks once per step, the work is done once."""
    return plan_question(question, json.loads(context_json), previous_question)


def plan_question(
    question: str, context: dict[str, Any], previous_question: str | None = None
) -> tuple[Plan, slots.Slots, dict[str, float]]:
    """Intent, slots and plan for one question (what the planner follows)."""
    previous = slots.parse(previous_question) if previous_question else None
    zone_names = [z.get("name", "") for z in context.get("zones") or []]
    parsed = slots.parse(question, zone_names)
    if any(parsed.requests.values()):
        intent, scores = Intent.PRIVACY, {}
    else:
        intent, scores = intents.classify(question)
    domain = domain_for(context.get("domain"), parsed, intent, context.get("image") or {})
    if context.get("findings"):
        parsed.stated = {**context["findings"], **parsed.stated}
    return make_plan(intent, parsed, domain, {**context, "question": question}, previous), parsed, scores


def _key(name: str, args: dict[str, Any]) -> str:
    return name + json.dumps(args, sort_keys=True, default=str)


def _this_turn(messages: list[BaseMessage]) -> tuple[set[str], dict[str, Any], list[str]]:
    """Calls already made this turn, the latest result of each tool, and the tools that failed."""
    asked: dict[str, str] = {}
    done: set[str] = set()
    results: dict[str, Any] = {}
    failed: list[str] = []
    for message in messages:
        if isinstance(message, AIMessage):
            for call in message.tool_calls or []:
                asked[call["id"]] = _key(call["name"], call.get("args") or {})
        elif isinstance(message, ToolMessage):
            if message.tool_call_id in asked:
                done.add(asked[message.tool_call_id])
            if message.status == "error":
                failed.append(message.name or "a")
            elif message.artifact is not None and message.name:
                results[message.name] = message.artifact
    return done, results, failed


def _result(message: AIMessage, start: float, meta: dict[str, Any]) -> ChatResult:
    meta = {**meta, "planner_ms": round((time.perf_counter() - start) * 1000, 3)}
    message.response_metadata = meta
    return ChatResult(generations=[ChatGeneration(message=message)])
