"""The tool-call parser on canned model outputs: every format, malformed and hostile text."""

from __future__ import annotations

import json

import pytest

from argus.agent.llm.toolcall_parse import MAX_CALLS, parse_tool_calls

DETECT = ("detect_objects", {"labels": ["person"]})
OCR = ("read_text", {})

# (case, model text, expected calls as (name, args), expected invalid count, expected content)
CASES = [
    (
        "hermes",
        '<tool_call>\n{"name": "detect_objects", "arguments": {"labels": ["person"]}}\n</tool_call>',
        [DETECT],
        0,
        "",
    ),
    (
        "hermes several",
        '<tool_call>{"name": "detect_objects", "arguments": {"labels": ["person"]}}</tool_call>\n'
        '<tool_call>{"name": "read_text", "arguments": {}}</tool_call>',
        [DETECT, OCR],
        0,
        "",
    ),
    (
        "hermes with prose around",
        'I will look.\n<tool_call>{"name": "read_text", "arguments": {}}</tool_call>\nThen I answer.',
        [OCR],
        0,
        "I will look.\n\nThen I answer.",
    ),
    (
        "hermes unterminated (cut at max tokens)",
        '<tool_call>{"name": "read_text", "arguments": {}}',
        [OCR],
        0,
        "",
    ),
    (
        "hermes arguments as a JSON string",
        '<tool_call>{"name": "detect_objects", "arguments": "{\\"labels\\": [\\"person\\"]}"}</tool_call>',
        [DETECT],
        0,
        "",
    ),
    (
        "hermes braces and closing tag inside a string",
        '<tool_call>{"name": "search_rules", "arguments": {"query": "a } { </tool_call> b"}}</tool_call>',
        [("search_rules", {"query": "a } { </tool_call> b"})],
        0,
        "",
    ),
    (
        "hermes bad JSON",
        '<tool_call>{"name": "detect_objects", "arguments": {labels: person}}</tool_call> done',
        [],
        1,
        "done",
    ),
    ("hermes empty block", "<tool_call></tool_call>", [], 1, ""),
    ("hermes missing name", '<tool_call>{"arguments": {"labels": ["person"]}}</tool_call>', [], 1, ""),
    ("hermes name not a string", '<tool_call>{"name": 7, "arguments": {}}</tool_call>', [], 1, ""),
    (
        "hermes arguments a list",
        '<tool_call>{"name": "detect_objects", "arguments": ["person"]}</tool_call>',
        [],
        1,
        "",
    ),
    (
        "hermes arguments a string that is not JSON",
        '<tool_call>{"name": "detect_objects", "arguments": "labels=person"}</tool_call>',
        [],
        1,
        "",
    ),
    (
        "hermes one good one bad",
        '<tool_call>{"name": "read_text", "arguments": {}}</tool_call><tool_call>{"name": "x", "arguments": {</tool_call>',
        [OCR],
        1,
        "",
    ),
    (
        "unknown tool name is still a call",
        '<tool_call>{"name": "launch_rockets", "arguments": {}}</tool_call>',
        [("launch_rockets", {})],
        0,
        "",
    ),
    ("missing arguments means none", '<tool_call>{"name": "read_text"}</tool_call>', [OCR], 0, ""),
    (
        "openai-shaped call inside hermes",
        '<tool_call>{"type": "function", "function": {"name": "read_text", "arguments": "{}"}}</tool_call>',
        [OCR],
        0,
        "",
    ),
    ("llama bare JSON", '{"name": "detect_objects", "parameters": {"labels": ["person"]}}', [DETECT], 0, ""),
    (
        "llama python tag, two calls",
        '<|python_tag|>{"name": "detect_objects", "parameters": {"labels": ["person"]}}; '
        '{"name": "read_text", "parameters": {}}',
        [DETECT, OCR],
        0,
        "",
    ),
    (
        "llama call then trailing prose",
        '{"name": "read_text", "parameters": {}}\nI am reading the text now.',
        [OCR],
        0,
        "I am reading the text now.",
    ),
    ("llama bare list of calls", '[{"name": "read_text", "parameters": {}}]', [OCR], 0, ""),
    ("llama broken JSON with a name", '{"name": "read_text", "parameters": {', [], 1, ""),
    (
        "JSON that is not a call stays content",
        '{"count": 4, "label": "person"}',
        [],
        0,
        '{"count": 4, "label": "person"}',
    ),
    (
        "mistral list",
        '[TOOL_CALLS] [{"name": "detect_objects", "arguments": {"labels": ["person"]}}, {"name": "read_text", "arguments": {}}]',
        [DETECT, OCR],
        0,
        "",
    ),
    (
        "mistral v11 name[ARGS]",
        '[TOOL_CALLS]detect_objects[ARGS]{"labels": ["person"]}[TOOL_CALLS]read_text[ARGS]{}',
        [DETECT, OCR],
        0,
        "",
    ),
    ("mistral bad JSON", "[TOOL_CALLS] [{name: read_text}]", [], 1, ""),
    (
        "json fence",
        'Calling the detector.\n```json\n{"name": "detect_objects", "arguments": {"labels": ["person"]}}\n```\nWait for it.',
        [DETECT],
        0,
        "Calling the detector.\n\nWait for it.",
    ),
    (
        "json fence that is data stays content",
        'The result:\n```json\n{"count": 4}\n```',
        [],
        0,
        'The result:\n```json\n{"count": 4}\n```',
    ),
    (
        "plain answer",
        "There are 4 people [D1] [D2] [D3] [D4].",
        [],
        0,
        "There are 4 people [D1] [D2] [D3] [D4].",
    ),
    (
        "thinking is dropped",
        '<think>maybe call {"name": "x", "arguments": {}}</think>There is a bus [D1].',
        [],
        0,
        "There is a bus [D1].",
    ),
    (
        "NaN is not JSON",
        '<tool_call>{"name": "segment", "arguments": {"threshold": NaN}}</tool_call>',
        [],
        1,
        "",
    ),
    ("deep nesting", "<tool_call>" + "[" * 100_000 + "</tool_call>", [], 1, ""),
    (
        "huge number",
        '<tool_call>{"name": "segment", "arguments": {"n": ' + "9" * 10_000 + "}}</tool_call>",
        [],
        1,
        "",
    ),
    ("lone closing tag", "answer</tool_call>", [], 0, "answer"),
]


