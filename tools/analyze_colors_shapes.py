"""``analyze_colors_shapes``: dominant colour names, the colour of given objects, and the shapes of
the things in simple scenes (evidence prefixes K for colours, S for shapes)."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.tools.backend_facts import ContourFacts
from argus.tools.base import Backend, ImageTool
from argus.tools.colour_names import COLOUR_NAMES, name_colour, name_colours
from argus.tools.errors import ToolInputError
from argus.tools.evidence import Colour, Shape, ToolResult, numbered
from argus.tools.object_colour import colour_of_pixels, in_front, region_pixels
from argus.tools.things import describe_things

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

COLOUR_SAMPLE = 250_000  # pixels named for the colour shares (a strided sample of larger images)
MAX_REGIONS = 100
EVIDENCE_ID = r"^[A-Z][0-9]{1,6}$"


class Region(BaseModel):
    """An object whose colour is wanted: its box, optionally its mask and where it came from."""

    model_config = ConfigDict(extra="forbid")

    box: list[float] = Field(description="[x1, y1, x2, y2] in original-image pixels.")
    rle: dict[str, Any] | None = Field(
        default=None,
        description="The object's mask as COCO uncompressed RLE {'size': [h, w], 'counts': [...]} (a segment "
        "mask's rle); without it the object is told from its background inside the box.",
    )
    source: str | None = Field(
        default=None, pattern=EVIDENCE_ID, description="Evidence id of the object, e.g. D2 or M1."
    )
    label: str | None = Field(default=None, max_length=100, description="What the object is, e.g. 'bus'.")

    @field_validator("box")
    @classmethod
    def _xyxy(cls, box: list[float]) -> list[float]:
        if len(box) != 4:
            raise ValueError(f"a box is [x1, y1, x2, y2], got {len(box)} numbers")
        if not all(math.isfinite(v) for v in box):
            raise ValueError(f"box coordinates must be finite numbers, got {box}")
        if box[2] <= box[0] or box[3] <= box[1]:
            raise ValueError(f"a box needs x2 > x1 and y2 > y1, got {box}")
        return box


class AnalyzeColorsShapesInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_colours: int = Field(
        default=6, ge=1, le=len(COLOUR_NAMES), description="List at most this many colours."
    )
    min_fraction: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Leave out colours covering less than this share of the image.",
    )
    shapes: bool = Field(default=True, description="Also find and classify object outlines.")
    min_area: int | None = Field(
        default=None,
        ge=1,
        description="Smallest shape in pixels. Default: 0.05% of the image, at least 30 px.",
    )
    max_shapes: int = Field(
        default=100, ge=1, le=1000, description="List at most this many shapes, largest first."
    )
    regions: list[Region] | None = Field(
        default=None,
        max_length=MAX_REGIONS,
        description="Objects to name the colour of, e.g. detections: each {box, rle (optional mask), source "
        "(its evidence id), label}. Each gets a colour item of its own pixels, with a second colour when "
        "it is two-toned.",
    )


class ColorsShapes(ToolResult):
    colours: list[Colour] = Field(
        description="K1, K2, ...: named colours by share of the image, largest first."
    )
    object_colours: list[Colour] = Field(
        default_factory=list,
        description="One colour item per given region, in the order given, numbered after the image's.",
    )
    shapes: list[Shape] = Field(
        description="S1, S2, ...: outlines by area, each with its shape name, colour and size."
    )
    background: str | None = Field(
        default=None, description="Colour name of the background the shapes stand on."
    )
    shape_counts: dict[str, int] = Field(description="Listed shapes per shape name, e.g. {'circle': 3}.")
    colour_counts: dict[str, int] = Field(description="Listed shapes per colour name, e.g. {'red': 3}.")
    counts: dict[str, int] = Field(description="Listed shapes per 'colour shape', e.g. {'red circle': 3}.")


class ContourBackend(ContourFacts, Backend):
    summary = (
        "Colour names by the nearest named swatch in CIELAB (CIEDE2000); things told from a plain background "
        "(a smooth Lab model of it, or of a wall and a floor meeting at a straight horizon; shadows trimmed) "
        "and from each other where two clean colours touch (a shape drawn on another, a ball on a box), "
        "their outlines named by how they fill their enclosing circle, rectangle, triangle and ellipse, "
        "shaded ones as solids (a box by its evenly lit faces); object colours from the object's mask or "
        "GrabCut's foreground in its box; CPU, no weights."
    )
    install_hint = "pip install opencv-python scikit-image"

    def raw_call(self, image: LoadedImage) -> Any:
        """The pipeline without the tool around it: name the sampled pixels, find and classify outlines."""
        return dominant_colours(image.rgb), describe_things(image, default_min_area(image))


class AnalyzeColorsShapes(ImageTool):
    name = "analyze_colors_shapes"
    description = (
        "Names the image's dominant colours (red, orange, yellow, green, blue, purple, pink, brown, black, "
        "white, gray) with their share of the image (ids K1, K2, ...); with regions (boxes of objects, e.g. "
        "detections, optionally with their masks and evidence ids), names each object's own colour from its "
        "pixels, with a finer shade (navy, teal, maroon, beige, ...) and a second colour when it is "
        "two-toned; and finds the things standing out from a plain background, naming each outline circle, "
        "ellipse, triangle, square, rectangle, pentagon, hexagon, star or other, or for shaded 3D renders "
        "sphere, cube or cylinder, with its colour, size (small, medium, large), box and area (ids S1, "
        "S2, ...), plus counts per shape, per colour and per 'colour shape'. Use it for 'what colour is "
        "the bus' (regions from detect_objects), 'how many red circles', 'what colour is the background' or "
        "the main colours of a photo. Optional: regions, max_colours, min_fraction, shapes, min_area, "
        "max_shapes."
    )
    Input = AnalyzeColorsShapesInput
    Output = ColorsShapes
    evidence_prefixes = ("K", "S")
    limitations = (
        "Shapes assume a plain background: in cluttered photos the outlines are regions of 'other' shape, "
        "not objects (a note says so).",
        "Touching or overlapping shapes of similar colour merge into one outline (of different colours they "
        "are told apart); gray or black solids on a gray floor can lose their shadowed side.",
        "Colour names follow the pixels as captured: lighting and white balance change them; an object's "
        "colour without a mask comes from GrabCut inside its box and can include what the object holds "
        "(a cup's coffee).",
    )
    examples = (
        "argus colors coins.png",
        "argus colors bus.jpg --json",
        "argus colors coins.png --no-shapes",
    )
    backend_types = (ContourBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self._backends[ContourBackend.name]

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> ColorsShapes:
        assert isinstance(args, AnalyzeColorsShapesInput)
        colours = self._colours(image, args)
        object_colours = self._object_colours(image, args.regions or [], len(colours))
        shapes: list[Shape] = []
        background = None
        notes = []
        if args.shapes:
            foreground, found = describe_things(image, args.min_area or default_min_area(image))
            background = name_colour(foreground.background_rgb)
            if not foreground.plain:
                notes.append(
                    f"the background ({background}) fits only {100 * foreground.border_fit:.0f}% of the image "
                    f"border and covers {100 * foreground.background_share:.0f}% of the image: no plain "
                    "background, so the outlines are regions rather than objects"
                )
            if len(found) > args.max_shapes:
                notes.append(f"{len(found)} shapes found; the largest {args.max_shapes} are listed")
            shapes = [
                Shape(
                    id=numbered("S", i),
                    tool=self.name,
                    label=thing.shape,
                    box=thing.box,
                    area_px=thing.area,
                    colour=thing.colour,
                    shade=thing.shade,
                    size=thing.size,
                )
                for i, thing in enumerate(found[: args.max_shapes])
            ]
        return ColorsShapes(
            **self.result_fields(image, backend),
            notes=notes,
            colours=colours,
            object_colours=object_colours,
            shapes=shapes,
            background=background,
            shape_counts=dict(Counter(s.label for s in shapes)),
            colour_counts=dict(Counter(s.colour for s in shapes if s.colour)),
            counts=dict(Counter(f"{s.colour} {s.label}" for s in shapes)),
        )

    def _colours(self, image: LoadedImage, args: AnalyzeColorsShapesInput) -> list[Colour]:
        found = [c for c in dominant_colours(image.rgb) if c[1] >= args.min_fraction]
        return [
            Colour(
                id=numbered("K", rank),
                tool=self.name,
                label=COLOUR_NAMES[index],
                rgb=[int(round(v)) for v in mean],
                fraction=round(share, 4),
            )
            for rank, (index, share, mean) in enumerate(found[: args.max_colours])
        ]

    def _object_colours(self, image: LoadedImage, regions: list[Region], first: int) -> list[Colour]:
        """One colour item per region, from its own pixels, without those of smaller objects in front."""
        masks = [_region_mask(image, region, i) for i, region in enumerate(regions)]
        boxes = [region.box for region in regions]
        out = []
        for i, (region, mask, front) in enumerate(zip(regions, masks, in_front(boxes), strict=True)):
            exclude = None
            if front:
                exclude = np.zeros((image.height, image.width), bool)
                for j in front:
                    exclude |= masks[j] if masks[j] is not None else _box_mask(image, boxes[j])
            pixels, weights = region_pixels(image, region.box, mask, exclude)
            found = colour_of_pixels(pixels, weights)
            if found is None:
                raise ToolInputError(
                    f"{self.name}: region {i + 1} ({_brief_box(region.box)}) holds no pixels of the "
                    f"{image.width}x{image.height} image"
                )
            out.append(
                Colour(
                    id=numbered("K", first + i),
                    tool=self.name,
                    label=found.colour,
                    box=_clip_box(region.box, image.width, image.height),
                    rgb=list(found.rgb),
                    fraction=found.fraction,
                    shade=found.shade,
                    source=region.source,
                    object_label=region.label,
                    second_colour=found.second,
                    second_shade=found.second_shade,
                    second_fraction=found.second_fraction,
                )
            )
        return out


def dominant_colours(rgb: np.ndarray) -> list[tuple[int, float, np.ndarray]]:
    """(index into ``COLOUR_NAMES``, share of the pixels, mean RGB of those pixels) for every colour
    name present, largest share first."""
    pixels = colour_sample(rgb)
    names = name_colours(pixels)
    counts = np.bincount(names, minlength=len(COLOUR_NAMES))
    sums = np.stack(
        [np.bincount(names, weights=pixels[:, c], minlength=len(COLOUR_NAMES)) for c in range(3)], axis=1
    )
    order = np.argsort(-counts, kind="stable")
    return [(int(i), counts[i] / len(names), sums[i] / counts[i]) for i in order if counts[i] > 0]


def colour_sample(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) pixels: all of them, or an even stride over a large image (about ``COLOUR_SAMPLE``)."""
    step = max(1, int(math.sqrt(rgb.shape[0] * rgb.shape[1] / COLOUR_SAMPLE)))
    return rgb[::step, ::step].reshape(-1, 3)


