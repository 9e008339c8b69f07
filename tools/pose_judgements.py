"""What a person's keypoints say: posture (standing, sitting, lying), arms raised, and which way they
face. Pure geometry on the 17 COCO keypoints in image pixels (y grows downwards); every judgement
keeps its measurements and says ``unclear`` when the keypoints it needs are too weak.
"""

from __future__ import annotations

import math

from argus.tools.evidence import Judgement, Keypoint

KEYPOINT_NAMES = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
SEEN = 0.3  # a keypoint scored at least this is taken as seen
LYING_TORSO = 60.0  # degrees from upright: a torso leaning further lies
UPRIGHT_TORSO = 35.0  # a torso within this of upright stands or sits
STANDING_THIGH = 0.55  # hip-to-knee drop over torso length: a standing thigh hangs nearly its full length
SITTING_THIGH = 0.35  # ... a sitting thigh, seen from the front or the side, drops much less
STRAIGHT_KNEE = 145.0  # degrees at the knee: a straight leg
BENT_KNEE = 125.0
RAISED_MARGIN = 0.1  # a wrist this share of the torso above its shoulder is raised
FRONT_NOSE = (0.2, 0.8)  # the nose this far across from the right ear to the left: facing the camera
PROFILE_NOSE = 0.15  # with one ear seen, a nose this far from it (over shoulder width) faces that way


Points = dict[str, Keypoint]


def by_name(keypoints: list[Keypoint]) -> Points:
    return {k.name: k for k in keypoints}


def _seen(points: Points, *names: str) -> bool:
    return all(points[n].score >= SEEN for n in names)


def _mid(points: Points, a: str, b: str) -> tuple[float, float, float]:
    """The midpoint of two keypoints, or the one seen when only one is; with the weaker score."""
    pa, pb = points[a], points[b]
    if pa.score >= SEEN and pb.score >= SEEN:
        return (pa.x + pb.x) / 2, (pa.y + pb.y) / 2, min(pa.score, pb.score)
    best = pa if pa.score >= pb.score else pb
    return best.x, best.y, best.score


def _angle_from_vertical(dx: float, dy: float) -> float:
    return math.degrees(math.atan2(abs(dx), abs(dy))) if dx or dy else 0.0


def _knee_angle(hip: Keypoint, knee: Keypoint, ankle: Keypoint) -> float:
    a = (hip.x - knee.x, hip.y - knee.y)
    b = (ankle.x - knee.x, ankle.y - knee.y)
    norm = math.hypot(*a) * math.hypot(*b)
    if norm == 0:
        return 180.0
    cos = max(-1.0, min(1.0, (a[0] * b[0] + a[1] * b[1]) / norm))
    return math.degrees(math.acos(cos))


def torso(points: Points) -> tuple[float, float, float] | None:
    """(length in pixels, degrees from upright, confidence) of the shoulders-to-hips line, or None."""
    if not (points["left_shoulder"].score >= SEEN or points["right_shoulder"].score >= SEEN):
        return None
    if not (points["left_hip"].score >= SEEN or points["right_hip"].score >= SEEN):
        return None
    sx, sy, s_score = _mid(points, "left_shoulder", "right_shoulder")
    hx, hy, h_score = _mid(points, "left_hip", "right_hip")
    length = math.hypot(hx - sx, hy - sy)
    if length < 1:
        return None
    return length, _angle_from_vertical(hx - sx, hy - sy), min(s_score, h_score)


def posture(points: Points, box: list[float]) -> Judgement:
    """Standing, sitting or lying, from the torso's angle and each seen leg's hip-knee-ankle geometry;
    upright (standing or sitting, not lying) when the torso is upright but no knee is seen."""
    body = torso(points)
    width, height = box[2] - box[0], box[3] - box[1]
    if body is None:
        return Judgement(value="unclear", confidence=0.0, reason="the shoulders or hips are not seen")
    length, lean, sure = body
    measured = {"torso_lean_deg": round(lean, 1), "box_aspect": round(width / max(height, 1.0), 2)}
    if lean >= LYING_TORSO:
        return Judgement(
            value="lying",
            confidence=round(sure, 2),
            measurements=measured,
            reason="a torso lying near horizontal",
        )
    if lean > UPRIGHT_TORSO:
        return Judgement(value="unclear", confidence=round(sure, 2), measurements=measured,
                         reason="the torso leans, neither upright nor flat")  # fmt: skip
    legs = []
    for side in ("left", "right"):
        hip, knee, ankle = points[f"{side}_hip"], points[f"{side}_knee"], points[f"{side}_ankle"]
        if hip.score < SEEN or knee.score < SEEN:
            continue
        drop = (knee.y - hip.y) / length
        angle = _knee_angle(hip, knee, ankle) if ankle.score >= SEEN else None
        legs.append((drop, angle, min(hip.score, knee.score, ankle.score if angle is not None else 1.0)))
    if not legs:
        return Judgement(value="upright", confidence=round(sure, 2), measurements=measured,
                         reason="the torso is upright but the knees are out of view, so standing and sitting look alike")  # fmt: skip
    drop = max(leg[0] for leg in legs)
    angles = [leg[1] for leg in legs if leg[1] is not None]
    bend = max(angles) if angles else None
    measured["thigh_drop"] = round(drop, 2)
    if bend is not None:
        measured["knee_angle_deg"] = round(bend, 1)
    confidence = round(min(sure, max(leg[2] for leg in legs)), 2)
    if drop >= STANDING_THIGH and (bend is None or bend >= STRAIGHT_KNEE):
        reason = "an upright torso with the thighs hanging straight down" + (
            " and straight knees" if bend else ""
        )
        if bend is None:  # no ankle seen: a straight thigh alone says less
            confidence = round(confidence * 0.8, 2)
        return Judgement(value="standing", confidence=confidence, measurements=measured, reason=reason)
    if drop <= SITTING_THIGH or (bend is not None and bend <= BENT_KNEE and drop < STANDING_THIGH):
        return Judgement(value="sitting", confidence=confidence, measurements=measured,
                         reason="an upright torso with the thighs level or the knees bent")  # fmt: skip
    return Judgement(value="unclear", confidence=confidence, measurements=measured,
                     reason="the legs are neither straight nor clearly bent")  # fmt: skip


