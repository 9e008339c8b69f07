"""The OpenAI-compatible backend through the real ChatOpenAI client, against a real local HTTP server."""

from __future__ import annotations

import asyncio
import socket

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage  # noqa: TID253 - under test
from langchain_core.tools import StructuredTool  # noqa: TID253
from pydantic import BaseModel, Field

from argus.agent.errors import LLMUnavailableError
from argus.agent.llm import LLMSpec, check_reachable, llm_spec_from, make_chat_model
from tests.support.fake_openai_server import (
    FakeOpenAIServer,
    call,
    garbage,
    hang_up,
    http_error,
    text,
    tool_calls,
)


class DetectArgs(BaseModel):
    labels: list[str] = Field(description="COCO labels to look for")


def detect_objects(labels: list[str]) -> str:
    return f"found {labels}"


TOOLS = [
    StructuredTool.from_function(
        detect_objects, name="detect_objects", description="Find COCO objects.", args_schema=DetectArgs
    )
]
QUESTION = [SystemMessage("You answer questions about images."), HumanMessage("How many people?")]


def spec_for(server: FakeOpenAIServer, **changes: object) -> LLMSpec:
    spec = llm_spec_from(kind="openai", url=server.url, model=server.model)
    return spec.model_copy(update=changes) if changes else spec


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ reachability


def test_reachable_server_that_serves_the_model(fake_openai: FakeOpenAIServer) -> None:
    check_reachable(spec_for(fake_openai))
    assert fake_openai.requests[-1].method == "GET"
    assert fake_openai.requests[-1].path == "/v1/models"


def test_ollama_style_latest_tag_is_accepted(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.models = ["qwen2.5:latest"]
    check_reachable(llm_spec_from(kind="openai", url=fake_openai.url, model="qwen2.5"))


def test_closed_port_names_the_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(LLMUnavailableError) as info:
        check_reachable(llm_spec_from(kind="openai", url=url, model="m"))
    message = str(info.value)
    assert url in message
    assert "refused" in message.lower()


def test_unknown_host_names_the_url() -> None:
    url = "http://argus-no-such-host.invalid/v1"
    with pytest.raises(
        LLMUnavailableError, match="cannot reach the LLM server at http://argus-no-such-host.invalid/v1"
    ):
        check_reachable(llm_spec_from(kind="openai", url=url, model="m"))


def test_refused_key(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.api_key = "right-key"
    with pytest.raises(LLMUnavailableError) as info:
        check_reachable(spec_for(fake_openai, api_key=None))
    assert "refused the API key (HTTP 401" in str(info.value)
    assert "no key was sent" in str(info.value)
    with pytest.raises(LLMUnavailableError, match="refused the API key"):
        check_reachable(
            llm_spec_from(kind="openai", url=fake_openai.url, model="fake-model", api_key="wrong")
        )
    check_reachable(
        llm_spec_from(kind="openai", url=fake_openai.url, model="fake-model", api_key="right-key")
    )
    assert fake_openai.requests[-1].headers["Authorization"] == "Bearer right-key"


def test_model_the_server_does_not_list(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.models = ["llama3.1:8b", "qwen2.5:7b"]
    with pytest.raises(LLMUnavailableError) as info:
        check_reachable(llm_spec_from(kind="openai", url=fake_openai.url, model="mistral:7b"))
    message = str(info.value)
    assert "'mistral:7b'" in message
    assert "llama3.1:8b, qwen2.5:7b" in message


def test_base_url_without_v1_gets_a_hint(fake_openai: FakeOpenAIServer) -> None:
    url = f"http://127.0.0.1:{fake_openai.port}"
    with pytest.raises(LLMUnavailableError, match="usually end in /v1"):
        check_reachable(llm_spec_from(kind="openai", url=url, model="m"))


def test_server_that_is_not_openai_compatible() -> None:
    """A plain HTTP server that answers 200 with HTML."""
    import http.server
    import threading

    class Html(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>hello</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Html)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        with pytest.raises(LLMUnavailableError, match="not OpenAI-compatible"):
            check_reachable(llm_spec_from(kind="openai", url=url, model="m"))
    finally:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------ chat calls


def test_factory_builds_chatopenai_with_safe_defaults(fake_openai: FakeOpenAIServer) -> None:
    from langchain_openai import ChatOpenAI

    chat = make_chat_model(spec_for(fake_openai), planner_factory=lambda: None)
    assert isinstance(chat, ChatOpenAI)
    assert chat.openai_api_base == fake_openai.url
    assert chat.model_name == fake_openai.model
    assert chat.temperature == 0
    assert chat.max_retries == 0
    assert chat.openai_api_key.get_secret_value() == "not-needed"


def test_tool_calls_come_back_as_scripted(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(
        [
            tool_calls(
                call("detect_objects", {"labels": ["person"]}, id="call_a"),
                call("detect_objects", {"labels": ["bus"]}, id="call_b"),
            )
        ]
    )
    ai = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS).invoke(QUESTION)
    assert isinstance(ai, AIMessage)
    assert [(c["name"], c["args"], c["id"]) for c in ai.tool_calls] == [
        ("detect_objects", {"labels": ["person"]}, "call_a"),
        ("detect_objects", {"labels": ["bus"]}, "call_b"),
    ]
    assert ai.invalid_tool_calls == []

    sent = fake_openai.chat_requests()[-1].json
    assert sent["model"] == fake_openai.model
    assert sent["temperature"] == 0
    assert [t["function"]["name"] for t in sent["tools"]] == ["detect_objects"]
    assert sent["tools"][0]["function"]["parameters"]["properties"]["labels"]["type"] == "array"
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


def test_malformed_and_unknown_calls_are_reported_not_raised(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(
        [tool_calls(call("detect_objects", '{"labels": [person'), call("launch_rockets", {"now": True}))]
    )
    ai = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS).invoke(QUESTION)
    assert [c["name"] for c in ai.tool_calls] == ["launch_rockets"]
    assert len(ai.invalid_tool_calls) == 1
    bad = ai.invalid_tool_calls[0]
    assert bad["name"] == "detect_objects"
    assert bad["args"] == '{"labels": [person'
    assert bad["error"]


def test_final_text_answer(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(["There are 4 people [D1] [D2] [D3] [D4]."])
    ai = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS).invoke(QUESTION)
    assert ai.content == "There are 4 people [D1] [D2] [D3] [D4]."
    assert ai.tool_calls == []


def test_a_conversation_sends_tool_results_back(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(
        [tool_calls(call("detect_objects", {"labels": ["person"]}, id="call_1")), "4 people [D1]."]
    )
    bound = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS)
    messages = list(QUESTION)
    first = bound.invoke(messages)
    messages += [first, ToolMessage("D1 person 0.99", tool_call_id="call_1", name="detect_objects")]
    assert bound.invoke(messages).content == "4 people [D1]."
    sent = fake_openai.chat_requests()[-1].json["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool"]
    assert sent[2]["tool_calls"][0]["function"]["name"] == "detect_objects"
    assert sent[3] == {"role": "tool", "content": "D1 person 0.99", "tool_call_id": "call_1"}


def test_streaming_gives_the_same_calls(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(
        [tool_calls(call("detect_objects", {"labels": ["person"]}, id="call_s")), "It is a bus [D1]."]
    )
    bound = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS)
    chunks = list(bound.stream(QUESTION))
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [("detect_objects", {"labels": ["person"]})]
    assert fake_openai.chat_requests()[-1].json["stream"] is True
    answer = "".join(str(c.content) for c in bound.stream(QUESTION))
    assert answer == "It is a bus [D1]."


def test_async_invoke(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script(["Async answer.", http_error(503, "overloaded")])
    bound = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS)

    async def two_turns() -> str:
        first = await bound.ainvoke(QUESTION)
        with pytest.raises(LLMUnavailableError, match="HTTP 503: overloaded"):
            await bound.ainvoke(QUESTION)
        return str(first.content)

    assert asyncio.run(two_turns()) == "Async answer."


# ------------------------------------------------------------------ failures during a call


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (http_error(500, "model crashed"), "answered HTTP 500: model crashed"),
        (http_error(404, "model 'x' not found"), "answered HTTP 404 for model 'fake-model'"),
        (http_error(401, "bad key"), "refused the API key (HTTP 401)"),
        (http_error(400, "does not support tools"), "answered HTTP 400: does not support tools"),
        (garbage(b"this is not JSON"), "not an OpenAI chat completion"),
        (garbage(b'{"unexpected": true}'), "not an OpenAI chat completion"),
        (garbage(b"<html>502 Bad Gateway</html>", "text/html"), "not an OpenAI chat completion"),
        (hang_up(), "closed the connection without answering"),
    ],
    ids=["500", "404", "401", "400", "garbage", "wrong-json", "html", "hang-up"],
)
def test_server_failures_become_llm_unavailable(
    fake_openai: FakeOpenAIServer, reply: object, expected: str
) -> None:
    fake_openai.script([reply])
    with pytest.raises(LLMUnavailableError) as info:
        make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS).invoke(QUESTION)
    assert expected in str(info.value)
    assert fake_openai.url in str(info.value)


