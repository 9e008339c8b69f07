"""Rule retrieval: FAISS search with filters, the persisted index and its manifest, and bad queries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from argus.knowledge import KnowledgeBase, QueryError
from argus.knowledge import retriever as retriever_module
from argus.knowledge import vector_index as vector_index_module
from argus.knowledge.embedder import DIMENSION, MODEL_ID
from argus.knowledge.vector_index import VectorIndex
from tests.support import samples

BASE = samples.TEST_DATA / "packs" / "base"


def load(index_dir: Path, shipped: Path = BASE) -> KnowledgeBase:
    return KnowledgeBase.load(shipped_dir=shipped, use_env=False, index_dir=index_dir)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(tmp_path_factory.mktemp("index"))


def changed_packs(tmp_path: Path) -> Path:
    """A copy of the fixture packs with one rule's retrieval text changed."""
    folder = tmp_path / "packs"
    shutil.copytree(BASE, folder)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text().replace("Logging of bladed objects", "Recording of bladed objects"))
    return folder


# --------------------------------------------------------------------------- bad queries (no model needed)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"query": "   "}, "empty query"),
        ({"query": "x" * 2001}, "up to 2,000 characters, got 2,001"),
        ({"query": "knife", "k": 0}, "k must be a whole number from 1 to 100, got 0"),
        ({"query": "knife", "k": 101}, "got 101"),
        ({"query": "knife", "k": True}, "got True"),
        (
            {"query": "knife", "domain": "finance"},
            "domain must be one of medical, security, general, got 'finance'",
        ),
        (
            {"query": "knife", "status": ("live",)},
            "status must be some of active, draft, retired, got \\['live'\\]",
        ),
        ({"query": "knife", "status": ()}, "status must be some of"),
    ],
)
def test_bad_search_arguments_are_refused_before_any_model_loads(
    tmp_path: Path, kwargs: dict, message: str
) -> None:
    kb = load(tmp_path)
    with pytest.raises(QueryError, match=message):
        kb.search(**kwargs)
    assert kb.retriever._index is None


def test_a_filter_nothing_passes_returns_no_hits_without_building(tmp_path: Path) -> None:
    kb = load(tmp_path)
    assert kb.search("knife", domain="medical", status=("retired",)) == []
    assert kb.retriever._index is None and not kb.retriever.is_built()


# --------------------------------------------------------------------------- vector index (faiss only)


