"""The backends of ``describe_image``: a transformers image-to-text model, and an offline description
composed from the other tools' evidence."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.tools.backend_facts import (
    CAPTIONER,
    COMPOSED,
    COMPOSED_FROM,
    CaptionerFacts,
    ComposedFacts,
    hub_offline,
    looks_like_path,
)
from argus.tools.base import Backend
from argus.tools.errors import BackendUnavailableError, ToolInputError
from argus.tools.evidence import Colour, Detection, EvidenceItem, ImageLabel, Measurement, TextLine

if TYPE_CHECKING:
    from argus.tools.base import ImageTool
    from argus.tools.evidence import ToolResult
    from argus.tools.image_io import LoadedImage

# --------------------------------------------------------------------------- transformers


@dataclass
class LoadedCaptioner:
    """A transformers image-to-text model with what turns images into its inputs and tokens into text."""

    model: Any
    processor: Any  # a ProcessorMixin, or an image processor when the folder has no processor
    tokenizer: Any
    device: str
    dtype: Any
    takes_prompt: bool


class TransformersCaptioner(CaptionerFacts, Backend):
    """Any transformers image-to-text model (BLIP, GIT, ViT-GPT2, Florence-2, ...) by hub id or folder."""

    summary = (
        "A transformers image-to-text model (BLIP, GIT, ViT-GPT2 VisionEncoderDecoder, Florence-2, ...) by "
        "hub id or local folder, through AutoModelForImageTextToText; cuda with float16 when available."
    )
    install_hint = "needs transformers and torch, and a model: --model HUB_ID_OR_FOLDER"

    def device(self) -> str:
        return self.runtime.resolved_device

    def load(self) -> LoadedCaptioner:
        import torch
        from transformers import AutoImageProcessor, AutoModelForImageTextToText, AutoProcessor, AutoTokenizer

        source = self.weights()
        assert source is not None  # model() calls require() first
        if looks_like_path(source):
            source = str(Path(source).expanduser())
        device = self.device()
        dtype = torch.float16 if self.runtime.use_half and device.startswith("cuda") else torch.float32
        options = {"local_files_only": hub_offline()}
        try:
            model = AutoModelForImageTextToText.from_pretrained(source, dtype=dtype, **options)
            processor = AutoProcessor.from_pretrained(source, **options)
            if hasattr(processor, "image_processor"):
                tokenizer = processor.tokenizer
                takes_prompt = True
            else:  # VisionEncoderDecoder folders: AutoProcessor finds only the tokenizer
                tokenizer = AutoTokenizer.from_pretrained(source, **options)
                processor = AutoImageProcessor.from_pretrained(source, **options)
                takes_prompt = False
        except OSError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BackendUnavailableError(f"{CAPTIONER}: cannot load model {source!r}: {reason}") from None
        except ValueError as exc:  # the config names a model that is not an image-to-text model
            reason = str(exc).strip().splitlines()[0]
            raise ToolInputError(f"{CAPTIONER}: {source!r} is not an image-to-text model: {reason}") from None
        model.to(device).eval()
        return LoadedCaptioner(model, processor, tokenizer, device, dtype, takes_prompt)

    def inputs(self, captioner: LoadedCaptioner, image: LoadedImage, prompt: str | None) -> Any:
        if prompt is None and getattr(captioner.model.config, "model_type", "") == "florence2":
            prompt = "<CAPTION>"  # Florence-2 is steered by a task token and needs one
        if prompt is not None and not captioner.takes_prompt:
            raise ToolInputError(f"{CAPTIONER}: this model ({self.weights()}) takes no text prompt")
        kwargs: dict[str, Any] = {"images": image.pil(), "return_tensors": "pt"}
        if prompt is not None:
            kwargs["text"] = prompt
        batch = captioner.processor(**kwargs).to(captioner.device)
        if "pixel_values" in batch:
            batch["pixel_values"] = batch["pixel_values"].to(captioner.dtype)
        return batch

    def generate(self, image: LoadedImage, prompt: str | None, max_new_tokens: int) -> str:
        captioner: LoadedCaptioner = self.model()
        import torch

        batch = self.inputs(captioner, image, prompt)
        with torch.inference_mode():
            tokens = captioner.model.generate(**batch, max_new_tokens=max_new_tokens)
        return captioner.tokenizer.batch_decode(tokens, skip_special_tokens=True)[0].strip()

    def raw_call(self, image: LoadedImage) -> Any:
        captioner: LoadedCaptioner = self.model()
        batch = self.inputs(captioner, image, None)
        tokens = captioner.model.generate(**batch, max_new_tokens=30)
        return captioner.tokenizer.batch_decode(tokens, skip_special_tokens=True)


# ------------------------------------------------------------------------------ composed

# The tools a composed description is built from, with the arguments it calls them with.
OCR = ("read_text", {})
TOP_CLASS_SHARE = 0.1  # further ImageNet classes are named when at least this probable
MAX_TEXT_LINES = 5
# Plurals that adding "s" or "es" gets wrong, for the COCO labels.
IRREGULAR = {"mouse": "mice", "knife": "knives", "sheep": "sheep", "skis": "skis", "scissors": "scissors"}


def plural(label: str, count: int) -> str:
    if count == 1:
        return label
    head, _, last = label.rpartition(" ")
    if last in IRREGULAR:
        word = IRREGULAR[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def cite(items: list[EvidenceItem]) -> str:
    return "".join(f"[{item.id}]" for item in items)


@dataclass
class Composition:
    caption_text: str
    used: list[EvidenceItem]
    notes: list[str]


class ComposedDescriber(ComposedFacts, Backend):
    """Writes a description from what the other tools report, citing their evidence ids."""

    summary = (
        "Offline: a factual description composed from detect_objects, classify_image (ImageNet top classes), "
        "analyze_colors_shapes (dominant colours), assess_quality (brightness) and, on request, read_text."
    )

    def _tools(self, names: list[str]) -> list[ImageTool]:
        from argus.tools import get_tool

        return [get_tool(name, self.runtime) for name in names]

    def raw_call(self, image: LoadedImage) -> Any:
        """The component tools' own raw backend calls on this image: what composing adds is the rest."""
        outputs = []
        for tool in self._tools(list(COMPOSED_FROM)):
            args = tool.parse_args(COMPOSED_FROM[tool.name])
            outputs.append(tool.select_backend(args, image).raw_call(image))
        return outputs

    def compose(self, image: LoadedImage, ocr: str) -> Composition:
        """Run the component tools (through their caches) and write what they found, citing it."""
        plan = dict(COMPOSED_FROM)
        ocr_tool = self._tools([OCR[0]])[0]
        if ocr == "always" or (ocr == "auto" and ocr_tool.cached(image, OCR[1])):
            plan[OCR[0]] = OCR[1]
        results: dict[str, ToolResult] = {}
        notes: list[str] = []
        for tool in self._tools(list(plan)):
            try:
                results[tool.name] = tool(image, plan[tool.name])
            except BackendUnavailableError as exc:  # a missing optional model leaves its part out
                notes.append(f"{tool.name} left out: {exc}")
        if not results:
            raise BackendUnavailableError(f"{COMPOSED}: no tool could run: " + "; ".join(notes))

        used: list[EvidenceItem] = []
        parts: list[str] = []
        for phrase in (_objects, _classes, _colours, _quality, _text):
            part, items = phrase(results)
            if part:
                parts.append(part)
                used.extend(items)
        intro = f"Description composed offline (backend: {COMPOSED}) from {', '.join(results)}: "
        return Composition(intro + "; ".join(parts) + ".", used, notes)