def test_slow_server_times_out_with_the_limit_named(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script([text("too late", delay_s=3)])
    with pytest.raises(LLMUnavailableError, match=r"did not answer within 0\.5 s"):
        make_chat_model(spec_for(fake_openai, timeout_s=0.5)).invoke(QUESTION)


def test_server_that_dies_mid_conversation(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.script([tool_calls(call("detect_objects", {"labels": ["person"]}, id="call_1"))])
    bound = make_chat_model(spec_for(fake_openai)).bind_tools(TOOLS)
    first = bound.invoke(QUESTION)
    assert first.tool_calls
    fake_openai.close()
    messages = [*QUESTION, first, ToolMessage("D1 person", tool_call_id="call_1")]
    with pytest.raises(LLMUnavailableError) as info:
        bound.invoke(messages)
    assert f"lost the LLM server at {fake_openai.url}" in str(info.value)


def test_exhausted_script_fails_loudly(fake_openai: FakeOpenAIServer) -> None:
    with pytest.raises(LLMUnavailableError, match="script exhausted"):
        make_chat_model(spec_for(fake_openai)).invoke(QUESTION)


def test_a_bad_message_of_ours_is_a_bug_not_a_server_failure(fake_openai: FakeOpenAIServer) -> None:
    from langchain_core.messages import BaseMessage  # noqa: TID253

    class OddMessage(BaseMessage):
        type: str = "odd"

    fake_openai.script(["unused"])
    chat = make_chat_model(spec_for(fake_openai))
    with pytest.raises(TypeError, match="unknown type"):
        chat.invoke([OddMessage(content="hello")])
    assert fake_openai.chat_requests() == []
