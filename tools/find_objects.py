"""``find_objects``: the distinct things on a plain background, whatever they are (evidence prefix O).

The detector counts its 80 COCO classes; this counts everything that stands apart from a plain
background (coins, blocks, shapes, parts on a bench) with its box, area, colour, shape and size. A
separate tool rather than another mode of ``segment`` because its answer is a count with a refusal
attached: on a cluttered photo there is no background to stand apart from, so instead of counting
pieces of the scene it returns no objects and says why.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import ForegroundFacts
from argus.tools.base import Backend, ImageTool
from argus.tools.evidence import ObjectProposal, ToolResult, numbered
from argus.tools.masks import CropMask
from argus.tools.things import describe_things

if TYPE_CHECKING:
    from argus.tools.foreground import Foreground
    from argus.tools.image_io import LoadedImage
    from argus.tools.things import Thing

ONE_THING = 0.85  # a thing this much of everything's silhouette is the whole itself
MAX_COUNTABLE = 40  # more separate pieces than this are texture, text or noise, not a set of objects


class FindObjectsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_area: int | None = Field(
        default=None,
        ge=1,
        description="Smallest object in pixels. Default: 0.1% of the image, at least 16 px.",
    )
    max_objects: int = Field(default=100, ge=1, le=1000, description="List at most this many, largest first.")
    masks: bool = Field(default=False, description="Give each object's mask as COCO RLE.")


class FindObjectsResult(ToolResult):
    objects: list[ObjectProposal] = Field(
        default_factory=list, description="O1, O2, ...: the objects, largest first."
    )
    count: int | None = Field(
        description="How many objects stand apart from the background; None when the image has no plain "
        "background (a cluttered photo) or too many pieces to be objects, and nothing was counted."
    )
    background: str | None = Field(default=None, description="Colour name of the background.")
    plain_background: bool = Field(description="Whether the image is things on a plain background.")
    shape_counts: dict[str, int] = Field(default_factory=dict, description="Objects per shape name.")
    colour_counts: dict[str, int] = Field(default_factory=dict, description="Objects per colour name.")
    whole: ObjectProposal | None = Field(
        default=None,
        description="Everything on the background taken together, where it makes one outline of a known "
        "shape that no single object gives (a logo of several coloured pieces, a colour wheel filling the "
        "frame), with its colours; numbered after the objects.",
    )


class ForegroundBackend(ForegroundFacts, Backend):
    summary = (
        "Things that differ from a smooth model of the background's colour (CIELAB, shadows trimmed), or "
        "threshold regions split at their necks for grayscale photos; refuses cluttered scenes; CPU."
    )
    install_hint = "pip install opencv-python scikit-image scipy"

    def raw_call(self, image: LoadedImage) -> Any:
        return describe_things(image, default_min_area(image))


class FindObjects(ImageTool):
    name = "find_objects"
    description = (
        "Finds and counts the distinct things standing apart from a plain background, of any kind (coins, "
        "blocks, shapes, parts on a table: not only the detector's 80 COCO classes), each with its box, "
        "area, colour, shape (circle, square, sphere, cube, cylinder, ... where clear) and size (small, "
        "medium, large) (ids O1, O2, ...). On a cluttered photo (a street, a room) it counts nothing and "
        "says so: use detect_objects there. Use it for 'how many objects/things/items are there?'. "
        "Optional: min_area, max_objects, masks."
    )
    Input = FindObjectsInput
    Output = FindObjectsResult
    evidence_prefixes = ("O",)
    limitations = (
        "Needs a plain background (a table, floor, page or sky of one smooth colour); cluttered photos get "
        "no count.",
        "Touching things of one colour count as one unless the image is grayscale (then they are split at "
        "their necks); a thing the colour of the background is missed.",
        f"More than {MAX_COUNTABLE} separate pieces are taken for texture, text or noise and not counted, "
        "unless they are the cells of a regular grid (a chessboard).",
    )
    examples = (
        'get_tool("find_objects")("coins.png").count',
        'get_tool("find_objects")("blocks.png", masks=True)',
    )
    backend_types = (ForegroundBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self.backend(ForegroundBackend.name)

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> FindObjectsResult:
        assert isinstance(args, FindObjectsInput)
        from argus.tools.colour_names import name_colour

        foreground, found = describe_things(image, args.min_area or default_min_area(image))
        background = name_colour(foreground.background_rgb)
        counted = foreground.plain and (len(found) <= MAX_COUNTABLE or foreground.method == "grid")
        whole = _whole(image, foreground, found, min(len(found), args.max_objects) if counted else 0)
        common = {**self.result_fields(image, backend), "background": background, "whole": whole}
        if not foreground.plain:
            note = (
                f"no plain background: only {100 * foreground.border_fit:.0f}% of the image border is one "
                f"smooth background colour and {100 * foreground.background_share:.0f}% of the image is "
                "background, so the regions found are pieces of the scene rather than objects; nothing was "
                "counted (detect_objects counts the classes it knows)"
            )
            return FindObjectsResult(**common, count=None, plain_background=False, notes=[note])
        if len(found) > MAX_COUNTABLE and foreground.method != "grid":  # a board's cells are countable
            note = (
                f"{len(found)} separate pieces stand apart from the background: more than {MAX_COUNTABLE} "
                "is texture, text or noise rather than a set of objects, so nothing was counted"
            )
            return FindObjectsResult(**common, count=None, plain_background=True, notes=[note])
        notes = []
        if len(found) > args.max_objects:
            notes.append(f"{len(found)} objects found; the largest {args.max_objects} are listed")
        objects = [
            ObjectProposal(
                id=numbered("O", i),
                tool=self.name,
                label="object",
                box=thing.box,
                area_px=thing.area,
                area_fraction=round(thing.area / (image.width * image.height), 6),
                colour=thing.colour,
                shade=thing.shade,
                shape=None if thing.shape == "other" else thing.shape,
                size=thing.size,
                rle=CropMask(thing.mask, *thing.origin).rle(image.height, image.width)
                if args.masks
                else None,
            )
            for i, thing in enumerate(found[: args.max_objects])
        ]
        return FindObjectsResult(
            **common,
            notes=notes,
            objects=objects,
            count=len(found),
            plain_background=True,
            shape_counts=dict(Counter(o.shape for o in objects if o.shape)),
            colour_counts=dict(Counter(o.colour for o in objects if o.colour)),
        )


def _whole(
    image: LoadedImage, foreground: Foreground, found: list[Thing], listed: int
) -> ObjectProposal | None:
    """The silhouette of all the things as one object, unless one thing of its shape is most of it (a sign
    with writing on it is the sign; a single thing is itself)."""
    from argus.tools.silhouette import find_silhouette

    silhouette = find_silhouette(image, foreground)
    largest = max(found, key=lambda thing: thing.area, default=None)
    if silhouette is None or (
        largest is not None
        and largest.area >= ONE_THING * silhouette.area
        and largest.shape == silhouette.shape
    ):
        return None
    colours = [name for name, _ in silhouette.colours]
    return ObjectProposal(
        id=numbered("O", listed),
        tool=FindObjects.name,
        label="whole",
        box=silhouette.box,
        area_px=silhouette.area,
        area_fraction=round(silhouette.area / (image.width * image.height), 6),
        colour=colours[0] if colours else None,
        shape=silhouette.shape,
        colours=colours,
    )


def default_min_area(image: LoadedImage) -> int:
    """0.1% of the image, at least 16 px (the segment tool's regions use the same)."""
    return max(16, int(0.001 * image.width * image.height))
