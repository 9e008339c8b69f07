"""Fuzzing the tool-call parser (``argus.agent.llm.toolcall_parse.parse_tool_calls``) on text stitched from the
formats' markers, JSON that is valid, broken or hostile, and noise: it never raises, every call it
returns is well formed and fits a LangChain AIMessage, and calls written in any format come back as
written."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argus.agent.llm.toolcall_parse import MAX_CALLS, MAX_NAME_CHARS, TOOL_MARKERS, parse_tool_calls

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,20}", fullmatch=True)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
ARGS = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4)
CALLS = st.lists(st.tuples(NAMES, ARGS), min_size=1, max_size=5)

FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            *TOOL_MARKERS,
            "<think>",
            "</think>",
            "```",
            "```json\n",
            "\n```",
            "{",
            "}",
            "[",
            "]",
            '"',
            ";",
            "\n",
            '{"name": "detect_objects", "arguments": {"labels": ["person"]}}',
            '{"name": "read_text", "parameters": {}}',
            '{"function": {"name": "segment", "arguments": "{\\"mode\\": \\"regions\\"}"}, "id": "c1"}',
            '{"name": "x", "arguments": "{not json"}',
            '{"name": "", "arguments": {}}',
            '{"name": 7}',
            '{"arguments": {}}',
            "NaN",
            "Infinity",
            "1" + "0" * 5000,
            "[" * 3000,
            '"name": "' + "n" * 200 + '"',
        ]
    ),
    st.text(max_size=20),
    CALLS.map(lambda calls: json.dumps([{"name": n, "arguments": a} for n, a in calls])),
)


def _assert_well_formed(text: str):
    from langchain_core.messages import AIMessage

    parsed = parse_tool_calls(text)
    assert isinstance(parsed.content, str)
    assert not any(marker in parsed.content for marker in ("</tool_call>", "<|python_tag|>"))
    assert len(parsed.tool_calls) + len(parsed.invalid_tool_calls) <= MAX_CALLS + 1
    for call in parsed.tool_calls:
        assert isinstance(call["name"], str) and 0 < len(call["name"]) <= MAX_NAME_CHARS
        assert call["name"] == call["name"].strip()
        assert isinstance(call["args"], dict) and isinstance(call["id"], str) and call["id"]
        assert call["type"] == "tool_call"
    for bad in parsed.invalid_tool_calls:
        assert isinstance(bad["error"], str) and bad["error"] and bad["type"] == "invalid_tool_call"
        assert isinstance(bad["args"], str) and isinstance(bad["id"], str)
    AIMessage(
        content=parsed.content, tool_calls=parsed.tool_calls, invalid_tool_calls=parsed.invalid_tool_calls
    )
    return parsed


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text(text):
    _assert_well_formed(text)


@FUZZ
@given(parts=st.lists(FRAGMENTS, max_size=12))
def test_stitched_markers_and_json(parts):
    _assert_well_formed("".join(parts))


def _hermes(calls):
    return "\n".join(f"<tool_call>{json.dumps({'name': n, 'arguments': a})}</tool_call>" for n, a in calls)


def _mistral(calls):
    return "[TOOL_CALLS] " + json.dumps([{"name": n, "arguments": a} for n, a in calls])


def _mistral_v11(calls):
    return "".join(f"[TOOL_CALLS]{n}[ARGS]{json.dumps(a)}" for n, a in calls)


def _fenced(calls):
    return "Let me look.\n```json\n" + json.dumps([{"name": n, "arguments": a} for n, a in calls]) + "\n```"


def _llama(calls):
    return "<|python_tag|>" + "; ".join(json.dumps({"name": n, "parameters": a}) for n, a in calls)


def _openai_strings(calls):
    items = [
        {"function": {"name": n, "arguments": json.dumps(a)}, "id": f"c{i}"} for i, (n, a) in enumerate(calls)
    ]
    return "<tool_call>" + json.dumps(items) + "</tool_call>"


@FUZZ
@given(
    calls=CALLS,
    write=st.sampled_from([_hermes, _mistral, _mistral_v11, _fenced, _llama, _openai_strings]),
    thinking=st.text(max_size=30).filter(lambda t: "<think>" not in t and "</think>" not in t),
)
def test_calls_in_every_format_come_back_as_written(calls, write, thinking):
    parsed = _assert_well_formed(f"<think>{thinking}</think>" + write(calls))
    assert parsed.invalid_tool_calls == []
    assert [(c["name"], c["args"]) for c in parsed.tool_calls] == calls
