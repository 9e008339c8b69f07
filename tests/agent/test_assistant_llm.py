"""The agent driven by a chat model over the real OpenAI-compatible path (ChatOpenAI over HTTP to a
scripted server): tool calls, malformed calls, the planner fallback, and the verifier's repair."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from argus import Assistant
from argus.agent.errors import LLMUnavailableError
from argus.cli import app
from tests.support import samples
from tests.support.fake_openai_server import call, text, tool_calls

pytestmark = pytest.mark.slow

# SSD-MobileNet on bus.jpg with only persons asked for: D1..D3 are the three people it finds.
PERSONS = "[D1][D2][D3]"


def _assistant(fake_openai) -> Assistant:
    return Assistant(llm="openai", llm_url=fake_openai.url, llm_model=fake_openai.model)


def test_chat_model_calls_tools_and_its_answer_is_verified(fake_openai):
    fake_openai.script(
        [
            tool_calls(call("detect_objects", {"labels": ["person"]})),
            text(f"I count 3 people {PERSONS}."),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "How many people are in this image?")
    assert answer.answer == f"I count 3 people {PERSONS}."
    assert answer.verified and all(c.resolved for c in answer.citations)
    assert [(s.tool, s.by) for s in answer.trace] == [("detect_objects", "openai")]
    assert fake_openai.url in answer.backend["llm"]
    sent = fake_openai.chat_requests()[0].json
    assert {t["function"]["name"] for t in sent["tools"]} >= {"detect_objects", "read_text", "evaluate_rules"}
    tool_message = fake_openai.chat_requests()[1].json["messages"][-1]
    assert tool_message["role"] == "tool" and "[D1] person" in tool_message["content"]


def test_malformed_calls_are_fed_back_then_the_planner_takes_over(fake_openai):
    fake_openai.script(
        [
            tool_calls(call("detect_objects", "{not json")),
            tool_calls(call("no_such_tool", {})),
            tool_calls(call("detect_objects", {"labels": "person", "min_score": "high"})),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "How many people are in this image?")
    second = fake_openai.chat_requests()[1].json["messages"]
    assert any(m["role"] == "tool" and "malformed" in m["content"] for m in second)
    assert any("planner answered instead" in n for n in answer.notes)
    assert answer.answer.startswith("3 people") and answer.short_answer == "3" and answer.verified
    assert answer.backend["llm"] == "built-in planner"


def test_a_wrong_count_is_repaired(fake_openai):
    fake_openai.script(
        [
            tool_calls(call("detect_objects", {"labels": ["person"]})),
            text(f"I count 5 people {PERSONS}."),
            text(f"I count 3 people {PERSONS}."),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "How many people are in this image?")
    assert answer.answer == f"I count 3 people {PERSONS}." and answer.verified
    assert any("rewritten" in n for n in answer.notes)
    repair = fake_openai.chat_requests()[-1].json["messages"][-1]["content"]
    assert "states 5 people but cites 3" in repair


def test_an_answer_that_stays_wrong_is_flagged_not_passed_off(fake_openai):
    fake_openai.script(
        [
            tool_calls(call("detect_objects", {"labels": ["person"]})),
            text("There are 9 people [D1] and a knife [D77]."),
            text("Still 9 people [D1]."),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "How many people are in this image?")
    assert not answer.verified
    assert answer.answer == "Still 9 people [D1]."  # the rewrite had fewer problems, so it is kept ...
    assert any("states 9 people but cites 1" in u for u in answer.unsupported_claims)  # ... and flagged
    assert any("failed the citation check" in n for n in answer.notes)


def test_a_citation_to_nothing_is_flagged(fake_openai):
    fake_openai.script(
        [
            tool_calls(call("detect_objects", {"labels": ["person"]})),
            text(f"I count 3 people {PERSONS} and a knife [D77]."),
            text(f"I count 3 people {PERSONS} and a knife [D77]."),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "How many people are in this image?")
    assert not answer.verified
    assert any(c.ref == "D77" and not c.resolved for c in answer.citations)
    assert any("D77" in u for u in answer.unsupported_claims)


def test_a_chat_model_cannot_state_away_what_the_tools_see(fake_openai):
    """Stated findings may only use the namespaces a person can state; detections stay the tools' word."""
    fake_openai.script(
        [
            tool_calls(call("evaluate_rules", {"domain": "security", "findings": {"label.knife.count": 0}})),
            text("SAFE"),
        ]
    )
    answer = _assistant(fake_openai).ask(samples.BUS, "Any security threats?", domain="security")
    tool_reply = fake_openai.chat_requests()[1].json["messages"][-1]["content"]
    assert "findings may only state" in tool_reply
    assert answer.trace[0].error and answer.trace[-1].by == "agent"  # the agent still grounded the answer


def test_unreachable_server_is_one_clear_error():
    with pytest.raises(LLMUnavailableError, match=r"http://127\.0\.0\.1:9/v1"):
        Assistant(llm="openai", llm_url="http://127.0.0.1:9/v1", llm_model="m")
    result = CliRunner().invoke(
        app,
        [
            "ask",
            str(samples.BUS),
            "how many people?",
            "--llm-url",
            "http://127.0.0.1:9/v1",
            "--llm-model",
            "m",
        ],
    )
    assert result.exit_code == 2
    assert "127.0.0.1:9" in result.output and "Traceback" not in result.output


def test_cli_json_is_the_contract_only(fake_openai):
    fake_openai.script(
        [tool_calls(call("detect_objects", {"labels": ["person"]})), text(f"I count 3 people {PERSONS}.")]
    )
    result = CliRunner().invoke(
        app,
        [
            "ask",
            str(samples.BUS),
            "How many people?",
            "--json",
            "--llm-url",
            fake_openai.url,
            "--llm-model",
            fake_openai.model,
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("question", "answer", "domain", "image", "urgency", "evidence", "rules", "graph_paths", "citations",
                "unsupported_claims", "trace", "timings_ms", "backend", "disclaimer", "annotated_image"):  # fmt: skip
        assert key in data
    assert data["image"]["sha256"] and data["trace"][0]["tool"] == "detect_objects"
