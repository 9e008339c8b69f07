"""``argus bench ask``: cold and warm answer times, orchestration overhead, planner decision time, memory."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.commands.common import console, err_console, print_json, user_errors


def ask(
    runs: Annotated[int, typer.Option("--runs", min=1, max=100, help="Warm runs per question.")] = 3,
    cold: Annotated[
        int, typer.Option("--cold", min=0, max=12, help="Fresh argus ask processes to time.")
    ] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Cold argus ask, warm p50/p95, warm time over the tools' own time, planner decision time, peak RSS."""
    from rich.table import Table

    from agent.bench_ask import TARGETS, run_ask_bench

    with user_errors():
        report = run_ask_bench(runs=runs, cold=cold, progress=lambda m: err_console.print(m, style="dim"))
    if as_json:
        print_json(report.as_dict())
        return
    table = Table(title=f"argus bench ask ({runs} warm runs per question, result cache cleared before each)")
    for col in ("image", "question", "warm p50 ms", "warm p95 ms", "tools ms", "ratio", "planner ms"):
        table.add_column(col, justify="left" if col in ("image", "question") else "right")
    for r in report.rows:
        table.add_row(
            r.image, r.question, f"{r.warm_p50_ms:.0f}", f"{r.warm_p95_ms:.0f}", f"{r.tools_ms:.0f}",
            f"{r.overhead_ratio:.3f}", f"{r.planner_ms:.2f}",
        )  # fmt: skip
    console.print(table)

    def mark(ok: bool) -> str:
        return "[green]meets[/]" if ok else "[red]misses[/]"

    cold_max = max(report.cold_s) if report.cold_s else float("nan")
    summary = Table(title="Summary against the targets")
    for col in ("measure", "value", "target", ""):
        summary.add_column(col)
    summary.add_row(
        "cold argus ask (s, worst)",
        f"{cold_max:.2f}",
        f"<= {TARGETS['cold_s']}",
        mark(cold_max <= TARGETS["cold_s"]),
    )
    summary.add_row("warm p50 / p95 (ms)", f"{report.warm_p50_ms:.0f} / {report.warm_p95_ms:.0f}", "", "")
    summary.add_row(
        "warm time / tools' own time",
        f"{report.overhead_ratio:.3f}",
        f"<= {TARGETS['overhead_ratio']}",
        mark(report.overhead_ratio <= TARGETS["overhead_ratio"]),
    )
    summary.add_row(
        "planner decision p50 / max (ms)",
        f"{report.planner_p50_ms:.2f} / {report.planner_max_ms:.2f}",
        f"<= {TARGETS['planner_ms']}",
        mark(report.planner_max_ms <= TARGETS["planner_ms"]),
    )
    summary.add_row(
        "peak RSS, every tool warm (GB)",
        f"{report.peak_rss_gb:.2f}",
        f"<= {TARGETS['peak_rss_gb']}",
        mark(report.peak_rss_gb <= TARGETS["peak_rss_gb"]),
    )
    console.print(summary)
