"""Fixtures shared across the test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_openai_server import FakeOpenAIServer


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A real OpenAI-compatible server on 127.0.0.1 answering from a script; see tests/fake_openai_server.py.

    ``fake_openai.script([...])`` queues replies, ``fake_openai.url`` is the base URL (…/v1),
    ``fake_openai.model`` a model it lists, ``fake_openai.requests`` what it received.
    """
    server = FakeOpenAIServer()
    try:
        yield server
    finally:
        server.close()
