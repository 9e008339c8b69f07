"""``argus eval SUITE.jsonl``: ask a suite's questions and score the answers (see
``argus.agent.evaluation.harness``); ``argus eval generate``: write the generated question suite."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from argus.agent.commands.ask import LlmKeyOpt, LlmModelOpt, LlmOpt, LlmUrlOpt, RulesOpt
from argus.agent.commands.common import (
    DeviceOpt,
    JsonOpt,
    RayAddressOpt,
    console,
    engine_choice,
    err_console,
    print_json,
    user_errors,
)
from argus.agent.errors import SuiteError
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.agent.evaluation.report import CaseResult, EvalReport, Score

EXIT_BELOW_FLOOR = 1


class _RunByDefault(TyperGroup):
    """``argus eval SUITE`` runs a suite: anything that is not a subcommand's name goes to ``run``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # click's Context, or typer's own copy
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_RunByDefault, no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(
        app,
        name="eval",
        help="Score a suite of questions with known answers (argus eval SUITE), or write the generated suite.",
    )


@app.command("run")
def eval_suite(
    suite: Annotated[
        Path, typer.Argument(help="The suite: JSON Lines, one case a line (see agent/evaluation/harness.py).")
    ],
    as_json: JsonOpt = False,
    min_accuracy: Annotated[
        float | None,
        typer.Option(
            "--min-accuracy", min=0.0, max=1.0, help="Exit 1 when the overall accuracy is below this."
        ),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="Ask only this many cases, drawn in proportion to their forms."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Which sample --sample draws.")] = 0,
    misses: Annotated[
        int,
        typer.Option("--misses", min=0, help="How many wrong answers to list (all of them are in --json)."),
    ] = 20,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    llm_key: LlmKeyOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            metavar="local|ray",
            help="local (this process) or ray (a Ray cluster's workers answer the cases: "
            "pip install 'argus\\[ray]'). The report is the same either way.",
        ),
    ] = "local",
    ray_address: RayAddressOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="With --engine ray: Ray actors (default: the cluster's CPUs)."),
    ] = None,
) -> None:
    """Score a suite of questions with known answers: accuracy by category, form and op, short answers, routing, answer form, prose issues, citations, latency.

    A suite with a bad line does not run; every bad line is named with its number. With --engine ray
    the cases are answered on a Ray cluster's workers (every node must see the suite's files at the
    same path); this process builds the report."""
    with user_errors():
        from argus.agent.assistant import Assistant
        from argus.agent.evaluation.harness import load_suite, run_suite
        from argus.agent.evaluation.sampling import stratified_sample
        from argus.agent.ray_cluster import check_address

        engine = engine_choice(engine)
        if engine == "local" and (ray_address is not None or workers is not None):
            raise ArgusError("--ray-address and --workers go with --engine ray")
        if engine == "ray":
            check_address(ray_address)  # a malformed address is an error before the suite loads
        cases = load_suite(suite)
        if sample is not None:
            cases = stratified_sample(cases, sample, seed, lambda c: c.case.form or c.case.category)
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

        on_result = None if as_json else progress
        if engine == "local":
            report = run_suite(cases, assistant, suite=str(suite), on_result=on_result)
        else:
            from argus.agent.domains.medical.identity import run_settings
            from argus.agent.evaluation.ray_engine import EvalSettings, RayEvalEngine

            settings = EvalSettings(
                llm=llm,
                llm_url=llm_url,
                llm_model=llm_model,
                llm_api_key=llm_key,
                device=device,
                rules_dirs=[str(p.absolute()) for p in rules_dir or []],
                run=run_settings(assistant),
            )
            with RayEvalEngine(settings, address=ray_address, workers=workers) as cluster:
                report = cluster.run_suite(cases, suite=str(suite), on_result=on_result)
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        _print(report, misses)
    if min_accuracy is not None and report.accuracy < min_accuracy:
        err_console.print(f"accuracy {report.accuracy:.1%} is below --min-accuracy {min_accuracy:.1%}")
        raise typer.Exit(EXIT_BELOW_FLOOR)


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write suite.jsonl and img/ into.")],
    seed: Annotated[int, typer.Option("--seed", help="The same seed writes the same suite.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Write the generated question suite: drawn scenes with known truth, questions from templates (the shipped suite is seed 0)."""
    from argus.agent.evaluation.generate.suite import write

    with user_errors():
        if out.exists() and not out.is_dir():
            raise SuiteError(f"--out {out} is a file, not a folder")
        suite = write(out, seed)
    counts = suite.counts()
    families = suite.template_counts()
    if as_json:
        print_json(
            {
                "out": str(out),
                "seed": seed,
                "cases": len(suite.cases),
                "images": len(suite.images),
                "templates": families,
                "unused_templates": sorted(k for k, n in suite.template_use.items() if n == 0),
                **{k: dict(sorted(v.items())) for k, v in counts.items()},
            }
        )
        return
    table = Table(title=f"{len(suite.cases)} questions, {len(suite.images)} images in {escape(str(out))}")
    for column in ("form", "templates", "questions"):
        table.add_column(column, justify="left" if column == "form" else "right")
    for form, n in sorted(counts["form"].items()):
        table.add_row(form, str(families.get(form, 0)), str(n))
    console.print(table)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _scores(title: str, name: str, scores: dict[str, Score]) -> Table:
    table = Table(title=title)
    for column in (name, "cases", "correct", "accuracy"):
        table.add_column(column, justify="left" if column == name else "right")
    for key, score in scores.items():
        table.add_row(escape(key), str(score.cases), str(score.correct), _pct(score.accuracy))
    return table


def _print(report: EvalReport, misses: int = 20) -> None:
    categories = _scores(
        f"Accuracy by category: {escape(Path(report.suite).name)}", "category", report.by_category
    )
    categories.add_row(
        "[bold]all[/]", str(report.cases), str(sum(r.correct for r in report.results)), _pct(report.accuracy)
    )
    console.print(categories)
    if report.by_form:
        console.print(_scores("Accuracy by form", "form", report.by_form))
    if report.by_op:
        console.print(_scores("Accuracy by expected op", "op", report.by_op))
    if report.by_tag:
        console.print(_scores("Accuracy by wording (generated questions)", "tag", report.by_tag))

    overall = Table(title="Quality and latency")
    overall.add_column("measure")
    overall.add_column("value", justify="right")
    overall.add_row(
        "tool-routing accuracy", f"{_pct(report.routing_accuracy)} of {report.routing_cases} cases"
    )
    if report.short_answer_cases:
        overall.add_row(
            "short answers given",
            f"{report.short_answers_given} of {report.short_answer_cases}",
        )
        overall.add_row("short-answer exact match", _pct(report.short_answer_exact))
    if report.by_op:
        overall.add_row(
            "program routing (root op)", f"{_pct(report.program_routing)} of {report.program_cases}"
        )
    if report.yes_no_cases:
        overall.add_row(
            "yes/no answers led by Yes/No", f"{_pct(report.yes_no_format)} of {report.yes_no_cases}"
        )
    if report.number_cases:
        overall.add_row("number answers led by it", f"{_pct(report.number_first)} of {report.number_cases}")
    kinds = ", ".join(f"{k} {n}" for k, n in report.prose_issue_kinds.items())
    overall.add_row("answers with prose issues", f"{report.prose_issues}" + (f" ({kinds})" if kinds else ""))
    if report.limited_misses:
        limited = ", ".join(f"{k} {n}" for k, n in report.limited_misses.items())
        overall.add_row("misses a tool cannot avoid", limited)
        overall.add_row("accuracy without them", _pct(report.accuracy_unlimited))
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

    flagged = [r for r in report.results if r.lint]
    if flagged:
        console.print(f"\n[bold]Prose issues[/] ({len(flagged)} answers)")
        for r in flagged[:misses]:
            console.print(f"  {escape(r.id)}: {escape('; '.join(r.lint))}", highlight=False)
    wrong = [r for r in report.results if not r.correct]
    if wrong and misses:
        console.print(f"\n[bold]Wrong answers[/] ({len(wrong)}; the first {min(misses, len(wrong))})")
        for r in wrong[:misses]:
            limit = f" [dim](limit: {escape(r.limit)})[/]" if r.limit else ""
            console.print(
                f"[bold]{escape(r.id)}[/] line {r.line}{limit}: {escape(r.question)}", highlight=False
            )
            said = r.short_answer if r.short_answer is not None else r.answer.split("\n", 1)[0]
            console.print(f"  answered: {escape(said[:160])}", highlight=False)
            console.print(f"  why: {escape(r.error or '; '.join(r.failures))}", highlight=False)
