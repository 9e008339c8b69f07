"""The built-in planner's answers: templates filled from the tools' typed results.

Each sentence cites the items it speaks of, and a number stated about the image equals the
number of items that sentence cites for it: the verifier holds every answer to that.
"""

from __future__ import annotations

import math
from typing import Any

from argus.agent.domains.medical.decision import decisive
from argus.agent.planner.intents import Intent
from argus.agent.planner.plans import Plan
from argus.agent.planner.slots import Slots
from argus.tools.evidence import Detection, EvidenceItem, ToolResult

CANNOT_ANSWER = (
    "I can't answer that from this image with the available tools. I can count and locate the 80 COCO object "
    "classes, read text, describe the scene, analyse colours and shapes, check image quality, detect falls, "
    "segment regions, and apply the medical and security rule packs."
)
UNSEEN_CLASSES = "guns, fire, smoke, helmets or high-visibility vests"
IRREGULAR_PLURALS = {"person": "people", "bus": "buses", "knife": "knives", "mouse": "mice", "sheep": "sheep",
                     "skis": "skis", "scissors": "scissors", "glass": "glasses", "wine glass": "wine glasses",
                     "bench": "benches", "couch": "couches", "sandwich": "sandwiches", "dining table": "dining tables",
                     "toothbrush": "toothbrushes", "box": "boxes"}  # fmt: skip


def plural(label: str, n: int) -> str:
    if n == 1:
        return label
    return IRREGULAR_PLURALS.get(label, label if label.endswith("s") else label + "s")


def cites(items: list[EvidenceItem]) -> str:
    return "".join(f"[{i.id}]" for i in items)


def near(a: list[float], b: list[float], image_diag: float) -> bool:
    """Boxes touch, overlap, or lie within 5% of the image diagonal of each other."""
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return math.hypot(dx, dy) <= 0.05 * image_diag


def relation_holds(kind: str, a: list[float], b: list[float], image_diag: float) -> bool:
    ax, ay = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    if kind == "left of":
        return ax < b[0]
    if kind == "right of":
        return ax > b[2]
    if kind == "above":
        return ay < b[1]
    if kind == "below":
        return ay > b[3]
    if kind in ("inside", "on"):
        return b[0] <= ax <= b[2] and b[1] <= ay <= b[3]
    return near(a, b, image_diag)


