"""``argus mcp``: Argus as an MCP server on stdio, for desktop assistants and IDEs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from argus.agent.commands.ask import DeviceOpt, LlmModelOpt, LlmOpt, LlmUrlOpt, RulesOpt
from argus.agent.commands.common import err_console, user_errors
from argus.tools.runtime import DEFAULT_MAX_PIXELS


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)


def mcp(
    allow_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--allow-dir",
            metavar="DIR",
            help="A folder whose images tools may read by path (repeatable; default: the current folder).",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", metavar="N", help="Tool calls run at once.")] = 2,
    deadline_s: Annotated[
        float, typer.Option("--deadline-s", metavar="SECONDS", help="Per-call deadline.")
    ] = 120.0,
    max_pixels: Annotated[
        int, typer.Option("--max-pixels", metavar="N", help="Largest image in pixels.")
    ] = DEFAULT_MAX_PIXELS,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
) -> None:
    """Serve the Model Context Protocol on stdin/stdout: ask, the vision tools, triage,
    assess_security, search_rules and show_rule.

    Images come as MCP image content, as a path inside an --allow-dir folder, or as the sha256 of one
    sent before. Logs go to stderr; stdout carries only the protocol.
    """
    import threading

    import anyio

    from argus.agent.errors import ServerConfigError
    from argus.agent.service.app import make_assistant
    from argus.agent.service.deps import Service
    from argus.agent.service.mcp.server import build_server, serve_stdio
    from argus.agent.service.pool import WorkerPool
    from argus.agent.service.settings import ServerSettings

    with user_errors():
        folders = []
        for folder in allow_dir or [Path.cwd()]:
            resolved = folder.expanduser().resolve()
            if not resolved.is_dir():
                raise ServerConfigError(f"--allow-dir {folder}: not a folder")
            folders.append(resolved)
        settings = ServerSettings(
            no_auth=True,
            workers=workers,
            deadline_s=deadline_s,
            max_pixels=max_pixels,
            device=device,
            rules_dirs=rules_dir or [],
            llm=llm,
            llm_url=llm_url,
            llm_model=llm_model,
        ).check()
        service = Service(settings, make_assistant(settings))
    service.pool = WorkerPool(settings.workers, settings.queue)
    threading.Thread(target=service.warm, name="argus-warm-up", daemon=True).start()
    err_console.print(
        f"Argus MCP server on stdio; images by path from: {', '.join(map(str, folders))}", highlight=False
    )
    try:
        anyio.run(serve_stdio, build_server(service, allow_dirs=folders))
    except KeyboardInterrupt:
        pass
    finally:
        service.pool.shutdown()
