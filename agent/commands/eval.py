"""``argus eval SUITE.jsonl``: ask a suite's questions and score the answers (see ``argus.agent.evaluation.harness``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from argus.agent.commands.ask import LlmKeyOpt, LlmModelOpt, LlmOpt, LlmUrlOpt, RulesOpt
from argus.agent.commands.common import DeviceOpt, JsonOpt, console, err_console, print_json, user_errors

if TYPE_CHECKING:
    from argus.agent.evaluation.harness import CaseResult, EvalReport

EXIT_BELOW_FLOOR = 1


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_suite)


def eval_suite(
    suite: Annotated[
        Path, typer.Argument(help="The suite: JSON Lines, one case a line (see agent/evaluation.py).")
    ],
    as_json: JsonOpt = False,
    min_accuracy: Annotated[
        float | None,
        typer.Option(
            "--min-accuracy", min=0.0, max=1.0, help="Exit 1 when the overall accuracy is below this."
        ),
    ] = None,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    llm_key: LlmKeyOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
) -> None:
    """Score a suite of questions with known answers: accuracy by category, tool routing, citations, latency.

    A suite with a bad line does not run; every bad line is named with its number."""
    with user_errors():
        from argus.agent.assistant import Assistant
        from argus.agent.evaluation.harness import load_suite, run_suite

        cases = load_suite(suite)
        assistant = Assistant(
            llm=llm,
            llm_url=llm_url,
            llm_model=llm_model,
            llm_api_key=llm_key,
            device=device,
            rules_dirs=rules_dir,
        )
        done = 0

        def progress(result: CaseResult) -> None:
            nonlocal done
            done += 1
            mark = "[green]ok[/]" if result.correct else "[red]wrong[/]"
            err_console.print(f"{done}/{len(cases)} {mark} {escape(result.id)}", highlight=False)

        report = run_suite(cases, assistant, suite=str(suite), on_result=None if as_json else progress)
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        _print(report)
    if min_accuracy is not None and report.accuracy < min_accuracy:
        err_console.print(f"accuracy {report.accuracy:.1%} is below --min-accuracy {min_accuracy:.1%}")
        raise typer.Exit(EXIT_BELOW_FLOOR)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _print(report: EvalReport) -> None:
    categories = Table(title=f"Accuracy by category: {escape(report.suite)}")
    for column in ("category", "cases", "correct", "accuracy"):
        categories.add_column(column, justify="left" if column == "category" else "right")
    for name, score in report.by_category.items():
        categories.add_row(escape(name), str(score.cases), str(score.correct), _pct(score.accuracy))
    categories.add_row(
        "[bold]all[/]", str(report.cases), str(sum(r.correct for r in report.results)), _pct(report.accuracy)
    )
    console.print(categories)

    overall = Table(title="Quality and latency")
    overall.add_column("measure")
    overall.add_column("value", justify="right")
    overall.add_row(
        "tool-routing accuracy", f"{_pct(report.routing_accuracy)} of {report.routing_cases} cases"
    )
    valid = sum(r.resolved for r in report.results)
    overall.add_row("citation validity", f"{_pct(report.citation_validity)} ({valid}/{report.citations})")
    overall.add_row("unsupported-claim rate", _pct(report.unsupported_claim_rate))
    overall.add_row("errors", str(report.errors))
    overall.add_row("latency p50 / p95", f"{report.latency_p50_ms:,.0f} / {report.latency_p95_ms:,.0f} ms")
    console.print(overall)

    backends = Table(title="Per backend")
    for column in ("backend", "cases", "accuracy", "routing", "p50 ms", "p95 ms"):
        backends.add_column(column, justify="left" if column == "backend" else "right")
    for name, score in report.by_backend.items():
        backends.add_row(
            escape(name),
            str(score.cases),
            _pct(score.accuracy),
            _pct(score.routing_accuracy),
            f"{score.latency_p50_ms:,.0f}",
            f"{score.latency_p95_ms:,.0f}",
        )
    console.print(backends)

    wrong = [r for r in report.results if not r.correct]
    if wrong:
        misses = Table(title="Wrong answers")
        for column in ("line", "id", "category", "why"):
            misses.add_column(column)
        for r in wrong:
            why = r.error or "; ".join(r.failures)
            misses.add_row(str(r.line), escape(r.id), escape(r.category), escape(why))
        console.print(misses)