class Composer:
    """Writes one answer from a plan, the question's slots and the results of this turn."""

    def __init__(self, plan: Plan, slots: Slots, results: dict[str, Any], context: dict[str, Any]) -> None:
        self.plan = plan
        self.slots = slots
        self.results = results
        self.context = context
        image = context.get("image") or {}
        self.diag = math.hypot(image.get("width") or 1, image.get("height") or 1)

    def compose(self) -> str:
        intent = self.plan.intent
        if intent is Intent.UNKNOWN:
            return CANNOT_ANSWER
        if intent is Intent.PRIVACY:
            return self._privacy()
        if intent is Intent.RULE_LOOKUP:
            return self._lookup()
        parts: list[str] = []
        writer = {
            Intent.COUNT: self._count,
            Intent.PRESENCE: self._count,
            Intent.DESCRIBE: self._describe,
            Intent.READ_TEXT: self._text,
            Intent.COLOURS_SHAPES: self._colours_shapes,
            Intent.FALLS: self._falls,
            Intent.QUALITY: self._quality,
            Intent.SEGMENT: self._segment,
            Intent.MEDICAL: self._medical_basis,
            Intent.SECURITY: self._security_basis,
        }[intent]
        parts.extend(writer())
        if "evaluate_rules" in self.results:
            parts.extend(self._rules(self.results["evaluate_rules"]))
        if self.slots.unseeable:
            parts.append(
                f"The detector has no class for {', '.join(self.slots.unseeable)}, so it cannot tell whether any are "
                "present: not detected is not absent."
            )
        failed = self.context.get("failed_tools") or []
        parts.extend(f"The {name} tool failed, so this answer lacks its evidence." for name in failed)
        return " ".join(p for p in parts if p)

    # ------------------------------------------------------------- detections
    def _detections(self) -> tuple[ToolResult | None, list[Detection]]:
        result = self.results.get("detect_objects")
        if result is None:
            return None, []
        return result, [i for i in result.items() if isinstance(i, Detection)]

    def _count(self) -> list[str]:
        if "segment" in self.results and "detect_objects" not in self.results:
            return self._regions()
        if "analyze_colors_shapes" in self.results and "detect_objects" not in self.results:
            return self._colours_shapes()
        result, dets = self._detections()
        if result is None:
            return ["The detector did not run, so I cannot count objects."]
        zone_hits = self._zone_hits()
        focus = self.plan.focus or sorted({d.label for d in dets})
        if not focus:
            return [f"The detector ({_backend(result)}) found no object of the 80 COCO classes."]
        out = []
        for label in focus:
            items = [d for d in dets if d.label == label]
            out.append(self._count_sentence(label, items, result))
            relation = self.slots.relation
            if relation and items:
                kind, target = relation
                targets = [d for d in dets if d.label == target]
                if not targets:
                    out.append(
                        f"No {target} was detected, so I cannot say which {plural(label, 2)} are {kind} one."
                    )
                else:
                    held = [
                        d
                        for d in items
                        if any(relation_holds(kind, d.box, t.box, self.diag) for t in targets)
                    ]
                    where = (
                        f"{kind} the {target if len(targets) == 1 else plural(target, 2)} {cites(targets)}"
                    )
                    if held:
                        out.append(f"{_cap(where)}: {len(held)} {plural(label, len(held))} {cites(held)}.")
                    else:
                        out.append(f"{_cap(where)}: no {label} was detected.")
            for zone in self.slots.zone_names:
                hits = [h for h in zone_hits if h.zone == zone and h.label.startswith(f"{label} in ")]
                if hits:
                    out.append(f"In zone {zone}: {len(hits)} {plural(label, len(hits))} {cites(hits)}.")
                else:
                    out.append(f"In zone {zone}: no {label} was detected.")
        return out

    def _count_sentence(self, label: str, items: list[Detection], result: ToolResult) -> str:
        if not items:
            return f"No {label} was detected ({_backend(result)}); not detected does not prove absent."
        n = len(items)
        if self.plan.intent is Intent.PRESENCE:
            return f"Yes: {n} {plural(label, n)} detected {cites(items)}."
        return f"I count {n} {plural(label, n)} {cites(items)}."

    def _zone_hits(self) -> list[Any]:
        from argus.tools.evidence import ZoneHit

        outcome = self.results.get("evaluate_rules")
        return [i for i in (outcome.made_items if outcome else []) if isinstance(i, ZoneHit)]

    def _regions(self) -> list[str]:
        result = self.results["segment"]
        masks = result.items()
        noun = self.slots.region_noun or "region"
        if not masks:
            return [f"Segmentation ({_backend(result)}) found no separate region."]
        n = getattr(result, "count", len(masks))
        cited = cites(masks) if n == len(masks) else f"(the largest {len(masks)}: {cites(masks)})"
        return [
            f"I count {n} separate {'regions' if n != 1 else 'region'} {cited}, segmented by "
            f"{_backend(result)}; the detector has no '{noun}' class, so each separate region is counted."
        ]

    # ------------------------------------------------------------------ others
    def _describe(self) -> list[str]:
        result = self.results.get("describe_image")
        if result is None:
            return ["The describer did not run."]
        caption = result.items()[0]
        text = getattr(caption, "text", "")
        return [f"{text} {'' if f'[{caption.id}]' in text else f'[{caption.id}]'}".strip()]

    def _text(self) -> list[str]:
        result = self.results.get("read_text")
        if result is None:
            return ["The text reader did not run."]
        lines = result.items()
        if not lines:
            return [f"No text was found ({_backend(result)})."]
        quoted = "; ".join(f"\u201c{getattr(t, 'text', '')}\u201d [{t.id}]" for t in lines[:12])
        more = f" and {len(lines) - 12} more lines" if len(lines) > 12 else ""
        return [f"The image reads: {quoted}{more}."]

    def _colours_shapes(self) -> list[str]:
        result = self.results.get("analyze_colors_shapes")
        if result is None:
            return ["The colour and shape analysis did not run."]
        items = result.items()
        colours = [i for i in items if i.id.startswith("K")]
        shapes = [i for i in items if i.id.startswith("S")]
        out = []
        if self.slots.labels and "detect_objects" in self.results:
            out.extend(self._object_colours(colours))
        if colours and (self.slots.colours or not self.slots.shapes):
            listed = ", ".join(
                f"{c.label} {100 * getattr(c, 'fraction', 0):.0f}% [{c.id}]" for c in colours[:6]
            )
            out.append(f"Dominant colours: {listed}.")
        wanted = self.slots.shapes or sorted({s.label for s in shapes})
        for shape in wanted:
            matching = [s for s in shapes if s.label == shape]
            if self.slots.asks_colour and self.slots.shapes and matching:
                out.append(self._shape_colours(shape, matching))
                continue
            if self.slots.colours:
                matching = [s for s in matching if getattr(s, "colour", None) in self.slots.colours]
            tone = f"{'/'.join(self.slots.colours)} " if self.slots.colours else ""
            if matching:
                out.append(f"I count {len(matching)} {tone}{plural(shape, len(matching))} {cites(matching)}.")
            elif self.slots.shapes:
                out.append(f"No {tone}{shape} was found.")
        if not out:
            out.append(f"The analysis ({_backend(result)}) found no clear colour or shape.")
        return out

    def _shape_colours(self, shape: str, matching: list[EvidenceItem]) -> str:
        """ "What colour are the circles?": each colour the shapes have, with the shapes that have it."""
        by_colour: dict[str, list[EvidenceItem]] = {}
        for item in matching:
            by_colour.setdefault(getattr(item, "colour", None) or "of no named colour", []).append(item)
        ranked = sorted(by_colour.items(), key=lambda kv: -len(kv[1]))
        # "5 are orange", not "5 orange": a colour can also be a label the detector counts (orange)
        listed = "; ".join(
            f"{len(items)} {'is' if len(items) == 1 else 'are'} {colour} {cites(items)}"
            for colour, items in ranked
        )
        return f"Of the {len(matching)} {plural(shape, len(matching))}, {listed}."

    def _object_colours(self, colours: list[EvidenceItem]) -> list[str]:
        _, dets = self._detections()
        found = [d for d in dets if d.label in self.slots.labels]
        if not found:
            return [f"No {self.slots.labels[0]} was detected, so I cannot tell its colour."]
        return [
            f"The colour analysis covers the whole image, not the {plural(found[0].label, len(found))} "
            f"{cites(found)} alone."
        ]

    def _falls(self) -> list[str]:
        result = self.results.get("detect_falls")
        if result is None:
            return ["The fall detector did not run."]
        states = result.items()
        fallen = [s for s in states if s.label.lower() == "fall"]
        upright = [s for s in states if s.label.lower() != "fall"]
        if not states:
            return [f"The fall model ({_backend(result)}) found no person."]
        out = []
        if fallen:
            out.append(
                f"The fall model sees {len(fallen)} {plural('person', len(fallen))} fallen {cites(fallen)}."
            )
        else:
            out.append(
                f"The fall model sees no fallen person among the {len(states)} it found {cites(states)}."
            )
        if fallen and upright:
            out.append(
                f"{_cap(_num(len(upright)))} {plural('person', len(upright))} upright {cites(upright)}."
            )
        return out

    def _quality(self) -> list[str]:
        result = self.results.get("assess_quality")
        if result is None:
            return ["The quality check did not run."]
        items = result.items()
        kind = [m for m in items if getattr(m, "verdict", "") in ("colour", "grayscale")]
        checks = [m for m in items if m not in kind]
        bad = [m for m in checks if getattr(m, "verdict", "ok") != "ok"]
        if not bad:
            listed = ", ".join(f"{m.label} {getattr(m, 'value', 0):.3g} [{m.id}]" for m in checks)
            tone = f" It is a {kind[0].verdict} image [{kind[0].id}]." if kind else ""
            return [f"The image passes the quality checks, each within its limit: {listed}.{tone}"]
        listed = "; ".join(
            f"{m.label} is {getattr(m, 'verdict', '')} ({getattr(m, 'value', 0):.3g}"
            f"{', threshold ' + m.threshold if getattr(m, 'threshold', None) else ''}) [{m.id}]"
            for m in bad
        )
        return [f"The image fails the quality checks: {listed}."]

    def _segment(self) -> list[str]:
        result = self.results.get("segment")
        if result is None:
            return ["Segmentation did not run."]
        masks = result.items()
        if not masks:
            return [f"Segmentation ({_backend(result)}) found nothing to outline."]
        out = []
        by_label: dict[str, list[Any]] = {}
        for m in masks:
            by_label.setdefault(m.label, []).append(m)
        for label, group in by_label.items():
            share = 100 * sum(getattr(m, "area_fraction", 0.0) for m in group)
            area = sum(getattr(m, "area_px", 0) for m in group)
            n = len(group)
            out.append(
                f"{_cap(_num(n))} {plural(label, n)} {cites(group)} cover {share:.1f}% of the image ({area:,} px)."
            )
        return out

    def _medical_basis(self) -> list[str]:
        image = self.context.get("image") or {}
        modality = image.get("modality")
        out = [
            f"The image is {'a DICOM ' + modality + ' study' if modality else 'not DICOM, so its modality is unknown'}."
        ]
        if "assess_quality" in self.results:
            out.extend(self._quality())
        return out

    def _security_basis(self) -> list[str]:
        out = []
        result, dets = self._detections()
        if result is not None:
            by_label: dict[str, list[Detection]] = {}
            for d in dets:
                by_label.setdefault(d.label, []).append(d)
            if by_label:
                listed = ", ".join(
                    f"{len(v)} {plural(k, len(v))} {cites(v)}" for k, v in sorted(by_label.items())
                )
                out.append(f"Detected: {listed}.")
            else:
                out.append(f"The detector ({_backend(result)}) found no object.")
        if "detect_falls" in self.results:
            fallen = [s for s in self.results["detect_falls"].items() if s.label.lower() == "fall"]
            if fallen:
                out.append(
                    f"The fall model sees {len(fallen)} {plural('person', len(fallen))} fallen {cites(fallen)}."
                )
        sequence = self.context.get("sequence")
        if sequence:
            events = sequence.get("events") or []
            listed = "; ".join(f"{e['label']} for {e['duration_s']:.0f} s [{e['id']}]" for e in events)
            out.append(
                f"Over {sequence['frames']} frames ({sequence['seconds']:.0f} s): "
                + (listed if listed else "no loitering and no item left alone")
                + "."
            )
        zone_hits = self._zone_hits()
        for zone in sorted({h.zone for h in zone_hits}):
            hits = [h for h in zone_hits if h.zone == zone]
            out.append(f"In zone {zone}: {', '.join(h.label.split(' in ')[0] for h in hits)} {cites(hits)}.")
        out.append(
            f"The detector has no class for {UNSEEN_CLASSES}: they cannot be seen here, not ruled out."
        )
        return out

    # ------------------------------------------------------------------ rules
    def _rules(self, outcome: Any) -> list[str]:
        evaluation = outcome.evaluation
        out = []
        domain = self.plan.domain
        relevant = [f for f in evaluation.fired if not framing(f.rule)]
        # A medical rule on a real scale decides even at U0 (Fleischner's "no routine follow-up");
        # elsewhere a U0 rule is a note.
        if domain == "medical":
            decided = [f for f in relevant if decisive(f.rule)]
        else:
            decided = [f for f in relevant if f.rule.urgency.level != "U0"]
        for fired in decided:
            rule = fired.rule
            basis = f" (evidence {''.join(f'[{e}]' for e in fired.evidence)})" if fired.evidence else ""
            out.append(
                f"[R:{rule.id}] {rule.title}: {rule.conclusion} Action: {rule.action}{basis} "
                f"Urgency {rule.urgency.level} ({rule.urgency.native})."
            )
        notes = [f for f in relevant if f not in decided]
        if notes:
            out.append("Also noted: " + "; ".join(f"{f.rule.title} [R:{f.rule.id}]" for f in notes) + ".")
        for abstained in [a for a in evaluation.abstained if not framing(a.rule)][:2]:
            out.append(f"[R:{abstained.rule.id}] does not apply: {abstained.reason}")
        if decided:
            top = decided[0].rule
            out.insert(0, f"Highest urgency: {top.urgency.level} ({top.urgency.native}) from [R:{top.id}].")
        if domain == "medical" and not decided:
            basis = next((f"[R:{f.rule.id}]" for f in evaluation.fired if f.rule.id == "MED-REG-03"), "")
            # Findings given that decide nothing (a rule still lacks a fact) are not "no finding".
            why = (
                "no rule decides on the findings given"
                if self.slots.stated
                else "no finding was detected or given"
            )
            out.append(
                f"Insufficient evidence for a triage decision: {why}, and this is not a 'normal' result {basis}".rstrip()
                + "."
            )
        elif domain == "security" and not evaluation.fired:
            out.append("No security rule fired on what the tools found.")
        if domain == "medical":
            out.append("Flagged for review by a qualified clinician.")
        return out

    def _lookup(self) -> list[str] | str:
        hits = self.results.get("search_rules") or []
        outcome = self.results.get("evaluate_rules")
        parts: list[str] = []
        relevant = [f for f in outcome.evaluation.fired if not framing(f.rule)] if outcome is not None else []
        if relevant:
            for fired in relevant:
                rule = fired.rule
                parts.append(
                    f"For the facts given, [R:{rule.id}] {rule.title} applies: {rule.conclusion} "
                    f"Recommended: {rule.action} Source: {_source(rule)}."
                )
        elif hits:
            top = hits[0].rule
            parts.append(
                f"The closest rule is [R:{top.id}] {top.title}: {top.conclusion} Recommended: {top.action} "
                f"Source: {_source(top)}."
            )
            others = ", ".join(f"[R:{h.rule.id}] {h.rule.title}" for h in hits[1:3])
            if others:
                parts.append(f"Related: {others}.")
        else:
            return "No rule in the packs matches that question."
        if outcome is not None:
            for abstained in [a for a in outcome.evaluation.abstained if not framing(a.rule)][:1]:
                parts.append(f"[R:{abstained.rule.id}] does not apply here: {abstained.reason}")
            missing = _missing_facts(outcome.evaluation)
            if missing and not relevant:
                parts.append(f"To apply the rules to a case, give: {', '.join(missing[:4])}.")
        return " ".join(parts)

    def _privacy(self) -> str:
        asked = [k for k, v in self.slots.requests.items() if v]
        what = {
            "face_identification": "identify people",
            "emotion": "infer emotions",
            "sensitive_attribute": "infer sensitive attributes such as ethnicity, religion, health or orientation",
        }
        refused = " or ".join(what[a] for a in asked if a in what) or "do that"
        text = (
            f"I can't {refused}. Identifying people from images and inferring emotions or sensitive attributes "
            "are prohibited or high-risk uses under the EU AI Act (Art. 5(1)(h), Annex III), and this assistant "
            "does neither."
        )
        outcome = self.results.get("evaluate_rules")
        if outcome is not None and outcome.evaluation.fired:
            text += " " + " ".join(f"[R:{f.rule.id}] {f.rule.title}." for f in outcome.evaluation.fired)
        return text + " I can count people or describe what they are doing instead."


def framing(rule: Any) -> bool:
    """Rules that frame every answer of a domain (disclaimers, method notes) rather than answer it:
    they wake on context alone. The answer's disclaimer and rule list carry them."""
    return all(t.startswith("context:") for t in rule.trigger)


def _missing_facts(evaluation: Any) -> list[str]:
    missing: list[str] = []
    for und in getattr(evaluation, "undetermined", []):
        names = und.missing
        missing.extend(n for n in names if n not in missing)
    return missing


def _source(rule: Any) -> str:
    s = rule.source
    return ", ".join(x for x in (s.org, s.citation, s.section) if x)


def _backend(result: ToolResult) -> str:
    return f"{result.backend} {result.backend_version}".strip()


def _num(n: int) -> str:
    return str(n)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
