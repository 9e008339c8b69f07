"""What ``argus eval`` reports: each case's result and the aggregates over a run (accuracy by
category, form, op and wording; routing; short answers; answer form; prose issues; tool limits;
citations; latency)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field


class CaseResult(BaseModel):
    id: str
    category: str
    line: int
    correct: bool
    failures: list[str] = Field(default_factory=list, description="Why the answer was scored wrong.")
    error: str | None = Field(default=None, description="The error the question raised instead of an answer.")
    expected_tools: list[str] | None = None
    called_tools: list[str] = Field(default_factory=list)
    routed: bool | None = Field(default=None, description="Called tools == expected tools; None without any.")
    citations: int = 0
    resolved: int = 0
    unsupported: int = 0
    latency_ms: float = 0.0
    backend: str = ""
    answer: str = ""
    urgency: str | None = None
    question: str = ""
    form: str | None = None
    op: str | None = Field(default=None, description="The expected root op of the answer's program.")
    limit: str | None = None
    tags: list[str] = Field(default_factory=list)
    short_answer: str | None = Field(default=None, description="The answer's short_answer, when it has one.")
    short_answer_match: bool | None = Field(
        default=None, description="The short answer matched; None when the case expects none."
    )
    judged_by: Literal["short_answer", "prose"] | None = None
    program_op: str | None = Field(default=None, description="The root op of the answer's program.")
    op_routed: bool | None = Field(default=None, description="program_op == op; None without either.")
    yes_no_format: bool | None = Field(
        default=None, description="A yes/no case's answer starts with Yes, No or I can't tell."
    )
    number_first: bool | None = Field(default=None, description="A number case's answer starts with it.")
    lint: list[str] = Field(default_factory=list, description="Versions, field names, reprs in the prose.")


class Score(BaseModel):
    cases: int
    correct: int
    accuracy: float


class BackendScore(Score):
    routing_accuracy: float | None
    latency_p50_ms: float
    latency_p95_ms: float


class EvalReport(BaseModel):
    suite: str
    cases: int
    accuracy: float
    by_category: dict[str, Score]
    routing_cases: int
    routing_accuracy: float | None = Field(description="Share of cases with expected tools routed exactly.")
    citations: int
    citation_validity: float | None = Field(description="Resolved citations over all citations.")
    unsupported_claim_rate: float = Field(description="Answers with an unsupported claim over all answers.")
    errors: int = Field(description="Questions that raised an error instead of answering.")
    latency_p50_ms: float
    latency_p95_ms: float
    by_backend: dict[str, BackendScore]
    by_form: dict[str, Score] = Field(default_factory=dict)
    by_op: dict[str, Score] = Field(default_factory=dict)
    by_tag: dict[str, Score] = Field(default_factory=dict)
    short_answer_cases: int = 0
    short_answers_given: int = Field(
        default=0, description="Answers to those cases that carried a short answer."
    )
    short_answer_exact: float | None = Field(
        default=None, description="Short answers that matched, over the cases that expect one."
    )
    program_cases: int = Field(default=0, description="Cases with an expected op whose answer had a program.")
    program_routing: float | None = Field(default=None, description="Program root op == expected op.")
    yes_no_cases: int = 0
    yes_no_format: float | None = Field(
        default=None, description="Yes/no answers that start with Yes/No/I can't tell."
    )
    number_cases: int = 0
    number_first: float | None = Field(
        default=None, description="Number answers whose first word is the number."
    )
    prose_issues: int = Field(default=0, description="Answers whose prose has a version, field name or repr.")
    prose_issue_kinds: dict[str, int] = Field(default_factory=dict)
    limited_misses: dict[str, int] = Field(
        default_factory=dict, description="Wrong answers on cases marked with a tool's limit, by tool."
    )
    accuracy_unlimited: float | None = Field(
        default=None, description="Accuracy over the cases with no limit."
    )
    results: list[CaseResult]


def summarise(results: list[CaseResult], suite: str = "") -> EvalReport:
    """The report's aggregates over ``results``."""
    answered = [r for r in results if r.error is None]
    routed = [r for r in results if r.routed is not None]
    citations = sum(r.citations for r in answered)
    categories = sorted({r.category for r in results})
    backends = sorted({r.backend for r in results})
    return EvalReport(
        suite=suite,
        cases=len(results),
        accuracy=_share(sum(r.correct for r in results), len(results)) or 0.0,
        by_category={c: _score([r for r in results if r.category == c]) for c in categories},
        routing_cases=len(routed),
        routing_accuracy=_share(sum(bool(r.routed) for r in routed), len(routed)),
        citations=citations,
        citation_validity=_share(sum(r.resolved for r in answered), citations),
        unsupported_claim_rate=_share(sum(r.unsupported > 0 for r in answered), len(answered)) or 0.0,
        errors=len(results) - len(answered),
        latency_p50_ms=_percentile([r.latency_ms for r in results], 50),
        latency_p95_ms=_percentile([r.latency_ms for r in results], 95),
        by_backend={b: _backend_score([r for r in results if r.backend == b]) for b in backends},
        **_question_measures(results),
        results=results,
    )


