"""Find, read, check and merge rule packs; report every problem with its file and line.

Two layers: the packs shipped in ``knowledge/rules/`` and the user's packs (directories or
files given by the caller and by ``ARGUS_RULES_DIR``). Within a layer an id may appear twice
only with identical content; a user rule or concept with a shipped id replaces the shipped
one and is reported as an override. Nothing is returned unless every file is clean.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.resources
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from argus.knowledge.errors import PackProblem, RulePackError
from argus.knowledge.schema import Concept, Rule, RulePack
from argus.knowledge.yaml_source import YamlDocument, YamlSourceError, read_yaml

RULES_DIR_ENV = "ARGUS_RULES_DIR"
PACK_SUFFIXES = (".yaml", ".yml")

Layer = Literal["shipped", "user"]
ItemKind = Literal["rule", "concept"]


class PackSource(BaseModel):
    """One pack file that was loaded: where it is, its hash, and what it holds."""

    path: str
    sha256: str
    layer: Layer
    name: str
    version: str
    domain: str
    rules: int
    concepts: int


class Origin(BaseModel):
    """Where a rule or concept was defined."""

    path: str
    line: int
    layer: Layer


class Override(BaseModel):
    """A user pack entry that replaced a shipped one."""

    kind: ItemKind
    id: str
    shipped: Origin
    user: Origin


@dataclass
class LoadedPacks:
    rules: dict[str, Rule] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    sources: list[PackSource] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)


def shipped_pack_paths() -> list[Path]:
    """The packs inside the installed ``knowledge`` package, by name."""
    root = importlib.resources.files("argus.knowledge.rules")
    if not root.is_dir():
        return []
    return sorted(
        (Path(str(entry)) for entry in root.iterdir() if entry.name.endswith(PACK_SUFFIXES)),
        key=lambda p: p.name,
    )


def user_pack_locations(extra: Sequence[Path] | None = None, use_env: bool = True) -> list[Path]:
    """``ARGUS_RULES_DIR`` entries (os.pathsep-separated) first, then ``extra``, in order."""
    locations: list[Path] = []
    if use_env:
        locations += [
            Path(p).expanduser() for p in os.environ.get(RULES_DIR_ENV, "").split(os.pathsep) if p.strip()
        ]
    locations += [Path(p).expanduser() for p in extra or []]
    return locations


def expand_locations(locations: Iterable[Path]) -> tuple[list[Path], list[PackProblem]]:
    """Pack files in the given directories (sorted by name) or the files themselves."""
    files: list[Path] = []
    problems: list[PackProblem] = []
    for location in locations:
        if location.is_dir():
            found = sorted(p for p in location.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
            files += [p for p in found if p not in files]
        elif location.is_file():
            if location.suffix not in PACK_SUFFIXES:
                problems.append(
                    PackProblem(
                        str(location),
                        None,
                        f"expected a .yaml or .yml pack file, got {location.suffix or 'no suffix'!r}",
                    )
                )
            elif location not in files:
                files.append(location)
        else:
            problems.append(PackProblem(str(location), None, "no such rules directory or pack file"))
    return files, problems


def load_packs(shipped: Sequence[Path], user: Sequence[Path]) -> LoadedPacks:
    """Read, validate and merge the packs; raise RulePackError listing every problem."""
    user_files, problems = expand_locations(user)
    merger = _Merger()
    layers: tuple[tuple[Layer, Sequence[Path]], ...] = (("shipped", shipped), ("user", user_files))
    for layer, files in layers:
        for path in files:
            parsed = _read_pack(path, layer, problems)
            if parsed is not None:
                merger.add(*parsed, problems=problems)
    if not problems:  # references are checked once every file reads cleanly, to avoid follow-on errors
        problems += _cross_checks(merger.out)
    if problems:
        raise RulePackError(sorted(problems, key=lambda p: (p.path, p.line or 0)))
    return merger.out


def display_path(path: Path) -> str:
    """The path relative to the working directory where it lies below it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


def _read_pack(
    path: Path, layer: Layer, problems: list[PackProblem]
) -> tuple[RulePack, YamlDocument, Path, Layer, str] | None:
    shown = display_path(path)
    try:
        doc = read_yaml(path)
    except YamlSourceError as exc:
        problems.append(PackProblem(shown, exc.line, str(exc)))
        return None
    except OSError as exc:
        problems.append(PackProblem(shown, None, f"cannot read the file: {exc.strerror or exc}"))
        return None
    if not isinstance(doc.data, dict):
        problems.append(
            PackProblem(
                shown,
                1,
                f"a pack is a mapping with 'pack', 'concepts' and 'rules', got a {type(doc.data).__name__}",
            )
        )
        return None
    try:
        pack = RulePack.model_validate(doc.data)
    except ValidationError as exc:
        problems += [
            PackProblem(shown, doc.line_of(err["loc"]), _describe(err, doc.data)) for err in exc.errors()
        ]
        return None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return pack, doc, path, layer, sha


