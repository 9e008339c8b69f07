"""What a domain adds to the domain-neutral engine, behind one small interface.

The core calls a ``DomainPolicy`` at four points: while facts are built (``add_facts``), before an answer
is assembled (``ground``: which evidence and rule verdict every answer of the domain rests on), when
the answer's urgency is set (``decide``), and when the rules that fired are put into words
(``rule_sentences``, ``flow``). This class is the general domain; ``argus.agent.domains.medical`` and
``argus.agent.domains.security`` each subclass it in their ``policy`` module, and the Assistant picks one
per question. A new domain is a new folder with a policy, not edits across the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from argus.agent.core.answer import Domain, UrgencyInfo
from argus.knowledge.schema import URGENCY_LEVELS
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.agent.core.executor import Finding
    from argus.agent.core.facts import FactContext, FactSheet
    from argus.agent.core.toolbox import RulesOutcome, Toolbox
    from argus.tools.evidence import EvidenceItem


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


def framing(rule: Any) -> bool:
    """Rules that frame every answer of a domain (disclaimers, method notes) rather than answer it:
    they wake on context alone. The answer's disclaimer and rule list carry them."""
    return all(t.startswith("context:") for t in rule.trigger)


class DomainPolicy:
    """The general domain: no disclaimer, no grounding beyond what the question asked for."""

    name: ClassVar[Domain] = "general"
    disclaimer: ClassVar[str | None] = None
    # The op that runs this domain's fixed flow (triage, assessment), if it has one.
    flow_op: ClassVar[str | None] = None

    def add_facts(self, sheet: FactSheet, items: list[EvidenceItem], context: FactContext) -> None:
        """Facts only this domain derives from the evidence (none in general)."""

    def ground(self, toolbox: Toolbox, refused: bool) -> RulesOutcome | None:
        """Make sure the evidence and rule verdict this domain's answers rest on exist; return the verdict."""
        return toolbox.last_rules

    def decide(
        self, toolbox: Toolbox, outcome: RulesOutcome | None, refused: bool
    ) -> tuple[UrgencyInfo | None, str | None]:
        """The answer's (urgency, abstention)."""
        if outcome is None or refused:
            return None, None
        top = outcome.evaluation.top
        return (urgency_of(top.rule) if top is not None else None), None

    def rule_sentences(self, toolbox: Toolbox, stated: dict[str, Any]) -> list[str]:
        """What the rules that fired add to an answer, each citing its rule."""
        if toolbox.last_rules is None:
            return []
        relevant = [f for f in toolbox.last_rules.evaluation.fired if not framing(f.rule)]
        decided = [f for f in relevant if f.rule.urgency.level != "U0"]
        out = [rule_sentence(f) for f in decided]
        notes = [f for f in relevant if f not in decided]
        if notes:
            out.append("Also noted: " + "; ".join(f"{f.rule.title} [R:{f.rule.id}]" for f in notes) + ".")
        return out

    def verdict(self, toolbox: Toolbox) -> tuple[int, int] | None:
        """(level, alerts) on the domain's own verdict scale, where it has one (security's threat level)."""
        return None

    def caveats(self, toolbox: Toolbox) -> list[str]:
        """What every answer of this domain must say last (what its tools cannot see)."""
        return []

    def flow(self, executor: Any, op: Any) -> Finding:
        """Run this domain's fixed flow (its ``flow_op``) and return the executor's Finding."""
        raise ArgusError(f"the {self.name} domain has no fixed flow; ask with the domain that has it")


def rule_sentence(fired: Any) -> str:
    rule = fired.rule
    basis = f" (evidence {''.join(f'[{e}]' for e in fired.evidence)})" if fired.evidence else ""
    return f"[R:{rule.id}] {rule.title}: {rule.conclusion} Action: {rule.action}{basis}"
