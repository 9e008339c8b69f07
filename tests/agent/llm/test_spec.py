"""Choosing the chat model: CLI options, environment fallback, and config errors that name the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from argus.agent.errors import LLMConfigError, LLMUnavailableError
from argus.agent.llm import check_reachable, describe_backend, llm_spec_from
from argus.agent.llm.factory import check_local_model, make_chat_model
from argus.tools.errors import ArgusError

ENV = (
    "ARGUS_LLM",
    "ARGUS_LLM_URL",
    "ARGUS_LLM_MODEL",
    "ARGUS_LLM_API_KEY",
    "ARGUS_LLM_DEVICE",
    "OPENAI_API_KEY",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_nothing_configured_means_the_planner() -> None:
    spec = llm_spec_from()
    assert spec.kind == "planner"
    assert describe_backend(spec) == "built-in planner"


def test_openai_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGUS_LLM", "openai")
    monkeypatch.setenv("ARGUS_LLM_URL", "http://localhost:11434/v1/")
    monkeypatch.setenv("ARGUS_LLM_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("ARGUS_LLM_API_KEY", "sk-test")
    spec = llm_spec_from()
    assert (spec.kind, spec.url, spec.model) == ("openai", "http://localhost:11434/v1", "qwen2.5:7b")
    assert spec.api_key is not None and spec.api_key.get_secret_value() == "sk-test"
    assert describe_backend(spec) == "openai-compatible qwen2.5:7b at http://localhost:11434/v1"


def test_options_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGUS_LLM", "transformers")
    monkeypatch.setenv("ARGUS_LLM_URL", "http://env:1/v1")
    monkeypatch.setenv("ARGUS_LLM_MODEL", "env-model")
    monkeypatch.setenv("ARGUS_LLM_API_KEY", "env-key")
    spec = llm_spec_from(kind="openai", url="http://opt:2/v1", model="opt-model", api_key="opt-key")
    assert (spec.kind, spec.url, spec.model) == ("openai", "http://opt:2/v1", "opt-model")
    assert spec.api_key is not None and spec.api_key.get_secret_value() == "opt-key"


def test_openai_key_falls_back_to_openai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    spec = llm_spec_from(kind="openai", url="https://api.openai.com/v1", model="gpt-4o-mini")
    assert spec.api_key is not None and spec.api_key.get_secret_value() == "sk-openai"


def test_key_never_shows_in_repr_or_description() -> None:
    spec = llm_spec_from(kind="openai", url="http://h/v1", model="m", api_key="sk-secret-123")
    assert "sk-secret-123" not in repr(spec)
    assert "sk-secret-123" not in describe_backend(spec)
    assert "sk-secret-123" not in spec.model_dump_json()


def test_a_url_alone_means_an_openai_compatible_server() -> None:
    spec = llm_spec_from(url="http://localhost:8000/v1", model="m")
    assert spec.kind == "openai"


def test_transformers_spec_and_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGUS_LLM_DEVICE", "CUDA:1")
    spec = llm_spec_from(kind="Transformers", model="Qwen/Qwen2.5-0.5B-Instruct")
    assert (spec.kind, spec.model, spec.device) == ("transformers", "Qwen/Qwen2.5-0.5B-Instruct", "cuda:1")
    assert describe_backend(spec) == "transformers Qwen/Qwen2.5-0.5B-Instruct on cuda:1"
    assert spec.api_key is None


def test_blank_environment_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGUS_LLM", "  ")
    monkeypatch.setenv("ARGUS_LLM_URL", "")
    assert llm_spec_from().kind == "planner"


@pytest.mark.parametrize(
    ("options", "names"),
    [
        ({"kind": "gpt"}, ["--llm", "ARGUS_LLM", "'gpt'"]),
        ({"kind": "openai", "model": "m"}, ["--llm-url", "ARGUS_LLM_URL"]),
        ({"kind": "openai", "url": "http://h/v1"}, ["--llm-model", "ARGUS_LLM_MODEL"]),
        ({"kind": "transformers"}, ["--llm-model", "ARGUS_LLM_MODEL"]),
        ({"kind": "openai", "url": "localhost:11434", "model": "m"}, ["--llm-url", "'localhost:11434'"]),
        ({"kind": "openai", "url": "ftp://h/v1", "model": "m"}, ["http(s)", "'ftp://h/v1'"]),
        ({"kind": "openai", "url": "http://h/v1?x=1", "model": "m"}, ["?query"]),
        ({"kind": "openai", "url": "http://[::1/v1", "model": "m"}, ["--llm-url", "'http://[::1/v1'"]),
        ({"kind": "transformers", "model": "m", "device": "gpu"}, ["--device", "'gpu'"]),
    ],
)
def test_config_errors_name_the_option(options: dict[str, str], names: list[str]) -> None:
    with pytest.raises(LLMConfigError) as info:
        llm_spec_from(**options)
    assert isinstance(info.value, ArgusError)
    for name in names:
        assert name in str(info.value)


def test_planner_kind_uses_the_factory_it_is_given() -> None:
    sentinel = object()
    assert make_chat_model(llm_spec_from(), planner_factory=lambda: sentinel) is sentinel
    with pytest.raises(LLMConfigError, match="planner_factory"):
        make_chat_model(llm_spec_from())


def test_planner_is_always_reachable() -> None:
    check_reachable(llm_spec_from())


def test_transformers_folder_without_config(tmp_path: Path) -> None:
    with pytest.raises(LLMConfigError, match="no config.json"):
        check_reachable(llm_spec_from(kind="transformers", model=str(tmp_path)))


@pytest.mark.parametrize("model", ["./no/such/folder", "/no/such/folder", "a/b/c"])
def test_transformers_model_that_is_neither_folder_nor_hub_id(model: str) -> None:
    with pytest.raises(LLMConfigError, match="neither a model folder nor a hub id"):
        check_local_model(model)


def test_transformers_hub_id_missing_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(LLMUnavailableError, match="not in the local Hugging Face cache"):
        check_reachable(llm_spec_from(kind="transformers", model="someone/never-downloaded-model"))


def test_transformers_hub_id_is_fine_when_the_hub_may_be_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    check_local_model("Qwen/Qwen2.5-0.5B-Instruct")


def test_choosing_a_backend_imports_no_heavy_library() -> None:
    code = (
        "import sys, argus.agent.llm as llm\n"
        "spec = llm.llm_spec_from(kind='openai', url='http://h/v1', model='m')\n"
        "llm.describe_backend(spec); llm.check_reachable(llm.llm_spec_from())\n"
        "heavy = ['torch', 'transformers', 'langchain_core', 'langchain_openai', 'openai']\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
