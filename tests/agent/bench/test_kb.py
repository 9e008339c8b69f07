"""``argus bench kb`` and ``run_kb_bench``: what they measure and how the synthetic rules are made."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from argus.agent.bench import kb as bench_module
from argus.agent.bench.kb import bench_queries, run_kb_bench, synthetic_texts, synthetic_vectors
from argus.cli import app
from argus.knowledge import KnowledgeBase
from argus.knowledge import vector_index as vector_index_module
from argus.knowledge.embedder import default_embedder
from tests.support import samples

BASE = samples.TEST_DATA / "packs" / "base"


def test_synthetic_texts_are_distinct_and_stable() -> None:
    texts = synthetic_texts(5000, seed=3)
    assert len(set(texts)) == 5000
    assert synthetic_texts(10, seed=3) == texts[:10]
    assert synthetic_texts(10, seed=4) != texts[:10]
    assert len(set(bench_queries(50))) == 50


def test_bad_sizes_are_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["bench", "kb", "--sizes", "ten thousand"])
    assert result.exit_code == 2
    assert "expected whole numbers separated by spaces" in result.output


@pytest.mark.slow
def test_synthetic_vectors_blend_embedded_texts_and_cache_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_module, "BASE_TEXTS", 40)
    embedder = default_embedder()
    vectors, seconds = synthetic_vectors(500, embedder, tmp_path, seed=7)
    assert vectors.shape == (500, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert seconds is not None and len(list(tmp_path.glob("synthetic-*.npy"))) == 1
    again, seconds_again = synthetic_vectors(500, embedder, tmp_path, seed=7)
    assert seconds_again is None and np.array_equal(vectors, again)
    base = np.load(next(tmp_path.glob("synthetic-*.npy")))
    assert base.shape == (40, 384)
    # every blend lies near the embedded texts, not at random points of the sphere
    assert float((vectors @ base.T).max(axis=1).min()) > 0.5


@pytest.mark.slow
def test_run_kb_bench_reports_every_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_index_module, "HNSW_THRESHOLD", 100)
    monkeypatch.setattr(bench_module, "BASE_TEXTS", 60)
    kb = KnowledgeBase.load(shipped_dir=BASE, use_env=False, index_dir=tmp_path / "index")
    lines: list[str] = []
    report = run_kb_bench(
        sizes=(300,), queries=12, cache_dir=tmp_path / "bench", kb=kb, progress=lines.append
    )
    shipped, synthetic = report.sizes
    assert (shipped.rules, shipped.index_type, shipped.synthetic) == (10, "flat-ip", False)
    assert (synthetic.rules, synthetic.index_type, synthetic.synthetic) == (300, "hnsw-ip", True)
    assert synthetic.recall_at_5 is not None and 0.5 <= synthetic.recall_at_5 <= 1.0
    for size in report.sizes:
        assert size.search.n == 12 and 0 < size.search.p50_ms <= size.search.p95_ms
        assert size.end_to_end.p50_ms >= size.search.p50_ms
    assert report.query_embed.p50_ms > 0 and report.kb_search.n == 12
    assert report.explain is not None and report.explained_rules >= 6
    assert report.targets_ms == {"search_shipped_p50": 5.0, "search_100k_p95": 20.0, "explain_p50": 5.0}
    assert any("synthetic 300" in line for line in lines)
    assert "blends of two of 60" in report.synthetic_vectors


@pytest.mark.slow
def test_bench_kb_cli_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARGUS_CACHE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["bench", "kb", "--sizes", "", "--queries", "10", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["synthetic"] for s in data["sizes"]] == [False]
    assert data["sizes"][0]["search"]["n"] == 10 and data["model"] == "sentence-transformers/all-MiniLM-L6-v2"
