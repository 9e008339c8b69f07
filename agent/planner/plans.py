"""From what a question asks to the tool calls that answer it.

A plan is a list of stages; each stage is a list of calls that do not depend on each other.
The planner emits one stage per turn of the agent loop, so the trace reads like the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argus.agent.planner.intents import Intent
from argus.agent.planner.slots import Slots

Call = tuple[str, dict[str, Any]]

# Regions counted are cited one by one, up to this many (beyond it the answer is flagged, honestly).
REGION_CITE_LIMIT = 500  # the segment tool's own maximum


@dataclass
class Plan:
    intent: Intent
    domain: str
    stages: list[list[Call]] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)  # labels the answer is about


def domain_for(explicit: str | None, slots: Slots, intent: Intent, image: dict[str, Any]) -> str:
    """The domain: as given, else from the image (DICOM is medical) and the question's words."""
    if explicit in ("general", "medical", "security"):
        return explicit
    if image.get("format") == "DICOM" or intent is Intent.MEDICAL:
        return "medical"
    if intent in (Intent.SECURITY, Intent.FALLS) or image.get("zones"):
        return "security"
    if slots.medical_words > slots.security_words and slots.medical_words > 0:
        return "medical"
    if slots.security_words > 0 or slots.requests.get("face_identification") or slots.requests.get("emotion"):
        return "security"
    return "general"


def make_plan(
    intent: Intent, slots: Slots, domain: str, context: dict[str, Any], previous: Slots | None
) -> Plan:
    plan = Plan(intent=intent, domain=domain)
    target = slots.relation[1] if slots.relation else None
    labels = [label for label in slots.labels if label != target]
    if not labels and slots.uses_pronoun and previous is not None:
        labels = [label for label in previous.labels if label != target]
    if not labels and target and target in slots.labels and not slots.uses_pronoun:
        labels = [target]
    plan.focus = labels
    detect: Call = ("detect_objects", {})
    rules: Call = ("evaluate_rules", {"domain": domain, "findings": _statable(slots.stated)})

    if intent is Intent.PRIVACY:
        plan.stages = [[rules]]
        return plan
    if intent is Intent.RULE_LOOKUP:
        plan.stages = [[("search_rules", {"query": context["question"][:500], "k": 3, "domain": _lookup_domain(slots)}),
                        ("evaluate_rules", {"domain": _lookup_domain(slots), "findings": _statable(slots.stated)})]]  # fmt: skip
        return plan
    if intent is Intent.UNKNOWN:
        return plan

    first: list[Call] = []
    if intent in (Intent.COUNT, Intent.PRESENCE):
        if labels or slots.relation or not (slots.region_noun or slots.shapes or slots.colours):
            first.append(detect)
        elif slots.shapes or slots.colours:
            first.append(("analyze_colors_shapes", {}))
        else:
            first.append(("segment", {"mode": "regions", "max_masks": REGION_CITE_LIMIT}))
    elif intent is Intent.DESCRIBE:
        first.append(("describe_image", {}))
    elif intent is Intent.READ_TEXT:
        first.append(("read_text", {}))
    elif intent is Intent.COLOURS_SHAPES:
        first.append(("analyze_colors_shapes", {}))
        if labels:
            first.append(detect)
    elif intent is Intent.FALLS:
        first.append(("detect_falls", {}))
    elif intent is Intent.QUALITY:
        first.append(("assess_quality", {}))
    elif intent is Intent.SEGMENT:
        first.append(("segment", {"labels": labels} if labels else {}))
    elif intent is Intent.MEDICAL:
        first.append(("assess_quality", {}))
    elif intent is Intent.SECURITY:
        first.extend([detect, ("detect_falls", {})])

    if domain == "security" and intent not in (Intent.SECURITY, Intent.FALLS) and detect not in first:
        first.append(detect)
    plan.stages = [first]
    if domain in ("medical", "security") or intent in (Intent.MEDICAL, Intent.SECURITY, Intent.FALLS):
        plan.stages.append([rules])
    return plan


def _statable(stated: dict[str, Any]) -> dict[str, Any]:
    from argus.agent.core.findings import STATABLE_NAMESPACES

    return {k: v for k, v in stated.items() if k.split(".")[0] in STATABLE_NAMESPACES}


def _lookup_domain(slots: Slots) -> str | None:
    if slots.medical_words > slots.security_words:
        return "medical"
    if slots.security_words > slots.medical_words:
        return "security"
    return None
