"""``argus bench kb``: knowledge base timings against the issue's targets."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from agent.commands.common import console, err_console, print_json, user_errors


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
    from knowledge.bench import run_kb_bench

    with user_errors():
        report = run_kb_bench(
            sizes=_sizes(sizes), queries=queries, progress=lambda m: err_console.print(m, style="dim")
        )
    if as_json:
        print_json(report.model_dump())
        return
    t = report.targets_ms
    shipped = report.sizes[0]

    def check(value: float, target: float) -> str:
        return "[green]yes[/]" if value <= target else "[red]no[/]"

    table = Table(
        title=f"argus bench kb: {report.model} on {report.device}, {report.cpu_count} CPU(s), {report.queries} queries",
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