@pytest.mark.parametrize(
    ("text", "calls", "n_invalid", "content"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_parse_table(text: str, calls: list[tuple[str, dict]], n_invalid: int, content: str) -> None:
    parsed = parse_tool_calls(text)
    assert [(c["name"], c["args"]) for c in parsed.tool_calls] == calls
    assert len(parsed.invalid_tool_calls) == n_invalid
    assert parsed.content == content
    for call in parsed.tool_calls:
        assert call["type"] == "tool_call" and call["id"]
    for bad in parsed.invalid_tool_calls:
        assert bad["type"] == "invalid_tool_call" and bad["id"] and bad["error"]


def test_ids_are_unique_across_calls() -> None:
    text = '<tool_call>{"name": "read_text", "arguments": {}}</tool_call>' * 5
    ids = [c["id"] for c in parse_tool_calls(text).tool_calls]
    assert len(set(ids)) == 5


def test_an_id_the_model_gave_is_kept() -> None:
    parsed = parse_tool_calls("[TOOL_CALLS]read_text[CALL_ID]abc123XYZ[ARGS]{}")
    assert parsed.tool_calls[0]["id"] == "abc123XYZ"


def test_bad_json_error_says_why_and_keeps_the_name() -> None:
    bad = parse_tool_calls(
        '<tool_call>{"name": "detect_objects", "arguments": {labels}}</tool_call>'
    ).invalid_tool_calls[0]
    assert bad["name"] == "detect_objects"
    assert "not valid JSON" in bad["error"]
    assert "labels" in bad["args"]


def test_missing_name_error_names_the_key() -> None:
    bad = parse_tool_calls('<tool_call>{"arguments": {}}</tool_call>').invalid_tool_calls[0]
    assert '"name"' in bad["error"]


def test_too_many_calls_are_capped_with_a_note() -> None:
    text = '<tool_call>{"name": "read_text", "arguments": {}}</tool_call>' * (MAX_CALLS + 10)
    parsed = parse_tool_calls(text)
    assert len(parsed.tool_calls) == MAX_CALLS
    assert len(parsed.invalid_tool_calls) == 1
    assert "more than" in parsed.invalid_tool_calls[0]["error"]


def test_exactly_the_limit_leaves_no_note() -> None:
    text = '<tool_call>{"name": "read_text", "arguments": {}}</tool_call>' * MAX_CALLS
    parsed = parse_tool_calls(text)
    assert len(parsed.tool_calls) == MAX_CALLS and not parsed.invalid_tool_calls


def test_huge_name_is_invalid_not_returned() -> None:
    parsed = parse_tool_calls('<tool_call>{"name": "' + "a" * 5000 + '", "arguments": {}}</tool_call>')
    assert not parsed.tool_calls
    assert "characters long" in parsed.invalid_tool_calls[0]["error"]


def test_invalid_args_text_is_clipped() -> None:
    parsed = parse_tool_calls('<tool_call>{"name": "x", "arguments": {' + "a" * 100_000 + "</tool_call>")
    assert len(parsed.invalid_tool_calls[0]["args"]) < 3_000


HUGE_INPUTS = {
    "prose": "word " * 200_000,
    "open tags": "<tool_call>" * 100_000,
    "open tags and quotes": '<tool_call>{"a": "' * 60_000,
    "braces": "{" * 1_000_000,
    "fences": "```json\n{\n" * 100_000,
    "mistral": "[TOOL_CALLS]" * 90_000,
    "think": "<think>" * 150_000,
    "names": '{"name": "' * 100_000,
    "valid calls": '<tool_call>{"name": "read_text", "arguments": {}}</tool_call>' * 20_000,
}


@pytest.mark.parametrize("text", list(HUGE_INPUTS.values()), ids=list(HUGE_INPUTS))
def test_a_megabyte_of_hostile_text_parses_without_raising(text: str) -> None:
    assert len(text) >= 900_000
    parsed = parse_tool_calls(text)
    assert len(parsed.tool_calls) + len(parsed.invalid_tool_calls) <= MAX_CALLS + 1


def test_control_characters_and_unicode_survive() -> None:
    args = {"query": "zone \u00e9\u4e2d\u0000\U0001f600 \u202e"}
    parsed = parse_tool_calls(
        "<tool_call>" + json.dumps({"name": "search_rules", "arguments": args}) + "</tool_call>"
    )
    assert parsed.tool_calls[0]["args"] == args
