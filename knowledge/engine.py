"""The rule engine: which rules fire on a set of facts, which abstain, and which cannot tell.

Conditions are evaluated in three-valued (Kleene) logic: a leaf whose fact is absent, or
present but not comparable (a number test on text), is *unknown*, never false. A rule is
considered only when one of its trigger concepts (or a concept below it in the ``is_a``
hierarchy) is present. Then, in order: a guard (``applies_to``) that is false makes the rule
abstain with the guard's reason; a guard that is unknown leaves the rule undetermined; the
condition decides between fired, not met and undetermined.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from argus.knowledge.facts import Facts, FactValue, evidence_sort_key
from argus.knowledge.schema import (
    INDICATOR_RANK,
    URGENCY_RANK,
    All,
    AnyOf,
    Concept,
    Condition,
    Leaf,
    Not,
    Rule,
    Urgency,
    condition_facts,
)

Truth = bool | None


class FiredRule(BaseModel):
    rule: Rule
    why: str = Field(description="The conclusion and the facts that made the condition true.")
    facts_used: dict[str, FactValue] = Field(
        description="Facts the guards and condition read, with their values."
    )
    evidence: list[str] = Field(description="Evidence ids behind those facts and the trigger concepts.")
    concepts: list[str] = Field(description="The concepts present that woke the rule.")


class Abstention(BaseModel):
    rule: Rule
    reason: str = Field(description="The failed guard's own explanation.")
    facts_used: dict[str, FactValue]


class Undetermined(BaseModel):
    rule: Rule
    missing: list[str] = Field(description="Facts the rule needs that are absent or not comparable.")
    reason: str


class NotMet(BaseModel):
    rule: Rule
    why: str = Field(description="The facts that made the condition false.")
    facts_used: dict[str, FactValue]


class Evaluation(BaseModel):
    domain: str | None
    fired: list[FiredRule] = Field(description="Highest urgency first; fired[0] is top.")
    abstained: list[Abstention]
    undetermined: list[Undetermined]
    not_met: list[NotMet]
    top: FiredRule | None
    unknown_concepts: list[str] = Field(description="Concepts in the facts that no pack defines.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def urgency(self) -> Urgency | None:
        """The top rule's urgency, or None when nothing fired."""
        return self.top.rule.urgency if self.top is not None else None


def check(cond: Condition, values: dict[str, FactValue]) -> Truth:
    """True, False, or None when the facts do not decide."""
    if isinstance(cond, Leaf):
        return _leaf(cond, values)
    if isinstance(cond, Not):
        inner = check(cond.not_, values)
        return None if inner is None else not inner
    results = [check(c, values) for c in (cond.all if isinstance(cond, All) else cond.any)]
    decisive = isinstance(cond, AnyOf)  # any: one True decides; all: one False decides
    if decisive in results:
        return decisive
    return None if None in results else not decisive


def _same(a: FactValue, b: object) -> bool:
    """Equality that does not take True for 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _leaf(leaf: Leaf, values: dict[str, FactValue]) -> Truth:
    present = leaf.fact in values
    if leaf.op == "exists":
        return present == leaf.value
    if not present:
        return None
    fact, want = values[leaf.fact], leaf.value
    if leaf.op == "eq":
        return _same(fact, want)
    if leaf.op == "ne":
        return not _same(fact, want)
    if leaf.op in ("in", "not_in"):
        inside = any(_same(fact, w) for w in want)  # type: ignore[union-attr]
        return inside if leaf.op == "in" else not inside
    if leaf.op == "contains":
        return str(want) in fact if isinstance(fact, str) else None
    if not _number(fact):
        return None
    return {
        "gt": fact > want,  # type: ignore[operator]
        "gte": fact >= want,  # type: ignore[operator]
        "lt": fact < want,  # type: ignore[operator]
        "lte": fact <= want,  # type: ignore[operator]
    }[leaf.op]


_SYMBOL = {
    "eq": "=",
    "ne": "!=",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "in": "in",
    "not_in": "not in",
}


def describe(cond: Condition) -> str:
    """A condition in plain notation: ``nodule.size_mm >= 6 and not (nodule.multiple = true)``."""
    if isinstance(cond, Leaf):
        if cond.op == "exists":
            return f"{cond.fact} is {'known' if cond.value else 'unknown'}"
        if cond.op == "contains":
            return f"{cond.fact} contains {_show(cond.value)}"
        return f"{cond.fact} {_SYMBOL[cond.op]} {_show(cond.value)}"
    if isinstance(cond, Not):
        return f"not ({describe(cond.not_)})"
    children = cond.all if isinstance(cond, All) else cond.any
    joined = f" {'and' if isinstance(cond, All) else 'or'} ".join(describe(c) for c in children)
    return f"({joined})" if len(children) > 1 else joined


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def reasons(cond: Condition, values: dict[str, FactValue], outcome: bool) -> list[str]:
    """The leaves that make ``cond`` come out as ``outcome``, each with the fact's value."""
    if isinstance(cond, Leaf):
        shown = f"{cond.fact} = {_show(values[cond.fact])}" if cond.fact in values else f"{cond.fact} unknown"
        test = describe(cond)
        return [f"{shown} ({'meets' if outcome else 'fails'} {test})"]
    if isinstance(cond, Not):
        return reasons(cond.not_, values, not outcome)
    children = cond.all if isinstance(cond, All) else cond.any
    every = isinstance(cond, All) == outcome  # all->True and any->False need every child
    out: list[str] = []
    for child in children:
        if check(child, values) is outcome:
            out += reasons(child, values, outcome)
            if not every:
                break
    return out


