"""``argus bench tools``: what each tool costs, and what our wrapper adds to the raw library call.

For every tool and every backend that can run here it measures, on the same images: the cold
first call (model load included) and the registry's load time, warm latency p50/p95 with the
result cache cleared before each call, the raw backend call on the same input (interleaved with
ours so both see the same machine), the ratio of the two, batch images/s through ``run_batch``,
the cache-hit latency, and the resident memory the loaded model added.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argus.tools import TOOLS, get_tool
from argus.tools.image_io import LoadedImage, load_image
from argus.tools.runtime import Runtime

# annotate writes files and has no model: it is timed by the tests' use, not here.
SKIP = ("annotate",)


@dataclass
class ToolBenchRow:
    tool: str
    backend: str
    device: str
    cold_ms: float
    load_ms: float | None
    warm_p50_ms: float
    warm_p95_ms: float
    raw_p50_ms: float
    overhead_ratio: float
    batch_images_per_s: float
    cache_hit_ms: float
    rss_added_mb: float | None
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def default_images() -> list[Path]:
    from argus.tools.base import package_sample

    assets = package_sample("ultralytics", "assets")
    data = package_sample("skimage", "data")
    return [assets / "bus.jpg", assets / "zidane.jpg", data / "coins.png", data / "page.png"]


def bench_tools(
    image_paths: list[Path] | None = None,
    runs: int = 10,
    tools: list[str] | None = None,
    runtime: Runtime | None = None,
) -> list[ToolBenchRow]:
    runtime = runtime or Runtime(device="auto")
    images = [load_image(p) for p in (image_paths or default_images())]
    rows: list[ToolBenchRow] = []
    for name in tools or [t for t in TOOLS if t not in SKIP]:
        tool = get_tool(name, runtime)
        for backend in tool.backends():
            if not backend.availability().available:
                continue
            args = _args_for(tool, backend.name, images[0])
            if args is None:
                continue
            rows.append(_bench_one(tool, backend, args, images, runs, runtime))
    return rows


def _args_for(tool: Any, backend_name: str, image: LoadedImage) -> dict[str, Any] | None:
    """Arguments that make the tool use this backend, or None when the Input cannot choose it (then only
    the backend the tool picks by itself is measured)."""
    fields = tool.Input.model_fields
    if "backend" in fields:
        return {"backend": backend_name}
    return {} if tool.select_backend(tool.parse_args({}), image).name == backend_name else None


def _bench_one(
    tool: Any, backend: Any, args: dict[str, Any], images: list[LoadedImage], runs: int, runtime: Runtime
) -> ToolBenchRow:
    parsed = tool.parse_args(args)
    runtime.cache.clear()
    start = time.perf_counter()
    tool(images[0], parsed)
    cold = (time.perf_counter() - start) * 1000
    record = runtime.models.records.get(backend.registry_key)
    ours: list[float] = []
    raw: list[float] = []
    hits: list[float] = []
    note = ""
    for _ in range(runs):
        for image in images:
            runtime.cache.clear()
            t0 = time.perf_counter()
            tool(image, parsed)
            ours.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            tool(image, parsed)
            hits.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            backend.raw_call(image)
            raw.append((time.perf_counter() - t0) * 1000)
    runtime.cache.clear()
    batch = images * max(1, 8 // len(images))
    t0 = time.perf_counter()
    tool.run_batch(batch, parsed)
    batch_s = time.perf_counter() - t0
    runtime.cache.clear()
    raw_total = sum(raw)
    if raw_total <= 0:
        note = "raw call too fast to time"
    return ToolBenchRow(
        tool=tool.name,
        backend=backend.name,
        device=backend.device(),
        cold_ms=round(cold, 1),
        load_ms=round(record.load_ms, 1) if record else None,
        warm_p50_ms=round(statistics.median(ours), 2),
        warm_p95_ms=round(percentile(ours, 95), 2),
        raw_p50_ms=round(statistics.median(raw), 2),
        overhead_ratio=round(sum(ours) / raw_total, 3) if raw_total > 0 else float("nan"),
        batch_images_per_s=round(len(batch) / batch_s, 2) if batch_s > 0 else float("inf"),
        cache_hit_ms=round(statistics.median(hits), 3),
        rss_added_mb=round(record.rss_added_bytes / 2**20, 1) if record else None,
        note=note,
    )


def rows_as_dicts(rows: list[ToolBenchRow]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
