"""Frames with timestamps from folders (sidecar, fps, mtime) and from video files through OpenCV."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from argus.agent.domains.security.frames import frames_from_folder, frames_from_video, read_frames
from argus.agent.domains.security.tracking import IoUTracker
from argus.agent.errors import FrameSourceError
from tests.support.samples import BUS, COINS

FPS = 10.0
SIZE = (160, 120)  # (width, height)


def write_video(path: Path, count: int, fourcc: str = "MJPG") -> None:
    """A red 30x40 rectangle moving 4 px to the right each frame on black."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, SIZE)
    assert writer.isOpened()
    for i in range(count):
        frame = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        cv2.rectangle(frame, (10 + 4 * i, 40), (40 + 4 * i, 80), (0, 0, 255), -1)  # BGR red
        writer.write(frame)
    writer.release()


def red_box(rgb: np.ndarray) -> list[float]:
    """The box of the strongly red pixels: a detector made of a threshold."""
    ys, xs = np.nonzero((rgb[..., 0] > 150) & (rgb[..., 1] < 100) & (rgb[..., 2] < 100))
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]


def frame_folder(root: Path, names: list[str]) -> Path:
    root.mkdir(exist_ok=True)
    for name in names:
        (root / name).write_bytes(COINS.read_bytes() if name.endswith(".png") else BUS.read_bytes())
    return root


@pytest.mark.parametrize(("suffix", "fourcc"), [(".avi", "MJPG"), (".mp4", "mp4v")])
def test_video_round_trip_with_frame_count_and_timestamps(tmp_path: Path, suffix: str, fourcc: str) -> None:
    video = tmp_path / f"moving{suffix}"
    write_video(video, 25, fourcc)
    frames = list(frames_from_video(video))
    assert len(frames) == 25
    assert [f.index for f in frames] == list(range(25))
    assert [f.timestamp_s for f in frames] == pytest.approx([i / FPS for i in range(25)])
    assert frames[3].name == f"moving{suffix}#3"
    first = frames[0].image
    assert isinstance(first, np.ndarray) and first.shape == (120, 160, 3) and first.dtype == np.uint8
    assert red_box(first) == pytest.approx([10, 40, 41, 81], abs=2)  # RGB order: red is channel 0

    sampled = list(frames_from_video(video, every=3))
    assert len(sampled) == 9
    assert [f.timestamp_s for f in sampled] == pytest.approx([0.3 * i for i in range(9)])
    assert [f.name for f in sampled][:3] == [f"moving{suffix}#0", f"moving{suffix}#3", f"moving{suffix}#6"]


def test_video_frames_feed_the_tracker(tmp_path: Path) -> None:
    video = tmp_path / "moving.avi"
    write_video(video, 20)
    tracker = IoUTracker()
    for frame in read_frames(video):
        tracker.update(frame.timestamp_s, [{"label": "suitcase", "box": red_box(frame.image)}])
    (track,) = tracker.tracks
    assert (track.first_seen_s, track.last_seen_s, len(track.points)) == pytest.approx((0.0, 1.9, 20))
    assert track.box[0] - track.points[0].box[0] == pytest.approx(76, abs=2)


def test_video_cap_and_bad_videos(tmp_path: Path) -> None:
    video = tmp_path / "moving.avi"
    write_video(video, 25)
    with pytest.raises(FrameSourceError, match="25 frames, over the limit of 10; sample fewer"):
        frames_from_video(video, max_frames=10)
    assert len(list(frames_from_video(video, every=3, max_frames=9))) == 9
    with pytest.raises(FrameSourceError, match="every must be at least 1, got 0"):
        frames_from_video(video, every=0)
    with pytest.raises(FrameSourceError, match="a video carries its own timestamps"):
        read_frames(video, fps=5)

    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
    with pytest.raises(FrameSourceError, match="corrupt.mp4: OpenCV cannot open it as a video"):
        frames_from_video(corrupt)
    text = tmp_path / "notes.avi"
    text.write_text("not a video")
    with pytest.raises(FrameSourceError, match="notes.avi: OpenCV cannot open it as a video"):
        read_frames(text)
    truncated = tmp_path / "truncated.avi"
    data = video.read_bytes()
    truncated.write_bytes(data[: len(data) * 3 // 4])
    kept = list(frames_from_video(truncated))  # what was written before the cut, no crash
    assert 0 < len(kept) < 25
    assert [f.timestamp_s for f in kept] == pytest.approx([i / FPS for i in range(len(kept))])
    header_only = tmp_path / "header.avi"
    header_only.write_bytes(data[:3000])
    with pytest.raises(FrameSourceError, match="header.avi: OpenCV cannot open it"):
        frames_from_video(header_only)
    with pytest.raises(FrameSourceError, match="video not found"):
        frames_from_video(tmp_path / "missing.mp4")
    with pytest.raises(FrameSourceError, match="no such folder of frames or video file"):
        read_frames(tmp_path / "missing")


def test_folder_in_natural_order_with_fps(tmp_path: Path) -> None:
    root = frame_folder(tmp_path / "cam", ["f10.png", "f2.png", "f1.png", "notes.txt", ".hidden.png"])
    frames = frames_from_folder(root, fps=2)
    assert [f.name for f in frames] == ["f1.png", "f2.png", "f10.png"]
    assert [f.timestamp_s for f in frames] == [0.0, 0.5, 1.0]
    assert frames[0].image == root / "f1.png" and frames[0].wall_time is None
    assert [f.name for f in frames_from_folder(root, fps=2, every=2)] == ["f1.png", "f10.png"]
    assert [f.timestamp_s for f in read_frames(root, fps=2, every=2)] == [0.0, 1.0]


def test_folder_timed_by_csv_and_json_sidecars(tmp_path: Path) -> None:
    root = frame_folder(tmp_path / "cam", ["a.jpg", "b.jpg", "c.jpg"])
    csv_file = tmp_path / "times.csv"
    csv_file.write_text("file,timestamp\nc.jpg,12.5\na.jpg,10\nb.jpg,11.0\n")
    assert [f.timestamp_s for f in frames_from_folder(root, timestamps=csv_file)] == [0.0, 1.0, 2.5]

    iso = tmp_path / "times.json"
    iso.write_text(
        json.dumps(
            [
                {"file": "a.jpg", "timestamp": "2025-03-01T23:59:30"},
                {"file": "b.jpg", "timestamp": "2025-03-02T00:00:10"},
                {"file": "c.jpg", "timestamp": "2025-03-02T00:01:00"},
            ]
        )
    )
    frames = frames_from_folder(root, timestamps=iso)
    assert [f.timestamp_s for f in frames] == [0.0, 40.0, 90.0]
    assert frames[1].wall_time == datetime(2025, 3, 2, 0, 0, 10)

    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"a.jpg": 0, "b.jpg": 0.04, "c.jpg": 0.08}))
    assert [f.timestamp_s for f in frames_from_folder(root, timestamps=mapping)] == pytest.approx(
        [0, 0.04, 0.08]
    )


