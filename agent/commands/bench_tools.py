"""``argus bench tools``: per tool and backend, cold load, warm latency, batch throughput, the
wrapper's overhead over the raw library call, cache hits and memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from agent.commands.common import console, print_json, user_errors

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

    from tools.bench import bench_tools, rows_as_dicts
    from tools.runtime import Runtime, parse_weights

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
