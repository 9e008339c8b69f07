"""Process-wide runtime for the tools: device choice, a registry that loads each model once, and
the result cache keyed by (image sha256, tool, backend, arguments).

Nothing here imports a heavy library at module level; torch is imported only to resolve
``device="auto"`` and only when a backend asks for it, or to check a device asked for by name.
``Runtime.check()`` refuses, before any work, what the user asked for and cannot have.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from pydantic import BaseModel

log = logging.getLogger("argus.tools")

T = TypeVar("T")

DEFAULT_MAX_PIXELS = 64_000_000
# Only the first frame of a multi-frame DICOM is decoded and kept; the cap bounds the rest of the work.
DEFAULT_MAX_FRAMES = 1000
MAX_FRAMES_ENV = "ARGUS_MAX_FRAMES"


def max_frames_from_env() -> int:
    """``ARGUS_MAX_FRAMES``, else the default; a value that is not a whole number from 1 is an ArgusError."""
    text = os.environ.get(MAX_FRAMES_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_FRAMES
    if not text.isdigit() or int(text) < 1:
        raise ArgusError(f"{MAX_FRAMES_ENV} must be a whole number of frames, 1 or more, got {text[:40]!r}")
    return int(text)


def check_device_name(requested: str) -> str:
    """``requested`` in lower case when it names a device Argus knows; an ArgusError otherwise."""
    requested = (requested or "auto").strip().lower()
    valid = requested in ("auto", "cpu", "cuda", "mps") or (
        requested.startswith("cuda:") and requested[5:].isdigit()
    )
    if not valid:
        raise ArgusError(f"device must be auto, cpu, cuda, cuda:N or mps, got {requested!r}")
    return requested


def resolve_device(requested: str = "auto") -> str:
    """Turn ``auto|cpu|cuda|cuda:N|mps`` into a concrete device string; ``auto`` prefers cuda, then mps."""
    requested = check_device_name(requested)
    if requested == "cpu":
        return "cpu"
    import torch

    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda:0"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ArgusError(f"device {requested!r} was asked for but torch sees no CUDA GPU here")
        index = int(requested.split(":")[1]) if ":" in requested else 0
        if index >= torch.cuda.device_count():
            raise ArgusError(
                f"device {requested!r} was asked for but torch sees {torch.cuda.device_count()} CUDA GPU(s)"
            )
        return f"cuda:{index}"
    mps = getattr(torch.backends, "mps", None)
    if mps is None or not mps.is_available():
        raise ArgusError("device 'mps' was asked for but this torch build has no MPS support here")
    return "mps"


def rss_bytes() -> int:
    """Resident memory of this process."""
    import psutil

    return psutil.Process().memory_info().rss


@dataclass
class LoadRecord:
    key: str
    load_ms: float
    rss_added_bytes: int


class ModelRegistry:
    """Loads each model once per process, lazily, and remembers how long that took."""

    def __init__(self) -> None:
        self._models: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.records: dict[str, LoadRecord] = {}

    def get(self, key: str, factory: Callable[[], T]) -> T:
        if key in self._models:
            return self._models[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._models:
                before = rss_bytes()
                start = time.perf_counter()
                model = factory()
                elapsed = (time.perf_counter() - start) * 1000
                self.records[key] = LoadRecord(key, elapsed, max(0, rss_bytes() - before))
                log.info("loaded %s in %.0f ms", key, elapsed)
                self._models[key] = model
        return self._models[key]

    def loaded(self) -> list[str]:
        return list(self._models)

    def clear(self) -> None:
        with self._guard:
            self._models.clear()
            self.records.clear()


class ResultCache:
    """LRU cache of tool results in memory, optionally mirrored as JSON files on disk.

    Values are pydantic models; the disk copy stores their JSON and the model class restores
    them, so a cache written by one process is read by the next.
    """

    def __init__(self, max_entries: int = 512, disk_dir: Path | None = None) -> None:
        self.max_entries = max_entries
        self.disk_dir = Path(disk_dir) if disk_dir else None
        self._mem: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*parts: Any) -> str:
        blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, key: str, model_type: type[BaseModel] | None = None) -> Any | None:
        with self._lock:
            if key in self._mem:
                self._mem.move_to_end(key)
                self.hits += 1
                return self._mem[key]
        if self.disk_dir is not None and model_type is not None:
            path = self.disk_dir / f"{key}.json"
            if path.is_file():
                try:
                    value = model_type.model_validate_json(path.read_bytes())
                except (OSError, ValueError):
                    log.warning("ignoring unreadable cache entry %s", path)
                else:
                    self._remember(key, value)
                    self.hits += 1
                    return value
        self.misses += 1
        return None

    def put(self, key: str, value: Any) -> None:
        self._remember(key, value)
        if self.disk_dir is not None and hasattr(value, "model_dump_json"):
            self.disk_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.disk_dir / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(value.model_dump_json())
            os.replace(tmp, self.disk_dir / f"{key}.json")

    def _remember(self, key: str, value: Any) -> None:
        with self._lock:
            self._mem[key] = value
            self._mem.move_to_end(key)
            while len(self._mem) > self.max_entries:
                self._mem.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._mem.clear()
            self.hits = self.misses = 0


@dataclass
class Runtime:
    """Settings the tools share: device, pixel cap, model registry and result cache.

    ``weights`` maps a backend name to the user's weights (a path, hub id or name), e.g.
    ``{"yolo": "yolo11n.pt", "transformers-captioner": "Salesforce/blip-image-captioning-base"}``.
    """

    device: str = "auto"
    max_pixels: int = DEFAULT_MAX_PIXELS
    half: bool | None = None
    weights: dict[str, str] = field(default_factory=dict)
    cache_dir: Path | None = None
    models: ModelRegistry = field(default_factory=ModelRegistry)
    cache: ResultCache = field(init=False)
    _resolved: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.cache = ResultCache(disk_dir=self.cache_dir)

    @property
    def resolved_device(self) -> str:
        if self._resolved is None:
            self._resolved = resolve_device(self.device)
        return self._resolved

    @property
    def use_half(self) -> bool:
        """Half precision only on CUDA, unless the user set it."""
        if self.half is not None:
            return self.half
        return self.resolved_device.startswith("cuda")

    def check(self) -> Runtime:
        """Refuse now what was asked for and cannot be had, instead of running on something else.

        A device named (cuda, cuda:N, mps) must be one torch sees (torch is imported only then; auto
        and cpu need nothing), every weights entry must name a known backend whose weights are usable
        here (a file that exists for the YOLO and chest X-ray backends, a model folder or hub id for
        the captioner), and ``ARGUS_MAX_FRAMES`` must be a number. Returns self; raises ArgusError.
        """
        if check_device_name(self.device) not in ("auto", "cpu"):
            self.resolved_device  # noqa: B018 - raises ArgusError for a device torch does not see
        for backend, value in self.weights.items():
            problem = weights_problem(self, backend, value)
            if problem:
                raise ArgusError(f"cannot use the {backend} weights: {problem}")
        max_frames_from_env()
        return self


WEIGHT_BACKENDS = ("yolo", "yolo-seg", "yolov8n-fall", "transformers-captioner", "torchxrayvision")


def weights_problem(runtime: Runtime, backend: str, value: str) -> str | None:
    """Why ``backend`` cannot use ``value`` here (its backend's own verdict, from the facts class the backend
    inherits, which imports nothing heavy), or None when it can."""
    from argus.tools.backend_facts import FACTS

    if backend not in WEIGHT_BACKENDS:
        return f"unknown weights backend {backend!r}; the known ones are {', '.join(WEIGHT_BACKENDS)}"
    verdict = FACTS[backend](Runtime(device="cpu", weights={backend: value})).availability()
    return None if verdict.available else verdict.detail


def parse_weights(items: list[str] | str | None) -> dict[str, str]:
    """``["yolo=/models/yolo11n.pt", ...]`` or ``"yolo=a.pt,yolo-seg=b.pt"`` -> {backend: weights}."""
    if not items:
        return {}
    if isinstance(items, str):
        items = [part for part in items.split(",") if part.strip()]
    out: dict[str, str] = {}
    for item in items:
        backend, sep, value = item.partition("=")
        backend, value = backend.strip(), value.strip()
        if not sep or not value or backend not in WEIGHT_BACKENDS:
            raise ArgusError(
                f"weights are given as BACKEND=PATH with BACKEND one of {', '.join(WEIGHT_BACKENDS)}, got {item!r}"
            )
        out[backend] = value
    return out


_default: Runtime | None = None
_default_lock = threading.Lock()


def default_runtime() -> Runtime:
    """The process-wide runtime, configured from ARGUS_DEVICE / ARGUS_WEIGHTS / ARGUS_MAX_PIXELS / ARGUS_CACHE_DIR."""
    global _default
    with _default_lock:
        if _default is None:
            cache_dir = os.environ.get("ARGUS_CACHE_DIR")
            _default = Runtime(
                device=os.environ.get("ARGUS_DEVICE", "auto"),
                weights=parse_weights(os.environ.get("ARGUS_WEIGHTS")),
                max_pixels=int(os.environ.get("ARGUS_MAX_PIXELS", DEFAULT_MAX_PIXELS)),
                cache_dir=Path(cache_dir) if cache_dir else None,
            )
        return _default
