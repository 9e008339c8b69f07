"""The tools that run inside a question's toolbox rather than on an image: the rule-pack tools
(``search_rules``, ``evaluate_rules``, ``explain``) and ``run_program``, which runs a typed program.

They are ``Tool``s like the vision tools (one card, one input model, one LangChain face), but they run
against the question being answered (its evidence ledger and facts), so the toolbox hands itself to
``run``.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from argus.agent.core.answer import Caller
from argus.agent.core.findings import STATABLE_NAMESPACES
from argus.agent.core.grounded_findings import ungrounded
from argus.agent.core.program import Program
from argus.tools.base import Tool
from argus.tools.errors import ToolInputError

if TYPE_CHECKING:
    from argus.agent.core.toolbox import Toolbox


class AgentTool(Tool):
    """A tool run for the question the toolbox is answering."""

    # Which of the answer's timers its time counts to; None when the tools it calls count themselves.
    timer: ClassVar[str | None] = "knowledge"

    @abstractmethod
    def run(self, toolbox: Toolbox, args: Any, caller: Caller) -> tuple[str, Any]:
        """(text for the model, typed result). Bad arguments raise ToolInputError."""


class SearchRulesInput(BaseModel):
    query: str = Field(min_length=2, max_length=500, description="What to look for, in plain words.")
    k: int = Field(default=5, ge=1, le=20, description="How many rules to return.")
    domain: str | None = Field(default=None, description="medical, security or general; none for all.")


class SearchRules(AgentTool):
    name = "search_rules"
    description = (
        "Search the rule packs (medical triage, security) by meaning. Returns rule ids with titles, "
        "urgency and source; cite a rule as [R:RULE-ID]."
    )
    Input = SearchRulesInput

    def run(self, toolbox: Toolbox, args: SearchRulesInput, caller: Caller) -> tuple[str, Any]:
        hits = toolbox.knowledge().search(args.query, k=args.k, domain=args.domain)
        known = {x.rule.id for x in toolbox.search_hits}
        toolbox.search_hits.extend(h for h in hits if h.rule.id not in known)
        lines = [
            f"[R:{h.rule.id}] {h.rule.title} (domain {h.rule.domain}, urgency {h.rule.urgency.level} "
            f"{h.rule.urgency.native}; source {h.rule.source.org}, {h.rule.source.citation}) score={h.score:.2f}"
            for h in hits
        ]
        return "\n".join(lines) or "no rule matched", hits


class EvaluateRulesInput(BaseModel):
    domain: str | None = Field(default=None, description="medical, security or general; none for all.")
    findings: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Facts stated in the question that no tool can see, as dotted names, e.g. "
        "{'nodule.size_mm': 7, 'nodule.type': 'solid', 'patient.age': 60}. Only the namespaces "
        + ", ".join(STATABLE_NAMESPACES)
        + " are accepted.",
    )


class EvaluateRules(AgentTool):
    name = "evaluate_rules"
    description = (
        "Run the rule engine on the facts the vision tools found so far (and facts stated in the question). "
        "Returns the rules that fired with why, the rules that abstained with their reason, and the highest "
        "urgency. Call it after the vision tools."
    )
    Input = EvaluateRulesInput

    def run(self, toolbox: Toolbox, args: EvaluateRulesInput, caller: Caller) -> tuple[str, Any]:
        refused = [k for k in args.findings if k.split(".")[0] not in STATABLE_NAMESPACES]
        if refused:
            raise ToolInputError(
                f"evaluate_rules: findings may only state {', '.join(STATABLE_NAMESPACES)} facts; "
                f"{', '.join(refused)} come from the tools"
            )
        # A chat model reads tool results, which may carry injected text: its findings must be the
        # user's own (agent.core.grounded_findings). Argus's own parse of the user's input is trusted.
        if caller is Caller.CHAT_MODEL:
            problems = ungrounded(args.findings, toolbox.facts_context.stated, toolbox.question)
            if problems:
                raise ToolInputError(
                    "evaluate_rules: findings must be the user's, in the question's own numbers and words; "
                    + "; ".join(problems)
                )
        toolbox.stated.update(args.findings)
        return toolbox.evaluate(args.domain)


class ExplainInput(BaseModel):
    target: str = Field(description="A rule id (e.g. MED-FLEISCHNER-02) or an urgency level (U3).")


class Explain(AgentTool):
    name = "explain"
    description = "Explain a conclusion: the paths from evidence through concept and rule to urgency, action and source."
    Input = ExplainInput

    def run(self, toolbox: Toolbox, args: ExplainInput, caller: Caller) -> tuple[str, Any]:
        outcome = toolbox.last_rules or toolbox.evaluate(None)[1]
        paths = outcome.case_graph.explain(args.target) if outcome.case_graph is not None else []
        text = "\n".join(" -> ".join(p) for p in paths) or f"no path explains {args.target!r}"
        return text, paths


class RunProgram(AgentTool):
    name = "run_program"
    description = (
        "Answer the question by running a typed program over the vision tools: one operation ('op') on "
        "selections of things. Ops: exists, count, identify, attribute (colour/shape/size/position/area), "
        "relate (left_of, right_of, above, below, near, inside, on, in_front_of, behind; relation null = "
        "where), compare (more/fewer/same), arithmetic (add N, remove a selection), read_text, "
        "text_contains, title, modality, scene, quality, describe, rules, triage, assess, refuse, unanswerable, "
        "not (of a yes/no op). A selection names a label ('person', 'bus', 'circle', 'object'), and may add "
        "category, colour, shape, size, position, rank, state, zone and a relation to another selection. "
        "Returns the answer with its short answer and citations; prefer it over calling tools one by one."
    )
    Input = Program
    timer = None

    def run(self, toolbox: Toolbox, args: Program, caller: Caller) -> tuple[str, Any]:
        from argus.agent.core.executor import Executor

        result = Executor(toolbox, caller, by=toolbox.caller_name(caller)).run(args)
        toolbox.program_result = result
        return result.summary(), result


AGENT_TOOLS: dict[str, type[AgentTool]] = {
    cls.name: cls for cls in (RunProgram, SearchRules, EvaluateRules, Explain)
}
