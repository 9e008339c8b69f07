"""From evidence to facts: the one place where what the tools saw becomes what the rules read.

Every fact keeps the evidence ids behind it, so a fired rule can be traced back to D3 or X1.
Fact names follow ``argus.knowledge.schema.FACT_NAMESPACES``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from argus.agent.core.ledger import Ledger
from argus.tools.box_geometry import standing_near
from argus.tools.evidence import (
    Detection,
    EvidenceItem,
    FallState,
    Measurement,
    StatedFinding,
    ZoneHit,
)
from argus.tools.zones import ZoneSet

if TYPE_CHECKING:
    from argus.agent.core.policy import DomainPolicy
    from argus.knowledge import Facts

Scalar = str | int | float | bool

BAG_LABELS = ("backpack", "handbag", "suitcase")
LATERAL_VIEWS = ("LATERAL", "LL", "RL", "LAT")
REQUEST_CONCEPTS = {
    "face_identification": "request:face_identification",
    "emotion": "request:emotion_inference",
    "sensitive_attribute": "request:sensitive_attribute",
}
# Night as the activity-context threat levels define it (23:00-05:00).
NIGHT_START, NIGHT_END = 23, 5


@dataclass
class FactContext:
    """What the agent knows besides the tools' evidence."""

    domain: str = "general"
    zones: ZoneSet | None = None
    time_hm: tuple[int, int] | None = None
    stated: dict[str, Scalar] = field(default_factory=dict)
    stated_origin: dict[str, str] = field(default_factory=dict)
    requests: dict[str, bool] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    unattended_radius: float = 0.15  # fraction of the image diagonal
    asked_label: str | None = None  # an object the question names that the detector has no class for
    contexts: list[str] = field(default_factory=list)  # context concepts the question sets
    frames: int = 1
    # Facts measured over several frames (tracking): name -> (value, evidence ids), and their concepts.
    sequence_facts: dict[str, tuple[Scalar, list[str]]] = field(default_factory=dict)
    sequence_concepts: dict[str, list[str]] = field(default_factory=dict)


class FactSheet:
    """Facts under construction: values, the evidence behind each, and the concepts present."""

    def __init__(self) -> None:
        self.values: dict[str, Scalar] = {}
        self.evidence: dict[str, list[str]] = {}
        self.concepts: dict[str, list[str]] = {}

    def set(self, name: str, value: Scalar, ids: list[str] | None = None) -> None:
        self.values[name] = value
        if ids:
            self.evidence.setdefault(name, [])
            self.evidence[name].extend(i for i in ids if i not in self.evidence[name])

    def concept(self, concept_id: str, ids: list[str] | None = None) -> None:
        bucket = self.concepts.setdefault(concept_id, [])
        bucket.extend(i for i in (ids or []) if i not in bucket)

    def to_facts(self) -> Facts:
        from argus.knowledge import Facts

        return Facts(values=self.values, evidence=self.evidence, concepts=self.concepts)


def fact_key(label: str) -> str:
    """A COCO label as it appears in fact names and concept ids: 'cell phone' -> 'cell_phone'."""
    return label.strip().lower().replace(" ", "_").replace("-", "_")


def build_facts(ledger: Ledger, ctx: FactContext, policy: DomainPolicy | None = None) -> FactSheet:
    """Derive facts from every item in the ledger plus the context; adds Z and X items to the ledger.
    The domain's ``policy`` adds the facts only its domain derives (a medical image's findings)."""
    sheet = FactSheet()
    items = ledger.items()
    detections = _distinct([i for i in items if isinstance(i, Detection)])
    _label_facts(sheet, detections)
    _fall_facts(sheet, _distinct([i for i in items if isinstance(i, FallState)]))
    _quality_facts(sheet, [i for i in items if isinstance(i, Measurement)])
    _image_facts(sheet, ctx)
    if ctx.zones is not None:
        _zone_facts(sheet, ledger, detections, ctx)
    if ctx.frames == 1:
        _unattended_facts(sheet, detections, ctx)
    _time_facts(sheet, ctx)
    _stated_facts(sheet, ledger, ctx)
    for name, flag in ctx.requests.items():
        sheet.set(f"request.{name}", bool(flag))
        if flag:
            sheet.concept(REQUEST_CONCEPTS.get(name, f"request:{name}"))
    if ctx.asked_label:
        sheet.set("request.label", ctx.asked_label)
        sheet.concept("request:label_query")
    for concept in ctx.contexts:
        sheet.concept(concept)
    if policy is not None:
        policy.add_facts(sheet, items, ctx)
    sheet.set("track.frames", ctx.frames)
    if ctx.frames == 1:
        sheet.concept("context:single_frame")
    for name, (value, ids) in ctx.sequence_facts.items():
        sheet.set(name, value, ids)
    for concept, ids in ctx.sequence_concepts.items():
        sheet.concept(concept, ids)
    return sheet


