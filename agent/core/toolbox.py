"""The tools one question may call, bound to its image, its evidence ledger and its trace.

Vision tools come from ``tools``; knowledge tools (``search_rules``, ``evaluate_rules``,
``explain``) wrap the knowledge base. Every call is timed, bounded by a timeout, recorded in
the trace, and its result enters the ledger with conversation-wide evidence ids. A failing
call becomes an error the model reads and a visible note, never a crash.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from argus.agent.core.answer import TraceStep
from argus.agent.core.facts import FactContext, FactSheet, build_facts
from argus.agent.core.grounded_findings import ungrounded
from argus.agent.core.ledger import Ledger
from argus.tools import get_tool, tool_class
from argus.tools.errors import ArgusError, ToolInputError, ToolTimeoutError
from argus.tools.image_io import LoadedImage
from argus.tools.runtime import Runtime

log = logging.getLogger("argus.agent")

# The vision tools a model may call. `annotate` writes files, so only the agent calls it.
VISION_TOOLS = (
    "detect_objects",
    "detect_falls",
    "segment",
    "describe_image",
    "classify_image",
    "read_text",
    "assess_quality",
    "analyze_colors_shapes",
)
KNOWLEDGE_TOOLS = ("search_rules", "evaluate_rules", "explain")
# Vision tools that run only on the user's own weights: listed where a backend of theirs is available.
OPTIONAL_VISION_TOOLS = ("classify_chest_xray",)

# Namespaces a model or a user may state facts in; what the tools see (labels, zones, falls,
# quality, image tags, time, requests) can never be overridden by a stated fact.
STATABLE_NAMESPACES = (
    "patient",
    "nodule",
    "finding",
    "device",
    "vitals",
    "esi",
    "birads",
    "lungrads",
    "scene",
)

# Callers whose findings are Argus's own parse of the user's input; a chat model's are checked
# against the user's words (argus.agent.core.grounded_findings), since tool results it reads may carry injected text.
PARSED_BY_ARGUS = ("planner", "agent", "triage")

# Tools run here so a call can time out. Enough workers that queueing behind other questions (the HTTP
# server answers several at once) does not eat a tool's timeout; a hung tool keeps its worker.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="argus-tool")


class SearchRulesInput(BaseModel):
    query: str = Field(min_length=2, max_length=500, description="What to look for, in plain words.")
    k: int = Field(default=5, ge=1, le=20, description="How many rules to return.")
    domain: str | None = Field(default=None, description="medical, security or general; none for all.")


class EvaluateRulesInput(BaseModel):
    domain: str | None = Field(default=None, description="medical, security or general; none for all.")
    findings: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Facts stated in the question that no tool can see, as dotted names, e.g. "
        "{'nodule.size_mm': 7, 'nodule.type': 'solid', 'patient.age': 60}. Only the namespaces "
        + ", ".join(STATABLE_NAMESPACES)
        + " are accepted.",
    )


class ExplainInput(BaseModel):
    target: str = Field(description="A rule id (e.g. MED-FLEISCHNER-02) or an urgency level (U3).")


KNOWLEDGE_CARDS: dict[str, tuple[str, type[BaseModel]]] = {
    "search_rules": (
        "Search the rule packs (medical triage, security) by meaning. Returns rule ids with titles, "
        "urgency and source; cite a rule as [R:RULE-ID].",
        SearchRulesInput,
    ),
    "evaluate_rules": (
        "Run the rule engine on the facts the vision tools found so far (and facts stated in the question). "
        "Returns the rules that fired with why, the rules that abstained with their reason, and the highest "
        "urgency. Call it after the vision tools.",
        EvaluateRulesInput,
    ),
    "explain": (
        "Explain a conclusion: the paths from evidence through concept and rule to urgency, action and source.",
        ExplainInput,
    ),
}


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

    # ------------------------------------------------------------------ public
    def names(self) -> list[str]:
        return [*VISION_TOOLS, *self._available_optional(), *KNOWLEDGE_TOOLS]

    def _available_optional(self) -> list[str]:
        return [
            n
            for n in OPTIONAL_VISION_TOOLS
            if any(b.availability().available for b in get_tool(n, self.runtime).backends())
        ]

    def run(self, name: str, args: dict[str, Any] | None, by: str) -> tuple[str, Any, TraceStep]:
        """Run one tool call; returns (text for the model, typed result or None, trace step)."""
        args = dict(args or {})
        step = TraceStep(step=len(self.trace) + 1, tool=name, args=args, by=by)
        self._emit({"type": "tool_started", "step": step.step, "tool": name, "args": args, "by": by})
        start = time.perf_counter()
        artifact: Any = None
        try:
            if name in VISION_TOOLS or name in OPTIONAL_VISION_TOOLS:
                content, artifact, step.cached = self._vision(name, args)
                step.evidence = [i.id for i in artifact.items()]
            elif name in KNOWLEDGE_TOOLS:
                content, artifact = self._knowledge(name, args, by)
            else:
                raise ToolInputError(f"unknown tool {name!r}; available: {', '.join(self.names())}")
        except ArgusError as exc:
            step.error = str(exc)
            content = (
                f"ERROR from {name}: {exc}. Check the arguments against the tool's schema and try again."
            )
            self.notes.append(f"{name} failed: {exc}")
        elapsed = (time.perf_counter() - start) * 1000
        step.ms = round(elapsed, 2)
        if name in KNOWLEDGE_TOOLS:
            self.timers.knowledge += elapsed
        else:
            self.timers.tools += elapsed
        self.trace.append(step)
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

    def langchain_tools(self, by: str) -> list[Any]:
        """StructuredTools for a chat model; their calls go through ``run`` (ledger, trace, timeout)."""
        from langchain_core.tools import StructuredTool

        made = []
        for name in self.names():
            description, schema = _card(name)

            def call(_name: str = name, **kwargs: Any) -> tuple[str, Any]:
                content, artifact, _ = self.run(_name, kwargs, by)
                return content, artifact

            made.append(
                StructuredTool.from_function(
                    func=call,
                    name=name,
                    description=description,
                    args_schema=schema,
                    response_format="content_and_artifact",
                )
            )
        return made

    def card_text(self) -> str:
        """One block per tool for prompts: name, description, arguments."""
        return "\n".join(_card_block(name) for name in self.names())

    def current_facts(self, extra: dict[str, Any] | None = None) -> FactSheet:
        stated = {**self.facts_context.stated, **self.stated, **(extra or {})}
        ctx = FactContext(**{**self.facts_context.__dict__, "stated": stated})
        return build_facts(self.ledger, ctx)

    # ----------------------------------------------------------------- vision
    def _vision(self, name: str, args: dict[str, Any]) -> tuple[str, Any, bool]:
        tool = get_tool(name, self.runtime)
        parsed = tool.parse_args(args)
        backend = tool.select_backend(parsed, self.image)
        key = tool.cache_key(self.image, backend, parsed)
        cached = self.runtime.cache.get(key, tool.Output) is not None
        future = _EXECUTOR.submit(tool, self.image, parsed)
        try:
            result = future.result(timeout=self.timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ToolTimeoutError(f"{name} did not finish within {self.timeout_s:g} s") from None
        except ArgusError:
            raise
        except (
            Exception
        ) as exc:  # a bug or a backend crash: report it as a failed step, keep the answer going
            log.exception("tool %s raised", name)
            raise ArgusError(f"{name} raised {type(exc).__name__}: {exc}") from None
        renumbered = self.ledger.add(key, result)
        return renumbered.summary(), renumbered, cached

    # -------------------------------------------------------------- knowledge
    def _knowledge(self, name: str, args: dict[str, Any], by: str) -> tuple[str, Any]:
        _, schema = KNOWLEDGE_CARDS[name]
        try:
            parsed = schema.model_validate(args)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ToolInputError(f"{name}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from None
        kb = self.knowledge()
        if isinstance(parsed, SearchRulesInput):
            hits = kb.search(parsed.query, k=parsed.k, domain=parsed.domain)
            self.search_hits.extend(h for h in hits if h.rule.id not in {x.rule.id for x in self.search_hits})
            lines = [
                f"[R:{h.rule.id}] {h.rule.title} (domain {h.rule.domain}, urgency {h.rule.urgency.level} "
                f"{h.rule.urgency.native}; source {h.rule.source.org}, {h.rule.source.citation}) score={h.score:.2f}"
                for h in hits
            ]
            return "\n".join(lines) or "no rule matched", hits
        if isinstance(parsed, EvaluateRulesInput):
            refused = [k for k in parsed.findings if k.split(".")[0] not in STATABLE_NAMESPACES]
            if refused:
                raise ToolInputError(
                    f"evaluate_rules: findings may only state {', '.join(STATABLE_NAMESPACES)} facts; "
                    f"{', '.join(refused)} come from the tools"
                )
            if by not in PARSED_BY_ARGUS:
                problems = ungrounded(parsed.findings, self.facts_context.stated, self.question)
                if problems:
                    raise ToolInputError(
                        "evaluate_rules: findings must be the user's, in the question's own numbers and words; "
                        + "; ".join(problems)
                    )
            self.stated.update(parsed.findings)
            return self.evaluate(parsed.domain)
        target = parsed.target  # ExplainInput
        outcome = self.last_rules or self.evaluate(None)[1]
        paths = outcome.case_graph.explain(target) if outcome.case_graph is not None else []
        text = "\n".join(" -> ".join(p) for p in paths) or f"no path explains {target!r}"
        return text, paths

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


def _card(name: str) -> tuple[str, type[BaseModel]]:
    """A tool's description (with its limitations) and input schema: class-level, the same for every question."""
    if name in KNOWLEDGE_CARDS:
        return KNOWLEDGE_CARDS[name]
    tool = tool_class(name)
    description = tool.description
    if tool.limitations:
        description += " Limitations: " + " ".join(tool.limitations)
    return description, tool.Input


@functools.cache
def _card_block(name: str) -> str:
    """A tool's block in the prompt, built once: rendering the JSON schemas took most of a cached
    answer's time when it was redone for every question."""
    description, schema = _card(name)
    fields = ", ".join(
        f"{key}: {info.get('description', info.get('type', ''))}"
        for key, info in schema.model_json_schema().get("properties", {}).items()
    )
    return f"- {name}: {description}\n  arguments: {fields or 'none'}"
