"""Tool calls out of the raw text that small open chat models write.

Formats understood, one per message, tried in this order:

- Hermes / Qwen: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``, several allowed;
- Mistral: ``[TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]`` and the newer
  ``[TOOL_CALLS]name[ARGS]{...}``;
- JSON in a fenced block (```json ... ```) holding a call or a list of calls;
- Llama 3.1: a bare JSON call ``{"name": ..., "parameters": {...}}`` (optionally after
  ``<|python_tag|>``) at the start of the message, several separated by ``;`` or new lines.

Nothing here raises on model output: JSON that does not parse, a call without a name or with
arguments that are not an object becomes an ``invalid_tool_calls`` entry carrying the error, so
the orchestrator can send it back to the model. Unknown tool names are returned as calls; the
orchestrator knows the tools and reports them. Text outside the calls is the message content.

Only ``str.find`` and ``json.JSONDecoder.raw_decode`` scan the text (no backtracking regex), each
anchored at a marker, and at most ``MAX_CALLS`` calls are read, so a megabyte of hostile text
parses in linear time.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

MAX_CALLS = 32
MAX_NAME_CHARS = 128
MAX_ERROR_ARGS_CHARS = 2_000

HERMES_OPEN, HERMES_CLOSE = "<tool_call>", "</tool_call>"
MISTRAL_MARK, MISTRAL_ARGS, MISTRAL_CALL_ID = "[TOOL_CALLS]", "[ARGS]", "[CALL_ID]"
PYTHON_TAG = "<|python_tag|>"
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
FENCE = "```"
TOOL_MARKERS = (HERMES_OPEN, HERMES_CLOSE, MISTRAL_MARK, MISTRAL_ARGS, MISTRAL_CALL_ID, PYTHON_TAG)

_NAME_HINT = re.compile(r'"name"\s*:\s*"([^"\\]{1,128})"')


@dataclass
class ParsedMessage:
    """What a model's text says: prose for the user and the calls it asked for.

    ``tool_calls`` and ``invalid_tool_calls`` are shaped as LangChain's ``ToolCall`` and
    ``InvalidToolCall`` dicts, so they go straight into an ``AIMessage``.
    """

    content: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    invalid_tool_calls: list[dict[str, Any]] = field(default_factory=list)


class _NonStandardConstant(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonStandardConstant(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _new_id() -> str:
    return f"call_{uuid.uuid4().hex[:16]}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_ARGS_CHARS else text[:MAX_ERROR_ARGS_CHARS] + "..."


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _decode_at(text: str, pos: int) -> tuple[Any, int]:
    """Decode one JSON value starting at ``pos``; ValueError carries the reason."""
    try:
        return _DECODER.raw_decode(text, pos)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class _Collector:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.invalid: list[dict[str, Any]] = []
        self.overflowed = False

    def full(self) -> bool:
        """True once MAX_CALLS were read; asked about one more, it leaves a note that the rest were dropped."""
        if len(self.calls) + len(self.invalid) >= MAX_CALLS and not self.overflowed:
            self.overflowed = True
            self.invalid.append(
                {
                    "name": None,
                    "args": "",
                    "id": _new_id(),
                    "error": f"more than {MAX_CALLS} tool calls in one message; the rest were dropped",
                    "type": "invalid_tool_call",
                }
            )
        return self.overflowed

    def bad(self, raw: str, error: str, name: str | None = None) -> None:
        if name is None:
            hint = _NAME_HINT.search(raw[:MAX_ERROR_ARGS_CHARS])
            name = hint.group(1) if hint else None
        self.invalid.append(
            {"name": name, "args": _clip(raw), "id": _new_id(), "error": error, "type": "invalid_tool_call"}
        )

    def add(self, value: Any, raw: str) -> None:
        """Add a decoded call object, or an invalid entry saying what is wrong with it."""
        if isinstance(value, dict) and isinstance(value.get("function"), dict):
            call_id = value.get("id")
            value = {**value["function"], "id": call_id}
        if not isinstance(value, dict):
            self.bad(raw, f"a tool call must be a JSON object, got {_json_type(value)}")
            return
        name = value.get("name")
        if not isinstance(name, str) or not name.strip():
            self.bad(raw, 'the tool call has no "name" string')
            return
        name = name.strip()
        if len(name) > MAX_NAME_CHARS:
            self.bad(raw, f"tool name is {len(name)} characters long, over {MAX_NAME_CHARS}", name="")
            return
        args = value.get("arguments", value.get("parameters", {}))
        if isinstance(args, str):
            try:
                args = json.loads(args, parse_constant=_reject_constant) if args.strip() else {}
            except (ValueError, RecursionError) as exc:
                self.bad(raw, f"arguments of {name!r} are a string that is not valid JSON: {exc}", name=name)
                return
        if args is None:
            args = {}
        if not isinstance(args, dict):
            self.bad(raw, f"arguments of {name!r} must be a JSON object, got {_json_type(args)}", name=name)
            return
        call_id = value.get("id")
        if not isinstance(call_id, str) or not call_id.strip() or len(call_id) > MAX_NAME_CHARS:
            call_id = _new_id()
        self.calls.append({"name": name, "args": args, "id": call_id, "type": "tool_call"})

    def add_all(self, value: Any, raw: str) -> None:
        for item in value if isinstance(value, list) else [value]:
            if self.full():
                return
            self.add(item, raw)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _looks_like_call(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(
        isinstance(v, dict)
        and (isinstance(v.get("function"), dict) or ("name" in v and ("arguments" in v or "parameters" in v)))
        for v in items
    )


def _strip_thinking(text: str) -> str:
    """Drop closed ``<think>...</think>`` blocks: reasoning is neither content nor a call."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find(THINK_OPEN, pos)
        end = text.find(THINK_CLOSE, start + len(THINK_OPEN)) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        pos = end + len(THINK_CLOSE)


