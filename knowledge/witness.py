"""Example facts that make a rule fire: for benchmarks, tests and checking that a rule can fire at all.

The search is a simple one (each leaf picks a value that satisfies it; ``all`` merges, ``any``
takes its first child), so the result is checked with the engine before it is trusted.
"""

from __future__ import annotations

from typing import Any

from argus.knowledge.engine import check
from argus.knowledge.facts import Facts, FactValue
from argus.knowledge.schema import All, Condition, Leaf, Not, Rule


def witness(cond: Condition, want: bool = True) -> dict[str, FactValue]:
    """Fact values under which ``cond`` should come out as ``want`` (verify with ``check``)."""
    if isinstance(cond, Leaf):
        return _leaf(cond, want)
    if isinstance(cond, Not):
        return witness(cond.not_, not want)
    children = cond.all if isinstance(cond, All) else cond.any
    if isinstance(cond, All) == want:  # every child must agree
        out: dict[str, FactValue] = {}
        for child in children:
            out.update(witness(child, want))
        return out
    return witness(children[0], want)


def _other(value: Any) -> FactValue:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"not {value}"


def _leaf(leaf: Leaf, want: bool) -> dict[str, FactValue]:
    v: Any = leaf.value
    op = leaf.op
    if op == "exists":
        return {leaf.fact: True} if v == want else {}
    if op in ("eq", "ne"):
        return {leaf.fact: v if (op == "eq") == want else _other(v)}
    if op in ("in", "not_in"):
        return {leaf.fact: v[0] if (op == "in") == want else _other(max(v, key=str))}
    if op == "contains":
        return {leaf.fact: v if want else ""}
    step = 1 if isinstance(v, int) else 0.5
    satisfied = {"gt": v + step, "gte": v, "lt": v - step, "lte": v}[op]
    violated = {"gt": v, "gte": v - step, "lt": v, "lte": v + step}[op]
    return {leaf.fact: satisfied if want else violated}


def firing_facts(rule: Rule, evidence_ids: tuple[str, ...] = ("D1",)) -> Facts | None:
    """Facts that wake ``rule`` through its first trigger and satisfy its guards and condition, or None."""
    values: dict[str, FactValue] = {}
    for guard in rule.applies_to:
        values.update(witness(guard.when))
    values.update(witness(rule.condition))
    if not all(check(g.when, values) for g in rule.applies_to) or not check(rule.condition, values):
        return None
    return Facts(
        values=values,
        evidence={name: list(evidence_ids) for name in values},
        concepts={rule.trigger[0]: list(evidence_ids)},
    )
