"""Frames with timestamps, for rules that span time (loitering, unattended items).

Two sources:

- a folder of image files, in natural name order (``f2.png`` before ``f10.png``), timed by a
  sidecar file when one is given, else by a frame rate, else by each file's modification time;
- a video file read through OpenCV, timed by the container's presentation times
  (``CAP_PROP_POS_MSEC``), keeping every ``every``-th frame.

A sidecar is CSV with a header ``file,timestamp`` or JSON (``{"f1.png": 0.0, ...}`` or
``[{"file": "f1.png", "timestamp": 0.0}, ...]``); timestamps are seconds or ISO 8601 times, all of one
kind, and must increase with the file names.

Both sources refuse more than ``max_frames`` frames up front (a video whose container does not state
its frame count stops there instead), so a long recording never runs for hours by accident: sample it
(``every``) or split it.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from argus.agent.errors import FrameSourceError
from argus.tools.yaml_guard import read_small_text

log = logging.getLogger("argus.frames")

FRAME_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
DEFAULT_MAX_FRAMES = 3600
MAX_SIDECAR_BYTES = 10_000_000


@dataclass(frozen=True, eq=False)
class Frame:
    """One frame of a sequence.

    ``image`` is what a vision tool accepts: the file's path for a folder frame, an (H, W, 3) uint8 RGB
    array for a video frame. ``timestamp_s`` counts from the first frame; ``wall_time`` is the clock time
    where the source gives one (an ISO sidecar, a file's modification time).
    """

    index: int
    timestamp_s: float
    name: str
    image: Path | np.ndarray = field(repr=False)
    wall_time: datetime | None = None


def read_frames(
    source: str | Path,
    *,
    timestamps: str | Path | None = None,
    fps: float | None = None,
    every: int = 1,
    max_frames: int = DEFAULT_MAX_FRAMES,
) -> Iterator[Frame]:
    """Frames from a folder of images or a video file, whichever ``source`` is."""
    path = Path(source)
    if not path.exists():
        raise FrameSourceError(f"no such folder of frames or video file: {path}")
    if path.is_dir():
        return iter(
            frames_from_folder(path, timestamps=timestamps, fps=fps, every=every, max_frames=max_frames)
        )
    if timestamps is not None or fps is not None:
        raise FrameSourceError(
            f"{path.name}: a video carries its own timestamps; timestamps and fps apply to folders of frames"
        )
    return frames_from_video(path, every=every, max_frames=max_frames)


# ----------------------------------------------------------------------------- folders


def frames_from_folder(
    folder: str | Path,
    *,
    timestamps: str | Path | None = None,
    fps: float | None = None,
    every: int = 1,
    max_frames: int = DEFAULT_MAX_FRAMES,
) -> list[Frame]:
    """The image files of ``folder`` as timed frames, every ``every``-th one (no pixels are read here).

    Raises:
        FrameSourceError: no such folder, no image files, more than ``max_frames``, a bad sidecar or
            frame rate, or timestamps that do not increase with the file names.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FrameSourceError(f"frames folder not found: {root}")
    files = sorted(
        (p for p in root.iterdir() if p.suffix.lower() in FRAME_SUFFIXES and not p.name.startswith(".")),
        key=_natural_key,
    )
    files = [p for p in files if p.is_file()]
    if not files:
        raise FrameSourceError(
            f"{root}: no image frames (expected files ending in {', '.join(FRAME_SUFFIXES)})"
        )
    if every < 1:
        raise FrameSourceError(f"every must be at least 1, got {every}")
    _check_cap(math.ceil(len(files) / every), max_frames, str(root))
    if timestamps is not None:
        if fps is not None:
            raise FrameSourceError("give a timestamps file or a frame rate, not both")
        times, walls = _sidecar_times(Path(timestamps), [p.name for p in files])
        origin = f"the timestamps file {Path(timestamps).name}"
    elif fps is not None:
        if not (math.isfinite(fps) and fps > 0):
            raise FrameSourceError(f"fps must be a positive number, got {fps}")
        times, walls = [i / fps for i in range(len(files))], [None] * len(files)
        origin = "fps"
    else:
        mtimes = [p.stat().st_mtime for p in files]
        times = [m - mtimes[0] for m in mtimes]
        walls = [datetime.fromtimestamp(m) for m in mtimes]
        origin = "file modification times; give --fps or a timestamps file if those are not capture times"
    _check_increasing([p.name for p in files], times, origin)
    kept = list(zip(files, times, walls, strict=True))[::every]
    return [
        Frame(index=i, timestamp_s=t, name=p.name, image=p, wall_time=w) for i, (p, t, w) in enumerate(kept)
    ]


def _natural_key(path: Path) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def _check_cap(count: int, max_frames: int, where: str) -> None:
    if max_frames < 1:
        raise FrameSourceError(f"max_frames must be at least 1, got {max_frames}")
    if count > max_frames:
        raise FrameSourceError(
            f"{where}: {count} frames, over the limit of {max_frames}; sample fewer (every N-th) or split it"
        )


def _check_increasing(names: list[str], times: list[float], origin: str) -> None:
    for i in range(1, len(times)):
        if not times[i] > times[i - 1]:
            raise FrameSourceError(
                f"timestamps must increase with the frame order: {names[i]} at {times[i]:g} s "
                f"is not after {names[i - 1]} at {times[i - 1]:g} s (timed by {origin})"
            )


def _sidecar_times(path: Path, names: list[str]) -> tuple[list[float], list[datetime | None]]:
    text = read_small_text(path, kind="timestamps", max_bytes=MAX_SIDECAR_BYTES, error=FrameSourceError)
    pairs = (
        _sidecar_json(text, path.name) if path.suffix.lower() == ".json" else _sidecar_csv(text, path.name)
    )
    table: dict[str, Any] = {}
    for name, value in pairs:
        if name in table:
            raise FrameSourceError(f"{path.name}: frame {name!r} is listed twice")
        table[name] = value
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise FrameSourceError(f"{path.name}: lists frames that are not in the folder: {unknown[:5]}")
    missing = [n for n in names if n not in table]
    if missing:
        raise FrameSourceError(f"{path.name}: no timestamp for {len(missing)} frame(s), first {missing[0]!r}")
    values = [_parse_time(table[n], n, path.name) for n in names]
    kinds = {type(v) for v in values}
    if len(kinds) > 1:
        raise FrameSourceError(f"{path.name}: timestamps mix seconds and ISO times; use one kind")
    seconds = [v for v in values if isinstance(v, float)]
    times = [v for v in values if isinstance(v, datetime)]
    if kinds == {float}:
        return [v - seconds[0] for v in seconds], [None] * len(values)
    if len({v.tzinfo is None for v in times}) > 1:
        raise FrameSourceError(f"{path.name}: ISO times mix ones with and without a time zone")
    return [(v - times[0]).total_seconds() for v in times], list(times)


def _sidecar_json(text: str, where: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameSourceError(f"{where}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict):
        return [(str(k), v) for k, v in data.items()]
    if isinstance(data, list) and all(isinstance(r, dict) and {"file", "timestamp"} <= set(r) for r in data):
        return [(str(r["file"]), r["timestamp"]) for r in data]
    raise FrameSourceError(
        f'{where}: expected {{"frame.png": seconds, ...}} or [{{"file": ..., "timestamp": ...}}, ...]'
    )


def _sidecar_csv(text: str, where: str) -> list[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"file", "timestamp"} <= {f.strip() for f in reader.fieldnames}:
        raise FrameSourceError(f"{where}: expected a CSV header 'file,timestamp', got {reader.fieldnames}")
    rows: list[tuple[str, Any]] = []
    for row in reader:
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        rows.append((clean["file"], clean["timestamp"]))
    return rows


def _parse_time(value: Any, name: str, where: str) -> float | datetime:
    if isinstance(value, bool):
        raise FrameSourceError(
            f"{where}: timestamp of {name!r} must be seconds or an ISO time, got {value!r}"
        )
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = str(value).strip()
        try:
            seconds = float(text)
        except ValueError:
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                raise FrameSourceError(
                    f"{where}: timestamp of {name!r} must be seconds or an ISO time, got {text!r}"
                ) from None
    if not math.isfinite(seconds):
        raise FrameSourceError(f"{where}: timestamp of {name!r} must be a finite number, got {value!r}")
    return seconds


# ----------------------------------------------------------------------------- video


def frames_from_video(
    path: str | Path, *, every: int = 1, max_frames: int = DEFAULT_MAX_FRAMES
) -> Iterator[Frame]:
    """Every ``every``-th frame of a video, decoded by OpenCV, with its presentation time.

    The file is opened and its first frame decoded before this returns, so a missing, corrupt or
    empty video fails here rather than at the first iteration.

    Raises:
        FrameSourceError: no such file, OpenCV cannot decode it, bad ``every``/``max_frames``, more
            sampled frames than ``max_frames`` by the container's frame count, or timestamps that go back.
    """
    import cv2

    p = Path(path)
    if not p.is_file():
        raise FrameSourceError(f"video not found: {p}")
    if every < 1:
        raise FrameSourceError(f"every must be at least 1, got {every}")
    if max_frames < 1:
        raise FrameSourceError(f"max_frames must be at least 1, got {max_frames}")
    capture = cv2.VideoCapture(str(p))
    if not capture.isOpened():
        raise FrameSourceError(f"{p.name}: OpenCV cannot open it as a video (corrupt, or not a video format)")
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    try:
        if total > 0:  # the container's count; 0 or less where it does not say
            _check_cap(math.ceil(total / every), max_frames, p.name)
        ok, first = capture.read()
    except BaseException:
        capture.release()
        raise
    if not ok or first is None:
        capture.release()
        raise FrameSourceError(f"{p.name}: the video has no decodable frames")
    return _video_frames(capture, first, p.name, every, max_frames)


def _video_frames(capture: Any, first: np.ndarray, name: str, every: int, max_frames: int) -> Iterator[Frame]:
    import cv2

    fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
    try:
        frame, position, kept, last = first, 0, 0, -math.inf
        while True:
            ms = capture.get(cv2.CAP_PROP_POS_MSEC)
            if ms <= 0 and position > 0 and fps > 0:  # some backends do not report it: count frames
                ms = position * 1000.0 / fps
            seconds = round(ms / 1000.0, 6)
            if not seconds > last:
                raise FrameSourceError(
                    f"{name}: frame {position} has time {seconds:g} s, not after the previous {last:g} s"
                )
            yield Frame(
                index=kept,
                timestamp_s=seconds,
                name=f"{name}#{position}",
                image=np.ascontiguousarray(frame[..., ::-1]),
            )
            kept, last = kept + 1, seconds
            if kept >= max_frames:
                log.warning("%s: stopped at %d frames (max_frames)", name, max_frames)
                return
            for _ in range(every - 1):
                if not capture.grab():
                    return
                position += 1
            ok, frame = capture.read()
            if not ok or frame is None:
                return
            position += 1
    finally:
        capture.release()
