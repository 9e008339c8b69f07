"""Fact names (``patient.age``, ``nodule.size_mm``) said in words for an answer's prose.

The structured fields keep the names, which are what a findings file must carry; a sentence a person
reads says "the patient's age" instead.
"""

from __future__ import annotations

import re

from argus.knowledge.schema import FACT_NAMESPACES

# Names whose plain reading would mislead or read badly.
SAID: dict[str, str] = {
    "patient.context": "the clinical context (screening, incidental, known cancer)",
    "patient.high_risk": "whether the patient is at high risk",
    "nodule.type": "the nodule's type (solid, part-solid, ground-glass)",
    "nodule.multiple": "whether there are several nodules",
    "nodule.new": "whether the nodule is new",
    "nodule.baseline": "whether this is a baseline scan",
    "nodule.perifissural": "whether the nodule is perifissural",
    "time.is_night": "whether it is night",
    "image.is_chest_frontal": "whether the image is a frontal chest film",
    "time.hour": "the hour",
    "finding.any.uncertain": "whether any finding is uncertain",
    "vitals.hr": "the heart rate",
    "vitals.rr": "the breathing rate",
    "vitals.spo2": "the oxygen saturation",
    "device.ett_tip_to_carina_cm": "the breathing tube tip's distance from the carina in centimetres",
}
UNIT_SUFFIXES = {"_mm": "in millimetres", "_cm": "in centimetres", "_m": "in metres", "_s": "in seconds"}
NAME = re.compile(rf"\b(?:{'|'.join(FACT_NAMESPACES)})(?:\.[a-z0-9_]+)+\b")


def fact_in_words(name: str) -> str:
    """'patient.age' -> "the patient's age"; 'nodule.size_mm' -> "the nodule's size in millimetres";
    'finding.pneumothorax.present' -> 'whether there is pneumothorax'."""
    if name in SAID:
        return SAID[name]
    namespace, *rest = name.split(".")
    if namespace == "finding" and rest:
        what = rest[0].replace("_", " ")
        return (
            f"whether there is {what}"
            if rest[-1] == "present"
            else f"the {what} {' '.join(rest[1:])}".strip()
        )
    if namespace == "label" and len(rest) >= 2:
        return f"the number of {rest[0].replace('_', ' ')} detections" if rest[-1] == "count" else name
    last = rest[-1] if rest else ""
    unit = next((words for suffix, words in UNIT_SUFFIXES.items() if last.endswith(suffix)), None)
    if unit:
        last = last.removesuffix(next(s for s in UNIT_SUFFIXES if last.endswith(s)))
    said = " ".join([*rest[:-1], last]).replace("_", " ").strip()
    owner = "image" if namespace == "quality" else namespace
    return f"the {owner}'s {said}{f' {unit}' if unit else ''}" if said else f"the {namespace}"


def facts_in_words(text: str) -> str:
    """Every fact name in ``text`` said in words."""
    return NAME.sub(lambda m: fact_in_words(m.group(0)), text)


def value_in_words(value: object) -> str:
    """A stated value as a sentence says it: yes / no for booleans, words for snake_case values."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")
