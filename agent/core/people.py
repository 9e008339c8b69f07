"""Answers about people's pose and activity (the ``pose`` op): posture, raised arms and facing from
``estimate_pose`` run on the detector's person boxes, and what a person is doing from that posture and
the things they hold or ride ("playing tennis", "riding a horse"), else the posture itself.

The executor calls ``answer``; every claim cites the pose (P) and the things (D, L) it rests on, and a
judgement the keypoints cannot support is said to be unclear, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from argus.agent.core import program as p
from argus.tools import box_geometry as geometry
from argus.tools.words import count_phrase, join_words, plural

if TYPE_CHECKING:
    from argus.agent.core.executor import Executor, Finding
    from argus.agent.core.things import Thing

SURE = 0.5  # a thing scored below this makes an activity "possibly"
CLASSIFIER_CLUE = 0.2  # an ImageNet camera class at least this probable says someone takes photographs
# What holding (or standing on) a COCO thing says a person is doing.
HELD_ACTIVITY = {
    "sports ball": "playing with a ball", "tennis racket": "playing tennis", "baseball bat": "playing baseball",
    "baseball glove": "playing baseball", "frisbee": "playing frisbee", "kite": "flying a kite",
    "skis": "skiing", "snowboard": "snowboarding", "surfboard": "surfing", "skateboard": "skateboarding",
    "laptop": "using a computer", "keyboard": "using a computer", "cell phone": "using a phone",
    "book": "reading", "umbrella": "holding an umbrella", "toothbrush": "brushing their teeth",
}  # fmt: skip
RIDDEN_ACTIVITY = {
    "horse": "riding a horse", "bicycle": "riding a bicycle", "motorcycle": "riding a motorcycle",
    "elephant": "riding an elephant",
}  # fmt: skip
BOARDS = frozenset({"skis", "snowboard", "surfboard", "skateboard"})  # stood on: under the feet, not held
CAMERA_CLASSES = frozenset({"reflex camera", "Polaroid camera", "tripod"})
POSTURE_WORDS = {"standing": "standing", "sitting": "sitting", "lying": "lying down"}
FACING_WORDS = {
    "camera": "facing the camera", "away": "facing away from the camera", "left": "facing the image's left",
    "right": "facing the image's right",
}  # fmt: skip
HE = re.compile(r"\b(?:he|him|his|man|men|boy|boys|guy|guys|gentleman|gentlemen)\b")
SHE = re.compile(r"\b(?:she|her|hers|woman|women|girl|girls|lady|ladies)\b")
PERSON_NOUNS = {
    "man": "man", "men": "man", "woman": "woman", "women": "woman", "boy": "boy", "boys": "boy",
    "girl": "girl", "girls": "girl", "guy": "guy", "guys": "guy", "lady": "lady", "ladies": "lady",
    "child": "child", "children": "child", "kid": "kid", "kids": "kid", "player": "player",
    "players": "player", "astronaut": "astronaut", "photographer": "photographer", "person": "person",
    "people": "person", "persons": "person",
}  # fmt: skip
PERSON_NOUN = re.compile(r"\b(" + "|".join(PERSON_NOUNS) + r")\b")


@dataclass
class Person:
    """One selected person and the pose read on their box (None when the pose tool failed)."""

    thing: Thing
    pose: Any

    def judged(self, asked: str) -> Any:
        return getattr(self.pose, asked) if self.pose is not None else None

    def value(self, asked: str) -> str:
        judgement = self.judged(asked)
        return judgement.value if judgement is not None else "unclear"

    def unclear(self, asked: str, expected: str | None = None) -> bool:
        """Whether the pose cannot answer: unclear, or upright when standing or sitting is asked."""
        value = self.value(asked)
        return value == "unclear" or (value == "upright" and expected != "lying")

    @property
    def cite(self) -> str:
        return f"[{self.pose.id}]" if self.pose is not None else f"[{self.thing.id}]"


def answer(ex: Executor, op: p.Pose) -> Finding:
    from argus.agent.core.executor import GENDERED
    from argus.agent.core.finding import Finding, verdict

    _, things = ex.select(op.target)
    words = Words(ex.toolbox.question)
    if things is None:
        return Finding(None, "I can't tell: the detector failed.")
    if not things:
        unseen = f"I don't see {words.any_person}"
        if op.count:
            return Finding("0", f"None: {unseen}.", [], [ABSENT], value=0)
        if op.expected is not None and words.noun == "person":  # "is anyone sitting?" with no one there
            return verdict(False, f", {unseen}.", [], [ABSENT])
        return Finding(None, f"I can't tell: {unseen}.", caveats=[ABSENT])
    people = _posed(ex, [t for t in things if t.box])
    if op.asked == "doing":
        found = _doing(ex, people, words)
    elif op.which:
        found = _which_ones(people, op, words)
    elif op.count:
        found = _count(people, op, words)
    elif op.expected is None:
        found = _which(people, op.asked, words)
    else:
        found = _check(people, op, words)
    if len(people) > 1 and GENDERED.search(ex.toolbox.question.lower()):
        found.caveats.append(
            "These are people: no tool here tells men from women, and this assistant does not guess it."
        )
    return found


ABSENT = "The detector finds people it sees clearly; someone small, hidden or cut off may be missed."
DOING = (
    "What people are doing is judged from their pose and what they hold or ride; no tool here recognises "
    "actions themselves."
)


class Words:
    """How the answer names the people: as the question did ('the man', 'she'), never guessing a gender."""

    def __init__(self, question: str) -> None:
        asked = question.lower()
        noun = PERSON_NOUN.search(asked)
        self.noun = PERSON_NOUNS[noun.group(1)] if noun else "person"
        self.pronoun = "he" if HE.search(asked) else "she" if SHE.search(asked) else "they"
        self.any_person = f"a {self.noun}" if self.noun != "person" else "anyone"

    def be(self, capital: bool = True) -> str:
        said = "they are" if self.pronoun == "they" else f"{self.pronoun} is"
        return said[0].upper() + said[1:] if capital else said

    @property
    def them(self) -> str:
        return {"he": "him", "she": "her"}.get(self.pronoun, "them")

    def all(self, n: int) -> str:
        """'both men', 'all 3 people'."""
        return f"both {plural(self.noun)}" if n == 2 else f"all {n} {plural(self.noun)}"

    def many(self, n: int) -> str:
        """'3 men', '1 person': the question's noun counted."""
        return count_phrase(n, self.noun)


