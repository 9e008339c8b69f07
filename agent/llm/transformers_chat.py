"""A local transformers chat model (hub id or folder) as a LangChain chat model with tool calling.

The conversation is rendered with the tokenizer's own chat template, tools included (the
template decides how the model sees them), generated greedily on the chosen device, and the new
text is split into prose and tool calls by ``toolcall_parse``. The weights load once per process
through the runtime's model registry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel  # noqa: TID253 - imported only for this backend
from langchain_core.messages import (  # noqa: TID253
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult  # noqa: TID253
from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: TID253
from pydantic import ConfigDict, Field

from argus.agent.errors import LLMUnavailableError
from argus.agent.llm.toolcall_parse import TOOL_MARKERS, parse_tool_calls
from argus.tools.runtime import Runtime, default_runtime, resolve_device

log = logging.getLogger("argus.llm")


@dataclass
class LoadedChatModel:
    tokenizer: Any
    model: Any
    device: str


def load_chat_model(model_id: str, device: str) -> LoadedChatModel:
    """Tokenizer and causal LM from a hub id or folder, on ``device``, float16 on CUDA."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_id)
        model = AutoModelForCausalLM.from_pretrained(model_id, dtype=dtype)
    except (OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        reason = reason if len(reason) <= 400 else reason[:400] + "..."
        raise LLMUnavailableError(f"cannot load transformers model {model_id!r}: {reason}") from exc
    if not getattr(tokenizer, "chat_template", None):
        raise LLMUnavailableError(
            f"transformers model {model_id!r} has no chat template; use an instruction-tuned chat model"
        )
    # transformers wraps to() with functools.wraps, whose annotation takes the device for self
    model.to(device)  # type: ignore[arg-type]
    model.eval()
    return LoadedChatModel(tokenizer=tokenizer, model=model, device=device)


def _text_of(content: Any) -> str:
    """Message content as plain text (content blocks joined; non-text blocks dropped)."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "\n".join(parts)


def _assistant_turn(message: AIMessage) -> dict[str, Any]:
    turn: dict[str, Any] = {"role": "assistant", "content": _text_of(message.content)}
    calls = [
        {"id": c.get("id"), "type": "function", "function": {"name": c["name"], "arguments": c["args"]}}
        for c in message.tool_calls
    ]
    # what the model wrote badly stays in its history, so the error sent back makes sense to it
    calls += [
        {
            "id": c.get("id"),
            "type": "function",
            "function": {"name": c.get("name") or "", "arguments": c.get("args") or ""},
        }
        for c in message.invalid_tool_calls
    ]
    if calls:
        turn["tool_calls"] = calls
    return turn


def to_chat_turns(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages as the role/content dicts a transformers chat template reads."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            turns.append({"role": "system", "content": _text_of(message.content)})
        elif isinstance(message, HumanMessage):
            turns.append({"role": "user", "content": _text_of(message.content)})
        elif isinstance(message, AIMessage):
            turns.append(_assistant_turn(message))
        elif isinstance(message, ToolMessage):
            turns.append(
                {
                    "role": "tool",
                    "content": _text_of(message.content),
                    "name": message.name or "",
                    "tool_call_id": message.tool_call_id,
                }
            )
        elif isinstance(message, ChatMessage):
            turns.append({"role": message.role, "content": _text_of(message.content)})
        else:
            raise TypeError(f"cannot render a {type(message).__name__} for a chat template")
    return turns


class TransformersChatModel(BaseChatModel):
    """A local transformers chat model; greedy decoding, tool calls parsed from its text."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_id: str
    device: str = "auto"
    max_new_tokens: int = Field(default=512, ge=1)
    runtime: Runtime | None = Field(default=None, exclude=True)

    @property
    def _llm_type(self) -> str:
        return "argus-transformers"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "device": self.device, "max_new_tokens": self.max_new_tokens}

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> Any:
        """Bind tools as OpenAI-style JSON schemas; the chat template shows them to the model.

        ``tool_choice`` is accepted for interface compatibility and not enforced: a local model
        decides from its prompt whether to call a tool.
        """
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def loaded(self) -> LoadedChatModel:
        """The tokenizer and model, loaded on first use and shared through the runtime's registry."""
        runtime = self.runtime or default_runtime()
        device = resolve_device(self.device)
        key = f"transformers-chat|{self.model_id}|{device}"
        return runtime.models.get(key, lambda: load_chat_model(self.model_id, device))

    def render(self, messages: Sequence[BaseMessage], tools: list[dict[str, Any]] | None = None) -> str:
        """The exact prompt text the model is given: the chat template applied to the turns and tools."""
        tokenizer = self.loaded().tokenizer
        return tokenizer.apply_chat_template(
            to_chat_turns(messages), tools=tools or None, add_generation_prompt=True, tokenize=False
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        import torch

        loaded = self.loaded()
        tokenizer, model = loaded.tokenizer, loaded.model
        prompt = self.render(messages, kwargs.get("tools"))
        inputs = tokenizer(prompt, add_special_tokens=False, return_tensors="pt").to(loaded.device)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        eos = model.generation_config.eos_token_id
        if eos is None:
            eos = tokenizer.eos_token_id
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
        if isinstance(pad, list):
            pad = pad[0]
        with torch.inference_mode():
            output = model.generate(
                **inputs,
                max_new_tokens=self.max_new_tokens,
                do_sample=False,
                temperature=None,
                top_p=None,
                top_k=None,
                eos_token_id=eos,
                pad_token_id=pad,
            )
        new_ids = output[0, prompt_tokens:].tolist()
        eos_ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        hit_eos = bool(new_ids) and new_ids[-1] in eos_ids
        text = self._decode(tokenizer, new_ids)
        stopped = False
        for marker in stop or []:
            if marker and marker in text:
                text, stopped = text[: text.index(marker)], True
        parsed = parse_tool_calls(text)
        finish = "tool_calls" if parsed.tool_calls else "stop" if hit_eos or stopped else "length"
        if finish == "length":
            log.info("%s stopped at max_new_tokens=%d", self.model_id, self.max_new_tokens)
        message = AIMessage(
            content=parsed.content,
            tool_calls=parsed.tool_calls,
            invalid_tool_calls=parsed.invalid_tool_calls,
            usage_metadata={
                "input_tokens": prompt_tokens,
                "output_tokens": len(new_ids),
                "total_tokens": prompt_tokens + len(new_ids),
            },
            response_metadata={
                "model_name": self.model_id,
                "device": loaded.device,
                "finish_reason": finish,
                "raw_text": text,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    @staticmethod
    def _decode(tokenizer: Any, ids: list[int]) -> str:
        """New tokens as text, special tokens removed except the markers that frame tool calls."""
        text = tokenizer.decode(ids, skip_special_tokens=False)
        for token in tokenizer.all_special_tokens:
            if token and token not in TOOL_MARKERS:
                text = text.replace(token, "")
        return text