def unit(rows: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(rows, 32)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat-ip", "hnsw-ip"])
def test_filtered_search_returns_only_allowed_rows_and_k_of_them(kind: str) -> None:
    vectors = unit(3000)
    index = VectorIndex.build(vectors, kind)
    allowed = np.array([5, 17, 2999], dtype=np.int64)
    hits = index.search(vectors[17:18], 3, allowed)
    assert sorted(r for r, _ in hits) == [5, 17, 2999]
    assert hits[0][0] == 17 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert len(index.search(vectors[:1], 10, allowed)) == 3  # fewer allowed than k
    wide = np.arange(0, 3000, 2, dtype=np.int64)
    assert all(r % 2 == 0 for r, _ in index.search(vectors[1:2], 10, wide, filter_key="even"))


def test_index_kind_follows_the_size_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    assert vector_index_module.kind_for(5000) == "flat-ip"
    assert vector_index_module.kind_for(5001) == "hnsw-ip"
    monkeypatch.setattr(vector_index_module, "HNSW_THRESHOLD", 3)
    assert vector_index_module.kind_for(4) == "hnsw-ip"


# --------------------------------------------------------------------------- search with the real embedder


@pytest.mark.slow
def test_search_finds_the_rule_a_user_means(kb: KnowledgeBase) -> None:
    hits = kb.search("someone is holding a knife, should security be alerted?", k=3)
    assert hits[0].rule.id == "TST-KNIFE-01"
    assert [h.rank for h in hits] == [1, 2, 3]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert 0 < hits[0].score <= 1
    nodule = kb.search("what follow-up for a 7 mm solid lung nodule found by chance?", k=1)
    assert nodule[0].rule.id == "TST-NODULE-01"


@pytest.mark.slow
def test_search_filters_by_domain_and_status_and_still_returns_k(kb: KnowledgeBase) -> None:
    medical = kb.search("knife", k=4, domain="medical")
    assert len(medical) == 4 and {h.rule.domain for h in medical} == {"medical"}
    assert {h.rule.status for h in kb.search("knife", k=10)} == {"active"}
    assert [h.rule.id for h in kb.search("an unverified draft about knives", k=1, status=("draft",))] == [
        "TST-DRAFT-01"
    ]
    everything = kb.search("knife", k=100, status=("active", "draft", "retired"))
    assert len(everything) == len(kb.rules)


@pytest.mark.slow
def test_index_is_persisted_with_a_manifest_and_reused(kb: KnowledgeBase) -> None:
    kb.search("knife", k=1)
    folder = kb.retriever.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model"] == MODEL_ID and manifest["dimension"] == DIMENSION
    assert manifest["index_type"] == "flat-ip" and manifest["rule_ids"] == sorted(kb.rules)
    assert manifest["pack_sha256"] == [s.sha256 for s in kb.sources]
    again = load(kb.index_dir)
    again.search("knife", k=1)
    assert again.retriever.build_ms is None, "an unchanged pack set must not be re-embedded"
    assert again.retriever.is_built()


@pytest.mark.slow
def test_changed_pack_rebuilds_and_a_crash_mid_build_leaves_the_old_index_usable(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.search("knife", k=1)
    old_folder = kb.retriever.folder
    packs = changed_packs(tmp_path)

    def power_cut(*_: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(retriever_module, "_fsync", power_cut)  # dies after writing, before the rename
    changed = load(kb.index_dir, packs)
    assert changed.retriever.key != kb.retriever.key
    with pytest.raises(RuntimeError, match="power cut"):
        changed.search("knife", k=1)
    monkeypatch.undo()
    assert not changed.retriever.folder.exists()
    assert list(kb.index_dir.glob(".build-*")), "the half-written build stays aside, never in place"
    assert old_folder.is_dir()

    old = load(kb.index_dir)
    assert old.search("knife", k=1)[0].rule.id == "TST-KNIFE-01"
    assert old.retriever.build_ms is None  # the old index was read back, not rebuilt

    rebuilt = load(kb.index_dir, packs)
    hits = rebuilt.search("recording of bladed objects for the shift report", k=1)
    assert hits[0].rule.id == "TST-AAA-01"
    assert rebuilt.retriever.build_ms is not None and rebuilt.retriever.is_built()


@pytest.mark.slow
def test_corrupt_index_file_is_rebuilt(tmp_path: Path) -> None:
    kb = load(tmp_path)
    kb.search("knife", k=1)
    (kb.retriever.folder / "index.faiss").write_bytes(b"not a faiss index")
    again = load(tmp_path)
    assert again.search("knife", k=1)[0].rule.id == "TST-KNIFE-01"
    assert again.retriever.build_ms is not None


@pytest.mark.slow
def test_hnsw_index_above_the_threshold_filters_correctly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vector_index_module, "HNSW_THRESHOLD", 3)
    kb = load(tmp_path)
    assert kb.retriever.kind == "hnsw-ip"
    hits = kb.search("collapsed lung on a chest X-ray", k=2, domain="medical")
    assert hits[0].rule.id == "TST-PTX-01" and {h.rule.domain for h in hits} == {"medical"}
    manifest = json.loads((kb.retriever.folder / "manifest.json").read_text())
    assert manifest["index_type"] == "hnsw-ip"


@pytest.mark.slow
def test_a_repeated_query_is_embedded_once(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = kb.retriever.embedder
    first = kb.search("bag left near the restricted zone", k=2)
    calls: list[list[str]] = []
    real = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts, **kw: calls.append(texts) or real(texts, **kw))
    assert kb.search("bag left near the restricted zone", k=2) == first
    assert calls == []


@pytest.mark.slow
def test_concurrent_first_searches_build_the_index_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    kb = load(tmp_path)
    builds: list[int] = []
    real = kb.retriever._build
    monkeypatch.setattr(kb.retriever, "_build", lambda: builds.append(1) or real())
    with ThreadPoolExecutor(4) as pool:
        tops = list(pool.map(lambda q: kb.search(q, k=1)[0].rule.id, ["knife"] * 4))
    assert tops == ["TST-KNIFE-01"] * 4 and builds == [1]
