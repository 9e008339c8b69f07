"""The local transformers backend, run end to end on tiny chat models built here.

No chat model ships in a package, so the test trains a byte-level BPE tokenizer on a few
sentences, gives it a chat template that renders tools, builds a randomly initialised
Qwen2ForCausalLM from a small config, saves both with save_pretrained and loads them through
the project's own factory. A random model writes nonsense; what is checked is the path. A second
model is rigged (embeddings zeroed, so its last hidden state is the same at every step, and an
output row pointed at it) to always emit one added token that spells a Hermes tool call, which
proves generated tool calls come back as AIMessage.tool_calls.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from argus.agent.errors import LLMUnavailableError
from argus.agent.llm import LLMSpec, check_reachable, llm_spec_from, make_chat_model
from argus.tools.runtime import Runtime

pytestmark = pytest.mark.slow

CHAT_TEMPLATE = """{%- if tools %}<|im_start|>system
You can call these tools:
{%- for tool in tools %}
{{ tool | tojson }}
{%- endfor %}<|im_end|>
{% endif %}
{%- for message in messages %}<|im_start|>{{ message.role }}
{{ message.content }}
{%- for call in message.tool_calls or [] %}
<tool_call>{{ call.function | tojson }}</tool_call>
{%- endfor %}<|im_end|>
{% endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}"""

SENTENCES = [
    "How many people are in this image?",
    "Call detect_objects with the labels person and bus.",
    '{"name": "detect_objects", "arguments": {"labels": ["person"]}}',
    "There are four people near the bus [D1] [D2].",
]
RIGGED_CALL = '<tool_call>{"name": "detect_objects", "arguments": {"labels": ["person"]}}</tool_call>'


def _tokenizer(extra_tokens: list[str]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=320,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(SENTENCES, trainer)
    tok.add_tokens(["<tool_call>", "</tool_call>", *extra_tokens])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>", chat_template=CHAT_TEMPLATE
    )


def build_tiny_chat_model(folder: Path, rig_token: str | None = None) -> Path:
    """Save a tiny random Qwen2 chat model; with ``rig_token`` it emits that token at every step."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = _tokenizer([rig_token] if rig_token else [])
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config).eval()
    if rig_token:
        with torch.no_grad():
            model.model.embed_tokens.weight.zero_()
            hidden = model.model(input_ids=torch.tensor([[1, 2, 3]])).last_hidden_state[0, -1]
            model.lm_head.weight.zero_()
            model.lm_head.weight[tokenizer.convert_tokens_to_ids(rig_token)] = (
                10 * hidden / hidden.norm() ** 2
            )
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_chat_model(tmp_path_factory.mktemp("tiny-qwen2-chat"))


@pytest.fixture(scope="module")
def rigged_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_chat_model(tmp_path_factory.mktemp("rigged-qwen2-chat"), rig_token=RIGGED_CALL)


def _tools():
    from langchain_core.tools import StructuredTool  # noqa: TID253 - under test
    from pydantic import BaseModel, Field

    class DetectArgs(BaseModel):
        labels: list[str] = Field(description="COCO labels to look for")

    def detect_objects(labels: list[str]) -> str:
        return ",".join(labels)

    return [
        StructuredTool.from_function(
            detect_objects, name="detect_objects", description="Find COCO objects.", args_schema=DetectArgs
        )
    ]


def _question():
    from langchain_core.messages import HumanMessage, SystemMessage  # noqa: TID253

    return [SystemMessage("You answer questions about images."), HumanMessage("How many people?")]


def _spec(folder: Path, max_new_tokens: int = 6) -> LLMSpec:
    spec = llm_spec_from(kind="transformers", model=str(folder), device="cpu")
    return spec.model_copy(update={"max_new_tokens": max_new_tokens})


def test_loads_through_the_factory_and_answers(tiny_model: Path) -> None:
    from langchain_core.messages import AIMessage  # noqa: TID253

    spec = _spec(tiny_model, max_new_tokens=6)
    check_reachable(spec)
    chat = make_chat_model(spec, runtime=Runtime(device="cpu"))
    ai = chat.bind_tools(_tools()).invoke(_question())
    assert isinstance(ai, AIMessage)
    assert isinstance(ai.content, str)
    assert 1 <= ai.usage_metadata["output_tokens"] <= 6
    assert ai.response_metadata["device"] == "cpu"
    assert ai.response_metadata["finish_reason"] in ("stop", "length", "tool_calls")


