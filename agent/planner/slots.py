"""Reading a question's particulars: object labels, colours, shapes, measurements, relations,
requests that must be refused, and words that point at a domain.

Pure text processing: no model, no image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER_WORDS = {
    "no": 0, "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip

COLOURS = (
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
    "black",
    "white",
    "gray",
    "grey",
)
SHAPES = {
    "circle": "circle", "circles": "circle", "round": "circle", "triangle": "triangle", "triangles": "triangle",
    "square": "square", "squares": "square", "rectangle": "rectangle", "rectangles": "rectangle",
    "pentagon": "pentagon", "pentagons": "pentagon", "hexagon": "hexagon", "hexagons": "hexagon",
    "ellipse": "ellipse", "ellipses": "ellipse", "oval": "ellipse", "ovals": "ellipse",
}  # fmt: skip

# Things people ask about that the COCO detector has no class for: said plainly, never "absent".
UNSEEABLE = {
    "gun": "guns", "guns": "guns", "pistol": "guns", "rifle": "guns", "firearm": "guns", "weapon": "weapons",
    "weapons": "weapons", "fire": "fire", "flames": "fire", "smoke": "smoke", "helmet": "helmets",
    "helmets": "helmets", "hard hat": "helmets", "hardhat": "helmets", "vest": "high-visibility vests",
    "vests": "high-visibility vests", "hi-vis": "high-visibility vests", "high-visibility": "high-visibility vests",
}  # fmt: skip

# The words the "named object the detector cannot see" rule knows, from the question's terms.
ASKED_LABELS = {
    "gun": "gun", "guns": "gun", "pistol": "pistol", "rifle": "rifle", "firearm": "firearm", "fire": "fire",
    "flames": "flame", "smoke": "smoke", "helmet": "helmet", "helmets": "helmet", "hard hat": "hard_hat",
    "hardhat": "hard_hat", "vest": "vest", "vests": "vest", "hi-vis": "hi_vis_vest", "high-visibility": "hi_vis_vest",
}  # fmt: skip

# Generic nouns for separable things the detector does not name: counted as regions.
REGION_NOUNS = ("coin", "coins", "object", "objects", "item", "items", "blob", "blobs", "cell", "cells",
                "region", "regions", "spot", "spots", "thing", "things", "piece", "pieces")  # fmt: skip

PRONOUNS = ("them", "they", "those", "these", "it", "its", "their")

FACE_ID = re.compile(
    r"\b(who\s+(is|are|was)\b|identify|identification|recogni[sz]e|recognition|what\s+is\s+(his|her|their)\s+name|"
    r"name\s+of\s+(the|this|that)\s+(person|man|woman|guy|girl|boy)|face\s*(id|match|search)|match\s+(the|this)\s+face)",
    re.I,
)
EMOTION = re.compile(
    r"\b(emotion|emotions|emotional|feel|feeling|feelings|mood|angry|anger|happy|sad|afraid|scared|upset|"
    r"nervous|anxious|stressed|depressed|smiling\s+because|facial\s+expression)\b",
    re.I,
)
SENSITIVE = re.compile(
    r"\b(ethnicity|ethnic|race|racial|religion|religious|muslim|christian|jewish|hindu|gay|lesbian|"
    r"sexual\s+orientation|political|politics|pregnant|disabled|disability|nationality|immigrant|illegal)\b",
    re.I,
)

MEDICAL_WORDS = re.compile(
    r"\b(x-?ray|xray|radiograph|radiology|ct|mri|mr|scan|dicom|chest|lung|lungs|nodule|nodules|pneumothorax|"
    r"effusion|cardiomegaly|pneumonia|fracture|patient|triage|clinical|clinician|diagnos\w*|fleischner|"
    r"lung-rads|lungrads|bi-rads|birads|mammogra\w*|esi|radiologist|finding|findings|medical|tumou?r|mass)\b",
    re.I,
)
SECURITY_WORDS = re.compile(
    r"\b(zone|zones|restricted|intrud\w*|intrusion|threat|threats|alert|alerts|exit|exits|unattended|"
    r"abandoned|loiter\w*|security|secure|trespass\w*|break-?in|ppe|hazard|suspicious|weapon|weapons|"
    r"knife|knives|guard|perimeter|cctv|camera\s+feed|dock)\b",
    re.I,
)

_MM = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|millimet(?:er|re)s?|cm|centimet(?:er|re)s?)\b", re.I)
_AGE = re.compile(r"\b(?:(\d{1,3})[-\s]?(?:year|yr)s?[-\s]?old|age[d]?\s*(?:of\s*)?(\d{1,3}))\b", re.I)
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass
class Slots:
    labels: list[str] = field(default_factory=list)
    region_noun: str | None = None
    colours: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    asks_colour: bool = False  # "what colour ...": the answer is a colour, not a count
    unseeable: list[str] = field(default_factory=list)
    asked_label: str | None = None
    relation: tuple[str, str] | None = None  # ("near", "bus")
    zone_names: list[str] = field(default_factory=list)
    stated: dict[str, str | int | float | bool] = field(default_factory=dict)
    requests: dict[str, bool] = field(default_factory=dict)
    uses_pronoun: bool = False
    time_hm: tuple[int, int] | None = None
    contexts: list[str] = field(default_factory=list)
    medical_words: int = 0
    security_words: int = 0


def find_labels(text: str) -> list[str]:
    """COCO labels named in the text, in order of first mention (synonyms and plurals understood)."""
    from argus.tools.coco import COCO_80, match_label

    words = _WORD.findall(text.lower())
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            phrase = " ".join(words[i : i + n])
            if n == 1 and (phrase in NUMBER_WORDS or len(phrase) < 3):
                continue
            label = match_label(phrase, COCO_80)
            if label is None:
                continue
            if label not in found:
                found.append(label)
            i += n - 1
            break
        i += 1
    return found


def parse(question: str, zone_names: list[str] | None = None) -> Slots:
    text = question.strip()
    low = text.lower()
    slots = Slots()
    slots.labels = find_labels(text)
    words = set(_WORD.findall(low))
    slots.region_noun = next((w for w in _WORD.findall(low) if w in REGION_NOUNS), None)
    slots.colours = [("gray" if c == "grey" else c) for c in COLOURS if c in words]
    slots.shapes = sorted({SHAPES[w] for w in words if w in SHAPES})
    slots.asks_colour = bool(words & {"colour", "color", "colours", "colors", "coloured", "colored"})
    slots.unseeable = sorted({v for k, v in UNSEEABLE.items() if re.search(rf"\b{re.escape(k)}\b", low)})
    slots.asked_label = next(
        (v for k, v in ASKED_LABELS.items() if re.search(rf"\b{re.escape(k)}\b", low)), None
    )
    if re.search(r"\b(esi|emergency severity|manchester|emergency department|triage level)\b", low):
        slots.contexts.append("context:emergency_triage")
    slots.uses_pronoun = bool(words & set(PRONOUNS))
    for name in zone_names or []:
        if re.search(rf"\b{re.escape(name.lower())}\b", low):
            slots.zone_names.append(name)
    m = re.search(
        r"\b(near|next to|close to|beside|by|around|left of|right of|above|below|inside|on)\s+(?:the\s+|a\s+)?([a-z ]+)",
        low,
    )
    if m:
        target = find_labels(m.group(2))
        if target:
            kind = {
                "next to": "near",
                "close to": "near",
                "beside": "near",
                "by": "near",
                "around": "near",
            }.get(m.group(1), m.group(1))
            slots.relation = (kind, target[0])
    slots.requests = {
        "face_identification": bool(FACE_ID.search(text)) and not _about_text(low),
        "emotion": bool(EMOTION.search(text)),
        "sensitive_attribute": bool(SENSITIVE.search(text)),
    }
    slots.stated = stated_findings(text)
    t = _TIME.search(text)
    if t:
        slots.time_hm = (int(t.group(1)), int(t.group(2)))
    slots.medical_words = len(MEDICAL_WORDS.findall(text))
    slots.security_words = len(SECURITY_WORDS.findall(text))
    return slots


def _about_text(low: str) -> bool:
    """'who is the sign for' style questions are about text, not about a person's identity."""
    return bool(re.search(r"\b(text|sign|written|says|label|logo)\b", low))


