"""One factory for the chat model that drives the agent, and the check to run before using it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from argus.agent.errors import LLMConfigError, LLMUnavailableError
from argus.agent.llm.spec import LLMSpec
from argus.tools.runtime import Runtime


def check_reachable(spec: LLMSpec) -> None:
    """Fail early, with a message naming what to fix, when the configured model cannot be used.

    openai: the server answers GET /models, accepts the key and lists the model. transformers: the
    folder holds a saved model, or the hub id is in the local cache (or the hub may be reached).
    planner: always usable.

    Raises:
        LLMUnavailableError: the server or model cannot be reached.
        LLMConfigError: the model option points at something that is not a model.
    """
    if spec.kind == "openai":
        from argus.agent.llm.openai_compat import check_openai_server

        check_openai_server(spec)
    elif spec.kind == "transformers":
        check_local_model(spec.model or "")


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def check_local_model(model: str) -> None:
    """A transformers model folder with a config, or a hub id that can be had offline or online."""
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise LLMConfigError(
                f"--llm-model folder {model!r} has no config.json; expected a transformers model saved "
                "with save_pretrained"
            )
        return
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise LLMConfigError(
            f"--llm-model {model!r} is neither a model folder nor a hub id like Qwen/Qwen2.5-0.5B-Instruct"
        )
    if not _hub_offline():
        return
    from huggingface_hub import try_to_load_from_cache

    if not isinstance(try_to_load_from_cache(model, "config.json"), str):
        raise LLMUnavailableError(
            f"model {model!r} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set; "
            "download it first (huggingface-cli download) or pass a folder with --llm-model"
        )


def make_chat_model(
    spec: LLMSpec,
    planner_factory: Callable[[], Any] | None = None,
    runtime: Runtime | None = None,
) -> Any:
    """The LangChain chat model (a ``BaseChatModel``) for ``spec``.

    Args:
        spec: which backend, from ``llm_spec_from``.
        planner_factory: builds the built-in planner; required for kind "planner".
        runtime: where a local transformers model is loaded once (default: the process runtime).
    """
    if spec.kind == "openai":
        from argus.agent.llm.openai_compat import make_openai_chat

        return make_openai_chat(spec)
    if spec.kind == "transformers":
        from argus.agent.llm.transformers_chat import TransformersChatModel

        return TransformersChatModel(
            model_id=spec.model or "",
            device=spec.device,
            max_new_tokens=spec.max_new_tokens,
            runtime=runtime,
        )
    if planner_factory is None:
        raise LLMConfigError("the built-in planner was chosen but no planner_factory was given")
    return planner_factory()
