"""Fixtures shared across the test suite.

The repository root is taken off ``sys.path`` here: its folders (``agent``, ``tools``, ...) must only
ever be reached as ``argus.*``, the way an installed Argus reaches them, so a module that still names
one of them bare fails in the tests as it would for a user. pytest imports the test modules by their
file paths (``--import-mode=importlib`` in pyproject.toml), and ``tests`` is registered from its folder.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT]
if "tests" not in sys.modules:  # the helpers stay importable as tests.support.* without the root on the path
    _spec = importlib.util.spec_from_file_location(
        "tests", ROOT / "tests" / "__init__.py", submodule_search_locations=[str(ROOT / "tests")]
    )
    assert _spec is not None and _spec.loader is not None
    sys.modules["tests"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["tests"])

from tests.support.fake_openai_server import FakeOpenAIServer  # noqa: E402 - after the path is cleaned


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A real OpenAI-compatible server on 127.0.0.1 answering from a script; see tests/support/fake_openai_server.py.

    ``fake_openai.script([...])`` queues replies, ``fake_openai.url`` is the base URL (…/v1),
    ``fake_openai.model`` a model it lists, ``fake_openai.requests`` what it received.
    """
    server = FakeOpenAIServer()
    try:
        yield server
    finally:
        server.close()
