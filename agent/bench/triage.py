"""``argus bench triage``: a generated batch through the triage pipeline against the raw detector alone.

The batch is made from the sample images that ship in packages (photos and grayscale pictures from
Ultralytics and scikit-image, pydicom's CT and MR, the CT retagged as frontal and lateral chest films,
dark and blurred copies, CTs with a Fleischner sidecar), every file different in its bytes so that no
result cache can help. Both sides read every file from disk. Triage is timed end to end, as
``argus triage`` runs it (inputs, decisions recorded in a fresh audit log, worklist and report), and
its per-image loop alone; the raw detector is the SSD-MobileNet forward pass on the same files, which
is what a user who only wanted detections would run. Triage does not run the detector, so the ratio
compares the whole pipeline with one model call. Triage runs as ``argus triage`` runs it by default:
its decisions made by a pool of worker processes sized to the CPUs (``workers``), started and warmed
before the clock starts, as the serial path's models are (how long the start took is reported beside).
Memory: resident set size of this process (the driver) and of each worker after a warm-up and at the
end of the loop (growth over the batch), and the driver's peak. A profile of the pipeline, run in this
process over part of the batch, says where its time goes. ``engine="ray"`` also runs the batch through
a Ray actor pool and compares it with the local engine (``argus.agent.bench.triage_ray``).
"""

from __future__ import annotations

import cProfile
import inspect
import json
import os
import pstats
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
from PIL import Image, ImageFilter
from pydantic import BaseModel, Field

from argus.agent.bench.triage_ray import RayRun, run_ray_side
from argus.tools.base import package_sample
from argus.tools.errors import ArgusError
from argus.tools.runtime import Runtime, rss_bytes

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.batch import TriageProgress, TriageSummary
    from argus.agent.domains.medical.engines import PoolEngine

TARGET_RATIO = 0.9
TARGET_RSS_GROWTH_MB = 50.0
WARMUP_IMAGES = 20
PROFILE_IMAGES = 60
MAX_SIDE = 640
# Pipeline stages for the profile: (label, module, function), resolved to the function's source file
# when the profile is read, so that a moved or renamed function fails loudly instead of reading 0 ms.
STAGES = (
    ("read and hash the file", "argus.tools.file_io", "file_sha256"),
    ("decode the image", "argus.tools.image_io", "load_image"),
    ("modality route (pixel guess)", "argus.agent.domains.medical.modality", "route_image"),
    (
        "vision tools (quality gate; classifier where configured)",
        "argus.agent.core.toolbox",
        "Toolbox._vision",
    ),
    ("findings (sidecars)", "argus.agent.domains.medical.pipeline", "gather_findings"),
    ("facts", "argus.agent.core.facts", "build_facts"),
    ("rule engine", "argus.knowledge.engine", "RuleEngine.evaluate"),
    ("case graph and paths", "argus.knowledge.knowledge_base", "KnowledgeBase.case_graph"),
    ("answer and citation check", "argus.agent.core.composer", "build_answer"),
    ("audit record (fsync)", "argus.agent.domains.medical.audit", "AuditLog.record"),
    ("thumbnails (from the decoded pixels)", "argus.agent.domains.medical.report", "thumbnail_jpeg"),
    ("worklist.jsonl and report.html", "argus.agent.domains.medical.batch", "write_outputs"),
)


class Throughput(BaseModel):
    images: int
    seconds: float
    images_per_s: float


class Stage(BaseModel):
    stage: str
    ms_per_image: float
    share: float = Field(description="Fraction of the profiled pipeline's time.")


class TriageBenchReport(BaseModel):
    n: int
    device: str
    cpu_count: int
    engine: str = Field(description="local: this process and, with workers > 1, a local process pool.")
    workers: int
    workers_start_s: float = Field(description="Starting and warming the worker processes (0 for one).")
    mix: dict[str, int]
    generate_s: float
    triage: Throughput = Field(description="End to end: inputs, decisions, audit log, worklist, report.")
    triage_with_start: Throughput = Field(description="End to end with starting the workers counted in.")
    triage_loop: Throughput = Field(description="The per-image loop alone (no worklist or report).")
    detector: Throughput = Field(description="Raw SSD-MobileNet forward on the same files, decode included.")
    ratio: float = Field(description="Triage end to end images/s over the detector's.")
    ratio_loop: float
    outcomes: dict[str, int]
    rss_after_warmup_mb: float
    rss_end_mb: float
    rss_growth_mb: float
    peak_rss_mb: float
    worker_rss_after_warmup_mb: float | None = Field(default=None, description="The largest worker's.")
    worker_rss_end_mb: float | None = None
    worker_rss_growth_mb: float | None = Field(default=None, description="The largest growth of a worker.")
    profile: list[Stage]
    ray: RayRun | None = Field(default=None, description="The same batch on a Ray actor pool.")
    targets: dict[str, float] = Field(
        default_factory=lambda: {"ratio": TARGET_RATIO, "rss_growth_mb": TARGET_RSS_GROWTH_MB}
    )


