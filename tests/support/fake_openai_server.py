"""A real OpenAI-compatible HTTP server on 127.0.0.1 that answers from a script, for tests.

    server.script([
        tool_calls(call("detect_objects", {"labels": ["person"]})),
        tool_calls(call("nope", "{not json")),   # malformed: arguments that are not JSON, unknown tool
        http_error(500, "model crashed"),
        garbage(b"<html>oops</html>"),
        hang_up(),                                # closes the connection without answering
        "There are 4 people [D1] [D2] [D3] [D4].", # a plain string is a final text answer
    ])
    ChatOpenAI(base_url=server.url, model=server.model, ...)
    server.requests          # every request received, in order (method, path, headers, json)
    server.chat_requests()   # only the chat completions, e.g. [-1].json["tools"]

GET /v1/models lists ``server.models``. POST /v1/chat/completions pops the next scripted reply;
with the script used up it answers HTTP 500 "script exhausted" so a test that makes more calls
than it planned fails loudly. ``"stream": true`` requests get the same reply as server-sent
events. Setting ``server.api_key`` makes every request without that bearer key get a 401.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ToolCallSpec:
    name: str
    arguments: str  # sent as-is: OpenAI sends arguments as a JSON string
    id: str | None = None


def call(name: str, arguments: dict[str, Any] | str | None = None, id: str | None = None) -> ToolCallSpec:
    """A scripted tool call; a dict becomes its JSON text, a str is sent verbatim (for malformed JSON)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
    return ToolCallSpec(name=name, arguments=text, id=id)


@dataclass(frozen=True)
class Reply:
    """One scripted answer to a chat completion request."""

    kind: str  # "message" | "http_error" | "garbage" | "hang_up"
    content: str | None = None
    tool_calls: tuple[ToolCallSpec, ...] = ()
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay_s: float = 0.0


def text(content: str, delay_s: float = 0.0) -> Reply:
    return Reply(kind="message", content=content, delay_s=delay_s)


def tool_calls(*calls: ToolCallSpec, content: str | None = None) -> Reply:
    return Reply(kind="message", content=content, tool_calls=tuple(calls))


def http_error(status: int, message: str = "scripted error") -> Reply:
    body = json.dumps({"error": {"message": message, "type": "server_error", "code": status}}).encode()
    return Reply(kind="http_error", status=status, body=body)


def garbage(body: bytes = b"this is not JSON", content_type: str = "application/json") -> Reply:
    return Reply(kind="garbage", body=body, content_type=content_type)


def hang_up() -> Reply:
    return Reply(kind="hang_up")


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: Any = None
    body: bytes = b""


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up (a test's timeout, a dropped connection) are expected, not errors."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@dataclass
class FakeOpenAIServer:
    """Serve on an ephemeral port in a daemon thread; ``close()`` stops it and frees the port."""

    models: list[str] = field(default_factory=lambda: ["fake-model"])
    api_key: str | None = None
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._completions = 0
        self._connections: set[socket.socket] = set()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL a client is given, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        return self.models[0]

    def script(self, replies: list[Reply | str]) -> None:
        """Queue replies for the next chat completion requests (a str is a text answer)."""
        with self._lock:
            self._queue.extend(text(r) if isinstance(r, str) else r for r in replies)

    def remaining(self) -> int:
        with self._lock:
            return len(self._queue)

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/chat/completions")]

    def close(self) -> None:
        """Stop serving, as a crashed server would: open keep-alive connections drop, new ones are refused."""
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

    def _next(self) -> Reply:
        with self._lock:
            self._completions += 1
            if self._queue:
                return self._queue.popleft()
        return http_error(500, "fake server: script exhausted, no reply queued for this request")

    def _completion_id(self) -> str:
        return f"chatcmpl-fake-{self._completions}"


def _message_json(reply: Reply, model: str, completion_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": c.id or f"call_{i + 1}",
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
            }
            for i, c in enumerate(reply.tool_calls)
        ]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _stream_events(reply: Reply, model: str, completion_id: str) -> list[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    events = [chunk({"role": "assistant", "content": ""})]
    if reply.content:
        words = reply.content.split(" ")
        events += [chunk({"content": w if i == 0 else " " + w}) for i, w in enumerate(words)]
    for i, c in enumerate(reply.tool_calls):
        head = {"index": i, "id": c.id or f"call_{i + 1}", "type": "function"}
        events.append(chunk({"tool_calls": [{**head, "function": {"name": c.name, "arguments": ""}}]}))
        half = len(c.arguments) // 2
        for part in (c.arguments[:half], c.arguments[half:]):
            events.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]}))
    events.append(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
    return events


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server._connections.add(self.connection)

        def finish(self) -> None:
            with server._lock:
                server._connections.discard(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        def _record(self) -> RecordedRequest:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                payload = None
            record = RecordedRequest(self.command, self.path, dict(self.headers.items()), payload, body)
            server.requests.append(record)
            return record

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode())

        def _authorised(self) -> bool:
            if server.api_key is None or self.headers.get("Authorization") == f"Bearer {server.api_key}":
                return True
            self._send_json(
                401, {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}
            )
            return False

        def do_GET(self) -> None:
            self._record()
            if not self._authorised():
                return
            if self.path.rstrip("/") == "/v1/models":
                data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in server.models]
                self._send_json(200, {"object": "list", "data": data})
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            record = self._record()
            if not self._authorised():
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                return
            reply = server._next()
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.kind == "hang_up":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if reply.kind in ("http_error", "garbage"):
                self._send(reply.status, reply.body, reply.content_type)
                return
            model = (record.json or {}).get("model") or server.model
            completion_id = server._completion_id()
            if (record.json or {}).get("stream"):
                events = _stream_events(reply, model, completion_id)
                body = b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"
                self._send(200, body, "text/event-stream")
            else:
                self._send_json(200, _message_json(reply, model, completion_id))

    return Handler
