"""Security scene assessment: one image, a folder of frames or a video, with zones.

A still image goes through the agent like any security question; a sequence is detected frame by
frame, tracked, checked for loitering and items left alone, and the last frame's answer carries
those events as evidence (V ids). Every assessment reports the threat level (0/1/2, the
activity-context scale), the alerts with their rules and sources, and what the detector cannot
see: "not detected" is never "absent".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from argus.agent.core.answer import Answer
from argus.tools.evidence import TrackEvent
from argus.tools.zones import ZoneSet, bind_zones, load_zones

QUESTION = "Assess this scene for security threats and safety alerts."

# COCO has no class for these; an assessment lists them every time.
CANNOT_SEE = (
    "guns or other firearms (no detector class)",
    "fire or smoke (no detector class)",
    "helmets or hard hats (no detector class)",
    "high-visibility vests (no detector class)",
    "who anyone is: faces are never identified, by design",
    "emotions or sensitive attributes: never inferred, by design",
)
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg")


class Alert(BaseModel):
    rule: str
    title: str
    urgency: str | None
    action: str | None
    source: str
    url: str | None = None
    why: str


class SecurityReport(BaseModel):
    threat_level: int = Field(
        description="0 normal activity, 1 suspicious, 2 threat (activity-context scale)."
    )
    threat_rule: str | None = Field(default=None, description="The rule that set the threat level, if any.")
    alerts: list[Alert]
    cannot_see: list[str]
    zone_counts: dict[str, dict[str, int]] = Field(description="Zone name -> label -> objects in it.")
    frames: int = 1
    seconds: float = 0.0
    events: list[dict[str, Any]] = Field(default_factory=list, description="Loitering and unattended items.")


def report(answer: Answer, kb: Any, frames: int = 1, seconds: float = 0.0) -> SecurityReport:
    """The security summary of an answer: threat level, alerts (fired rules above U0, each once), zone counts."""
    from argus.agent.domains.security.policy import threat_level

    fired = [kb.rule(ref.id) for ref in answer.rules if ref.fired]
    threat, threat_rule = threat_level([_Fired(rule) for rule in fired])
    alerts = [
        Alert(rule=ref.id, title=ref.title, urgency=ref.urgency, action=ref.action, source=ref.source,
              url=ref.url, why=ref.why)
        for ref in answer.rules
        if ref.fired and ref.urgency and ref.urgency != "U0"
    ]  # fmt: skip
    alerts.sort(key=lambda a: a.urgency or "U0", reverse=True)
    zones: dict[str, dict[str, int]] = {}
    for item in answer.evidence:
        if item["id"].startswith("Z"):
            label = item["label"].split(" in ")[0]
            bucket = zones.setdefault(item["zone"], {})
            bucket[label] = bucket.get(label, 0) + 1
    events = [e for e in answer.evidence if e["id"].startswith("V")]
    return SecurityReport(
        threat_level=threat,
        threat_rule=threat_rule,
        alerts=alerts,
        cannot_see=list(CANNOT_SEE),
        zone_counts=zones,
        frames=frames,
        seconds=seconds,
        events=events,
    )


class _Fired:
    """A fired rule as the threat scale reads it (the policy takes the engine's FiredRule shape)."""

    def __init__(self, rule: Any) -> None:
        self.rule = rule


def is_sequence(source: Path) -> bool:
    return source.is_dir() or source.suffix.lower() in VIDEO_SUFFIXES


def assess(
    assistant: Any,
    source: str | Path,
    *,
    zones: str | Path,
    time_of_day: str | None = None,
    annotate: str | Path | None = None,
    unattended_radius: float = 0.15,
    fps: float | None = None,
    timestamps: str | Path | None = None,
    every: int = 1,
    loiter_seconds: float = 30.0,
    unattended_seconds: float = 60.0,
    max_frames: int = 3600,
) -> tuple[Answer, SecurityReport]:
    """Assess an image, a folder of frames or a video against a zones file."""
    source = Path(source)
    if is_sequence(source):
        return _assess_frames(
            assistant, source, zones=zones, time_of_day=time_of_day, annotate=annotate,
            unattended_radius=unattended_radius, fps=fps, timestamps=timestamps, every=every,
            loiter_seconds=loiter_seconds, unattended_seconds=unattended_seconds, max_frames=max_frames,
        )  # fmt: skip
    conversation = assistant.conversation(source, domain="security", zones=zones, time_of_day=time_of_day)
    conversation.unattended_radius = unattended_radius
    answer = conversation.ask(QUESTION, annotate=annotate)
    summary = report(answer, assistant.knowledge())
    answer.security = summary.model_dump()
    return answer, summary


def _assess_frames(
    assistant: Any,
    source: Path,
    *,
    zones: str | Path,
    time_of_day: str | None,
    annotate: str | Path | None,
    unattended_radius: float,
    fps: float | None,
    timestamps: str | Path | None,
    every: int,
    loiter_seconds: float,
    unattended_seconds: float,
    max_frames: int,
) -> tuple[Answer, SecurityReport]:
    from argus.agent.domains.security.frames import read_frames
    from argus.agent.domains.security.tracking import IoUTracker, find_loitering, find_unattended
    from argus.tools import get_tool
    from argus.tools.detect_objects import DetectObjects
    from argus.tools.errors import ArgusError
    from argus.tools.image_io import as_loaded

    frames = list(read_frames(source, timestamps=timestamps, fps=fps, every=every, max_frames=max_frames))
    if not frames:
        raise ArgusError(f"{source}: no frames to assess")
    detector = get_tool("detect_objects", assistant.runtime)
    assert isinstance(detector, DetectObjects)
    tracker = IoUTracker()
    last_image = None
    for start in range(0, len(frames), 8):
        chunk = frames[start : start + 8]
        images = [as_loaded(f.image, max_pixels=assistant.runtime.max_pixels) for f in chunk]
        for frame, result in zip(chunk, detector.run_batch(images), strict=True):
            tracker.update(frame.timestamp_s, result.detections)
        last_image = images[-1]
    assert last_image is not None
    zone_set: ZoneSet = bind_zones(load_zones(zones), last_image.width, last_image.height, Path(zones).name)
    radius_px = unattended_radius * math.hypot(last_image.width, last_image.height)
    loitering = find_loitering(tracker.tracks, zone_set, loitering_seconds=loiter_seconds)
    alone = find_unattended(tracker.all_tracks, radius_px=radius_px, seconds=unattended_seconds)
    events = [
        TrackEvent(
            id="V0", tool="tracking", label=f"{e.label} loitering in {e.zone}", box=None, track_id=e.track_id,
            zone=e.zone, start_s=e.start_s, end_s=e.end_s, duration_s=e.duration_s, threshold_s=e.threshold_s,
        )
        for e in loitering
    ] + [
        TrackEvent(
            id="V0", tool="tracking", label=f"{e.label} left alone", box=list(e.box), track_id=e.track_id,
            start_s=e.start_s, end_s=e.end_s, duration_s=e.duration_s, threshold_s=e.threshold_s,
        )
        for e in alone
    ]  # fmt: skip
    loiter_refs = [f"@{i}" for i in range(len(loitering))]
    alone_refs = [f"@{len(loitering) + i}" for i in range(len(alone))]
    seconds = frames[-1].timestamp_s - frames[0].timestamp_s
    facts = {
        "track.loitering.count": (len(loitering), loiter_refs),
        "unattended.count": (len(alone), alone_refs),
    }
    concepts = {}
    if loitering:
        concepts["event:loitering"] = loiter_refs
    if alone:
        concepts["event:unattended_item"] = alone_refs
    if time_of_day is None and frames[-1].wall_time is not None:
        time_of_day = frames[-1].wall_time.strftime("%H:%M")
    conversation = assistant.conversation(
        last_image, domain="security", zones=zone_set, time_of_day=time_of_day
    )
    conversation.add_sequence(len(frames), seconds, events, facts, concepts)
    answer = conversation.ask(QUESTION, annotate=annotate)
    summary = report(answer, assistant.knowledge(), frames=len(frames), seconds=seconds)
    answer.security = summary.model_dump()
    return answer, summary
