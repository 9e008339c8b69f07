"""The rule engine: three-valued conditions, guards, triggers, statuses, supersedes and the top urgency."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from argus.knowledge import Facts, KnowledgeBase, QueryError
from argus.knowledge.engine import check, describe, reasons
from argus.knowledge.schema import Rule
from argus.knowledge.witness import firing_facts
from tests.support import samples

BASE = samples.TEST_DATA / "packs" / "base"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(shipped_dir=BASE, use_env=False)


def nodule_facts(**values: object) -> Facts:
    base = {
        "patient.age": 60,
        "patient.context": "incidental",
        "nodule.type": "solid",
        "nodule.size_mm": 7,
        "nodule.multiple": False,
    }
    base.update(values)
    return Facts(
        values={k: v for k, v in base.items() if v is not None},
        evidence={"nodule.size_mm": ["X1"], "nodule.type": ["X1"]},
        concepts={"finding:pulmonary_nodule": ["X1"]},
    )


def ids(items: list) -> list[str]:
    return [x.rule.id for x in items]


# --------------------------------------------------------------------------- conditions


def cond(data: dict) -> object:
    return Rule.model_validate(
        {
            "id": "TST-C-01",
            "version": "1",
            "status": "active",
            "domain": "general",
            "title": "condition holder",
            "trigger": ["coco:person"],
            "condition": data,
            "conclusion": "holder rule",
            "action": "none",
            "urgency": {"level": "U0", "native": "n", "scale": "s"},
            "indicator": "info",
            "source": {"org": "o", "citation": "c", "section": "s"},
            "retrieval_text": "a holder for one condition in a test",
            "verification": "V",
        }
    ).condition


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ({"fact": "nodule.size_mm", "gte": 6}, {"nodule.size_mm": 6}, True),
        ({"fact": "nodule.size_mm", "gt": 6}, {"nodule.size_mm": 6}, False),
        ({"fact": "nodule.size_mm", "lt": 6}, {}, None),  # absent: unknown, never false
        ({"fact": "nodule.size_mm", "lt": 6}, {"nodule.size_mm": "small"}, None),  # text is not comparable
        ({"fact": "nodule.size_mm", "lt": 6}, {"nodule.size_mm": True}, None),  # nor is a bool
        ({"fact": "nodule.multiple", "eq": True}, {"nodule.multiple": 1}, False),  # 1 is not true
        ({"fact": "birads.category", "in": ["4A", "4B"]}, {"birads.category": "4B"}, True),
        ({"fact": "birads.category", "not_in": ["4A", "4B"]}, {"birads.category": "3"}, True),
        ({"fact": "nodule.size_mm", "exists": False}, {}, True),
        ({"fact": "nodule.size_mm", "exists": True}, {}, False),
        ({"fact": "image.body_part", "contains": "CHEST"}, {"image.body_part": "CHEST PA"}, True),
        ({"not": {"fact": "nodule.multiple", "eq": True}}, {}, None),
        ({"not": {"fact": "nodule.multiple", "eq": True}}, {"nodule.multiple": False}, True),
        # Kleene logic: one false decides `all`, one true decides `any`, whatever is unknown
        (
            {"all": [{"fact": "time.hour", "gte": 23}, {"fact": "zone.restricted.count", "gt": 0}]},
            {"time.hour": 2},
            False,
        ),
        (
            {"all": [{"fact": "time.hour", "lte": 5}, {"fact": "zone.restricted.count", "gt": 0}]},
            {"time.hour": 2},
            None,
        ),
        (
            {"any": [{"fact": "time.hour", "lte": 5}, {"fact": "zone.restricted.count", "gt": 0}]},
            {"time.hour": 2},
            True,
        ),
        (
            {"any": [{"fact": "time.hour", "gte": 23}, {"fact": "zone.restricted.count", "gt": 0}]},
            {"time.hour": 2},
            None,
        ),
    ],
)
def test_three_valued_conditions(condition: dict, values: dict, expected: bool | None) -> None:
    assert check(cond(condition), values) is expected


def test_describe_and_reasons_read_like_the_condition() -> None:
    c = cond(
        {"all": [{"fact": "nodule.size_mm", "gte": 6}, {"not": {"fact": "nodule.multiple", "eq": True}}]}
    )
    assert describe(c) == "(nodule.size_mm >= 6 and not (nodule.multiple = true))"
    assert reasons(c, {"nodule.size_mm": 7, "nodule.multiple": False}, True) == [
        "nodule.size_mm = 7 (meets nodule.size_mm >= 6)",
        "nodule.multiple = false (fails nodule.multiple = true)",
    ]


# --------------------------------------------------------------------------- evaluate


def test_nodule_rule_fires_with_reason_facts_and_evidence(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(nodule_facts())
    assert ids(ev.fired) == ["TST-NODULE-01"]
    fired = ev.fired[0]
    assert fired.evidence == ["X1"]
    assert fired.facts_used == {
        "patient.age": 60,
        "patient.context": "incidental",
        "nodule.type": "solid",
        "nodule.size_mm": 7,
        "nodule.multiple": False,
    }
    assert "nodule.size_mm = 7 (meets nodule.size_mm >= 6)" in fired.why
    assert fired.why.startswith("A single solid nodule of 6-8 mm")
    assert ev.top is fired and ev.urgency is not None and ev.urgency.level == "U1"


def test_superseded_rule_never_fires(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(nodule_facts(**{"nodule.size_mm": 12}))
    assert "TST-NODULE-09" not in ids(ev.fired) + ids(ev.not_met) + ids(ev.undetermined)
    assert ids(ev.not_met) == ["TST-NODULE-01"]
    assert "nodule.size_mm = 12 (fails nodule.size_mm <= 8)" in ev.not_met[0].why
    assert ev.top is None and ev.urgency is None


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"patient.age": 30}, "adults aged 35 or older"),
        ({"patient.context": "screening"}, "only to incidental nodules"),
    ],
)
def test_guard_that_fails_makes_the_rule_abstain_with_its_reason(
    kb: KnowledgeBase, values: dict, reason: str
) -> None:
    ev = kb.evaluate(nodule_facts(**values))
    assert ids(ev.abstained) == ["TST-NODULE-01"]
    assert reason in ev.abstained[0].reason
    assert not ev.fired


def test_missing_fact_is_undetermined_not_false(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(nodule_facts(**{"nodule.size_mm": None}))
    assert not ev.fired and not ev.not_met
    [und] = ev.undetermined
    assert und.rule.id == "TST-NODULE-01" and und.missing == ["nodule.size_mm"]
    assert "nodule.size_mm is not known" in und.reason


def test_unknown_guard_fact_is_undetermined(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(nodule_facts(**{"patient.age": None}))
    [und] = ev.undetermined
    assert und.missing == ["patient.age"] and "whether the rule applies" in und.reason


def test_uncomparable_fact_is_undetermined_and_says_why(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(nodule_facts(**{"nodule.size_mm": "about seven"}))
    [und] = ev.undetermined
    assert "nodule.size_mm is 'about seven', which the test cannot compare" in und.reason


def test_only_triggered_rules_are_considered(kb: KnowledgeBase) -> None:
    facts = nodule_facts()
    ev = kb.evaluate(Facts(values=facts.values, evidence=facts.evidence, concepts={}))
    assert not (ev.fired or ev.abstained or ev.undetermined or ev.not_met)


def test_child_concept_wakes_rules_on_its_parent_and_chest_guards_abstain(kb: KnowledgeBase) -> None:
    facts = Facts(
        values={
            "finding.pneumothorax.present": True,
            "finding.tension_pneumothorax.present": True,
            "image.modality": "CR",
            "image.view": "LATERAL",
        },
        concepts={"finding:tension_pneumothorax": ["X2"]},
    )
    ev = kb.evaluate(facts)
    assert ids(ev.fired) == ["TST-PTX-02"]
    assert ev.fired[0].concepts == ["finding:tension_pneumothorax"]
    assert ev.fired[0].evidence == ["X2"]
    [abst] = ev.abstained
    assert abst.rule.id == "TST-PTX-01" and "frontal views only" in abst.reason
    assert ev.urgency.level == "U4"


def test_top_ties_break_on_indicator_then_rule_id(kb: KnowledgeBase) -> None:
    facts = Facts(
        values={"label.knife.count": 1},
        evidence={"label.knife.count": ["D3"]},
        concepts={"coco:knife": ["D3"]},
    )
    ev = kb.evaluate(facts)
    # both U3; TST-KNIFE-01 is critical, TST-AAA-01 only a warning though its id sorts first
    assert ids(ev.fired) == ["TST-KNIFE-01", "TST-AAA-01"]
    assert ev.top.rule.id == "TST-KNIFE-01"


def test_drafts_fire_only_when_asked_and_retired_rules_never(kb: KnowledgeBase) -> None:
    facts = Facts(values={"label.knife.count": 2}, concepts={"coco:knife": ["D1"]})
    assert "TST-DRAFT-01" not in ids(kb.evaluate(facts).fired)
    with_drafts = kb.evaluate(facts, include_drafts=True)
    assert with_drafts.top.rule.id == "TST-DRAFT-01"  # U4 outranks U3
    assert "TST-RETIRED-01" not in ids(with_drafts.fired)


def test_domain_keeps_its_rules_and_the_general_ones(kb: KnowledgeBase) -> None:
    facts = Facts(
        values={"label.person.count": 2, "finding.tension_pneumothorax.present": True},
        concepts={"coco:person": ["D1", "D2"], "finding:pneumothorax": ["X1"]},
    )
    assert ids(kb.evaluate(facts, domain="security").fired) == ["TST-GEN-01"]
    assert ids(kb.evaluate(facts, domain="medical").fired) == ["TST-PTX-02", "TST-GEN-01"]
    assert ids(kb.evaluate(facts).fired) == ["TST-PTX-02", "TST-GEN-01"]


def test_night_zone_rule_uses_any_branch(kb: KnowledgeBase) -> None:
    facts = Facts(
        values={"zone.restricted.person.count": 1, "time.hour": 2},
        evidence={"zone.restricted.person.count": ["Z1"]},
        concepts={"zone:restricted": ["Z1"]},
    )
    [fired] = kb.evaluate(facts).fired
    assert fired.rule.id == "TST-ZONE-01" and fired.evidence == ["Z1"]
    assert "time.hour = 2 (meets time.hour <= 5)" in fired.why
    assert "time.hour >= 23" not in fired.why


def test_unknown_concepts_are_listed(kb: KnowledgeBase) -> None:
    ev = kb.evaluate(Facts(values={}, concepts={"coco:unicorn": ["D1"]}))
    assert ev.unknown_concepts == ["coco:unicorn"]


def test_evaluate_loads_no_heavy_library(kb: KnowledgeBase) -> None:
    kb.evaluate(nodule_facts())
    # other tests in this process may have loaded them; what matters is evaluate never needs them
    assert kb._graph is None and kb.retriever._index is None


# --------------------------------------------------------------------------- facts input


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"values": {"Label.Person": 1}}, "dotted lower-case"),
        ({"values": {"weather.rain": True}}, "outside the known namespaces"),
        ({"values": {"label.person.count": [1, 2]}}, "label.person.count"),
        ({"values": {}, "concepts": {"person": ["D1"]}}, "concept ids look like"),
        ({"values": {}, "concepts": {"coco:person": ["d1"]}}, "evidence ids"),
        ({"values": {}, "extra": 1}, "extra"),
    ],
)
def test_bad_facts_are_refused(kb: KnowledgeBase, payload: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Facts.model_validate(payload)
    with pytest.raises(QueryError, match=message):
        kb.evaluate(payload)


def test_bad_domain_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(QueryError, match="domain must be one of medical, security, general, got 'finance'"):
        kb.evaluate(nodule_facts(), domain="finance")


def test_every_fixture_rule_that_can_fire_does_so_from_example_facts(kb: KnowledgeBase) -> None:
    for rule in kb.rules.values():
        if rule.status != "active" or rule.id in kb.engine.superseded:
            continue
        facts = firing_facts(rule)
        assert facts is not None, rule.id
        assert rule.id in ids(kb.evaluate(facts).fired), rule.id


def test_shipped_active_rules_fire_from_example_facts() -> None:
    """A check of the engine over every shipped condition shape; a rule no facts can fire is reported."""
    shipped = KnowledgeBase.load(use_env=False)
    unreachable = []
    for rule in shipped.rules.values():
        if rule.status != "active" or rule.id in shipped.engine.superseded:
            continue
        facts = firing_facts(rule)
        if facts is None or rule.id not in ids(shipped.evaluate(facts).fired):
            unreachable.append(rule.id)
    assert len(unreachable) <= len(shipped.rules) // 10, unreachable


def test_module_import_stays_light() -> None:
    import subprocess

    code = "import sys, knowledge; print(sorted(m for m in ('torch', 'faiss', 'networkx', 'sentence_transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_evaluation_dump_carries_the_urgency_for_json_consumers(kb: KnowledgeBase) -> None:
    data = kb.evaluate(nodule_facts()).model_dump(mode="json")
    assert data["urgency"] == {"level": "U1", "native": "CT 6-12 months", "scale": "Fleischner 2017"}
    assert data["top"]["rule"]["id"] == "TST-NODULE-01"
    assert data["fired"][0]["rule"]["condition"]["all"][0] == {"fact": "nodule.type", "eq": "solid"}