def test_tool_schemas_reach_the_template(tiny_model: Path) -> None:
    runtime = Runtime(device="cpu")
    chat = make_chat_model(_spec(tiny_model, max_new_tokens=1), runtime=runtime)
    bound = chat.bind_tools(_tools())
    schemas = bound.kwargs["tools"]
    assert schemas[0]["function"]["name"] == "detect_objects"
    prompt = chat.render(_question(), schemas)
    assert '"name": "detect_objects"' in prompt
    assert "COCO labels to look for" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    with_tools = bound.invoke(_question()).usage_metadata["input_tokens"]
    without = chat.invoke(_question()).usage_metadata["input_tokens"]
    assert with_tools > without + 20


def test_history_with_tool_calls_and_results_is_rendered(tiny_model: Path) -> None:
    from langchain_core.messages import AIMessage, ToolMessage  # noqa: TID253

    chat = make_chat_model(_spec(tiny_model), runtime=Runtime(device="cpu"))
    history = [
        *_question(),
        AIMessage(
            content="",
            tool_calls=[{"name": "detect_objects", "args": {"labels": ["person"]}, "id": "call_1"}],
            invalid_tool_calls=[{"name": "segment", "args": "{bad", "id": "call_2", "error": "not JSON"}],
        ),
        ToolMessage("D1 person 0.99", tool_call_id="call_1", name="detect_objects"),
    ]
    prompt = chat.render(history)
    assert '<tool_call>{"name": "detect_objects", "arguments": {"labels": ["person"]}}</tool_call>' in prompt
    assert '<tool_call>{"name": "segment", "arguments": "{bad"}</tool_call>' in prompt
    assert "<|im_start|>tool\nD1 person 0.99<|im_end|>" in prompt
    ai = chat.invoke(history)
    assert ai.usage_metadata["output_tokens"] <= 6


def test_weights_load_once_per_runtime(tiny_model: Path) -> None:
    runtime = Runtime(device="cpu")
    first = make_chat_model(_spec(tiny_model), runtime=runtime)
    second = make_chat_model(_spec(tiny_model, max_new_tokens=2), runtime=runtime)
    first.invoke(_question())
    second.invoke(_question())
    assert first.loaded() is second.loaded()
    assert runtime.models.loaded() == [f"transformers-chat|{tiny_model}|cpu"]


def test_generated_tool_call_comes_back_as_a_tool_call(rigged_model: Path) -> None:
    chat = make_chat_model(_spec(rigged_model, max_new_tokens=2), runtime=Runtime(device="cpu"))
    ai = chat.bind_tools(_tools()).invoke(_question())
    assert ai.response_metadata["raw_text"] == RIGGED_CALL * 2
    assert [(c["name"], c["args"]) for c in ai.tool_calls] == [("detect_objects", {"labels": ["person"]})] * 2
    assert ai.invalid_tool_calls == []
    assert ai.content == ""
    assert ai.response_metadata["finish_reason"] == "tool_calls"


def test_stop_sequence_cuts_the_text(rigged_model: Path) -> None:
    chat = make_chat_model(_spec(rigged_model, max_new_tokens=2), runtime=Runtime(device="cpu"))
    ai = chat.invoke(_question(), stop=["</tool_call>"])
    # cut before the closing tag: the unterminated call is still read
    assert ai.response_metadata["raw_text"] == RIGGED_CALL.removesuffix("</tool_call>")
    assert [c["name"] for c in ai.tool_calls] == ["detect_objects"]


def test_model_without_chat_template(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-template"
    shutil.copytree(tiny_model, folder)
    (folder / "chat_template.jinja").unlink(missing_ok=True)
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config.pop("chat_template", None)
    config_path.write_text(json.dumps(config))
    chat = make_chat_model(_spec(folder), runtime=Runtime(device="cpu"))
    with pytest.raises(LLMUnavailableError, match="has no chat template"):
        chat.invoke(_question())


def test_folder_that_is_not_a_loadable_model(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "not-a-real-architecture"}))
    spec = _spec(tmp_path)
    check_reachable(spec)  # it looks like a model folder; loading tells the truth
    chat = make_chat_model(spec, runtime=Runtime(device="cpu"))
    with pytest.raises(LLMUnavailableError, match="cannot load transformers model"):
        chat.invoke(_question())


@pytest.mark.skipif("not __import__('torch').cuda.is_available()", reason="needs a CUDA GPU")
def test_float16_on_cuda(tiny_model: Path) -> None:
    import torch

    spec = llm_spec_from(kind="transformers", model=str(tiny_model), device="cuda")
    chat = make_chat_model(spec.model_copy(update={"max_new_tokens": 4}), runtime=Runtime(device="cuda"))
    ai = chat.bind_tools(_tools()).invoke(_question())
    loaded = chat.loaded()
    assert loaded.device == "cuda:0"
    assert next(loaded.model.parameters()).dtype == torch.float16
    assert ai.response_metadata["device"] == "cuda:0"
    assert ai.usage_metadata["output_tokens"] <= 4
