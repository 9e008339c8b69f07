"""``argus serve``: the HTTP API (FastAPI on uvicorn) over the same Assistant as ``argus ask``."""

from __future__ import annotations

import logging
import signal
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from argus.agent.commands.ask import DeviceOpt, LlmModelOpt, LlmOpt, LlmUrlOpt, RulesOpt
from argus.agent.commands.common import console, user_errors
from argus.tools.runtime import DEFAULT_MAX_FRAMES

KEEP_ALIVE_S = 15

if TYPE_CHECKING:
    from fastapi import FastAPI

    from argus.agent.service.settings import ServerSettings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on; 0 picks a free one.")] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file", help="File whose first line is the API token (else env ARGUS_API_TOKEN)."
        ),
    ] = None,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="No token; allowed only on a loopback host.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="Questions answered at once (threads).")] = 2,
    queue: Annotated[
        int, typer.Option("--workers-queue", help="Requests that may wait for a worker; beyond: 429.")
    ] = 8,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", help="Largest request body (413 above).")
    ] = 50.0,
    max_pixels: Annotated[
        int | None,
        typer.Option(
            "--max-pixels",
            help="Largest image in pixels (413 above). Default 24,000,000, below argus ask's 64,000,000: "
            "every request may send the largest image.",
            show_default=False,
        ),
    ] = None,
    max_frames: Annotated[
        int, typer.Option("--max-frames", help="Most frames in a DICOM upload (413 above; one is decoded).")
    ] = DEFAULT_MAX_FRAMES,
    deadline_s: Annotated[
        float, typer.Option("--deadline-s", help="Per-request deadline (504 after).")
    ] = 60.0,
    allow_url_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-url-host",
            help="Host (name, IP or CIDR range) whose image URLs may be fetched, on ports 80 and 443, or "
            "HOST:PORT for that one port (repeatable; none: no URLs). A name must resolve to public "
            "addresses unless its address or range is listed too.",
        ),
    ] = None,
    image_cache: Annotated[
        int, typer.Option("--image-cache", help="Decoded uploads kept for image_sha256 requests.")
    ] = 32,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
) -> None:
    """Serve the agent over HTTP: /v1/ask, /v1/ask/stream, /v1/triage, /v1/tools, /v1/kb/..., /docs.

    Every /v1 route needs 'Authorization: Bearer <token>' (--no-auth: loopback only).

    SIGTERM or Ctrl-C stops taking requests and lets those in flight finish.
    """
    from pydantic import ValidationError

    from argus.agent.errors import ServerConfigError
    from argus.agent.service.settings import ServerSettings, read_token

    with user_errors():
        try:
            settings = ServerSettings(
                host=host,
                port=port,
                token=None if no_auth else read_token(token_file),
                no_auth=no_auth,
                workers=workers,
                queue=queue,
                max_body_mb=max_body_mb,
                **({} if max_pixels is None else {"max_pixels": max_pixels}),
                max_frames=max_frames,
                deadline_s=deadline_s,
                allow_url_hosts=allow_url_host or [],
                image_cache=image_cache,
                device=device,
                rules_dirs=rules_dir or [],
                llm=llm,
                llm_url=llm_url,
                llm_model=llm_model,
            ).check()
        except ValidationError as exc:
            err = exc.errors()[0]
            option = "--" + str(err["loc"][0]).replace("_", "-")
            raise ServerConfigError(f"{option}: {err['msg']}") from None
        from argus.agent.service.app import create_app

        app = create_app(settings)
        sock = bind(settings.host, settings.port)
    _run(app, sock, settings)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on host:port, so a busy port is a one-line error and port 0 is known."""
    from argus.agent.errors import ServerConfigError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise ServerConfigError(f"--host {host}: cannot be resolved ({exc.strerror or exc})") from None
    family, kind, proto, _, address = infos[0]
    # The protocol number matters: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto is
    # IPPROTO_TCP, and uvicorn writes headers and body separately, so with Nagle on every response
    # waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        # Listen now, before the address is printed: a client that reads it and connects at once is
        # queued until uvicorn accepts, never refused.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServerConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _run(app: FastAPI, sock: socket.socket, settings: ServerSettings) -> None:
    import uvicorn

    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    config = uvicorn.Config(
        app,
        log_level="info" if verbose else "warning",
        access_log=verbose,
        timeout_graceful_shutdown=int(settings.deadline_s) + 5,
        # Longer than clients keep idle connections (httpx: 5 s), so a client never reuses a connection
        # the server is closing at that moment (a reset instead of an answer).
        timeout_keep_alive=KEEP_ALIVE_S,
        lifespan="on",
    )
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    auth = "off (loopback only)" if settings.no_auth else "bearer token"
    console.print(
        f"Argus API on http://{shown}:{port} (docs: /docs, ready: /readyz); auth {auth}; "
        f"{settings.workers} workers, queue {settings.queue}",
        highlight=False,
        soft_wrap=True,
    )
    # uvicorn stops gracefully on SIGTERM/SIGINT, then raises the signal again under the handler that was
    # there before it started; a no-op handler there makes a graceful stop exit 0, not die by the signal.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print("Argus API stopped; requests in flight were answered", highlight=False)


def _stopped(*_: object) -> None:
    """The signal that stopped the server, raised again after its graceful shutdown: nothing left to do."""