def _parse_hermes(text: str, got: _Collector) -> str:
    prose: list[str] = []
    pos = 0
    while True:
        start = text.find(HERMES_OPEN, pos)
        if start < 0:
            prose.append(text[pos:])
            break
        prose.append(text[pos:start])
        if got.full():
            break
        body_start = _skip_ws(text, start + len(HERMES_OPEN))
        try:
            value, end = _decode_at(text, body_start)
        except ValueError as exc:
            close = text.find(HERMES_CLOSE, body_start)
            body_end = close if close >= 0 else len(text)
            raw = text[body_start:body_end].strip()
            if not raw:
                got.bad(raw, "empty <tool_call> block")
            else:
                got.bad(raw, f"tool call is not valid JSON: {exc}")
            pos = body_end + len(HERMES_CLOSE) if close >= 0 else len(text)
            continue
        raw = text[body_start:end]
        got.add_all(value, raw)
        after = _skip_ws(text, end)
        # an unterminated block (generation cut short) still counts as a call
        pos = after + len(HERMES_CLOSE) if text.startswith(HERMES_CLOSE, after) else end
    return "".join(prose)


def _parse_mistral(text: str, got: _Collector) -> str:
    start = text.find(MISTRAL_MARK)
    prose = [text[:start]]
    pos = start
    while pos >= 0 and pos < len(text) and text.startswith(MISTRAL_MARK, pos):
        body = _skip_ws(text, pos + len(MISTRAL_MARK))
        if got.full():
            return "".join(prose)
        if body < len(text) and text[body] in "[{":
            try:
                value, end = _decode_at(text, body)
            except ValueError as exc:
                got.bad(text[body:], f"tool calls after [TOOL_CALLS] are not valid JSON: {exc}")
                return "".join(prose)
            got.add_all(value, text[body:end])
        else:
            args_at = text.find(MISTRAL_ARGS, body)
            if args_at < 0:
                got.bad(text[body:], "[TOOL_CALLS] is followed by neither JSON nor name[ARGS]{...}")
                return "".join(prose)
            name = text[body:args_at]
            call_id = None
            if MISTRAL_CALL_ID in name:
                name, call_id = name.split(MISTRAL_CALL_ID, 1)
            args_start = _skip_ws(text, args_at + len(MISTRAL_ARGS))
            try:
                value, end = _decode_at(text, args_start)
            except ValueError as exc:
                got.bad(
                    text[args_start:],
                    f"arguments of {name.strip()!r} are not valid JSON: {exc}",
                    name.strip(),
                )
                return "".join(prose)
            got.add({"name": name, "arguments": value, "id": call_id}, text[body:end])
        pos = _skip_ws(text, end)
    prose.append(text[pos:])
    return "".join(prose)


