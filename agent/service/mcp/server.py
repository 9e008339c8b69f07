"""The MCP server, on the official SDK's low-level ``Server``: tool listing and calls, for both
transports. The low-level server (rather than the decorator API) lets each tool publish exactly its
card's JSON schema and return text, structured content and an image together.

* stdio (``argus mcp``): ``run_stdio``; image paths are read inside ``--allow-dir`` folders;
* streamable HTTP (``argus serve``, at ``/mcp``): ``mount_mcp`` adds the route to the FastAPI app,
  behind the same bearer token, body limit, worker pool and deadline as ``/v1``; no image paths.

A call never crashes the server: bad arguments, a user error and a bug each come back as a tool
result with ``isError`` and one readable message (a bug's traceback goes to the server's log).
"""

from __future__ import annotations

import base64
import io
import logging
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import ValidationError

from argus import __version__
from argus.agent.service.errors import redact_paths
from argus.agent.service.mcp.images import ImagePolicy
from argus.agent.service.mcp.tools import McpContext, mcp_tools
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import FastAPI
    from mcp.server.lowlevel import Server

    from argus.agent.service.deps import Service

log = logging.getLogger("argus.mcp")
JPEG_QUALITY = 88

INSTRUCTIONS = (
    "Argus answers questions about images and explains every answer: each claim cites its evidence "
    "([D1] a detection, [M2] a mask, [T1] a text line) or a rule ([R:RULE-ID]) with its published source. "
    "Use ask for questions; the vision tools for one tool's raw output; triage for medical worklists; "
    "assess_security with zones; search_rules and show_rule for the rule packs. Medical outputs are for "
    "review by a qualified clinician: show their disclaimer with the answer."
)


def build_server(service: Service, allow_dirs: list[Path] | None) -> Server:
    """An MCP server over ``service`` (its Assistant, image store, worker pool and deadline)."""
    import mcp.types as types
    from mcp.server.lowlevel import Server

    context = McpContext(
        assistant=service.assistant,
        images=ImagePolicy(service.store, service.settings.max_body_bytes, allow_dirs),
        max_triage_images=service.settings.max_triage_images,
    )
    tools = mcp_tools(service.assistant)
    redact = allow_dirs is None  # over HTTP no server path reaches a client

    async def list_tools(_: Any, __: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=t.name,
                    description=t.description,
                    input_schema=t.input_schema(),
                    output_schema=t.output_schema,
                )
                for t in tools.values()
            ]
        )

    async def call_tool(_: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = tools.get(params.name)
        if tool is None:
            return failure(f"unknown tool {params.name[:80]!r}; this server has: {', '.join(tools)}")
        try:
            args = tool.Input.model_validate(params.arguments or {})
        except ValidationError as exc:
            return failure(f"{tool.name}: bad arguments: {problems(exc)}")
        try:
            out = await service.workers.run(
                tool.handler,
                context,
                args,
                deadline=service.deadline(),
                deadline_s=service.settings.deadline_s,
            )
        except ArgusError as exc:
            return failure(f"{tool.name}: {redact_paths(str(exc)) if redact else exc}")
        except Exception:
            log.exception("MCP tool %s failed", tool.name)
            return failure(f"{tool.name} failed with an internal error; the server's log has the details")
        content: list[Any] = [types.TextContent(type="text", text=out.text)]
        if out.png:
            jpeg = await anyio.to_thread.run_sync(as_jpeg, out.png)
            content.append(
                types.ImageContent(
                    type="image", data=base64.b64encode(jpeg).decode("ascii"), mime_type="image/jpeg"
                )
            )
        return types.CallToolResult(content=content, structured_content=out.structured)

    def failure(message: str) -> types.CallToolResult:
        return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)

    return Server(
        "argus",
        version=__version__,
        title="Argus",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def as_jpeg(png: bytes, quality: int = JPEG_QUALITY) -> bytes:
    """The annotated image as JPEG: a tenth of the PNG's size, so a result stays well under what
    clients accept in one message (the SDK's client refuses server-sent events over 1 MiB)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def problems(exc: ValidationError) -> str:
    """Pydantic's errors as 'field: what is wrong' (the values sent are left out)."""
    out = []
    for err in exc.errors()[:8]:
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        out.append(f"{where}: {err['msg']}")
    return "; ".join(out)


def mount_mcp(app: FastAPI, service: Service) -> Server:
    """Add the streamable-HTTP transport at ``/mcp``; the caller runs ``server.session_manager.run()``
    in the app's lifespan. Auth and the body limit are the app's middleware, as for ``/v1``."""
    server = build_server(service, allow_dirs=None)
    settings = service.settings
    transport = server.streamable_http_app(
        streamable_http_path="/mcp",
        host=settings.host,
        max_request_body_size=settings.max_body_bytes,
        json_response=True,  # one JSON body per call: no event-size limit on a large result
    )
    app.router.routes.extend(transport.routes)
    return server


async def serve_stdio(server: Server) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