def test_folder_timed_by_modification_time(tmp_path: Path) -> None:
    root = frame_folder(tmp_path / "cam", ["1.jpg", "2.jpg", "3.jpg"])
    base = 1_700_000_000
    for i, name in enumerate(["1.jpg", "2.jpg", "3.jpg"]):
        os.utime(root / name, (base + 7 * i, base + 7 * i))
    frames = frames_from_folder(root)
    assert [f.timestamp_s for f in frames] == [0.0, 7.0, 14.0]
    assert frames[2].wall_time == datetime.fromtimestamp(base + 14)
    os.utime(root / "3.jpg", (base, base))  # a copy that reset the times
    with pytest.raises(FrameSourceError, match=r"3.jpg at -?0 s is not after 2.jpg at 7 s.*give --fps"):
        frames_from_folder(root)


def _sidecar(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("t.csv", "file,timestamp\na.jpg,0\nb.jpg,5\nc.jpg,3\n", r"c.jpg at 3 s is not after b.jpg at 5 s"),
        ("t.csv", "file,timestamp\na.jpg,0\nb.jpg,0\nc.jpg,1\n", r"b.jpg at 0 s is not after a.jpg at 0 s"),
        ("t.json", '{"a.jpg": 0, "b.jpg": 2, "c.jpg": 1}', r"c.jpg at 1 s is not after b.jpg at 2 s"),
        ("t.csv", "file,timestamp\na.jpg,0\nb.jpg,1\n", r"no timestamp for 1 frame\(s\), first 'c.jpg'"),
        ("t.csv", "file,timestamp\na.jpg,0\nb.jpg,1\nc.jpg,2\nz.jpg,3\n", r"not in the folder: \['z.jpg'\]"),
        ("t.csv", "file,timestamp\na.jpg,0\na.jpg,1\n", r"'a.jpg' is listed twice"),
        ("t.csv", "name,when\na.jpg,0\n", r"expected a CSV header 'file,timestamp'"),
        (
            "t.csv",
            "file,timestamp\na.jpg,soon\nb.jpg,1\nc.jpg,2\n",
            r"'a.jpg' must be seconds or an ISO time",
        ),
        ("t.csv", "file,timestamp\na.jpg,nan\nb.jpg,1\nc.jpg,2\n", r"must be a finite number"),
        (
            "t.json",
            '{"a.jpg": 0, "b.jpg": "2025-01-01T00:00:01", "c.jpg": 2}',
            r"mix seconds and ISO times",
        ),
        (
            "t.json",
            '{"a.jpg": 0, "b.jpg": true, "c.jpg": 2}',
            r"'b.jpg' must be seconds or an ISO time, got True",
        ),
        ("t.json", "[1, 2, 3]", r"expected \{\"frame.png\": seconds"),
        ("t.json", "{not json", r"not valid JSON at line 1"),
    ],
)
def test_bad_sidecars(tmp_path: Path, name: str, text: str, message: str) -> None:
    root = frame_folder(tmp_path / "cam", ["a.jpg", "b.jpg", "c.jpg"])
    with pytest.raises(FrameSourceError, match=message):
        frames_from_folder(root, timestamps=_sidecar(tmp_path, name, text))


def test_bad_folders_and_options(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("no frames here")
    with pytest.raises(FrameSourceError, match=r"empty: no image frames \(expected files ending in .jpg"):
        frames_from_folder(empty)
    with pytest.raises(FrameSourceError, match="frames folder not found"):
        frames_from_folder(tmp_path / "missing")
    root = frame_folder(tmp_path / "cam", ["a.jpg", "b.jpg", "c.jpg"])
    with pytest.raises(FrameSourceError, match="3 frames, over the limit of 2"):
        frames_from_folder(root, fps=1, max_frames=2)
    assert len(frames_from_folder(root, fps=1, every=2, max_frames=2)) == 2
    with pytest.raises(FrameSourceError, match="fps must be a positive number, got 0"):
        frames_from_folder(root, fps=0)
    with pytest.raises(FrameSourceError, match="not both"):
        frames_from_folder(root, fps=1, timestamps=_sidecar(tmp_path, "t.csv", "file,timestamp\n"))
    with pytest.raises(FrameSourceError, match="timestamps file not found"):
        frames_from_folder(root, timestamps=tmp_path / "none.csv")
