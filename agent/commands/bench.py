"""``argus bench ...``: benchmarks that print a table and the ratios the issues set targets on.

Each command measures with the project's own code paths and prints a table (``--json`` for machines);
the work itself lives in ``argus.agent.bench``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from argus.agent.commands.common import console, err_console, print_json, user_errors

if TYPE_CHECKING:
    from argus.agent.bench.triage_ray import RayRun

app = typer.Typer(no_args_is_help=True)


OVERHEAD_TARGET = 1.05
CACHE_HIT_TARGET_MS = 5.0


def tools(
    images: Annotated[
        list[Path] | None, typer.Argument(help="Images to run on (default: four bundled samples).")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, max=1000, help="Warm runs per image.")] = 10,
    only: Annotated[list[str] | None, typer.Option("--tool", help="Only these tools (repeatable).")] = None,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Cold load, warm p50/p95, batch images/s, overhead vs the raw backend call, cache hit, RSS per backend."""
    from rich.table import Table

    from argus.agent.bench.tools import bench_tools, rows_as_dicts
    from argus.tools.runtime import Runtime, parse_weights

    with user_errors():
        rows = bench_tools(
            images or None,
            runs=runs,
            tools=only or None,
            runtime=Runtime(device=device, weights=parse_weights(os.environ.get("ARGUS_WEIGHTS"))),
        )
    if as_json:
        print_json(
            {
                "rows": rows_as_dicts(rows),
                "targets": {"overhead_ratio": OVERHEAD_TARGET, "cache_hit_ms": CACHE_HIT_TARGET_MS},
            }
        )
        return
    table = Table(title=f"argus bench tools ({runs} warm runs per image)")
    for col in ("tool", "backend", "device", "cold ms", "load ms", "warm p50", "warm p95", "raw p50", "ratio",
                "batch img/s", "cache hit ms", "RSS MB"):  # fmt: skip
        table.add_column(col, justify="right" if col not in ("tool", "backend", "device") else "left")
    for r in rows:
        ratio = f"{r.overhead_ratio:.3f}"
        ratio = f"[green]{ratio}[/]" if r.overhead_ratio <= OVERHEAD_TARGET else f"[red]{ratio}[/]"
        hit = f"{r.cache_hit_ms:.3f}"
        hit = f"[green]{hit}[/]" if r.cache_hit_ms < CACHE_HIT_TARGET_MS else f"[red]{hit}[/]"
        table.add_row(
            r.tool, r.backend, r.device, f"{r.cold_ms:.0f}", "" if r.load_ms is None else f"{r.load_ms:.0f}",
            f"{r.warm_p50_ms:.1f}", f"{r.warm_p95_ms:.1f}", f"{r.raw_p50_ms:.1f}", ratio,
            f"{r.batch_images_per_s:.1f}", hit, "" if r.rss_added_mb is None else f"{r.rss_added_mb:.0f}",
        )  # fmt: skip
    console.print(table)
    console.print(
        f"targets: ratio <= {OVERHEAD_TARGET} (ours / raw backend call, cache cleared before each call), "
        f"cache hit < {CACHE_HIT_TARGET_MS} ms"
    )


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x.replace("_", "").replace(",", "")) for x in text.split() if x] if text.strip() else []
    except ValueError:
        raise typer.BadParameter(
            f"expected whole numbers separated by spaces like '10000 100000', got {text!r}"
        ) from None
    if any(s < 1 or s > 1_000_000 for s in sizes):
        raise typer.BadParameter(f"synthetic sizes must be from 1 to 1,000,000, got {text!r}")
    return sizes


