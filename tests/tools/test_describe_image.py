"""describe_image: the offline composed description on real photos (what it says, what it cites),
and the transformers captioner's real loading path on a tiny random model built here."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

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


def _assert_reads_as_prose(text: str) -> None:
    """No backend or tool names, versions, metric names, raw measurements or Python reprs."""
    for word in ("composed", "backend", "detect_objects", "classify_image", "analyze_colors_shapes", "score"):
        assert word not in text, text
    assert not re.search(r"\d+ of 255|\d\.\d|\bversion\b|'", text), text
    assert text[0].isupper() and text.endswith("."), text


@pytest.mark.slow
def test_bus_is_a_sentence_about_a_blue_bus_with_people_in_front_of_it(describer):
    result = describer(samples.BUS)
    caption = result.captions[0]
    assert result.backend == caption.backend == "composed" and caption.id == "C1"
    bus = next(d for d in result.detections if d.label == "bus")
    people = [d for d in result.detections if d.label == "person"]
    colour = next(c for c in result.colours if c.source == bus.id)
    assert colour.label == "blue"
    assert caption.text.startswith(f"A photo of a blue minibus [{bus.id}][L1][{colour.id}]")
    assert re.search(r"with three people (\[D\d\]){3} in front of it", caption.text)
    for person in people:
        assert f"[{person.id}]" in caption.text
    _assert_reads_as_prose(caption.text)
    _assert_citations_resolve(result)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (samples.ZIDANE, [r"^A photo of two people \[D\d\]\[D\d\] dressed in black", r"on the right"]),
        (
            samples.CHELSEA,
            [r"^A photo of a brown Egyptian cat \[D1\]\[L1\]\[K\d\]", r"possibly with a bed \[D2\]"],
        ),
        (samples.COFFEE, [r"a cup \[D\d\]", r"It looks like an espresso \[L1\]\."]),
        (samples.ROCKET, [r"^A photo of what looks like a projectile or a missile \[L1\]\[L2\]\.$"]),
        (
            samples.COINS,
            [r"^A black-and-white picture \[Q\d+\] of 24 objects on a plain background: 24 circles"],
        ),
        (
            samples.SUITES / "shapes.png",
            [
                r"^A picture of six objects on a plain background:",
                r"three red circles (\[O\d\]){3}",
                r"two blue squares (\[O\d\]){2}",
                r"a green triangle \[O\d\]",
            ],
        ),
    ],
    ids=["zidane", "chelsea", "coffee", "rocket", "coins", "shapes"],
)
def test_each_photo_gets_a_sentence_naming_what_is_there(describer, image, expected):
    caption = describer(image, ocr="never").captions[0]
    for pattern in expected:
        assert re.search(pattern, caption.text), (pattern, caption.text)
    _assert_reads_as_prose(caption.text)
    _assert_citations_resolve(describer(image, ocr="never"))


@pytest.mark.slow
def test_a_rendered_shape_scene_is_counted_by_colour_and_shape(describer):
    from tests.support.scenes import draw_flat

    image = Image.new("RGB", (4 * 320, 4 * 240), "white")
    draw = ImageDraw.Draw(image)
    for centre, shape, rgb in (
        ((60, 60), "circle", (220, 30, 30)), ((170, 60), "circle", (220, 30, 30)),
        ((270, 70), "triangle", (30, 90, 210)), ((80, 170), "square", (40, 160, 60)),
        ((220, 170), "star", (250, 140, 0)),
    ):  # fmt: skip
        draw_flat(draw, shape, centre, 35, 0.3, rgb)
    result = describer(np.asarray(image.resize((320, 240), Image.Resampling.BOX)))
    text = result.captions[0].text
    assert text.startswith("A picture of five objects on a plain background: ")
    for phrase in ("two red circles", "a blue triangle", "a green square", "an orange star"):
        assert phrase in text, text
    assert len(result.objects) == 5
    _assert_citations_resolve(result)


@pytest.mark.slow
def test_description_says_nothing_its_tools_did_not_report(describer):
    for image in (samples.BUS, samples.CHELSEA, samples.COFFEE):
        result = describer(image)
        text = result.captions[0].text
        items = {item.id: item for item in result.items()}
        for cited in CITED.findall(text):
            assert cited in items
        for colour in result.colours:  # every colour said is an object's colour item, cited
            assert colour.source in items and f"[{colour.id}]" in text
        assert "read" not in text  # OCR was not asked for and had not run


@pytest.mark.slow
def test_ocr_is_included_when_asked_and_when_already_read(describer):
    never = describer(samples.PAGE, ocr="never")
    assert never.text_lines == [] and "text" not in never.captions[0].text
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
    bus = next(d for d in moved.detections if d.label == "bus")  # the bus's colour still points at the bus
    assert next(c for c in moved.colours if c.label == "blue").source == bus.id
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
    assert isinstance(caption.text, str) and caption.text.endswith(".")  # the model's words, as a sentence
    assert any(str(tiny_captioner) in note and "cites no evidence" in note for note in result.notes)
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