def default_min_area(image: LoadedImage) -> int:
    """0.05% of the image, at least 30 px."""
    return max(30, int(0.0005 * image.width * image.height))


def _region_mask(image: LoadedImage, region: Region, index: int) -> np.ndarray | None:
    """The region's RLE as a full-image boolean mask, or None; an RLE of another size is an error."""
    if region.rle is None:
        return None
    from argus.tools.masks import decode_rle

    mask = decode_rle(region.rle)
    if mask.shape != (image.height, image.width):
        raise ToolInputError(
            f"analyze_colors_shapes: region {index + 1}'s mask is {mask.shape[1]}x{mask.shape[0]} but the "
            f"image is {image.width}x{image.height}"
        )
    return mask


def _box_mask(image: LoadedImage, box: list[float]) -> np.ndarray:
    mask = np.zeros((image.height, image.width), bool)
    x1, y1, x2, y2 = (int(round(v)) for v in _clip_box(box, image.width, image.height))
    mask[y1:y2, x1:x2] = True
    return mask


def _clip_box(box: list[float], width: int, height: int) -> list[float]:
    return [
        float(min(max(box[0], 0), width)),
        float(min(max(box[1], 0), height)),
        float(min(max(box[2], 0), width)),
        float(min(max(box[3], 0), height)),
    ]


def _brief_box(box: list[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in box) + "]"
