"""A simple IoU tracker over per-frame detections, and the rules that need time: loitering in a zone and
items left unattended.

The tracker follows the video-analytics products' recipe (Frigate, SORT without the Kalman filter):
each frame, detections are matched to live tracks of the same label greedily by IoU with the track's
last box; an unmatched detection starts a tentative track; a tentative track becomes a real one after
``min_hits`` consecutive matched frames (Frigate's "inertia", default 3) and is dropped at its first
miss; a confirmed track survives ``max_age`` missed frames. No model runs here: the caller passes each
frame's detections (``Detection`` evidence, dicts with ``label``/``box``/``score``, or
``(label, box[, score])`` tuples), boxes ``xyxy`` in pixels.

Places are bottom centres of boxes (where an object stands), as the zone rules define them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from argus.agent.errors import TrackingError
from argus.tools.box_geometry import iou_matrix, standing_near
from argus.tools.zones import ZoneSet

ITEM_LABELS = ("backpack", "handbag", "suitcase")


class TrackPoint(BaseModel):
    frame: int = Field(description="Index of the update call (0 for the first frame).")
    timestamp_s: float
    box: tuple[float, float, float, float]
    score: float | None = None

    @property
    def bottom_centre(self) -> tuple[float, float]:
        x1, _, x2, y2 = self.box
        return (x1 + x2) / 2.0, y2


class Track(BaseModel):
    """One object followed across frames."""

    id: int
    label: str
    points: list[TrackPoint]
    confirmed: bool = Field(description="Seen in min_hits consecutive frames: it counts as an object.")
    missed: int = Field(default=0, description="Frames since it was last matched.")

    @property
    def first_seen_s(self) -> float:
        return self.points[0].timestamp_s

    @property
    def last_seen_s(self) -> float:
        return self.points[-1].timestamp_s

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.points[-1].box


class IoUTracker:
    """Greedy IoU matching per label, with inertia (``min_hits``) and ``max_age`` in frames.

    Args:
        iou_threshold: the least IoU between a track's last box and a detection for a match.
        max_age: how many frames in a row a confirmed track may go unmatched before it ends.
        min_hits: consecutive matched frames before a track is confirmed (1: at once).
    """

    def __init__(self, iou_threshold: float = 0.3, max_age: int = 5, min_hits: int = 3) -> None:
        if not 0.0 < iou_threshold <= 1.0:
            raise TrackingError(f"iou_threshold must lie in (0, 1], got {iou_threshold}")
        if max_age < 0:
            raise TrackingError(f"max_age must be 0 or more frames, got {max_age}")
        if min_hits < 1:
            raise TrackingError(f"min_hits must be at least 1, got {min_hits}")
        self.iou_threshold = iou_threshold
        self.max_age = max_age
        self.min_hits = min_hits
        self._live: list[Track] = []
        self._ended: list[Track] = []
        self._frame = -1
        self._last_time = -math.inf
        self._next_id = 1

    @property
    def tracks(self) -> list[Track]:
        """Every confirmed track, live or ended, by id."""
        return [t for t in self.all_tracks if t.confirmed]

    @property
    def all_tracks(self) -> list[Track]:
        """Every track including tentative ones: a person glimpsed for one frame was still there."""
        return sorted(self._live + self._ended, key=lambda t: t.id)

    def update(self, timestamp_s: float, detections: Sequence[Any]) -> list[Track]:
        """Match one frame's detections; returns the confirmed tracks seen in this frame.

        Raises:
            TrackingError: a timestamp that does not increase, or a detection without a usable label and box.
        """
        if not (math.isfinite(timestamp_s) and timestamp_s > self._last_time):
            raise TrackingError(
                f"frame timestamps must increase: got {timestamp_s:g} s after {self._last_time:g} s"
            )
        self._frame += 1
        self._last_time = timestamp_s
        found = [_observation(d, i, self._frame) for i, d in enumerate(detections)]
        matched: set[int] = set()
        used: set[int] = set()
        for label in {lbl for lbl, _, _ in found}:
            tracks = [i for i, t in enumerate(self._live) if t.label == label]
            dets = [j for j, (lbl, _, _) in enumerate(found) if lbl == label]
            if not tracks:
                continue
            ious = iou_matrix(
                np.array([self._live[i].box for i in tracks]), np.array([found[j][1] for j in dets])
            )
            for a, b in sorted(np.argwhere(ious >= self.iou_threshold), key=lambda ab: -ious[ab[0], ab[1]]):
                ti, dj = tracks[a], dets[b]
                if ti in matched or dj in used:
                    continue
                matched.add(ti)
                used.add(dj)
                self._extend(self._live[ti], found[dj], timestamp_s)
        survivors: list[Track] = []
        for i, track in enumerate(self._live):
            if i not in matched:
                track.missed += 1
                if not track.confirmed or track.missed > self.max_age:
                    self._ended.append(track)
                    continue
            survivors.append(track)
        for j, (label, box, score) in enumerate(found):
            if j not in used:
                point = TrackPoint(frame=self._frame, timestamp_s=timestamp_s, box=box, score=score)
                survivors.append(
                    Track(id=self._next_id, label=label, points=[point], confirmed=self.min_hits <= 1)
                )
                self._next_id += 1
        self._live = survivors
        return [t for t in self._live if t.confirmed and t.missed == 0]

    def _extend(self, track: Track, observation: tuple[str, Any, Any], timestamp_s: float) -> None:
        _, box, score = observation
        track.points.append(TrackPoint(frame=self._frame, timestamp_s=timestamp_s, box=box, score=score))
        track.missed = 0
        if not track.confirmed and len(track.points) >= self.min_hits:
            track.confirmed = True


def _observation(
    det: Any, index: int, frame: int
) -> tuple[str, tuple[float, float, float, float], float | None]:
    if isinstance(det, dict):
        label, box, score = det.get("label"), det.get("box"), det.get("score")
    elif isinstance(det, tuple | list):
        label, box, score = (
            (det[0], det[1], det[2] if len(det) > 2 else None) if len(det) >= 2 else (None,) * 3
        )
    else:
        label, box, score = (
            getattr(det, "label", None),
            getattr(det, "box", None),
            getattr(det, "score", None),
        )
    where = f"frame {frame}, detection {index}"
    if not isinstance(label, str) or not label:
        raise TrackingError(f"{where}: expected a label string, got {label!r}")
    try:
        values = tuple(float(v) for v in box)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise TrackingError(f"{where}: expected a box [x1, y1, x2, y2] of numbers, got {box!r}") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise TrackingError(f"{where}: expected a box of 4 finite numbers, got {box!r}")
    x1, y1, x2, y2 = values
    if not (x2 > x1 and y2 > y1):
        raise TrackingError(f"{where}: box must have x2 > x1 and y2 > y1, got {list(values)}")
    return label, (x1, y1, x2, y2), None if score is None else float(score)


# ----------------------------------------------------------------------------- rules over time


class LoiteringEvent(BaseModel):
    track_id: int
    label: str
    zone: str
    start_s: float
    end_s: float
    duration_s: float
    threshold_s: float
    frames: int = Field(description="Frames in which the track stood in the zone during the event.")


class UnattendedEvent(BaseModel):
    track_id: int
    label: str
    start_s: float
    end_s: float
    duration_s: float
    threshold_s: float
    radius_px: float
    box: tuple[float, float, float, float] = Field(description="The item's box when last seen alone.")


def find_loitering(
    tracks: Iterable[Track], zones: ZoneSet, *, loitering_seconds: float | None = None
) -> list[LoiteringEvent]:
    """Confirmed tracks whose bottom centre stayed inside a zone for at least the zone's
    ``loitering_seconds`` (or this default for zones that set none; zones with neither are skipped).

    A stay ends at the first frame the track is seen outside the zone; frames in which the track was
    not seen at all do not end it. A track that leaves and comes back gives one event per long stay.
    """
    if loitering_seconds is not None and not loitering_seconds > 0:
        raise TrackingError(f"loitering_seconds must be positive, got {loitering_seconds}")
    events: list[LoiteringEvent] = []
    for track in tracks:
        if not track.confirmed:
            continue
        inside = [{z.name for z in zones.containing(list(p.box))} for p in track.points]
        for zone in zones.zones:
            threshold = zone.loitering_seconds or loitering_seconds
            if threshold is None or not zone.watches(track.label):
                continue
            for run in _runs(track.points, [zone.name in names for names in inside]):
                duration = run[-1].timestamp_s - run[0].timestamp_s
                if duration >= threshold:
                    events.append(
                        LoiteringEvent(
                            track_id=track.id,
                            label=track.label,
                            zone=zone.name,
                            start_s=run[0].timestamp_s,
                            end_s=run[-1].timestamp_s,
                            duration_s=duration,
                            threshold_s=threshold,
                            frames=len(run),
                        )
                    )
    return events


def find_unattended(
    tracks: Iterable[Track],
    *,
    radius_px: float,
    seconds: float,
    item_labels: Sequence[str] = ITEM_LABELS,
    person_label: str = "person",
) -> list[UnattendedEvent]:
    """Confirmed item tracks (bags, suitcases) with no person within ``radius_px`` for >= ``seconds``:
    "unattended candidates" for a person to assess, never a verdict.

    Distances are between bottom centres, in pixels, within the same frame. Every person track counts,
    tentative ones too (pass ``tracker.all_tracks``): an owner seen in a single frame was still there.
    """
    if not (math.isfinite(radius_px) and radius_px > 0):
        raise TrackingError(f"radius_px must be a positive number of pixels, got {radius_px}")
    if not (math.isfinite(seconds) and seconds > 0):
        raise TrackingError(f"seconds must be positive, got {seconds}")
    all_tracks = list(tracks)
    people: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
    for track in all_tracks:
        if track.label == person_label:
            for p in track.points:
                people[p.frame].append(p.box)
    events: list[UnattendedEvent] = []
    for track in all_tracks:
        if not track.confirmed or track.label not in item_labels:
            continue
        alone = [
            not any(standing_near(p.box, other, radius_px) for other in people.get(p.frame, []))
            for p in track.points
        ]
        for run in _runs(track.points, alone):
            duration = run[-1].timestamp_s - run[0].timestamp_s
            if duration >= seconds:
                events.append(
                    UnattendedEvent(
                        track_id=track.id,
                        label=track.label,
                        start_s=run[0].timestamp_s,
                        end_s=run[-1].timestamp_s,
                        duration_s=duration,
                        threshold_s=seconds,
                        radius_px=radius_px,
                        box=run[-1].box,
                    )
                )
    return events


def _runs(points: list[TrackPoint], flags: list[bool]) -> list[list[TrackPoint]]:
    """Maximal stretches of consecutive points whose flag is true."""
    runs: list[list[TrackPoint]] = []
    current: list[TrackPoint] = []
    for point, flag in zip(points, flags, strict=True):
        if flag:
            current.append(point)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
