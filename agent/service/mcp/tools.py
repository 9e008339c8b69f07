"""The tools Argus offers over MCP, each an input model, a description and a blocking handler.

* ``ask``: an image and a question -> the answer contract, with the cited evidence drawn;
* one tool per vision tool, built from its card: the same input schema plus ``image``, its typed
  result as structured content and its items drawn on the image;
* ``triage``: medical images -> a worklist sorted by urgency (no audit log, as over HTTP);
* ``assess_security``: an image and zones -> threat level, alerts with their rules, the drawn frame;
* ``search_rules`` and ``show_rule``: the rule packs.

Handlers run in a worker thread and return a ``ToolOutput``: a short text, the structured result
and, where there is one, an annotated PNG.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from argus.agent.core.answer import Answer
from argus.agent.core.findings import validate_findings
from argus.agent.service.jobs import ImageSource, public_answer
from argus.agent.service.mcp.images import ImageArg, ImagePolicy
from argus.tools.zones import parse_zones

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant

Domain = Literal["general", "medical", "security"]
MAX_TRIAGE_IMAGES = 16
ZONES_HELP = (
    'Zones as in a zones file: {"zones": [{"name": "dock", "polygon": [[x, y], ...], "normalized": true, '
    '"attributes": ["restricted"], "labels": ["person"], "schedule": ["22:00-06:00"]}]}.'
)
FINDINGS_HELP = (
    'Stated findings as in a findings file, nested or dotted: {"nodule": {"size_mm": 7, "type": "solid"}, '
    '"patient.age": 60}; the keys the rules read are listed by argus kb findings.'
)


@dataclass
class ToolOutput:
    text: str
    structured: dict[str, Any]
    png: bytes | None = None


@dataclass
class McpContext:
    """What a handler may use: the Assistant and where images may come from."""

    assistant: Assistant
    images: ImagePolicy
    max_triage_images: int = MAX_TRIAGE_IMAGES


@dataclass
class McpTool:
    name: str
    description: str
    Input: type[BaseModel]
    handler: Callable[[McpContext, Any], ToolOutput]
    output_schema: dict[str, Any] | None = None

    def input_schema(self) -> dict[str, Any]:
        return self.Input.model_json_schema(by_alias=True)


# ----------------------------------------------------------------------------- ask


class AskInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: ImageArg
    question: str = Field(min_length=1, max_length=2000, description="The question, in plain words.")
    domain: Domain | None = Field(default=None, description="Default: inferred from the image and question.")
    zones: dict[str, Any] | list[Any] | None = Field(default=None, description=ZONES_HELP)
    findings: dict[str, Any] | None = Field(default=None, description=FINDINGS_HELP)
    time: str | None = Field(default=None, description="Time of day the image was taken, HH:MM.")
    annotate: bool = Field(default=True, description="Return the cited evidence drawn on the image.")


def ask(ctx: McpContext, args: AskInput) -> ToolOutput:
    image = ctx.images.load(args.image)
    conversation = ctx.assistant.conversation(
        image,
        domain=args.domain,
        zones=parse_zones(args.zones, "zones") if args.zones is not None else None,
        findings=validate_findings(args.findings, "findings") if args.findings is not None else None,
        time_of_day=args.time,
    )
    png = None
    if args.annotate:
        with tempfile.TemporaryDirectory(prefix="argus-mcp-") as tmp:
            answer = conversation.ask(args.question, annotate=Path(tmp) / "annotated.png")
            png = Path(answer.annotated_image).read_bytes() if answer.annotated_image else None
    else:
        answer = conversation.ask(args.question)
    answer.annotated_image = None
    return ToolOutput(answer_text(answer), public_answer(answer), png)


def answer_text(answer: Answer) -> str:
    """The answer as a person reads it: the answer, its disclaimer as prominent, the urgency."""
    parts = [answer.answer]
    if answer.urgency is not None:
        parts.append(f"Urgency {answer.urgency.level} ({answer.urgency.label}) from {answer.urgency.rule}.")
    if answer.disclaimer:
        parts.append(answer.disclaimer)
    return "\n\n".join(parts)


# ---------------------------------------------------------------------- vision tools


def vision_tool(name: str) -> McpTool:
    """The MCP face of a vision tool: its card's description and input schema, plus ``image``."""
    from argus.tools import tool_class

    cls = tool_class(name)
    model = create_model(f"{cls.Input.__name__}WithImage", __base__=cls.Input, image=(ImageArg, ...))

    def run(ctx: McpContext, args: BaseModel) -> ToolOutput:
        from argus.tools import get_tool

        image = ctx.images.load(args.image)  # type: ignore[attr-defined]
        tool = get_tool(name, ctx.assistant.runtime)
        result = tool(image, args.model_dump(exclude={"image"}))
        items = [item.model_dump() for item in result.items() if item.box is not None]
        png = draw(ctx.assistant, image, items) if items else None
        return ToolOutput(result.summary(), result.model_dump(mode="json"), png)

    return McpTool(name, cls.planner_description(), model, run, cls.Output.model_json_schema())


