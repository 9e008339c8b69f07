"""The triage decision: a normalised urgency with the rule that set it, or an abstention with its reason.

Only a rule on a real urgency scale decides (Fleischner, ESI, BTS size ...). Rules on the scale
"none" frame every medical answer (disclaimer, review flag, "insufficient evidence", wrong modality,
lateral view): they explain an abstention but never set an urgency. A failed quality gate is always an
abstention, even where stated findings alone would decide, since no one has read a usable image.

Abstention reasons, in the order the pipeline meets them: wrong modality, lateral view, failed
quality; then a decision rule's own exclusion (Fleischner outside its population, ...); then
insufficient evidence (the facts a rule needs, or no finding at all: never "normal").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from argus.agent.core.answer import UrgencyInfo
from argus.agent.domains.medical.modality import Route
from argus.knowledge.engine import check
from argus.knowledge.schema import URGENCY_LEVELS, condition_facts
from argus.tools.assess_quality import QualityReport

NO_SCALE = "none"
MAX_GROUPS = 2  # reason groups quoted per kind
MAX_IDS = 3  # rule ids quoted per group


class Decision(BaseModel):
    urgency: UrgencyInfo | None = None
    rule: Any = Field(default=None, description="The deciding rule (argus.knowledge.schema.Rule).")
    evidence: list[str] = Field(default_factory=list, description="Evidence ids behind the deciding rule.")
    also: list[Any] = Field(default_factory=list, description="Other decision rules that fired (FiredRule).")
    abstention: str | None = None
    withheld: Any = Field(
        default=None, description="The decision rule that fired but was withheld by a failed quality gate."
    )


def decisive(rule: Any) -> bool:
    """A rule that can set a triage urgency: its urgency is on a real scale."""
    return (rule.urgency.scale or NO_SCALE).strip().lower() != NO_SCALE


def urgency_of(rule: Any) -> UrgencyInfo:
    """The urgency a rule sets, as the Answer contract carries it."""
    level = rule.urgency.level
    return UrgencyInfo(
        level=level,
        label=URGENCY_LEVELS[level],
        native=rule.urgency.native,
        scale=rule.urgency.scale,
        rule=rule.id,
    )


def decide(
    route: Route, quality: QualityReport | None, evaluation: Any, quality_error: str | None = None
) -> Decision:
    """Urgency from the highest decision rule that fired, or an abstention with its reason."""
    fired = [f for f in evaluation.fired if decisive(f.rule)]
    if quality is None or not quality.ok:
        # a dark or flat image misleads the pixel guess: only DICOM tags route an image that failed the gate
        guards = guard_reasons(route, evaluation) if route.source == "DICOM tag" else []
        failed = (
            "; ".join(quality.reasons)
            if quality is not None
            else f"the quality check could not run ({quality_error or 'no result'})"
        )
        return Decision(
            abstention="; ".join([*guards, f"failed quality: {failed}"]), withheld=fired[0] if fired else None
        )
    return decide_ungated(route, evaluation)


def decide_ungated(route: Route, evaluation: Any) -> Decision:
    """Urgency from the highest decision rule that fired, or the abstention's reason; no quality gate."""
    fired = [f for f in evaluation.fired if decisive(f.rule)]
    if fired:
        top = fired[0]
        return Decision(
            urgency=urgency_of(top.rule),
            rule=top.rule,
            evidence=list(top.evidence),
            also=fired[1:],
        )
    return Decision(abstention="; ".join(abstention_reasons(route, evaluation)))


def abstention_reasons(route: Route, evaluation: Any) -> list[str]:
    """Why no rule decided. The routing reason (modality, body part, view) comes first when it kept a
    rule out or nothing else explains the abstention; a CT whose nodule Fleischner excludes abstains
    for Fleischner's reason, not for not being a radiograph."""
    modality, view = modality_reason(route, evaluation), view_reason(route, evaluation)
    covered = ({"image.modality"} if modality else set()) | ({"image.view"} if view else set())
    rules, routed = rule_reasons(evaluation, covered)
    reasons = [modality] if modality and (routed or not rules) else []
    reasons += [view] if view else []
    return reasons + rules or [_no_evidence(evaluation)]


