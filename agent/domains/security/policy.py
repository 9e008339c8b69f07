"""The security domain's policy: every answer rests on a full detection of the scene and the security
rules' verdict on it, and speaks the security scale (threat level 0 normal, 1 suspicious, 2 threat, from
the activity-context rules) with each fired alert said once.

People are never identified and no emotion or sensitive attribute is inferred (the refusal is the
question engine's ``refuse`` op); what the detector has no class for is "not seen", never "absent".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from argus.agent.core.answer import Caller, UrgencyInfo
from argus.agent.core.policy import DomainPolicy, framing

if TYPE_CHECKING:
    from argus.agent.core.toolbox import RulesOutcome, Toolbox

THREAT_WORDS = {0: "normal activity", 1: "suspicious", 2: "threat"}
# What each urgency level asks of whoever watches the scene.
RESPONSE_WORDS = {
    "U0": "no action",
    "U1": "review",
    "U2": "respond promptly",
    "U3": "respond now",
    "U4": "emergency response",
}
UNSEEN_CLASSES = "guns, fire, smoke, helmets or high-visibility vests"
_THREAT = re.compile(r"threat level (\d)", re.I)


# Where a fired alert puts the scene on the threat scale when its rule states no threat level itself:
# any alert is at least suspicious; one a person must act on at once (a person down, a crush) is a threat.
ALERT_THREAT = {"U0": 0, "U1": 1, "U2": 1, "U3": 2, "U4": 2}


def threat_level(fired: list[Any]) -> tuple[int, str | None]:
    """The scene's level on the activity-context scale (0 normal, 1 suspicious, 2 threat) and the rule
    that set it: the level a fired rule states ("threat level 2"), else what its alert implies, so a
    scene with alerts is never reported as normal. At equal levels the rule that states its level
    (an activity-context rule such as a night-time intrusion) is the one named."""
    best: tuple[int, bool] = (0, False)
    rule = None
    for f in fired:
        if framing(f.rule):
            continue
        found = _THREAT.search(f.rule.urgency.native or "")
        this = (int(found.group(1)), True) if found else (ALERT_THREAT.get(f.rule.urgency.level, 0), False)
        if this[0] > 0 and this > best:
            best, rule = this, f.rule.id
    return best[0], rule


def alerts(fired: list[Any]) -> list[Any]:
    """Fired rules that raise an alert (above U0), most urgent first, each once."""
    seen: set[str] = set()
    out = []
    for f in sorted(fired, key=lambda f: f.rule.urgency.level, reverse=True):
        if f.rule.id not in seen and not framing(f.rule) and f.rule.urgency.level != "U0":
            seen.add(f.rule.id)
            out.append(f)
    return out


class SecurityPolicy(DomainPolicy):
    name: ClassVar = "security"
    flow_op: ClassVar = "assess"

    def ground(self, toolbox: Toolbox, refused: bool) -> RulesOutcome | None:
        """A security verdict rests on the detector's full view of the scene and the fall model's,
        whoever drove the tools: a chat model that skipped them, or asked for some labels only (obeying
        text in the image, say), would otherwise leave people in a zone, or a person down, unseen. A
        refused request looks at nothing."""
        looked = any(s.tool == "detect_objects" and not s.args and not s.error for s in toolbox.trace)
        if not refused and not looked:
            toolbox.run("detect_objects", {}, Caller.AGENT)
        if not refused and not any(s.tool == "detect_falls" for s in toolbox.trace):
            toolbox.run("detect_falls", {}, Caller.AGENT)
        if toolbox.last_rules is None or len(toolbox.ledger.items()) > toolbox.evaluated_items:
            toolbox.run("evaluate_rules", {"domain": "security"}, Caller.AGENT)
        return toolbox.last_rules

    def decide(
        self, toolbox: Toolbox, outcome: RulesOutcome | None, refused: bool
    ) -> tuple[UrgencyInfo | None, str | None]:
        """The most urgent alert, labelled in the security scale's words rather than the medical ones."""
        urgency, abstention = super().decide(toolbox, outcome, refused)
        if urgency is not None:
            urgency = urgency.model_copy(update={"label": RESPONSE_WORDS[urgency.level]})
        return urgency, abstention

    def verdict(self, toolbox: Toolbox) -> tuple[int, int] | None:
        if toolbox.last_rules is None:
            return None
        fired = toolbox.last_rules.evaluation.fired
        return threat_level(fired)[0], len(alerts(fired))

    def verdict_sentence(self, toolbox: Toolbox) -> tuple[int, str]:
        """(threat level, the sentence that states it)."""
        fired = toolbox.last_rules.evaluation.fired if toolbox.last_rules is not None else []
        level, _ = threat_level(fired)
        raised = alerts(fired)
        if not raised:
            return (
                level,
                f"Threat level {level} ({THREAT_WORDS[level]}): no security rule fired on what the tools found.",
            )
        # the alerts that follow cite their rules, each once
        return (
            level,
            f"Threat level {level} ({THREAT_WORDS[level]}), with {len(raised)} alert{'s' if len(raised) != 1 else ''}.",
        )

    def rule_sentences(self, toolbox: Toolbox, stated: dict[str, Any]) -> list[str]:
        if toolbox.last_rules is None:
            return []
        fired = toolbox.last_rules.evaluation.fired
        out = [self.verdict_sentence(toolbox)[1]]
        for f in alerts(fired):
            basis = f" (evidence {''.join(f'[{e}]' for e in f.evidence)})" if f.evidence else ""
            out.append(f"Alert [R:{f.rule.id}] {f.rule.title}: {f.rule.action}{basis}")
        notes = [f for f in fired if not framing(f.rule) and f.rule.urgency.level == "U0"]
        if notes:
            out.append("Also noted: " + "; ".join(f"{f.rule.title} [R:{f.rule.id}]" for f in notes) + ".")
        return out

    def caveats(self, toolbox: Toolbox) -> list[str]:
        out = [f"The detector has no class for {UNSEEN_CLASSES}: they cannot be seen here, not ruled out."]
        zones = toolbox.facts_context.zones
        if (
            zones is not None
            and toolbox.facts_context.time_hm is None
            and any(z.schedule for z in zones.zones)
        ):
            out.append("No time of day was given, so every zone is treated as active whatever its schedule.")
        return out

    def flow(self, executor: Any, op: Any) -> Any:
        """The assessment flow: the full detection, falls, zones, events over frames, the security rules."""
        from argus.agent.core.executor import Finding
        from argus.tools.words import count_phrase

        toolbox = executor.toolbox
        detections = executor.call("detect_objects")
        falls = executor.call("detect_falls")
        self.ground(toolbox, refused=False)
        level, verdict = self.verdict_sentence(toolbox)
        why = []
        if detections is not None:
            by_label: dict[str, list[str]] = {}
            for item in detections.items():
                by_label.setdefault(item.label, []).append(item.id)
            if by_label:
                listed = ", ".join(
                    f"{count_phrase(len(ids), label)} {''.join(f'[{i}]' for i in ids)}"
                    for label, ids in sorted(by_label.items())
                )
                why.append(f"Detected: {listed}.")
            else:
                why.append("The detector found no person or object it knows.")
        if falls is not None:
            fallen = [s for s in falls.items() if s.label.lower() == "fall"]
            if fallen:
                why.append(
                    f"The fall model sees {count_phrase(len(fallen), 'person')} fallen {''.join(f'[{s.id}]' for s in fallen)}."
                )
        from argus.tools.evidence import ZoneHit

        hits = [i for i in toolbox.ledger.items() if isinstance(i, ZoneHit)]
        for zone in sorted({h.zone for h in hits}):
            inside = [h for h in hits if h.zone == zone]
            why.append(
                f"In zone {zone.replace('_', ' ')}: {', '.join(h.label.split(' in ')[0] for h in inside)} {''.join(f'[{h.id}]' for h in inside)}."
            )
        events = [i for i in toolbox.ledger.items() if i.id.startswith("V")]
        if toolbox.facts_context.frames > 1:
            listed = "; ".join(f"{e.label} for {getattr(e, 'duration_s', 0):.0f} s [{e.id}]" for e in events)
            why.append(
                f"Over {toolbox.facts_context.frames} frames: "
                + (listed or "no loitering and no item left alone")
                + "."
            )
        why.extend(self.rule_sentences(toolbox, toolbox.facts_context.stated)[1:])
        return Finding(str(level), verdict, why, value=level)
