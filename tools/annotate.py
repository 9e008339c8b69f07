"""``annotate``: draw evidence (boxes, masks, text lines, shapes, zones) with their ids onto the image
and write it as a PNG. It cites nothing itself, so it has no evidence prefix."""

from __future__ import annotations

import hashlib
import math
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.tools.backend_facts import DrawFacts
from argus.tools.base import Backend, ImageLike, ImageTool
from argus.tools.errors import ArgusError, FileWriteError, ToolInputError
from argus.tools.evidence import ToolResult
from argus.tools.file_io import atomic_output, file_sha256
from argus.tools.masks import decode_rle, polygon_points
from argus.tools.zones import Zone

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

MAX_ITEMS = 5000
MAX_LABEL_CHARS = 48
# BGR colours, picked to stay apart on photos and on each other.
PALETTE = (
    (56, 56, 255), (151, 157, 255), (31, 112, 255), (29, 178, 255), (49, 210, 207), (10, 249, 72),
    (23, 204, 146), (134, 219, 61), (52, 147, 26), (187, 212, 0), (168, 153, 44), (255, 194, 0),
    (147, 69, 52), (255, 115, 100), (236, 24, 0), (255, 56, 132), (133, 0, 82), (255, 56, 203),
)  # fmt: skip
TEXT_COLOUR = (0, 165, 255)  # orange for OCR lines
ZONE_COLOUR = (255, 200, 0)
FALL_COLOUR = (0, 0, 255)


class AnnotationWriteError(ArgusError):
    """The annotated PNG could not be written where asked."""


class AnnotateInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(
        max_length=MAX_ITEMS,
        description=(
            "Evidence items to draw, as the tools returned them (e.g. a detection {id: 'D1', label: "
            "'person', score: 0.99, box: [x1, y1, x2, y2]}, a mask with 'rle' or 'polygons', a text line "
            "with 'polygon'). Items without a place in the image (quality, colours) are skipped."
        ),
    )
    out: str = Field(
        min_length=1, max_length=4096, description="Where to write the PNG (a path ending in .png)."
    )
    zones: list[Zone] | None = Field(default=None, description="Zones to outline, as in a zones file.")
    show_labels: bool = Field(default=True, description="Write 'id label score' beside each item.")
    mask_opacity: float = Field(default=0.45, ge=0.0, le=1.0, description="Opacity of mask overlays.")

    @field_validator("items", mode="before")
    @classmethod
    def _dump_models(cls, value: Any) -> Any:
        """Accept evidence items and whole tool results as well as plain dicts."""
        if isinstance(value, BaseModel | dict):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        out: list[Any] = []
        for item in value:
            if isinstance(item, ToolResult):
                out.extend(i.model_dump() for i in item.items())
            elif isinstance(item, BaseModel):
                out.append(item.model_dump())
            else:
                out.append(item)
        return out

    @field_validator("out")
    @classmethod
    def _png_path(cls, value: str) -> str:
        path = Path(value).expanduser()
        if path.suffix.lower() != ".png":
            raise ValueError(
                f"the annotated image is written as PNG: give a path ending in .png, got {value!r}"
            )
        return str(path.resolve())


class Annotation(ToolResult):
    path: str = Field(description="Absolute path of the PNG written.")
    drawn: list[str] = Field(description="Ids of the items drawn, in drawing order.")
    skipped: list[str] = Field(default_factory=list, description="Ids of items with nothing to draw.")
    png_sha256: str = Field(description="sha256 of the PNG file, to tell it from a later overwrite.")


