"""The evaluation harness behind ``argus eval``: questions with known answers, asked of the Assistant,
scored for accuracy, tool routing, citation validity, unsupported claims and latency.

A suite is JSON Lines, one case a line::

    {"id": "bus-people", "image": "sample:bus.jpg", "question": "How many people are there?",
     "category": "counting", "expect": {"number": 4, "tolerance": 1, "unit": "people"},
     "tools": ["detect_objects"]}

- ``image``: a path relative to the suite file, ``sample:NAME`` (a photo that ships inside an installed
  package: Ultralytics' assets, scikit-image's data, scikit-learn's and matplotlib's samples) or
  ``dicom:NAME`` (pydicom's test files). ``zones`` and ``findings`` are paths relative to the suite
  file; ``findings`` may also be an inline mapping. ``domain`` and ``time`` (HH:MM) are optional.
- ``expect`` holds one or more checks and the case is correct when all hold: ``exact`` (the answer,
  citations removed, equals the text, ignoring case and spacing), ``number`` with ``tolerance`` and an
  optional ``unit`` (the first number in the answer, or the first one followed by ``unit``, lies within
  the tolerance), ``labels`` (each is the label of an evidence item the answer cites), ``rules`` (each
  fired), ``not_rules`` (none of them fired), ``urgency`` (the answer's level; null means no urgency),
  ``contains`` (each string appears in the answer, ignoring case), ``refused`` (the request was declined).
- ``tools``: the tools a good plan calls; routing is right when the tools the model asked for (the
  agent's own grounding pass left out) are exactly these.
- Question suites add: ``expect.short_answer`` (the acceptable short answers, compared after
  ``answers.normalise``; an answer without a ``short_answer`` field is judged by its first sentence),
  ``expect.mentions`` (groups of words; a description names one word of each), ``form`` (the question's
  family), ``op`` (the root op of the program that answers it, compared with the answer's ``program``
  when it has one), ``limit`` (the tool that cannot see the truth here, e.g. ``detector``: such misses
  are reported apart), and ``template`` and ``tags`` (how a generated question was made).

Bad lines (not JSON, unknown keys, a missing image, a duplicate id ...) are all reported with their
line numbers and the suite does not run: a case skipped in one run and not the next would make two
runs' accuracies measure different things.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from argus.agent.errors import SuiteError
from argus.agent.evaluation.answers import (
    answer_kind,
    matches,
    mentions,
    prose_answers,
    starts_with_number,
    starts_yes_no,
)
from argus.agent.evaluation.prose_lint import lint_prose
from argus.agent.evaluation.report import CaseResult, EvalReport, summarise
from argus.tools.base import package_dir
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.core.answer import Answer

MAX_SUITE_BYTES = 10 * 1024 * 1024
SAMPLE_PACKAGES = (
    ("ultralytics", "assets"),
    ("skimage", "data"),
    ("sklearn", "datasets/images"),
    ("matplotlib", "mpl-data/sample_data"),
)
RootOp = Literal[
    "exists", "count", "identify", "attribute", "relate", "compare", "arithmetic", "read_text",
    "text_contains", "title", "modality", "scene", "pose", "quality", "describe", "rules", "triage", "assess", "refuse",
    "not",
]  # fmt: skip
ROOT_OPS: tuple[str, ...] = get_args(RootOp)
_CITATION = re.compile(r"\[(?:R:[A-Z0-9-]+|[A-Z]\d+(?:\s*,\s*[A-Z]\d+)*)\]")
_NUMBER = r"(?<![\w.])(\d+(?:\.\d+)?)"


class Expect(BaseModel):
    """What a correct answer satisfies (every check given must hold)."""

    model_config = ConfigDict(extra="forbid")

    exact: str | None = None
    number: float | None = None
    tolerance: float = Field(default=0.0, ge=0.0)
    unit: str | None = Field(default=None, min_length=1)
    labels: list[str] | None = Field(default=None, min_length=1)
    rules: list[str] | None = Field(default=None, min_length=1)
    not_rules: list[str] | None = Field(default=None, min_length=1)
    urgency: Literal["U0", "U1", "U2", "U3", "U4"] | None = None
    contains: list[str] | None = Field(default=None, min_length=1)
    refused: bool | None = None
    short_answer: list[Annotated[str, Field(min_length=1)]] | None = Field(default=None, min_length=1)
    mentions: list[Annotated[list[str], Field(min_length=1)]] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _something_to_check(self) -> Expect:
        checks = {
            "exact", "number", "labels", "rules", "not_rules", "urgency", "contains", "refused", "short_answer",
            "mentions",
        }  # fmt: skip
        if not checks & self.model_fields_set:
            raise ValueError(f"expect needs at least one of {', '.join(sorted(checks))}")
        if {"tolerance", "unit"} & self.model_fields_set and self.number is None:
            raise ValueError("tolerance and unit go with number")
        return self


class EvalCase(BaseModel):
    """One line of a suite."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    image: str = Field(min_length=1)
    question: str = Field(min_length=1)
    category: str = Field(min_length=1, max_length=100)
    expect: Expect
    domain: Literal["general", "medical", "security"] | None = None
    zones: str | None = None
    findings: str | dict[str, Any] | None = None
    time: str | None = None
    tools: list[str] | None = None
    form: str | None = Field(default=None, min_length=1, max_length=50)
    op: RootOp | None = None
    limit: str | None = Field(default=None, min_length=1, max_length=50)
    template: str | None = Field(default=None, max_length=100)
    tags: list[str] | None = None