def unknown_facts(cond: Condition, values: dict[str, FactValue]) -> list[str]:
    """Facts of the leaves that evaluate to unknown."""
    if isinstance(cond, Leaf):
        return [cond.fact] if _leaf(cond, values) is None else []
    if isinstance(cond, Not):
        return unknown_facts(cond.not_, values)
    out: list[str] = []
    for child in cond.all if isinstance(cond, All) else cond.any:
        out += [f for f in unknown_facts(child, values) if f not in out]
    return out


class RuleEngine:
    """Evaluates rules against facts; built once per knowledge base."""

    def __init__(self, rules: dict[str, Rule], concepts: dict[str, Concept]) -> None:
        self.rules = rules
        self.concepts = concepts
        self._by_trigger: dict[str, list[Rule]] = {}
        for rule in sorted(rules.values(), key=lambda r: r.id):
            for concept in rule.trigger:
                self._by_trigger.setdefault(concept, []).append(rule)
        self.superseded = {old for r in rules.values() if r.status == "active" for old in r.supersedes}

    def ancestors(self, concept_id: str) -> list[str]:
        """The concept and everything above it through ``is_a``, nearest first."""
        order, queue = [concept_id], [concept_id]
        while queue:
            node = self.concepts.get(queue.pop(0))
            for parent in node.is_a if node else []:
                if parent not in order:
                    order.append(parent)
                    queue.append(parent)
        return order

    def present_concepts(self, facts: Facts) -> dict[str, list[str]]:
        """Concept id -> the concepts in the facts that stand for it (itself or ones below it)."""
        present: dict[str, list[str]] = {}
        for cid in sorted(facts.concepts):
            for above in self.ancestors(cid):
                present.setdefault(above, []).append(cid)
        return present

    def evaluate(
        self,
        facts: Facts,
        domain: Literal["medical", "security", "general"] | None = None,
        include_drafts: bool = False,
    ) -> Evaluation:
        """Run every triggered rule; ``domain`` keeps that domain's rules and the general ones."""
        values = facts.values
        present = self.present_concepts(facts)
        statuses = ("active", "draft") if include_drafts else ("active",)
        candidates: dict[str, Rule] = {}
        for concept in present:
            for rule in self._by_trigger.get(concept, []):
                in_scope = domain is None or rule.domain in (domain, "general")
                if in_scope and rule.status in statuses and rule.id not in self.superseded:
                    candidates[rule.id] = rule
        fired: list[FiredRule] = []
        abstained: list[Abstention] = []
        undetermined: list[Undetermined] = []
        not_met: list[NotMet] = []
        for rule in (candidates[k] for k in sorted(candidates)):
            used = _used(rule, values)
            failed = next((g for g in rule.applies_to if check(g.when, values) is False), None)
            if failed is not None:
                abstained.append(Abstention(rule=rule, reason=failed.otherwise, facts_used=used))
                continue
            unknown_guards = [g for g in rule.applies_to if check(g.when, values) is None]
            if unknown_guards:
                missing = _union(unknown_facts(g.when, values) for g in unknown_guards)
                undetermined.append(_undetermined(rule, missing, values, "whether the rule applies"))
                continue
            outcome = check(rule.condition, values)
            if outcome is None:
                missing = unknown_facts(rule.condition, values)
                undetermined.append(_undetermined(rule, missing, values, "whether the condition holds"))
            elif outcome:
                woke = _union(present[c] for c in rule.trigger if c in present)
                ids = _union([facts.evidence_for(f) for f in used] + [facts.evidence_for(c) for c in woke])
                why = f"{rule.conclusion.rstrip('.')}: " + "; ".join(reasons(rule.condition, values, True))
                fired.append(
                    FiredRule(
                        rule=rule,
                        why=why,
                        facts_used=used,
                        evidence=sorted(ids, key=evidence_sort_key),
                        concepts=woke,
                    )
                )
            else:
                why = "; ".join(reasons(rule.condition, values, False))
                not_met.append(NotMet(rule=rule, why=why, facts_used=used))
        fired.sort(key=rank_key)
        return Evaluation(
            domain=domain,
            fired=fired,
            abstained=abstained,
            undetermined=undetermined,
            not_met=not_met,
            top=fired[0] if fired else None,
            unknown_concepts=sorted(c for c in facts.concepts if c not in self.concepts),
        )


def rank_key(fired: FiredRule) -> tuple[int, int, str]:
    """Highest normalised urgency first, then the stronger indicator, then the rule id."""
    rule = fired.rule
    return -URGENCY_RANK[rule.urgency.level], -INDICATOR_RANK[rule.indicator], rule.id


def _used(rule: Rule, values: dict[str, FactValue]) -> dict[str, FactValue]:
    names = _union([condition_facts(g.when) for g in rule.applies_to] + [condition_facts(rule.condition)])
    return {n: values[n] for n in names if n in values}


def _union(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for items in lists:
        out += [x for x in items if x not in out]
    return out


def _undetermined(rule: Rule, missing: list[str], values: dict[str, FactValue], what: str) -> Undetermined:
    parts = [
        f"{m} is {_show(values[m])}, which the test cannot compare" if m in values else f"{m} is not known"
        for m in missing
    ]
    return Undetermined(rule=rule, missing=missing, reason=f"cannot tell {what}: " + "; ".join(parts))
