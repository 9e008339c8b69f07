"""``argus``: ask questions about images and get answers that cite their evidence.

The root Typer app. Each command group lives in ``agent/commands/``; importing them loads no
model and no heavy library, so ``argus --help`` stays instant.
"""

from __future__ import annotations

import logging

import typer

from argus.agent.commands import (
    ask,
    assess,
    audit,
    bench,
    describe,
    detect,
    eval,
    kb,
    mcp,
    segment,
    serve,
    triage,
    ui,
)
from argus.agent.commands.help_format import ArgusGroup

app = typer.Typer(
    name="argus",
    cls=ArgusGroup,
    help="Ask questions about images; every answer cites its evidence (detections, rules, sources).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log tool calls and model loads to stderr."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(name)s: %(message)s")


ask.register(app)
assess.register(app)
detect.register(app)
segment.register(app)
describe.register(app)
app.add_typer(kb.app, name="kb", help="Browse, search, validate and export the rule knowledge base.")
app.add_typer(bench.app, name="bench", help="Benchmarks that print tables and ratios.")
audit.register(app)
triage.register(app)
serve.register(app)
ui.register(app)
mcp.register(app)
eval.register(app)


if __name__ == "__main__":
    app()