def _parse_fences(text: str, got: _Collector) -> str | None:
    """Calls in ```json fences; None when no fence holds a call (JSON data stays content)."""
    prose: list[str] = []
    pos = 0
    found = False
    while True:
        start = text.find(FENCE, pos)
        newline = text.find("\n", start + len(FENCE)) if start >= 0 else -1
        end = text.find(FENCE, newline + 1) if newline >= 0 else -1
        if end < 0:
            break
        block_end = end + len(FENCE)
        value = _call_in_fence(text[start + len(FENCE) : newline], text[newline + 1 : end].strip())
        prose.append(text[pos:start])
        if value is None:
            prose.append(text[start:block_end])
        else:
            found = True
            got.add_all(value, text[newline + 1 : end].strip())
        pos = block_end
    prose.append(text[pos:])
    return "".join(prose) if found else None


def _call_in_fence(lang: str, body: str) -> Any:
    if lang.strip().lower() not in ("", "json", "tool_call", "tool_code") or not body.startswith(("{", "[")):
        return None
    try:
        value, used = _decode_at(body, 0)
    except ValueError:
        return None
    return value if used == len(body) and _looks_like_call(value) else None


def _parse_bare(text: str, got: _Collector) -> str | None:
    """Llama-style bare JSON calls at the start; None when the text does not open with one."""
    pos = _skip_ws(text, 0)
    tagged = text.startswith(PYTHON_TAG, pos)
    if tagged:
        pos = _skip_ws(text, pos + len(PYTHON_TAG))
    if pos >= len(text) or text[pos] not in "[{":
        if tagged:
            got.bad(text[pos:], "<|python_tag|> is not followed by a JSON tool call")
            return ""
        return None
    try:
        value, end = _decode_at(text, pos)
    except ValueError as exc:
        if tagged or _NAME_HINT.search(text[pos : pos + MAX_ERROR_ARGS_CHARS]):
            got.bad(text[pos:], f"tool call is not valid JSON: {exc}")
            return ""
        return None
    if not (tagged or _looks_like_call(value)):
        return None
    got.add_all(value, text[pos:end])
    while True:
        nxt = _skip_ws(text, end)
        if text.startswith(";", nxt):
            nxt = _skip_ws(text, nxt + 1)
        if nxt >= len(text) or text[nxt] != "{":
            break
        try:
            value, after = _decode_at(text, nxt)
        except ValueError:
            break
        if not _looks_like_call(value) or got.full():
            break
        got.add_all(value, text[nxt:after])
        end = after
    return text[end:]


def parse_tool_calls(text: str) -> ParsedMessage:
    """Split a model's raw output into content, tool calls and invalid tool calls."""
    text = _strip_thinking(text)
    got = _Collector()
    prose: str | None
    if HERMES_OPEN in text:
        prose = _parse_hermes(text, got)
    elif MISTRAL_MARK in text:
        prose = _parse_mistral(text, got)
    else:
        fenced = _parse_fences(text, got) if FENCE in text else None
        prose = fenced if fenced is not None else _parse_bare(text, got)
        if prose is None:
            prose = text
    for marker in (HERMES_CLOSE, PYTHON_TAG):
        prose = prose.replace(marker, "")
    return ParsedMessage(content=prose.strip(), tool_calls=got.calls, invalid_tool_calls=got.invalid)
