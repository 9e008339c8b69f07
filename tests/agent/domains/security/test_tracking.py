"""The IoU tracker and the rules over time: loitering in a zone, items left unattended."""

from __future__ import annotations

import pytest

from argus.agent.domains.security.tracking import IoUTracker, find_loitering, find_unattended
from argus.agent.errors import TrackingError
from argus.tools.evidence import Detection
from argus.tools.zones import ZoneSet, bind_zones, parse_zones

W, H = 1280, 720


def dock_zones(loitering_seconds: float | None = 30) -> ZoneSet:
    """A restricted dock in the right half of the floor, watching people."""
    zone = {
        "name": "dock",
        "polygon": [[0.5, 0.5], [1.0, 0.5], [1.0, 1.0], [0.5, 1.0]],
        "normalized": True,
        "attributes": ["restricted"],
        "labels": ["person"],
    }
    if loitering_seconds is not None:
        zone["loitering_seconds"] = loitering_seconds
    return bind_zones(parse_zones({"zones": [zone]}), W, H)


def person(x: float, y: float = 600, score: float = 0.9) -> Detection:
    """A standing person whose feet are at (x, y)."""
    return Detection(
        id="D1",
        tool="detect_objects",
        label="person",
        score=score,
        class_id=1,
        box=[x - 30, y - 160, x + 30, y],
    )


def suitcase(x: float = 300, y: float = 650) -> dict:
    return {"label": "suitcase", "box": [x - 25, y - 50, x + 25, y], "score": 0.8}


def run(frames: list[tuple[float, list]], **kwargs) -> IoUTracker:
    tracker = IoUTracker(**kwargs)
    for t, dets in frames:
        tracker.update(t, dets)
    return tracker


def test_person_standing_40_s_in_a_zone_is_loitering() -> None:
    frames = [(float(t), [person(900 + (t % 3))]) for t in range(41)]  # 1 fps, a little sway
    tracker = run(frames)
    assert len(tracker.tracks) == 1
    track = tracker.tracks[0]
    assert (track.first_seen_s, track.last_seen_s, len(track.points)) == (0.0, 40.0, 41)
    events = find_loitering(tracker.tracks, dock_zones(30))
    assert len(events) == 1
    event = events[0]
    assert (event.zone, event.label, event.track_id) == ("dock", "person", track.id)
    assert (event.start_s, event.end_s, event.duration_s, event.frames) == (0.0, 40.0, 40.0, 41)
    assert find_loitering(tracker.tracks, dock_zones(None)) == []  # no threshold anywhere: rule off
    assert len(find_loitering(tracker.tracks, dock_zones(None), loitering_seconds=40)) == 1
    assert find_loitering(tracker.tracks, dock_zones(None), loitering_seconds=41) == []


def test_person_walking_through_the_zone_is_not_loitering() -> None:
    # 20 px a frame at 2 fps from x=100 to x=1260: about 16 s inside the dock (x >= 640)
    frames = [(i / 2, [person(100 + 20 * i)]) for i in range(59)]
    tracker = run(frames)
    assert len(tracker.tracks) == 1, "one person walking is one track"
    assert tracker.tracks[0].last_seen_s == 29.0
    assert find_loitering(tracker.tracks, dock_zones(30)) == []
    stays = find_loitering(tracker.tracks, dock_zones(None), loitering_seconds=10)
    assert len(stays) == 1 and 15.0 <= stays[0].duration_s <= 16.0


def test_leaving_the_zone_ends_a_stay() -> None:
    # 20 s at x=900, walk out to x=500 and back at 20 px/s, 20 s at x=900; the dock starts at x=640
    xs = [900] * 20 + [900 - 20 * k for k in range(1, 21)] + [500 + 20 * k for k in range(1, 21)] + [900] * 20
    tracker = run([(float(t), [person(x)]) for t, x in enumerate(xs)])
    assert len(tracker.tracks) == 1
    events = find_loitering(tracker.tracks, dock_zones(30))
    assert [(e.start_s, e.end_s) for e in events] == [(0.0, 32.0), (46.0, 79.0)]
    assert {e.track_id for e in events} == {tracker.tracks[0].id}
    assert find_loitering(tracker.tracks, dock_zones(40)) == []


def test_frames_where_the_track_is_not_seen_do_not_end_a_stay() -> None:
    frames = [(float(t), [] if t in (10, 11) else [person(900)]) for t in range(41)]
    tracker = run(frames, max_age=2)
    events = find_loitering(tracker.tracks, dock_zones(30))
    assert len(events) == 1 and events[0].duration_s == 40.0 and events[0].frames == 39


def test_suitcase_left_alone_for_70_s_is_unattended_at_60() -> None:
    owner_leaves_at = 10
    frames = []
    for t in range(0, 81):
        dets = [suitcase()]
        if t < owner_leaves_at:
            dets.append(person(330))
        frames.append((float(t), dets))
    tracker = run(frames)
    events = find_unattended(tracker.all_tracks, radius_px=150, seconds=60)
    assert len(events) == 1
    event = events[0]
    assert event.label == "suitcase"
    assert (event.start_s, event.end_s, event.duration_s) == (10.0, 80.0, 70.0)
    assert find_unattended(tracker.all_tracks, radius_px=150, seconds=71) == []


