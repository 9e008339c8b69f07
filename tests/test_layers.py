"""The layer contract: each layer imports only the layers before it (lazy imports inside functions
count too; imports made only for type checking do not). A new module belongs to the layer of its
folder; a new folder must be placed here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. Modules in one tuple are one layer and must not import each other's modules either.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("argus.tools",),
    ("argus.knowledge",),
    ("argus.agent.errors",),
    ("argus.agent.ray_cluster",),
    ("argus.agent.core",),
    ("argus.agent.llm", "argus.agent.planner"),
    ("argus.agent.domains.medical", "argus.agent.domains.security"),
    ("argus.agent.assistant",),
    ("argus.agent.service", "argus.agent.client"),
    ("argus.agent.evaluation", "argus.agent.bench"),
    ("argus.agent.commands",),
    ("argus.cli",),
)
# Where a layer may reach sideways into a sibling: none today.
SIDEWAYS: set[tuple[str, str]] = set()
PACKAGE_INITS = {"argus", "argus.agent", "argus.agent.domains", "argus.prompts"}  # no code, or data only


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("argus", *parts))


def modules() -> list[Path]:
    skip = {"tests", ".venv", "build", "dist"}
    return sorted(p for p in ROOT.rglob("*.py") if not (set(p.relative_to(ROOT).parts) & skip))


def layer_of(name: str) -> tuple[int, str] | None:
    for index, group in enumerate(LAYERS):
        for prefix in group:
            if name == prefix or name.startswith(prefix + "."):
                return index, prefix
    return None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every argus import in ``path`` outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                type_only.update(id(n) for n in ast.walk(inner))
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            targets = [f"{name}.{alias.name}" for alias in node.names]
            # "from argus.agent import core" imports argus.agent.core; "from x import func" imports x
            found.extend(
                (node.lineno, t if layer_of(t) and layer_of(t) != layer_of(name) else name) for t in targets
            )
    return [(line, name) for line, name in found if name == "argus" or name.startswith("argus.")]


def test_every_module_has_a_layer():
    unplaced = [
        module_name(p)
        for p in modules()
        if module_name(p) not in PACKAGE_INITS and layer_of(module_name(p)) is None
    ]
    assert not unplaced, f"place these modules in a layer in tests/test_layers.py: {unplaced}"


def test_no_bare_top_level_imports():
    """Inside the package everything is argus.*: a bare 'import tools' works only from a checkout."""
    bare = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            bare.extend(
                f"{path.relative_to(ROOT)}:{node.lineno} {n}"
                for n in names
                if n.split(".")[0] in ("agent", "tools", "knowledge", "prompts", "cli")
            )
    assert not bare, bare


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_layers(path: Path):
    own = layer_of(module_name(path))
    if own is None:
        return
    problems = []
    for line, name in imports(path):
        target = layer_of(name)
        if target is None or target[1] == own[1]:
            continue
        if target[0] > own[0] or (target[0] == own[0] and (own[1], target[1]) not in SIDEWAYS):
            problems.append(f"line {line}: {module_name(path)} ({own[1]}) imports {name} ({target[1]})")
    assert not problems, "\n".join(problems)
