"""The web app ``argus serve`` serves at ``/`` (and ``argus ui`` alone): Gradio Blocks mounted on the
service's FastAPI app, so it shares the Assistant, the image store, the worker pool and the limits.

It runs with no network: Gradio's analytics are off, its fonts are local, server-side rendering and
its own MCP server are off. Sign-in takes the API's bearer token as the password (Gradio's login
form; the user name only labels the session); ``--no-auth`` drops it, on loopback only.
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from argus.agent.service.deps import Service

AUTH_MESSAGE = (
    "Sign in with this server's API token as the password (the one clients send as a bearer token); "
    "the user name only labels your session."
)


def mount_web(app: FastAPI, service: Service) -> None:
    """Mount the web app at ``/``; call it after every other route is added (it takes what is left)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # read when gradio is imported: set it first
    import gradio as gr

    from argus.agent.service.web.blocks import CSS, build_blocks
    from argus.agent.service.web.samples import SAMPLES, TRIAGE_SAMPLES, available

    settings = service.settings
    blocks = build_blocks(service)
    blocks.queue(default_concurrency_limit=settings.workers, max_size=settings.workers + settings.queue)
    token = None if settings.no_auth or settings.token is None else settings.token.get_secret_value()

    def check(_user: str, password: str) -> bool:
        return token is not None and secrets.compare_digest(password.encode(), token.encode())

    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        auth=check if token is not None else None,
        auth_message=AUTH_MESSAGE,
        allowed_paths=[str(path) for path, _ in available(SAMPLES) + available(TRIAGE_SAMPLES)],
        max_file_size=settings.max_body_bytes,
        ssr_mode=False,
        footer_links=[],
        run_history=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        css=CSS,
    )