def _distinct(items: list[Any]) -> list[Any]:
    """One item per object: the same detector asked twice (for some labels, then for all) finds the
    same box again, and counting it twice would put two people where one stands."""
    seen: set[tuple[str, str, tuple[float, ...]]] = set()
    out = []
    for item in items:
        key = (item.tool, item.label, tuple(round(v, 1) for v in item.box))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _label_facts(sheet: FactSheet, detections: list[Detection]) -> None:
    by_label: dict[str, list[Detection]] = {}
    for det in detections:
        by_label.setdefault(fact_key(det.label), []).append(det)
    for label, dets in by_label.items():
        ids = [d.id for d in dets]
        sheet.set(f"label.{label}.count", len(dets), ids)
        sheet.set(f"label.{label}.max_score", round(max(d.score or 0.0 for d in dets), 4), ids)
        sheet.concept(f"coco:{label}", ids)
    persons = by_label.get("person", [])
    sheet.set("crowd.count", len(persons), [d.id for d in persons])
    if persons:
        sheet.concept("event:crowd", [d.id for d in persons])


def _fall_facts(sheet: FactSheet, states: list[FallState]) -> None:
    if not states:
        return
    fallen = [s.id for s in states if s.label.lower() == "fall"]
    sheet.set("fall.count", len(fallen), fallen or [s.id for s in states])
    sheet.set("fall.persons", len(states), [s.id for s in states])
    if fallen:
        sheet.concept("event:fall", fallen)


def _quality_facts(sheet: FactSheet, measurements: list[Measurement]) -> None:
    if not measurements:
        return
    failed = []
    for m in measurements:
        key = fact_key(m.label)
        sheet.set(f"quality.{key}", m.value, [m.id])
        sheet.set(f"quality.{key}_verdict", m.verdict, [m.id])
        if m.verdict not in ("ok", "colour", "grayscale", "gray", "color"):
            failed.append(m.id)
    sheet.set("quality.ok", not failed, failed or [m.id for m in measurements])


def _image_facts(sheet: FactSheet, ctx: FactContext) -> None:
    meta = ctx.metadata
    modality = meta.get("Modality")
    if modality:
        sheet.set("image.modality", str(modality).upper())
        sheet.concept(f"modality:{fact_key(str(modality))}")
    view = meta.get("ViewPosition")
    if view:
        view = str(view).upper()
        sheet.set("image.view", view)
        sheet.concept("view:lateral" if view in LATERAL_VIEWS else f"view:{fact_key(view)}")
    if meta.get("BodyPartExamined"):
        sheet.set("image.body_part", str(meta["BodyPartExamined"]).upper())
    if meta.get("PhotometricInterpretation"):
        sheet.set("image.photometric", str(meta["PhotometricInterpretation"]))


