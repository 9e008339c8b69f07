"""``GET /v1/tools``, ``GET /v1/kb/search`` and ``GET /v1/kb/rules/{id}``: what Argus can do and knows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from argus.agent.service.deps import ServiceDep
from argus.agent.service.errors import redact_paths

router = APIRouter()


@router.get("/tools", tags=["catalogue"])
def tools(service: ServiceDep) -> list[dict[str, Any]]:
    """The vision tools' cards: what each does, its inputs, evidence ids, backends and limits."""
    from argus.tools import TOOLS, tool_class

    out = []
    for name in TOOLS:
        data = tool_class(name)(service.assistant.runtime).card().model_dump(mode="json")
        for backend in data["backends"]:
            backend["detail"] = redact_paths(backend["detail"])
            backend["weights"] = redact_paths(backend["weights"]) if backend["weights"] else None
        out.append(data)
    return out


@router.get("/kb/search", tags=["knowledge"])
def kb_search(
    service: ServiceDep,
    q: Annotated[str, Query(min_length=2, max_length=500, description="What to look for.")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    domain: Annotated[str | None, Query(description="medical, security or general")] = None,
) -> list[dict[str, Any]]:
    """Rules nearest the query by meaning, best first, each with its urgency and source."""
    from argus.knowledge.views import hit_summary

    return [hit_summary(hit) for hit in service.assistant.knowledge().search(q, k=k, domain=domain)]


@router.get("/kb/rules/{rule_id}", tags=["knowledge"])
def kb_rule(rule_id: str, service: ServiceDep) -> dict[str, Any]:
    """One rule in full: condition, urgency, action, source and the condition in plain notation."""
    from argus.knowledge.views import rule_detail

    return rule_detail(service.assistant.knowledge().rule(rule_id[:200]))