def stated_findings(text: str) -> dict[str, str | int | float | bool]:
    """Medical facts stated in the question: nodule size and type, patient age, risk and context."""
    low = text.lower()
    out: dict[str, str | int | float | bool] = {}
    nodule = re.search(r"\bnodules?\b", low)
    size = _MM.search(low)
    if nodule and size:
        value = float(size.group(1))
        if size.group(2).startswith(("cm", "centi")):
            value *= 10
        out["nodule.size_mm"] = int(value) if value.is_integer() else value
    if nodule:
        if re.search(r"part[-\s]?solid|semi[-\s]?solid", low):
            out["nodule.type"] = "part_solid"
        elif re.search(r"ground[-\s]?glass|\bggn\b|\bggo\b|non[-\s]?solid", low):
            out["nodule.type"] = "ground_glass"
        elif re.search(r"\bsolid\b", low):
            out["nodule.type"] = "solid"
        if re.search(
            r"\b(multiple|several|many|two|three|numerous)\s+(\w+\s+){0,2}nodules\b|\bnodules\b", low
        ):
            out["nodule.multiple"] = True
        elif re.search(r"\b(a|one|single|solitary)\b", low):
            out["nodule.multiple"] = False
        if re.search(r"\bperifissural\b", low):
            out["nodule.perifissural"] = True
        if re.search(r"\bnew\b", low):
            out["nodule.new"] = True
    age = _AGE.search(low)
    if age:
        out["patient.age"] = int(age.group(1) or age.group(2))
    if re.search(r"\b(high[-\s]?risk|smoker|smoking|smokes|ex-smoker|pack[-\s]?years?)\b", low):
        out["patient.high_risk"] = True
    elif re.search(r"\b(low[-\s]?risk|never[-\s]?smoker|non[-\s]?smoker)\b", low):
        out["patient.high_risk"] = False
    if re.search(r"\bscreening\b|\blung[-\s]?rads\b|\bldct\b|low[-\s]?dose ct", low):
        out["patient.context"] = "screening"
    elif re.search(r"\b(known|history of)\s+(primary\s+)?(cancer|malignancy)\b", low):
        out["patient.context"] = "known_cancer"
    elif re.search(r"immuno(suppressed|compromised|suppression)", low):
        out["patient.context"] = "immunosuppressed"
    elif nodule and re.search(r"\bincidental(ly)?\b|\bfleischner\b", low):
        out["patient.context"] = "incidental"
    return out
