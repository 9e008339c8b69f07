"""The tools that query the rule packs: ``search_rules``, ``evaluate_rules`` and ``explain``.

They are ``Tool``s like the vision tools (one card, one input model, one LangChain face), but they run
against the question being answered (its evidence ledger and facts) rather than an image, so the
toolbox hands itself to ``run``.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.agent.core.answer import Caller
from argus.agent.core.findings import STATABLE_NAMESPACES
from argus.agent.core.grounded_findings import ungrounded
from argus.tools.base import Tool
from argus.tools.errors import ToolInputError

if TYPE_CHECKING:
    from argus.agent.core.toolbox import Toolbox


class KnowledgeTool(Tool):
    """A tool over the rule packs, run for the question the toolbox is answering."""

    @abstractmethod
    def run(self, toolbox: Toolbox, args: Any, caller: Caller) -> tuple[str, Any]:
        """(text for the model, typed result). Bad arguments raise ToolInputError."""


class SearchRulesInput(BaseModel):
    query: str = Field(min_length=2, max_length=500, description="What to look for, in plain words.")
    k: int = Field(default=5, ge=1, le=20, description="How many rules to return.")
    domain: str | None = Field(default=None, description="medical, security or general; none for all.")


class SearchRules(KnowledgeTool):
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


class EvaluateRules(KnowledgeTool):
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


class Explain(KnowledgeTool):
    name = "explain"
    description = "Explain a conclusion: the paths from evidence through concept and rule to urgency, action and source."
    Input = ExplainInput

    def run(self, toolbox: Toolbox, args: ExplainInput, caller: Caller) -> tuple[str, Any]:
        outcome = toolbox.last_rules or toolbox.evaluate(None)[1]
        paths = outcome.case_graph.explain(args.target) if outcome.case_graph is not None else []
        text = "\n".join(" -> ".join(p) for p in paths) or f"no path explains {args.target!r}"
        return text, paths


KNOWLEDGE_TOOLS: dict[str, type[KnowledgeTool]] = {
    cls.name: cls for cls in (SearchRules, EvaluateRules, Explain)
}