class _Merger:
    def __init__(self) -> None:
        self.out = LoadedPacks()

    def add(
        self,
        pack: RulePack,
        doc: YamlDocument,
        path: Path,
        layer: Layer,
        sha: str,
        *,
        problems: list[PackProblem],
    ) -> None:
        shown = display_path(path)
        self.out.sources.append(
            PackSource(
                path=shown,
                sha256=sha,
                layer=layer,
                name=pack.pack.name,
                version=pack.pack.version,
                domain=pack.pack.domain,
                rules=len(pack.rules),
                concepts=len(pack.concepts),
            )
        )
        kinds: tuple[tuple[ItemKind, Sequence[Rule | Concept], dict[str, Any]], ...] = (
            ("concept", pack.concepts, self.out.concepts),
            ("rule", pack.rules, self.out.rules),
        )
        for kind, items, store in kinds:
            seen_here: dict[str, int] = {}
            for index, item in enumerate(items):
                origin = Origin(path=shown, line=doc.line_of([f"{kind}s", index]), layer=layer)
                if item.id in seen_here:
                    problems.append(
                        PackProblem(
                            shown,
                            origin.line,
                            f"duplicate {kind} id {item.id} in this pack (first on line {seen_here[item.id]})",
                        )
                    )
                    continue
                seen_here[item.id] = origin.line
                self._place(kind, item, origin, store, problems)

    def _place(
        self,
        kind: ItemKind,
        item: Rule | Concept,
        origin: Origin,
        store: dict[str, Any],
        problems: list[PackProblem],
    ) -> None:
        key = _origin_key(kind, item.id)
        before = self.out.origins.get(key)
        if before is None:
            store[item.id] = item
            self.out.origins[key] = origin
        elif before.layer == origin.layer:
            if store[item.id] != item:
                problems.append(
                    PackProblem(
                        origin.path,
                        origin.line,
                        f"{kind} {item.id} conflicts with the different definition at {before.path}:{before.line}; give one of them a new id",
                    )
                )
        else:
            store[item.id] = item
            self.out.origins[key] = origin
            self.out.overrides.append(Override(kind=kind, id=item.id, shipped=before, user=origin))


def _origin_key(kind: str, item_id: str) -> str:
    return item_id if kind == "rule" else f"concept {item_id}"


def concept_origin(loaded: LoadedPacks, concept_id: str) -> Origin:
    return loaded.origins[_origin_key("concept", concept_id)]


def _cross_checks(loaded: LoadedPacks) -> list[PackProblem]:
    """Checks that need every pack: references resolve and nothing cycles."""
    problems: list[PackProblem] = []

    def at(origin: Origin, message: str) -> None:
        problems.append(PackProblem(origin.path, origin.line, message))

    concepts = loaded.concepts
    for cid, concept in concepts.items():
        for parent in concept.is_a:
            if parent not in concepts:
                at(
                    concept_origin(loaded, cid),
                    f"concept {cid}: is_a parent {parent!r} is not defined in any pack{_close(parent, concepts)}",
                )
    for cycle in _cycles({cid: c.is_a for cid, c in concepts.items()}):
        at(concept_origin(loaded, cycle[0]), "concepts form an is_a cycle: " + " -> ".join(cycle))
    for rid, rule in loaded.rules.items():
        origin = loaded.origins[rid]
        for trigger in rule.trigger:
            if trigger not in concepts:
                at(
                    origin,
                    f"rule {rid}: trigger concept {trigger!r} is not defined in any pack's concepts{_close(trigger, concepts)}",
                )
        for old in rule.supersedes:
            if old == rid:
                at(origin, f"rule {rid} lists itself in supersedes")
            elif old not in loaded.rules:
                at(origin, f"rule {rid}: supersedes unknown rule {old!r}{_close(old, loaded.rules)}")
    for cycle in _cycles({rid: r.supersedes for rid, r in loaded.rules.items()}):
        at(loaded.origins[cycle[0]], "rules supersede each other in a cycle: " + " -> ".join(cycle))
    return problems


def _close(name: str, known: Iterable[str]) -> str:
    matches = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(matches)}?)" if matches else ""


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle once, as a closed walk starting from its smallest id; self-loops are left to the caller."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, [])):
            if nxt == node or nxt not in edges:
                continue
            if state.get(nxt) == 1:
                loop = path[path.index(nxt) :]
                start = loop.index(min(loop))
                loop = loop[start:] + loop[:start]
                if loop not in [c[:-1] for c in found]:
                    found.append([*loop, loop[0]])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


_MESSAGES = {
    "missing": "missing required key",
    "extra_forbidden": "unknown key",
}


def _describe(err: Any, data: Any) -> str:
    """A pydantic error as one sentence: where in the pack (with the rule id) and what was wrong."""
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper())]
    where = _where(loc, data)
    kind = err["type"]
    if kind in _MESSAGES:
        key = loc[-1] if loc else "?"
        hint = _close(str(key), _all_field_names()) if kind == "extra_forbidden" else ""
        parent = _where(loc[:-1], data)
        return f"{parent + ': ' if parent else ''}{_MESSAGES[kind]} {key!r}{hint}"
    message = err["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _where(loc: list[Any], data: Any) -> str:
    """``rule MED-X-01: condition.all[0]`` for a location inside a rule; a dotted path elsewhere."""
    prefix = ""
    rest = loc
    if len(loc) >= 2 and loc[0] in ("rules", "concepts") and isinstance(loc[1], int):
        items = data.get(loc[0]) if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and 0 <= loc[1] < len(items) else None
        name = (
            item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{loc[1] + 1}"
        )
        prefix = f"{loc[0][:-1]} {name}"
        rest = loc[2:]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    return ": ".join(x for x in (prefix, path) if x)


def _all_field_names() -> list[str]:
    from argus.knowledge import schema

    names: set[str] = set()
    for model in (
        schema.Rule,
        schema.Concept,
        schema.PackInfo,
        schema.RulePack,
        schema.Guard,
        schema.Urgency,
        schema.Source,
        schema.EvidenceRequirements,
        schema.Codes,
        schema.All,
        schema.AnyOf,
    ):
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return sorted(names | {"not"} | set(schema.OPERATORS))