def _posed(ex: Executor, things: list[Thing]) -> list[Person]:
    result = ex.call("estimate_pose", {"persons": [{"box": t.box, "source": t.id} for t in things]})
    poses = {} if result is None else {pose.source: pose for pose in result.poses}
    return [Person(t, poses.get(t.id)) for t in things]


def _state(person: Person) -> str:
    """'standing, facing the camera': what the pose shows clearly, or '' when nothing is clear."""
    parts = []
    posture = person.value("posture")
    if posture in POSTURE_WORDS:
        parts.append(POSTURE_WORDS[posture])
    facing = person.value("facing")
    if facing in FACING_WORDS:
        parts.append(FACING_WORDS[facing])
    if person.value("arms") == "raised":
        parts.append("with an arm raised")
    return ", ".join(parts)


def _reason(person: Person, asked: str) -> str:
    judgement = person.judged(asked)
    return judgement.reason if judgement is not None else "the pose could not be read"


def _cites(people: list[Person]) -> str:
    return "".join(person.cite for person in people)


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


# -------------------------------------------------------------------------------------------- doing
def _doing(ex: Executor, people: list[Person], words: Words) -> Finding:
    from argus.agent.core.executor import Finding

    nearby = ex.things("detections") or []
    cameras = _camera_labels(ex)
    largest = max(people, key=lambda person: person.thing.area)
    activities = [_activity(person, nearby, cameras if person is largest else []) for person in people]
    if len(people) == 1:
        person, (activity, cites) = people[0], activities[0]
        state = _state(person)
        if activity:
            why = [f"{words.be()} {state} {person.cite}."] if state else []
            return Finding(activity, f"{words.be()} {activity} {cites}.", why, [DOING], value=activity)
        if state:
            nothing = f"Nothing the detector knows lies on {words.them} to say more about what {words.be(False)} doing."
            return Finding(
                state.split(",")[0], f"{words.be()} {state} {person.cite}.", [], [nothing, DOING], value=state
            )
        return Finding(
            None,
            f"I can't tell what the {words.noun} is doing: {_reason(person, 'posture')} {person.cite}.",
            [],
            [DOING],
        )
    said: dict[str, list[Person]] = {}
    for person, (activity, _) in zip(people, activities, strict=True):
        said.setdefault(activity or _state(person).split(",")[0], []).append(person)
    known = sorted(((k, v) for k, v in said.items() if k), key=lambda kv: -len(kv[1]))
    unknown = said.get("", [])
    if len(known) == 1 and not unknown:
        what, group = known[0]
        lead = f"{_cap(words.all(len(group)))} are {what} {_cites(group)}."
    else:
        parts = [f"{words.many(len(g))} {_are(len(g))} {what} {_cites(g)}" for what, g in known]
        if unknown:
            parts.append(f"I can't tell for {count_phrase(len(unknown), 'other')} {_cites(unknown)}")
        lead = _cap(join_words(parts)) + "."
    short = known[0][0] if known else None
    return Finding(short, lead, [], [DOING], value=short)