def run_triage_bench(
    n: int = 500,
    device: str = "cpu",
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> TriageBenchReport:
    """Generate ``n`` images in a temporary folder and measure both sides on them; ``workers`` processes
    decide the images (default: the CPUs this process may use). ``engine="ray"`` also measures a Ray
    actor pool of as many workers on the same images (a local Ray unless ``ray_address``)."""
    if engine not in ("local", "ray"):
        raise ArgusError(f"engine must be local or ray, got {engine!r}")
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.engines import PoolEngine, cpus_available
    from argus.agent.domains.medical.identity import run_settings
    from argus.agent.domains.medical.inputs import collect_inputs
    from argus.agent.domains.medical.work import WorkerSettings

    say = progress or (lambda message: None)
    runtime = Runtime(device=device)
    assistant = Assistant(llm="planner", check_llm=False, runtime=runtime)
    workers = workers or cpus_available()
    pool = PoolEngine(WorkerSettings.of(assistant, run_settings(assistant)), workers) if workers > 1 else None
    with tempfile.TemporaryDirectory(prefix="argus-bench-triage-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        mix = generate_batch(root / "batch", n)
        generate_s = time.perf_counter() - start
        say(f"generated {n} images in {generate_s:.1f} s: {mix}")
        start = time.perf_counter()
        if pool is not None:
            say(f"starting {workers} worker processes ...")
            pool.start()
        workers_start_s = time.perf_counter() - start
        try:
            timed = _timed_triage(root, assistant, pool, say)
        finally:
            if pool is not None:
                pool.close()
        ray_run = None
        if engine == "ray":
            ray_run = run_ray_side(
                root,
                assistant,
                n=n,
                local_seconds=timed[1] + workers_start_s,
                workers=workers,
                address=ray_address,
                warmup_images=WARMUP_IMAGES,
                say=say,
            )
        say("raw detector ...")
        detector_s = time_detector(collect_inputs([root / "batch"]), runtime)
        say(f"profiling the pipeline on {PROFILE_IMAGES} images ...")
        profile = profile_pipeline(root, assistant, min(PROFILE_IMAGES, n))
    summary, triage_s, samples, worker_rss = timed
    loop_s = samples[-1][1] - samples[0][1]
    # the kernel's high-water mark (KiB on Linux) is updated lazily: take the samples' maximum too
    peak_mb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, max(r for _, _, r in samples) / 2**20
    )
    warm_rss = next((rss for done, _, rss in samples if done >= WARMUP_IMAGES), samples[0][2])
    end_rss = samples[-1][2]
    triage = Throughput(images=n, seconds=round(triage_s, 3), images_per_s=round(n / triage_s, 2))
    started = triage_s + workers_start_s
    with_start = Throughput(images=n, seconds=round(started, 3), images_per_s=round(n / started, 2))
    loop = Throughput(images=n, seconds=round(loop_s, 3), images_per_s=round(n / loop_s, 2))
    detector = Throughput(images=n, seconds=round(detector_s, 3), images_per_s=round(n / detector_s, 2))
    return TriageBenchReport(
        n=n,
        device=runtime.resolved_device,
        cpu_count=os.cpu_count() or 1,
        engine="local",
        workers=workers,
        workers_start_s=round(workers_start_s, 2),
        mix=mix,
        generate_s=round(generate_s, 2),
        triage=triage,
        triage_with_start=with_start,
        triage_loop=loop,
        detector=detector,
        ratio=round(triage.images_per_s / detector.images_per_s, 3),
        ratio_loop=round(loop.images_per_s / detector.images_per_s, 3),
        outcomes={**summary.counts, "failed": len(summary.failed)},
        rss_after_warmup_mb=round(warm_rss / 2**20, 1),
        rss_end_mb=round(end_rss / 2**20, 1),
        rss_growth_mb=round((end_rss - warm_rss) / 2**20, 1),
        peak_rss_mb=round(peak_mb, 1),
        **_worker_memory(worker_rss),
        profile=profile,
        ray=ray_run,
    )


def _timed_triage(
    root: Path, assistant: Assistant, pool: PoolEngine | None, say: Callable[[str], None]
) -> tuple[TriageSummary, float, list[tuple[int, float, int]], dict[str, list[int]]]:
    """Warm up, then triage the batch as ``argus triage`` does: (summary, seconds, samples of the
    driver's RSS as (done, time, rss), the workers' RSS after the warm-up and at the end)."""
    from argus.agent.domains.medical.audit import AuditLog
    from argus.agent.domains.medical.batch import TriageBatch

    def batch(folder: Path, out: str, db: str, progress: Callable[[TriageProgress], None] | None = None):
        with AuditLog(root / db) as audit:
            return TriageBatch(
                assistant, root / out, audit=audit, engine=pool, workers=1, progress=progress
            ).run([folder])

    generate_batch(root / "warm", 10, seed=2)  # one of each kind: rule packs, graph and models loaded
    batch(root / "warm", "warm-out", "warm.sqlite")
    samples: list[tuple[int, float, int]] = []
    worker_rss: dict[str, list[int]] = {"warm": [], "end": []}

    def watch(event: TriageProgress) -> None:
        samples.append((event.done, time.perf_counter(), rss_bytes()))
        if pool is not None and event.done == WARMUP_IMAGES:
            worker_rss["warm"] = _rss_of(pool.pids())

    say("triage ...")
    start = time.perf_counter()
    summary = batch(root / "batch", "out", "audit.sqlite", progress=watch)
    seconds = time.perf_counter() - start
    if pool is not None:
        worker_rss["end"] = _rss_of(pool.pids())
    return summary, seconds, samples, worker_rss


def _rss_of(pids: list[int]) -> list[int]:
    import psutil

    return [psutil.Process(pid).memory_info().rss for pid in pids]


class _WorkerMemory(TypedDict, total=False):
    worker_rss_after_warmup_mb: float
    worker_rss_end_mb: float
    worker_rss_growth_mb: float


def _worker_memory(rss: dict[str, list[int]]) -> _WorkerMemory:
    if not rss["warm"] or not rss["end"]:
        return {}
    growth = max(end - warm for warm, end in zip(rss["warm"], rss["end"], strict=True))
    return {
        "worker_rss_after_warmup_mb": round(max(rss["warm"]) / 2**20, 1),
        "worker_rss_end_mb": round(max(rss["end"]) / 2**20, 1),
        "worker_rss_growth_mb": round(growth / 2**20, 1),
    }


def time_detector(paths: list[Path], runtime: Runtime) -> float:
    """Seconds for decode + SSD-MobileNet forward on every file, the model loaded and warm first."""
    from argus.tools import get_tool
    from argus.tools.image_io import load_image

    backend = get_tool("detect_objects", runtime).backend("ssd-mobilenet-v2-coco")
    backend.raw_call(load_image(paths[0]))  # load and warm
    start = time.perf_counter()
    for path in paths:
        backend.raw_call(load_image(path))
    return time.perf_counter() - start


def profile_pipeline(root: Path, assistant: Assistant, count: int) -> list[Stage]:
    """Where the pipeline's time goes, per image, over ``count`` fresh images."""
    from argus.agent.domains.medical.batch import run_triage

    folder = root / "profile"
    generate_batch(folder, count, seed=1)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    run_triage(
        [folder], root / "profile-out", assistant=assistant, audit_db=root / "profile.sqlite", workers=1
    )
    profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    stages = []
    for label, module, qualname in STAGES:
        key = stage_function(module, qualname)
        seconds = stats[key][3] if key in stats else 0.0
        stages.append(
            Stage(stage=label, ms_per_image=round(seconds * 1000 / count, 2), share=round(seconds / total, 3))
        )
    return stages


def stage_function(module: str, qualname: str) -> tuple[str, int, str]:
    """The (file, first line, name) key cProfile gives the function ``module.qualname``."""
    import importlib

    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    code = inspect.unwrap(target).__code__
    return code.co_filename, code.co_firstlineno, code.co_name


# ----------------------------------------------------------------------------- the generated batch


def generate_batch(folder: Path, n: int, seed: int = 0) -> dict[str, int]:
    """``n`` distinct images in ``folder`` cycling through the kinds below; returns the count per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = _kinds()
    counts: dict[str, int] = {}
    for i in range(n):
        name, make = kinds[i % len(kinds)]
        make(folder, i, seed)
        counts[name] = counts.get(name, 0) + 1
    return counts


def _kinds() -> list[tuple[str, Callable[[Path, int, int], None]]]:
    photos = [
        package_sample("ultralytics", "assets/bus.jpg"),
        package_sample("ultralytics", "assets/zidane.jpg"),
    ]
    photos += [package_sample("skimage", f"data/{name}.png") for name in ("astronaut", "chelsea", "coffee")]
    grays = [package_sample("skimage", f"data/{name}.png") for name in ("camera", "coins", "page", "text")]

    def photo(folder: Path, i: int, seed: int) -> None:
        _save(_picture(photos[i % len(photos)], i, seed), folder / f"{i:05d}_photo.jpg")

    def gray(folder: Path, i: int, seed: int) -> None:
        _save(_picture(grays[i % len(grays)], i, seed), folder / f"{i:05d}_gray.png")

    def tiff(folder: Path, i: int, seed: int) -> None:
        _save(_picture(grays[0], i, seed), folder / f"{i:05d}_gray.tiff")

    def dark(folder: Path, i: int, seed: int) -> None:
        picture = _picture(photos[i % len(photos)], i, seed)
        _save(Image.fromarray((np.asarray(picture) * 0.08).astype(np.uint8)), folder / f"{i:05d}_dark.jpg")

    def blurred(folder: Path, i: int, seed: int) -> None:
        _save(
            _picture(grays[i % len(grays)], i, seed).filter(ImageFilter.GaussianBlur(8)),
            folder / f"{i:05d}_blur.png",
        )

    def dicom(sample: str, label: str, **tags: str) -> Callable[[Path, int, int], None]:
        def make(folder: Path, i: int, seed: int) -> None:
            import pydicom
            from pydicom.data import get_testdata_file

            found = get_testdata_file(sample)
            assert isinstance(found, str)  # read=False gives a path; pydicom ships this sample
            ds = pydicom.dcmread(found)
            for key, value in tags.items():
                setattr(ds, key, value)
            ds.InstanceNumber = i + 100_000 * seed  # every file different in its bytes
            path = folder / f"{i:05d}_{label}.dcm"
            ds.save_as(path)
            if label == "ct_nodule":
                findings = {"nodule": {"size_mm": 7, "type": "solid", "multiple": False},
                            "patient": {"age": 60, "high_risk": True, "context": "incidental"}}  # fmt: skip
                path.with_name(path.name + ".findings.json").write_text(json.dumps(findings))

        return make

    return [
        ("colour photo", photo),
        ("grayscale picture", gray),
        ("CT DICOM", dicom("CT_small.dcm", "ct")),
        ("MR DICOM", dicom("MR_small.dcm", "mr")),
        ("frontal chest film (CR PA)", dicom("CT_small.dcm", "cr_pa", Modality="CR", ViewPosition="PA")),
        ("lateral chest film", dicom("CT_small.dcm", "cr_lat", Modality="CR", ViewPosition="LATERAL")),
        ("CT with a Fleischner sidecar", dicom("CT_small.dcm", "ct_nodule")),
        ("dark photo", dark),
        ("blurred picture", blurred),
        ("grayscale TIFF", tiff),
    ]


def _picture(path: Path, i: int, seed: int) -> Image.Image:
    """The sample shrunk to MAX_SIDE, cropped by a few pixels, with its first two pixels set from ``i``
    so that no two generated files are the same."""
    with Image.open(path) as im:
        picture = im.convert("RGB" if im.mode not in ("L", "I;16") else "L")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    shift = i % 17
    picture = picture.crop((shift, shift, picture.width, picture.height))
    pixels = np.array(picture)
    pixels[0, 0], pixels[0, 1] = i % 256, (i // 256 + 37 * seed) % 256
    return Image.fromarray(pixels)


def _save(picture: Image.Image, path: Path) -> None:
    if path.suffix == ".jpg":
        picture.save(path, quality=90)
    else:
        picture.save(path)