class SuiteCase(BaseModel):
    """A validated case with its line number and its files resolved."""

    line: int
    case: EvalCase
    image_path: Path
    zones_path: Path | None = None
    findings: Path | dict[str, Any] | None = None


# ---------------------------------------------------------------------------------------- loading


def load_suite(path: str | Path) -> list[SuiteCase]:
    """Read and check every line of a suite; raise SuiteError listing each bad line."""
    suite = Path(path)
    if not suite.is_file():
        raise SuiteError(f"no such suite file: {suite}")
    size = suite.stat().st_size
    if size > MAX_SUITE_BYTES:
        raise SuiteError(f"{suite.name}: {size:,} bytes, over the {MAX_SUITE_BYTES:,}-byte limit for suites")
    text = suite.read_bytes().decode("utf-8", errors="replace")
    cases: list[SuiteCase] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            case = _parse_line(raw, suite.parent)
        except ValueError as exc:  # json.JSONDecodeError, ValidationError and missing files alike
            problems.append(f"{suite.name}:{number}: {_describe(exc)}")
            continue
        if case.case.id in seen:
            problems.append(
                f"{suite.name}:{number}: id {case.case.id!r} is already used on line {seen[case.case.id]}"
            )
            continue
        seen[case.case.id] = number
        cases.append(case.model_copy(update={"line": number}))
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise SuiteError(f"{len(problems)} bad line(s) in the suite, nothing was run: {shown}")
    if not cases:
        raise SuiteError(f"{suite.name}: the suite has no cases")
    return cases


