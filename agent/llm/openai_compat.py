"""Any OpenAI-compatible server (Ollama, vLLM, llama.cpp server, LM Studio, OpenAI) as a chat model.

Two jobs: check before a conversation that the server answers and serves the model, and make
every failure during a call (refused connection, DNS, timeout, HTTP error, a body that is not a
chat completion) an LLMUnavailableError that names the URL, which the orchestrator answers by
letting the built-in planner finish.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import httpx
import openai
from langchain_openai import ChatOpenAI  # noqa: TID253 - this module is imported only for --llm openai
from pydantic import SecretStr

from argus.agent.errors import LLMUnavailableError
from argus.agent.llm.spec import LLMSpec

log = logging.getLogger("argus.llm")

NO_KEY = "not-needed"  # local servers ignore the key, but the OpenAI client insists on one
MAX_LISTED_MODELS = 20
MAX_SERVER_TEXT = 300


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SERVER_TEXT else text[:MAX_SERVER_TEXT] + "..."


def _root_reason(exc: BaseException) -> str:
    """The most specific reason in an exception chain: 'Connection refused' rather than 'Connection error.'."""
    reason = str(exc)
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if str(cause):
            reason = str(cause)
        cause = cause.__cause__ or cause.__context__
    if "RemoteProtocolError" in reason or "disconnected without sending a response" in reason:
        return "the server closed the connection without answering"
    return _short(reason) or type(exc).__name__


def _key_hint(key_sent: bool) -> str:
    if key_sent:
        return "check --llm-key / ARGUS_LLM_API_KEY"
    return "no key was sent: set --llm-key or ARGUS_LLM_API_KEY"


class _Reply(Protocol):
    """An HTTP response: httpx's, or that of the httpx copy the openai client is built on."""

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


def _server_message(response: _Reply) -> str:
    try:
        body = response.json()
    except ValueError:
        return _short(response.text)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return _short(error["message"])
        if isinstance(error, str):
            return _short(error)
    return _short(response.text)


def check_openai_server(spec: LLMSpec) -> list[str]:
    """GET {url}/models: the server answers, accepts the key and serves ``spec.model``.

    Returns:
        The model ids the server lists.

    Raises:
        LLMUnavailableError: naming the URL and what went wrong.
    """
    url = spec.url or ""
    key = spec.api_key.get_secret_value() if spec.api_key else None
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(
            f"{url}/models", headers=headers, timeout=spec.connect_timeout_s, follow_redirects=True
        )
    except httpx.TimeoutException:
        raise LLMUnavailableError(
            f"the LLM server at {url} did not answer GET /models within {spec.connect_timeout_s:g} s"
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise LLMUnavailableError(f"cannot reach the LLM server at {url}: {_root_reason(exc)}") from None
    status = response.status_code
    if status in (401, 403):
        raise LLMUnavailableError(
            f"the LLM server at {url} refused the API key (HTTP {status}: {_server_message(response)}); "
            + _key_hint(key is not None)
        )
    if status == 404:
        hint = "" if url.endswith("/v1") else "; OpenAI-compatible base URLs usually end in /v1"
        raise LLMUnavailableError(f"the LLM server at {url} has no /models endpoint (HTTP 404){hint}")
    if status >= 400:
        raise LLMUnavailableError(
            f"the LLM server at {url} answered HTTP {status} to GET /models: {_server_message(response)}"
        )
    try:
        listed = response.json()["data"]
        served = [str(m["id"]) for m in listed]
    except (ValueError, KeyError, TypeError):
        raise LLMUnavailableError(
            f"the server at {url} is not OpenAI-compatible: GET /models did not return a model list "
            f"(got {_short(response.text)!r})"
        ) from None
    model = spec.model or ""
    if model not in served and f"{model}:latest" not in served:
        shown = ", ".join(served[:MAX_LISTED_MODELS]) or "none"
        more = f" and {len(served) - MAX_LISTED_MODELS} more" if len(served) > MAX_LISTED_MODELS else ""
        raise LLMUnavailableError(
            f"the LLM server at {url} does not serve model {model!r}; it lists: {shown}{more}"
        )
    return served


def unavailable_from(
    exc: openai.APIError, url: str, model: str, timeout_s: float, key_sent: bool
) -> LLMUnavailableError:
    """Translate an OpenAI client error raised during a chat call."""
    if isinstance(exc, openai.APITimeoutError):
        return LLMUnavailableError(f"the LLM server at {url} did not answer within {timeout_s:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailableError(f"lost the LLM server at {url}: {_root_reason(exc)}")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMUnavailableError(
            f"the LLM server at {url} refused the API key (HTTP {exc.status_code}); {_key_hint(key_sent)}"
        )
    if isinstance(exc, openai.APIStatusError):
        what = f" for model {model!r}" if exc.status_code == 404 else ""
        return LLMUnavailableError(
            f"the LLM server at {url} answered HTTP {exc.status_code}{what}: {_server_message(exc.response)}"
        )
    return LLMUnavailableError(
        f"the LLM server at {url} sent a reply that is not a chat completion: {_short(str(exc))}"
    )


class GuardedChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose server failures surface as LLMUnavailableError naming the URL.

    The request is built before it is sent, so a fault in our own messages still raises as the
    bug it is; only what happens between sending and parsing the reply is the server's.
    """

    @property
    def _url(self) -> str:
        return self.openai_api_base or ""

    @contextmanager
    def _server_errors(self) -> Iterator[None]:
        timeout = self.request_timeout if isinstance(self.request_timeout, int | float) else 0.0
        key = self.openai_api_key.get_secret_value() if isinstance(self.openai_api_key, SecretStr) else NO_KEY
        try:
            yield
        except openai.APIError as exc:
            raise unavailable_from(exc, self._url, self.model_name, timeout, key != NO_KEY) from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.debug("unparsable reply from %s", self._url, exc_info=True)
            raise LLMUnavailableError(
                f"the LLM server at {self._url} sent a reply that is not an OpenAI chat completion "
                f"({type(exc).__name__}: {_short(str(exc))})"
            ) from exc

    def _generate(
        self, messages: list[Any], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Any:
        self._get_request_payload(messages, stop=stop, **kwargs)
        with self._server_errors():
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    async def _agenerate(
        self, messages: list[Any], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Any:
        self._get_request_payload(messages, stop=stop, **kwargs)
        with self._server_errors():
            return await super()._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(
        self, messages: list[Any], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Iterator[Any]:
        self._get_request_payload(messages, stop=stop, **kwargs)
        with self._server_errors():
            yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)

    async def _astream(
        self, messages: list[Any], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        self._get_request_payload(messages, stop=stop, **kwargs)
        with self._server_errors():
            async for chunk in super()._astream(messages, stop=stop, run_manager=run_manager, **kwargs):
                yield chunk


def make_openai_chat(spec: LLMSpec) -> GuardedChatOpenAI:
    """The chat model for ``spec``: temperature 0, no retries (the planner is the fallback), a call timeout."""
    key = spec.api_key.get_secret_value() if spec.api_key else NO_KEY
    assert spec.model is not None  # resolve_spec refuses an openai backend without a model
    return GuardedChatOpenAI(
        base_url=spec.url,
        model=spec.model,
        api_key=SecretStr(key),
        temperature=0,
        timeout=spec.timeout_s,
        max_retries=0,
        use_responses_api=False,
    )