def guard_reasons(route: Route, evaluation: Any) -> list[str]:
    """The routing reasons alone: wrong modality or body part, lateral view."""
    return [r for r in (modality_reason(route, evaluation), view_reason(route, evaluation)) if r]


def modality_reason(route: Route, evaluation: Any) -> str | None:
    if route.modality and not route.radiograph:
        return (
            f"wrong modality: DICOM modality {route.modality} is not a chest radiograph, so the chest X-ray "
            f"classifier did not run and the chest radiograph rules do not apply"
            + _cite(evaluation, f"modality:{route.modality.lower()}")
        )
    if route.source == "pixels" and not route.radiograph_guess:
        return "wrong modality (guessed from pixels): not a radiograph, so the chest X-ray classifier did not run"
    if route.radiograph and not route.lateral and not route.chest_xray_ready:
        return f"not a chest radiograph: DICOM body part {route.body_part}, so the chest X-ray classifier did not run"
    return None


def view_reason(route: Route, evaluation: Any) -> str | None:
    if not route.lateral:
        return None
    return (
        f"lateral view: DICOM ViewPosition {route.view}; the chest X-ray classifier and the chest "
        "radiograph rules read frontal (PA or AP) views only" + _cite(evaluation, "view:lateral")
    )


def rule_reasons(evaluation: Any, covered: set[str]) -> tuple[list[str], int]:
    """Decision rules that excluded this case (with their own reasons), then those missing facts; and how
    many exclusions were left out because a routing reason already says why (their failed guard reads
    only ``covered`` facts)."""
    reasons = []
    excluded: dict[str, list[str]] = {}
    routed = 0
    for abstention in evaluation.abstained:
        if not decisive(abstention.rule):
            continue
        guard_facts = _failed_guard_facts(abstention)
        if guard_facts and set(guard_facts) <= covered:
            routed += 1
            continue
        excluded.setdefault(abstention.reason, []).append(abstention.rule.id)
    for reason, ids in list(excluded.items())[:MAX_GROUPS]:
        reasons.append(f"rule exclusion: {reason.rstrip('.')} {_ids(ids)}")
    missing: dict[tuple[str, ...], list[str]] = {}
    for undetermined in evaluation.undetermined:
        rule, names = (undetermined.rule, undetermined.missing)
        if decisive(rule):
            missing.setdefault(tuple(names), []).append(rule.id)
    for names, ids in list(missing.items())[:MAX_GROUPS]:
        reasons.append(f"insufficient evidence: {', '.join(names)} not known, needed by {_ids(ids)}")
    return reasons, routed


def _failed_guard_facts(abstention: Any) -> list[str]:
    """The facts the guard that made this rule abstain reads (empty when none can be found)."""
    for guard in abstention.rule.applies_to:
        if check(guard.when, abstention.facts_used) is False:
            return condition_facts(guard.when)
    return []


def _no_evidence(evaluation: Any) -> str:
    cited = _cite(evaluation, "context:medical_image", rule_id="MED-REG-03")
    return f"insufficient evidence: no finding was detected or given, which is not a normal result{cited}"


def _cite(evaluation: Any, concept: str, rule_id: str | None = None) -> str:
    """Citations of the fired framing rules this concept woke (or the one named)."""
    ids = [
        f.rule.id
        for f in evaluation.fired
        if not decisive(f.rule) and concept in f.rule.trigger and (rule_id is None or f.rule.id == rule_id)
    ]
    return f" {''.join(f'[R:{i}]' for i in ids)}" if ids else ""


def _ids(ids: list[str]) -> str:
    shown = "".join(f"[R:{i}]" for i in ids[:MAX_IDS])
    return shown + (f" (and {len(ids) - MAX_IDS} more)" if len(ids) > MAX_IDS else "")
