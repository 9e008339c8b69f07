"""Every finding a findings file may state that some rule reads, derived from the loaded rule packs.

``argus kb findings`` prints this catalogue, so the list of keys, the values the rules compare them
with and the rules that read them cannot drift from the packs. A key's kind comes from how the
rules compare it (yes/no, a number, one of a set of values); its unit comes from its name (the
packs' convention: ``_mm``, ``_cm``, ``_m``, ...) or, for the few names without a suffix, from
``NAMED_UNITS``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from argus.agent.core.findings import STATABLE_NAMESPACES

# Units by name suffix, longest first.
SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_px_per_m", "pixels per metre"),
    ("_per_m2", "per square metre"),
    ("_mm", "millimetres"),
    ("_cm", "centimetres"),
    ("_m", "metres"),
    ("_s", "seconds"),
)
# Numeric names without a unit suffix.
NAMED_UNITS: dict[str, str] = {
    "patient.age": "years",
    "vitals.hr": "beats per minute",
    "vitals.rr": "breaths per minute",
    "vitals.spo2": "% oxygen saturation",
    "esi.resources": "count of resources the visit will need",
    "finding.cardiomegaly.ctr": "ratio (cardiothoracic, 0-1)",
}

Kind = Literal["yes/no", "number", "value"]


class FindingKey(BaseModel):
    """One key a findings file may carry, as the rules read it."""

    name: str = Field(description="Dotted name, e.g. nodule.size_mm (nest it or write it flat).")
    kind: Kind
    unit: str | None = Field(default=None, description="For numbers.")
    values: list[str] = Field(default_factory=list, description="Values the rules compare it with.")
    rules: list[str] = Field(description="Ids of the rules that read it.")
    families: list[str] = Field(description="Rule families (id prefixes) that read it, e.g. MED-FLEISCHNER.")


def unit_for(name: str) -> str | None:
    if name in NAMED_UNITS:
        return NAMED_UNITS[name]
    for suffix, unit in SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return None


def family(rule_id: str) -> str:
    """MED-FLEISCHNER-02 -> MED-FLEISCHNER."""
    return "-".join(rule_id.split("-")[:-1]) or rule_id


def _leaves(cond: Any) -> list[Any]:
    from argus.knowledge.schema import All, AnyOf, Leaf, Not

    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return _leaves(cond.not_)
    children = cond.all if isinstance(cond, All) else cond.any if isinstance(cond, AnyOf) else []
    return [leaf for child in children for leaf in _leaves(child)]


def _show(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def catalogue(rules: dict[str, Any]) -> list[FindingKey]:
    """The statable keys the ``rules`` read (guards included) or are triggered by, sorted by name."""
    from argus.knowledge.schema import Leaf

    seen: dict[str, dict[str, Any]] = {}
    for rule in sorted(rules.values(), key=lambda r: r.id):
        if rule.status == "retired":
            continue
        conditions = [rule.condition, *(guard.when for guard in rule.applies_to)]
        leaves = [leaf for cond in conditions for leaf in _leaves(cond)]
        stated = [
            leaf.fact.split(".")[0] for leaf in leaves if leaf.fact.split(".")[0] in STATABLE_NAMESPACES
        ]
        if not stated or all(ns == "finding" for ns in stated):
            # a finding the rule is triggered by is stated as finding.<name>.present: true (a nodule,
            # a tube or a breast lesion are stated by their measurements instead)
            leaves += [
                Leaf(fact=f"finding.{c.split(':', 1)[1]}.present", op="eq", value=True)
                for c in rule.trigger
                if c.startswith("finding:")
            ]
        for leaf in leaves:
            if leaf.fact.split(".")[0] not in STATABLE_NAMESPACES:
                continue
            entry = seen.setdefault(leaf.fact, {"ops": set(), "values": [], "rules": [], "families": []})
            entry["ops"].add(leaf.op)
            for value in leaf.value if isinstance(leaf.value, list) else [leaf.value]:
                if leaf.op in ("gt", "gte", "lt", "lte", "exists"):
                    entry.setdefault("numbers", []).append(value)
                elif _show(value) not in entry["values"]:
                    entry["values"].append(_show(value))
            if rule.id not in entry["rules"]:
                entry["rules"].append(rule.id)
            if family(rule.id) not in entry["families"]:
                entry["families"].append(family(rule.id))
    out = []
    for name, entry in sorted(seen.items()):
        values = entry["values"]
        if values and set(values) <= {"true", "false"}:
            kind: Kind = "yes/no"
            values = []
        elif entry["ops"] & {"gt", "gte", "lt", "lte"} or all(_is_number(v) for v in values) and values:
            kind = "number"
        else:
            kind = "value"
        out.append(
            FindingKey(
                name=name,
                kind=kind,
                unit=unit_for(name) if kind == "number" else None,
                values=values if kind == "value" else [],
                rules=entry["rules"],
                families=entry["families"],
            )
        )
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
