"""``argus bench kb``: index build time, retrieval latency at the shipped size and at 10k / 100k
synthetic rules, and graph explain latency.

Synthetic rules are generated here (never written to a pack) and embedded with the same
model as the real ones, in batches; the embeddings are cached under the cache folder so a
second run skips the slow part. By default 2,048 texts are embedded and larger sets are
blends of those vectors (see ``synthetic_vectors``); ``embed_all`` embeds every text. Query latency is split into the query's embedding and the
index search, because the embedding costs the same at every index size.
"""

from __future__ import annotations

import functools
import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.knowledge.embedder import MODEL_ID, Embedder, default_embedder
from argus.knowledge.knowledge_base import KnowledgeBase
from argus.knowledge.retriever import RuleRetriever, default_index_dir
from argus.knowledge.vector_index import VectorIndex
from argus.knowledge.witness import firing_facts

if TYPE_CHECKING:
    import numpy as np

SYNTHETIC_FORMAT = 1
BASE_TEXTS = 2_048
TARGETS_MS = {"search_shipped_p50": 5.0, "search_100k_p95": 20.0, "explain_p50": 5.0}

Progress = Callable[[str], None]


class Latency(BaseModel):
    p50_ms: float
    p95_ms: float
    n: int


class SizeResult(BaseModel):
    rules: int
    index_type: str
    synthetic: bool
    embed_s: float | None = Field(
        None, description="Embedding the rule texts (None when read from the cache)."
    )
    build_ms: float
    search: Latency = Field(description="Index search with a ready query vector.")
    search_filtered: Latency = Field(description="The same with a filter that keeps about half the rules.")
    end_to_end: Latency = Field(description="Query embedding plus index search, per query.")
    recall_at_5: float | None = Field(None, description="Approximate index against exact search.")


class KbBenchReport(BaseModel):
    model: str
    backend: str = Field(description="What embeds: onnxruntime, or sentence-transformers and why.")
    device: str
    cpu_count: int
    queries: int
    model_load_ms: float
    query_embed: Latency
    kb_search: Latency = Field(
        description="KnowledgeBase.search on the shipped packs, query embedding included."
    )
    sizes: list[SizeResult]
    index_load_ms: float = Field(description="Reading the persisted shipped index back from disk.")
    explain: Latency | None
    case_graph: Latency | None
    explained_rules: int
    synthetic_vectors: str = Field(description="How the synthetic rules' vectors were made.")
    targets_ms: dict[str, float] = TARGETS_MS


def percentiles(samples_ms: Sequence[float]) -> Latency:
    import numpy as np

    arr = np.asarray(samples_ms, dtype=float)
    return Latency(
        p50_ms=round(float(np.percentile(arr, 50)), 4),
        p95_ms=round(float(np.percentile(arr, 95)), 4),
        n=len(arr),
    )


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - start) * 1000


# ------------------------------------------------------------------------------ synthetic text

_SUBJECTS = [
    "a person",
    "a worker",
    "a visitor",
    "a child",
    "two people",
    "a crowd",
    "a car",
    "a truck",
    "a forklift",
    "a bicycle",
    "a backpack",
    "a suitcase",
    "a handbag",
    "a knife",
    "a baseball bat",
    "a dog",
    "a ladder",
    "a pallet",
    "a solid lung nodule",
    "a ground-glass nodule",
    "a part-solid nodule",
    "a pleural effusion",
    "a pneumothorax",
    "free air under the diaphragm",
    "an enlarged heart",
    "an endotracheal tube",
    "a nasogastric tube",
    "a breast mass",
    "calcifications",
    "a rib fracture",
    "consolidation",
    "atelectasis",
]
_PLACES = [
    "in a restricted zone",
    "near the loading dock",
    "in an exit route",
    "at the main gate",
    "on the platform",
    "beside the fence",
    "in the car park",
    "on the roof edge",
    "in the stairwell",
    "in a hard-hat area",
    "on a frontal chest radiograph",
    "on a screening CT",
    "on a lateral view",
    "on a portable AP film",
    "on a mammogram",
    "in the upper lobe",
    "at the lung base",
    "in the waiting room",
    "on the highway shoulder",
]
_WHEN = [
    "at night",
    "during working hours",
    "for more than five minutes",
    "after closing time",
    "on a weekend",
    "in a patient over 35",
    "in a smoker",
    "at baseline screening",
    "on follow-up",
    "with no prior study",
    "with abnormal vital signs",
    "without a helmet",
    "without a high-visibility vest",
    "while it is raining",
]
_ACTIONS = [
    "raise an alert",
    "notify the supervisor",
    "flag it for human review",
    "schedule a follow-up CT",
    "call the treating clinician",
    "clear the area",
    "log it for the daily report",
    "check on the person",
    "ask for a calibrated camera",
    "compare with prior images",
    "recommend tissue sampling",
    "do nothing",
]


