"""The knowledge graph, built deterministically from the packs (no extraction, no model).

Nodes (``type`` attribute): Rule (its id), Concept / Context / ZoneType (the concept id),
UrgencyLevel (``U0``..``U4``), Action (``action:<slug>``), Source (``source:<slug>``, one per
organisation and citation), Exclusion (``exclusion:<slug>``, one per distinct guard) and Code
(``HP:0002107``, ``MESH:D011030``, ``ICD10:J93``, ``COCO:1``). Edges are keyed by relation:
TRIGGERED_BY, IMPLIES_URGENCY, RECOMMENDS, CITES, IS_A, NOT_APPLICABLE_WHEN, SUPERSEDES,
MAPS_TO. Every attribute is text so the graph exports to GraphML as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.knowledge.engine import describe
from argus.knowledge.errors import QueryError
from argus.knowledge.hpo import HpoHierarchy
from argus.knowledge.schema import URGENCY_LEVELS, Codes, Concept, Guard, Rule, Source

if TYPE_CHECKING:
    import networkx as nx

CONCEPT_NODE_TYPES = {"zone_type": "ZoneType", "context": "Context"}
CODE_PREFIXES = {"hpo": "", "mesh": "MESH:", "icd10": "ICD10:", "coco": "COCO:"}
EXPORT_SUFFIXES = (".graphml", ".json")


def action_id(text: str) -> str:
    return "action:" + _slug(text)


def source_id(source: Source) -> str:
    return "source:" + _slug(f"{source.org} {source.citation}")


def exclusion_id(guard: Guard) -> str:
    return "exclusion:" + _slug(guard.otherwise)


def _slug(text: str, limit: int = 48) -> str:
    """Readable and stable: the first words, plus a short hash of the whole text."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    head = words[:limit].rstrip("-")
    return f"{head}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def code_ids(codes: Codes) -> list[tuple[str, str]]:
    """(node id, vocabulary) for every code."""
    return [
        (CODE_PREFIXES[system] + code, system) for system in CODE_PREFIXES for code in getattr(codes, system)
    ]


def build_graph(
    rules: dict[str, Rule],
    concepts: dict[str, Concept],
    hpo: HpoHierarchy | None,
    graph_attrs: dict[str, str] | None = None,
) -> nx.MultiDiGraph:
    """Nodes and edges added in sorted order, so two builds of the same packs export identically."""
    import networkx as nx

    g = nx.MultiDiGraph(**(graph_attrs or {}))
    for level, meaning in URGENCY_LEVELS.items():
        g.add_node(level, type="UrgencyLevel", label=f"{level} {meaning}")
    for cid in sorted(concepts):
        c = concepts[cid]
        g.add_node(
            cid,
            type=CONCEPT_NODE_TYPES.get(c.kind, "Concept"),
            label=c.name,
            kind=c.kind,
            synonyms=", ".join(c.synonyms),
        )
    for cid in sorted(concepts):
        for parent in sorted(concepts[cid].is_a):
            g.add_edge(cid, parent, key="IS_A")
        _add_codes(g, cid, concepts[cid].codes, hpo)
    for rid in sorted(rules):
        _add_rule(g, rules[rid], hpo)
    for rid in sorted(rules):
        for old in sorted(rules[rid].supersedes):
            g.add_edge(rid, old, key="SUPERSEDES")
    if hpo is not None:
        for term in sorted(hpo.terms):
            _code_node(g, term, "hpo", hpo)
            for parent in hpo.terms[term].parents:
                _code_node(g, parent, "hpo", hpo)
                g.add_edge(term, parent, key="IS_A")
    return g


def _add_rule(g: nx.MultiDiGraph, rule: Rule, hpo: HpoHierarchy | None) -> None:
    u = rule.urgency
    g.add_node(
        rule.id,
        type="Rule",
        label=rule.title,
        domain=rule.domain,
        status=rule.status,
        version=rule.version,
        indicator=rule.indicator,
        urgency=u.level,
        conclusion=rule.conclusion,
        condition=describe(rule.condition),
        verification=rule.verification,
    )
    for concept in sorted(rule.trigger):
        g.add_edge(rule.id, concept, key="TRIGGERED_BY")
    g.add_edge(rule.id, u.level, key="IMPLIES_URGENCY", native=u.native, scale=u.scale)
    action = action_id(rule.action)
    g.add_node(action, type="Action", label=rule.action)
    g.add_edge(rule.id, action, key="RECOMMENDS")
    src = rule.source
    node = source_id(src)
    g.add_node(node, type="Source", label=f"{src.org}: {src.citation}", org=src.org, citation=src.citation)
    g.add_edge(
        rule.id,
        node,
        key="CITES",
        **{k: v for k, v in (("section", src.section), ("url", src.url), ("doi", src.doi)) if v},
    )
    for guard in rule.applies_to:
        node = exclusion_id(guard)
        g.add_node(node, type="Exclusion", label=guard.otherwise)
        g.add_edge(rule.id, node, key="NOT_APPLICABLE_WHEN", applies_when=describe(guard.when))
    _add_codes(g, rule.id, rule.codes, hpo)


def _add_codes(g: nx.MultiDiGraph, owner: str, codes: Codes, hpo: HpoHierarchy | None) -> None:
    for node, system in code_ids(codes):
        _code_node(g, node, system, hpo)
        g.add_edge(owner, node, key="MAPS_TO")


def _code_node(g: nx.MultiDiGraph, node: str, system: str, hpo: HpoHierarchy | None) -> None:
    if node in g:
        return
    term = hpo.terms.get(node) if hpo is not None and system == "hpo" else None
    g.add_node(node, type="Code", system=system, label=term.name if term else node)


def node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """networkx node-link JSON (``nodes`` / ``edges``), the shape users' tools read."""
    import networkx as nx

    return nx.node_link_data(g, edges="edges")


def export(g: nx.MultiDiGraph, path: Path) -> None:
    """Write ``.graphml`` or node-link ``.json``, chosen by the suffix."""
    import networkx as nx

    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise QueryError(f"graph export writes {' or '.join(EXPORT_SUFFIXES)}, got {path.name!r}")
    if not path.parent.is_dir():
        raise QueryError(f"cannot write {path}: the folder {path.parent} does not exist")
    if suffix == ".graphml":
        nx.write_graphml(g, path)
    else:
        path.write_text(json.dumps(node_link(g), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def counts_by(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))
