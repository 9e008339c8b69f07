"""The medical domain's policy: the disclaimer, the facts a medical image adds, the triage decision as
the answer's urgency (or its abstention), and how the rules are put into words.

Text and structure come from one decision (``argus.agent.domains.medical.decision``): the sentence that
states an urgency is written from the same Decision the answer's ``urgency`` and ``abstention`` carry,
so the two can never disagree. With no finding, the answer says "insufficient evidence", never
"normal"; every medical answer is flagged for a clinician's review.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from argus.agent.core.answer import MEDICAL_DISCLAIMER, Caller, UrgencyInfo
from argus.agent.core.fact_words import facts_in_words
from argus.agent.core.policy import DomainPolicy, framing, rule_sentence
from argus.agent.domains.medical.chest_findings import classifier_facts
from argus.agent.domains.medical.decision import Decision, decide, decide_ungated, decisive
from argus.agent.domains.medical.modality import route_image
from argus.tools.assess_quality import QualityReport
from argus.tools.evidence import ImageLabel

if TYPE_CHECKING:
    from argus.agent.core.facts import FactContext, FactSheet
    from argus.agent.core.toolbox import RulesOutcome, Toolbox
    from argus.tools.evidence import EvidenceItem

REVIEW = "Flagged for review by a qualified clinician."
NOT_NORMAL_RULE = "MED-REG-03"  # "insufficient evidence is not a normal result"


class MedicalPolicy(DomainPolicy):
    name: ClassVar = "medical"
    disclaimer: ClassVar = MEDICAL_DISCLAIMER
    flow_op: ClassVar = "triage"

    def add_facts(self, sheet: FactSheet, items: list[EvidenceItem], context: FactContext) -> None:
        classifier_facts(
            sheet, [i for i in items if isinstance(i, ImageLabel) and i.tool == "classify_chest_xray"]
        )
        sheet.set("image.is_medical", True)
        sheet.concept("context:medical_image")
        if (
            "finding.any.present" not in sheet.values
            and sheet.values.get("finding.any.uncertain") is not True
        ):
            # The finding tools and the stated findings reported nothing: that is "no finding", not "normal".
            # An uncertain label is neither: the fact stays unknown.
            findings = [c for c in sheet.concepts if c.startswith("finding:")]
            sheet.set("finding.any.present", bool(findings), [i for c in findings for i in sheet.concepts[c]])

    def ground(self, toolbox: Toolbox, refused: bool) -> RulesOutcome | None:
        """Every medical answer rests on the rule engine's verdict on every fact found."""
        if toolbox.last_rules is None or len(toolbox.ledger.items()) > toolbox.evaluated_items:
            toolbox.run("evaluate_rules", {"domain": "medical"}, Caller.AGENT)
        return toolbox.last_rules

    def decision(self, toolbox: Toolbox, outcome: RulesOutcome) -> Decision:
        """Decided as a triage is: only a rule on a real scale sets an urgency, a failed quality gate
        withholds it, and no decision is an abstention with its reason; a question about the rules alone
        (no quality check ran) is not gated on the image."""
        route = route_image(toolbox.image)
        quality = toolbox.ledger.latest("assess_quality")
        if quality is not None:
            assert isinstance(quality, QualityReport)
            return decide(route, quality, outcome.evaluation)
        return decide_ungated(route, outcome.evaluation)

    def decide(
        self, toolbox: Toolbox, outcome: RulesOutcome | None, refused: bool
    ) -> tuple[UrgencyInfo | None, str | None]:
        if outcome is None or refused:
            return None, None
        made = self.decision(toolbox, outcome)
        return made.urgency, made.abstention

    def decision_sentences(self, decision: Decision, evaluation: Any, stated: dict[str, Any]) -> list[str]:
        """The decision in words: the urgency and the rule that set it, or why none is assigned."""
        out: list[str] = []
        if decision.urgency is not None:
            u = decision.urgency
            out.append(f"Urgency {u.level} ({u.native}) from [R:{u.rule}].")
            deciding = [f for f in evaluation.fired if decisive(f.rule)]
            out.extend(
                f"{rule_sentence(f)} Urgency {f.rule.urgency.level} ({f.rule.urgency.native})."
                for f in deciding
            )
        else:
            basis = (
                f" [R:{NOT_NORMAL_RULE}]"
                if any(f.rule.id == NOT_NORMAL_RULE for f in evaluation.fired)
                else ""
            )
            why = decision.abstention or (
                "no rule decides on the findings given" if stated else "no finding was detected or given"
            )
            out.append(
                f"No urgency is assigned: {facts_in_words(why).rstrip('.')}. Insufficient evidence is not a "
                f"'normal' result{basis}."
            )
        notes = [f for f in evaluation.fired if not framing(f.rule) and not decisive(f.rule)]
        if notes:
            out.append("Also noted: " + "; ".join(f"{f.rule.title} [R:{f.rule.id}]" for f in notes) + ".")
        if decision.urgency is not None:
            for abstained in [a for a in evaluation.abstained if not framing(a.rule) and decisive(a.rule)][
                :2
            ]:
                out.append(f"[R:{abstained.rule.id}] does not apply: {abstained.reason}")
        return out

    def rule_sentences(self, toolbox: Toolbox, stated: dict[str, Any]) -> list[str]:
        if toolbox.last_rules is None:
            return [REVIEW]
        decision = self.decision(toolbox, toolbox.last_rules)
        return [*self.decision_sentences(decision, toolbox.last_rules.evaluation, stated), REVIEW]

    def modality_sentence(self, toolbox: Toolbox) -> str:
        route = route_image(toolbox.image)
        if route.source == "DICOM tag":
            return f"The image is a DICOM {route.modality} study."
        return "The image is not a DICOM file, so its modality comes from its pixels alone."

    def flow(self, executor: Any, op: Any) -> Any:
        """The triage flow for a question like 'is this scan urgent?': quality gate, rules, decision. A
        question about one finding ('any sign of pneumothorax?') is answered first: from the findings given
        or the chest X-ray classifier when they speak of it, else "I can't tell" (no tool here sees it)."""
        from argus.agent.core.executor import Finding

        toolbox = executor.toolbox
        quality = executor.call("assess_quality")
        outcome = self.ground(toolbox, refused=False)
        stated = toolbox.facts_context.stated
        why = [self.modality_sentence(toolbox)]
        if quality is not None:
            if quality.ok:
                why.append(
                    f"It passes the quality checks {''.join(f'[{m.id}]' for m in quality.measurements)}."
                )
            else:
                why.append(f"It fails the quality checks: {'; '.join(quality.reasons)}.")
        if outcome is None:
            return Finding(None, "I can't triage it: the rule engine did not run.", why, [REVIEW])
        decision = self.decision(toolbox, outcome)
        sentences = self.decision_sentences(decision, outcome.evaluation, stated)
        if op.finding:
            return self._finding_answer(op.finding, toolbox, outcome, [*why, *sentences])
        short = decision.urgency.level if decision.urgency is not None else None
        return Finding(short, sentences[0], [*why, *sentences[1:]], [REVIEW], value=short)

    def _finding_answer(self, finding: str, toolbox: Toolbox, outcome: Any, why: list[str]) -> Any:
        from argus.agent.core.executor import Finding

        key = finding.lower().replace(" ", "_")
        facts = outcome.facts.values
        evidence = outcome.facts.evidence
        named = [
            name
            for name in facts
            if name.startswith(("finding.", "nodule.")) and (key in name or key.rstrip("s") in name)
        ]
        present = [n for n in named if n.endswith(".present") and facts[n] is True] or [
            n for n in named if n.startswith("nodule.") and key.startswith("nodule")
        ]
        if present:
            ids = "".join(f"[{i}]" for n in present for i in evidence.get(n, []))
            return Finding(
                "yes",
                f"Yes: {finding} is reported {ids}, from the findings given or the chest X-ray classifier, not seen by Argus itself.".replace(
                    "  ", " "
                ),
                why,
                [REVIEW],
                value=True,
            )
        absent = [n for n in named if n.endswith(".present") and facts[n] is False]
        if absent:
            ids = "".join(f"[{i}]" for n in absent for i in evidence.get(n, []))
            return Finding(
                "no",
                f"No: {finding} is reported absent {ids}, by the findings given or the chest X-ray classifier; that is not a 'normal' result.",
                why,
                [REVIEW],
                value=False,
            )
        return Finding(
            None,
            f"I can't tell whether there {_there(finding)}: no tool here detects it in the image, and no finding "
            "about it was given.",
            why,
            [REVIEW],
        )


# Findings spoken of one at a time ("a nodule", "a pneumothorax"); the rest are conditions ("pneumonia").
COUNTABLE = re.compile(
    r"(?:nodule|mass|tumou?r|fracture|broken bone|lesion|cyst|polyp|aneurysm|pneumothorax|effusion|"
    r"ha?emorrhage|bleed|stroke|cataract|opacity|calcification|microaneurysm|exudate|metastasis)$"
)


def _there(finding: str) -> str:
    """'is a nodule', 'are nodules', 'is pneumonia': a finding after 'whether there'."""
    from argus.tools.words import article

    if finding.endswith(("es", "s", "ies")) and not finding.endswith(("sis", "ss", "us")):
        return f"are {finding}"
    return f"is {article(finding)}" if COUNTABLE.search(finding) else f"is {finding}"
