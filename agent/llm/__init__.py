"""Chat-model backends for the agent: an OpenAI-compatible server, a local transformers model, or
the built-in planner, all as LangChain chat models behind one factory.

    spec = llm_spec_from(kind=None, url=None, model=None, api_key=None, device=None)
    check_reachable(spec)
    chat = make_chat_model(spec, planner_factory=make_planner)

Importing this package is cheap: the factory imports a backend's libraries only when it builds it.
"""

from __future__ import annotations

from argus.agent.errors import LLMConfigError, LLMUnavailableError
from argus.agent.llm.factory import check_reachable, make_chat_model
from argus.agent.llm.spec import KINDS, LLMSpec, describe_backend, llm_spec_from

__all__ = [
    "KINDS",
    "LLMConfigError",
    "LLMSpec",
    "LLMUnavailableError",
    "check_reachable",
    "describe_backend",
    "llm_spec_from",
    "make_chat_model",
]
