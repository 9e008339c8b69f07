"""``argus bench triage``: the triage pipeline's throughput against the raw detector, and its memory."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.commands.common import console, err_console, print_json, user_errors


def triage(
    n: Annotated[int, typer.Option("--n", min=10, max=100_000, help="Images in the generated batch.")] = 500,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")] = "cpu",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Images/s through triage (end to end and its loop) vs the raw SSD detector, RSS growth and peak, profile."""
    from rich.table import Table

    from agent.bench_triage import run_triage_bench

    with user_errors():
        report = run_triage_bench(n=n, device=device, progress=lambda m: err_console.print(m, style="dim"))
    if as_json:
        print_json(report.model_dump())
        return
    t = report.targets

    def met(ok: bool) -> str:
        return "[green]yes[/]" if ok else "[red]no[/]"

    table = Table(
        title=f"argus bench triage: {report.n} images on {report.device}, {report.cpu_count} CPU(s)",
        title_justify="left",
    )
    for column in ("measure", "value", "target", "met"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    table.add_row(
        "triage end to end (audit, worklist, report)", f"{report.triage.images_per_s:.1f} img/s", "", ""
    )
    table.add_row("triage per-image loop", f"{report.triage_loop.images_per_s:.1f} img/s", "", "")
    table.add_row("raw detector (decode + SSD forward)", f"{report.detector.images_per_s:.1f} img/s", "", "")
    table.add_row(
        "ratio, end to end", f"{report.ratio:.2f}x", f">= {t['ratio']:g}x", met(report.ratio >= t["ratio"])
    )
    table.add_row(
        "ratio, loop",
        f"{report.ratio_loop:.2f}x",
        f">= {t['ratio']:g}x",
        met(report.ratio_loop >= t["ratio"]),
    )
    table.add_row("RSS after warm-up", f"{report.rss_after_warmup_mb:.0f} MB", "", "")
    table.add_row(
        "RSS growth over the batch",
        f"{report.rss_growth_mb:.1f} MB",
        f"< {t['rss_growth_mb']:g} MB",
        met(report.rss_growth_mb < t["rss_growth_mb"]),
    )
    table.add_row("peak RSS", f"{report.peak_rss_mb:.0f} MB", "", "")
    console.print(table)
    profile = Table(
        title="where the pipeline's time goes (cProfile, cumulative per stage)", title_justify="left"
    )
    for column in ("stage", "ms / image", "share"):
        profile.add_column(column, justify="left" if column == "stage" else "right")
    for stage in report.profile:
        profile.add_row(stage.stage, f"{stage.ms_per_image:.2f}", f"{stage.share:.0%}")
    console.print(profile)
    outcomes = ", ".join(f"{k} {v}" for k, v in report.outcomes.items() if v)
    console.print(f"batch: {report.mix}; outcomes: {outcomes}", highlight=False)