def _items(results: dict[str, ToolResult], tool: str, kind: type[EvidenceItem]) -> list[Any] | None:
    if tool not in results:
        return None
    return [item for item in results[tool].items() if isinstance(item, kind)]


def _objects(results: dict[str, ToolResult]) -> tuple[str, list[EvidenceItem]]:
    detections = _items(results, "detect_objects", Detection)
    if detections is None:
        return "", []
    if not detections:
        return "no objects detected", []
    by_label: dict[str, list[Detection]] = {}
    for detection in detections:
        by_label.setdefault(detection.label, []).append(detection)
    counts = Counter({label: len(items) for label, items in by_label.items()})
    phrases = [f"{n} {plural(label, n)} {cite(by_label[label])}" for label, n in counts.most_common()]
    listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"detected {listed}", list(detections)


def _classes(results: dict[str, ToolResult]) -> tuple[str, list[EvidenceItem]]:
    labels = _items(results, "classify_image", ImageLabel)
    if not labels:
        return "", []
    named = [labels[0], *(label for label in labels[1:] if (label.score or 0) >= TOP_CLASS_SHARE)]
    what = ", ".join(f"{label.label} {cite([label])} ({label.score:.2f})" for label in named)
    heading = "ImageNet top class" if len(named) == 1 else "ImageNet top classes"
    return f"{heading}: {what}", named


def _colours(results: dict[str, ToolResult]) -> tuple[str, list[EvidenceItem]]:
    colours = _items(results, "analyze_colors_shapes", Colour)
    if not colours:
        return "", []
    what = ", ".join(f"{c.label} {c.fraction:.0%} {cite([c])}" for c in colours)
    return f"dominant colours: {what}", colours


def _quality(results: dict[str, ToolResult]) -> tuple[str, list[EvidenceItem]]:
    measurements = _items(results, "assess_quality", Measurement)
    if not measurements:
        return "", []
    by_label = {m.label: m for m in measurements}
    chosen: list[Measurement] = []
    phrases: list[str] = []
    exposure = by_label.get("exposure")
    if exposure is not None:
        chosen.append(exposure)
        phrases.append(
            f"brightness {exposure.value:.0f} of 255 (exposure {exposure.verdict}) {cite([exposure])}"
        )
    colour = by_label.get("colour")
    if colour is not None:
        chosen.append(colour)
        phrases.append(f"{colour.verdict} image {cite([colour])}")
    for m in measurements:
        if m not in chosen and m.verdict not in ("ok", "colour", "grayscale"):
            chosen.append(m)
            phrases.append(f"{m.label} {m.verdict} {cite([m])}")
    return ", ".join(phrases), chosen


def _text(results: dict[str, ToolResult]) -> tuple[str, list[EvidenceItem]]:
    lines = _items(results, "read_text", TextLine)
    if lines is None:
        return "", []
    if not lines:
        return "no text read", []
    shown = lines[:MAX_TEXT_LINES]
    what = ", ".join(f"{json.dumps(line.text, ensure_ascii=False)} {cite([line])}" for line in shown)
    more = f" and {len(lines) - len(shown)} more line(s)" if len(lines) > len(shown) else ""
    return f"text read: {what}{more}", shown
