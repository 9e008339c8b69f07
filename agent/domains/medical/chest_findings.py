"""From the chest X-ray classifier's labels to the medical pack's finding facts.

Every label gives ``finding.<name>.probability``. A probability at or above ``PRESENT_AT`` makes the
finding present (``finding.<name>.present``, its concept, ``finding.any.present``), which the pack's
review rule flags for a clinician. One in the band below it is *uncertain* (``finding.any.uncertain``):
it is never read as negative, so no finding is ever set absent from a probability. Only when the
classifier ran and reported nothing present or uncertain is ``finding.any.present`` false, which the
pack reads as "insufficient evidence", never as a normal study.
"""

from __future__ import annotations

from typing import Protocol

from argus.tools.evidence import ImageLabel

CLASSIFIER_TOOL = "classify_chest_xray"
PRESENT_AT = 0.5  # the operating point of calibrated torchxrayvision outputs
UNCERTAIN_FROM = 0.3

# torchxrayvision label -> finding concept name in knowledge/rules/concepts.yaml.
CONCEPT_NAMES = {
    "Atelectasis": "atelectasis",
    "Consolidation": "consolidation",
    "Infiltration": "infiltration",
    "Pneumothorax": "pneumothorax",
    "Edema": "pulmonary_edema",
    "Emphysema": "emphysema",
    "Fibrosis": "pulmonary_fibrosis",
    "Effusion": "pleural_effusion",
    "Pneumonia": "pneumonia",
    "Pleural_Thickening": "pleural_thickening",
    "Cardiomegaly": "cardiomegaly",
    "Nodule": "pulmonary_nodule",
    "Mass": "mass",
    "Hernia": "hiatus_hernia",
    "Lung Opacity": "pulmonary_opacity",
}


class Sheet(Protocol):
    """The part of ``argus.agent.core.facts.FactSheet`` this module writes to."""

    def set(self, name: str, value: str | int | float | bool, ids: list[str] | None = None) -> None: ...

    def concept(self, concept_id: str, ids: list[str] | None = None) -> None: ...


def finding_name(label: str) -> str:
    """The fact name part for a classifier label: 'Effusion' -> 'pleural_effusion', 'Lung Lesion' -> 'lung_lesion'."""
    return CONCEPT_NAMES.get(label) or label.strip().lower().replace(" ", "_").replace("-", "_")


def classifier_facts(sheet: Sheet, labels: list[ImageLabel]) -> None:
    """Write the facts of the classifier's labels (no-op when it did not run)."""
    labels = [label for label in labels if label.tool == CLASSIFIER_TOOL and label.score is not None]
    if not labels:
        return
    present: list[str] = []
    uncertain: list[str] = []
    for label in labels:
        name = finding_name(label.label)
        probability = float(label.score or 0.0)
        sheet.set(f"finding.{name}.probability", round(probability, 4), [label.id])
        if probability >= PRESENT_AT:
            present.append(label.id)
            sheet.set(f"finding.{name}.present", True, [label.id])
            if label.label in CONCEPT_NAMES:
                sheet.concept(f"finding:{name}", [label.id])
        elif probability >= UNCERTAIN_FROM:
            uncertain.append(label.id)
    if uncertain:
        sheet.set("finding.any.uncertain", True, uncertain)
    if present:
        sheet.set("finding.any.present", True, present)
    elif not uncertain:
        sheet.set("finding.any.present", False, [label.id for label in labels])


def describe_label(label: ImageLabel) -> str:
    """'Pneumothorax 0.81 [L1] (present, flagged for review)' for answers and reports."""
    probability = float(label.score or 0.0)
    if probability >= PRESENT_AT:
        verdict = "present, flagged for review"
    elif probability >= UNCERTAIN_FROM:
        verdict = "uncertain, not read as negative"
    else:
        verdict = "below the uncertain band, which does not rule it out"
    return f"{label.label} {probability:.2f} [{label.id}] ({verdict})"
