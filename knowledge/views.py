"""The JSON shapes of rules and search hits that the CLI, the agent and the HTTP API share."""

from __future__ import annotations

from typing import Any

from argus.knowledge.engine import describe
from argus.knowledge.packs import Origin
from argus.knowledge.retriever import RuleHit
from argus.knowledge.schema import URGENCY_LEVELS, Rule


def rule_summary(rule: Rule, origin: Origin | None = None) -> dict[str, Any]:
    """id, domain, status, title, urgency, source (always), and where the rule was defined."""
    out: dict[str, Any] = {
        "id": rule.id,
        "domain": rule.domain,
        "status": rule.status,
        "version": rule.version,
        "title": rule.title,
        "urgency": {
            "level": rule.urgency.level,
            "label": URGENCY_LEVELS[rule.urgency.level],
            "native": rule.urgency.native,
            "scale": rule.urgency.scale,
        },
        "indicator": rule.indicator,
        "source": rule.source.model_dump(exclude_none=True),
    }
    if origin is not None:
        out["defined_at"] = {"file": origin.path, "line": origin.line, "layer": origin.layer}
    return out


def rule_detail(rule: Rule, origin: Origin | None = None) -> dict[str, Any]:
    """Every field of the rule, plus the summary's keys and the condition in plain notation."""
    full = rule.model_dump(by_alias=True, exclude_none=True, mode="json")
    full.update(rule_summary(rule, origin))
    full["condition_text"] = describe(rule.condition)
    full["applies_to_text"] = [describe(g.when) for g in rule.applies_to]
    return full


def hit_summary(hit: RuleHit, origin: Origin | None = None) -> dict[str, Any]:
    return {"rank": hit.rank, "score": hit.score, **rule_summary(hit.rule, origin)}