def _question_measures(results: list[CaseResult]) -> dict[str, Any]:
    def grouped(key: Callable[[CaseResult], list[str]]) -> dict[str, Score]:
        names = sorted({name for r in results for name in key(r)})
        return {n: _score([r for r in results if n in key(r)]) for n in names}

    expecting = [r for r in results if r.short_answer_match is not None]
    routed = [r for r in results if r.op_routed is not None]
    yes_no = [r for r in results if r.yes_no_format is not None]
    numbers = [r for r in results if r.number_first is not None]
    unlimited = [r for r in results if r.limit is None]
    kinds: dict[str, int] = {}
    for r in results:
        for kind in {finding.split(":", 1)[0] for finding in r.lint}:
            kinds[kind] = kinds.get(kind, 0) + 1
    limited: dict[str, int] = {}
    for r in results:
        if r.limit is not None and not r.correct:
            limited[r.limit] = limited.get(r.limit, 0) + 1
    return {
        "by_form": grouped(lambda r: [r.form] if r.form else []),
        "by_op": grouped(lambda r: [r.op] if r.op else []),
        "by_tag": grouped(lambda r: r.tags),
        "short_answer_cases": len(expecting),
        "short_answers_given": sum(r.short_answer is not None for r in expecting),
        "short_answer_exact": _share(sum(bool(r.short_answer_match) for r in expecting), len(expecting)),
        "program_cases": len(routed),
        "program_routing": _share(sum(bool(r.op_routed) for r in routed), len(routed)),
        "yes_no_cases": len(yes_no),
        "yes_no_format": _share(sum(bool(r.yes_no_format) for r in yes_no), len(yes_no)),
        "number_cases": len(numbers),
        "number_first": _share(sum(bool(r.number_first) for r in numbers), len(numbers)),
        "prose_issues": sum(bool(r.lint) for r in results),
        "prose_issue_kinds": dict(sorted(kinds.items())),
        "limited_misses": dict(sorted(limited.items())),
        "accuracy_unlimited": _share(sum(r.correct for r in unlimited), len(unlimited)),
    }


def _score(results: list[CaseResult]) -> Score:
    correct = sum(r.correct for r in results)
    return Score(cases=len(results), correct=correct, accuracy=_share(correct, len(results)) or 0.0)


def _backend_score(results: list[CaseResult]) -> BackendScore:
    routed = [r for r in results if r.routed is not None]
    return BackendScore(
        **_score(results).model_dump(),
        routing_accuracy=_share(sum(bool(r.routed) for r in routed), len(routed)),
        latency_p50_ms=_percentile([r.latency_ms for r in results], 50),
        latency_p95_ms=_percentile([r.latency_ms for r in results], 95),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentile(values: list[float], q: float) -> float:
    import numpy as np

    return round(float(np.percentile(values, q)), 1) if values else 0.0
