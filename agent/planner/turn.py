"""The built-in planner's turn without a chat model in between.

With no LLM configured, a question's turn is always the same two steps: one ``run_program`` call with
the parsed program, then the executor's answer said back. Running them here gives the trace, evidence
and answer that ``PlannerChatModel`` gives through the agent loop, without importing LangChain, which is
most of a cold question's start-up.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

from argus.agent.core.agent_tools import RunProgram
from argus.agent.core.answer import Caller
from argus.agent.core.loop import LoopResult
from argus.agent.core.toolbox import Toolbox
from argus.agent.planner.parser import Parse, parse

RUN_PROGRAM = RunProgram.name


@lru_cache(maxsize=256)
def plan_question(question: str, context_json: str, previous_question: str | None) -> Parse:
    """The parse of one question (what the planner asks the executor to run); the loop asks once per
    step, the work is done once."""
    context = json.loads(context_json)
    zone_names = [z.get("name", "") for z in context.get("zones") or []]
    image = {**(context.get("image") or {}), "zones": bool(context.get("zones"))}
    previous = (
        parse(previous_question, zone_names=zone_names, image=image).program if previous_question else None
    )
    return parse(
        question, zone_names=zone_names, image=image, explicit_domain=context.get("domain"), previous=previous
    )


def program_answer(content: str, artifact: Any, failed: bool) -> str:
    """What the planner says once ``run_program`` has run: the executor's answer, or why it could not."""
    if failed or artifact is None:
        return f"I could not answer: {content.removeprefix(f'ERROR from {RUN_PROGRAM}: ')}"
    return str(artifact.text)


def planner_turn(
    question: str, context: dict[str, Any], previous_question: str | None, toolbox: Toolbox
) -> LoopResult:
    """Parse ``question`` as the planner does and run its program as the planner's one tool call; the
    answer comes back as the loop's would. ``context``: the turn's context block, as the chat model sees it."""
    start = time.perf_counter()
    program = plan_question(
        question, json.dumps(context, sort_keys=True, default=str), previous_question
    ).program
    planner_ms = (time.perf_counter() - start) * 1000
    content, artifact, step = toolbox.run(RUN_PROGRAM, {"root": program.dump()}, Caller.PLANNER, by="planner")
    text = program_answer(content, artifact, step.error is not None)
    return LoopResult(text, [], "planner", [], llm_ms=planner_ms)
