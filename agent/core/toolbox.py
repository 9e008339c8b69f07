"""The tools one question may call, bound to its image, its evidence ledger and its trace.

Vision tools come from ``argus.tools``; knowledge tools (``search_rules``, ``evaluate_rules``,
``explain``) and ``run_program`` from ``argus.agent.core.agent_tools``: both are ``Tool``s and reach a chat model
through the same ``Tool.as_langchain``. Every call is timed, bounded by a timeout, recorded in the
trace, and its result enters the ledger with conversation-wide evidence ids. A failing call becomes
a ``ToolCallError`` (bad arguments, unknown tool: the caller can fix it) or a ``ToolExecutionError``
(the tool failed), kept on the trace step, shown to the model and noted in the answer; never a crash.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argus.agent.core.agent_tools import AGENT_TOOLS, AgentTool
from argus.agent.core.answer import Caller, TraceStep
from argus.agent.core.facts import FactContext, FactSheet, build_facts
from argus.agent.core.ledger import Ledger
from argus.agent.core.policy import DomainPolicy
from argus.agent.errors import ToolCallError, ToolExecutionError
from argus.tools import TOOLS, get_tool, tool_class
from argus.tools.base import ImageTool, Tool
from argus.tools.errors import ArgusError, ToolInputError, ToolTimeoutError
from argus.tools.image_io import LoadedImage
from argus.tools.runtime import Runtime

if TYPE_CHECKING:
    from argus.agent.core.executor import ProgramResult

log = logging.getLogger("argus.agent")

# Tools run here so a call can time out. Enough workers that queueing behind other questions (the HTTP
# server answers several at once) does not eat a tool's timeout; a hung tool keeps its worker.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="argus-tool")


def agent_tool_names() -> list[str]:
    """Every tool a chat model may ever be offered: the vision tools it may call, then the knowledge tools."""
    return [*(n for n in TOOLS if tool_class(n).agent_callable), *AGENT_TOOLS]


def tool_type(name: str) -> type[Tool]:
    """The class of an agent tool; ToolCallError for a name no tool has."""
    if name in AGENT_TOOLS:
        return AGENT_TOOLS[name]
    if name in TOOLS and tool_class(name).agent_callable:
        return tool_class(name)
    raise ToolCallError(name, f"there is no tool named {name!r}; available: {', '.join(agent_tool_names())}")


@dataclass
class RulesOutcome:
    """What ``evaluate_rules`` returns: the facts it used and the engine's evaluation."""

    facts: FactSheet
    evaluation: Any
    case_graph: Any = None
    made_items: list[Any] = field(default_factory=list)  # zone hits and stated findings behind the facts


@dataclass
class Timers:
    tools: float = 0.0
    knowledge: float = 0.0


