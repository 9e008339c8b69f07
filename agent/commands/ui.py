"""``argus ui``: the web app alone, on this machine only, opened in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from argus.agent.commands.ask import DeviceOpt, LlmModelOpt, LlmOpt, LlmUrlOpt, RulesOpt
from argus.agent.commands.common import console, user_errors

HOST = "127.0.0.1"


def register(app: typer.Typer) -> None:
    app.command("ui")(ui)


def ui(
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port on 127.0.0.1; 0 picks a free one.")
    ] = 7860,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser tab.")] = False,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            metavar="FILE",
            help="Sign in with the token on this file's first line (else ARGUS_API_TOKEN; neither: no sign-in).",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", metavar="N", help="Questions answered at once.")] = 2,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
) -> None:
    """Open the web app (ask, triage, security) on this machine: 127.0.0.1 only.

    With a token (--token-file or ARGUS_API_TOKEN) the page asks for it; without one it serves no
    sign-in, which only a loopback address allows. Ctrl-C stops it.
    """
    import webbrowser

    from argus.agent.commands.serve import _run, bind
    from argus.agent.service.settings import ServerSettings, read_token

    with user_errors():
        token = read_token(token_file)
        settings = ServerSettings(
            host=HOST,
            port=port,
            token=token,
            no_auth=token is None,
            workers=workers,
            device=device,
            rules_dirs=rules_dir or [],
            llm=llm,
            llm_url=llm_url,
            llm_model=llm_model,
            web=True,
            mcp=False,
        ).check()
        console.print("loading the web app ...", highlight=False)
        from argus.agent.service.app import create_app

        app = create_app(settings)
        sock = bind(settings.host, settings.port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    if not no_browser:
        webbrowser.open(url)  # the socket already listens: the browser's request waits to be served
    _run(app, sock, settings)
