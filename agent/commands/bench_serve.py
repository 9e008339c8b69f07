"""``argus bench serve``: the HTTP service's requests/s and latency, and its cost over in-process asks."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.commands.common import console, err_console, print_json, user_errors


def serve(
    requests: Annotated[
        int, typer.Option("--requests", min=8, max=10_000, help="Questions per measurement.")
    ] = 40,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="The server's worker threads.")
    ] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Requests/s and p50/p95 at concurrency 1, 4 and 8 against a loopback argus serve, and the ratio
    of its p50 to in-process Assistant.ask on the same questions (target <= 1.15)."""
    from rich.table import Table

    from agent.bench_serve import run_serve_bench

    with user_errors():
        report = run_serve_bench(
            requests=requests, workers=workers, progress=lambda m: err_console.print(m, style="dim")
        )
    if as_json:
        print_json({**report.model_dump(), "met": report.met})
        return
    table = Table(
        title=f"argus bench serve: {report.cpu_count} CPU(s), {report.workers} server workers, "
        f"{len(report.cases)} image/question pairs, warm caches",
        title_justify="left",
    )
    for column in ("side", "concurrency", "requests", "req/s", "p50 ms", "p95 ms", "errors"):
        table.add_column(column)
    for level in (report.in_process, *report.service):
        table.add_row(
            level.side,
            str(level.concurrency),
            str(level.requests),
            f"{level.requests_per_s:.1f}",
            f"{level.p50_ms:.1f}",
            f"{level.p95_ms:.1f}",
            str(level.errors),
        )
    console.print(table)
    met = "[green]met[/]" if report.met else "[red]not met[/]"
    console.print(
        f"service p50 / in-process p50 at concurrency 1: {report.ratio_p50:.3f} "
        f"(target <= {report.target_ratio:g}: {met}); server ready after {report.startup_s:.1f} s"
    )