def _activity(person: Person, nearby: list[Thing], cameras: list[Any]) -> tuple[str | None, str]:
    """What the person is doing by what they hold or ride (and the cite), else (None, '')."""
    box = person.thing.box or []
    for thing in nearby:
        if thing.label in RIDDEN_ACTIVITY and thing.box and _rides(box, thing.box):
            return _sure(RIDDEN_ACTIVITY[thing.label], thing), f"{person.cite}[{thing.id}]"
    held = [
        t
        for t in nearby
        if t.label in HELD_ACTIVITY
        and t.box
        and (geometry.covered(t.box, box) >= 0.5 or t.label in BOARDS and _rides(box, t.box))
        and (t.score or 0) >= SURE / 2
    ]
    if held:
        best = max(held, key=lambda t: t.score or 0.0)
        return _sure(HELD_ACTIVITY[best.label], best), f"{person.cite}[{best.id}]"
    if cameras:
        return "taking photographs", f"{person.cite}[{cameras[0].id}]"
    return None, ""


def _sure(activity: str, thing: Thing) -> str:
    return activity if thing.score is None or thing.score >= SURE else f"possibly {activity}"


def _rides(person: list[float], ride: list[float]) -> bool:
    from argus.agent.core.executor import _rides as rides

    return rides(person, ride)


def _camera_labels(ex: Executor) -> list[Any]:
    labels = ex._classifier_labels() or []
    return [
        label for label in labels if label.label in CAMERA_CLASSES and (label.score or 0) >= CLASSIFIER_CLUE
    ]


# -------------------------------------------------------------------------------- posture, arms, facing
def _words_for(asked: str, value: str) -> str:
    if asked == "posture" and value == "upright":
        return "upright (standing or sitting: the legs are out of view)"
    if asked == "posture":
        return POSTURE_WORDS.get(value, value)
    if asked == "facing":
        return FACING_WORDS.get(value, value)
    return {"raised": "raising an arm", "down": "not raising an arm"}.get(value, value)


def _which(people: list[Person], asked: str, words: Words) -> Finding:
    """'Which way is he facing?', 'is he sitting or standing?': the value for one person, or for each."""
    from argus.agent.core.executor import Finding

    if len(people) == 1:
        person = people[0]
        value = person.value(asked)
        if person.unclear(asked):
            return Finding(None, f"I can't tell: {_reason(person, asked)} {person.cite}.")
        short = {"camera": "toward the camera", "away": "away from the camera"}.get(value, value)
        lead = f"{words.be()} {_words_for(asked, value)} {person.cite}."
        return Finding(short, lead, [_why(person, asked)], value=value)
    groups: dict[str, list[Person]] = {}
    for person in people:
        groups.setdefault("unclear" if person.unclear(asked) else person.value(asked), []).append(person)
    clear = sorted(((v, g) for v, g in groups.items() if v != "unclear"), key=lambda vg: -len(vg[1]))
    parts = [f"{words.many(len(g))} {_are(len(g))} {_words_for(asked, v)} {_cites(g)}" for v, g in clear]
    if "unclear" in groups:
        parts.append(
            f"I can't tell for {count_phrase(len(groups['unclear']), 'other')} {_cites(groups['unclear'])}"
        )
    most = clear[0][0] if clear else None
    return Finding(most, _cap(join_words(parts)) + ".", value=most)


def _why(person: Person, asked: str) -> str:
    judgement = person.judged(asked)
    if judgement is None:
        return ""
    return f"The pose shows {judgement.reason} (confidence {judgement.confidence:.2f})."


def _unclear(group: list[Person], asked: str) -> str:
    """Why the pose leaves these people unclear: one shared reason, or each one's."""
    reasons = list(dict.fromkeys(_reason(person, asked) for person in group))
    return join_words(reasons)


