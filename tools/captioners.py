"""The backends of ``describe_image``: a transformers image-to-text model, and an offline description
composed from the other tools' evidence."""

from __future__ import annotations

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
from argus.tools.evidence import (
    Colour,
    Detection,
    EvidenceItem,
    ImageLabel,
    Measurement,
    ObjectProposal,
    TextLine,
)
from argus.tools.scene_sentence import CONFIDENT, STRONG

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
        # transformers wraps to() with functools.wraps, whose annotation takes the device for self
        model.to(device).eval()  # type: ignore[arg-type]
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
OBJECTS = "find_objects"  # things on a plain background, looked for when no detection is strong
OCR: tuple[str, dict[str, Any]] = ("read_text", {})
MAX_COLOURED = 6  # the largest confident detections whose colour is named


@dataclass
class Composition:
    caption_text: str
    used: list[EvidenceItem]
    notes: list[str]


class ComposedDescriber(ComposedFacts, Backend):
    """Writes a description from what the other tools report, citing their evidence ids."""

    summary = (
        "Offline: a sentence composed from detect_objects (what, how many, where), classify_image (a finer "
        "name for the main object), analyze_colors_shapes (its colour from its own pixels), assess_quality "
        "(only when the picture fails a check), find_objects (things on a plain background) and, on request, "
        "read_text; every object it names is cited."
    )

    def _tools(self, names: list[str]) -> list[ImageTool]:
        from argus.tools import get_tool

        return [get_tool(name, self.runtime) for name in names]

    def raw_call(self, image: LoadedImage) -> Any:
        """The library work composing needs, by hand: the detector's, classifier's and quality check's raw
        calls, the dominant colours, GrabCut and colour naming for the confident detections, and the
        plain-background objects when there are none: what composing adds is the rest."""
        from argus.tools.analyze_colors_shapes import dominant_colours
        from argus.tools.detector import DetectorBackend
        from argus.tools.object_colour import colour_of_pixels, region_pixels
        from argus.tools.things import describe_things

        outputs: list[Any] = []
        detector, classifier, _, quality = self._tools(list(COMPOSED_FROM))
        detector_backend = detector.select_backend(detector.parse_args(), image)
        assert isinstance(detector_backend, DetectorBackend)
        boxes = detector_backend.detect([image], CONFIDENT, 100)[0]
        outputs.append(boxes)
        outputs.append(classifier.select_backend(classifier.parse_args(), image).raw_call(image))
        outputs.append(quality.select_backend(quality.parse_args(), image).raw_call(image))
        outputs.append(dominant_colours(image.rgb))
        for box in boxes.xyxy[:MAX_COLOURED]:
            outputs.append(colour_of_pixels(*region_pixels(image, box)))
        if not (boxes.scores >= STRONG).any():
            outputs.append(describe_things(image, max(16, int(0.001 * image.width * image.height))))
        return outputs

    def compose(self, image: LoadedImage, ocr: str) -> Composition:
        """Run the component tools (through their caches) and write what they found, citing it."""
        from argus.tools.scene_sentence import describe

        notes: list[str] = []
        results: dict[str, ToolResult] = {}

        def run(name: str, args: dict[str, Any]) -> ToolResult | None:
            tool = self._tools([name])[0]
            try:
                results[name] = tool(image, args)
            except BackendUnavailableError as exc:  # a missing optional model leaves its part out
                notes.append(f"{name} left out: {exc}")
                return None
            return results[name]

        detected = run("detect_objects", COMPOSED_FROM["detect_objects"])
        detections = _items(detected, Detection)
        sure = sorted((d for d in detections if (d.score or 0) >= CONFIDENT), key=_area, reverse=True)
        regions = [{"box": d.box, "source": d.id, "label": d.label} for d in sure[:MAX_COLOURED]]
        run("classify_image", COMPOSED_FROM["classify_image"])
        run("analyze_colors_shapes", {**COMPOSED_FROM["analyze_colors_shapes"], "regions": regions or None})
        run("assess_quality", COMPOSED_FROM["assess_quality"])
        objects = None
        if not any((d.score or 0) >= STRONG for d in detections):
            objects = _items(run(OBJECTS, {}), ObjectProposal)
        lines = None
        if ocr == "always" or (ocr == "auto" and self._tools([OCR[0]])[0].cached(image, OCR[1])):
            read = run(*OCR)
            lines = None if read is None else _items(read, TextLine)
        if not results:
            raise BackendUnavailableError(f"{COMPOSED}: no tool could run: " + "; ".join(notes))
        sentence = describe(
            detections,
            _items(results.get("classify_image"), ImageLabel),
            [c for c in _items(results.get("analyze_colors_shapes"), Colour) if c.source],
            _items(results.get("assess_quality"), Measurement),
            objects,
            lines,
            (image.width, image.height),
        )
        notes.append("composed from the evidence of " + ", ".join(results))
        return Composition(sentence.text, sentence.used, notes)


def _items(result: ToolResult | None, kind: type[EvidenceItem]) -> list[Any]:
    if result is None:
        return []
    return [item for item in result.items() if isinstance(item, kind)]


def _area(detection: Detection) -> float:
    x1, y1, x2, y2 = detection.box
    return max(0.0, x2 - x1) * max(0.0, y2 - y1)