def draw(assistant: Assistant, image: Any, items: list[dict[str, Any]]) -> bytes:
    from argus.tools import get_tool

    with tempfile.TemporaryDirectory(prefix="argus-mcp-") as tmp:
        out = Path(tmp) / "annotated.png"
        get_tool("annotate", assistant.runtime)(image, items=items, out=str(out))
        return out.read_bytes()


def vision_tool_names(assistant: Assistant) -> list[str]:
    """The tools a chat model may call, less those that need weights this server was not given."""
    from argus.tools import TOOLS, tool_class

    names = []
    for name in TOOLS:
        cls = tool_class(name)
        if not cls.agent_callable:
            continue
        if cls.needs_user_weights and not any(
            b(assistant.runtime).availability().available for b in cls.backend_types
        ):
            continue
        names.append(name)
    return names


# ---------------------------------------------------------------------------- triage


class TriageInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    images: list[ImageArg] = Field(min_length=1, max_length=MAX_TRIAGE_IMAGES, description="Medical images.")
    findings: dict[str, Any] | None = Field(
        default=None,
        description="One findings object for every image, or {file name or sha256: findings}. "
        + FINDINGS_HELP,
    )


def triage(ctx: McpContext, args: TriageInput) -> ToolOutput:
    from argus.agent.domains.medical.pipeline import new_run_id
    from argus.agent.service.triage import parse_triage_findings, triage_job

    if len(args.images) > ctx.max_triage_images:
        from argus.tools.errors import ArgusError

        raise ArgusError(
            f"{len(args.images)} images; this server triages at most {ctx.max_triage_images} at once"
        )
    images = [ctx.images.load(image) for image in args.images]
    plan = parse_triage_findings(
        json.dumps(args.findings) if args.findings is not None else None,
        [image.name for image in images],
        [image.sha256 for image in images],
    )
    run_id = new_run_id()
    answers = triage_job(
        ctx.assistant, ctx.images.store, [ImageSource(loaded=i) for i in images], plan, False, run_id
    )
    lines = [f"Worklist of {len(answers)} image(s), most urgent first:"]
    for rank, answer in enumerate(answers, 1):
        name = answer.image.name if answer.image else "image"
        if answer.urgency is not None:
            lines.append(
                f"{rank}. {name}: {answer.urgency.level} ({answer.urgency.label}) from {answer.urgency.rule}"
            )
        else:
            lines.append(
                f"{rank}. {name}: no urgency assigned: {answer.abstention or 'insufficient evidence'}"
            )
    disclaimer = next((a.disclaimer for a in answers if a.disclaimer), None)
    if disclaimer:
        lines.append(disclaimer)
    structured = {"run_id": run_id, "count": len(answers), "items": [public_answer(a) for a in answers]}
    return ToolOutput("\n".join(lines), structured)


# -------------------------------------------------------------------------- security


class AssessInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: ImageArg
    zones: dict[str, Any] | list[Any] = Field(description=ZONES_HELP)
    time: str | None = Field(default=None, description="Time of day the image was taken, HH:MM.")