@dataclass
class Toolbox:
    runtime: Runtime
    image: LoadedImage
    ledger: Ledger
    facts_context: FactContext
    knowledge: Callable[[], Any]
    timeout_s: float = 60.0
    on_event: Callable[[dict[str, Any]], None] | None = None
    question: str = ""  # the user's words, which a chat model's stated findings must come from
    trace: list[TraceStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timers: Timers = field(default_factory=Timers)
    stated: dict[str, Any] = field(default_factory=dict)
    last_rules: RulesOutcome | None = None
    evaluated_items: int = 0  # ledger size after the last rule evaluation
    search_hits: list[Any] = field(default_factory=list)
    policy: DomainPolicy = field(default_factory=DomainPolicy)
    chat_model_name: str = "chat model"  # a chat model's backend name, for the trace
    program_result: ProgramResult | None = None  # what the last run_program answered

    def caller_name(self, caller: Caller) -> str:
        """Who made a call, as the trace shows it: a chat model by its backend's name."""
        return self.chat_model_name if caller is Caller.CHAT_MODEL else caller.value

    # ------------------------------------------------------------------ public
    def names(self) -> list[str]:
        """The tools offered for this question: those needing the user's own weights only where present."""
        return [n for n in agent_tool_names() if self._offered(n)]

    def _offered(self, name: str) -> bool:
        cls = tool_type(name)
        if isinstance(cls, type) and issubclass(cls, ImageTool) and cls.needs_user_weights:
            return any(b.availability().available for b in get_tool(name, self.runtime).backends())
        return True

    def run(
        self, name: str, args: dict[str, Any] | None, caller: Caller, by: str | None = None
    ) -> tuple[str, Any, TraceStep]:
        """Run one tool call; returns (text for the model, typed result or None, trace step).

        ``by`` names the caller in the trace (a chat model's backend name); it defaults to ``caller``."""
        args = dict(args or {})
        step = TraceStep(step=len(self.trace) + 1, tool=name, args=args, by=by or caller.value)
        # in the trace from the start, so a program's step comes before the tool calls it makes
        self.trace.append(step)
        self._emit({"type": "tool_started", "step": step.step, "tool": name, "args": args, "by": step.by})
        start = time.perf_counter()
        artifact: Any = None
        timer = AGENT_TOOLS[name].timer if name in AGENT_TOOLS else "tools"
        try:
            cls = tool_type(name)
            try:
                parsed = cls.parse_args(args)
                if issubclass(cls, AgentTool):
                    content, artifact = self._agent_tool(cls, parsed, caller)
                else:
                    content, artifact, step.cached = self._vision(name, parsed)
                    step.evidence = [i.id for i in artifact.items()]
            except ToolInputError as exc:  # the arguments, which the caller can fix
                raise ToolCallError(name, str(exc)) from None
        except (ToolCallError, ToolExecutionError) as exc:
            step.failed(exc)
        except ArgusError as exc:
            step.failed(ToolExecutionError(name, f"{name} failed: {exc}", exc))
        if step.exception is not None:
            content = (
                f"ERROR from {name}: {step.error}. Check the arguments against the tool's schema and try again."
                if isinstance(step.exception, ToolCallError)
                else f"ERROR from {name}: {step.error}."
            )
            self.notes.append(f"{name} failed: {step.error}")
        elapsed = (time.perf_counter() - start) * 1000
        step.ms = round(elapsed, 2)
        if timer == "knowledge":
            self.timers.knowledge += elapsed
        elif timer == "tools":
            self.timers.tools += elapsed
        self._emit(
            {
                "type": "tool_finished",
                "step": step.step,
                "tool": name,
                "ms": step.ms,
                "cached": step.cached,
                "error": step.error,
                "evidence": step.evidence,
            }
        )
        return content, artifact, step

    def langchain_tools(self, caller: Caller, by: str | None = None) -> list[Any]:
        """The tools offered to a chat model, each a StructuredTool whose calls go through ``run``."""

        def invoker(name: str) -> Callable[[dict[str, Any]], tuple[str, Any]]:
            def invoke(arguments: dict[str, Any]) -> tuple[str, Any]:
                content, artifact, _ = self.run(name, arguments, caller, by)
                return content, artifact

            return invoke

        return [tool_type(name).as_langchain(invoker(name)) for name in self.names()]

    def card_text(self) -> str:
        """One block per tool for prompts: name, description, arguments."""
        return "\n".join(_card_block(name) for name in self.names())

    def current_facts(self, extra: dict[str, Any] | None = None) -> FactSheet:
        stated = {**self.facts_context.stated, **self.stated, **(extra or {})}
        ctx = FactContext(**{**self.facts_context.__dict__, "stated": stated})
        return build_facts(self.ledger, ctx, self.policy)

    def _agent_tool(self, cls: type[AgentTool], parsed: Any, caller: Caller) -> tuple[str, Any]:
        try:
            return cls().run(self, parsed, caller)
        except ArgusError:
            raise
        except Exception as exc:  # a bug: a failed step the answer reports, not a crash
            log.exception("tool %s raised", cls.name)
            raise ToolExecutionError(
                cls.name, f"{cls.name} raised {type(exc).__name__}: {exc}", exc
            ) from None

    # ----------------------------------------------------------------- vision
    def _vision(self, name: str, parsed: Any) -> tuple[str, Any, bool]:
        tool = get_tool(name, self.runtime)
        backend = tool.select_backend(parsed, self.image)
        key = tool.cache_key(self.image, backend, parsed)
        cached = self.runtime.cache.get(key, tool.Output) is not None
        future = _EXECUTOR.submit(tool, self.image, parsed)
        try:
            result = future.result(timeout=self.timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            error = ToolTimeoutError(f"{name} did not finish within {self.timeout_s:g} s")
            raise ToolExecutionError(name, str(error), error) from None
        except ToolInputError:
            raise
        except ArgusError as exc:
            raise ToolExecutionError(name, f"{name} failed: {exc}", exc) from None
        except Exception as exc:  # a bug or a backend crash: a failed step, and the answer goes on
            log.exception("tool %s raised", name)
            raise ToolExecutionError(name, f"{name} raised {type(exc).__name__}: {exc}", exc) from None
        renumbered = self.ledger.add(key, result)
        return renumbered.summary(), renumbered, cached

    def evaluate(self, domain: str | None) -> tuple[str, RulesOutcome]:
        """Evaluate the rules on the current facts (also used by the agent's grounding pass)."""
        kb = self.knowledge()
        sheet = self.current_facts()
        facts = sheet.to_facts()
        evaluation = kb.evaluate(facts, domain=domain)
        made = [i for i in self.ledger.items() if i.id[:1] in ("Z", "X", "V")]
        outcome = RulesOutcome(
            facts=sheet, evaluation=evaluation, case_graph=kb.case_graph(facts, evaluation), made_items=made
        )
        self.last_rules = outcome
        self.evaluated_items = len(self.ledger.items())
        return describe_evaluation(evaluation), outcome

    def _emit(self, event: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(event)


def describe_evaluation(evaluation: Any) -> str:
    lines = []
    for fired in evaluation.fired:
        u = fired.rule.urgency
        lines.append(
            f"FIRED [R:{fired.rule.id}] {fired.rule.title}: {fired.rule.conclusion} Action: {fired.rule.action} "
            f"(urgency {u.level}, {u.native}; evidence {', '.join(fired.evidence) or 'none'}; why: {fired.why})"
        )
    for abst in evaluation.abstained:
        lines.append(f"ABSTAINED [R:{abst.rule.id}] {abst.rule.title}: {abst.reason}")
    for und in evaluation.undetermined:
        rule, missing = und.rule, und.missing
        lines.append(f"UNDETERMINED [R:{rule.id}] {rule.title}: missing {', '.join(missing)}")
    if evaluation.top is not None:
        lines.append(f"TOP URGENCY {evaluation.top.rule.urgency.level} from [R:{evaluation.top.rule.id}]")
    return "\n".join(lines) or "no rule applies to these facts"


@functools.cache
def _card_block(name: str) -> str:
    """A tool's block in the prompt, built once: rendering the JSON schemas took most of a cached
    answer's time when it was redone for every question."""
    cls = tool_type(name)
    fields = ", ".join(
        f"{key}: {info.get('description', info.get('type', ''))}"
        for key, info in cls.Input.model_json_schema().get("properties", {}).items()
    )
    return f"- {name}: {cls.planner_description()}\n  arguments: {fields or 'none'}"
