"""Which chat model drives the agent, read from CLI options with the environment as fallback.

    ARGUS_LLM          planner (default) | openai | transformers
    ARGUS_LLM_URL      base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1
    ARGUS_LLM_MODEL    model name on that server, or a transformers hub id or folder
    ARGUS_LLM_API_KEY  key for the server (OPENAI_API_KEY is used when this is unset)
    ARGUS_LLM_DEVICE   auto | cpu | cuda | cuda:N | mps, for the transformers backend

An option given on the command line wins over its variable. A URL with no kind means ``openai``:
a user who names a server wants it used, not silently ignored.
"""

from __future__ import annotations

import os
import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from argus.agent.errors import LLMConfigError

LLMKind = Literal["planner", "openai", "transformers"]
KINDS: tuple[str, ...] = ("planner", "openai", "transformers")
_DEVICE = re.compile(r"^(auto|cpu|cuda|cuda:\d{1,3}|mps)$")


class LLMSpec(BaseModel):
    """A validated description of one chat-model backend; building it loads nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LLMKind = "planner"
    url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    device: str = "auto"
    timeout_s: float = Field(default=60.0, gt=0, description="limit for one chat call to a server")
    connect_timeout_s: float = Field(default=5.0, gt=0, description="limit for the reachability check")
    max_new_tokens: int = Field(default=512, ge=1, le=32_768, description="transformers generation limit")


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _pick(option: str | None, *env_names: str) -> str | None:
    if option is not None and option.strip():
        return option.strip()
    for name in env_names:
        value = _env(name)
        if value is not None:
            return value
    return None


def normalise_url(url: str) -> str:
    """An http(s) base URL without a trailing slash; anything else is a config error."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise LLMConfigError(
            f"--llm-url / ARGUS_LLM_URL must be an http(s) base URL such as http://localhost:11434/v1, got {url!r}"
        )
    if parts.query or parts.fragment:
        raise LLMConfigError(
            f"--llm-url / ARGUS_LLM_URL must be a base URL without ?query or #fragment, got {url!r}"
        )
    return url.rstrip("/")


def llm_spec_from(
    kind: str | None = None,
    url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    device: str | None = None,
) -> LLMSpec:
    """Build the spec from CLI options, falling back to the ARGUS_LLM* environment variables.

    Raises:
        LLMConfigError: an unknown kind, a bad URL or device, or a kind missing what it needs;
            the message names the option and the variable to set.
    """
    chosen_url = _pick(url, "ARGUS_LLM_URL")
    chosen_kind = _pick(kind, "ARGUS_LLM")
    if chosen_kind is None:
        chosen_kind = "openai" if chosen_url else "planner"
    chosen_kind = chosen_kind.lower()
    if chosen_kind not in KINDS:
        raise LLMConfigError(f"--llm / ARGUS_LLM must be one of {', '.join(KINDS)}, got {chosen_kind!r}")
    chosen_model = _pick(model, "ARGUS_LLM_MODEL")
    chosen_device = (_pick(device, "ARGUS_LLM_DEVICE") or "auto").lower()
    if not _DEVICE.match(chosen_device):
        raise LLMConfigError(
            f"--device / ARGUS_LLM_DEVICE must be auto, cpu, cuda, cuda:N or mps, got {chosen_device!r}"
        )
    if chosen_kind == "planner":
        return LLMSpec(kind="planner", device=chosen_device)
    if chosen_kind == "openai":
        if chosen_url is None:
            raise LLMConfigError(
                "--llm openai needs the server's base URL: set --llm-url or ARGUS_LLM_URL "
                "(e.g. http://localhost:11434/v1 for Ollama)"
            )
        if chosen_model is None:
            raise LLMConfigError(
                "--llm openai needs a model name the server serves: set --llm-model or ARGUS_LLM_MODEL "
                "(e.g. qwen2.5:7b)"
            )
        key = _pick(api_key, "ARGUS_LLM_API_KEY", "OPENAI_API_KEY")
        return LLMSpec(
            kind="openai",
            url=normalise_url(chosen_url),
            model=chosen_model,
            api_key=SecretStr(key) if key else None,
            device=chosen_device,
        )
    if chosen_model is None:
        raise LLMConfigError(
            "--llm transformers needs a model: set --llm-model or ARGUS_LLM_MODEL to a Hugging Face hub id "
            "(e.g. Qwen/Qwen2.5-0.5B-Instruct) or a folder saved with save_pretrained"
        )
    return LLMSpec(kind="transformers", model=chosen_model, device=chosen_device)


def describe_backend(spec: LLMSpec) -> str:
    """One line for answers and logs, e.g. ``openai-compatible qwen2.5:7b at http://localhost:11434/v1``."""
    if spec.kind == "openai":
        return f"openai-compatible {spec.model} at {spec.url}"
    if spec.kind == "transformers":
        return f"transformers {spec.model} on {spec.device}"
    return "built-in planner"