def _check(people: list[Person], op: p.Pose, words: Words) -> Finding:
    """'Is he standing?', 'is anyone lying down?', 'are the people standing?': yes, no or can't tell."""
    from argus.agent.core.finding import Finding, verdict

    asked, expected = op.asked, op.expected or ""
    wanted = _words_for(asked, expected)
    matching = [person for person in people if person.value(asked) == expected]
    unclear = [person for person in people if person.unclear(asked, expected)]
    other = [person for person in people if person not in matching and person not in unclear]
    if len(people) == 1:
        person = people[0]
        if unclear:
            return Finding(None, f"I can't tell: {_reason(person, asked)} {person.cite}.")
        said = wanted if matching else _words_for(asked, person.value(asked))
        return verdict(
            bool(matching), f", {words.be(capital=False)} {said} {person.cite}.", [_why(person, asked)]
        )
    total = words.many(len(people))
    not_told = [
        f"I can't tell for {count_phrase(len(unclear), 'other')}: {_unclear(unclear, asked)} {_cites(unclear)}."
    ]
    not_told = not_told if unclear else []
    if op.every and matching or op.every and other:
        if other:
            return verdict(
                False,
                f", {len(other)} of the {total} {_are(len(other))} not {wanted} {_cites(other)}.",
                [],
                not_told,
            )
        if unclear:
            lead = f"I can't tell: {len(matching)} of the {total} {_are(len(matching))} {wanted} {_cites(matching)}"
            return Finding(
                None,
                lead
                + f", but for {count_phrase(len(unclear), 'other')} {_unclear(unclear, asked)} {_cites(unclear)}.",
            )
        return verdict(True, f", all {total} are {wanted} {_cites(matching)}.")
    if matching:
        return verdict(
            True,
            f", {len(matching)} of the {total} {_are(len(matching))} {wanted} {_cites(matching)}.",
            [],
            not_told,
        )
    if other:
        return verdict(False, f", none of the {total} is {wanted} {_cites(other)}.", [], not_told)
    return Finding(
        None, f"I can't tell: for {words.all(len(people))}, {_unclear(unclear, asked)} {_cites(unclear)}."
    )


def _count(people: list[Person], op: p.Pose, words: Words, which: bool = False) -> Finding:
    """'How many people are sitting?': those whose pose shows it, with those it leaves unclear. With
    ``which``, said for 'who is sitting?' when none is ('No one is sitting: ...')."""
    from argus.agent.core.executor import Finding

    asked, expected = op.asked, op.expected or ""
    matching = [person for person in people if person.value(asked) == expected]
    unclear = [person for person in people if person.unclear(asked, expected)]
    judged = [person for person in people if person not in unclear]
    wanted = _words_for(asked, expected)
    if not judged:
        why = f"for {words.all(len(people)) if len(people) > 1 else 'the ' + words.noun}, {_unclear(unclear, asked)}"
        return Finding(
            None,
            f"I can't tell {'which' if which else 'how many'} {plural(words.noun)} are {wanted}: {why} "
            f"{_cites(unclear)}.",
        )
    if matching:
        lead = f"{words.many(len(matching))} {_are(len(matching))} {wanted} {_cites(matching)}."
    else:
        others = Counter(person.value(asked) for person in judged).most_common()
        if len(others) == 1:
            who = words.all(len(judged)) if len(judged) > 1 else f"the {words.noun}"
            seen = f": {who} {_are(len(judged))} {_words_for(asked, others[0][0])} {_cites(judged)}."
        elif others:
            parts = [f"{n} {_are(n)} {_words_for(asked, v)}" for v, n in others]
            seen = f": of the {words.many(len(judged))}, {join_words(parts)} {_cites(judged)}."
        else:
            seen = "."
        lead = f"{f'No one is {wanted}' if which else f'0 {plural(words.noun)} are {wanted}'}{seen}"
    caveats = (
        [
            f"I can't tell for {count_phrase(len(unclear), 'other')}: {_unclear(unclear, asked)} {_cites(unclear)}."
        ]
        if unclear
        else []
    )
    return Finding("no one" if which else str(len(matching)), lead, [], caveats, value=len(matching))


def _which_ones(people: list[Person], op: p.Pose, words: Words) -> Finding:
    """'Who is standing?', 'which person has their arms up?': the ones whose pose shows it, named by
    where they stand among the others."""
    from argus.agent.core.executor import Finding

    asked, expected = op.asked, op.expected or ""
    matching = [person for person in people if person.value(asked) == expected]
    wanted = _words_for(asked, expected)
    if not matching:
        return _count(people, op, words, which=True)
    if len(matching) == len(people) and len(people) > 1:
        lead = f"All of them: {words.many(len(people))} {_are(len(people))} {wanted} {_cites(matching)}."
        return Finding("all of them", lead, value=len(matching))
    named = [
        " ".join(w for w in ("the", words.noun, _place(person, people), person.cite) if w)
        for person in matching
    ]
    short = (
        " ".join(w for w in ("the", words.noun, _place(matching[0], people)) if w)
        if len(matching) == 1
        else None
    )
    lead = f"{_cap(join_words(named))} {_are(len(matching))} {wanted}."
    return Finding(short, lead, value=len(matching))


def _place(person: Person, people: list[Person]) -> str:
    """Where ``person`` stands among ``people``, left to right: 'on the left', 'in the middle'."""
    order = sorted(people, key=lambda other: (other.thing.box or [0.0])[0])
    at = order.index(person)
    if len(order) == 1:
        return ""
    if at == 0:
        return "on the left"
    if at == len(order) - 1:
        return "on the right"
    if len(order) == 3:
        return "in the middle"
    return f"{_ordinal(at + 1)} from the left"


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
