"""The agent loop driven by a scripted chat model: calls, answers, bad calls, limits and the hand-over."""

from __future__ import annotations

import pytest

from argus.agent.core.answer import Caller
from argus.agent.core.facts import FactContext
from argus.agent.core.ledger import Ledger
from argus.agent.core.loop import Limits, orchestrate, run_loop
from argus.agent.core.toolbox import Toolbox
from argus.agent.errors import LoopAbort, ToolCallError, ToolExecutionError
from argus.tools.image_io import load_image
from argus.tools.runtime import Runtime
from tests.support import samples
from tests.support.scripted_chat import ScriptedChatModel, calls, say

pytestmark = pytest.mark.slow  # the detector runs for real


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(device="cpu")


def toolbox(runtime: Runtime) -> Toolbox:
    image = load_image(samples.BUS)
    from argus.knowledge import KnowledgeBase

    kb = KnowledgeBase.load()
    return Toolbox(
        runtime=runtime,
        image=image,
        ledger=Ledger(image.sha256),
        facts_context=FactContext(),
        knowledge=lambda: kb,
        chat_model_name="scripted",
    )


def test_the_model_calls_a_tool_then_answers(runtime):
    box = toolbox(runtime)
    model = ScriptedChatModel(
        script=[calls(("detect_objects", {"labels": ["person"]})), say("3 people [D1][D2][D3].")]
    )
    result = run_loop(model, [], box, Limits(), "scripted", deadline=float("inf"))
    assert result.text == "3 people [D1][D2][D3]." and result.driver == "scripted"
    (step,) = box.trace
    assert step.tool == "detect_objects" and step.by == "scripted" and len(step.evidence) == 3
    assert (
        "run_program" in model.offered
        and "detect_objects" in model.offered
        and "annotate" not in model.offered
    )
    # the model read the tool's result before answering
    assert "person" in str(model.seen[1][-1].content)


def test_bad_calls_are_typed_and_counted_and_end_the_turn(runtime):
    box = toolbox(runtime)
    model = ScriptedChatModel(
        script=[
            calls(("no_such_tool", {})),
            calls(("detect_objects", {"labels": 7})),
            calls(("detect_objects", {"min_score": 9})),
        ]
    )
    with pytest.raises(LoopAbort, match="3 malformed"):
        run_loop(model, [], box, Limits(max_malformed=2), "scripted", deadline=float("inf"))
    assert [type(s.exception) for s in box.trace] == [ToolCallError] * 3
    assert "available:" in box.trace[0].error and "run_program" in box.trace[0].error
    assert model.seen[1][-1].status == "error"  # the model was told, and could try again


def test_a_failing_tool_is_an_execution_error_not_a_bad_call(runtime, monkeypatch):
    from argus.tools.ssd import SsdMobileNetBackend

    def broken(self, *args, **kwargs):
        raise RuntimeError("device lost")

    monkeypatch.setattr(SsdMobileNetBackend, "detect", broken)
    runtime.cache.clear()
    box = toolbox(runtime)
    model = ScriptedChatModel(script=[calls(("detect_objects", {})), say("The detector failed.")])
    result = run_loop(model, [], box, Limits(), "scripted", deadline=float("inf"))
    assert isinstance(box.trace[0].exception, ToolExecutionError) and "device lost" in box.trace[0].error
    assert result.text == "The detector failed." and any("detect_objects failed" in n for n in box.notes)


def test_the_step_limit_stops_a_model_that_never_answers(runtime):
    box = toolbox(runtime)
    model = ScriptedChatModel(script=[calls(("assess_quality", {}))])
    result = run_loop(model, [], box, Limits(max_steps=3), "scripted", deadline=float("inf"))
    assert len(box.trace) == 3 and "stopped after 3 steps" in result.notes[0]


def test_the_planner_takes_over_when_the_model_cannot_go_on(runtime):
    from langchain_core.messages import HumanMessage

    from argus.agent.assistant import planner

    box = toolbox(runtime)
    model = ScriptedChatModel(script=[calls(("nope", {}))])
    question = HumanMessage(
        content='Question: How many people are in this image?\n\n```json\n{"domain": "general"}\n```'
    )
    result = orchestrate(model, planner, [question], box, Limits(max_malformed=0), "scripted")
    assert result.driver == "planner" and "the built-in planner answered instead" in result.notes[0]
    assert result.text.startswith("3 people") and box.program_result.short_answer == "3"
    assert [s.tool for s in box.trace][-2:] == ["run_program", "detect_objects"]
    assert box.trace[-1].by == box.trace[-2].by == Caller.PLANNER.value
