"""Rule retrieval: embed each rule's title and retrieval text, search by cosine, filter by domain and status.

The index lives in ``<index_dir>/<key>/`` beside ``manifest.json`` (embedding model, dimension,
pack hashes, index kind, rule ids in order, and the index file's sha256: FAISS reads corrupt vector
bytes without complaint, so a file that no longer matches is rebuilt rather than searched). The key
is a hash of what the index depends on, so a changed pack gives a new key and a rebuild, and an
unchanged one reuses the files. A build is written to a temporary folder, synced, then renamed into
place in one step: a crash mid-build leaves the previous index untouched and usable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.knowledge.embedder import DIMENSION, MODEL_ID, Embedder, default_embedder
from argus.knowledge.errors import QueryError
from argus.knowledge.schema import Rule
from argus.knowledge.vector_index import VectorIndex, kind_for
from argus.tools.file_io import file_sha256

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("argus.knowledge")

INDEX_FORMAT = 1  # bump when what is embedded or how the files are laid out changes
DOMAINS = ("medical", "security", "general")
STATUSES = ("active", "draft", "retired")
MAX_QUERY_CHARS = 2_000
MAX_K = 100
KEEP_INDEXES = 3


class RuleHit(BaseModel):
    rule: Rule
    score: float = Field(description="Cosine similarity of the query and the rule's text.")
    rank: int = Field(description="1 for the best hit.")


def default_index_dir() -> Path:
    """``index`` in Argus's cache folder (``argus.tools.paths.cache_dir``: ARGUS_CACHE_DIR, ARGUS_HOME/cache,
    else ~/.cache/argus)."""
    from argus.tools.paths import cache_dir

    return cache_dir() / "index"


def rule_text(rule: Rule) -> str:
    """What the index embeds for a rule."""
    return f"{rule.title}. {rule.retrieval_text}"


class RuleRetriever:
    """Owns the FAISS index for one set of rules; builds or loads it on first search."""

    def __init__(
        self,
        rules: Sequence[Rule],
        pack_hashes: Sequence[str],
        index_dir: Path | None,
        embedder: Embedder | None = None,
    ) -> None:
        self.rules = list(rules)
        self.pack_hashes = list(pack_hashes)
        self.index_dir = index_dir
        self._embedder = embedder
        self.kind = kind_for(len(self.rules))
        blob = json.dumps([INDEX_FORMAT, MODEL_ID, DIMENSION, self.kind, list(pack_hashes)])
        self.key = hashlib.sha256(blob.encode()).hexdigest()[:16]
        self._index: VectorIndex | None = None
        self._lock = threading.Lock()
        self._filters: dict[tuple[str | None, tuple[str, ...]], Any] = {}
        self.build_ms: float | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    @property
    def folder(self) -> Path | None:
        return self.index_dir / self.key if self.index_dir else None

    def manifest(self) -> dict[str, Any]:
        return {
            "format": INDEX_FORMAT,
            "model": MODEL_ID,
            "dimension": DIMENSION,
            "index_type": self.kind,
            "key": self.key,
            "count": len(self.rules),
            "pack_sha256": self.pack_hashes,
            "rule_ids": [r.id for r in self.rules],
        }

    def is_built(self) -> bool:
        """Whether a usable index for these rules is on disk (cheap: reads the manifest only)."""
        return self._read_manifest() is not None

    def index(self) -> VectorIndex:
        """The FAISS index, read from disk or built on first use (once, whatever the threads)."""
        with self._lock:
            if self._index is None:
                self._index = self._load() or self._build()
            return self._index

    # ----------------------------------------------------------------------------- search
    def search(
        self, query: str, k: int = 5, domain: str | None = None, status: Sequence[str] = ("active",)
    ) -> list[RuleHit]:
        statuses = _check_args(query, k, domain, status)
        allowed = self._allowed(domain, statuses)
        if not self.rules or (allowed is not None and len(allowed) == 0):
            return []
        index = self.index()
        vector = self.embedder.encode_query(query.strip())
        pairs = index.search(vector, k, allowed, filter_key=(domain, statuses))
        return [
            RuleHit(rule=self.rules[row], score=round(score, 6), rank=i + 1)
            for i, (row, score) in enumerate(pairs)
        ]

    def _allowed(self, domain: str | None, statuses: tuple[str, ...]) -> np.ndarray | None:
        """Rows passing the filter, or None when every rule passes."""
        key = (domain, statuses)
        if key not in self._filters:
            import numpy as np

            rows = [
                i
                for i, r in enumerate(self.rules)
                if (domain is None or r.domain == domain) and r.status in statuses
            ]
            self._filters[key] = None if len(rows) == len(self.rules) else np.asarray(rows, dtype=np.int64)
        return self._filters[key]

    # ----------------------------------------------------------------------------- disk
    def _read_manifest(self) -> dict[str, Any] | None:
        folder = self.folder
        if folder is None or not (folder / "manifest.json").is_file():
            return None
        try:
            data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        expected = self.manifest()
        if any(data.get(k) != v for k, v in expected.items()):
            return None
        return data

    def _load(self) -> VectorIndex | None:
        folder = self.folder
        manifest = self._read_manifest()
        if folder is None or manifest is None:
            return None
        try:
            checksum = file_sha256(folder / "index.faiss")
        except OSError as exc:
            log.warning("rule index at %s is unreadable (%s); rebuilding it", folder, exc)
            return None
        if manifest.get("index_sha256") != checksum:  # FAISS reads flipped vector bytes without a word
            log.warning(
                "rule index at %s does not match its manifest's checksum (corrupt?); rebuilding it", folder
            )
            return None
        try:
            index = VectorIndex.read(str(folder / "index.faiss"), self.kind)
        except (RuntimeError, OSError) as exc:
            log.warning("rule index at %s is unreadable (%s); rebuilding it", folder, exc)
            return None
        if index.size != len(self.rules) or index.dimension != DIMENSION:
            log.warning("rule index at %s does not match its manifest; rebuilding it", folder)
            return None
        return index

    def _build(self) -> VectorIndex:
        start = time.perf_counter()
        vectors = self.embedder.encode([rule_text(r) for r in self.rules])
        index = VectorIndex.build(vectors, self.kind)
        self.build_ms = (time.perf_counter() - start) * 1000
        log.info(
            "built the %s rule index over %d rules in %.0f ms", self.kind, len(self.rules), self.build_ms
        )
        if self.index_dir is not None:
            try:
                self._persist(index)
            except OSError as exc:
                log.warning(
                    "could not save the rule index in %s (%s); it lives in memory only", self.index_dir, exc
                )
        return index

    def _persist(self, index: VectorIndex) -> None:
        assert self.index_dir is not None and self.folder is not None
        self.index_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.index_dir / f".build-{self.key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            index.write(str(tmp / "index.faiss"))
            manifest = {
                **self.manifest(),
                "index_sha256": file_sha256(tmp / "index.faiss"),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
            for name in ("index.faiss", "manifest.json"):
                _fsync(tmp / name)
            _fsync(tmp)
            if self.folder.exists():  # a stale or broken copy of this key: move it aside first
                stale = self.index_dir / f".stale-{self.key}-{uuid.uuid4().hex[:8]}"
                os.replace(self.folder, stale)
                shutil.rmtree(stale, ignore_errors=True)
            os.replace(tmp, self.folder)
            _fsync(self.index_dir)
        except OSError:
            if self.folder.exists() and self._read_manifest() is not None:
                shutil.rmtree(tmp, ignore_errors=True)  # another process finished the same build first
                return
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        try:
            self._prune()
        except OSError as exc:  # another process pruning at the same time
            log.debug("pruning old rule indexes: %s", exc)

    def _prune(self) -> None:
        """Keep the newest few indexes (other pack sets may still use them) and drop leftovers."""
        assert self.index_dir is not None
        now = time.time()
        done = sorted(
            (p for p in self.index_dir.iterdir() if p.is_dir() and len(p.name) == 16 and p.name != self.key),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        old_builds = [p for p in self.index_dir.glob(".build-*") if now - p.stat().st_mtime > 3600]
        for path in done[KEEP_INDEXES - 1 :] + old_builds:
            shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_args(query: str, k: int, domain: str | None, status: Sequence[str]) -> tuple[str, ...]:
    if not isinstance(query, str) or not query.strip():
        raise QueryError("a rule search needs some words to search for, got an empty query")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"a rule search query may be up to {MAX_QUERY_CHARS:,} characters, got {len(query):,}"
        )
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    if domain is not None and domain not in DOMAINS:
        raise QueryError(f"domain must be one of {', '.join(DOMAINS)}, got {domain!r}")
    if isinstance(status, str):
        status = (status,)
    bad = [s for s in status if s not in STATUSES]
    if bad or not status:
        raise QueryError(f"status must be some of {', '.join(STATUSES)}, got {list(status)!r}")
    return tuple(sorted(set(status)))