def kb(
    sizes: Annotated[
        str,
        typer.Option(
            "--sizes", help="Synthetic rule counts, space-separated; '' for the shipped packs only."
        ),
    ] = "10000 100000",
    queries: Annotated[
        int, typer.Option("--queries", min=10, max=5000, help="Distinct queries per measurement.")
    ] = 200,
    embed_all: Annotated[
        bool,
        typer.Option(
            "--embed-all",
            help="Embed every synthetic rule text (slow the first time) instead of blending 2,048.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Index build, retrieval p50/p95 (shipped, 10k, 100k rules) and graph explain p50, with the targets."""
    from argus.agent.bench.kb import run_kb_bench

    with user_errors():
        report = run_kb_bench(
            sizes=_sizes(sizes),
            queries=queries,
            embed_all=embed_all,
            progress=lambda m: err_console.print(m, style="dim"),
        )
    if as_json:
        print_json(report.model_dump())
        return
    t = report.targets_ms
    shipped = report.sizes[0]

    def check(value: float, target: float) -> str:
        return "[green]yes[/]" if value <= target else "[red]no[/]"

    table = Table(
        title=f"argus bench kb: {report.model} ({report.backend}) on {report.device}, {report.cpu_count} CPU(s), "
        f"{report.queries} queries",
        title_justify="left",
    )
    for column in ("measure", "p50 ms", "p95 ms", "target", "met"):
        table.add_column(column)
    table.add_row("embedding model load", f"{report.model_load_ms:.0f}", "", "", "")
    table.add_row(
        f"index build, shipped ({shipped.rules} rules, embed + {shipped.index_type})",
        f"{shipped.build_ms:.0f}",
        "",
        "",
        "",
    )
    table.add_row("index load from disk, shipped", f"{report.index_load_ms:.1f}", "", "", "")
    table.add_row(
        "query embedding (one question)",
        f"{report.query_embed.p50_ms:.2f}",
        f"{report.query_embed.p95_ms:.2f}",
        "",
        "",
    )
    table.add_row(
        "kb.search, shipped (embed + search)",
        f"{report.kb_search.p50_ms:.2f}",
        f"{report.kb_search.p95_ms:.2f}",
        "",
        "",
    )
    for size in report.sizes:
        name = f"{size.rules:,} {'synthetic ' if size.synthetic else ''}rules, {size.index_type}"
        target, met = "", ""
        if not size.synthetic:
            target, met = (
                f"p50 <= {t['search_shipped_p50']:g}",
                check(size.search.p50_ms, t["search_shipped_p50"]),
            )
        elif size.rules >= 100_000:
            target, met = f"p95 <= {t['search_100k_p95']:g}", check(size.search.p95_ms, t["search_100k_p95"])
        table.add_row(
            f"index search, {name}", f"{size.search.p50_ms:.3f}", f"{size.search.p95_ms:.3f}", target, met
        )
        table.add_row(
            "  filtered to half the rules",
            f"{size.search_filtered.p50_ms:.3f}",
            f"{size.search_filtered.p95_ms:.3f}",
            "",
            "",
        )
        table.add_row(
            "  embed + search", f"{size.end_to_end.p50_ms:.2f}", f"{size.end_to_end.p95_ms:.2f}", "", ""
        )
        if size.synthetic:
            embed = (
                f"{size.embed_s:.0f} s embedding" if size.embed_s is not None else "embeddings from the cache"
            )
            recall = f", recall@5 vs exact {size.recall_at_5:.3f}" if size.recall_at_5 is not None else ""
            table.add_row(f"  build {size.build_ms / 1000:.1f} s ({embed}{recall})", "", "", "", "")
    if report.explain is not None and report.case_graph is not None:
        table.add_row(
            f"case graph build ({report.explained_rules} rules fired)",
            f"{report.case_graph.p50_ms:.3f}",
            f"{report.case_graph.p95_ms:.3f}",
            "",
            "",
        )
        table.add_row(
            "graph explain",
            f"{report.explain.p50_ms:.3f}",
            f"{report.explain.p95_ms:.3f}",
            f"p50 <= {t['explain_p50']:g}",
            check(report.explain.p50_ms, t["explain_p50"]),
        )
    else:
        table.add_row("graph explain", "n/a (no rule could be made to fire)", "", "", "")
    console.print(table)
    console.print(f"synthetic rules: {report.synthetic_vectors}", highlight=False)


def ask(
    runs: Annotated[int, typer.Option("--runs", min=1, max=100, help="Warm runs per question.")] = 3,
    cold: Annotated[
        int, typer.Option("--cold", min=0, max=12, help="Fresh argus ask processes to time.")
    ] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Cold argus ask, warm p50/p95, warm time over the tools' own time, planner decision time, peak RSS."""
    from rich.table import Table

    from argus.agent.bench.ask import TARGETS, run_ask_bench

    with user_errors():
        report = run_ask_bench(runs=runs, cold=cold, progress=lambda m: err_console.print(m, style="dim"))
    if as_json:
        print_json(report.as_dict())
        return
    table = Table(
        title=f"argus bench ask: ms, {runs} warm runs per question, result cache cleared before each",
        caption="tools: the tools' own time; ratio: warm p50 over it; plan: the planner's decision",
    )
    # one line per question at any width: the question is cut short, never wrapped word by word
    table.add_column("question (image)", no_wrap=True, overflow="ellipsis", max_width=36)
    for col in ("p50", "p95", "tools", "ratio", "plan"):
        table.add_column(col, justify="right", no_wrap=True, min_width=5)
    for r in report.rows:
        table.add_row(
            f"{r.question} ({r.image})", f"{r.warm_p50_ms:.0f}", f"{r.warm_p95_ms:.0f}", f"{r.tools_ms:.0f}",
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


def triage(
    n: Annotated[int, typer.Option("--n", min=10, max=100_000, help="Images in the generated batch.")] = 500,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")] = "cpu",
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Processes deciding images (default: the CPUs available)."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option("--engine", help="local, or ray: also the same images on a Ray actor pool, compared."),
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="With --engine ray: a running cluster (auto, ray://...)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Images/s through triage (end to end and its loop) vs the raw SSD detector, RSS growth and peak, profile;
    with --engine ray, the same batch on Ray beside the local engine."""
    from rich.table import Table

    from argus.agent.bench.triage import run_triage_bench

    with user_errors():
        report = run_triage_bench(
            n=n,
            device=device,
            workers=workers,
            engine=engine.strip().lower(),
            ray_address=ray_address,
            progress=lambda m: err_console.print(m, style="dim"),
        )
    if as_json:
        print_json(report.model_dump())
        return
    t = report.targets

    def met(ok: bool) -> str:
        return "[green]yes[/]" if ok else "[red]no[/]"

    table = Table(
        title=f"argus bench triage: {report.n} images on {report.device}, {report.cpu_count} CPU(s), "
        f"{report.engine} engine, {report.workers} worker(s)",
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
    table.add_row("RSS after warm-up (driver)", f"{report.rss_after_warmup_mb:.0f} MB", "", "")
    table.add_row(
        "RSS growth over the batch (driver)",
        f"{report.rss_growth_mb:.1f} MB",
        f"< {t['rss_growth_mb']:g} MB",
        met(report.rss_growth_mb < t["rss_growth_mb"]),
    )
    table.add_row("peak RSS (driver)", f"{report.peak_rss_mb:.0f} MB", "", "")
    if report.workers > 1:
        table.add_row("workers started and warmed in", f"{report.workers_start_s:.1f} s", "", "")
        table.add_row(
            "triage end to end, the workers' start included",
            f"{report.triage_with_start.images_per_s:.1f} img/s",
            "",
            "",
        )
    if report.worker_rss_growth_mb is not None:
        table.add_row(
            "worker RSS after warm-up (largest)", f"{report.worker_rss_after_warmup_mb:.0f} MB", "", ""
        )
        table.add_row(
            "worker RSS growth over the batch (largest)",
            f"{report.worker_rss_growth_mb:.1f} MB",
            f"< {t['rss_growth_mb']:g} MB",
            met(report.worker_rss_growth_mb < t["rss_growth_mb"]),
        )
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
    if report.ray is not None:
        _print_ray(report.ray, report.triage_with_start.images_per_s, met)


def _print_ray(ray: RayRun, local_images_per_s: float, met: Callable[[bool], str]) -> None:
    table = Table(
        title=f"the same images on Ray ({ray.address}, {ray.workers} actors) beside the local engine",
        title_justify="left",
    )
    for column in ("measure", "value", "target", "met"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    table.add_row(
        "local engine, end to end with its workers' start", f"{local_images_per_s:.1f} img/s", "", ""
    )
    table.add_row("Ray engine, end to end with its actors' start", f"{ray.images_per_s:.1f} img/s", "", "")
    table.add_row(
        "Ray's time over the local engine's",
        f"{ray.time_ratio:.2f}x",
        f"<= {ray.target_time_ratio:g}x",
        met(ray.time_ratio <= ray.target_time_ratio),
    )
    table.add_row(
        "same decisions as the local engine",
        "yes" if ray.same_decisions else "NO",
        "yes",
        met(ray.same_decisions),
    )
    table.add_row("Ray started in", f"{ray.ray_start_s:.1f} s", "", "")
    table.add_row("driver RSS growth over the batch", f"{ray.driver_rss_growth_mb:.1f} MB", "", "")
    if ray.actor_rss_after_warmup_mb is not None:
        table.add_row("actor RSS after warm-up (largest)", f"{ray.actor_rss_after_warmup_mb:.0f} MB", "", "")
    if ray.actor_rss_growth_mb is not None:
        table.add_row(
            "actor RSS growth over the batch (largest)", f"{ray.actor_rss_growth_mb:.1f} MB", "", ""
        )
    console.print(table)


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

    from argus.agent.bench.serve import run_serve_bench

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


def cold(
    runs: Annotated[int, typer.Option("--runs", min=1, max=50, help="Timed runs per command.")] = 3,
    only: Annotated[
        list[str] | None, typer.Option("--case", help="Only cases whose name contains this (repeatable).")
    ] = None,
    kb_search: Annotated[
        bool, typer.Option("--kb-search/--no-kb-search", help="Also time kb.search through argus bench kb.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")] = False,
) -> None:
    """Each command as a fresh process: median and fastest wall seconds, CPU seconds and peak memory, against
    the targets."""
    from rich.table import Table

    from argus.agent.bench.cold import run_cold_bench

    with user_errors():
        report = run_cold_bench(
            runs=runs, only=only, kb_search=kb_search, progress=lambda m: err_console.print(m, style="dim")
        )
    if as_json:
        print_json(report.model_dump())
        return
    load = report.load_average
    title = f"argus bench cold: {report.runs} runs per command after 1 untimed, {report.cpu_count} CPU(s)"
    if load is not None:
        title += f", load {load[0]:.1f}"
    table = Table(title=title, title_justify="left")
    for column in ("command", "wall", "fastest", "cpu", "peak MB", "target", "met"):
        table.add_column(column, justify="left" if column in ("command", "target") else "right")
    for r in report.cases:
        target = f"{'<' if r.strict else '<='} {r.wall_target_s:g} s"
        if r.rss_target_mb is not None:
            target += f", <= {r.rss_target_mb:g} MB"
        peak = "" if r.peak_rss_mb is None else f"{r.peak_rss_mb:.0f}"
        met = "[green]yes[/]" if r.met else "[red]no[/]"
        table.add_row(
            r.name, f"{r.wall_s:.2f} s", f"{r.wall_min_s:.2f} s", f"{r.cpu_s:.2f} s", peak, target, met
        )
    if report.kb_search is not None:
        k = report.kb_search
        table.add_row(
            "kb.search end to end, p50 (argus bench kb)",
            f"{k.p50_ms:.2f} ms",
            "",
            "",
            "",
            f"<= {k.target_ms:g} ms",
            "[green]yes[/]" if k.met else "[red]no[/]",
        )
    console.print(table)
    for r in report.cases:
        console.print(f"{r.name}: {r.command}", highlight=False, style="dim")
        if r.error:
            console.print(f"[red]{r.name} failed:[/] {r.error}", highlight=False)
    if report.kb_search is not None:
        k = report.kb_search
        console.print(
            f"kb.search end to end: p50 {k.p50_ms:.2f} ms, p95 {k.p95_ms:.2f} ms ({k.backend})",
            highlight=False,
        )
    if report.kb_search_error:
        console.print(f"[red]kb.search not measured:[/] {report.kb_search_error}", highlight=False)


app.command("tools")(tools)
app.command("kb")(kb)
app.command("ask")(ask)
app.command("triage")(triage)
app.command("serve")(serve)
app.command("cold")(cold)
