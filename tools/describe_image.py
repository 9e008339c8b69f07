"""``describe_image``: a caption for the image, from a transformers image-to-text model or, offline,
composed from the other tools' evidence (which it cites)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import CAPTIONER, COMPOSED
from argus.tools.base import Backend, ImageTool
from argus.tools.captioners import ComposedDescriber, TransformersCaptioner
from argus.tools.errors import ToolInputError
from argus.tools.evidence import (
    CITATION,
    Caption,
    Colour,
    Detection,
    ImageLabel,
    Measurement,
    ObjectProposal,
    TextLine,
    ToolResult,
)

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage


class DescribeImageInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "composed", "transformers-captioner"] = Field(
        default="auto",
        description="'auto' uses a transformers captioner when a model is given or configured, else 'composed' "
        "(offline: a description built from the other tools' evidence, with their ids).",
    )
    model: str | None = Field(
        default=None,
        max_length=4096,
        description="Hub id or local folder of a transformers image-to-text model, e.g. "
        "'Salesforce/blip-image-captioning-base'; implies the transformers-captioner backend.",
    )
    prompt: str | None = Field(
        default=None,
        max_length=1000,
        description="Text prompt for captioners that take one (a BLIP or GIT prefix such as 'a photo of', a "
        "Florence-2 task token such as '<MORE_DETAILED_CAPTION>'; Florence-2 defaults to '<CAPTION>').",
    )
    max_new_tokens: int = Field(default=40, ge=1, le=512, description="Longest caption a model may write.")
    ocr: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="Composed backend: include text read by read_text 'always', 'never', or on 'auto' only when "
        "that text was already read for this image (OCR costs about a second).",
    )


class DescribeResult(ToolResult):
    """The caption, and for a composed one the evidence it cites, so its ids resolve within this result."""

    captions: list[Caption] = Field(description="C1: the description, saying which backend wrote it.")
    detections: list[Detection] = Field(default_factory=list)
    labels: list[ImageLabel] = Field(default_factory=list)
    colours: list[Colour] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    text_lines: list[TextLine] = Field(default_factory=list)
    objects: list[ObjectProposal] = Field(default_factory=list)
    model: str | None = Field(default=None, description="The captioning model (hub id or folder), if any.")

    def _with_ids(self, mapping: dict[str, str]) -> Self:
        """Renumbered ids follow into each caption's ``sources`` and the citations inside its text."""
        renumbered = super()._with_ids(mapping)
        for caption in renumbered.captions:
            caption.sources = [mapping.get(source, source) for source in caption.sources]
            caption.text = CITATION.sub(lambda m: f"[{mapping.get(m[1], m[1])}]", caption.text)
        return renumbered


class DescribeImage(ImageTool):
    name = "describe_image"
    description = (
        "Describes the whole image in a sentence (id C1). Offline it composes one from the other tools: the "
        "main object with its colour and the classifier's finer name for it, the other objects counted and "
        "placed against it ('with three people in front of it'), less certain detections as 'possibly', the "
        "things on a plain background when the detector knows none, failed quality checks and, when asked "
        "(ocr='always'), the text; every object it names is cited ([D1], [L1], [K1], [O1], [Q1], [T1]) and "
        "the result carries those items. With a transformers image-to-text model (model='hub id or "
        "folder'), the caption is the model's own sentence, which cites nothing. The caption's backend "
        "field says which wrote it. Use it for 'what is in this picture?' questions."
    )
    Input = DescribeImageInput
    Output = DescribeResult
    evidence_prefixes = ("C", "D", "L", "K", "Q", "T", "O")
    limitations = (
        "The composed description says only what its tools report: the detector's 80 COCO classes, the "
        "nearest ImageNet class, colour names, failed quality checks; it does not say what people are doing "
        "or where the scene is.",
        "No captioning model ships offline: the transformers backend needs a model id (downloaded once) or folder.",
        "Model captions are unverified sentences from the model; they cite no evidence.",
    )
    examples = (
        "argus describe bus.jpg",
        "argus describe page.png --ocr always --json",
        "argus describe photo.jpg --model Salesforce/blip-image-captioning-base",
    )
    backend_types = (ComposedDescriber, TransformersCaptioner)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        assert isinstance(args, DescribeImageInput)
        if args.model is not None:
            if args.backend == COMPOSED:
                raise ToolInputError(
                    f"describe_image: model={args.model!r} is for the {CAPTIONER} backend, not {COMPOSED!r}"
                )
            return TransformersCaptioner(self.runtime, model=args.model)
        if args.backend == "auto":
            return self.backend(CAPTIONER if self.runtime.weights.get(CAPTIONER) else COMPOSED)
        return self.backend(args.backend)

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> DescribeResult:
        assert isinstance(args, DescribeImageInput)
        common = self.result_fields(image, backend)
        if isinstance(backend, TransformersCaptioner):
            text = backend.generate(image, args.prompt, args.max_new_tokens)
            caption = Caption(
                id="C1", tool=self.name, label="caption", text=_as_sentence(text), backend=backend.name
            )
            notes = [f"the caption is the sentence of the model {backend.weights()}; it cites no evidence"]
            return DescribeResult(**common, captions=[caption], model=backend.weights(), notes=notes)

        assert isinstance(backend, ComposedDescriber)
        if args.prompt is not None:
            raise ToolInputError(f"describe_image: prompt is for the {CAPTIONER} backend, not {COMPOSED!r}")
        composition = backend.compose(image, args.ocr)
        caption = Caption(
            id="C1",
            tool=self.name,
            label="description",
            text=composition.caption_text,
            backend=backend.name,
            sources=[item.id for item in composition.used],
        )
        used = composition.used
        return DescribeResult(
            **common,
            notes=composition.notes,
            captions=[caption],
            detections=[i for i in used if isinstance(i, Detection)],
            labels=[i for i in used if isinstance(i, ImageLabel)],
            colours=[i for i in used if isinstance(i, Colour)],
            measurements=[i for i in used if isinstance(i, Measurement)],
            text_lines=[i for i in used if isinstance(i, TextLine)],
            objects=[i for i in used if isinstance(i, ObjectProposal)],
        )


def _as_sentence(text: str) -> str:
    """A model's caption as a sentence: capital first letter, a full stop at the end."""
    text = " ".join(text.split())
    if not text:
        return "The model wrote no caption."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
