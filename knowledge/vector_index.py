"""A FAISS inner-product index over unit vectors: exact for small collections, HNSW above a threshold.

Filters are applied inside the search with an id selector, so a filtered search returns k
hits whenever k vectors pass the filter. HNSW may miss some of a very selective filter's
vectors; when it returns too few, the allowed vectors are scored exactly instead.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

HNSW_THRESHOLD = 5_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64

IndexKind = Literal["flat-ip", "hnsw-ip"]


def kind_for(count: int, threshold: int | None = None) -> IndexKind:
    """Exact search up to ``threshold`` vectors (default HNSW_THRESHOLD), HNSW above it."""
    return "hnsw-ip" if count > (HNSW_THRESHOLD if threshold is None else threshold) else "flat-ip"


class VectorIndex:
    """Wraps one FAISS index; ids are the row numbers of the vectors added."""

    def __init__(self, index: Any, kind: IndexKind) -> None:
        self.index = index
        self.kind = kind
        self._selectors: dict[Hashable, Any] = {}

    @classmethod
    def build(cls, vectors: np.ndarray, kind: IndexKind | None = None) -> VectorIndex:
        import faiss
        import numpy as np

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = kind or kind_for(len(vectors))
        dim = vectors.shape[1]
        index: faiss.Index
        if kind == "hnsw-ip":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return cls(index, kind)

    @classmethod
    def read(cls, path: str, kind: IndexKind) -> VectorIndex:
        import faiss

        return cls(faiss.read_index(path), kind)

    def write(self, path: str) -> None:
        import faiss

        faiss.write_index(self.index, path)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, filter_key: Hashable = None
    ) -> list[tuple[int, float]]:
        """Up to k (row, cosine) pairs, best first.

        ``allowed`` is a sorted int64 array of the rows that may be returned; give the same
        ``filter_key`` for the same array to reuse its FAISS selector.
        """
        import faiss
        import numpy as np

        limit = self.size if allowed is None else len(allowed)
        k = min(k, limit)
        if k <= 0:
            return []
        # faiss's stubs leave out SearchParametersHNSW and the keyword arguments its wrappers accept
        params: faiss.SearchParameters | None
        if allowed is None:
            params = (
                faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))  # type: ignore[attr-defined]
                if self.kind == "hnsw-ip"
                else None
            )
        else:
            selector = self._selector(allowed, filter_key)
            if self.kind == "hnsw-ip":
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, 2 * k))  # type: ignore[attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, rows = self.index.search(np.ascontiguousarray(query, dtype=np.float32), k, params=params)
        hits = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
        if len(hits) < k and allowed is not None:
            hits = self._exact(query, k, allowed)
        return hits

    def _selector(self, allowed: np.ndarray, filter_key: Hashable) -> Any:
        import faiss

        if filter_key is None:
            return faiss.IDSelectorBatch(allowed)  # copies the ids into its own set
        if filter_key not in self._selectors:
            self._selectors[filter_key] = faiss.IDSelectorBatch(allowed)
        return self._selectors[filter_key]

    def _exact(self, query: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        import numpy as np

        vectors = np.stack([self.index.reconstruct(int(r)) for r in allowed])
        scores = vectors @ query[0]
        best = np.argsort(-scores, kind="stable")[:k]
        return [(int(allowed[i]), float(scores[i])) for i in best]
