"""The embedder: ONNX Runtime vectors equal the sentence-transformers reference, the export in the cache
folder is checked against its manifest, and a missing runtime or a failed export falls back with the
reason in the backend's name."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from argus.knowledge import KnowledgeBase
from argus.knowledge import embedder as embedder_module
from argus.knowledge.embedder import DIMENSION, Embedder
from argus.knowledge.embedding_export import FILES, MIN_EXPORT_COSINE, build, exported_model, verified
from argus.knowledge.retriever import rule_text
from argus.tools.errors import BackendUnavailableError
from argus.tools.runtime import Runtime
from tests.support import samples

MIN_COSINE = 0.999


def queries_200() -> list[str]:
    """The labelled retrieval questions, topped up to 200 with the kb bench's generated questions."""
    from argus.agent.bench.kb import bench_queries

    labelled = [
        q["query"]
        for q in yaml.safe_load((samples.TEST_DATA / "retrieval_queries.yaml").read_text())["queries"]
    ]
    extra = [q for q in bench_queries(200) if q not in labelled]
    return (labelled + extra)[:200]


@pytest.fixture(scope="module")
def export() -> Path:
    """The export every process of this user shares (made here once if the cache has none)."""
    return exported_model()


# --------------------------------------------------------------------------- agreement with the reference


@pytest.mark.slow
def test_onnx_vectors_match_sentence_transformers_on_every_rule_and_200_queries(export) -> None:
    rules = [rule_text(r) for r in KnowledgeBase.load(use_env=False, index_dir=None).rules.values()]
    questions = queries_200()
    assert len(rules) > 100 and len(questions) == 200
    onnx = Embedder(Runtime(device="cpu"), backend="onnxruntime")
    reference = Embedder(Runtime(device="cpu"), backend="sentence-transformers")
    assert onnx.backend == "onnxruntime" and reference.backend == "sentence-transformers"
    for texts in (rules, questions):
        got, want = onnx.encode(texts), reference.encode(texts)
        assert got.shape == want.shape == (len(texts), DIMENSION) and got.dtype == np.float32
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
        cosines = np.sum(got * want, axis=1)
        worst = int(np.argmin(cosines))
        assert cosines[worst] >= MIN_COSINE, (texts[worst], float(cosines[worst]))
    # one query at a time (how a question is asked) gives the vector the batch gave
    single = np.vstack([onnx.encode([q]) for q in questions[:20]])
    assert np.min(np.sum(single * onnx.encode(questions[:20]), axis=1)) >= 0.9999


@pytest.mark.slow
def test_a_text_longer_than_the_model_reads_is_cut_as_the_reference_cuts_it(export) -> None:
    text = "a person stands in the restricted loading dock at night " * 60  # far past 256 word pieces
    onnx = Embedder(Runtime(device="cpu"), backend="onnxruntime").encode([text, "knife"])
    reference = Embedder(Runtime(device="cpu"), backend="sentence-transformers").encode([text, "knife"])
    assert np.min(np.sum(onnx * reference, axis=1)) >= MIN_COSINE


def test_the_default_on_the_cpu_is_onnxruntime(export) -> None:
    embedder = Embedder(Runtime(device="cpu"))
    assert embedder.backend == "onnxruntime" and embedder.device == "cpu"
    vectors = embedder.encode(["a knife on the platform", "   a knife on the platform  "])
    assert vectors.shape == (2, DIMENSION)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-6)  # surrounding spaces do not count
    assert embedder.encode([]).shape == (0, DIMENSION)


# --------------------------------------------------------------------------- the export and its manifest


def test_the_manifest_holds_each_file_checksum(export) -> None:
    manifest = json.loads((export / "manifest.json").read_text())
    assert set(manifest["files"]) == set(FILES)
    assert manifest["check_min_cosine"] >= MIN_EXPORT_COSINE
    from argus.tools.file_io import file_sha256

    for name, entry in manifest["files"].items():
        assert file_sha256(export / name) == entry["sha256"]
    assert verified(export)


def copy_of(export: Path, tmp_path: Path) -> Path:
    folder = tmp_path / export.name
    shutil.copytree(export, folder)
    return folder


def test_a_copy_with_new_times_is_hashed_once_then_trusted(export, tmp_path) -> None:
    folder = copy_of(export, tmp_path)  # copying gives the files new modification times
    before = json.loads((folder / "manifest.json").read_text())
    assert verified(folder)
    after = json.loads((folder / "manifest.json").read_text())
    stamp = (folder / "model.onnx.data").stat()
    assert after["files"]["model.onnx.data"]["mtime_ns"] == stamp.st_mtime_ns
    assert after["files"]["model.onnx.data"]["sha256"] == before["files"]["model.onnx.data"]["sha256"]


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "missing", "bad manifest"])
def test_a_damaged_export_is_not_used(export, tmp_path, damage) -> None:
    folder = copy_of(export, tmp_path)
    assert verified(folder)
    weights = folder / "model.onnx.data"
    if damage == "flipped byte":
        data = bytearray(weights.read_bytes())
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
        os.utime(weights, ns=(1, 1))  # any write moves the time; the bytes are what is checked
    elif damage == "truncated":
        with weights.open("r+b") as fh:
            fh.truncate(1000)
    elif damage == "missing":
        (folder / "tokenizer.json").unlink()
    else:
        (folder / "manifest.json").write_text("{not json")
    assert not verified(folder)


@pytest.mark.slow
def test_an_export_from_scratch_lands_whole_and_is_reused(tmp_path) -> None:
    folder = exported_model(tmp_path)
    assert verified(folder) and sorted(p.name for p in folder.iterdir()) == sorted([*FILES, "manifest.json"])
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left behind
    stamp = (folder / "model.onnx.data").stat().st_mtime_ns
    assert exported_model(tmp_path) == folder and (folder / "model.onnx.data").stat().st_mtime_ns == stamp
    vectors = Embedder(Runtime(device="cpu"), backend="onnxruntime", cache_dir=tmp_path).encode(["knife"])
    assert vectors.shape == (1, DIMENSION)


def test_an_export_that_cannot_be_made_says_why(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("argus.knowledge.embedding_export._present", lambda module: module != "torch")
    with pytest.raises(BackendUnavailableError, match="needs torch"):
        build(tmp_path / "export")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- fallbacks


@pytest.mark.slow
def test_without_onnxruntime_the_reference_runs_and_says_why(monkeypatch) -> None:
    monkeypatch.setattr(embedder_module, "missing_runtime", lambda: ["onnxruntime"])
    embedder = Embedder(Runtime(device="cpu"))
    assert embedder.backend == "sentence-transformers (onnxruntime not installed)"
    assert embedder.encode(["knife"]).shape == (1, DIMENSION)
    with pytest.raises(BackendUnavailableError, match="onnxruntime not installed"):
        Embedder(Runtime(device="cpu"), backend="onnxruntime").load()


@pytest.mark.slow
def test_a_failed_export_falls_back_to_the_reference(monkeypatch) -> None:
    def broken(_root=None):
        raise BackendUnavailableError("exporting the embedding model to ONNX failed (RuntimeError: boom)")

    monkeypatch.setattr(embedder_module, "exported_model", broken)
    embedder = Embedder(Runtime(device="cpu"))
    assert embedder.backend.startswith("sentence-transformers (exporting the embedding model to ONNX failed")
    assert embedder.encode(["knife"]).shape == (1, DIMENSION)


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(
        BackendUnavailableError, match="must be one of auto, onnxruntime, sentence-transformers"
    ):
        Embedder(Runtime(device="cpu"), backend="tensorflow")  # type: ignore[arg-type]