def _parse_line(raw: str, base: Path) -> SuiteCase:
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ValueError("the line nests too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"a case is a JSON object, got {type(data).__name__}")
    case = EvalCase.model_validate(data)
    _check_tools(case.tools)
    findings: Path | dict[str, Any] | None = case.findings  # type: ignore[assignment]
    if isinstance(case.findings, str):
        findings = _existing(base / case.findings, "findings file")
    return SuiteCase(
        line=0,
        case=case,
        image_path=resolve_image(case.image, base),
        zones_path=_existing(base / case.zones, "zones file") if case.zones else None,
        findings=findings,
    )


def _check_tools(names: list[str] | None) -> None:
    from argus.agent.core.toolbox import agent_tool_names

    known = agent_tool_names()
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise ValueError(f"unknown tool(s) {unknown} in tools; known: {', '.join(known)}")


def resolve_image(ref: str, base: Path) -> Path:
    """``sample:NAME``, ``dicom:NAME`` or a path relative to ``base``; ValueError when it is not there."""
    if ref.startswith("dicom:"):
        from pydicom.data import get_testdata_file

        found = get_testdata_file(ref.removeprefix("dicom:"), download=False)  # never the network
        if not found:
            raise ValueError(f"image {ref!r}: pydicom ships no test file of that name")
        return Path(found)
    if ref.startswith("sample:"):
        name = ref.removeprefix("sample:")
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise ValueError(f"image {ref!r}: a sample is named by its file name alone")
        for package, folder in SAMPLE_PACKAGES:
            root = package_dir(package)
            if root is not None and (root / folder / name).is_file():
                return root / folder / name
        raise ValueError(f"image {ref!r}: no installed package ships a sample of that name")
    return _existing(base / ref, "image")


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise ValueError(f"{what} not found: {path}")
    return path


def _describe(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            return f"unknown key {where!r}"
        if err["type"] == "missing":
            return f"missing key {where!r}"
        return f"{where or 'case'}: {err['msg'].removeprefix('Value error, ')}"
    return str(exc)


# ---------------------------------------------------------------------------------------- scoring


def check(expect: Expect, answer: Answer) -> list[str]:
    """Why ``answer`` fails ``expect`` (empty when it is correct)."""
    text = answer.answer
    plain = _plain(text)
    failures: list[str] = []
    if expect.exact is not None and plain.casefold() != _plain(expect.exact).casefold():
        failures.append(f"expected exactly {expect.exact!r}")
    if expect.number is not None:
        pattern = _NUMBER + (rf"\s*{re.escape(expect.unit)}" if expect.unit else "")
        found = re.search(pattern, plain, re.I)
        wanted = f"{expect.number:g}" + (f" +/- {expect.tolerance:g}" if expect.tolerance else "")
        if found is None:
            failures.append(
                f"expected {wanted}{' ' + expect.unit if expect.unit else ''}; the answer states no such number"
            )
        elif abs(float(found.group(1)) - expect.number) > expect.tolerance:
            failures.append(f"expected {wanted}, the answer says {found.group(0).strip()}")
    if expect.labels is not None:
        cited = {c.ref for c in answer.citations if c.resolved}
        labels = {str(e.get("label", "")).lower() for e in answer.evidence if e.get("id") in cited}
        missing = [label for label in expect.labels if label.lower() not in labels]
        if missing:
            failures.append(
                f"no cited evidence labelled {', '.join(missing)} (cited: {', '.join(sorted(labels)) or 'none'})"
            )
    if expect.rules is not None:
        fired = {r.id for r in answer.rules if r.fired}
        missing = [r for r in expect.rules if r not in fired]
        if missing:
            failures.append(
                f"rule(s) {', '.join(missing)} did not fire (fired: {', '.join(sorted(fired)) or 'none'})"
            )
    if expect.not_rules is not None:
        wrongly = sorted({r.id for r in answer.rules if r.fired} & set(expect.not_rules))
        if wrongly:
            failures.append(f"rule(s) {', '.join(wrongly)} fired and should not have")
    if "urgency" in expect.model_fields_set:
        level = answer.urgency.level if answer.urgency else None
        if level != expect.urgency:
            failures.append(f"expected urgency {expect.urgency or 'none'}, got {level or 'none'}")
    for wanted in expect.contains or []:
        if wanted.casefold() not in text.casefold():
            failures.append(f"the answer does not contain {wanted!r}")
    if expect.refused is not None and answer.refused != expect.refused:
        failures.append("expected a refusal" if expect.refused else "the request was refused")
    if expect.short_answer is not None:
        given = getattr(answer, "short_answer", None)
        wanted = " / ".join(expect.short_answer[:4]) + (" / ..." if len(expect.short_answer) > 4 else "")
        if given is not None:
            if not matches(given, expect.short_answer):
                failures.append(f"short answer {given!r}, expected {wanted}")
        elif not prose_answers(expect.short_answer, text, answer.question):
            failures.append(f"the first sentence does not answer {wanted}")
    for group in expect.mentions or []:
        if not mentions(text, group):
            failures.append(f"the answer mentions none of {', '.join(group[:5])}")
    return failures


def _plain(text: str) -> str:
    """The text without citations, its spaces collapsed and none left before punctuation."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(_CITATION.sub(" ", text).split()))


def run_suite(
    cases: list[SuiteCase],
    assistant: Assistant,
    *,
    suite: str = "",
    on_result: Callable[[CaseResult], None] | None = None,
) -> EvalReport:
    """Ask every case's question of ``assistant`` and score the answers. The latency of a case is the
    wall time of its ``ask``, so the first question to use a model also carries that model's load."""
    return collect((run_case(item, assistant) for item in cases), suite=suite, on_result=on_result)


def collect(
    results: Iterable[CaseResult],
    *,
    suite: str = "",
    on_result: Callable[[CaseResult], None] | None = None,
) -> EvalReport:
    """The report over ``results`` (in the suite's order), each shown to ``on_result`` as it comes."""
    kept = []
    for result in results:
        kept.append(result)
        if on_result is not None:
            on_result(result)
    return summarise(kept, suite)


def run_case(item: SuiteCase, assistant: Assistant) -> CaseResult:
    """Ask one case's question of ``assistant`` and score the answer; an error the question raises (an
    unreadable image, a bad zones file ...) is this case's result, not the run's."""
    case = item.case
    base: dict[str, Any] = {
        "id": case.id,
        "category": case.category,
        "line": item.line,
        "expected_tools": case.tools,
        "question": case.question,
        "form": case.form,
        "op": case.op,
        "limit": case.limit,
        "tags": case.tags or [],
    }
    start = time.perf_counter()
    try:
        answer = assistant.ask(
            item.image_path,
            case.question,
            domain=case.domain,
            zones=item.zones_path,
            findings=item.findings,
            time_of_day=case.time,
        )
    except ArgusError as exc:
        elapsed = (time.perf_counter() - start) * 1000
        return CaseResult(
            **base, correct=False, error=str(exc), latency_ms=round(elapsed, 2), backend="error"
        )
    elapsed = (time.perf_counter() - start) * 1000
    # the tools the question's driver called, and the rule engine wherever the agent ran it for the
    # domain; run_program is the program itself, and the agent's other grounding is not a choice
    called = sorted(
        {
            s.tool
            for s in answer.trace
            if (s.by != "agent" or s.tool == "evaluate_rules") and s.tool != "run_program"
        }
    )
    failures = check(case.expect, answer)
    return CaseResult(
        **base,
        **_form_checks(case, answer),
        correct=not failures,
        failures=failures,
        called_tools=called,
        routed=None if case.tools is None else called == sorted(set(case.tools)),
        citations=len(answer.citations),
        resolved=sum(c.resolved for c in answer.citations),
        unsupported=len(answer.unsupported_claims),
        latency_ms=round(elapsed, 2),
        backend=answer.backend.get("llm", "unknown"),
        answer=answer.answer,
        urgency=answer.urgency.level if answer.urgency else None,
    )


def _form_checks(case: EvalCase, answer: Answer) -> dict[str, Any]:
    """What the question suites measure besides correctness: the short answer, the program's root op,
    whether the answer leads with yes/no or the number, and the prose linter's findings."""
    expected = case.expect.short_answer
    given = getattr(answer, "short_answer", None)
    program = getattr(answer, "program", None)
    program_op = program.get("op") if isinstance(program, dict) else None
    kind = answer_kind(expected) if expected else None
    return {
        "short_answer": given,
        "short_answer_match": None if expected is None else given is not None and matches(given, expected),
        "judged_by": None if expected is None else "short_answer" if given is not None else "prose",
        "program_op": program_op if isinstance(program_op, str) else None,
        "op_routed": None if case.op is None or not isinstance(program_op, str) else program_op == case.op,
        "yes_no_format": starts_yes_no(answer.answer) if kind == "yes/no" else None,
        "number_first": starts_with_number(answer.answer) if kind == "number" else None,
        "lint": [str(f) for f in lint_prose(answer.answer)],
    }