def _zone_facts(sheet: FactSheet, ledger: Ledger, detections: list[Detection], ctx: FactContext) -> None:
    zones = ctx.zones
    assert zones is not None
    hits: list[ZoneHit] = []
    for det in detections:
        for zone in zones.containing(det.box):
            if not zone.watches(det.label):
                continue
            if ctx.time_hm is not None and not zone.active_at(*ctx.time_hm):
                continue
            hits.append(
                ZoneHit(
                    id="Z0",
                    tool="zones",
                    label=f"{det.label} in {zone.name}",
                    score=det.score,
                    box=det.box,
                    zone=zone.name,
                    attributes=list(zone.attributes),
                    source=det.id,
                )
            )
    key = "zones|" + "|".join(f"{h.source}:{h.zone}" for h in hits) + f"|{zones.source}|{ctx.time_hm}"
    hits = [h for h in ledger.add_items(key, hits) if isinstance(h, ZoneHit)]
    attributes = {a for z in zones.zones for a in z.attributes}
    for attribute in [*sorted(attributes), "any"]:
        in_attr = [h for h in hits if attribute == "any" or attribute in h.attributes]
        sheet.set(f"zone.{attribute}.count", len(in_attr), [h.id for h in in_attr])
        labels = {fact_key(h.label.split(" in ")[0]) for h in in_attr} | {"person", "car"}
        for label in sorted(labels):
            ids = [h.id for h in in_attr if fact_key(h.label.split(" in ")[0]) == label]
            sheet.set(f"zone.{attribute}.{label}.count", len(ids), ids)
        objects = [h.id for h in in_attr if not h.label.startswith("person ")]
        sheet.set(f"zone.{attribute}.object.count", len(objects), objects)
        if attribute == "ppe_required" and "zone.ppe_required.person.count" not in sheet.values:
            sheet.set("zone.ppe_required.person.count", 0)
        if in_attr and attribute != "any":
            sheet.concept(f"zone:{attribute}", [h.id for h in in_attr])


def _unattended_facts(sheet: FactSheet, detections: list[Detection], ctx: FactContext) -> None:
    bags = [d for d in detections if d.label in BAG_LABELS]
    if not bags:
        return
    persons = [d for d in detections if d.label == "person"]
    width = max((d.box[2] for d in detections), default=1.0)
    height = max((d.box[3] for d in detections), default=1.0)
    if ctx.zones is not None:
        width, height = ctx.zones.width, ctx.zones.height
    elif "width" in ctx.metadata:
        width, height = ctx.metadata["width"], ctx.metadata["height"]
    radius = ctx.unattended_radius * math.hypot(width, height)
    alone = [b.id for b in bags if not any(standing_near(b.box, p.box, radius) for p in persons)]
    sheet.set("unattended.count", len(alone), alone or [b.id for b in bags])
    if alone:
        sheet.concept("event:unattended_item", alone)


def _time_facts(sheet: FactSheet, ctx: FactContext) -> None:
    if ctx.time_hm is None:
        return
    hour = ctx.time_hm[0]
    sheet.set("time.hour", hour)
    night = hour >= NIGHT_START or hour < NIGHT_END
    sheet.set("time.is_night", night)
    if night:
        sheet.concept("context:night")


def _stated_facts(sheet: FactSheet, ledger: Ledger, ctx: FactContext) -> None:
    if not ctx.stated:
        return
    made: list[EvidenceItem] = [
        StatedFinding(
            id="X0",
            tool="stated",
            label=name,
            fact=name,
            value=value,
            origin=ctx.stated_origin.get(name, "stated"),
        )
        for name, value in ctx.stated.items()
    ]
    key = "stated|" + "|".join(f"{n}={v!r}" for n, v in sorted(ctx.stated.items(), key=lambda kv: kv[0]))
    for item in ledger.add_items(key, made):
        assert isinstance(item, StatedFinding)
        sheet.set(item.fact, item.value, [item.id])
        namespace = item.fact.split(".")[0]
        if namespace in ("nodule", "lungrads"):
            sheet.concept("finding:pulmonary_nodule", [item.id])
        elif namespace == "birads":
            sheet.concept("finding:breast_lesion", [item.id])
        elif item.fact == "device.ett_tip_to_carina_cm":
            sheet.concept("finding:endotracheal_tube", [item.id])
        elif item.fact == "device.ng_tube_position":
            sheet.concept("finding:nasogastric_tube", [item.id])
        elif namespace == "finding" and item.fact.endswith(".present") and item.value is True:
            sheet.concept(f"finding:{item.fact.split('.')[1]}", [item.id])
            sheet.set("finding.any.present", True, [item.id])
        elif item.fact == "patient.acute_respiratory_illness" and item.value is True:
            sheet.concept("context:acute_respiratory_illness", [item.id])
        elif namespace in ("esi", "vitals") or item.fact == "patient.mts_category":
            sheet.concept("context:emergency_triage", [item.id])
        elif item.fact == "patient.context":
            sheet.concept(f"context:{fact_key(str(item.value))}", [item.id])
