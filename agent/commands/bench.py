"""``argus bench ...``: benchmarks that print a table and the ratios the issues set targets on."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)

from agent.commands import bench_ask, bench_kb, bench_serve, bench_tools, bench_triage  # noqa: E402 - each benchmark lives in its own module

app.command("ask")(bench_ask.ask)
app.command("kb")(bench_kb.kb)
app.command("tools")(bench_tools.tools)
app.command("triage")(bench_triage.triage)
app.command("serve")(bench_serve.serve)