def synthetic_texts(count: int, seed: int = 0) -> list[str]:
    """``count`` distinct rule-like sentences; the first n are the same for any count >= n."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        s, p, w, a = rng.choice(_SUBJECTS), rng.choice(_PLACES), rng.choice(_WHEN), rng.choice(_ACTIONS)
        size = rng.randint(2, 40)
        out.append(f"Synthetic rule {i}: {s} of {size} mm or {size} m {p} {w}; {a}.")
    return out


def synthetic_vectors(
    count: int,
    embedder: Embedder,
    cache_dir: Path | None,
    seed: int = 0,
    embed_all: bool = False,
    progress: Progress | None = None,
) -> tuple[np.ndarray, float | None]:
    """Vectors for ``count`` synthetic rules, and the seconds spent embedding (None: all from the cache).

    With ``embed_all`` every one of ``synthetic_texts(count)`` is embedded (about 150 texts/s on
    two CPU cores, so 100k takes over ten minutes the first time). Otherwise ``BASE_TEXTS`` texts
    are embedded and each synthetic rule is a unit-length blend of two of them plus a little
    noise: vectors that lie where rule embeddings lie, at any count, in seconds.
    """
    import numpy as np

    rows = count if embed_all else min(count, BASE_TEXTS)
    base, seconds = _embedded_texts(rows, embedder, cache_dir, seed, progress)
    if rows == count:
        return base, seconds
    rng = np.random.default_rng(seed)
    a = rng.integers(0, rows, count)
    b = rng.integers(0, rows, count)
    weight = rng.uniform(0.2, 0.5, (count, 1)).astype(np.float32)
    vectors = (1 - weight) * base[a] + weight * base[b]
    vectors += rng.normal(0, 0.01, vectors.shape).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors, dtype=np.float32), seconds


def _embedded_texts(
    count: int, embedder: Embedder, cache_dir: Path | None, seed: int, progress: Progress | None
) -> tuple[np.ndarray, float | None]:
    """Embeddings of ``synthetic_texts(count)``, from the cache when it holds enough rows."""
    import numpy as np

    path = cache_dir / f"synthetic-v{SYNTHETIC_FORMAT}-seed{seed}.npy" if cache_dir else None
    if path is not None and path.is_file():
        cached = np.load(path, mmap_mode="r")
        if cached.shape[0] >= count and cached.shape[1] == embedder.dimension:
            return np.ascontiguousarray(cached[:count], dtype=np.float32), None
    texts = synthetic_texts(count, seed)
    start = time.perf_counter()
    chunks = []
    step = 1024
    for i in range(0, count, step):
        chunks.append(embedder.encode(texts[i : i + step], batch_size=128))
        if progress:
            progress(f"embedded {min(i + step, count):,}/{count:,} synthetic rule texts")
    vectors = np.concatenate(chunks)
    seconds = time.perf_counter() - start
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.npy")
        np.save(tmp, vectors)
        os.replace(tmp, path)
    return vectors, seconds


def bench_queries(count: int, seed: int = 1) -> list[str]:
    """Distinct questions in the style users ask, for latency runs."""
    rng = random.Random(seed)
    forms = [
        "is {s} {p} a problem {w}?",
        "what should happen when there is {s} {p}?",
        "{s} {p} {w}, what next?",
        "do we need to {a} for {s} {p}?",
        "which rule covers {s} {p}?",
    ]
    out: list[str] = []
    while len(out) < count:
        text = rng.choice(forms).format(
            s=rng.choice(_SUBJECTS), p=rng.choice(_PLACES), w=rng.choice(_WHEN), a=rng.choice(_ACTIONS)
        )
        if text not in out:
            out.append(text)
    return out


# ------------------------------------------------------------------------------ the run


def run_kb_bench(
    sizes: Sequence[int] = (10_000, 100_000),
    queries: int = 200,
    seed: int = 0,
    cache_dir: Path | None = None,
    kb: KnowledgeBase | None = None,
    embed_all: bool = False,
    progress: Progress | None = None,
) -> KbBenchReport:
    """Measure everything ``argus bench kb`` prints; ``progress`` receives a line per step."""
    import numpy as np

    say = progress or (lambda _msg: None)
    cache_dir = cache_dir or default_index_dir().parent / "bench"
    embedder = default_embedder()
    _, model_load_ms = _timed(embedder.load)
    say(f"embedding model loaded in {model_load_ms:.0f} ms")
    kb = kb or KnowledgeBase.load()
    rules = list(kb.rules.values())
    texts = bench_queries(queries)
    qvecs, embed_ms = [], []
    for q in texts:
        vec, ms = _timed(functools.partial(embedder.encode, [q]))
        qvecs.append(vec)
        embed_ms.append(ms)
    query_matrix = np.concatenate(qvecs)
    say(f"embedded {queries} queries")

    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="argus-bench-") as tmp:
        retriever = RuleRetriever(rules, [s.sha256 for s in kb.sources], Path(tmp), embedder)
        _, build_ms = _timed(retriever.index)
        fresh = RuleRetriever(rules, [s.sha256 for s in kb.sources], Path(tmp), embedder)
        _, index_load_ms = _timed(fresh.index)
        kb_search = []
        for q in texts:
            embedder.clear_query_cache()
            kb_search.append(_timed(functools.partial(retriever.search, q, k=5))[1])
        vectors = (
            np.stack([retriever.index().index.reconstruct(i) for i in range(len(rules))]) if rules else None
        )
        results.append(
            _measure(retriever.index(), query_matrix, embed_ms, len(rules), False, None, build_ms, vectors)
        )
    say(f"shipped packs: {len(rules)} rules")

    for size in sorted(sizes):
        say(f"synthetic {size:,}: making vectors (embeddings are cached after the first run)")
        vectors, embed_s = synthetic_vectors(size, embedder, cache_dir, seed, embed_all, progress=say)
        index, build_ms = _timed(functools.partial(VectorIndex.build, vectors))
        results.append(_measure(index, query_matrix, embed_ms, size, True, embed_s, build_ms, vectors))
        say(f"synthetic {size:,}: {index.kind} built in {build_ms / 1000:.1f} s")

    explain, case, explained = _explain_latency(kb)
    return KbBenchReport(
        model=MODEL_ID,
        backend=embedder.backend,
        device=embedder.device,
        cpu_count=os.cpu_count() or 1,
        queries=queries,
        model_load_ms=round(model_load_ms, 1),
        query_embed=percentiles(embed_ms),
        kb_search=percentiles(kb_search),
        sizes=results,
        index_load_ms=round(index_load_ms, 2),
        explain=explain,
        case_graph=case,
        explained_rules=explained,
        synthetic_vectors=(
            "every synthetic rule text embedded"
            if embed_all
            else f"blends of two of {BASE_TEXTS:,} embedded synthetic rule texts, plus noise"
        ),
    )


def _measure(
    index: VectorIndex,
    queries: np.ndarray,
    embed_ms: list[float],
    size: int,
    synthetic: bool,
    embed_s: float | None,
    build_ms: float,
    vectors: np.ndarray | None,
) -> SizeResult:
    import numpy as np

    plain, filtered, total = [], [], []
    half = np.arange(0, size, 2, dtype=np.int64)
    for i in range(len(queries)):
        q = queries[i : i + 1]
        ms = _timed(functools.partial(index.search, q, 5))[1]
        plain.append(ms)
        total.append(ms + embed_ms[i])
        filtered.append(_timed(functools.partial(index.search, q, 5, half, filter_key="half"))[1])
    recall = None
    if index.kind != "flat-ip" and vectors is not None:
        exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :5]
        found = [{r for r, _ in index.search(queries[i : i + 1], 5)} for i in range(len(queries))]
        recall = round(float(np.mean([len(found[i] & set(exact[i])) / 5 for i in range(len(queries))])), 4)
    return SizeResult(
        rules=size,
        index_type=index.kind,
        synthetic=synthetic,
        embed_s=round(embed_s, 1) if embed_s is not None else None,
        build_ms=round(build_ms, 1),
        search=percentiles(plain),
        search_filtered=percentiles(filtered),
        end_to_end=percentiles(total),
        recall_at_5=recall,
    )


def _explain_latency(kb: KnowledgeBase) -> tuple[Latency | None, Latency | None, int]:
    """Build the case graph and explain the top rule, for every active rule that example facts can fire."""
    kb.graph  # noqa: B018 - built once, outside the timings
    explain_ms, case_ms, explained = [], [], 0
    for rule in kb.rules.values():
        if rule.status != "active":
            continue
        facts = firing_facts(rule, ("D1", "D2", "D3"))
        if facts is None:
            continue
        evaluation = kb.evaluate(facts)
        if rule.id not in {f.rule.id for f in evaluation.fired}:
            continue
        case, ms = _timed(functools.partial(kb.case_graph, facts, evaluation))
        case_ms.append(ms)
        paths, ms = _timed(functools.partial(case.explain, rule.id))
        explain_ms.append(ms)
        explained += 1 if paths else 0
    if not explain_ms:
        return None, None, 0
    return percentiles(explain_ms), percentiles(case_ms), explained
