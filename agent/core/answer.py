"""The answer contract: what ``argus ask --json``, ``Assistant.ask`` and the HTTP API return.

Every consumer relies on these keys (more may be added, none removed): question, answer, short_answer,
program, domain, image, urgency, evidence, rules, graph_paths, citations, unsupported_claims, trace,
timings_ms, backend, disclaimer, annotated_image.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Domain = Literal["general", "medical", "security"]
DOMAINS: tuple[Domain, ...] = ("general", "medical", "security")


class Caller(StrEnum):
    """Who asked for a tool call. It is a security decision, not a label: findings a chat model states
    are checked against the user's own words (it reads tool output, which may carry injected text),
    while Argus's own parse of the user's input is not."""

    PLANNER = "planner"  # the built-in planner, from the user's question
    AGENT = "agent"  # the agent itself, grounding an answer (the full detection, the rule engine)
    TRIAGE = "triage"  # the fixed triage pipeline
    CHAT_MODEL = "chat_model"  # a chat LLM


MEDICAL_DISCLAIMER = (
    "Research and education software, not a medical device. This output is flagged for review by a "
    "qualified clinician and must not be used on its own for diagnosis or treatment."
)


class ImageInfo(BaseModel):
    path: str | None = None
    name: str | None = None
    sha256: str
    width: int
    height: int
    format: str | None = None
    modality: str | None = None


class UrgencyInfo(BaseModel):
    level: Literal["U0", "U1", "U2", "U3", "U4"]
    label: str
    native: str
    scale: str | None = None
    rule: str = Field(description="Id of the rule that set it.")


class RuleRef(BaseModel):
    id: str
    title: str
    version: str | None = None
    source: str = Field(description="Organisation, citation and section in one line.")
    url: str | None = None
    fired: bool
    why: str
    status: Literal["fired", "abstained", "undetermined", "retrieved"] = "fired"
    urgency: str | None = None
    action: str | None = None


class Citation(BaseModel):
    ref: str = Field(description="What the text cites: 'D1', 'R:SEC-EXIT-01'.")
    resolved: bool
    kind: str | None = Field(default=None, description="evidence, rule, or None when unresolved.")


class TraceStep(BaseModel):
    step: int
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    ms: float = 0.0
    cached: bool = False
    error: str | None = None
    evidence: list[str] = Field(default_factory=list, description="Evidence ids this step produced.")
    by: str = Field(
        default="",
        description="Who asked for the step: the planner, the agent, triage, or the chat model's backend name.",
    )
    _exception: BaseException | None = PrivateAttr(default=None)

    @property
    def exception(self) -> BaseException | None:
        """The error itself (a ToolCallError or ToolExecutionError), for code; ``error`` is its text."""
        return self._exception

    def failed(self, exc: BaseException) -> None:
        self._exception = exc
        self.error = str(exc)


class Timings(BaseModel):
    total: float = 0.0
    tools: float = 0.0
    llm: float = 0.0
    knowledge: float = 0.0


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    answer: str = Field(description="The first sentence answers; then why, with citations; caveats last.")
    short_answer: str | None = Field(
        default=None,
        description="What a VQA benchmark would score: 'yes', 'no', '4', 'blue', 'cat', 'CT', the quoted text; "
        "null when the answer cannot be that short (a description, a refusal, 'I can't tell').",
    )
    program: dict[str, Any] | None = Field(
        default=None,
        description="The typed program that produced the answer (its 'op' and selections), when one ran.",
    )
    domain: Domain
    image: ImageInfo | None = None
    urgency: UrgencyInfo | None = None
    abstention: str | None = Field(
        default=None,
        description="Why a triage assigned no urgency: wrong modality, lateral view, failed quality, a rule's "
        "exclusion or insufficient evidence (never 'normal').",
    )
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    rules: list[RuleRef] = Field(default_factory=list)
    graph_paths: list[list[str]] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    unsupported_claims: list[str] = Field(default_factory=list)
    verified: bool = Field(
        default=True, description="False when the verifier found a problem it could not repair."
    )
    notes: list[str] = Field(default_factory=list, description="Caveats: failed tools, fallbacks, limits.")
    trace: list[TraceStep] = Field(default_factory=list)
    timings_ms: Timings = Field(default_factory=Timings)
    backend: dict[str, str] = Field(default_factory=dict)
    disclaimer: str | None = None
    annotated_image: str | None = None
    security: dict[str, Any] | None = Field(
        default=None,
        description="Security assessments: threat_level (0/1/2), alerts, cannot_see, zone_counts, frames, events.",
    )
    refused: bool = Field(
        default=False, description="True when the request was declined (e.g. face identification)."
    )
