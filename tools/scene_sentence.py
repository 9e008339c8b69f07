"""Writing what the tools saw as a sentence a person would say, citing every object it names.

"A photo of a blue minibus [D2][L1][K5], with three people [D1][D3][D4] in front of it."

- The subject is the largest confident detection. When the classifier's top class is confident and
  is a kind of the subject ("minibus" is a bus, "Egyptian cat" a cat), it names the subject; the
  subject's colour comes from its own pixels (an object colour item), said only when most of it is
  that colour.
- The other confident detections follow, counted per label, each group placed against the subject
  (in front of it, on it, to its left, ...) or, for several of the subject's own kind, across the
  picture (on the left, in the middle, on the right).
- Detections under ``CONFIDENT`` are said as "possibly"; a confident classifier class the detections
  do not account for gets a sentence of its own; with no detections, the things on a plain background
  (find_objects) are counted by colour and shape.
- Image quality is said only when it fails (too dark, blurred) or when the photo is black and white.

Backend names, versions, metric names and numbers other than counts never appear.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from argus.tools.evidence import (
    Colour,
    Detection,
    EvidenceItem,
    ImageLabel,
    Measurement,
    ObjectProposal,
    TextLine,
)
from argus.tools.words import plural

CONFIDENT = 0.5  # detections at least this sure are stated; weaker ones are "possibly"
STRONG = 0.7  # a detection this sure leads the sentence even where find_objects counts things
CLASS_CONFIDENT = 0.3  # the classifier's top class is used when at least this probable
COLOUR_SHARE = 0.4  # an object's colour is said when it covers at least this share of it
MAX_TEXT_LINES = 3
# A word as printed: all lower case, Capitalised, or ALL CAPS; or a number.
_PART = r"(?:[a-z]+|[A-Z][a-z]+|[A-Z]+)"
_WORD = re.compile(rf"^[(\"']?(?:{_PART}(?:-{_PART})*|\d+(?:[.,:]\d+)*)[.,:;!?'\")]*$")
SURFACES = frozenset({"dining table", "bed", "couch", "bench", "chair", "toilet", "sink", "surfboard"})
NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Verdicts a plain white or black background causes by itself: not said of a picture of things on one.
BACKGROUND_DRIVEN = frozenset({"overexposed", "underexposed", "clipped", "low contrast"})
# Verdicts under which colour names say nothing about the things: no colour, or too little light.
NO_COLOUR = frozenset({"grayscale", "underexposed", "overexposed"})
MAX_POSSIBLY = 3  # labels said as "possibly"
QUALITY_WORDS = {
    "underexposed": "too dark",
    "overexposed": "too bright",
    "clipped": "washed out in large areas",
    "low contrast": "low in contrast",
    "blurred": "blurred",
    "noisy": "noisy",
    "too small": "very small",
}


@dataclass
class Sentence:
    """The text and the evidence items it cites, in the order it cites them."""

    parts: list[str] = field(default_factory=list)
    used: list[EvidenceItem] = field(default_factory=list)

    def cite(self, items: Sequence[EvidenceItem]) -> str:
        for item in items:
            if item not in self.used:
                self.used.append(item)
        return "".join(f"[{item.id}]" for item in items)

    @property
    def text(self) -> str:
        return " ".join(p for p in self.parts if p)


def counted(label: str, count: int) -> str:
    """ "a bus", "three people", "12 coins"."""
    if count == 1:
        return f"{article(label)} {label}"
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"{number} {plural(label, count)}"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def listed(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def describe(
    detections: list[Detection],
    labels: list[ImageLabel],
    colours: list[Colour],
    measurements: list[Measurement],
    objects: list[ObjectProposal] | None,
    text_lines: list[TextLine] | None,
    image_size: tuple[int, int],
) -> Sentence:
    """The description of one image from its tools' items (``objects`` and ``text_lines`` None when
    those tools did not run)."""
    out = Sentence()
    kind = _kind_of_picture(measurements, out)
    sure = [d for d in detections if (d.score or 0) >= CONFIDENT]
    unsure = [d for d in detections if (d.score or 0) < CONFIDENT]
    top = labels[0] if labels and (labels[0].score or 0) >= CLASS_CONFIDENT else None
    kin = _kin(labels)
    if top is None and kin:
        top = kin[0]  # no one class is sure, but several agree on the kind: a palace, a boathouse, a church
    if not _colours_tell(measurements):
        colours = []
    if objects and not any((d.score or 0) >= STRONG and not _drawn(d, objects) for d in detections):
        # things on a plain background, and no detection strong enough to outweigh them; the background
        # alone makes such a picture look over- or underexposed, which says nothing about the things
        measurements = [m for m in measurements if m.verdict not in BACKGROUND_DRIVEN]
        _things_sentence(out, kind, objects, detections, _colours_tell(measurements))
    elif sure:
        top_used = _objects_sentence(out, kind, sure, unsure, top, colours, image_size)
        if top is not None and not top_used:
            out.parts.append(f"It looks like {article(top.label)} {top.label} {out.cite([top])}.")
    elif top is not None:
        # close runners-up of the same kind are named too, under their kind when it has a plain name:
        # "a rocket (a projectile or a missile)", "a building (a palace, a boathouse or a church)"
        alike = kin if kin and kin[0] is top else [top]
        named = _or_list([f"{article(lab.label)} {lab.label}" for lab in alike])
        group = top.group or ""
        if len(alike) > 1 and group and " " not in group and group not in ("other", top.label):
            named = f"{article(group)} {group} ({named})"
        out.parts.append(f"{_cap(kind)} of what looks like {named} {out.cite(alike)}.")
        if unsure:
            out.parts.append(f"It may show {_possibly(out, unsure)}.")
    else:
        seen = f", possibly {_possibly(out, unsure)}" if unsure else ""
        out.parts.append(f"{_cap(kind)} in which no object is recognised with confidence{seen}.")
    _quality_sentence(out, measurements)
    _text_sentence(out, text_lines)
    return out


FLAT_SHAPES = frozenset(
    {"circle", "ellipse", "square", "rectangle", "triangle", "pentagon", "hexagon", "star"}
)


def _drawn(detection: Detection, objects: list[ObjectProposal]) -> bool:
    """Whether a detection is a drawn flat shape the detector took for a thing (a hexagon 'kite')."""
    from argus.tools.box_geometry import iou

    return any(o.shape in FLAT_SHAPES and iou(list(detection.box), list(o.box)) >= 0.5 for o in objects)


def _kin(labels: list[ImageLabel]) -> list[ImageLabel]:
    """The classes of the most probable kind (the classifier's group), when together they are probable
    enough and more than one of them is named; else empty."""
    totals: dict[str, float] = {}
    for lab in labels:
        if lab.group:
            totals[lab.group] = totals.get(lab.group, 0.0) + (lab.score or 0.0)
    if not totals:
        return []
    group = max(totals, key=lambda g: totals[g])
    members = [lab for lab in labels if lab.group == group and (lab.score or 0) >= CLASS_CONFIDENT / 3]
    if totals[group] < CLASS_CONFIDENT or len(members) < 2:
        return []
    return members[:3]


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _colours_tell(measurements: list[Measurement]) -> bool:
    """Whether colour names mean anything: not in a black-and-white, too dark or too bright picture."""
    return not any(m.verdict in NO_COLOUR for m in measurements)


def _kind_of_picture(measurements: list[Measurement], out: Sentence) -> str:
    """ "a photo", or "a black-and-white photo [Qn]" when the colour check says grayscale."""
    grey = next((m for m in measurements if m.label == "colour" and m.verdict == "grayscale"), None)
    return f"a black-and-white photo {out.cite([grey])}" if grey else "a photo"


def _objects_sentence(
    out: Sentence,
    kind: str,
    sure: list[Detection],
    unsure: list[Detection],
    top: ImageLabel | None,
    colours: list[Colour],
    image_size: tuple[int, int],
) -> bool:
    """The sentence about the detections; whether it used the classifier's top class."""
    from argus.tools.coco import COCO_80, match_label

    by_label: dict[str, list[Detection]] = {}
    for detection in sorted(sure, key=_area, reverse=True):
        by_label.setdefault(detection.label, []).append(detection)
    subject = max(sure, key=_area)
    own = by_label.pop(subject.label)
    colour_of = {c.source: c for c in colours if c.source}

    noun, named_by = subject.label, []
    if top is not None and len(own) == 1 and top.group and match_label(top.group, COCO_80) == subject.label:
        noun, named_by = top.label, [top]  # the classifier's finer name for it: a minibus, an Egyptian cat
        if subject.label.split()[-1] not in noun.lower():
            noun = f"{noun} ({subject.label})"  # "a moped (motorcycle)": the finer name with the plain one
    if len(own) == 1 and subject.label == "person":  # a person's colour is their clothes', never their own
        shared, shared_items = _shared_colour([colour_of.get(subject.id)], subject.label)
        subject_text = f"{article(noun)} {noun} {out.cite([subject, *named_by])}"
        if shared:
            subject_text += f" {shared} {out.cite(shared_items)}"
    elif len(own) == 1:
        tone, tone_items = _tone(colour_of.get(subject.id))
        subject_text = f"{article(tone or noun)} {tone}{noun} {out.cite([subject, *named_by, *tone_items])}"
    else:
        subject_text = f"{counted(noun, len(own))} {out.cite(own)}"
        shared, shared_items = _shared_colour([colour_of.get(d.id) for d in own], subject.label)
        if shared:
            subject_text += f" {shared} {out.cite(shared_items)}"
        subject_text += _spread(own, image_size[0])
    placed: list[tuple[str, list[str]]] = []  # (where, the groups there), in order of size
    for label, group in sorted(by_label.items(), key=lambda kv: -sum(_area(d) for d in kv[1])):
        where = _relation(group, subject, len(own) == 1)
        phrase = f"{counted(label, len(group))} {out.cite(group)}"
        if placed and placed[-1][0] == where:
            placed[-1][1].append(phrase)
        else:
            placed.append((where, [phrase]))
    sentence = f"{_cap(kind)} of {subject_text}"
    if placed:
        sentence += ", with " + listed([listed(phrases) + where for where, phrases in placed])
    if unsure:
        sentence += (
            f", and possibly {_possibly(out, unsure)}"
            if placed
            else f", possibly with {_possibly(out, unsure)}"
        )
    out.parts.append(sentence + ".")
    return bool(named_by)


def _things_sentence(
    out: Sentence, kind: str, objects: list[ObjectProposal], detections: list[Detection], coloured: bool
) -> None:
    """ "A picture of six objects on a plain background: three red circles [O1][O2][O3], ..." """
    groups: dict[str, list[ObjectProposal]] = {}
    for thing in objects:
        name = " ".join(w for w in (thing.colour if coloured else None, thing.shape or "object") if w)
        groups.setdefault(name, []).append(thing)
    phrases = [f"{counted(name, len(items))} {out.cite(items)}" for name, items in groups.items()]
    total = counted("object", len(objects))
    lead = _cap(kind).replace("photo", "picture", 1)
    text = f"{lead} of {total} on a plain background: {listed(phrases)}"
    if detections:
        text += f"; the detector suggests {_possibly(out, detections)}, without confidence"
    out.parts.append(text + ".")


def _tone(colour: Colour | None) -> tuple[str, list[EvidenceItem]]:
    """ "blue ", "red and white " or "" for an object colour item (gray or black as a second colour is
    mostly glass, tyres and shadow: not said)."""
    if colour is None or colour.fraction < COLOUR_SHARE:
        return "", []
    words = colour.label
    if colour.second_colour and colour.second_colour not in ("gray", "black"):
        words += f" and {colour.second_colour}"
    return words + " ", [colour]


def _shared_colour(colours: list[Colour | None], label: str) -> tuple[str, list[EvidenceItem]]:
    """ "dressed in black" (people) or "all red" (things) when every one of a group is mostly the
    same colour; "" otherwise."""
    found = [c for c in colours if c is not None and c.fraction >= COLOUR_SHARE]
    if not found or len(found) < len(colours) or len({c.label for c in found}) != 1:
        return "", []
    name = found[0].label
    return (f"dressed in {name}" if label == "person" else f"all {name}"), list(found)


def _spread(group: list[Detection], width: int) -> str:
    """ ", one on the left and one in the middle" for a few of a kind across the picture."""
    if len(group) > 4:
        return ""
    places = [_third(d, width) for d in sorted(group, key=lambda d: d.box[0])]
    counts = Counter(places)
    phrases = [f"{NUMBERS[n] if n < len(NUMBERS) else n} {place}" for place, n in counts.items()]
    return ", " + listed(phrases)


def _third(detection: Detection, width: int) -> str:
    centre = (detection.box[0] + detection.box[2]) / 2
    return (
        "on the left" if centre < width / 3 else "on the right" if centre > 2 * width / 3 else "in the middle"
    )


def _relation(group: list[Detection], subject: Detection, subject_alone: bool) -> str:
    """Where a group stands against the subject: " in front of it", " on it", " to its left", ..."""
    pronoun = "it" if subject_alone else "them"
    found = Counter(_place(d, subject) for d in group)
    place, n = found.most_common(1)[0]
    if n < len(group):
        return f" around {pronoun}"
    if place == "on":
        return f" on {pronoun}"
    if place == "in front":
        return f" in front of {pronoun}"
    possessive = "its" if subject_alone else "their"
    return {"left": f" to {possessive} left", "right": f" to {possessive} right"}.get(
        place, f" {place} {pronoun}"
    )


def _place(thing: Detection, subject: Detection) -> str:
    x1, y1, x2, y2 = thing.box
    sx1, sy1, sx2, sy2 = subject.box
    inside = max(0.0, min(x2, sx2) - max(x1, sx1)) * max(0.0, min(y2, sy2) - max(y1, sy1))
    if inside >= 0.5 * _area(thing):
        if subject.label in SURFACES and y2 <= sy2:
            return "on"
        return "in front"
    centre_x, centre_y = (x1 + x2) / 2, (y1 + y2) / 2
    if centre_x < sx1:
        return "left"
    if centre_x > sx2:
        return "right"
    return "above" if centre_y < sy1 else "below"


def _possibly(out: Sentence, unsure: list[Detection]) -> str:
    """The likeliest few labels among uncertain detections, counted and cited."""
    by_label: dict[str, list[Detection]] = {}
    for detection in sorted(unsure, key=lambda d: -(d.score or 0)):
        by_label.setdefault(detection.label, []).append(detection)
    kept = list(by_label.items())[:MAX_POSSIBLY]
    return listed([f"{counted(label, len(items))} {out.cite(items)}" for label, items in kept])


def _quality_sentence(out: Sentence, measurements: list[Measurement]) -> None:
    failing = [m for m in measurements if m.verdict in QUALITY_WORDS]
    if failing:
        said = listed([f"{QUALITY_WORDS[m.verdict]} {out.cite([m])}" for m in failing])
        out.parts.append(f"The picture is {said}.")


def _text_sentence(out: Sentence, lines: list[TextLine] | None) -> None:
    lines = [line for line in lines or [] if legible(line.text)]
    if not lines:  # not read, or nothing legible: a description does not list what is absent
        return
    shown = lines[:MAX_TEXT_LINES]
    quoted = ", ".join(f"{json.dumps(line.text, ensure_ascii=False)} {out.cite([line])}" for line in shown)
    left = len(lines) - len(shown)
    more = f" and {left} more line{'s' if left > 1 else ''}" if left else ""
    out.parts.append(f"The text in it reads {quoted}{more}.")


def _area(detection: Detection) -> float:
    x1, y1, x2, y2 = detection.box
    return max(0.0, x2 - x1) * max(0.0, y2 - y1)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def legible(text: str) -> bool:
    """Whether a line the OCR read looks like words, so a description may quote it: most of its longer
    tokens are printed words or numbers, not letters and digits the reader strung together from texture
    ('M1SOL/SEUILLA', 'elecricamEMTe')."""
    tokens = [t for t in text.split() if len(t) > 1]
    if not tokens:
        return text.strip().isdigit()
    words = [t for t in tokens if _WORD.match(t) and (not t.isalpha() or re.search(r"[aeiouyAEIOUY]", t))]
    return len(words) >= 0.6 * len(tokens)