class OpenCvDrawBackend(DrawFacts, Backend):
    summary = "OpenCV drawing (rectangles, polygons, translucent masks, Hershey text) and PNG encoding; CPU."
    install_hint = "pip install opencv-python"

    def raw_call(self, image: LoadedImage) -> Any:
        import cv2

        canvas = image.bgr.copy()
        cv2.rectangle(canvas, (0, 0), (image.width // 2, image.height // 2), PALETTE[0], 2)
        return cv2.imencode(".png", canvas)[1]


class Annotate(ImageTool):
    name = "annotate"
    agent_callable = False  # it writes files: only the agent calls it, where the user asked
    description = (
        "Draws evidence onto the image and writes it as a PNG: boxes with 'D1 person 0.99' labels, masks "
        "as translucent overlays (from RLE or polygons) with their M ids, OCR text lines as polygons with T "
        "ids, shapes, and zones as outlined polygons. Give it the items other tools returned (or their "
        "dicts) and the output path; it returns the path and the ids it drew. Use it to show a person "
        "what an answer's citations point at."
    )
    Input = AnnotateInput
    Output = Annotation
    evidence_prefixes = ()
    limitations = (
        "Labels are drawn in ASCII with OpenCV's Hershey font: other characters show as '?'.",
        "DICOM images are drawn on their windowed 8-bit display image.",
        "Many overlapping items make a crowded picture; pass only the ones an answer cites.",
    )
    examples = (
        "argus segment bus.jpg --annotate bus_masks.png",
        "argus detect bus.jpg --annotate bus_boxes.png",
    )
    backend_types = (OpenCvDrawBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self._backends[OpenCvDrawBackend.name]

    def __call__(self, image: ImageLike, args: BaseModel | dict[str, Any] | None = None, **kwargs: Any):
        """As every tool, cached; but a cached result whose PNG was since deleted or overwritten is
        drawn again, so the file the result names is always the one described."""
        result = super().__call__(image, args, **kwargs)
        if _file_sha256(result.path) == result.png_sha256:
            return result
        from argus.tools.image_io import as_loaded

        loaded = as_loaded(image, max_pixels=self.runtime.max_pixels)
        parsed = self.parse_args(args, **kwargs)
        backend = self.select_backend(parsed, loaded)
        result = self.run(loaded, parsed, backend)
        self.runtime.cache.put(self.cache_key(loaded, backend, parsed), result)
        return result

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> Annotation:
        import cv2

        assert isinstance(args, AnnotateInput)
        out = Path(args.out)
        if not out.parent.is_dir():
            raise AnnotationWriteError(f"annotate: folder {str(out.parent)!r} does not exist")
        canvas = image.bgr.copy()
        scale = max(0.4, min(image.width, image.height) / 900)
        thickness = max(1, round(scale * 2))
        drawn: list[str] = []
        skipped: list[str] = []
        labels: list[tuple[str, tuple[int, int], tuple[int, int, int]]] = []

        for zone in args.zones or []:
            points = _zone_points(zone, image.width, image.height)
            area = np.zeros(canvas.shape[:2], np.uint8)
            cv2.fillPoly(area, [points], 1)
            _blend(canvas, area > 0, ZONE_COLOUR, 0.2)
            cv2.polylines(canvas, [points], True, ZONE_COLOUR, thickness)
            labels.append((f"zone {zone.name}", tuple(points.min(axis=0)), ZONE_COLOUR))

        for index, item in enumerate(args.items):
            item_id = str(item.get("id") or f"item {index + 1}")
            colour = _colour_for(item, index)
            anchor = None
            mask = _item_mask(item, item_id, image.height, image.width)
            if mask is not None:
                anchor = _blend(canvas, mask, colour, args.mask_opacity)
                contours, _ = cv2.findContours(
                    mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
                )
                cv2.drawContours(canvas, contours, -1, colour, thickness)
            elif item.get("polygon") is not None:
                points = _checked_points(item["polygon"], item_id)
                cv2.polylines(canvas, [points], True, colour, thickness)
                left, top = points.min(axis=0)
                anchor = (int(left), int(top))
            if item.get("box") is not None and mask is None and item.get("polygon") is None:
                x1, y1, x2, y2 = _checked_box(item["box"], item_id, image.width, image.height)
                cv2.rectangle(canvas, (x1, y1), (x2, y2), colour, thickness)
                anchor = (x1, y1)
            if anchor is None:
                skipped.append(item_id)
                continue
            drawn.append(item_id)
            labels.append((_label_text(item, item_id), anchor, colour))

        if args.show_labels:
            for text, anchor, colour in labels:
                _put_label(canvas, text, anchor, colour, scale)
        encoded = _encode_png(canvas)
        _write_atomically(out, encoded)
        return Annotation(
            **self.result_fields(image, backend),
            path=str(out),
            drawn=drawn,
            skipped=skipped,
            png_sha256=hashlib.sha256(encoded).hexdigest(),
            notes=[f"{len(skipped)} item(s) have no place in the image: {', '.join(skipped[:10])}"]
            if skipped
            else [],
        )


# ------------------------------------------------------------------------------ geometry


def _item_mask(item: dict[str, Any], item_id: str, height: int, width: int) -> np.ndarray | None:
    from argus.tools.masks import polygons_to_mask

    if item.get("rle") is not None:
        try:
            mask = decode_rle(item["rle"])
        except ToolInputError as exc:
            raise ToolInputError(f"annotate: item {item_id}: {exc}") from None
        if mask.shape != (height, width):
            raise ToolInputError(
                f"annotate: item {item_id}: its RLE is {mask.shape[1]}x{mask.shape[0]} but the image is "
                f"{width}x{height}; masks must come from this image"
            )
        return mask
    polygons = item.get("polygons")
    if polygons:
        if not isinstance(polygons, list):
            raise ToolInputError(f"annotate: item {item_id}: 'polygons' must be a list of polygons")
        for polygon in polygons:
            _checked_points(polygon, item_id)
        return polygons_to_mask(polygons, height, width)
    return None


def _checked_points(polygon: Any, item_id: str) -> np.ndarray:
    try:
        return polygon_points(polygon)
    except ToolInputError as exc:
        raise ToolInputError(f"annotate: item {item_id}: {exc}") from None


def _checked_box(box: Any, item_id: str, width: int, height: int) -> tuple[int, int, int, int]:
    if not isinstance(box, list | tuple) or len(box) != 4:
        raise ToolInputError(f"annotate: item {item_id}: a box is [x1, y1, x2, y2], got {str(box)[:60]}")
    try:
        x1, y1, x2, y2 = (float(v) for v in box)
    except (TypeError, ValueError):
        raise ToolInputError(
            f"annotate: item {item_id}: box coordinates must be numbers, got {box}"
        ) from None
    if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
        raise ToolInputError(f"annotate: item {item_id}: box coordinates must be finite, got {box}")
    if x2 < x1 or y2 < y1:
        raise ToolInputError(f"annotate: item {item_id}: a box needs x2 >= x1 and y2 >= y1, got {box}")
    if x2 < 0 or y2 < 0 or x1 > width or y1 > height:
        raise ToolInputError(f"annotate: item {item_id}: box {box} lies outside the {width}x{height} image")
    return _clip(x1, width), _clip(y1, height), _clip(x2, width), _clip(y2, height)


def _clip(value: float, size: int) -> int:
    return int(round(min(max(value, 0.0), size - 1)))


def _zone_points(zone: Zone, width: int, height: int) -> np.ndarray:
    points = [(x * width, y * height) for x, y in zone.polygon] if zone.normalized else list(zone.polygon)
    try:
        return polygon_points(points)
    except ToolInputError as exc:
        raise ToolInputError(f"annotate: zone {zone.name!r}: {exc}") from None


# ------------------------------------------------------------------------------- drawing


def _blend(
    canvas: np.ndarray, mask: np.ndarray, colour: tuple[int, int, int], opacity: float
) -> tuple[int, int] | None:
    """Tint the mask's pixels in place, working only inside its bounding box; returns its top-left."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    window = canvas[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    inside = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    tinted = window[inside].astype(np.float32) * (1 - opacity) + np.asarray(colour, np.float32) * opacity
    window[inside] = tinted.astype(np.uint8)
    return int(cols[0]), int(rows[0])


def _colour_for(item: dict[str, Any], index: int) -> tuple[int, int, int]:
    """Boxes by label (every person the same colour), masks by item, text orange, falls red."""
    item_id = str(item.get("id") or "")
    if item_id.startswith("T"):
        return TEXT_COLOUR
    if item_id.startswith("F") and item.get("label") == "Fall":
        return FALL_COLOUR
    if item.get("rle") is not None or item.get("polygons"):
        return PALETTE[(index * 7) % len(PALETTE)]  # a stride, so neighbouring masks differ in hue
    key = str(item.get("label") or item_id).encode()
    return PALETTE[zlib.crc32(key) % len(PALETTE)]


def _label_text(item: dict[str, Any], item_id: str) -> str:
    parts = [item_id]
    label = item.get("label")
    if label:
        parts.append(str(label))
    if item.get("text"):
        parts.append(f'"{item["text"]}"')
    score = item.get("score")
    if isinstance(score, int | float) and not isinstance(score, bool) and math.isfinite(score):
        parts.append(f"{score:.2f}")
    text = " ".join(parts)
    text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 3] + "..."


def _put_label(
    canvas: np.ndarray, text: str, anchor: tuple[int, int], colour: tuple[int, int, int], scale: float
) -> None:
    """Text on a filled tab above the anchor (below it when the anchor is at the top edge)."""
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    font_scale = 0.5 * scale
    weight = max(1, round(scale))
    (tw, th), baseline = cv2.getTextSize(text, font, font_scale, weight)
    x = min(max(0, anchor[0]), max(0, canvas.shape[1] - tw - 4))
    y = anchor[1] - th - baseline - 4
    if y < 0:
        y = anchor[1]
    cv2.rectangle(canvas, (x, y), (x + tw + 4, y + th + baseline + 4), colour, cv2.FILLED)
    luminance = 0.114 * colour[0] + 0.587 * colour[1] + 0.299 * colour[2]
    ink = (0, 0, 0) if luminance > 140 else (255, 255, 255)
    cv2.putText(canvas, text, (x + 2, y + th + 2), font, font_scale, ink, weight, cv2.LINE_AA)


def _encode_png(canvas: np.ndarray) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(".png", canvas)
    if not ok:
        raise AnnotationWriteError("annotate: OpenCV could not encode the image as PNG")
    return encoded.tobytes()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename over it: readers never see half a PNG.
    The PNG is meant to be opened by the user, so it is not left owner-only as mkstemp makes it."""
    try:
        with atomic_output(path, binary=True, mode_bits=0o644) as handle:
            handle.write(data)
    except FileWriteError as exc:
        raise AnnotationWriteError(f"annotate: {exc}") from None


def _file_sha256(path: str) -> str | None:
    try:
        return file_sha256(Path(path))
    except OSError:
        return None
