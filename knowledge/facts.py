"""Facts: what the agent established about one image and question, as flat data.

Facts know nothing of pixels. Names are dotted and start with a namespace from
``schema.FACT_NAMESPACES`` (``label.person.count``, ``nodule.size_mm``); a fact that could not
be established is left out, never set to a default, so the engine can tell "no" from "unknown".
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from argus.knowledge.schema import FACT_NAMESPACES

FactValue = str | int | float | bool

_FACT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_CONCEPT = re.compile(r"^[a-z_]+:[a-z0-9_]+$")
_EVIDENCE = re.compile(r"^[A-Z]\d+$")


class Facts(BaseModel):
    """The facts, the evidence ids that support each, and the concepts present with their evidence."""

    model_config = ConfigDict(extra="forbid")

    values: dict[str, FactValue] = Field(description="Dotted fact name -> value, e.g. label.person.count: 3.")
    evidence: dict[str, list[str]] = Field(
        default_factory=dict, description="Fact name -> evidence ids that support it, e.g. ['D1', 'D2']."
    )
    concepts: dict[str, list[str]] = Field(
        default_factory=dict, description="Concept id present -> evidence ids, e.g. {'coco:person': ['D1']}."
    )

    @field_validator("values", "evidence")
    @classmethod
    def _fact_names(cls, v: dict[str, object]) -> dict[str, object]:
        for name in v:
            if not _FACT.match(name):
                raise ValueError(f"fact names are dotted lower-case like 'nodule.size_mm', got {name!r}")
            if name.split(".")[0] not in FACT_NAMESPACES:
                raise ValueError(
                    f"fact {name!r} is outside the known namespaces: {', '.join(FACT_NAMESPACES)}"
                )
        return v

    @field_validator("concepts")
    @classmethod
    def _concept_ids(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for cid in v:
            if not _CONCEPT.match(cid):
                raise ValueError(f"concept ids look like 'coco:person', got {cid!r}")
        return v

    @field_validator("evidence", "concepts")
    @classmethod
    def _evidence_ids(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for ids in v.values():
            for eid in ids:
                if not _EVIDENCE.match(eid):
                    raise ValueError(f"evidence ids are a capital letter and a number like 'D1', got {eid!r}")
        return v

    def evidence_for(self, fact_or_concept: str) -> list[str]:
        """Evidence ids behind a fact name or a concept id (empty when none were given)."""
        return list(self.evidence.get(fact_or_concept) or self.concepts.get(fact_or_concept) or [])


def evidence_sort_key(evidence_id: str) -> tuple[str, int]:
    """D2 before D10."""
    return evidence_id[0], int(evidence_id[1:])