def arms(points: Points) -> Judgement:
    """Raised when a seen wrist is above its own seen shoulder; down when every seen wrist is below."""
    body = torso(points)
    scale = body[0] if body else None
    raised: list[str] = []
    down: list[str] = []
    scores: list[float] = []
    measured: dict[str, float] = {}
    for side in ("left", "right"):
        wrist, shoulder = points[f"{side}_wrist"], points[f"{side}_shoulder"]
        if wrist.score < SEEN or shoulder.score < SEEN:
            continue
        reference = scale or abs(points["left_shoulder"].x - points["right_shoulder"].x) or 1.0
        height = (shoulder.y - wrist.y) / reference  # above the shoulder: positive
        measured[f"{side}_wrist_above_shoulder"] = round(height, 2)
        scores.append(min(wrist.score, shoulder.score))
        (raised if height >= RAISED_MARGIN else down).append(side)
    if not scores:
        return Judgement(
            value="unclear", confidence=0.0, reason="no wrist is seen together with its shoulder"
        )
    confidence = round(min(scores), 2)
    if raised:
        which = "both wrists" if len(raised) == 2 else f"the {raised[0]} wrist (the person's own {raised[0]})"
        return Judgement(value="raised", confidence=confidence, measurements=measured,
                         reason=f"{which} above the shoulder")  # fmt: skip
    if len(down) < 2:  # one wrist down, the other unseen: it might be up
        return Judgement(value="unclear", confidence=confidence, measurements=measured,
                         reason="one wrist is below its shoulder and the other is not seen")  # fmt: skip
    return Judgement(value="down", confidence=confidence, measurements=measured,
                     reason="both wrists below the shoulders")  # fmt: skip


def facing(points: Points) -> Judgement:
    """Which way the person faces, from the head first: the nose between the ears (the person's left ear
    on the image's right) faces the camera, the nose beyond the ears faces that side of the image; with
    no face seen, shoulders square in the back's order face away."""
    nose, ls, rs = points["nose"], points["left_shoulder"], points["right_shoulder"]
    face = [n for n in ("nose", "left_eye", "right_eye") if points[n].score >= SEEN]
    ears = [points[n] for n in ("left_ear", "right_ear") if points[n].score >= SEEN]
    measured = {"face_points_seen": float(len(face))}
    if nose.score >= SEEN and len(ears) == 2:
        le, re_ = points["left_ear"], points["right_ear"]
        span = le.x - re_.x
        place = (nose.x - re_.x) / span if abs(span) >= 1 else (0.0 if nose.x < re_.x else 1.0)
        measured["nose_between_ears"] = round(place, 2)
        sure = round(min(nose.score, le.score, re_.score), 2)
        if span > 0 and FRONT_NOSE[0] <= place <= FRONT_NOSE[1] and len(face) >= 2:
            return Judgement(value="camera", confidence=sure, measurements=measured,
                             reason="the face, with the nose between the ears")  # fmt: skip
        if place < 0 or place > 1:
            side = "left" if nose.x < (le.x + re_.x) / 2 else "right"
            return Judgement(value=side, confidence=sure, measurements=measured,
                             reason=f"the head side on, the nose beyond the ears toward the image's {side}")  # fmt: skip
    if nose.score >= SEEN and len(ears) == 1 and _seen(points, "left_shoulder", "right_shoulder"):
        width = abs(ls.x - rs.x) or 1.0
        ahead = (nose.x - ears[0].x) / width
        measured["nose_ahead_of_ear"] = round(ahead, 2)
        if abs(ahead) >= PROFILE_NOSE:
            side = "left" if ahead < 0 else "right"
            return Judgement(value=side, confidence=round(min(nose.score, ears[0].score), 2),
                             measurements=measured, reason=f"the head side on, one ear seen and the nose toward the image's {side}")  # fmt: skip
    if not face and _seen(points, "left_shoulder", "right_shoulder") and ls.x < rs.x:
        measured["shoulder_order"] = round(ls.x - rs.x, 1)
        return Judgement(value="away", confidence=round(min(ls.score, rs.score), 2), measurements=measured,
                         reason="no face, and the person's left shoulder on the image's left (their back)")  # fmt: skip
    sure = max([points[n].score for n in ("nose", "left_ear", "right_ear")])
    return Judgement(value="unclear", confidence=round(sure, 2), measurements=measured,
                     reason="the face is half turned or not seen clearly")  # fmt: skip