def test_suitcase_with_its_owner_standing_near_is_not_unattended() -> None:
    frames = [(float(t), [suitcase(), person(340 + (t % 2) * 5)]) for t in range(81)]
    tracker = run(frames)
    assert find_unattended(tracker.all_tracks, radius_px=150, seconds=60) == []
    # the same owner 400 px away does not count
    far = [(float(t), [suitcase(), person(800)]) for t in range(81)]
    assert len(find_unattended(run(far).all_tracks, radius_px=150, seconds=60)) == 1


def test_an_owner_glimpsed_in_one_frame_still_breaks_the_wait() -> None:
    frames = [(float(t), [suitcase()] + ([person(320)] if t == 40 else [])) for t in range(81)]
    tracker = run(frames)
    assert [t.label for t in tracker.tracks] == ["suitcase"]  # one frame: the person is tentative only
    assert find_unattended(tracker.all_tracks, radius_px=150, seconds=60) == []
    assert len(find_unattended(tracker.tracks, radius_px=150, seconds=60)) == 1


def test_inertia_min_hits_and_max_age() -> None:
    tracker = IoUTracker(min_hits=3, max_age=2)
    assert tracker.update(0.0, [person(500)]) == []
    assert tracker.update(1.0, [person(502)]) == []
    confirmed = tracker.update(2.0, [person(504)])
    assert len(confirmed) == 1 and confirmed[0].confirmed
    for t in (3.0, 4.0):  # two missed frames: still alive
        tracker.update(t, [])
    again = tracker.update(5.0, [person(506)])
    assert [t.id for t in again] == [confirmed[0].id]
    for t in (6.0, 7.0, 8.0):  # three missed frames: over max_age, it ends
        tracker.update(t, [])
    new = [tracker.update(t, [person(506)]) for t in (9.0, 10.0, 11.0)][-1]
    assert len(new) == 1 and new[0].id != confirmed[0].id
    assert len(tracker.tracks) == 2

    flicker = IoUTracker(min_hits=3)
    for t, dets in enumerate([[person(500)], [person(500)], [], [person(500)], [person(500)], []]):
        flicker.update(float(t), dets)
    assert flicker.tracks == [] and len(flicker.all_tracks) == 2  # never 3 in a row: never an object


def test_labels_are_matched_separately_and_greedily() -> None:
    tracker = IoUTracker(min_hits=1)
    box = [100, 100, 200, 300]
    tracker.update(0.0, [{"label": "person", "box": box}, {"label": "suitcase", "box": box}])
    tracker.update(1.0, [("suitcase", box), ("person", box, 0.7)])
    labels = {t.label: len(t.points) for t in tracker.tracks}
    assert labels == {"person": 2, "suitcase": 2}
    # two people side by side swap nothing: each keeps the detection it overlaps most
    pair = IoUTracker(min_hits=1)
    pair.update(0.0, [person(400), person(470)])
    pair.update(1.0, [person(475), person(405)])
    first, second = pair.tracks
    assert first.box[0] + 30 == 405 and second.box[0] + 30 == 475


@pytest.mark.parametrize(
    ("detections", "message"),
    [
        ([{"label": "person", "box": [10, 10, 5, 20]}], r"x2 > x1 and y2 > y1"),
        ([{"label": "person", "box": [10, 10, 20]}], r"4 finite numbers"),
        ([{"label": "person", "box": [0, 0, float("nan"), 1]}], r"4 finite numbers"),
        ([{"label": "person", "box": "0 0 1 1"}], r"box \[x1, y1, x2, y2\] of numbers|4 finite"),
        ([{"label": "", "box": [0, 0, 1, 1]}], r"expected a label string"),
        ([{"box": [0, 0, 1, 1]}], r"frame 0, detection 0: expected a label string, got None"),
        ([("person",)], r"expected a label string"),
        ([42], r"expected a label string"),
    ],
)
def test_bad_detections_are_refused(detections: list, message: str) -> None:
    with pytest.raises(TrackingError, match=message):
        IoUTracker().update(0.0, detections)


def test_bad_parameters_and_time_going_back() -> None:
    tracker = IoUTracker()
    tracker.update(5.0, [])
    with pytest.raises(TrackingError, match="timestamps must increase: got 5 s after 5 s"):
        tracker.update(5.0, [])
    with pytest.raises(TrackingError, match="got 4 s after 5 s"):
        tracker.update(4.0, [])
    with pytest.raises(TrackingError, match="iou_threshold"):
        IoUTracker(iou_threshold=0)
    with pytest.raises(TrackingError, match="min_hits must be at least 1"):
        IoUTracker(min_hits=0)
    with pytest.raises(TrackingError, match="max_age"):
        IoUTracker(max_age=-1)
    with pytest.raises(TrackingError, match="radius_px must be a positive"):
        find_unattended([], radius_px=0, seconds=60)
    with pytest.raises(TrackingError, match="seconds must be positive"):
        find_unattended([], radius_px=10, seconds=-1)
    with pytest.raises(TrackingError, match="loitering_seconds must be positive"):
        find_loitering([], dock_zones(), loitering_seconds=0)
