"""Reading a question's particulars beyond what it asks about (``argus.agent.planner.parser``):
requests that must be refused, facts it states (a nodule's size, the patient's age), the time, zone
names, and words that point at a domain.

Pure text processing: no model, no image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from argus.agent.planner.privacy import requests

# The words the "named object the detector cannot see" rule knows, from the question's terms.
ASKED_LABELS = {
    "gun": "gun", "guns": "gun", "pistol": "pistol", "rifle": "rifle", "firearm": "firearm", "fire": "fire",
    "flames": "flame", "smoke": "smoke", "helmet": "helmet", "helmets": "helmet", "hard hat": "hard_hat",
    "hardhat": "hard_hat", "vest": "vest", "vests": "vest", "hi-vis": "hi_vis_vest", "high-visibility": "hi_vis_vest",
}  # fmt: skip

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


@dataclass
class Slots:
    asked_label: str | None = None
    zone_names: list[str] = field(default_factory=list)
    stated: dict[str, str | int | float | bool] = field(default_factory=dict)
    requests: dict[str, bool] = field(default_factory=dict)
    time_hm: tuple[int, int] | None = None
    contexts: list[str] = field(default_factory=list)
    medical_words: int = 0
    security_words: int = 0


def parse(question: str, zone_names: list[str] | None = None) -> Slots:
    text = question.strip()
    low = text.lower()
    slots = Slots()
    slots.asked_label = next(
        (v for k, v in ASKED_LABELS.items() if re.search(rf"\b{re.escape(k)}\b", low)), None
    )
    if re.search(r"\b(esi|emergency severity|manchester|emergency department|triage level)\b", low):
        slots.contexts.append("context:emergency_triage")
    for name in zone_names or []:
        if re.search(rf"\b{re.escape(name.lower())}\b", low):
            slots.zone_names.append(name)
    slots.requests = requests(text)
    slots.stated = stated_findings(text)
    t = _TIME.search(text)
    if t:
        slots.time_hm = (int(t.group(1)), int(t.group(2)))
    slots.medical_words = len(MEDICAL_WORDS.findall(text))
    slots.security_words = len(SECURITY_WORDS.findall(text))
    return slots


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
    described = nodule and (size or re.search(r"solid|ground[-\s]?glass|\bggn\b|\bggo\b|perifissural", low))
    if described:  # "is there a nodule?" asks; "a 7 mm solid nodule" states one
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
        elif re.search(r"\b(a|one|single|solitary)\b|\bnodule\b", low):
            out["nodule.multiple"] = False  # one nodule described: "a 9 mm solid nodule", "9 mm nodule"
        if re.search(r"\bperifissural\b", low):
            out["nodule.perifissural"] = True
        if re.search(r"\bnew\b", low):
            out["nodule.new"] = True
        if re.search(r"\bbaseline\b", low):
            out["nodule.baseline"] = True
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
    elif described and re.search(r"\bincidental(ly)?\b|\bfleischner\b", low):
        out["patient.context"] = "incidental"
    return out
