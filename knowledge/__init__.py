"""Knowledge: sourced rule packs, a knowledge graph, FAISS rule retrieval and a rule engine.

    from argus.knowledge import KnowledgeBase, Facts
    kb = KnowledgeBase.load()
    evaluation = kb.evaluate(Facts(values={"label.knife.count": 1}, concepts={"coco:knife": ["D1"]}))
    kb.case_graph(facts, evaluation).explain(evaluation.top.rule.id)

Importing this package reads no pack and loads no model.
"""

from argus.knowledge.engine import Abstention, Evaluation, FiredRule, NotMet, Undetermined
from argus.knowledge.errors import KnowledgeError, PackProblem, QueryError, RulePackError, UnknownRuleError
from argus.knowledge.facts import Facts
from argus.knowledge.knowledge_base import KnowledgeBase
from argus.knowledge.retriever import RuleHit

__all__ = [
    "Abstention",
    "Evaluation",
    "Facts",
    "FiredRule",
    "KnowledgeBase",
    "KnowledgeError",
    "NotMet",
    "PackProblem",
    "QueryError",
    "RuleHit",
    "RulePackError",
    "Undetermined",
    "UnknownRuleError",
]
