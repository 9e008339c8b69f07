"""The graph of one question: evidence joined to concepts and facts, and on to the rules that fired.

Edges point the way an explanation reads: evidence (D1, M1, ...) -SUPPORTS-> concept or
``fact:<name>``; concept -IS_A-> the broader concept a rule triggers on; concept -TRIGGERS->
rule; fact -INFORMS-> rule; rule -IMPLIES_URGENCY-> urgency level, -RECOMMENDS-> action,
-CITES-> source. ``explain`` returns the paths from evidence to a conclusion, each ending
with the source the rule cites.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from argus.knowledge.engine import Evaluation, RuleEngine
from argus.knowledge.errors import UnknownRuleError
from argus.knowledge.facts import Facts
from argus.knowledge.graph import action_id, source_id

if TYPE_CHECKING:
    import networkx as nx

_EVIDENCE = re.compile(r"^([A-Z])(\d+)$")


def _order(node: str) -> tuple[int, str, int]:
    m = _EVIDENCE.match(node)
    return (0, m.group(1), int(m.group(2))) if m else (1, node, 0)


class CaseGraph:
    """Built by ``KnowledgeBase.case_graph``; ``graph`` is a small networkx DiGraph."""

    def __init__(
        self, knowledge_graph: nx.MultiDiGraph, engine: RuleEngine, facts: Facts, evaluation: Evaluation
    ) -> None:
        import networkx as nx

        self.knowledge_graph = knowledge_graph
        self.evaluation = evaluation
        self.graph = nx.DiGraph()
        self._add_evaluation(engine, facts, evaluation)

    def _node(self, node: str, **attrs: Any) -> None:
        if node not in self.graph:
            base = dict(self.knowledge_graph.nodes[node]) if node in self.knowledge_graph else {}
            self.graph.add_node(node, **{**base, **attrs})

    def _edge(self, a: str, b: str, relation: str) -> None:
        self.graph.add_edge(a, b, relation=relation)

    def _support(self, node: str, evidence_ids: list[str]) -> None:
        for eid in evidence_ids:
            self._node(eid, type="Evidence", label=eid)
            self._edge(eid, node, "SUPPORTS")

    def _add_evaluation(self, engine: RuleEngine, facts: Facts, evaluation: Evaluation) -> None:
        for fired in evaluation.fired:
            rule = fired.rule
            self._node(rule.id, type="Rule", label=rule.title)
            for present in fired.concepts:
                chain = _chain_to_trigger(engine, present, rule.trigger)
                self._node(present)
                self._support(present, facts.concepts.get(present, []))
                for lower, upper in zip(chain, chain[1:], strict=False):
                    self._node(upper)
                    self._edge(lower, upper, "IS_A")
                self._edge(chain[-1], rule.id, "TRIGGERS")
            for name, value in fired.facts_used.items():
                node = f"fact:{name}"
                self._node(node, type="Fact", label=f"{name} = {value}", value=str(value))
                self._support(node, facts.evidence.get(name, []))
                self._edge(node, rule.id, "INFORMS")
            self._node(rule.urgency.level)
            self._edge(rule.id, rule.urgency.level, "IMPLIES_URGENCY")
            self._node(action_id(rule.action), type="Action", label=rule.action)
            self._edge(rule.id, action_id(rule.action), "RECOMMENDS")
            self._node(
                source_id(rule.source), type="Source", label=f"{rule.source.org}: {rule.source.citation}"
            )
            self._edge(rule.id, source_id(rule.source), "CITES")

    def explain(self, target: str, max_paths: int | None = None) -> list[list[str]]:
        """Paths of node ids from evidence to ``target`` (a rule id, ``U3``, an action, concept or source id).

        A path to a rule goes on to its urgency level and source; a path to an urgency level or
        action runs through each fired rule that implies it, then its source. A known node that
        this case did not reach gives no paths; an unknown one raises UnknownRuleError.
        """
        node = target.strip().removeprefix("R:")
        if node not in self.graph:
            if node in self.knowledge_graph:
                return []
            known = list(self.knowledge_graph.nodes) + list(self.graph.nodes)
            close = difflib.get_close_matches(node, [str(k) for k in known], n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownRuleError(
                f"nothing to explain: {target!r} is not a rule, urgency level, action, concept or source{hint}"
            )
        kind = self.graph.nodes[node].get("type")
        walk = self._paths_to()

        def paths_to(end: str) -> list[list[str]]:
            """Paths that start at evidence first, then those from facts or concepts nobody saw."""
            return sorted(walk(end), key=lambda p: _order(p[0])[0])

        if kind == "Rule":
            rule = self._rule(node)
            out = [p + [rule.urgency.level, source_id(rule.source)] for p in paths_to(node)]
        elif kind in ("UrgencyLevel", "Action"):
            out = []
            for fired in self.evaluation.fired:
                if self.graph.has_edge(fired.rule.id, node):
                    out += [p + [node, source_id(fired.rule.source)] for p in paths_to(fired.rule.id)]
        elif kind == "Source":
            out = [
                p + [node] for rid in sorted(self.graph.predecessors(node), key=_order) for p in paths_to(rid)
            ]
        else:
            out = paths_to(node)
        return [list(p) for p in out[:max_paths]]

    def _rule(self, rule_id: str) -> Any:
        return next(f.rule for f in self.evaluation.fired if f.rule.id == rule_id)

    def _paths_to(self) -> Any:
        graph = self.graph

        @cache
        def paths_to(node: str) -> tuple[list[str], ...]:
            preds = sorted(graph.predecessors(node), key=_order)
            if not preds:
                return ([node],)
            return tuple([*p, node] for pred in preds for p in paths_to(pred))

        return paths_to

    def node_link(self) -> dict[str, Any]:
        import networkx as nx

        return nx.node_link_data(self.graph, edges="edges")


def _chain_to_trigger(engine: RuleEngine, present: str, triggers: list[str]) -> list[str]:
    """The shortest is_a chain from a present concept up to one of the rule's triggers."""
    if present in triggers:
        return [present]
    queue: list[list[str]] = [[present]]
    seen = {present}
    while queue:
        chain = queue.pop(0)
        concept = engine.concepts.get(chain[-1])
        for parent in sorted(concept.is_a) if concept else []:
            if parent in triggers:
                return [*chain, parent]
            if parent not in seen:
                seen.add(parent)
                queue.append([*chain, parent])
    return [present]
