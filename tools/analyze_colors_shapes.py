"""``analyze_colors_shapes``: dominant colour names and the shapes of the objects in simple scenes
(evidence prefixes K for colours, S for shapes)."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from argus.tools.base import Availability, Backend, ImageTool, module_present, package_version
from argus.tools.colour_names import COLOUR_NAMES, name_colour, name_colours
from argus.tools.evidence import Colour, Shape, ToolResult, numbered
from argus.tools.threshold_regions import threshold_regions

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

COLOUR_SAMPLE = 250_000  # pixels named for the colour shares (a strided sample of larger images)
BACKGROUND_DISTANCE = (
    25.0  # Lab distance (OpenCV's 8-bit Lab) from the border colour up to which a pixel is background
)
CIRCLE_FILL = 0.88  # contour area over its enclosing circle's area; a regular hexagon reaches 0.83
POLYGON_EPSILON = 0.03  # approxPolyDP tolerance as a share of the perimeter
POLYGON_AREA_MATCH = 0.12  # the simplified polygon's area may differ from the contour's by this share
SQUARE_ASPECT = 0.9
PLAIN_BACKGROUND = 0.3  # below this share of background pixels the scene is not "shapes on a background"
ELLIPSE_FILL = (0.92, 1.08)


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


class ColorsShapes(ToolResult):
    colours: list[Colour] = Field(
        description="K1, K2, ...: named colours by share of the image, largest first."
    )
    shapes: list[Shape] = Field(
        description="S1, S2, ...: outlines by area, each with its shape name and colour."
    )
    background: str | None = Field(
        default=None, description="Colour name of the background the shapes stand on."
    )
    shape_counts: dict[str, int] = Field(description="Listed shapes per shape name, e.g. {'circle': 3}.")
    colour_counts: dict[str, int] = Field(description="Listed shapes per colour name, e.g. {'red': 3}.")
    counts: dict[str, int] = Field(description="Listed shapes per 'colour shape', e.g. {'red circle': 3}.")


class ContourBackend(Backend):
    name = "opencv-contours"
    summary = (
        "Colour names by hue/chroma/brightness rules on every pixel; shapes from OpenCV contours of what "
        "differs from the border colour (Lab distance), classified by approxPolyDP vertices, enclosing-circle "
        "fill and ellipse fit; CPU, no weights."
    )
    install_hint = "pip install opencv-python"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}"

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        return Availability(True, "classical image processing, no weights")

    def raw_call(self, image: LoadedImage) -> Any:
        """The pipeline without the tool around it: name the sampled pixels, find and classify outlines."""
        return dominant_colours(image.rgb), find_outlines(image, default_min_area(image))


class AnalyzeColorsShapes(ImageTool):
    name = "analyze_colors_shapes"
    description = (
        "Names the image's dominant colours (red, orange, yellow, green, blue, purple, pink, brown, black, "
        "white, gray) with their share of the image (ids K1, K2, ...), and finds the objects standing out "
        "from the background colour, classifying each outline as circle, ellipse, triangle, square, "
        "rectangle, pentagon, hexagon or other with its colour, box and area (ids S1, S2, ...), plus "
        "counts per shape, per colour and per 'colour shape'. Use it for 'how many red circles', 'what "
        "colour is the background', or the main colours of a photo. Optional: max_colours, min_fraction, "
        "shapes, min_area, max_shapes."
    )
    Input = AnalyzeColorsShapesInput
    Output = ColorsShapes
    evidence_prefixes = ("K", "S")
    limitations = (
        "Shapes assume a plain background (its colour is taken from the image border): in cluttered "
        "photos the outlines are regions of 'other' shape, not objects.",
        "Touching or overlapping shapes of similar colour merge into one outline.",
        "Colour names are coarse (11 names) and follow the pixels as captured: lighting and white balance "
        "change them.",
    )
    examples = ("argus colors coins.png", "argus colors bus.jpg --json", "argus colors coins.png --no-shapes")
    backend_types = (ContourBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self._backends[ContourBackend.name]

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> ColorsShapes:
        colours = self._colours(image, args)
        shapes: list[Shape] = []
        background = None
        notes = []
        if args.shapes:
            min_area = args.min_area or default_min_area(image)
            background_rgb, outlines, background_share = find_outlines(image, min_area)
            background = name_colour(background_rgb)
            if background_share < PLAIN_BACKGROUND:
                notes.append(
                    f"the border colour ({background}) covers only {100 * background_share:.0f}% of the image: "
                    "no plain background, so the outlines are regions rather than objects"
                )
            if len(outlines) > args.max_shapes:
                notes.append(f"{len(outlines)} shapes found; the largest {args.max_shapes} are listed")
            shapes = [
                Shape(
                    id=numbered("S", i),
                    tool=self.name,
                    label=outline["shape"],
                    box=outline["box"],
                    area_px=outline["area"],
                    colour=outline["colour"],
                )
                for i, outline in enumerate(outlines[: args.max_shapes])
            ]
        return ColorsShapes(
            **self.result_fields(image, backend),
            notes=notes,
            colours=colours,
            shapes=shapes,
            background=background,
            shape_counts=dict(Counter(s.label for s in shapes)),
            colour_counts=dict(Counter(s.colour for s in shapes if s.colour)),
            counts=dict(Counter(f"{s.colour} {s.label}" for s in shapes)),
        )

    def _colours(self, image: LoadedImage, args: BaseModel) -> list[Colour]:
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


def find_outlines(image: LoadedImage, min_area: int) -> tuple[np.ndarray, list[dict[str, Any]], float]:
    """The background colour (median of the border), the outlines of the objects on it, largest
    first, each as {shape, box, area, colour}, and the share of the image that is background.
    An outline the image border cuts is "other": its true shape is not in the picture.

    Colour images: objects are what differs from the border colour (Lab distance). Grayscale images
    have only brightness to go by, so they take the ``segment`` tool's threshold regions, which cope
    with uneven lighting and split touching objects.
    """
    import cv2
    from scipy import ndimage

    rgb = image.rgb
    border = np.concatenate((rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]))
    background = np.median(border, axis=0).astype(np.uint8)
    if image.is_grayscale:
        labels = threshold_regions(image.gray, min_area).labels
    else:
        lab = cv2.cvtColor(cv2.medianBlur(rgb, 3), cv2.COLOR_RGB2LAB).astype(np.float32)
        background_lab = cv2.cvtColor(background.reshape(1, 1, 3), cv2.COLOR_RGB2LAB).astype(np.float32)[0, 0]
        foreground = (np.linalg.norm(lab - background_lab, axis=2) > BACKGROUND_DISTANCE).astype(np.uint8)
        labels = cv2.connectedComponents(foreground, connectivity=8)[1]
    height, width = labels.shape
    background_share = float(np.count_nonzero(labels == 0)) / labels.size
    outlines = []
    for index, window in enumerate(ndimage.find_objects(labels), start=1):
        if window is None:
            continue
        region = (labels[window] == index).astype(np.uint8)
        contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        contour = max(contours, key=cv2.contourArea) + [window[1].start, window[0].start]
        area = cv2.contourArea(contour)
        if area < min_area:
            continue
        x, y, w, h = cv2.boundingRect(contour)
        cut = x == 0 or y == 0 or x + w == width or y + h == height
        outlines.append(
            {
                "shape": "other" if cut else classify_contour(contour),  # the frame cuts it: shape unknown
                "box": [float(x), float(y), float(x + w), float(y + h)],
                "area": int(round(area)),
                "colour": _contour_colour(rgb, contour, (x, y, w, h)),
            }
        )
    outlines.sort(key=lambda o: o["area"], reverse=True)
    return background, outlines, background_share


def classify_contour(contour: np.ndarray) -> str:
    """circle, ellipse, triangle, square, rectangle, pentagon, hexagon or other.

    A circle fills its enclosing circle (a regular hexagon fills only 83% of it); a polygon is
    kept only if approxPolyDP's few vertices enclose about the contour's own area, which an ellipse
    cut down to four or six vertices does not.
    """
    import cv2

    area = cv2.contourArea(contour)
    perimeter = cv2.arcLength(contour, True)
    if area <= 0 or perimeter <= 0:
        return "other"
    _, radius = cv2.minEnclosingCircle(contour)
    if area / (math.pi * radius * radius) >= CIRCLE_FILL:
        return "circle"
    approx = cv2.approxPolyDP(contour, POLYGON_EPSILON * perimeter, True)
    vertices = len(approx)
    if 3 <= vertices <= 6 and abs(cv2.contourArea(approx) / area - 1) <= POLYGON_AREA_MATCH:
        if vertices == 4:
            (_, _), (w, h), _ = cv2.minAreaRect(contour)
            return "square" if min(w, h) / max(w, h) >= SQUARE_ASPECT else "rectangle"
        return {3: "triangle", 5: "pentagon", 6: "hexagon"}[vertices]
    if len(contour) >= 5:
        (_, _), (major, minor), _ = cv2.fitEllipse(contour)
        ellipse_area = math.pi * major * minor / 4
        if ellipse_area > 0 and ELLIPSE_FILL[0] <= area / ellipse_area <= ELLIPSE_FILL[1]:
            return "ellipse"
    return "other"


def _contour_colour(rgb: np.ndarray, contour: np.ndarray, rect: tuple[int, int, int, int]) -> str:
    """Name of the median colour inside the contour, away from its anti-aliased edge."""
    import cv2

    x, y, w, h = rect
    mask = np.zeros((h, w), np.uint8)
    cv2.drawContours(mask, [contour - [x, y]], -1, 1, thickness=cv2.FILLED)
    inner = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=2)
    chosen = inner if inner.any() else mask
    pixels = rgb[y : y + h, x : x + w][chosen > 0]
    return name_colour(np.median(pixels, axis=0))