def assess_security(ctx: McpContext, args: AssessInput) -> ToolOutput:
    from argus.agent.service.security import assess_image

    image = ctx.images.load(args.image)
    answer, png = assess_image(ctx.assistant, image, parse_zones(args.zones, "zones"), args.time)
    report = answer.security or {}
    lines = [f"Threat level {report.get('threat_level', 0)} (0 normal, 1 suspicious, 2 threat)."]
    lines += [
        f"Alert {a['urgency']} [R:{a['rule']}] {a['title']}: {a['action'] or a['why']}"
        for a in report.get("alerts", [])
    ]
    lines.append(
        "Cannot be seen here (not detected is not absent): " + "; ".join(report.get("cannot_see", []))
    )
    return ToolOutput("\n".join(lines), public_answer(answer), png)


# ----------------------------------------------------------------------------- rules


class SearchRulesInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=2, max_length=500, description="What to look for, in plain words.")
    k: int = Field(default=5, ge=1, le=20, description="How many rules to return.")
    domain: Domain | None = Field(default=None, description="Only this domain's rules.")


def search_rules(ctx: McpContext, args: SearchRulesInput) -> ToolOutput:
    from argus.knowledge.views import hit_summary

    hits = ctx.assistant.knowledge().search(args.query, k=args.k, domain=args.domain)
    lines = [
        f"[R:{h.rule.id}] {h.rule.title} (urgency {h.rule.urgency.level} {h.rule.urgency.native}; "
        f"source {h.rule.source.org})"
        for h in hits
    ]
    return ToolOutput(
        "\n".join(lines) or "no rule matched", {"query": args.query, "hits": [hit_summary(h) for h in hits]}
    )


class ShowRuleInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=3, max_length=200, description="A rule id, e.g. SEC-EXIT-01 or MED-FLEISCHNER-02."
    )


def show_rule(ctx: McpContext, args: ShowRuleInput) -> ToolOutput:
    from argus.knowledge.views import rule_detail

    rule = ctx.assistant.knowledge().rule(args.id.strip().removeprefix("R:"))
    detail = rule_detail(rule)
    source = "; ".join(
        x for x in (rule.source.org, rule.source.citation, rule.source.section, rule.source.url) if x
    )
    text = (
        f"[R:{rule.id}] {rule.title}\nWhen: {detail['condition_text']}\nThen: {rule.conclusion}\n"
        f"Action: {rule.action}\nUrgency: {rule.urgency.level} ({rule.urgency.native})\nSource: {source}"
    )
    return ToolOutput(text, detail)


def mcp_tools(assistant: Assistant) -> dict[str, McpTool]:
    """Every tool this server offers, by name."""
    tools = [
        McpTool(
            "ask",
            "Ask a question about an image. Returns the answer contract: the answer (its first sentence "
            "answers), a short answer, the evidence it cites ([D1], [M2], [T1]), the rules with their "
            "sources ([R:RULE-ID]), urgency, the program and trace, timings, and for medical images a "
            "disclaimer to show as prominently as the answer; the cited evidence drawn on the image comes "
            "back as image content.",
            AskInput,
            ask,
            Answer.model_json_schema(),
        ),
        *(vision_tool(name) for name in vision_tool_names(assistant)),
        McpTool(
            "triage",
            "Triage medical images (DICOM, PNG, JPEG): a worklist most urgent first, each item an urgency "
            "U0-U4 with the rule and source that set it, or an abstention with its reason. For review by a "
            "qualified clinician; not a medical device.",
            TriageInput,
            triage,
        ),
        McpTool(
            "assess_security",
            "Assess an image against zones: threat level (0 normal, 1 suspicious, 2 threat), alerts with "
            "their rules and sources, objects per zone, what the detector cannot see, and the frame with the "
            "zones and cited objects drawn. Never identifies people.",
            AssessInput,
            assess_security,
        ),
        McpTool(
            "search_rules",
            "Search the rule packs (medical triage, security) by meaning: rule ids with titles, urgency and "
            "source, best first. Cite a rule as [R:RULE-ID].",
            SearchRulesInput,
            search_rules,
        ),
        McpTool(
            "show_rule",
            "One rule in full: its condition, conclusion, action, urgency and published source.",
            ShowRuleInput,
            show_rule,
        ),
    ]
    return {tool.name: tool for tool in tools}
