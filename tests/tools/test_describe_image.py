"""describe_image: the offline composed description on real photos (what it says, what it cites),
and the transformers captioner's real loading path on a tiny random model built here."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from argus.tools.describe_image import DescribeImage
from argus.tools.errors import BackendUnavailableError, ToolInputError
from argus.tools.runtime import Runtime
from tests.support import samples

CITED = re.compile(r"\[([A-Z]\d+)\]")


@pytest.fixture(scope="module")
def describer() -> DescribeImage:
    return DescribeImage(Runtime(device="cpu"))


def _assert_citations_resolve(result) -> None:
    caption = result.captions[0]
    ids = {item.id for item in result.items()}
    cited = CITED.findall(caption.text)
    assert cited, caption.text
    assert set(cited) == set(caption.sources)
    assert set(caption.sources) <= ids
    assert ids - {caption.id} == set(caption.sources)  # it carries exactly what it cites


# ------------------------------------------------------------------------- composed


@pytest.mark.slow
def test_bus_description_counts_what_the_detector_found_and_cites_it(describer):
    result = describer(samples.BUS)
    caption = result.captions[0]
    assert result.backend == caption.backend == "composed"
    assert caption.id == "C1" and "composed" in caption.text
    counts = Counter(d.label for d in result.detections)
    assert counts["person"] >= 3 and counts["bus"] == 1
    assert f"{counts['person']} persons" in caption.text and "1 bus [D" in caption.text
    for detection in result.detections:
        assert f"[{detection.id}]" in caption.text
    assert "minibus [L1]" in caption.text
    assert re.search(r"brightness \d+ of 255 \(exposure ok\) \[Q\d+\]", caption.text)
    assert "colour image" in caption.text
    _assert_citations_resolve(result)


@pytest.mark.slow
def test_description_says_nothing_its_tools_did_not_report(describer):
    result = describer(samples.BUS)
    text = result.captions[0].text
    named_classes = {label.label for label in result.labels}
    named_colours = {colour.label for colour in result.colours}
    for label, _ids in re.findall(r"(\w[\w ]*?) ((?:\[L\d+\])+)", text):
        assert label.strip() in named_classes
    for colour, _share, _id in re.findall(r"(\w+) (\d+)% \[(K\d+)\]", text):
        assert colour in named_colours
    assert "read_text" not in text  # OCR was not asked for and had not run


@pytest.mark.slow
def test_ocr_is_included_when_asked_and_when_already_read(describer):
    never = describer(samples.PAGE, ocr="never")
    assert never.text_lines == [] and "text read" not in never.captions[0].text
    always = describer(samples.PAGE, ocr="always")
    assert always.text_lines[0].text == "Region-based segmentation"
    assert '"Region-based segmentation" [T1]' in always.captions[0].text
    _assert_citations_resolve(always)
    auto = describer(samples.PAGE, ocr="auto")  # read_text's result for page.png is cached by now
    assert [line.text for line in auto.text_lines] == [line.text for line in always.text_lines]


@pytest.mark.slow
def test_renumbering_carries_into_the_caption_text_and_sources(describer):
    result = describer(samples.BUS)
    counter = itertools.count(10)
    moved = result.renumbered(lambda prefix: f"{prefix}{next(counter)}")
    old_to_new = {a.id: b.id for a, b in zip(result.items(), moved.items(), strict=True)}
    caption = moved.captions[0]
    assert caption.sources == [old_to_new[s] for s in result.captions[0].sources]
    assert CITED.findall(caption.text) == [old_to_new[i] for i in CITED.findall(result.captions[0].text)]
    _assert_citations_resolve(moved)


@pytest.mark.slow
def test_second_identical_call_is_a_cache_hit(describer):
    first = describer(samples.BUS)
    assert describer(samples.BUS) is first


def test_composed_backend_refuses_captioner_arguments(describer):
    with pytest.raises(ToolInputError, match="model='x/y' is for the transformers-captioner backend"):
        describer(samples.BUS, backend="composed", model="x/y")
    with pytest.raises(ToolInputError, match="bad arguments: ocr"):
        describer(samples.BUS, ocr="sometimes")


# -------------------------------------------------------------------- transformers


def _tiny_captioner(folder: Path) -> Path:
    """A randomly initialised ViT encoder + GPT-2 decoder and a BPE tokenizer trained on a few sentences."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        GPT2Config,
        PreTrainedTokenizerFast,
        VisionEncoderDecoderConfig,
        VisionEncoderDecoderModel,
        ViTConfig,
        ViTImageProcessor,
    )

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    sentences = ["a red bus on a street", "two people walk past a bus", "a cat sits on a mat"]
    bpe.train_from_iterator(sentences, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>"
    )
    encoder = ViTConfig(
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        image_size=32,
        patch_size=8,
    )
    decoder = GPT2Config(
        n_embd=32,
        n_layer=1,
        n_head=2,
        n_positions=64,
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        is_decoder=True,
        add_cross_attention=True,
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    config.decoder_start_token_id = tokenizer.bos_token_id
    config.pad_token_id = tokenizer.pad_token_id
    config.eos_token_id = tokenizer.eos_token_id
    VisionEncoderDecoderModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_captioner(tmp_path_factory) -> Path:
    return _tiny_captioner(tmp_path_factory.mktemp("tiny-vit-gpt2"))


@pytest.mark.slow
def test_tiny_random_captioner_runs_through_the_real_transformers_path(tiny_captioner):
    tool = DescribeImage(Runtime(device="cpu"))
    result = tool(samples.BUS, model=str(tiny_captioner), max_new_tokens=5)
    caption = result.captions[0]
    assert result.backend == caption.backend == "transformers-captioner"
    assert result.model == str(tiny_captioner)
    assert isinstance(caption.text, str)
    assert caption.text.startswith(
        f"Caption written by the transformers-captioner backend (model {tiny_captioner})"
    )
    assert caption.sources == [] and result.items() == [caption]
    key = f"transformers-captioner|{tiny_captioner}|cpu"
    assert tool.runtime.models.loaded() == [key]
    assert tool.runtime.models.records[key].load_ms > 0


@pytest.mark.slow
def test_configured_captioner_is_chosen_on_auto(tiny_captioner):
    runtime = Runtime(device="cpu", weights={"transformers-captioner": str(tiny_captioner)})
    tool = DescribeImage(runtime)
    assert tool(samples.ZIDANE, max_new_tokens=3).backend == "transformers-captioner"
    assert tool(samples.ZIDANE, backend="composed", ocr="never").backend == "composed"


@pytest.mark.slow
def test_a_vision_encoder_decoder_folder_takes_no_prompt(tiny_captioner):
    tool = DescribeImage(Runtime(device="cpu"))
    with pytest.raises(ToolInputError, match="takes no text prompt"):
        tool(samples.BUS, model=str(tiny_captioner), prompt="a photo of")


def test_a_hub_model_that_is_not_cached_fails_offline_with_the_fix(describer, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(
        BackendUnavailableError, match="not in the local Hugging Face cache .* HF_HUB_OFFLINE"
    ):
        describer(samples.BUS, model="Salesforce/blip-image-captioning-base")


@pytest.mark.slow
def test_a_hub_model_missing_from_an_empty_cache_entry_fails_to_load(describer, monkeypatch, tmp_path):
    """The cache folder exists but holds no files: the load itself fails, with a one-line reason."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    (tmp_path / "models--acme--no-such-captioner").mkdir()
    with pytest.raises(BackendUnavailableError, match="cannot load model 'acme/no-such-captioner'"):
        describer(samples.BUS, model="acme/no-such-captioner")


def test_a_folder_that_is_not_a_model_is_refused(describer, tmp_path):
    with pytest.raises(BackendUnavailableError, match="not a model folder"):
        describer(samples.BUS, model=str(tmp_path))
    with pytest.raises(BackendUnavailableError, match="not a model folder"):
        describer(samples.BUS, model=str(tmp_path / "missing"))


def test_the_captioner_without_a_model_says_how_to_give_one(describer):
    with pytest.raises(BackendUnavailableError, match="no model given"):
        describer(samples.BUS, backend="transformers-captioner")


@pytest.mark.slow
def test_a_text_only_model_is_not_an_image_to_text_model(describer, tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    GPT2LMHeadModel(
        GPT2Config(n_embd=16, n_layer=1, n_head=2, vocab_size=50, n_positions=16)
    ).save_pretrained(tmp_path)
    with pytest.raises(ToolInputError, match="is not an image-to-text model"):
        describer(samples.BUS, model=str(tmp_path))


def test_card_says_which_backends_run_here(describer):
    card = describer.card()
    assert card.name == "describe_image" and card.evidence_prefixes[0] == "C"
    backends = {b.name: b for b in card.backends}
    assert backends["composed"].available, backends["composed"].detail
    assert not backends["transformers-captioner"].available
    assert "no model given" in backends["transformers-captioner"].detail


@pytest.mark.slow
def test_langchain_face_describes_the_bound_image(describer):
    lc = describer.as_langchain(describer.invoke_on(samples.BUS))
    message = lc.invoke({"type": "tool_call", "name": "describe_image", "id": "d1", "args": {"ocr": "never"}})
    assert message.content.splitlines()[1].startswith("[C1] description")
    assert message.artifact.captions[0].backend == "composed"
    for item in message.artifact.items():
        assert item.id[0] in describer.evidence_prefixes
        if item.box is not None:
            x1, y1, x2, y2 = item.box
            assert 0 <= x1 <= x2 <= 810 and 0 <= y1 <= y2 <= 1080
