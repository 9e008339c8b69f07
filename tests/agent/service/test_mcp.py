"""The MCP server through the official SDK's own client: ``argus mcp`` over stdio, and ``/mcp`` of a
real ``argus serve`` over streamable HTTP behind the bearer token."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from argus.tools import TOOLS, tool_class
from tests.support import samples
from tests.support.server_helpers import TOKEN, server_process

ARGUS = str(Path(sys.executable).with_name("argus"))
CALL_TIMEOUT_S = 600.0  # a hang guard: the first call loads the models
EXPECTED = {"ask", "triage", "assess_security", "search_rules", "show_rule", "detect_objects", "read_text"}


def stdio(allow: Path, cwd: Path) -> Any:
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=ARGUS, args=["mcp", "--allow-dir", str(allow)], env=dict(os.environ), cwd=str(cwd)
    )
    return stdio_client(params)


async def session_call(transport: Any, calls: list[tuple[str, dict[str, Any]]]) -> tuple[Any, list[Any]]:
    """Open a session, list the tools, make the calls in order; (tools, results)."""
    from mcp import ClientSession

    async with transport as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = (await session.list_tools()).tools
        results = []
        for name, args in calls:
            results.append(await session.call_tool(name, args, read_timeout_seconds=CALL_TIMEOUT_S))
        return tools, results


def text(result: Any) -> str:
    return "\n".join(c.text for c in result.content if c.type == "text")


def bus_content() -> dict[str, str]:
    data = base64.b64encode(samples.EXAMPLE_BUS.read_bytes()).decode("ascii")
    return {"type": "image", "data": data, "mimeType": "image/jpeg"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An allowed folder with bus.jpg in it, and a file beside it that is not allowed."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    shutil.copy(samples.EXAMPLE_BUS, allowed / "bus.jpg")
    shutil.copy(samples.EXAMPLE_BUS, tmp_path / "secret.jpg")
    (allowed / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    return allowed


@pytest.mark.slow
def test_stdio_lists_tools_answers_on_bus_and_refuses_what_it_must(folder):
    bad_calls = [
        ("ask", {"image": {"path": "bus.jpg"}}),  # no question
        ("ask", {"image": "bus.jpg", "question": "How many people?"}),  # not an image object
        ("search_rules", {"query": "fallen person", "k": "many"}),
        ("ask", {"image": {"path": "../secret.jpg"}, "question": "How many people?"}),
        ("ask", {"image": {"path": str(folder.parent / "secret.jpg")}, "question": "How many people?"}),
        ("ask", {"image": {"path": "link.jpg"}, "question": "How many people?"}),  # a link out of the folder
        (
            "ask",
            {"image": {"type": "image", "data": "not base64!", "mimeType": "image/png"}, "question": "x?"},
        ),
        ("ask", {"image": {"sha256": "0" * 64}, "question": "How many people?"}),
        ("no_such_tool", {}),
        ("show_rule", {"id": "NO-SUCH-RULE-99"}),
    ]
    good_calls = [
        ("ask", {"image": {"path": "bus.jpg"}, "question": "How many people are in this image?"}),
        ("search_rules", {"query": "a person has fallen", "k": 3}),
    ]
    tools, results = asyncio.run(session_call(stdio(folder, folder), bad_calls + good_calls))

    names = {t.name for t in tools}
    assert names >= EXPECTED, names
    assert "annotate" not in names  # it writes files: never offered
    detect = next(t for t in tools if t.name == "detect_objects")
    card = tool_class("detect_objects").Input.model_json_schema()
    assert set(detect.input_schema["properties"]) == set(card["properties"]) | {"image"}
    for prop, schema in card["properties"].items():
        assert detect.input_schema["properties"][prop] == schema

    *refused, answer, rules = results
    messages = [text(r) for r in refused]
    assert all(r.is_error for r in refused), messages
    assert "question" in messages[0] and "Field required" in messages[0]
    assert "an image is" in messages[1]
    assert "k:" in messages[2]
    for message in messages[3:6]:
        assert "outside the folders this server may read" in message, message
    assert "base64" in messages[6]
    assert "no image with sha256" in messages[7]
    assert "unknown tool" in messages[8] and "ask" in messages[8]
    assert "NO-SUCH-RULE-99" in messages[9]

    assert not answer.is_error, text(answer)
    assert answer.structured_content["short_answer"] == "3"
    assert "[D1]" in answer.structured_content["answer"]
    assert answer.structured_content["image"]["path"] is None
    kinds = [c.type for c in answer.content]
    assert kinds == ["text", "image"], kinds
    image = next(c for c in answer.content if c.type == "image")
    assert image.mime_type == "image/jpeg" and base64.b64decode(image.data)[:2] == b"\xff\xd8"
    assert not rules.is_error and rules.structured_content["hits"]
    assert any(h["id"].startswith("SEC-FALL") for h in rules.structured_content["hits"]), text(rules)


@pytest.mark.slow
def test_stdio_vision_tool_and_sha256_reuse(folder):
    content = bus_content()
    sha = __import__("hashlib").sha256(samples.EXAMPLE_BUS.read_bytes()).hexdigest()
    calls = [
        ("detect_objects", {"image": content, "labels": ["person"]}),
        ("detect_objects", {"image": {"sha256": sha}, "labels": ["bus"]}),
        ("detect_objects", {"image": {"sha256": sha}, "min_score": 7}),  # bad: a score is at most 1
    ]
    _, (people, bus, bad) = asyncio.run(session_call(stdio(folder, folder), calls))
    assert not people.is_error, text(people)
    assert {d["label"] for d in people.structured_content["detections"]} == {"person"}
    assert len(people.structured_content["detections"]) == 3
    assert any(c.type == "image" for c in people.content)
    assert not bus.is_error and [d["label"] for d in bus.structured_content["detections"]] == ["bus"]
    assert bad.is_error and "min_score" in text(bad)


@pytest.mark.slow
def test_streamable_http_behind_the_token():
    import httpx2
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.exceptions import MCPError

    calls = [
        ("ask", {"image": bus_content(), "question": "How many people are in this image?"}),
        ("ask", {"image": {"path": str(samples.EXAMPLE_BUS)}, "question": "How many people?"}),
        (
            "assess_security",
            {
                "image": bus_content(),
                "zones": {
                    "zones": [
                        {
                            "name": "kerb",
                            "polygon": [[0, 0.5], [1, 0.5], [1, 1], [0, 1]],
                            "normalized": True,
                            "attributes": ["restricted"],
                        }
                    ]
                },
            },
        ),
    ]

    async def run(url: str, token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx2.AsyncClient(headers=headers, timeout=CALL_TIMEOUT_S) as http:
            return await session_call(streamable_http_client(url, http_client=http), calls if token else [])

    with server_process(env={"ARGUS_API_TOKEN": TOKEN}) as server:
        tools, (answer, path, assessed) = asyncio.run(run(server.url + "/mcp", TOKEN))
        with pytest.raises(ExceptionGroup) as failed:  # no token: the SDK's client cannot even initialize
            asyncio.run(run(server.url + "/mcp", None))
        assert failed.group_contains(MCPError, depth=None)
        refused = httpx.post(server.url + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "auth"
    assert {t.name for t in tools} >= EXPECTED
    assert not answer.is_error, text(answer)
    assert answer.structured_content["short_answer"] == "3"
    assert path.is_error and "only by a server on stdio" in text(path)
    assert "/work" not in text(path)  # no server path leaks
    assert not assessed.is_error, text(assessed)
    assert "Threat level" in text(assessed)
    assert assessed.structured_content["security"]["zone_counts"]["kerb"]["person"] >= 2


def test_every_listed_vision_tool_keeps_its_card_schema():
    from argus.agent.service.mcp.tools import vision_tool

    for name in TOOLS:
        cls = tool_class(name)
        if not cls.agent_callable:
            continue
        schema = vision_tool(name).input_schema()
        card = cls.Input.model_json_schema()
        assert schema["required"][-1:] == ["image"] or "image" in schema["required"]
        for prop, value in card["properties"].items():
            assert schema["properties"][prop] == value, (name, prop)
